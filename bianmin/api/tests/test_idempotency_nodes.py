"""Idempotency keys when an app node dies (issue 16 item 3): the claim, the work and the kept answer are one
transaction (``core.idempotency``), so a retry on another node either replays the answer or runs the request — never
a second case, never a wait for the lease of a claim a dead process left.

A dead node is a PostgreSQL session that ends without committing: ``pg_terminate_backend`` ends the session of
the request's thread exactly as the kernel closing a SIGKILLed process's socket does. tests/deploy/test_node_drill.py
does the same with real processes behind nginx."""
import threading

import pytest
from django.db import connection
from django.test import Client

from bianmin.api import routes_cases
from bianmin.cases.models import Case
from bianmin.core.models import IdempotentRequest
from bianmin.testing.factories import ID
from conftest import api_token_headers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
KEY = "0d4f1a52-6a43-4b4e-9a0e-2f7f0c1d9e11"
BODY = {"item": "SP-01", "applicant": {"kind": "PERSON", "name": "张三", "id_number": ID, "phone": "13800138000"},
        "materials": [{"material": "申请书", "received_as": "PAPER"}, {"material": "场所平面图"}]}


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")


def post(headers, key=KEY):
    return Client().post("/api/v1/cases", BODY, content_type="application/json",
                         headers={**headers, "Idempotency-Key": key})


def seen_by_another_session() -> tuple[int, int]:
    """(cases, kept keys) as another connection sees them, i.e. what is committed."""
    seen: list[tuple[int, int]] = []

    def look() -> None:
        try:
            seen.append((Case.objects.count(), IdempotentRequest.objects.filter(status__isnull=False).count()))
        finally:
            connection.close()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join()
    return seen[0]


def in_a_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_the_case_and_its_kept_answer_commit_together(cast, item, monkeypatch):
    """Nothing of the request is visible to another session until the answer is stored with it: a node dying after
    the case's commit but before its answer reached the client leaves the answer for the retry."""
    headers = api_token_headers(Client(), "window_a")
    real, during = routes_cases.svc.receive_case, []

    def look_after(**kwargs):
        case = real(**kwargs)  # the service's own transaction has ended here
        during.append(seen_by_another_session())
        return case

    monkeypatch.setattr(routes_cases.svc, "receive_case", look_after)
    first = post(headers)
    assert first.status_code == 201
    assert during == [(0, 0)]  # before: one transaction with the claim, not yet committed
    assert seen_by_another_session() == (1, 1)
    monkeypatch.setattr(routes_cases.svc, "receive_case", real)
    again = post(headers)  # the retry a client sends when the first answer was lost (on any node)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Case.objects.count() == 1


def test_a_request_whose_node_died_mid_transaction_leaves_nothing_and_the_retry_runs(cast, item, monkeypatch):
    headers = api_token_headers(Client(), "window_a")
    real = routes_cases.svc.receive_case
    inside, release, backend, calls = threading.Event(), threading.Event(), [], []

    def dies_inside(**kwargs):
        calls.append(1)
        case = real(**kwargs)
        if len(calls) == 1:  # the first request: hold here until its session is killed
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend.append(cursor.fetchone()[0])
            inside.set()
            release.wait(30)
        return case

    monkeypatch.setattr(routes_cases.svc, "receive_case", dies_inside)
    outcome: list[object] = []

    def first() -> None:
        try:
            outcome.append(post(headers).status_code)
        except Exception as exc:  # the dead session's error reaches the test client
            outcome.append(type(exc).__name__)
        finally:
            connection.close()

    thread = in_a_thread(first)
    assert inside.wait(30)
    # While the first runs (its case inserted, uncommitted), a retry is told it is in progress, at once.
    busy = post(headers)
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "idempotency_in_progress"
    with connection.cursor() as cursor:  # the node dies: its session ends, its transaction is rolled back
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend[0]])
    release.set()
    thread.join(30)
    assert outcome and outcome[0] != 201
    assert seen_by_another_session() == (0, 0)
    retry = post(headers)  # the retry runs now, not after the 10-minute lease
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert Case.objects.count() == 1 and len(calls) == 2
    assert post(headers)["Idempotent-Replayed"] == "true" and Case.objects.count() == 1


def test_expired_keys_being_deleted_by_one_request_do_not_hold_up_another(cast):
    """Each new claim deletes a few expired keys; with SKIP LOCKED two claims never wait for each other's."""
    import datetime as dt

    from bianmin.core import idempotency

    account = cast["window_a"].pk
    old = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    for n in range(4):
        IdempotentRequest.objects.create(account_id=account, key=f"old-{n}", method="POST", path="/p",
                                         fingerprint="f", status=201, created_at=old)
    later = old + idempotency.TTL + dt.timedelta(minutes=1)
    holding, done = threading.Event(), threading.Event()

    def first() -> None:
        from django.db import transaction
        try:
            with transaction.atomic():
                assert idempotency.purge_expired(now=later, batch=2) == 2  # locks two rows until commit
                holding.set()
                done.wait(30)
        finally:
            connection.close()

    thread = in_a_thread(first)
    assert holding.wait(30)
    assert idempotency.purge_expired(now=later) == 2  # the other two, without waiting
    done.set()
    thread.join(30)
    assert not IdempotentRequest.objects.exists()
