"""Two (here four) nodes sweeping at the same moment on PostgreSQL: no duplicate records, nothing missed."""
import datetime as dt
import threading

import pytest
from django.db import connection

from bianmin.accountability.models import Violation
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.tests.conftest import ALL_GOOD, applicant, calendar, item  # noqa: F401 - fixtures
from bianmin.notifications.models import DigestItem
from bianmin.sweep.services import run_sweep

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NODES, CASES = 4, 40
FRIDAY = dt.datetime(2026, 9, 25, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")


def test_concurrent_sweeps_record_each_overdue_case_once(postgres_only, cast, item):  # noqa: F811
    for i in range(CASES):
        case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(name=f"申请人{i}"),
                                materials=ALL_GOOD, now=FRIDAY)
        svc.accept_case(actor=cast["window_a"], number=case.number, now=FRIDAY)
    later = FRIDAY + dt.timedelta(days=40)
    errors: list[BaseException] = []
    results: list[dict] = []
    start = threading.Barrier(NODES)

    def node() -> None:
        try:
            start.wait()
            results.append(run_sweep(now=later, batch=7))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=node) for _ in range(NODES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r["overdue"] for r in results) == CASES  # the nodes split the work
    assert Violation.objects.count() == CASES
    assert Violation.objects.values("case").distinct().count() == CASES
    assert CaseEvent.objects.filter(action="OVERDUE").count() == CASES
    assert DigestItem.objects.count() == CASES * 3  # handler, B and leader, each once per case
    assert set(Case.objects.values_list("warning_level", flat=True)) == {"RED"}
    assert all(v == 0 for v in run_sweep(now=later).values())
