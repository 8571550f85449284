"""Concurrent receipt on PostgreSQL: 8 threads × 100 cases — no duplicate numbers, nothing lost."""
import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection

from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent
from bianmin.testing.factories import ALL_GOOD, MONDAY, applicant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS, PER_THREAD = 8, 100


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")


def test_concurrent_receipt_numbers_are_unique_and_nothing_is_lost(postgres_only, cast, item):
    actor = cast["window_a"]
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(PER_THREAD):
                svc.receive_case(actor=actor, item_code="SP-01", applicant=applicant(name=f"申请人{n}-{i}"),
                                 materials=ALL_GOOD, now=MONDAY + dt.timedelta(microseconds=i))
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(numbers) == THREADS * PER_THREAD == len(set(numbers))
    sequences = sorted(int(n[-4:]) for n in numbers)
    assert sequences == list(range(1, THREADS * PER_THREAD + 1))  # no gaps, no duplicates
    assert CaseEvent.objects.count() == THREADS * PER_THREAD


def test_two_nodes_retiring_sequences_at_once_neither_fails(postgres_only, org):
    """While one node holds a past day's counter row, the other skips it; the first then retires it."""
    from bianmin.cases.models import CaseCounter
    from bianmin.cases.services.core import next_case_number, retire_case_counters
    from bianmin.core.counters import _sequence_positions

    for _ in range(2):
        next_case_number(org["center"], MONDAY)
    row = CaseCounter.objects.get()
    holding, release, results = threading.Event(), threading.Event(), {}

    def other_node() -> None:
        from django.db import transaction

        try:
            with transaction.atomic():
                CaseCounter.objects.select_for_update().get(pk=row.pk)
                holding.set()
                release.wait(10)
        finally:
            close_old_connections()

    t = threading.Thread(target=other_node)
    t.start()
    holding.wait(10)
    results["while held"] = retire_case_counters(MONDAY + dt.timedelta(days=3))
    release.set()
    t.join()
    results["after"] = retire_case_counters(MONDAY + dt.timedelta(days=3))
    results["again"] = retire_case_counters(MONDAY + dt.timedelta(days=3))
    assert results == {"while held": 0, "after": 1, "again": 0}
    row.refresh_from_db()
    assert row.last == 2 and row.pk not in _sequence_positions(CaseCounter)
