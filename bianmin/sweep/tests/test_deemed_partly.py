"""Deemed acceptance goes on past a case it cannot accept: one case's bad data (a phone written under a key this
site does not hold) is rolled back alone, reported by name, and retried; the county's other due applications are
accepted by law on time (a review found one such row stopping every deemed acceptance, run after run)."""
import datetime as dt
from io import StringIO

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.workflow import Status
from bianmin.core.crypto import encrypt
from bianmin.sweep.models import SweepRun
from bianmin.sweep.services import run_sweep
from bianmin.testing.factories import ALL_GOOD, applicant

pytestmark = pytest.mark.django_db

FRIDAY = dt.datetime(2026, 9, 25, 1, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 10, 14, 1, 0, tzinfo=dt.UTC)  # the intake limit of all three has passed


def _three(cast) -> list[str]:
    return [svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                             now=FRIDAY).number for _ in range(3)]


def _set_phone(number: str, token: str) -> None:
    with connection.cursor() as cursor:  # the column as another site's key wrote it: no model code would
        cursor.execute("UPDATE cases_case SET applicant_phone = %s WHERE number = %s", [token, number])


@pytest.mark.django_db(transaction=True)  # each case commits on its own, as in production: no test transaction
def test_one_undecryptable_case_does_not_hold_back_the_others(cast, item):
    numbers = _three(cast)
    _set_phone(numbers[1], Fernet(Fernet.generate_key()).encrypt(b"13800138000").decode())
    counts = run_sweep(now=LATER)
    assert counts["deemed_accepted"] == 2
    status = dict(Case.objects.values_list("number", "status"))
    assert [status[n] for n in numbers] == [Status.ACCEPTED, Status.RECEIVED, Status.ACCEPTED]
    bad = Case.objects.get(number=numbers[1])  # rolled back whole: no event, no violation, no half-written field
    assert bad.accepted_at is None and bad.intake_outcome in ("", None)
    assert not CaseEvent.objects.filter(case=bad, action="DEEM_ACCEPTED").exists()
    assert not Violation.objects.filter(case_id=bad.pk).exists()
    assert Violation.objects.filter(kind=ViolationKind.LATE_SUPPLEMENT_NOTICE).count() == 2
    error = SweepRun.objects.latest("id").counts["errors"]["deemed_accepted"]
    assert numbers[1] in error and "InvalidToken" in error and "1 项未能处理" in error
    assert numbers[0] not in error

    assert run_sweep(now=LATER)["deemed_accepted"] == 0  # retried, still failing; the others are not touched again
    assert numbers[1] in SweepRun.objects.latest("id").counts["errors"]["deemed_accepted"]
    _set_phone(numbers[1], encrypt("13800138000"))  # the data put right: the next run accepts it
    assert run_sweep(now=LATER)["deemed_accepted"] == 1
    assert Case.objects.get(number=numbers[1]).status == Status.ACCEPTED
    assert "errors" not in SweepRun.objects.latest("id").counts


def test_the_command_accepts_the_others_and_fails_naming_the_case(cast, item):
    numbers = _three(cast)
    _set_phone(numbers[0], Fernet(Fernet.generate_key()).encrypt(b"13800138000").decode())
    out = StringIO()
    with time_machine.travel(LATER, tick=False), pytest.raises(CommandError, match=numbers[0]):
        call_command("apply_deemed_acceptance", stdout=out)
    assert "视为受理 2 件" in out.getvalue() and numbers[1] in out.getvalue() and numbers[2] in out.getvalue()
    assert Case.objects.get(number=numbers[0]).status == Status.RECEIVED



def _failing_on(number: str, error: Exception):
    def on_deemed(case, _deadline):  # runs inside the case's own transaction, after its acceptance was written
        if case.number == number:
            raise error
    return on_deemed


def test_a_case_locked_elsewhere_is_skipped_and_named_without_its_values(cast, item):
    """An error of the database that leaves the connection usable (a lock or statement timeout) fails that case
    only, rolled back whole; the error kept for the run log is its kind, never its text (which may quote the row's
    values)."""
    from django.db import OperationalError

    from bianmin.core.errors import PartlyDone

    numbers = _three(cast)
    timeout = OperationalError("canceling statement due to lock timeout DETAIL: Key (phone)=(13800138000)")
    with pytest.raises(PartlyDone) as raised:
        svc.apply_deemed_acceptance(now=LATER, on_deemed=_failing_on(numbers[0], timeout))
    assert raised.value.failed == {numbers[0]: "OperationalError"} and raised.value.done == numbers[1:]
    assert raised.value.count == 2 and "13800138000" not in str(raised.value) and numbers[0] in str(raised.value)
    status = dict(Case.objects.values_list("number", "status"))
    assert [status[n] for n in numbers] == [Status.RECEIVED, Status.ACCEPTED, Status.ACCEPTED]
    assert not CaseEvent.objects.filter(case__number=numbers[0], action="DEEM_ACCEPTED").exists()


def test_a_lost_connection_stops_the_step(cast, item, monkeypatch):
    """When the connection itself is gone every later case would fail alike: the step stops at once and says why."""
    from django.db import OperationalError, transaction

    numbers = _three(cast)
    monkeypatch.setattr(type(transaction.get_connection()), "is_usable", lambda self: False)
    with pytest.raises(OperationalError, match="closed"):
        svc.apply_deemed_acceptance(now=LATER,
                                    on_deemed=_failing_on(numbers[0], OperationalError("server closed the connection")))
    monkeypatch.undo()
    assert set(Case.objects.filter(number__in=numbers).values_list("status", flat=True)) == {Status.RECEIVED}
