"""The named cast: a small org tree and one user per role, shared by every test."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bianmin.accounts.middleware import SESSION_STARTED_KEY
from bianmin.accounts.roles import SECOND_FACTOR_ROLES, Role, group_name
from bianmin.org.models import Post, Region, RegionLevel, StaffProfile, Unit, UnitKind, Window
from bianmin.org.services import save_region, save_unit

PASSWORD = "Cast-Password-2026!"
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
# The cast's TOTP secret (RFC 6238's test key): members whose roles need a second factor are enrolled with it.
CAST_TOTP_KEY = b"12345678901234567890".hex()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each test's database starts anew, so no calendar built by another test may be reused."""
    from bianmin.workdays import selectors

    selectors._cache.clear()
    yield
    selectors._cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Pages cache a few aggregates per process; no test may see another test's."""
    from django.core.cache import cache

    from bianmin.core.ttlcache import clear_all

    cache.clear()
    clear_all()  # identity caches, pinned item versions: ids are reused by the next test's database
    yield
    cache.clear()
    clear_all()


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def org(db):
    """County 101 with one town 10101 and one village; a county center C1, town center T1, village V1, dept D1."""
    county = save_region(Region(code="101", name="测试县", level=RegionLevel.COUNTY))
    town = save_region(Region(code="10101", name="测试镇", level=RegionLevel.TOWN, parent=county))
    village = save_region(Region(code="1010101", name="测试村", level=RegionLevel.VILLAGE, parent=town))
    center = save_unit(Unit(code="C1", name="测试县政务服务中心", kind=UnitKind.COUNTY_CENTER, region=county))
    town_center = save_unit(Unit(code="T1", name="测试镇便民服务中心", kind=UnitKind.TOWN_CENTER, region=town,
                                 parent=center))
    station = save_unit(Unit(code="V1", name="测试村便民服务站", kind=UnitKind.VILLAGE_STATION, region=village,
                             parent=town_center))
    dept = save_unit(Unit(code="D1", name="测试县市场监督管理局", kind=UnitKind.DEPARTMENT, region=county,
                          parent=center))
    return {"county": county, "town": town, "village": village, "center": center, "town_center": town_center,
            "station": station, "dept": dept}


def make_user(django_user_model, username, role: Role | None, unit: Unit | None, *, badge: str | None = None,
              must_change_password: bool = False):
    user = django_user_model.objects.create_user(username=username, password=PASSWORD, full_name=username,
                                                 must_change_password=must_change_password,
                                                 is_staff=role == Role.SYSADMIN)
    if role is not None:
        user.groups.add(Group.objects.get(name=group_name(role)))
    if role in SECOND_FACTOR_ROLES:
        enrol_totp(user)
    if unit is not None:
        StaffProfile.objects.create(user=user, name=f"{username}姓名", badge_number=badge or f"B-{username}",
                                    unit=unit)
    return user


def enrol_totp(user, key: str = CAST_TOTP_KEY) -> TOTPDevice:
    """Give ``user`` a confirmed TOTP device (as the enrolment page would)."""
    return TOTPDevice.objects.create(user=user, name="测试动态验证码", key=key, confirmed=True)


def otp_code(user) -> str:
    """Return the current TOTP code of ``user``'s device, usable even if a code of this 30-second step was
    already accepted (tests sign in several times within one step; replay protection is tested on its own)."""
    device = TOTPDevice.objects.get(user_id=user.pk, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0,
                                                   throttling_failure_timestamp=None)
    return f"{TOTP(device.bin_key).token():06d}"


def sign_in(client, user):
    """Sign ``user`` in on the test client as the login page would: session start time and, for an enrolled
    user, the second factor passed."""
    client.force_login(user)
    session = client.session
    session[SESSION_STARTED_KEY] = time.time()
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def api_token_headers(client, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Return the Authorization header of a new API token for ``username`` (with the TOTP code when enrolled)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    body = {"username": username, "password": password}
    if TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists():
        body["otp"] = otp_code(user)
    r = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert r.status_code == 200, r.content.decode()
    return {"Authorization": f"Bearer {r.json()['token']}"}


@pytest.fixture
def cast(org, django_user_model):
    """One user per role, each with a staff profile, plus a post with window_a (A) and window_b (B)."""
    c, t, v = org["center"], org["town_center"], org["station"]
    users = {
        "window_a": make_user(django_user_model, "window_a", Role.WINDOW, c),
        "window_b": make_user(django_user_model, "window_b", Role.WINDOW, c),
        "town_window": make_user(django_user_model, "town_window", Role.WINDOW, t),
        "agent": make_user(django_user_model, "agent", Role.AGENT, v),
        "leader": make_user(django_user_model, "leader", Role.LEADER, c),
        "supervisor": make_user(django_user_model, "supervisor", Role.SUPERVISOR, c),
        "sysadmin": make_user(django_user_model, "sysadmin", Role.SYSADMIN, c),
        "secadmin": make_user(django_user_model, "secadmin", Role.SECADMIN, c),
        "auditor": make_user(django_user_model, "auditor", Role.AUDITOR, c),
        "nobody": make_user(django_user_model, "nobody", None, c),
    }
    window = Window.objects.create(unit=c, number="01", name="综合窗口")
    users["post"] = Post.objects.create(window=window, name="受理岗", a_staff=users["window_a"].staff_profile,
                                        b_staff=users["window_b"].staff_profile)
    return users
