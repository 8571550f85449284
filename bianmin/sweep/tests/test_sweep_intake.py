"""The sweep and the intake timer: deemed acceptance from a restarted timer, applications without a deadline,
and the late acceptance recorded in the accepting transaction (``sweep.services``, decision 0015 §5, §9)."""
import datetime as dt

import pytest

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.cases import services as svc
from bianmin.cases.models import Case
from bianmin.cases.workflow import Status
from bianmin.sweep.services import run_sweep
from bianmin.testing.cases import receive, receive_and_serve_supplement
from bianmin.testing.factories import MON, at

pytestmark = pytest.mark.django_db


def test_resubmission_restarts_the_intake_timer_and_deemed_acceptance_dates_from_it(cast, item):
    case = receive_and_serve_supplement(cast)
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

def test_the_sweep_reports_an_application_without_a_deadline(cast, item, monkeypatch):
    from bianmin.sweep import services

    calls = []
    monkeypatch.setattr(services, "check_intake_clocks", lambda now: calls.append(now) or 0)
    counts = run_sweep(now=at(MON))
    assert "intake_clocks_missing" in counts and calls

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

def test_immediate_completion_after_the_intake_deadline_is_recorded(cast, immediate_item):
    case = receive(cast, code="JB-01", materials=[{"material": "申请书", "received_as": "PAPER", "copies": 1}])
    svc.accept_immediately(actor=cast["window_a"], number=case.number, now=at(dt.date(2026, 3, 12)),
                           certificate_number="JY-1")
    assert Violation.objects.get(case=case).kind == ViolationKind.LATE_ACCEPTANCE
