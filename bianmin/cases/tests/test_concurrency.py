"""Concurrent receipt on PostgreSQL: 8 threads × 100 cases — no duplicate numbers, nothing lost."""
import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection

from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent

from .conftest import ALL_GOOD, MONDAY, applicant

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
