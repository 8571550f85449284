"""The hall's sweep step for 预约办结 (``hall.sweep``): warned the working day before, kept when the case ended in
time (as soon as it ended), late with a violation otherwise; once each, however often the sweep runs."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.cases import services as case_svc
from bianmin.cases.models import Case
from bianmin.hall import promises as svc
from bianmin.hall import sweep
from bianmin.hall.models import CompletionAppointment, CompletionStatus
from bianmin.notifications.models import DigestItem
from bianmin.testing.cases import GRANT
from bianmin.testing.factories import MON, at

from .promise_helpers import accepted_case

pytestmark = pytest.mark.django_db
TUE, WED, THU, FRI = (MON + dt.timedelta(days=i) for i in (1, 2, 3, 4))
NEXT_MON = MON + dt.timedelta(days=7)


def _promise(cast, day: dt.date, reason="需经领导审批"):
    case = accepted_case(cast)
    svc.give_completion_appointment(actor=cast["window_a"], case_number=case.number, promised_on=day,
                                    reason=reason, now=at(MON, 10))
    return case


def _status(case: Case) -> str:
    return CompletionAppointment.objects.get(case=case).status


def _decide(cast, case, day: dt.date) -> None:
    case_svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", now=at(day, 10), **GRANT)


def test_a_case_decided_in_time_is_kept_as_soon_as_it_ended(cast, item):
    case = _promise(cast, THU)
    _decide(cast, case, TUE)
    assert sweep.settle_completion_appointments(now=at(TUE, 18)) == 1
    assert _status(case) == CompletionStatus.KEPT and CompletionAppointment.objects.get().settled_at == at(TUE, 18)
    assert not Violation.objects.exists()
    assert sweep.settle_completion_appointments(now=at(FRI, 18)) == 0


def test_a_case_decided_on_the_day_is_kept(cast, item):
    case = _promise(cast, THU)
    _decide(cast, case, THU)
    assert sweep.settle_completion_appointments(now=at(NEXT_MON)) == 1
    assert _status(case) == CompletionStatus.KEPT


def test_a_running_case_past_its_promise_is_late_with_one_violation_of_its_handler(cast, item):
    case = _promise(cast, WED)
    assert sweep.settle_completion_appointments(now=at(WED, 20)) == 0  # the promised day is not over
    assert _status(case) == CompletionStatus.OPEN
    audits = AuditEntry.objects.filter(action=AuditAction.SWEEP).count()
    assert sweep.settle_completion_appointments(now=at(THU, 8)) == 1
    assert _status(case) == CompletionStatus.LATE
    violation = Violation.objects.get()
    assert violation.kind == ViolationKind.COMPLETION_APPOINTMENT_LATE
    assert violation.staff_id == Case.objects.get(pk=case.pk).first_handler_id
    assert violation.case_id == case.pk and violation.occurred_on == THU
    assert "需经领导审批" in violation.description and case.number in violation.description
    assert AuditEntry.objects.filter(action=AuditAction.SWEEP).count() == audits + 1  # one row for the batch
    for day in (THU, FRI, NEXT_MON):
        assert sweep.settle_completion_appointments(now=at(day, 18)) == 0
    _decide(cast, case, FRI)  # deciding afterwards changes nothing
    assert sweep.settle_completion_appointments(now=at(FRI, 18)) == 0
    assert Violation.objects.count() == 1 and _status(case) == CompletionStatus.LATE


def test_a_case_that_ended_after_its_promise_before_the_sweep_saw_it_is_late(cast, item):
    case = _promise(cast, TUE)
    _decide(cast, case, WED)
    assert sweep.settle_completion_appointments(now=at(WED, 18)) == 1
    assert _status(case) == CompletionStatus.LATE
    assert "逾期才办结" in Violation.objects.get().description


def test_the_handler_and_their_b_are_warned_the_working_day_before_once(cast, item):
    case = _promise(cast, NEXT_MON)  # the working day before is Friday
    handler_users = {cast["window_a"].pk, cast["window_b"].pk}  # window_b is the B of window_a's post
    assert sweep.warn_completion_appointments(now=at(THU, 18)) == 0
    assert sweep.warn_completion_appointments(now=at(FRI, 8)) == 1
    lines = DigestItem.objects.filter(kind=sweep.WARN_KIND)
    assert set(lines.values_list("recipient_id", flat=True)) == handler_users
    assert all(case.number in line.text and "2026-03-09" in line.text for line in lines)
    for now in (at(FRI, 18), at(FRI + dt.timedelta(days=1)), at(NEXT_MON, 8)):
        assert sweep.warn_completion_appointments(now=now) == 0
    assert lines.count() == 2


def test_a_promise_of_an_ended_case_is_not_warned(cast, item):
    case = _promise(cast, TUE)
    _decide(cast, case, MON)
    assert sweep.warn_completion_appointments(now=at(MON, 18)) == 0


def test_run_reports_each_step(cast, item):
    _promise(cast, TUE)
    quiet = {"no_shows": 0, "reminders": 0, "counters_closed": 0}
    assert sweep.run(at(MON, 18)) == {"completion_settled": 0, "completion_warned": 1, **quiet}
    assert sweep.run(at(WED, 8)) == {"completion_settled": 1, "completion_warned": 0, **quiet}
    assert sweep.run(at(WED, 9)) == {"completion_settled": 0, "completion_warned": 0, **quiet}


def test_batches_settle_everything(cast, item):
    cases = [_promise(cast, TUE) for _ in range(3)]
    assert sweep.warn_completion_appointments(now=at(MON, 18), batch=2) == 3
    assert sweep.warn_completion_appointments(now=at(MON, 19), batch=2) == 0
    assert sweep.settle_completion_appointments(now=at(WED, 8), batch=2) == 3
    assert {_status(c) for c in cases} == {CompletionStatus.LATE}
    assert Violation.objects.count() == 3


def test_a_special_procedure_pause_does_not_count_against_the_promise(cast, item):
    case = _promise(cast, WED)
    case_svc.start_pause(actor=cast["window_a"], number=case.number, kind="TESTING", basis="送检", expected_days=3,
                         now=at(TUE, 10))
    # Paused: neither warned nor settled, however late it is.
    assert sweep.warn_completion_appointments(now=at(TUE, 18)) == 0
    assert sweep.settle_completion_appointments(now=at(FRI, 8)) == 0
    assert _status(case) == CompletionStatus.OPEN and not Violation.objects.exists()
    case_svc.end_pause(actor=cast["window_a"], number=case.number, result="合格", now=at(FRI, 10))
    # The pause's working days (Tue–Fri) move the promise once; the next sweep does not move it again.
    assert sweep.settle_completion_appointments(now=at(FRI, 18)) == 0
    promise = CompletionAppointment.objects.get(case=case)
    assert promise.status == CompletionStatus.OPEN and promise.promised_on > WED and promise.extended_days > 0
    moved_to = promise.promised_on
    assert sweep.settle_completion_appointments(now=at(FRI, 19)) == 0
    assert CompletionAppointment.objects.get(case=case).promised_on == moved_to
    _decide(cast, case, moved_to)
    assert sweep.settle_completion_appointments(now=at(moved_to, 18)) == 1 and _status(case) == CompletionStatus.KEPT
