"""The lookup limit holds when 30 requests from one address race (PostgreSQL, one connection per thread)."""
import threading

import pytest
from django.db import connection
from django.test import Client

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
REQUESTS = 30


def test_thirty_parallel_lookups_from_one_address_let_exactly_ten_through(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")
    start, statuses, errors = threading.Barrier(REQUESTS), [], []

    def worker(n: int) -> None:
        try:
            client = Client(REMOTE_ADDR="198.51.100.7")
            start.wait(30)
            if n % 2:  # the page and the API share one allowance
                response = client.post("/lookup/", {"number": f"NOPE{n}", "code": "WRONG123"})
            else:
                response = client.post("/api/v1/public/case-lookup", {"number": f"NOPE{n}", "code": "WRONG123"},
                                       content_type="application/json")
            statuses.append(response.status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(REQUESTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(statuses) == REQUESTS
    assert sum(status != 429 for status in statuses) == 10, statuses
