"""The sweep's missed-limit steps (``sweep.services``, decision 0015 §9): a case not started within its limit, a
result not told within 10 working days (Art. 44) — each recorded once."""
import datetime as dt

import pytest

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.cases import services as svc
from bianmin.sweep.services import run_sweep
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, at

pytestmark = pytest.mark.django_db


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

def test_a_special_procedure_counts_as_starting_the_case(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    svc.start_pause(actor=cast["window_a"], number=case.number, kind="TESTING", basis="送检", expected_days=3,
                    now=at(MON, 10))
    svc.end_pause(actor=cast["window_a"], number=case.number, result="合格", now=at(dt.date(2026, 3, 6)))
    run_sweep(now=at(dt.date(2026, 3, 9)))
    assert not Violation.objects.filter(kind=ViolationKind.NOT_HANDED_OVER).exists()

def test_a_result_not_delivered_in_time_is_recorded(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    svc.start_case(actor=cast["window_a"], number=case.number, now=at(MON))
    case = svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON))
    assert case.result_due_on == dt.date(2026, 3, 16)  # Art. 44: 10 working days
    assert run_sweep(now=at(dt.date(2026, 3, 16)))["result_not_told"] == 0
    assert run_sweep(now=at(dt.date(2026, 3, 17)))["result_not_told"] == 1
    assert run_sweep(now=at(dt.date(2026, 3, 18)))["result_not_told"] == 0
    assert Violation.objects.get(kind=ViolationKind.RESULT_NOT_TOLD).case_id == case.pk

def test_a_result_delivered_in_time_is_not_recorded(cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON))
    svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="张三",
                     now=at(dt.date(2026, 3, 10)))
    run_sweep(now=at(dt.date(2026, 3, 20)))
    assert not Violation.objects.filter(kind=ViolationKind.RESULT_NOT_TOLD).exists()
