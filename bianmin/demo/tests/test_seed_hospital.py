"""The demo hospital desk (issue 14, decision 0026): a hospital's 便民服务中心 with its nine 科室, each with a
首席责任人, the desk's own logins as A and B of its window, and its catalogue with limits in hours or working days;
an older database (seeded before issue 14) gets them on the next run, once."""
import pytest
from django.contrib.auth import get_user_model

from bianmin.accounts.policies import roles_of
from bianmin.accounts.roles import Role
from bianmin.catalog.models import ItemVersion
from bianmin.demo.seed import DEMO_PASSWORD, HOSPITAL_DEPTS, HOSPITAL_LOGINS, seed_demo, seed_hospital
from bianmin.org.models import Post, Sector, StaffProfile, Unit, UnitKind
from conftest import NOW

pytestmark = pytest.mark.django_db


def test_the_hospital_desk_has_its_departments_staff_and_chiefs(db):
    seed_demo(NOW)
    desk = Unit.objects.get(code="YY1")
    assert desk.is_hospital_desk and desk.sector == Sector.HOSPITAL
    departments = list(Unit.objects.filter(parent=desk).order_by("code"))
    assert [(d.code, d.name) for d in departments] == HOSPITAL_DEPTS
    for d in departments:
        assert d.kind == UnitKind.HOSPITAL_DEPT and d.is_hospital and d.path.startswith(desk.path)
        chief = d.chief_responsible
        assert chief is not None and chief.unit_id == d.pk and chief.is_active
        assert 1 <= StaffProfile.objects.filter(unit=d, is_active=True).count() <= 2
    assert desk.chief_responsible.user.username == "yy_leader1"
    users = get_user_model().objects
    for username, name, role, unit_code, title in HOSPITAL_LOGINS:
        user = users.get(username=username)
        assert user.check_password(DEMO_PASSWORD) and not user.must_change_password and roles_of(user) == {role}
        profile = user.staff_profile
        assert (profile.name, profile.unit.code, profile.title) == (name, unit_code, title)
        assert profile.badge_number.startswith("YY")
    assert users.get(username="yy_leader1").totpdevice_set.filter(confirmed=True).exists()  # a leader: 2FA
    post = Post.objects.get(window__unit=desk)
    assert (post.a_staff.user.username, post.b_staff.user.username) == ("yy_window1", "yy_window2")
    assert {role for _u, _n, role, _c, _t in HOSPITAL_LOGINS} == {Role.WINDOW, Role.LEADER}


def test_the_hospital_catalogue_counts_in_hours_or_working_days(db):
    seed_demo(NOW)
    current = {v.name: v for v in ItemVersion.objects.filter(is_current=True, implementing_unit__code="YY1")}
    limits = {name: (v.committed_limit, v.committed_limit_unit, v.default_class) for name, v in current.items()}
    assert limits["咨询导诊"] == (1, "HOURS", "IMMEDIATE")
    assert limits["转院协调"] == (24, "HOURS", "PROMISED")
    assert limits["会诊协调"] == (48, "HOURS", "PROMISED")
    assert limits["医疗保险和医疗救助协助办理"] == (3, "WORKING", "PROMISED")
    assert limits["来访接待（来访者和合作单位）"] == (2, "WORKING", "PROMISED")
    assert limits["医院领导交办事项办理"] == (5, "WORKING", "PROMISED")
    for kept in ("入院登记", "出院结算", "住院费用清单打印", "出生医学证明办理", "住院病历复印"):
        assert kept in current
    for v in current.values():
        assert v.level == "INSTITUTION" and v.procedure and v.conditions and v.place and v.enquiry_phone
        assert v.materials.exists()
        if "HOURS" in (v.committed_limit_unit, v.legal_limit_unit):
            assert not v.special_procedures and not v.extension_allowed


def test_an_older_database_gets_the_hospital_once(db):
    seed_demo(NOW)
    desk = Unit.objects.get(code="YY1")
    # As seeded before issue 14: no sector, no 科室, no hospital logins, the generated pair on the desk's post.
    generated = list(StaffProfile.objects.filter(unit=desk, badge_number__startswith="YX").order_by("pk"))
    Post.objects.filter(window__unit=desk).update(a_staff=generated[0], b_staff=generated[1])
    Unit.objects.filter(parent=desk).update(chief_responsible=None)
    Unit.objects.filter(code="YY1").update(chief_responsible=None)
    hospital_users = get_user_model().objects.filter(username__startswith="yy_")
    StaffProfile.objects.filter(user__in=hospital_users).delete()
    hospital_users.delete()
    Unit.objects.filter(parent=desk).delete()
    Unit.objects.filter(pk=desk.pk).update(sector="")
    assert seed_hospital() == len(HOSPITAL_LOGINS)
    desk.refresh_from_db()
    assert desk.is_hospital_desk and Unit.objects.filter(parent=desk).count() == len(HOSPITAL_DEPTS)
    assert Post.objects.get(window__unit=desk).a_staff.user.username == "yy_window1"
    # Again: nothing new, and an administrator's choice of A stays.
    Post.objects.filter(window__unit=desk).update(a_staff=generated[0])
    before = (Unit.objects.count(), StaffProfile.objects.count())
    assert seed_hospital() == 0
    assert (Unit.objects.count(), StaffProfile.objects.count()) == before
    assert Post.objects.get(window__unit=desk).a_staff == generated[0]
