# ruff: noqa: F811 - pytest fixtures imported from the cases tests are parameters here
"""Issue 10: the rules a conformance review found wrong (items 2–7, 9, and the catalogue's numbers of item 10).

Every test here fails on the code before the fix; each is written from the seed's rule, with dates counted by hand.
"""
import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent, Notice, NoticeKind, ReturnRequest
from bianmin.cases.selectors import class_counts, public_lookup
from bianmin.cases.services.calendar_change import finalize_year_and_recompute
from bianmin.cases.tests.conftest import (  # noqa: F401 - fixtures
    ALL_GOOD,
    MATERIALS,
    _content,
    applicant,
    calendar,
    immediate_item,
    item,
)
from bianmin.cases.workflow import Action, CaseClass, Status
from bianmin.catalog.models import ItemKind, KindRule
from bianmin.catalog.services import create_item, validate_kind_rule, validate_version
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.notifications.models import Message
from bianmin.sweep.services import run_sweep

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """``hour`` o'clock Beijing time on ``day``."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(hours=hour - 8)


MON = dt.date(2026, 3, 2)  # a Monday with no holiday nearby


def receive(cast, *, who="window_a", code="SP-01", materials=ALL_GOOD, day=MON):
    return svc.receive_case(actor=cast[who], item_code=code, applicant=applicant(), materials=materials,
                            now=at(day))


def make_item(cast, org, code, **content):
    return create_item(actor=cast["sysadmin"], code=code, basic_code=code, content=_content(
        implementing_unit=org["dept"], **content), materials=MATERIALS, fees=[], faqs=[], now=at(MON),
        publish=True)


# --- item 2: recomputation counts from the original start and tells the applicant ---------------------------

def test_recomputation_counts_from_receipt_for_a_late_acceptance_and_tells_the_applicant(cast, item):
    case = receive(cast, day=dt.date(2026, 12, 21))  # Monday; intake deadline 12/28
    assert case.intake_deadline == dt.date(2026, 12, 28)
    case = svc.accept_case(actor=cast["window_a"], number=case.number, now=at(dt.date(2026, 12, 30)))
    assert case.clock_start_date == dt.date(2026, 12, 21)  # late: counted from receipt
    # 12/22–12/31: 8 working days, 1/1 元旦 (provisional 2027), then 1/4, 1/5 → the 10th working day is 1/5.
    assert (case.committed_deadline, case.deadline_provisional) == (dt.date(2027, 1, 5), True)
    # The State Council (hypothetically) also gives Monday 1/4 off: from 12/21 the 10th working day is now 1/6.
    # (Counting from the acceptance day 12/30 would give 1/15.)
    days = [(dt.date(2027, 1, 1), "REST", "元旦"), (dt.date(2027, 1, 4), "REST", "元旦")]
    _year, changed = finalize_year_and_recompute(actor=cast["sysadmin"], year=2027, notice="国办发明电〔2026〕1号",
                                                 days=days, published_on=dt.date(2026, 12, 31),
                                                 now=at(dt.date(2026, 12, 31)))
    assert changed == [case.number]
    case = Case.objects.get(pk=case.pk)
    assert (case.committed_deadline, case.deadline_provisional) == (dt.date(2027, 1, 6), False)
    assert "2027年放假安排" in case.deadline_change_reason
    event = CaseEvent.objects.get(case=case, action="DEADLINES_RECOMPUTED")
    assert "2027-01-05 → 2027-01-06" in event.opinion
    sms = Message.objects.get(kind="CASE_DEADLINES_RECOMPUTED")
    assert sms.phone == "13800138000" and "2027-01-06" in sms.body and "原2027-01-05" in sms.body
    status = public_lookup(case.number, case.query_code)
    assert status.committed_deadline == dt.date(2027, 1, 6) and status.provisional is False
    assert "2027年放假安排" in status.deadline_change_reason
    assert any(s["note"] and "2027-01-06" in s["note"] for s in status.steps)


def test_recomputation_of_a_deemed_acceptance_counts_from_receipt(cast, item):
    case = receive(cast, day=dt.date(2026, 12, 21))
    svc.apply_deemed_acceptance(now=at(dt.date(2026, 12, 29)))
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.ACCEPTED and case.clock_start_date == dt.date(2026, 12, 21)
    assert case.committed_deadline == dt.date(2027, 1, 5)


# --- item 3: 退件 after acceptance is a leader's decision ----------------------------------------------------

def test_after_acceptance_the_window_cannot_return_alone(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    with pytest.raises(Conflict) as exc:
        svc.return_case(actor=cast["window_a"], number=case.number, reason="材料不实", now=at(MON))
    assert exc.value.code == "return_needs_approval"
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    assert not Notice.objects.filter(case=case, kind=NoticeKind.RETURN).exists()


def test_return_request_approved_by_a_leader_issues_the_notice(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    request = svc.request_return(actor=cast["window_a"], number=case.number, reason="经核实不符合条件",
                                 now=at(MON, 10))
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED  # nothing is returned before the decision
    assert not Notice.objects.filter(case=case, kind=NoticeKind.RETURN).exists()
    with pytest.raises(Conflict):  # one pending request at a time
        svc.request_return(actor=cast["window_a"], number=case.number, reason="再次", now=at(MON, 10))
    with pytest.raises(Forbidden):  # the handler cannot approve their own request
        svc.approve_return(actor=cast["window_a"], request_id=request.pk, now=at(MON, 11))
    svc.approve_return(actor=cast["leader"], request_id=request.pk, now=at(MON, 11), note="同意")
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.RETURNED and case.case_class == CaseClass.RETURNED
    notice = Notice.objects.get(case=case, kind=NoticeKind.RETURN)
    assert notice.number and notice.content["reason"] == "经核实不符合条件"
    assert ReturnRequest.objects.get(pk=request.pk).decided_by == cast["leader"]
    assert AuditEntry.objects.filter(action=AuditAction.CASE_TRANSITION, summary__contains="退件").exists()


def test_refused_return_request_keeps_the_case_running(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    request = svc.request_return(actor=cast["window_a"], number=case.number, reason="材料不实", now=at(MON))
    with pytest.raises(DomainError) as exc:
        svc.reject_return(actor=cast["leader"], request_id=request.pk, now=at(MON), note=" ")
    assert "note" in exc.value.fields
    svc.reject_return(actor=cast["leader"], request_id=request.pk, now=at(MON), note="应继续办理")
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    assert CaseEvent.objects.filter(case=case, action="RETURN_REJECTED").count() == 1


def test_a_leader_outside_the_scope_gets_not_found(cast, item, org, django_user_model):
    from bianmin.accounts.roles import Role
    from conftest import make_user

    town_leader = make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"])
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    request = svc.request_return(actor=cast["window_a"], number=case.number, reason="材料不实", now=at(MON))
    with pytest.raises(NotFound) as missing:
        svc.approve_return(actor=town_leader, request_id=request.pk + 999, now=at(MON))
    with pytest.raises(NotFound) as forbidden:
        svc.approve_return(actor=town_leader, request_id=request.pk, now=at(MON))
    assert str(missing.value) == str(forbidden.value)


def test_before_acceptance_the_window_still_returns_alone(cast, item):
    case = receive(cast)
    svc.return_case(actor=cast["window_a"], number=case.number, reason="申请人要求退回", now=at(MON))
    assert Case.objects.get(pk=case.pk).status == Status.RETURNED


# --- item 4: 上报件 -----------------------------------------------------------------------------------------

@pytest.fixture
def reported_item(cast, org, calendar):
    return make_item(cast, org, "SB-01", name="最低生活保障审核确认", kind="BENEFIT", default_class="REPORTED",
                     special_procedures=[])


@pytest.mark.parametrize("who", ["window_a", "town_window"])
def test_a_reported_item_is_a_reported_case_at_county_and_town(cast, reported_item, who):
    case = receive(cast, who=who, code="SB-01")
    case = svc.accept_case(actor=cast[who], number=case.number, now=at(MON))
    assert case.reported and case.case_class == CaseClass.REPORTED
    # with a 容缺 material missing it is still counted as 上报件 (what decides it matters more)
    other = receive(cast, who=who, code="SB-01", materials=ALL_GOOD[:1])
    other = svc.accept_case(actor=cast[who], number=other.number, now=at(MON))
    assert other.deferred_materials and other.case_class == CaseClass.REPORTED
    assert class_counts(cast[who])[CaseClass.REPORTED] == 2


def test_a_reported_case_cannot_be_decided_locally(cast, reported_item):
    case = receive(cast, who="town_window", code="SB-01")
    svc.accept_case(actor=cast["town_window"], number=case.number, now=at(MON))
    with pytest.raises(DomainError) as exc:
        svc.decide_case(actor=cast["town_window"], number=case.number, outcome="GRANTED", now=at(MON))
    assert exc.value.code == "reported_case"
    assert set(exc.value.fields) == {"decided_by_organ", "decision_document"}
    with pytest.raises(DomainError) as exc:  # its own unit is not a higher organ
        svc.decide_case(actor=cast["town_window"], number=case.number, outcome="GRANTED", now=at(MON),
                        decided_by_organ="测试镇便民服务中心", decision_document="青民〔2026〕1号")
    assert "decided_by_organ" in exc.value.fields
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    for organ in ("测试镇人民政府", "随便写的机关", "T1", "V1"):  # typed freely, its own level or below: refused
        with pytest.raises(DomainError) as exc:
            svc.decide_case(actor=cast["town_window"], number=case.number, outcome="GRANTED", now=at(MON),
                            decided_by_organ=organ, decision_document="1号")
        assert "decided_by_organ" in exc.value.fields
    svc.decide_case(actor=cast["town_window"], number=case.number, outcome="GRANTED", now=at(MON),
                    decided_by_organ="D1", decision_document="测市监〔2026〕12号")
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.DECIDED and case.case_class == CaseClass.REPORTED
    assert (case.decided_by_organ, case.decision_document) == ("测试县市场监督管理局", "测市监〔2026〕12号")


def test_a_reported_case_is_never_done_on_the_spot(cast, org, calendar):
    make_item(cast, org, "SB-02", name="上报即办", default_class="REPORTED", committed_limit=1, legal_limit=1,
              special_procedures=[], extension_allowed=False, extension_days=0)
    case = receive(cast, code="SB-02")
    with pytest.raises(Conflict):
        svc.accept_immediately(actor=cast["window_a"], number=case.number, now=at(MON))


# --- item 5: resubmission restarts the intake timer ---------------------------------------------------------

def _supplemented(cast, day=MON):
    case = receive(cast, day=day)
    svc.add_supplement_line(actor=cast["window_a"], number=case.number, material="申请书", problem="未签字",
                            now=at(day))
    svc.serve_supplement_notice(actor=cast["window_a"], number=case.number, now=at(day))
    return case


def test_resubmission_restarts_the_intake_timer_and_deemed_acceptance_dates_from_it(cast, item):
    case = _supplemented(cast)
    assert Case.objects.get(pk=case.pk).intake_deadline is None  # the applicant's turn: no clock
    wed = dt.date(2026, 3, 4)
    svc.resubmit(actor=cast["window_a"], number=case.number, materials=[{"material": "申请书"}], now=at(wed))
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.RECEIVED and case.intake_deadline == dt.date(2026, 3, 11)  # 3/4 + 5
    assert run_sweep(now=at(dt.date(2026, 3, 11)))["deemed_accepted"] == 0  # the last day is still in time
    assert run_sweep(now=at(dt.date(2026, 3, 12)))["deemed_accepted"] == 1
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.ACCEPTED and case.accepted_at == at(wed)  # as of the day it was resubmitted
    assert case.committed_deadline == dt.date(2026, 3, 18)  # 3/4 + 10 working days
    assert Violation.objects.filter(kind=ViolationKind.LATE_SUPPLEMENT_NOTICE, case=case).count() == 1


def test_a_further_notice_after_the_restarted_deadline_is_refused(cast, item):
    case = _supplemented(cast)
    svc.resubmit(actor=cast["window_a"], number=case.number, materials=[{"material": "申请书"}],
                 now=at(dt.date(2026, 3, 4)))
    svc.add_supplement_line(actor=cast["window_a"], number=case.number, material="申请书", problem="新提交的仍未签字",
                            now=at(dt.date(2026, 3, 12)))
    with pytest.raises(Conflict) as exc:
        svc.serve_supplement_notice(actor=cast["window_a"], number=case.number, now=at(dt.date(2026, 3, 12)),
                                    justification="新提交材料有误")
    assert exc.value.code == "intake_deadline_passed"


def test_the_database_refuses_an_application_under_review_without_a_deadline(cast, item):
    case = receive(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(intake_deadline=None)
    assert Case.objects.get(pk=case.pk).intake_deadline == dt.date(2026, 3, 9)


def test_the_sweep_reports_an_application_without_a_deadline(cast, item, monkeypatch):
    from bianmin.sweep import services

    calls = []
    monkeypatch.setattr(services, "check_intake_clocks", lambda now: calls.append(now) or 0)
    counts = run_sweep(now=at(MON))
    assert "intake_clocks_missing" in counts and calls


# --- item 6: 补办件 due date per item, tracked, delivery waits --------------------------------------------

@pytest.fixture
def deferred_case(cast, org, calendar):
    make_item(cast, org, "RQ-01", name="容缺事项", deferred_due_days=3)
    case = receive(cast, code="RQ-01", materials=ALL_GOOD[:1])  # 场所平面图 (容缺) not handed in
    return svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))


def test_the_deferred_due_date_comes_from_the_item(deferred_case):
    assert deferred_case.case_class == CaseClass.DEFERRED
    assert deferred_case.deferred_due_date == dt.date(2026, 3, 5)  # 3 working days after Monday
    notice = Notice.objects.get(case=deferred_case, kind=NoticeKind.DEFERRED)
    assert notice.content["due_date"] == "2026年03月05日" or "2026" in notice.content["due_date"]


def test_delivery_waits_for_the_deferred_material(cast, deferred_case):
    n = deferred_case.number
    svc.start_case(actor=cast["window_a"], number=n, now=at(MON))
    svc.decide_case(actor=cast["window_a"], number=n, outcome="GRANTED", now=at(MON))
    with pytest.raises(Conflict) as exc:
        svc.deliver_case(actor=cast["window_a"], number=n, method="PICKUP", received_by="张三", now=at(MON))
    assert exc.value.code == "deferred_outstanding"
    assert Case.objects.get(pk=deferred_case.pk).status == Status.DECIDED
    with pytest.raises(DomainError) as bad:
        svc.supply_deferred_materials(actor=cast["window_a"], number=n, materials=["申请书"], now=at(MON))
    assert "materials" in bad.value.fields
    svc.supply_deferred_materials(actor=cast["window_a"], number=n, materials=["场所平面图"], now=at(MON, 10))
    assert Case.objects.get(pk=deferred_case.pk).deferred_supplied_at == at(MON, 10)
    svc.deliver_case(actor=cast["window_a"], number=n, method="PICKUP", received_by="张三", now=at(MON, 11))
    assert Case.objects.get(pk=deferred_case.pk).status == Status.DELIVERED


def test_a_leader_may_let_the_result_go_before_the_material(cast, deferred_case):
    n = deferred_case.number
    svc.decide_case(actor=cast["window_a"], number=n, outcome="GRANTED", now=at(MON))
    with pytest.raises(Forbidden):
        svc.allow_delivery_before_deferred(actor=cast["window_a"], number=n, reason="急需", now=at(MON))
    with pytest.raises(DomainError) as exc:
        svc.allow_delivery_before_deferred(actor=cast["leader"], number=n, reason="", now=at(MON))
    assert "reason" in exc.value.fields
    svc.allow_delivery_before_deferred(actor=cast["leader"], number=n, reason="申请人住院，家属代领", now=at(MON))
    svc.deliver_case(actor=cast["window_a"], number=n, method="PICKUP", received_by="张三", now=at(MON, 10))
    assert Case.objects.get(pk=deferred_case.pk).status == Status.DELIVERED


def test_the_sweep_warns_and_records_an_overdue_deferred_material(cast, deferred_case):
    svc.start_case(actor=cast["window_a"], number=deferred_case.number, now=at(MON))
    assert run_sweep(now=at(dt.date(2026, 3, 5)))["deferred_overdue"] == 0  # the due day itself is in time
    assert run_sweep(now=at(dt.date(2026, 3, 6)))["deferred_overdue"] == 1
    assert run_sweep(now=at(dt.date(2026, 3, 9)))["deferred_overdue"] == 0  # once
    violation = Violation.objects.get(kind=ViolationKind.DEFERRED_OVERDUE)
    assert violation.case_id == deferred_case.pk and violation.staff == cast["window_a"].staff_profile
    assert violation.occurred_on == dt.date(2026, 3, 6)
    # The phone is encrypted (decision 0018): compare the decrypted values, not a lookup.
    assert [m.phone for m in Message.objects.filter(kind="CASE_DEFERRED_OVERDUE")] == ["13800138000"]
    assert Case.objects.get(pk=deferred_case.pk).deferred_overdue


# --- item 9: violations the seed names ---------------------------------------------------------------------

def test_a_case_not_started_in_time_is_recorded_once(cast, item):
    case = receive(cast)
    case = svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    assert case.start_due_on == dt.date(2026, 3, 3)  # one working day by default
    assert run_sweep(now=at(dt.date(2026, 3, 3)))["not_started"] == 0
    assert run_sweep(now=at(dt.date(2026, 3, 4)))["not_started"] == 1
    assert run_sweep(now=at(dt.date(2026, 3, 5)))["not_started"] == 0
    violation = Violation.objects.get(kind=ViolationKind.NOT_HANDED_OVER)
    assert violation.staff == cast["window_a"].staff_profile and violation.occurred_on == dt.date(2026, 3, 4)


def test_a_case_started_in_time_is_not_recorded(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    svc.start_case(actor=cast["window_a"], number=case.number, now=at(dt.date(2026, 3, 3)))
    assert run_sweep(now=at(dt.date(2026, 3, 10)))["not_started"] == 0
    assert not Violation.objects.filter(kind=ViolationKind.NOT_HANDED_OVER).exists()


def test_a_result_not_delivered_in_time_is_recorded(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    svc.start_case(actor=cast["window_a"], number=case.number, now=at(MON))
    case = svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", now=at(MON))
    assert case.result_due_on == dt.date(2026, 3, 16)  # Art. 44: 10 working days
    assert run_sweep(now=at(dt.date(2026, 3, 16)))["result_not_told"] == 0
    assert run_sweep(now=at(dt.date(2026, 3, 17)))["result_not_told"] == 1
    assert run_sweep(now=at(dt.date(2026, 3, 18)))["result_not_told"] == 0
    assert Violation.objects.get(kind=ViolationKind.RESULT_NOT_TOLD).case_id == case.pk


def test_a_result_delivered_in_time_is_not_recorded(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", now=at(MON))
    svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="张三",
                     now=at(dt.date(2026, 3, 10)))
    run_sweep(now=at(dt.date(2026, 3, 20)))
    assert not Violation.objects.filter(kind=ViolationKind.RESULT_NOT_TOLD).exists()


def test_a_late_manual_acceptance_is_recorded_at_once(cast, item):
    case = receive(cast)  # intake deadline 3/9
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(dt.date(2026, 3, 10)))
    violation = Violation.objects.get(case=case)  # no sweep has run
    assert violation.kind == ViolationKind.LATE_ACCEPTANCE and violation.occurred_on == dt.date(2026, 3, 10)
    assert violation.staff == cast["window_a"].staff_profile
    assert Case.objects.get(pk=case.pk).clock_start_date == MON


def test_an_acceptance_in_time_records_nothing(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(dt.date(2026, 3, 9)))
    assert not Violation.objects.exists()


# --- item 10: numbers each place sets (the catalogue's) ------------------------------------------------------

def test_the_intake_timer_is_set_per_item_kind(cast, item):
    KindRule.objects.create(kind=ItemKind.LICENSE, intake_working_days=3)
    assert receive(cast).intake_deadline == dt.date(2026, 3, 5)


def test_kind_rules_are_validated_against_the_law():
    assert validate_kind_rule(ItemKind.LICENSE, 5, 1, 10) == {}
    errors = validate_kind_rule(ItemKind.LICENSE, 6, 0, 11)
    assert set(errors) == {"intake_working_days", "start_within_working_days", "result_notice_working_days"}
    assert "第三十二条" in errors["intake_working_days"][0]
    assert validate_kind_rule(ItemKind.PUBLIC_SERVICE, 10, 2, 15) == {}


def test_town_and_village_committed_limits_apply_where_the_case_is_accepted(cast, org, calendar):
    make_item(cast, org, "LV-01", name="分级时限事项", committed_limit=10, committed_limit_town=5)
    county = receive(cast, code="LV-01")
    county = svc.accept_case(actor=cast["window_a"], number=county.number, now=at(MON))
    town = receive(cast, who="town_window", code="LV-01")
    town = svc.accept_case(actor=cast["town_window"], number=town.number, now=at(MON))
    assert (county.committed_days, county.committed_deadline) == (10, dt.date(2026, 3, 16))
    assert (town.committed_days, town.committed_deadline) == (5, dt.date(2026, 3, 9))


def test_level_limits_and_deferred_days_are_validated(cast, org, calendar):
    version = make_item(cast, org, "LV-02", name="校验事项")
    version.committed_limit_village = 30  # longer than the legal limit (20)
    version.deferred_due_days = 0
    with pytest.raises(DomainError) as exc:
        validate_version(version)
    assert {"committed_limit_village", "deferred_due_days"} <= set(exc.value.fields)


def test_a_new_draft_keeps_the_level_limits(cast, org, calendar):
    from bianmin.catalog.services import new_draft

    version = make_item(cast, org, "LV-03", name="复制事项", committed_limit_town=4, deferred_due_days=7)
    draft = new_draft(actor=cast["sysadmin"], item=version.item, now=at(MON))
    assert (draft.committed_limit_town, draft.deferred_due_days) == (4, 7)


def test_kind_rules_are_edited_in_the_admin_validated_and_audited(client, cast):
    from conftest import sign_in

    sign_in(client, cast["sysadmin"])
    url = "/admin/catalog/kindrule/add/"
    bad = client.post(url, {"kind": "LICENSE", "intake_working_days": 7, "start_within_working_days": 1,
                            "result_notice_working_days": 10})
    assert bad.status_code == 200 and "第三十二条" in bad.content.decode()
    assert not KindRule.objects.exists()
    good = client.post(url, {"kind": "PUBLIC_SERVICE", "intake_working_days": 7, "start_within_working_days": 2,
                             "result_notice_working_days": 10})
    assert good.status_code == 302
    rule = KindRule.objects.get()
    assert rule.intake_working_days == 7
    assert AuditEntry.objects.filter(action=AuditAction.CONFIG_CREATE, object_id=str(rule.pk)).exists()


def test_refusal_outside_powers_names_organ_and_contact_on_the_notice(cast, item):
    case = receive(cast)
    svc.refuse_case(actor=cast["window_a"], number=case.number, action=Action.OUTSIDE_POWERS, reason="省级事项",
                    competent_organ="省市场监督管理局", competent_organ_contact="0591-87654321", now=at(MON))
    from bianmin.cases.pdf import notice_rows

    notice = Notice.objects.get(case=case, kind=NoticeKind.REJECTION)
    assert ("有权机关联系方式", "0591-87654321") in notice_rows(notice.content)


# --- defects found by the domain review of issue 10 ----------------------------------------------------------

def test_the_higher_organs_of_a_town_are_its_county_center_and_the_county_departments(cast, org):
    from bianmin.org.selectors import higher_organs

    assert {u.code for u in higher_organs(org["town_center"])} == {"C1", "D1"}
    assert {u.code for u in higher_organs(org["station"])} == {"C1", "D1", "T1"}
    assert {u.code for u in higher_organs(org["center"])} == set()
    assert {u.code for u in higher_organs(org["center"], also=org["dept"].pk)} == {"D1"}


def test_a_held_result_is_not_blamed_on_the_handler(cast, deferred_case):
    n = deferred_case.number
    svc.start_case(actor=cast["window_a"], number=n, now=at(MON))
    case = svc.decide_case(actor=cast["window_a"], number=n, outcome="GRANTED", now=at(MON, 11))
    assert case.result_due_on is None  # delivery is held until the material arrives
    run_sweep(now=at(dt.date(2026, 3, 25)))
    assert not Violation.objects.filter(kind=ViolationKind.RESULT_NOT_TOLD).exists()
    svc.supply_deferred_materials(actor=cast["window_a"], number=n, materials=["场所平面图"],
                                  now=at(dt.date(2026, 3, 25), 10))
    # 10 working days from 3/25: 3/26, 3/27, 3/30, 3/31, 4/1–4/3, (清明 4/4–4/6), 4/7, 4/8, 4/9.
    assert Case.objects.get(pk=deferred_case.pk).result_due_on == dt.date(2026, 4, 9)


def test_notices_print_the_limit_the_case_was_accepted_under(cast, org, calendar):
    make_item(cast, org, "TL-09", committed_limit=10, committed_limit_town=4)
    case = receive(cast, who="town_window", code="TL-09")
    case = svc.accept_case(actor=cast["town_window"], number=case.number, now=at(MON))
    for kind in (NoticeKind.ACCEPTANCE, NoticeKind.RECEIPT):
        assert Notice.objects.get(case=case, kind=kind).content["committed_limit"] == "4个工作日"


def test_a_pending_return_request_holds_the_decision_and_lapses_on_withdrawal(cast, item):
    from bianmin.cases.selectors import pending_returns

    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    request = svc.request_return(actor=cast["window_a"], number=case.number, reason="不符合", now=at(MON, 10))
    with pytest.raises(Conflict) as exc:
        svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", now=at(MON, 11))
    assert exc.value.code == "return_pending"
    svc.withdraw_case(actor=cast["window_a"], number=case.number, reason="申请人撤回", now=at(MON, 12))
    assert ReturnRequest.objects.get(pk=request.pk).status == "REJECTED"
    assert list(pending_returns(cast["leader"])) == []


def test_recomputation_recounts_a_pause_over_a_finalised_holiday(cast, org, calendar):
    make_item(cast, org, "PZ-01", name="检测事项")
    case = receive(cast, code="PZ-01", day=dt.date(2027, 2, 1))
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(dt.date(2027, 2, 1)))
    svc.start_pause(actor=cast["window_a"], number=case.number, kind="TESTING", basis="送检", expected_days=3,
                    now=at(dt.date(2027, 2, 3)))
    svc.end_pause(actor=cast["window_a"], number=case.number, result="合格", now=at(dt.date(2027, 2, 11)))
    # Provisionally 2/4 and 2/5 ... 2/11 hold 2/4, 2/11 as working days (春节 2/5–2/8, 补假 2/9–2/10).
    days = [(dt.date(2027, 2, d), "REST", "春节") for d in (5, 6, 7, 8, 9, 10, 11)]
    days += [(dt.date(2027, 2, 20), "WORK", "春节调休"), (dt.date(2027, 1, 1), "REST", "元旦")]
    finalize_year_and_recompute(actor=cast["sysadmin"], year=2027, notice="国办发明电〔2026〕9号", days=days,
                                published_on=None, now=at(dt.date(2026, 12, 1)))
    case = Case.objects.get(pk=case.pk)
    assert case.pauses.get().paused_working_days == 1  # 2/4 only, on the official calendar
    # From 2/1: 2/2, 2/3, 2/4, 2/12, 2/15–2/19, 2/20 (调休) = 10 → 2/20; plus the 1-day pause → 2/22.
    assert case.committed_deadline == dt.date(2027, 2, 22)


def test_immediate_completion_after_the_intake_deadline_is_recorded(cast, immediate_item):
    case = receive(cast, code="JB-01", materials=[{"material": "申请书", "received_as": "PAPER", "copies": 1}])
    svc.accept_immediately(actor=cast["window_a"], number=case.number, now=at(dt.date(2026, 3, 12)))
    assert Violation.objects.get(case=case).kind == ViolationKind.LATE_ACCEPTANCE


def test_a_special_procedure_counts_as_starting_the_case(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    svc.start_pause(actor=cast["window_a"], number=case.number, kind="TESTING", basis="送检", expected_days=3,
                    now=at(MON, 10))
    svc.end_pause(actor=cast["window_a"], number=case.number, result="合格", now=at(dt.date(2026, 3, 6)))
    run_sweep(now=at(dt.date(2026, 3, 9)))
    assert not Violation.objects.filter(kind=ViolationKind.NOT_HANDED_OVER).exists()


def test_a_reported_item_has_no_zero_limit_at_any_level(cast, org, calendar):
    version = make_item(cast, org, "SB-09", name="上报件时限", default_class="REPORTED")
    version.committed_limit_village = 0
    with pytest.raises(DomainError) as exc:
        validate_version(version)
    assert "committed_limit_village" in exc.value.fields


def test_the_guide_and_the_catalogue_api_show_the_level_limits(client, cast, org, calendar):
    make_item(cast, org, "TL-10", name="分级公示", committed_limit=10, committed_limit_town=4)
    page = client.get("/items/TL-10/").content.decode()
    assert "镇（街道）便民服务中心受理 4" in page
    item = client.get("/api/v1/items", {"q": "TL-10"}).json()["results"][0]
    assert (item["committed_limit"], item["committed_limit_town"], item["committed_limit_village"]) == (10, 4, None)
