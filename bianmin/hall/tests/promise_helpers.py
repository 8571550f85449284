"""Helpers for the tests of 预约办结, 预约联动 and 组团服务 (``hall.promises``): an accepted case, the departments a
center may gather (and one it may not), department staff, and a second county."""
from __future__ import annotations

import datetime as dt
from typing import Any

from bianmin.accounts.roles import Role
from bianmin.cases import services as svc
from bianmin.cases.models import Case
from bianmin.org.models import Region, RegionLevel, Unit, UnitKind, Window
from bianmin.org.services import save_region, save_unit
from bianmin.testing.cases import receive
from bianmin.testing.factories import MON, at
from conftest import make_user

# SP-01 accepted on Monday 2026-03-02 has its committed deadline 10 working days later: Monday 2026-03-16.
DEADLINE = dt.date(2026, 3, 16)
SAT = dt.date(2026, 3, 7)


def accepted_case(cast: dict[str, Any], *, day: dt.date = MON, **applicant: Any) -> Case:
    """An SP-01 case received and accepted by window_a at 09:00 on ``day``."""
    case = receive(cast, day=day, **applicant)
    return svc.accept_case(actor=cast["window_a"], number=case.number, now=at(day))


def departments(org: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    """D1 (the org's, in the county) and D2 (in the county), D9 in another county stationed at C1's window 02 (so
    eligible), and DX in the other county and not stationed (not eligible); one window clerk in each of D1, D2, DX,
    a village of the other county and a unit there."""
    other = save_region(Region(code="202", name="邻县", level=RegionLevel.COUNTY))
    other_town = save_region(Region(code="20201", name="邻镇", level=RegionLevel.TOWN, parent=other))
    other_village = save_region(Region(code="2020101", name="邻村", level=RegionLevel.VILLAGE, parent=other_town))
    d2 = save_unit(Unit(code="D2", name="测试县自然资源局", kind=UnitKind.DEPARTMENT, region=org["county"],
                        parent=org["center"]))
    d9 = save_unit(Unit(code="D9", name="邻县税务局", kind=UnitKind.DEPARTMENT, region=other))
    dx = save_unit(Unit(code="DX", name="邻县公安局", kind=UnitKind.DEPARTMENT, region=other))
    other_center = save_unit(Unit(code="C2", name="邻县政务服务中心", kind=UnitKind.COUNTY_CENTER, region=other))
    Window.objects.create(unit=org["center"], number="02", name="税务窗口", department=d9)
    return {
        "d1": org["dept"], "d2": d2, "d9": d9, "dx": dx, "other_village": other_village, "other_center": other_center,
        "d1_staff": make_user(django_user_model, "d1_staff", Role.WINDOW, org["dept"]),
        "d2_staff": make_user(django_user_model, "d2_staff", Role.WINDOW, d2),
        "dx_staff": make_user(django_user_model, "dx_staff", Role.WINDOW, dx),
        "c2_staff": make_user(django_user_model, "c2_staff", Role.WINDOW, other_center),
    }
