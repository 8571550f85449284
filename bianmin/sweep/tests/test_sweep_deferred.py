"""The sweep and 补办件 (``sweep.services``, decision 0015 §6): an overdue material warned about and recorded once;
a result held for the material is not blamed on the handler."""
import datetime as dt

import pytest

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.cases import services as svc
from bianmin.cases.models import Case
from bianmin.notifications.models import Message
from bianmin.sweep.services import run_sweep
from bianmin.testing.cases import GRANT
from bianmin.testing.factories import ALL_GOOD, MON, at

pytestmark = pytest.mark.django_db


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

def test_a_held_result_is_not_blamed_on_the_handler(cast, deferred_case):
    n = deferred_case.number
    svc.start_case(actor=cast["window_a"], number=n, now=at(MON))
    case = svc.decide_case(actor=cast["window_a"], number=n, outcome="GRANTED", **GRANT, now=at(MON, 11))
    assert case.result_due_on is None  # delivery is held until the material arrives
    run_sweep(now=at(dt.date(2026, 3, 25)))
    assert not Violation.objects.filter(kind=ViolationKind.RESULT_NOT_TOLD).exists()
    svc.supply_deferred_materials(actor=cast["window_a"], number=n, materials=["场所平面图"],
                                  now=at(dt.date(2026, 3, 25), 10))
    # 10 working days from 3/25: 3/26, 3/27, 3/30, 3/31, 4/1–4/3, (清明 4/4–4/6), 4/7, 4/8, 4/9.
    assert Case.objects.get(pk=deferred_case.pk).result_due_on == dt.date(2026, 4, 9)


def test_an_undecryptable_phone_loses_only_its_own_reminder(cast, deferred_case):
    """A phone sealed under a key this site lacks: the case is still marked, warned about and recorded (the rest of
    its batch too); only its applicant's SMS is missing, and the run log names it (decision 0041)."""
    from cryptography.fernet import Fernet
    from django.db import connection

    from bianmin.sweep.models import SweepRun
    from bianmin.testing.cases import receive

    other = svc.accept_case(actor=cast["window_a"], number=receive(cast, code="RQ-01", materials=ALL_GOOD[:1]).number,
                            now=at(MON))  # the same batch, its phone readable
    for case in (deferred_case, other):
        svc.start_case(actor=cast["window_a"], number=case.number, now=at(MON))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET applicant_phone = %s WHERE id = %s",
                       [Fernet(Fernet.generate_key()).encrypt(b"13800138000").decode(), deferred_case.pk])
    assert run_sweep(now=at(dt.date(2026, 3, 6)))["deferred_overdue"] == 2
    for case in (deferred_case, other):
        assert Case.objects.get(pk=case.pk).deferred_overdue
        assert Violation.objects.filter(kind=ViolationKind.DEFERRED_OVERDUE, case_id=case.pk).exists()
    assert [m.cause for m in Message.objects.filter(kind="CASE_DEFERRED_OVERDUE")] == [f"case:{other.number}"]
    error = SweepRun.objects.latest("id").counts["errors"]["deferred_overdue"]
    assert deferred_case.number in error and "InvalidToken" in error and "不会自动重试" in error
    assert other.number not in error
