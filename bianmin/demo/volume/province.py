"""More counties for volume seeding: issue 16's province of 100 counties (synthetic, like the demo county).

Each added county gets a county center with 14 window staff and three town centers with 2 each (20 window staff a
county, about 2,000 over 100 counties with the demo county's), so ``seed_volume`` spreads cases over a province's
units and staff instead of piling 10 million cases on one county. The counties share the demo catalogue (its items
and their implementing departments stay the demo county's) and the national calendar; they have no leaders,
supervisors or windows of their own. Staff sign in as ``x002w01`` … with the demo password.
"""
from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from bianmin.accounts.roles import Role, group_name
from bianmin.org.models import Region, RegionLevel, StaffProfile, Unit, UnitKind
from bianmin.org.services import save_region, save_unit

from ..people import synthetic_mobile, synthetic_name
from ..seed import DEMO_PASSWORD, HOURS

FIRST = "青松柳桂梅兰竹石河山泉林阳宁安平和丰乐永"
SECOND = "江川原城岭湖坪阳台水谷州溪源峰冈田庄桥门"
TOWNS = ("城关镇", "东岭镇", "西河镇")
CENTER_STAFF, TOWN_STAFF = 14, 2


def county_code(n: int) -> str:
    """Return the region code of the ``n``-th county (1 is the demo county 369901; 99 a prefix of 3699)."""
    return f"36{99 - (n - 1) // 99:02d}{(n - 1) % 99 + 1:02d}"


def county_name(n: int) -> str:
    """Return a fictitious county name for ``n`` ≥ 2 (400 distinct names)."""
    i = n - 2
    return f"{FIRST[i % 20]}{SECOND[(i // 20 + i) % 20]}县"


@transaction.atomic
def ensure_counties(total: int) -> dict[str, int]:
    """Add counties 2 … ``total`` that are missing, with their units and window staff; return how many counties,
    units and staff were added. Idempotent: an existing county (by region code) is left as it is."""
    existing = set(Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", flat=True))
    todo = [n for n in range(2, total + 1) if county_code(n) not in existing]
    added = {"counties": 0, "units": 0, "staff": 0}
    if not todo:
        return added
    window = Group.objects.get(name=group_name(Role.WINDOW))
    password = make_password(DEMO_PASSWORD)  # hashed once: 2,000 hashes would take ten minutes
    rng = random.Random(16)
    user_model = get_user_model()
    plan: list[tuple[str, str, Unit, str]] = []  # (username, name, unit, badge)
    for n in todo:
        code = county_code(n)
        county = save_region(Region(code=code, name=county_name(n), level=RegionLevel.COUNTY))
        center = save_unit(Unit(code=f"X{n:03d}C", name=f"{county.name}政务服务中心", kind=UnitKind.COUNTY_CENTER,
                                region=county, hours=HOURS))
        units = [(center, CENTER_STAFF)]
        for t, town_name in enumerate(TOWNS):
            town = save_region(Region(code=f"{code}{100 + t}", name=town_name, level=RegionLevel.TOWN, parent=county))
            units.append((save_unit(Unit(code=f"X{n:03d}T{t + 1}", name=f"{county.name}{town_name}便民服务中心",
                                         kind=UnitKind.TOWN_CENTER, region=town, parent=center, hours=HOURS)),
                          TOWN_STAFF))
        i = 0
        for unit, count in units:
            for _ in range(count):
                i += 1
                plan.append((f"x{n:03d}w{i:02d}", synthetic_name(rng), unit, f"X{n:03d}{i:02d}"))
        added["counties"] += 1
        added["units"] += len(units)
    users = user_model.objects.bulk_create([
        user_model(username=username, full_name=name, password=password, must_change_password=False)
        for username, name, _unit, _badge in plan])
    user_model.groups.through.objects.bulk_create([
        user_model.groups.through(user_id=user.pk, group_id=window.pk) for user in users])
    StaffProfile.objects.bulk_create([
        StaffProfile(user=user, name=name, badge_number=badge, unit=unit, title="窗口工作人员",
                     phone=synthetic_mobile(rng))
        for user, (_username, name, unit, badge) in zip(users, plan, strict=True)])
    added["staff"] = len(plan)
    return added
