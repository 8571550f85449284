"""The sweep (issue 4 item 5): warnings, overdue cases, late replies, 补正 violations — idempotent."""
import datetime as dt

import pytest

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.accountability.policies import visible_violations
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent
from bianmin.inquiries import services as inq
from bianmin.notifications.models import DigestItem, Message
from bianmin.org.models import HeadOf
from bianmin.sweep.models import SweepRun
from bianmin.sweep.services import run_sweep
from bianmin.testing.cases import GRANT
from bianmin.testing.factories import ALL_GOOD, applicant

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(hours=hour - 8)  # Beijing


def fresh(user):
    return type(user).objects.get(pk=user.pk)


FRIDAY = dt.date(2026, 9, 25)  # before the National Day holiday; deadline (10 working days) 2026-10-15
DEADLINE = dt.date(2026, 10, 15)


@pytest.fixture
def accepted(cast, item):
    """Accepted and started the same day (a case left unstarted is its own violation, tested below)."""
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=at(FRIDAY))
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(FRIDAY))
    return svc.start_case(actor=cast["window_a"], number=case.number, now=at(FRIDAY, 10))


def zero(counts):
    return all(v == 0 for v in counts.values())


def test_acceptance_computes_the_yellow_day(accepted):
    # 10-day limit: max(2, ceil(10 / 4) = 3) working days left → yellow from 10/12 (10/13, 10/14, 10/15 left).
    assert accepted.yellow_on == dt.date(2026, 10, 12)
    assert accepted.warning_level == ""


def test_overdue_twice_gives_exactly_one_violation_visible_to_supervisor_and_handler(cast, accepted):
    first = run_sweep(now=at(DEADLINE, 17))
    assert first["overdue"] == 0  # the deadline ends at close of business of its last day
    after = at(DEADLINE + dt.timedelta(days=1), 0)
    assert run_sweep(now=after)["overdue"] == 1
    assert zero(run_sweep(now=after + dt.timedelta(minutes=5)))
    assert zero(run_sweep(now=at(DEADLINE + dt.timedelta(days=3))))
    violation = Violation.objects.get()
    assert violation.kind == ViolationKind.OVERDUE_CASE and violation.case_id == accepted.pk
    assert violation.staff == cast["window_a"].staff_profile
    assert violation.occurred_on == DEADLINE + dt.timedelta(days=1)
    assert violation.evidence[0]["url"] == f"/staff/cases/{accepted.number}/"
    assert violation.dedupe_key == f"OVERDUE:case:{accepted.pk}:20261015"  # one record per missed deadline
    assert list(visible_violations(fresh(cast["supervisor"]))) == [violation]
    assert list(visible_violations(fresh(cast["window_a"]))) == [violation]
    assert list(visible_violations(fresh(cast["window_b"]))) == []
    case = Case.objects.get(pk=accepted.pk)
    assert case.warning_level == "RED"
    assert CaseEvent.objects.filter(case=case, action="OVERDUE").count() == 1
    assert SweepRun.objects.count() == 4


def test_yellow_tells_handler_b_and_leader_once(cast, accepted):
    assert run_sweep(now=at(dt.date(2026, 10, 9)))["yellow"] == 0
    assert run_sweep(now=at(dt.date(2026, 10, 12)))["yellow"] == 1
    assert run_sweep(now=at(dt.date(2026, 10, 13)))["yellow"] == 0
    recipients = set(DigestItem.objects.values_list("recipient__username", flat=True))
    assert recipients == {"window_a", "window_b", "leader"}
    assert Case.objects.get(pk=accepted.pk).warning_level == "YELLOW"


def test_paused_case_is_not_overdue_and_an_extension_clears_the_warning(cast, accepted):
    svc.start_pause(actor=cast["window_a"], number=accepted.number, kind="TESTING", basis="送检",
                    expected_days=3, now=at(dt.date(2026, 10, 14)))
    assert run_sweep(now=at(dt.date(2026, 10, 20)))["overdue"] == 0  # deadline 10/15 passed while paused
    svc.end_pause(actor=cast["window_a"], number=accepted.number, result="合格", now=at(dt.date(2026, 10, 20)))
    case = Case.objects.get(pk=accepted.pk)
    assert case.committed_deadline == dt.date(2026, 10, 21)  # +4 working days: 10/15, 10/16, 10/19, 10/20
    assert case.warning_level == "" and case.yellow_on == dt.date(2026, 10, 16)
    assert run_sweep(now=at(dt.date(2026, 10, 20), 10))["overdue"] == 0
    assert Case.objects.get(pk=accepted.pk).warning_level == "YELLOW"
    profile = cast["leader"].staff_profile
    profile.head_of = HeadOf.ORGAN
    profile.save()
    ext = svc.request_extension(actor=cast["window_a"], number=case.number, reason="需现场核查",
                                now=at(dt.date(2026, 10, 20)))
    svc.approve_extension(actor=fresh(cast["leader"]), extension_id=ext.pk, now=at(dt.date(2026, 10, 20)))
    case.refresh_from_db()
    assert case.warning_level == "" and case.yellow_on < case.committed_deadline


def test_decided_late_before_the_sweep_saw_it_is_still_recorded(cast, accepted):
    svc.decide_case(actor=cast["window_a"], number=accepted.number, outcome="GRANTED", **GRANT,
                    now=at(DEADLINE + dt.timedelta(days=1)))
    assert Case.objects.get(pk=accepted.pk).warning_level == "LATE"
    counts = run_sweep(now=at(DEADLINE + dt.timedelta(days=1), 10))
    assert counts["late_decisions"] == 1
    assert zero(run_sweep(now=at(DEADLINE + dt.timedelta(days=2))))
    assert Violation.objects.get().kind == ViolationKind.OVERDUE_CASE


def test_decided_on_time_is_never_recorded(cast, accepted):
    svc.decide_case(actor=cast["window_a"], number=accepted.number, outcome="GRANTED", **GRANT, now=at(DEADLINE, 16))
    assert zero(run_sweep(now=at(DEADLINE + dt.timedelta(days=5))))
    assert not Violation.objects.exists()


def test_deemed_acceptance_records_a_late_intake_violation_once(cast, item):
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=at(FRIDAY))
    later = at(dt.date(2026, 10, 14))
    assert run_sweep(now=later)["deemed_accepted"] == 1
    assert run_sweep(now=later)["deemed_accepted"] == 0
    violation = Violation.objects.get(kind=ViolationKind.LATE_SUPPLEMENT_NOTICE)
    assert violation.case.number == case.number and violation.staff == cast["window_a"].staff_profile
    # Received Friday 9/25: 5 working days end 10/9 (9/28–9/30, 10/8, 10/9); late from 10/10, however late the sweep.
    assert violation.occurred_on == dt.date(2026, 10, 10)
    assert Message.objects.filter(channel="SMS", kind="CASE_DEEM_ACCEPTED").count() == 1


def test_refused_further_supplement_becomes_one_violation(cast, item):
    from bianmin.cases.models import RefusedSupplement

    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=at(FRIDAY))
    RefusedSupplement.objects.create(case=case, county_id=case.county_id, at=at(FRIDAY), actor=cast["window_a"],
                                     reason="未说明理由", attempted=["申请书"])
    assert run_sweep(now=at(FRIDAY, 10))["unjustified_supplements"] == 1
    assert run_sweep(now=at(FRIDAY, 11))["unjustified_supplements"] == 0
    assert Violation.objects.get().kind == ViolationKind.UNJUSTIFIED_SUPPLEMENT


def test_late_inquiry_reply_is_recorded_and_an_on_time_one_is_not(cast, calendar):
    def research(name):
        inquiry = inq.register_inquiry(actor=cast["window_a"], channel="WINDOW", matter=f"{name}咨询",
                                       now=at(dt.date(2026, 3, 2)), visitor_name=name)
        return inq.record_outcome(actor=cast["window_a"], number=inquiry.number, outcome="RESEARCH",
                                  now=at(dt.date(2026, 3, 2)), reply_days=2)

    late, on_time, answered = research("甲"), research("乙"), research("丙")
    inq.record_outcome(actor=cast["window_a"], number=answered.number, outcome="ANSWERED", result="研究后答复",
                       now=at(dt.date(2026, 3, 3)))  # a closing outcome by the promised date is a reply in time
    assert late.promised_reply_date == dt.date(2026, 3, 4)
    inq.close_inquiry(actor=cast["window_a"], number=on_time.number, result="已答复",
                      now=at(dt.date(2026, 3, 4)))
    assert run_sweep(now=at(dt.date(2026, 3, 4), 17))["late_replies"] == 0
    assert run_sweep(now=at(dt.date(2026, 3, 5)))["late_replies"] == 1
    assert run_sweep(now=at(dt.date(2026, 3, 6)))["late_replies"] == 0
    violation = Violation.objects.get()
    assert violation.kind == ViolationKind.LATE_INQUIRY_REPLY and violation.inquiry.number == late.number


def test_returned_after_the_deadline_is_recorded(cast, accepted):
    request = svc.request_return(actor=cast["window_a"], number=accepted.number, reason="退件",
                                 now=at(DEADLINE + dt.timedelta(1)))
    svc.approve_return(actor=cast["leader"], request_id=request.pk, now=at(DEADLINE + dt.timedelta(1)))
    assert run_sweep(now=at(DEADLINE + dt.timedelta(days=1), 10))["late_decisions"] == 1
    assert Violation.objects.get().kind == ViolationKind.OVERDUE_CASE


def test_a_failing_step_does_not_stop_the_others(cast, accepted, monkeypatch):
    from bianmin.sweep import services

    def boom(**kwargs):
        raise RuntimeError("模拟故障")

    monkeypatch.setattr(services, "sweep_yellow", boom)
    counts = run_sweep(now=at(DEADLINE + dt.timedelta(days=1)))
    assert counts["overdue"] == 1 and counts["yellow"] == 0
    assert "模拟故障" in SweepRun.objects.latest("id").counts["errors"]["yellow"]


def test_cases_without_a_yellow_day_are_stamped(accepted):
    Case.objects.filter(pk=accepted.pk).update(yellow_on=None)
    assert run_sweep(now=at(FRIDAY, 10))["stamped"] == 1
    assert Case.objects.get(pk=accepted.pk).yellow_on == dt.date(2026, 10, 12)
