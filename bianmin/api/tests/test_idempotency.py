"""The ``Idempotency-Key`` header (issue 13 item 7, decision 0023): a POST retried with its key runs once.

Every call goes through the test client and is checked against the OpenAPI document (``conftest.py``), so the
400/409/422 answers and the header are documented for the operations that honour the key."""
import datetime as dt
import threading
import time

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.client import encode_multipart

from bianmin.api import idempotency as idempotency_api
from bianmin.api import routes_cases
from bianmin.audit.models import AuditEntry
from bianmin.audit.services import verify_chain
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent, CaseFile, RefusedSupplement
from bianmin.core import idempotency
from bianmin.core.errors import DomainError
from bianmin.core.models import IdempotentRequest
from bianmin.inquiries.models import Inquiry
from bianmin.testing.cases import receive_and_serve_supplement
from bianmin.testing.factories import ID
from conftest import PASSWORD, api_token_headers

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing
KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324"
BODY = {"item": "SP-01", "applicant": {"kind": "PERSON", "name": "张三", "id_number": ID, "phone": "13800138000"},
        "materials": [{"material": "申请书", "received_as": "PAPER"}, {"material": "场所平面图"}]}


def receive(client, headers, key=KEY, body=BODY):
    extra = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/api/v1/cases", body, content_type="application/json", headers={**headers, **extra})


@pytest.fixture
def window(client, cast, item):
    return api_token_headers(client, "window_a")


@pytest.mark.endpoint("POST", "/api/v1/cases")
@time_machine.travel(FROZEN, tick=False)
def test_a_case_received_twice_with_one_key_is_one_case_and_the_same_answer(client, window):
    first = receive(client, window)
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    again = receive(client, window)
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == first["Content-Type"]
    assert Case.objects.count() == 1
    # The key as an RFC 8941 string (in double quotes) is the same key; JSON spacing and key order do not count.
    materials = '[{"material": "申请书", "received_as": "PAPER"}, {"material": "场所平面图"}]'
    reordered = (f'{{"materials": {materials}, "applicant": {{"phone": "13800138000", "id_number": "{ID}",'
                 f' "name": "张三", "kind": "PERSON"}},   "item": "SP-01"}}')
    quoted = client.post("/api/v1/cases", reordered, content_type="application/json",
                         headers={**window, "Idempotency-Key": f'"{KEY}"'})
    assert quoted.status_code == 201 and quoted["Idempotent-Replayed"] == "true" and quoted.json() == first.json()
    assert Case.objects.count() == 1


@time_machine.travel(FROZEN, tick=False)
def test_the_key_reused_for_another_body_or_path_is_a_422_naming_the_header(client, window):
    assert receive(client, window).status_code == 201
    other = {**BODY, "applicant": {**BODY["applicant"], "name": "李四"}}
    r = receive(client, window, body=other)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "idempotency_key_reused" and "Idempotency-Key" in error["message"]
    assert list(error["fields"]) == ["Idempotency-Key"]
    r = client.post("/api/v1/inquiries", {"channel": "WINDOW", "matter": "咨询"}, content_type="application/json",
                    headers={**window, "Idempotency-Key": KEY})
    assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1 and not Inquiry.objects.exists()


@time_machine.travel(FROZEN, tick=False)
def test_without_a_key_each_post_runs(client, window):
    assert receive(client, window, key=None).status_code == 201
    assert receive(client, window, key=None).status_code == 201
    assert Case.objects.count() == 2 and not IdempotentRequest.objects.exists()


@time_machine.travel(FROZEN, tick=False)
def test_keys_belong_to_the_account_that_sent_them(client, window):
    mine = receive(client, window)
    theirs = receive(client, api_token_headers(client, "window_b"))  # the same key, another account
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs and theirs.json()["number"] != mine.json()["number"]
    assert Case.objects.count() == 2 and IdempotentRequest.objects.count() == 2
    # A new token of the same account is the same account: its retry is answered from the first.
    again = receive(client, api_token_headers(client, "window_a"))
    assert again["Idempotent-Replayed"] == "true" and again.json() == mine.json()


@time_machine.travel(FROZEN, tick=False)
def test_a_key_on_a_get_is_ignored(client, window):
    receive(client, window, key=None)
    for _ in range(2):
        r = client.get("/api/v1/cases", headers={**window, "Idempotency-Key": KEY})
        assert r.status_code == 200 and r.json()["count"] == 1 and "Idempotent-Replayed" not in r
    assert not IdempotentRequest.objects.exists()


@time_machine.travel(FROZEN, tick=False)
def test_sign_in_with_a_key_issues_a_new_token_each_time(client, cast):
    """A replayed token would outlive a sign-out of the first: each sign-in is its own."""
    answers = [client.post("/api/v1/auth/token", {"username": "window_a", "password": PASSWORD},
                           content_type="application/json", headers={"Idempotency-Key": KEY}) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json()["token"] != answers[1].json()["token"]
    assert not IdempotentRequest.objects.exists()


@time_machine.travel(FROZEN, tick=False)
def test_a_refusal_is_kept_and_replayed_and_the_corrected_request_takes_a_new_key(client, window):
    """Decision 0032: a 4xx is the operation's answer, kept like a 2xx; a corrected request is a new request."""
    bad = {**BODY, "applicant": {**BODY["applicant"], "phone": "123"}}
    r = receive(client, window, body=bad)
    assert r.status_code == 400 and "applicant.phone" in r.json()["error"]["fields"]
    again = receive(client, window, body=bad)
    assert again.status_code == 400 and again["Idempotent-Replayed"] == "true" and again.json() == r.json()
    corrected = receive(client, window)  # the same key with another body
    assert corrected.status_code == 422 and corrected.json()["error"]["code"] == "idempotency_key_reused"
    assert not Case.objects.exists()
    r = receive(client, window, key="0b7f2b0e-corrected")
    assert r.status_code == 201 and "Idempotent-Replayed" not in r
    assert Case.objects.count() == 1


@time_machine.travel(FROZEN, tick=False)
def test_a_refused_further_supplement_retried_with_its_key_is_recorded_once(client, cast, item, window):
    """The refusal of a further 补正 is recorded (for supervision) even though the request is refused: the 409 is
    kept with that record, so a retry answers it again and records nothing more."""
    number = receive_and_serve_supplement(cast).number
    svc.resubmit(actor=cast["window_a"], number=number, now=FROZEN,
                 materials=[{"material": "申请书", "received_as": "PAPER", "acceptable": True}])
    audit_rows = AuditEntry.objects.count()

    def refused_line():
        return client.post(f"/api/v1/cases/{number}/supplement/lines", {"material": "场所平面图", "problem": "过期"},
                           content_type="application/json", headers={**window, "Idempotency-Key": KEY})

    first = refused_line()
    assert first.status_code == 409 and first.json()["error"]["code"] == "supplement_refused"
    assert "Idempotent-Replayed" not in first
    for _ in range(2):
        again = refused_line()
        assert again.status_code == 409 and again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert RefusedSupplement.objects.filter(case__number=number).count() == 1
    assert CaseEvent.objects.filter(case__number=number, action="SUPPLEMENT_REFUSED").count() == 1
    assert AuditEntry.objects.count() == audit_rows + 1
    # Without a key every refused attempt is its own and recorded.
    r = client.post(f"/api/v1/cases/{number}/supplement/lines", {"material": "场所平面图", "problem": "过期"},
                    content_type="application/json", headers=window)
    assert r.status_code == 409 and RefusedSupplement.objects.filter(case__number=number).count() == 2


@pytest.mark.parametrize("status", sorted(idempotency_api.NOT_KEPT))
@pytest.mark.undocumented_status(401, 408, 425, 429)
@time_machine.travel(FROZEN, tick=False)
def test_a_not_now_answer_is_not_kept(client, window, monkeypatch, status):
    def not_now(**kwargs):
        raise DomainError("稍后再试", code="not_now") from None

    monkeypatch.setattr(DomainError, "status", status)
    monkeypatch.setattr(routes_cases.svc, "receive_case", not_now)
    assert receive(client, window).status_code == status
    assert not IdempotentRequest.objects.exists()


@pytest.mark.undocumented_status(500)
@time_machine.travel(FROZEN, tick=False)
def test_a_server_error_keeps_nothing_and_the_retry_runs(client, window, monkeypatch):
    real, calls = routes_cases.svc.receive_case, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(routes_cases.svc, "receive_case", flaky)
    client.raise_request_exception = False
    assert receive(client, window).status_code == 500
    assert not IdempotentRequest.objects.exists() and not Case.objects.exists()
    r = receive(client, window)
    assert r.status_code == 201 and "Idempotent-Replayed" not in r and len(calls) == 2
    assert receive(client, window)["Idempotent-Replayed"] == "true" and len(calls) == 2
    assert Case.objects.count() == 1


@pytest.mark.undocumented_status(500)
@time_machine.travel(FROZEN, tick=False)
def test_a_server_error_after_the_service_committed_rolls_the_work_back_and_the_retry_runs_once(
        client, window, monkeypatch):
    """The service's transaction (a savepoint of the keyed one) has ended when answering fails: Django turns the
    exception into a 500 inside the keyed transaction, which must roll back the case with the claim."""
    real, calls = routes_cases.svc.receive_case, []

    def fails_after(**kwargs):
        calls.append(1)
        case = real(**kwargs)
        if len(calls) == 1:
            raise RuntimeError("the answer could not be built")
        return case

    monkeypatch.setattr(routes_cases.svc, "receive_case", fails_after)
    client.raise_request_exception = False
    audit_rows = AuditEntry.objects.count()
    last_seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    assert receive(client, window).status_code == 500
    assert not Case.objects.exists() and not CaseEvent.objects.exists() and not IdempotentRequest.objects.exists()
    assert AuditEntry.objects.count() == audit_rows
    first = receive(client, window)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first and len(calls) == 2
    again = receive(client, window)
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json() and len(calls) == 2
    case = Case.objects.get()
    assert case.number == first.json()["number"] and CaseEvent.objects.exclude(case=case).count() == 0
    written = list(AuditEntry.objects.filter(seq__gt=last_seq).values_list("object_id", flat=True))
    assert written and set(written) <= {str(case.pk)}  # one receipt's rows, all of this case
    assert verify_chain() is None


@time_machine.travel(FROZEN, tick=False)
def test_a_retry_while_the_first_request_runs_is_a_409_and_runs_nothing(client, window, monkeypatch):
    """The second request arrives while the first is inside the service (SQLite-safe: made from inside it)."""
    real, during = routes_cases.svc.receive_case, []

    def slow(**kwargs):
        during.append(Client().post("/api/v1/cases", BODY, content_type="application/json",
                                    headers={**window, "Idempotency-Key": KEY}))
        return real(**kwargs)

    monkeypatch.setattr(routes_cases.svc, "receive_case", slow)
    first = receive(client, window)
    assert first.status_code == 201 and len(during) == 1
    second = during[0]
    assert second.status_code == 409 and second["Retry-After"]
    error = second.json()["error"]
    assert error["code"] == "idempotency_in_progress" and "Idempotency-Key" in error["message"]
    assert Case.objects.count() == 1
    assert receive(client, window)["Idempotent-Replayed"] == "true"


def test_a_key_expires_after_24_hours(client, window):
    with time_machine.travel(FROZEN, tick=False):
        first = receive(client, window)
    assert first.status_code == 201
    with time_machine.travel(FROZEN + dt.timedelta(hours=23, minutes=59), tick=False):
        assert receive(client, window)["Idempotent-Replayed"] == "true"
    with time_machine.travel(FROZEN + dt.timedelta(hours=24, minutes=1), tick=False):
        again = receive(client, window)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert again.json()["number"] != first.json()["number"] and Case.objects.count() == 2
    assert IdempotentRequest.objects.count() == 1  # the expired row was replaced


def test_expired_keys_are_deleted_as_new_ones_arrive(cast):
    account = cast["window_a"].pk
    for n in range(3):
        run = idempotency.begin(account_id=account, key=f"old-{n}", method="POST", path="/api/v1/cases",
                                fingerprint="f", now=FROZEN)
        assert isinstance(run, idempotency.Run)
        idempotency.finish(run, status=201, content_type="application/json", body="{}")
    later = FROZEN + idempotency.TTL + dt.timedelta(seconds=1)
    assert isinstance(idempotency.begin(account_id=account, key="new", method="POST", path="/api/v1/cases",
                                        fingerprint="f", now=later), idempotency.Run)
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]


def test_a_claim_left_by_a_process_that_died_is_taken_over_after_the_lease(cast):
    account = cast["window_a"].pk
    claim = {"account_id": account, "key": KEY, "method": "POST", "path": "/api/v1/cases", "fingerprint": "f"}
    assert isinstance(idempotency.begin(**claim, now=FROZEN), idempotency.Run)  # never finished
    assert idempotency.begin(**claim, now=FROZEN + idempotency.LEASE / 2) == idempotency.Refusal("in_progress")
    taken = idempotency.begin(**claim, now=FROZEN + idempotency.LEASE + dt.timedelta(seconds=1))
    assert isinstance(taken, idempotency.Run) and IdempotentRequest.objects.get().pk == taken.pk


@time_machine.travel(FROZEN, tick=False)
def test_a_malformed_key_is_a_400_naming_the_header(client, window):
    for key in ("", "   ", "x" * 256, "带中文的键", "a b", '""'):
        r = receive(client, window, key=key)
        assert r.status_code == 400, key
        error = r.json()["error"]
        assert error["code"] == "idempotency_key_invalid" and list(error["fields"]) == ["Idempotency-Key"]
    assert receive(client, window, key="x" * 255).status_code == 201
    assert Case.objects.count() == 1
    r = client.post("/api/v1/nowhere%00", {}, content_type="application/json",
                    headers={**window, "Idempotency-Key": KEY})  # a NUL in the path: not a PostgreSQL 500
    assert r.status_code == 400 and IdempotentRequest.objects.count() == 1


@time_machine.travel(FROZEN, tick=False)
def test_the_kept_answer_is_encrypted_at_rest(client, window):
    number = receive(client, window).json()["number"]
    stored = IdempotentRequest.objects.values_list("body", flat=True).get()
    assert number not in str(stored) and "query_code" not in str(stored)
    assert number in IdempotentRequest.objects.get().body  # the attribute is the plaintext


@pytest.mark.endpoint("POST", "/api/v1/inquiries")
@time_machine.travel(FROZEN, tick=False)
def test_an_inquiry_registered_twice_with_one_key_is_one_inquiry(client, window):
    body = {"channel": "WINDOW", "matter": "咨询个人所得税汇算"}
    answers = [client.post("/api/v1/inquiries", body, content_type="application/json",
                           headers={**window, "Idempotency-Key": "inquiry-1"}) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201] and answers[0].json() == answers[1].json()
    assert answers[1]["Idempotent-Replayed"] == "true" and Inquiry.objects.count() == 1


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/files")
@time_machine.travel(FROZEN, tick=False)
def test_an_upload_retried_with_its_key_stores_one_file(client, window, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    number = receive(client, window, key=None).json()["number"]
    url, headers = f"/api/v1/cases/{number}/files", {**window, "Idempotency-Key": "upload-1"}

    def upload(content=b"%PDF-1.4 x", boundary="AaB03x"):
        scan = SimpleUploadedFile("申请书.pdf", content, content_type="application/pdf")
        # A browser sends each retry of a form with a new multipart boundary: the fields and files count.
        return client.post(url, encode_multipart(boundary, {"file": scan, "material": "申请书"}), headers=headers,
                           content_type=f"multipart/form-data; boundary={boundary}")

    first = upload()
    assert first.status_code == 200, first.content
    again = upload(boundary="ZzY98w")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert CaseFile.objects.count() == 1
    assert upload(content=b"%PDF-1.4 another scan").status_code == 422
    assert CaseFile.objects.count() == 1


def test_the_document_lists_the_header_on_the_posts_that_honour_it(client):
    doc = client.get("/api/v1/openapi.json").json()

    def header(path, method="post"):
        operation = doc["paths"][path][method]
        return [p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == "Idempotency-Key"]

    for path in ("/api/v1/cases", "/api/v1/inquiries", "/api/v1/cases/{number}/accept", "/api/v1/violations",
                 "/api/v1/cases/{number}/files"):
        assert len(header(path)) == 1, path
        operation = doc["paths"][path]["post"]
        assert {"400", "409", "422"} <= set(operation["responses"]), path
        success = next(r for s, r in operation["responses"].items() if s.startswith("2"))
        assert "Idempotent-Replayed" in success["headers"]
    assert header("/api/v1/cases")[0]["required"] is False
    assert "24 小时" in header("/api/v1/cases")[0]["description"]
    assert header("/api/v1/auth/token") == header("/api/v1/public/case-lookup") == []
    assert header("/api/v1/cases", "get") == []
    assert "Idempotency-Key" in doc["info"]["description"]


# PostgreSQL: requests racing with one key -----------------------------------------------------------------------

RACERS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_retries_with_one_key_receive_one_case(cast, item, monkeypatch):
    """Eight requests with one key start together while the first is still in the service: exactly one runs."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")
    headers = {**api_token_headers(Client(), "window_a"), "Idempotency-Key": KEY}
    real = routes_cases.svc.receive_case

    def slow(**kwargs):
        time.sleep(0.5)  # every racer arrives while the winner is inside the service
        return real(**kwargs)

    monkeypatch.setattr(routes_cases.svc, "receive_case", slow)
    start, answers, errors = threading.Barrier(RACERS), [], []

    def worker() -> None:
        try:
            client = Client()
            start.wait(30)
            answers.append(client.post("/api/v1/cases", BODY, content_type="application/json", headers=headers))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    with time_machine.travel(FROZEN, tick=True):
        threads = [threading.Thread(target=worker) for _ in range(RACERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        replay = Client().post("/api/v1/cases", BODY, content_type="application/json", headers=headers)
    assert errors == []
    assert len(answers) == RACERS
    ran = [a for a in answers if a.status_code == 201 and "Idempotent-Replayed" not in a]
    others = [a.status_code if a.status_code != 201 else "replayed" for a in answers if a not in ran]
    assert len(ran) == 1 and set(others) <= {409, "replayed"} and 409 in others, others
    assert all(a.json()["error"]["code"] == "idempotency_in_progress" for a in answers if a.status_code == 409)
    assert Case.objects.count() == 1
    assert IdempotentRequest.objects.get().status == 201
    assert replay["Idempotent-Replayed"] == "true" and Case.objects.count() == 1
