"""预约办结, 预约联动 and 组团服务 (decision 0025 §6): every rule of ``hall.promises``, each refusal naming its field
and writing nothing, and the scoping (a forbidden object is reported as missing)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string

from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditEntry
from bianmin.cases import services as case_svc
from bianmin.cases.models import Case
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.hall import promises as svc
from bianmin.hall.models import (
    CompletionAppointment,
    CompletionStatus,
    JointAppointment,
    JointStatus,
    OutreachIntake,
    OutreachStatus,
    OutreachVisit,
)
from bianmin.notifications.models import Message
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import ID, MON, at
from conftest import make_user

from .promise_helpers import DEADLINE, SAT, accepted_case, departments

pytestmark = pytest.mark.django_db
WED = MON + dt.timedelta(days=2)


def _writes() -> tuple[int, int, int]:
    return CompletionAppointment.objects.count(), Message.objects.count(), AuditEntry.objects.count()


def _refused(exc_type, call, field: str | None = None):
    before = (_writes(), JointAppointment.objects.count(), OutreachVisit.objects.count(),
              OutreachIntake.objects.count())
    with pytest.raises(exc_type) as raised:
        call()
    if field is not None:
        assert field in raised.value.fields, raised.value.fields
    assert before == (_writes(), JointAppointment.objects.count(), OutreachVisit.objects.count(),
                      OutreachIntake.objects.count())
    return raised.value


# --- 预约办结 -------------------------------------------------------------------------------------------------------


def _give(cast, case, who="window_a", *, promised_on=WED, reason="需经领导审批", now=None):
    return svc.give_completion_appointment(actor=cast[who], case_number=case.number, promised_on=promised_on,
                                           reason=reason, now=now or at(MON, 10))


def test_a_completion_appointment_is_given_told_by_sms_and_audited(cast, item):
    case = accepted_case(cast)
    assert case.committed_deadline == DEADLINE
    sms_before = Message.objects.filter(channel="SMS").count()
    appointment = _give(cast, case)
    assert (appointment.status, appointment.promised_on, appointment.reason) == (CompletionStatus.OPEN, WED,
                                                                                 "需经领导审批")
    sms = Message.objects.filter(channel="SMS", kind="CASE_COMPLETION_APPOINTMENT").get()
    assert Message.objects.filter(channel="SMS").count() == sms_before + 1
    assert sms.phone == "13800138000" and "2026年3月4日" in sms.body and "需经领导审批" in sms.body
    assert case.number in sms.body and ID not in sms.body and ID[:6] not in sms.body
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.object_type == "hall.CompletionAppointment" and entry.actor_username == "window_a"
    case.refresh_from_db()
    assert case.completion_promised  # marked with the appointment, in its transaction
    assert svc.completion_of(case) == appointment
    # the deadline itself is a valid promise; today too
    other = accepted_case(cast)
    assert _give(cast, other, promised_on=DEADLINE).promised_on == DEADLINE


@pytest.mark.parametrize(("promised_on", "reason", "field"), [
    (MON - dt.timedelta(days=1), "原因", "promised_on"),  # before today
    (SAT, "原因", "promised_on"),  # a rest day
    (DEADLINE + dt.timedelta(days=1), "原因", "promised_on"),  # after the committed deadline
    (None, "原因", "promised_on"),
    (WED, "  ", "reason"),
    (WED, "因" * 256, "reason"),
])
def test_a_bad_date_or_reason_is_refused_naming_the_field_and_writes_nothing(cast, item, promised_on, reason, field):
    case = accepted_case(cast)
    _refused(DomainError, lambda: _give(cast, case, promised_on=promised_on, reason=reason), field)


def test_only_a_running_case_gets_one_appointment_once(cast, item):
    received = receive(cast)
    _refused(Conflict, lambda: _give(cast, received))
    case = accepted_case(cast)
    _give(cast, case)
    error = _refused(Conflict, lambda: _give(cast, case, promised_on=DEADLINE))
    assert error.code == "already_promised"
    decided = accepted_case(cast)
    case_svc.decide_case(actor=cast["window_a"], number=decided.number, outcome="GRANTED", now=at(MON, 11), **GRANT)
    _refused(Conflict, lambda: _give(cast, decided, now=at(MON, 12)))


def test_who_may_give_one_the_handler_side_or_the_receiving_clerk(cast, org, item, django_user_model):
    case = accepted_case(cast)
    # The first handler is someone else: the clerk who received it still may, so may the handler; others not.
    Case.objects.filter(pk=case.pk).update(first_handler=cast["window_b"].staff_profile)
    third = make_user(django_user_model, "window_c", Role.WINDOW, org["center"])
    _refused(Forbidden, lambda: _give(cast | {"window_c": third}, case, who="window_c"))
    _refused(Forbidden, lambda: _give(cast, case, who="leader"))  # sees the case, holds no HANDLE_CASES
    _refused(NotFound, lambda: _give(cast, case, who="town_window"))  # another unit: as if missing
    assert _give(cast, case, who="window_b").given_by == cast["window_b"]
    other = accepted_case(cast)
    Case.objects.filter(pk=other.pk).update(first_handler=cast["window_b"].staff_profile)
    assert _give(cast, other, who="window_a").given_by == cast["window_a"]


# --- 预约联动 -------------------------------------------------------------------------------------------------------


def _plan_joint(cast, d, who="window_a", **overrides):
    data = {"unit_id": cast["window_a"].staff_profile.unit_id, "department_ids": [d["d1"].pk, d["d2"].pk],
            "starts_at": at(WED, 10), "place": "二楼联办室", "matter": "开办餐馆（食品经营和不动产）", "name": "李四",
            "phone": "139 0013 9000", "now": at(MON, 10)}
    data.update(overrides)
    return svc.plan_joint(actor=cast[who], **data)


@pytest.fixture
def depts(org, django_user_model, cast):
    return departments(org, django_user_model)


def test_a_joint_appointment_is_numbered_and_tells_departments_and_applicant(cast, depts, calendar):
    joint = _plan_joint(cast, depts)
    assert joint.number == "LDC1202603020001" and joint.status == JointStatus.PLANNED
    assert joint.phone_masked == "139****9000" and joint.phone == "13900139000"
    assert set(joint.departments.values_list("department_id", flat=True)) == {depts["d1"].pk, depts["d2"].pk}
    inapp = Message.objects.filter(channel="INAPP", kind="JOINT_APPOINTMENT")
    assert set(inapp.values_list("recipient_id", flat=True)) == {depts["d1_staff"].pk, depts["d2_staff"].pk}
    sms = Message.objects.get(channel="SMS", kind="JOINT_APPOINTMENT")
    assert sms.phone == "13900139000" and "LDC1202603020001" in sms.body and "二楼联办室" in sms.body
    assert _plan_joint(cast, depts, department_ids=[depts["d1"].pk, depts["d9"].pk]).number == "LDC1202603020002"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"department_ids": []}, "department_ids"),
    ({"department_ids": ["D1"]}, "department_ids"),
    ({"starts_at": at(MON, 8)}, "starts_at"),  # past
    ({"starts_at": at(SAT, 10)}, "starts_at"),  # a rest day
    ({"starts_at": None}, "starts_at"),
    ({"phone": "12345"}, "phone"),
    ({"place": " "}, "place"),
    ({"matter": "事" * 256}, "matter"),
    ({"name": ""}, "name"),
])
def test_bad_joint_input_names_the_field_and_writes_nothing(cast, depts, calendar, overrides, field):
    if overrides.get("department_ids") == ["D1"]:
        overrides = {"department_ids": [depts["d1"].pk]}  # only one
    _refused(DomainError, lambda: _plan_joint(cast, depts, **overrides), field)


def test_joint_departments_must_be_stationed_or_in_the_county_and_the_center_in_scope(cast, depts, calendar, org):
    _refused(DomainError, lambda: _plan_joint(cast, depts, department_ids=[depts["d1"].pk, depts["dx"].pk]),
             "department_ids")
    _refused(DomainError, lambda: _plan_joint(cast, depts, department_ids=[depts["d1"].pk, org["center"].pk]),
             "department_ids")  # a center is no department
    _refused(DomainError, lambda: _plan_joint(cast, depts, who="town_window"), "unit_id")  # C1 is above T1
    _refused(DomainError, lambda: _plan_joint(cast, depts, unit_id=org["dept"].pk), "unit_id")  # not a center
    _refused(Forbidden, lambda: _plan_joint(cast, depts, who="agent"))
    _refused(Forbidden, lambda: _plan_joint(cast, depts, who="supervisor"))
    assert _plan_joint(cast, depts, who="leader").created_by == cast["leader"]


def test_only_the_center_and_the_departments_see_a_joint_appointment(cast, depts, calendar):
    joint = _plan_joint(cast, depts)
    for who in ("window_a", "leader", "supervisor"):
        assert svc.get_joint_for(cast[who], joint.pk) == joint
    for user in (depts["d1_staff"], depts["d2_staff"]):
        assert svc.get_joint_for(user, joint.pk) == joint
    for user in (cast["town_window"], cast["agent"], cast["sysadmin"], depts["dx_staff"], depts["c2_staff"]):
        with pytest.raises(NotFound):
            svc.get_joint_for(user, joint.pk)
        _refused(NotFound, lambda u=user: svc.confirm_joint(actor=u, joint_id=joint.pk, now=at(MON, 11)))
        _refused(NotFound, lambda u=user: svc.cancel_joint(actor=u, joint_id=joint.pk, reason="x", now=at(MON, 11)))
    assert list(svc.joints_for(cast["window_a"], q="李")) == [joint]
    assert list(svc.joints_for(cast["window_a"], q="LDC1202603020001")) == [joint]
    assert list(svc.joints_for(cast["window_a"], q="王五")) == []


def test_each_department_confirms_once_and_only_its_staff(cast, depts, calendar):
    joint = _plan_joint(cast, depts)
    _refused(Forbidden, lambda: svc.confirm_joint(actor=cast["window_a"], joint_id=joint.pk, now=at(MON, 11)))
    svc.confirm_joint(actor=depts["d1_staff"], joint_id=joint.pk, now=at(MON, 11))
    row = joint.departments.get(department=depts["d1"])
    assert row.confirmed_at == at(MON, 11) and row.confirmed_by == depts["d1_staff"]
    assert joint.departments.get(department=depts["d2"]).confirmed_at is None
    _refused(Conflict, lambda: svc.confirm_joint(actor=depts["d1_staff"], joint_id=joint.pk, now=at(MON, 12)))


def test_a_joint_appointment_is_closed_after_its_time_with_who_came(cast, depts, calendar):
    joint = _plan_joint(cast, depts)
    d1, d2 = depts["d1"].pk, depts["d2"].pk

    def close(who="window_a", **kw):
        data = {"held": True, "note": "已办结", "attended_department_ids": [d1], "now": at(WED, 11)} | kw
        return svc.close_joint(actor=cast[who] if isinstance(who, str) else who, joint_id=joint.pk, **data)

    _refused(Conflict, lambda: close(now=at(WED, 9)))  # its time has not come
    _refused(Forbidden, lambda: close(who=depts["d1_staff"]))  # a department does not close it
    _refused(DomainError, lambda: close(attended_department_ids=[depts["dx"].pk]), "attended_department_ids")
    _refused(DomainError, lambda: close(attended_department_ids=[]), "attended_department_ids")
    _refused(DomainError, lambda: close(held=False, note=""), "note")
    closed = close()
    assert closed.status == JointStatus.HELD and closed.note == "已办结"
    assert dict(joint.departments.values_list("department_id", "attended")) == {d1: True, d2: False}
    _refused(Conflict, lambda: close())
    _refused(Conflict, lambda: svc.cancel_joint(actor=cast["window_a"], joint_id=joint.pk, reason="x",
                                                now=at(WED, 12)))


def test_a_joint_appointment_not_held_or_cancelled(cast, depts, calendar):
    joint = _plan_joint(cast, depts)
    not_held = svc.close_joint(actor=cast["window_a"], joint_id=joint.pk, held=False, note="申请人未到",
                               attended_department_ids=[], now=at(WED, 11))
    assert not_held.status == JointStatus.CANCELLED and not_held.note == "申请人未到"
    other = _plan_joint(cast, depts)
    _refused(DomainError, lambda: svc.cancel_joint(actor=cast["window_a"], joint_id=other.pk, reason=" ",
                                                   now=at(MON, 11)), "reason")
    sms_before = Message.objects.filter(channel="SMS").count()
    cancelled = svc.cancel_joint(actor=cast["leader"], joint_id=other.pk, reason="部门人员外出", now=at(MON, 11))
    assert cancelled.status == JointStatus.CANCELLED and "部门人员外出" in cancelled.note
    assert Message.objects.filter(channel="SMS").count() == sms_before + 1
    _refused(Conflict, lambda: svc.confirm_joint(actor=depts["d1_staff"], joint_id=other.pk, now=at(MON, 12)))


# --- 组团服务 -------------------------------------------------------------------------------------------------------


def _plan_outreach(cast, org, who="leader", **overrides):
    data = {"unit_id": org["center"].pk, "region_id": org["village"].pk, "place": "村委会", "topic": "社保上门办理",
            "starts_at": at(WED, 9), "ends_at": at(WED, 12),
            "team_staff_ids": [cast["window_a"].staff_profile.pk, cast["town_window"].staff_profile.pk],
            "now": at(MON, 10)}
    data.update(overrides)
    return svc.plan_outreach(actor=cast[who], **data)


def test_an_outreach_visit_is_planned_published_and_the_team_told(cast, org):
    visit = _plan_outreach(cast, org)
    assert visit.status == OutreachStatus.PLANNED and visit.team.count() == 2
    assert svc.published_outreach(org["center"], at(MON, 10)) == [visit]
    assert svc.published_outreach(org["center"], at(WED, 11)) == [visit]  # today's, until it ends
    assert svc.published_outreach(org["center"], at(WED + dt.timedelta(days=1))) == []
    assert svc.published_outreach(org["town_center"], at(MON, 10)) == []
    told = set(Message.objects.filter(channel="INAPP", kind="OUTREACH").values_list("recipient_id", flat=True))
    assert told == {cast["window_a"].pk, cast["town_window"].pk}
    board = render_to_string("public/_outreach.html", {"outreach_visits": svc.published_outreach(org["center"],
                                                                                                  at(MON, 10))})
    assert "测试村" in board and "村委会" in board and "window_a姓名" in board and "2026-03-04 09:00" in board
    assert "近期没有组团服务安排" in render_to_string("public/_outreach.html", {"outreach_visits": []})


@pytest.mark.parametrize(("overrides", "field"), [
    ({"region_id": "TOWN"}, "region_id"),  # not a village
    ({"region_id": "OTHER"}, "region_id"),  # outside the unit's area
    ({"region_id": 0}, "region_id"),
    ({"team_staff_ids": "ONE"}, "team_staff_ids"),
    ({"team_staff_ids": "OUTSIDER"}, "team_staff_ids"),
    ({"starts_at": at(MON, 8)}, "starts_at"),
    ({"ends_at": at(WED, 8)}, "ends_at"),
    ({"ends_at": at(WED + dt.timedelta(days=1), 9)}, "ends_at"),
    ({"place": ""}, "place"),
    ({"topic": "题" * 256}, "topic"),
    ({"unit_id": "DEPT"}, "unit_id"),
])
def test_bad_outreach_input_names_the_field_and_writes_nothing(cast, org, depts, overrides, field):
    values = {"TOWN": org["town"].pk, "OTHER": depts["other_village"].pk,
              "ONE": [cast["window_a"].staff_profile.pk],
              "OUTSIDER": [cast["window_a"].staff_profile.pk, depts["c2_staff"].staff_profile.pk],
              "DEPT": depts["dx"].pk}
    overrides = {k: values.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    _refused(DomainError, lambda: _plan_outreach(cast, org, **overrides), field)


def test_only_a_leader_plans_an_outreach_visit(cast, org):
    _refused(Forbidden, lambda: _plan_outreach(cast, org, who="window_a"))
    _refused(Forbidden, lambda: _plan_outreach(cast, org, who="supervisor"))


def test_cases_received_on_site_are_recorded_once_with_the_place(cast, org, item):
    visit = _plan_outreach(cast, org)
    on_site = receive(cast, day=WED)  # window_a, a team member, 09:00 on the visit's day

    def intake(case, who="window_a", place="村委会会议室"):
        return svc.record_outreach_intake(actor=cast[who], visit_id=visit.pk, case_number=case.number, place=place,
                                          now=at(WED, 11))

    _refused(DomainError, lambda: intake(on_site, place=""), "place")
    recorded = intake(on_site)
    assert (recorded.case, recorded.place, recorded.visit) == (on_site, "村委会会议室", visit)
    _refused(Conflict, lambda: intake(on_site))
    other_day = receive(cast, day=MON)
    _refused(DomainError, lambda: intake(other_day), "case_number")
    not_team = receive(cast, who="window_b", day=WED)
    _refused(DomainError, lambda: intake(not_team), "case_number")
    _refused(DomainError, lambda: svc.record_outreach_intake(actor=cast["window_a"], visit_id=visit.pk,
                                                             case_number="NOPE", place="x", now=at(WED, 11)),
             "case_number")
    _refused(Forbidden, lambda: intake(not_team, who="window_b"))  # not on the team, not a leader


def test_a_team_member_from_below_sees_the_visit_others_do_not(cast, org):
    visit = _plan_outreach(cast, org)
    assert svc.get_outreach_for(cast["town_window"], visit.pk) == visit  # on the team
    assert svc.get_outreach_for(cast["window_b"], visit.pk) == visit  # C1's scope
    for who in ("agent", "sysadmin"):
        with pytest.raises(NotFound):
            svc.get_outreach_for(cast[who], visit.pk)
    assert list(svc.outreach_for(cast["town_window"], q="测试村")) == [visit]


def test_an_outreach_visit_is_closed_after_it_starts_or_cancelled(cast, org):
    visit = _plan_outreach(cast, org)

    def close(now, who="leader", summary="办理12件"):
        return svc.close_outreach(actor=cast[who], visit_id=visit.pk, summary=summary, now=now)

    _refused(Conflict, lambda: close(at(MON, 11)))
    _refused(Forbidden, lambda: close(at(WED, 13), who="window_a"))
    _refused(DomainError, lambda: close(at(WED, 13), summary=""), "summary")
    done = close(at(WED, 13))
    assert done.status == OutreachStatus.DONE and done.summary == "办理12件"
    _refused(Conflict, lambda: svc.cancel_outreach(actor=cast["leader"], visit_id=visit.pk, reason="雨",
                                                   now=at(WED, 14)))
    other = _plan_outreach(cast, org)
    _refused(DomainError, lambda: svc.cancel_outreach(actor=cast["leader"], visit_id=other.pk, reason="",
                                                      now=at(MON, 11)), "reason")
    cancelled = svc.cancel_outreach(actor=cast["leader"], visit_id=other.pk, reason="暴雨", now=at(MON, 11))
    assert cancelled.status == OutreachStatus.CANCELLED
    assert svc.published_outreach(org["center"], at(MON, 12)) == []
    _refused(Conflict, lambda: svc.record_outreach_intake(actor=cast["window_a"], visit_id=other.pk,
                                                          case_number="x", place="x", now=at(MON, 12)))


def test_a_case_never_promised_is_asked_nothing_and_the_migration_marks_the_promised(cast, item):
    """The case page reads an appointment only for a case marked ``completion_promised`` (decision 0038); the
    migration that added the mark set it from the appointments already given."""
    import importlib

    from django.apps import apps
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case, other = accepted_case(cast), accepted_case(cast)
    with CaptureQueriesContext(connection) as queries:
        assert svc.completion_of(case) is None
    assert len(queries) == 0
    _give(cast, case)
    Case.objects.filter(pk=case.pk).update(completion_promised=False)  # as before the migration
    importlib.import_module("bianmin.hall.migrations.0002_mark_promised_cases").mark(apps, None)
    assert set(Case.objects.filter(completion_promised=True).values_list("pk", flat=True)) == {case.pk}
    assert not Case.objects.get(pk=other.pk).completion_promised


def test_a_refused_promise_leaves_the_case_unmarked(cast, item):
    case = accepted_case(cast)
    with pytest.raises(DomainError):
        _give(cast, case, reason="")
    case.refresh_from_db()
    assert not case.completion_promised and svc.completion_of(case) is None
