"""Fixtures shared by every app's tests: the named cast (a small org tree, one user per role), the official
calendar and the published items the case tests work with. Plain helpers are in ``bianmin.testing``."""
from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bianmin.accounts.middleware import SESSION_STARTED_KEY
from bianmin.accounts.roles import SECOND_FACTOR_ROLES, Role, group_name
from bianmin.catalog.services import create_item
from bianmin.org.models import Post, Region, RegionLevel, StaffProfile, Unit, UnitKind, Window
from bianmin.org.services import save_region, save_unit
from bianmin.testing.factories import ALL_GOOD, MATERIALS, MON, NOW, at, item_content, make_item
from bianmin.testing.openapi_contract import TOLERATED, checked_client_calls, fetch_contract, unreached
from bianmin.workdays.services import chinesecalendar_days, import_official

PASSWORD = "Cast-Password-2026!"
# The cast's TOTP secret (RFC 6238's test key): members whose roles need a second factor are enrolled with it.
CAST_TOTP_KEY = b"12345678901234567890".hex()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each test's database starts anew, so no calendar built by another test may be reused."""
    from bianmin.workdays import selectors

    selectors._cache.clear()
    selectors._read_revision.clear()
    yield
    selectors._cache.clear()
    selectors._read_revision.clear()


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


@pytest.fixture
def calendar(db):
    """The official national calendar (2004–2026, from ``chinesecalendar``)."""
    days, years = chinesecalendar_days()
    import_official(days, years, now=NOW)


@pytest.fixture
def item(cast, calendar, org):
    """SP-01 食品经营许可, published, implemented by the department D1: 20 legal / 10 committed working days,
    检验 and 检测 allowed, +10 days' extension, one waivable fee (``bianmin.testing.factories.item_content``)."""
    return create_item(actor=cast["sysadmin"], code="SP-01", basic_code="1", content=item_content(
        implementing_unit=org["dept"]), materials=MATERIALS,
        fees=[{"name": "工本费", "amount": Decimal("10.00"), "basis": "文件", "waivable": True}],
        faqs=[], now=NOW, publish=True)


@pytest.fixture
def immediate_item(cast, calendar):
    """JB-01 生育登记, published: 即办 (limits of 0), the first material of SP-01 only."""
    return create_item(actor=cast["sysadmin"], code="JB-01", basic_code="2", content=item_content(
        name="生育登记", committed_limit=0, legal_limit=0, default_class="IMMEDIATE", special_procedures=[],
        extension_allowed=False, extension_days=0), materials=MATERIALS[:1], fees=[], faqs=[], now=NOW,
        publish=True)


@pytest.fixture
def deferred_case(cast, org, calendar):
    """An accepted case of RQ-01 (容缺 material due 3 working days after acceptance) without its 容缺 material
    场所平面图: a 补办件, accepted at 09:00 on Monday 2026-03-02 by window_a."""
    from bianmin.cases import services as svc
    from bianmin.testing.cases import receive

    make_item(cast, org, "RQ-01", name="容缺事项", deferred_due_days=3)
    case = receive(cast, code="RQ-01", materials=ALL_GOOD[:1])
    return svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))


# The OpenAPI contract (issue 15 item 5): every /api/v1/ call a test makes through Django's test client is checked
# against the published document (``openapi_contract.checked_client_calls``).

CONTRACT_MARKERS = (
    "endpoint(method, path): the test covers this operation of the OpenAPI document; it must get a 2xx from it "
    "(test_openapi_contract.py lists the operations no test covers)",
    "invalid_request: the test sends requests the OpenAPI document forbids on purpose; they are not checked "
    "(their responses are)",
    "undocumented_status(*codes): the test provokes these status codes on purpose (a server error, a body over "
    "the size limit); the response must still be the one error body",
)
PASSED = pytest.StashKey[bool]()


def pytest_configure(config):
    for line in CONTRACT_MARKERS:
        config.addinivalue_line("markers", line)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[PASSED] = report.passed
    return report


def pytest_terminal_summary(terminalreporter):
    if TOLERATED:
        terminalreporter.section("responses that do not match the OpenAPI document (KNOWN_MISMATCHES)")
        for (method, path), problems in sorted(TOLERATED.items()):
            terminalreporter.write_line(f"{method} {path}: {sorted(set(problems))[:3]}")


@pytest.fixture(scope="session")
def openapi_contract():
    """The published OpenAPI document, fetched and parsed once per session."""
    return fetch_contract()


@pytest.fixture(autouse=True)
def api_calls_match_the_document(request, openapi_contract):
    """Check every /api/v1/ request and response of the test against the OpenAPI document.

    ``@pytest.mark.invalid_request`` exempts the requests (not the responses); ``@pytest.mark.undocumented_status
    (500)`` lets a response have a status the operation does not document (it must still be the error body);
    ``@pytest.mark.endpoint(method, path)`` requires a 2xx from that operation.
    """
    marker = request.node.get_closest_marker("undocumented_status")
    with checked_client_calls(openapi_contract,
                              invalid_request_ok=request.node.get_closest_marker("invalid_request") is not None,
                              undocumented_ok=frozenset(marker.args) if marker else frozenset()) as seen:
        yield seen
    if request.node.stash.get(PASSED, False):  # a failed test's own failure says more
        declared = [m.args for m in request.node.iter_markers("endpoint")]
        problems = unreached(declared, seen, openapi_contract)
        assert problems == [], problems
