import pytest
from django.contrib.auth import get_user_model

from bianmin.accounts.policies import roles_of
from bianmin.accounts.roles import Role
from bianmin.catalog.models import ItemVersion, ServiceItem
from bianmin.core.validators import is_valid_resident_id
from bianmin.demo.people import synthetic_id
from bianmin.demo.seed import DEMO_PASSWORD, seed_demo
from bianmin.org.models import Post, StaffProfile, Unit, UnitKind
from bianmin.workdays.models import CalendarDay
from conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    return seed_demo(NOW)


def counts():
    return (Unit.objects.count(), StaffProfile.objects.count(), ServiceItem.objects.count(),
            ItemVersion.objects.count(), Post.objects.count(), CalendarDay.objects.count(),
            get_user_model().objects.count())


def test_demo_county_shape(demo):
    kinds = list(Unit.objects.values_list("kind", flat=True))
    assert kinds.count(UnitKind.COUNTY_CENTER) == 1 and kinds.count(UnitKind.TOWN_CENTER) == 3
    assert kinds.count(UnitKind.VILLAGE_STATION) == 6 and kinds.count(UnitKind.DEPARTMENT) == 8
    assert kinds.count(UnitKind.INSTITUTION_DESK) == 1
    assert StaffProfile.objects.count() >= 40
    assert Post.objects.filter(b_staff__isnull=False).count() == Post.objects.count() > 10
    assert ItemVersion.objects.filter(is_current=True).count() >= 30
    names = set(ItemVersion.objects.values_list("name", flat=True))
    for required in ("个体工商户登记", "城乡居民医保参保登记", "残疾人证申领", "最低生活保障申请", "农村宅基地建房审批",
                     "生育登记", "老年人优待证办理", "犬只登记", "入院登记"):
        assert required in names
    hospital = ItemVersion.objects.get(name="入院登记")
    assert hospital.implementing_unit.kind == UnitKind.INSTITUTION_DESK


def test_demo_logins(demo):
    user_model = get_user_model()
    expected = {"window1": Role.WINDOW, "window2": Role.WINDOW, "town_window1": Role.WINDOW, "agent1": Role.AGENT,
                "leader1": Role.LEADER, "supervisor1": Role.SUPERVISOR, "sysadmin1": Role.SYSADMIN,
                "secadmin1": Role.SECADMIN, "auditor1": Role.AUDITOR}
    for username, role in expected.items():
        user = user_model.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD) and roles_of(user) == {role}
        assert not user.must_change_password  # demo accounts are exempt from the first-login change
    post = Post.objects.get(a_staff__user__username="window1")
    assert post.b_staff.user.username == "window2" and post.window.unit.code == "C01"
    assert user_model.objects.get(username="town_window1").staff_profile.unit.kind == UnitKind.TOWN_CENTER
    assert user_model.objects.get(username="agent1").staff_profile.unit.kind == UnitKind.VILLAGE_STATION


def test_seed_is_idempotent(demo):
    before = counts()
    again = seed_demo(NOW)
    assert counts() == before
    assert again == {"calendar": False, "org": False, "staff": 0, "items": 0}


def test_seed_does_not_wipe_changes(demo):
    unit = Unit.objects.get(code="C01")
    unit.phone = "0799-6999999"
    unit.save()
    seed_demo(NOW)
    assert Unit.objects.get(code="C01").phone == "0799-6999999"


def test_seed_demo_refused_outside_demo_mode(settings, db):
    from django.core.management import CommandError, call_command

    settings.BIANMIN = {**settings.BIANMIN, "DEMO_MODE": False}
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_synthetic_ids_are_valid():
    import random

    rng = random.Random(1)
    assert all(is_valid_resident_id(synthetic_id(rng)) for _ in range(200))
