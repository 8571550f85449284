"""收件并受理 through the API (issue 16 item 1): `POST /api/v1/cases` with `accept` receives and accepts a complete
application in one transaction; a refused acceptance writes nothing."""
import datetime as dt

import pytest
import time_machine

from bianmin.audit.models import AuditEntry
from bianmin.cases.models import Case, CaseEvent, Notice
from bianmin.testing.factories import ID, MATERIALS
from bianmin.testing.factories import item_content as _content
from conftest import api_token_headers

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


@pytest.fixture
def item(cast, org, calendar):
    from bianmin.catalog.services import create_item

    return create_item(actor=cast["sysadmin"], code="SP-01", basic_code="1",
                       content=_content(implementing_unit=org["dept"]), materials=MATERIALS, fees=[], faqs=[],
                       now=FROZEN, publish=True)


def body(**extra):
    return {"item": "SP-01", "applicant": {"kind": "PERSON", "name": "张三", "id_number": ID, "phone": "13800138000"},
            "materials": [{"material": "申请书", "received_as": "PAPER"}, {"material": "场所平面图"}], **extra}


@pytest.mark.endpoint("POST", "/api/v1/cases")
@time_machine.travel(FROZEN, tick=False)
def test_a_complete_application_is_received_and_accepted_in_one_request(client, cast, item):
    h = api_token_headers(client, "window_a")
    r = client.post("/api/v1/cases", body(accept={}), content_type="application/json", headers=h)
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["status"] == "ACCEPTED"
    assert out["committed_deadline"] == "2026-03-16" and out["legal_deadline"] == "2026-03-30"
    case = Case.objects.get(number=out["number"])
    assert case.first_handler.user.username == "window_a" and case.accepted_at == FROZEN
    assert list(case.events.exclude(to_status="").order_by("pk").values_list("to_status", flat=True)) == [
        "RECEIVED", "ACCEPTED"]
    assert Notice.objects.filter(case=case, kind="ACCEPTANCE").exists()
    # The receipt's and the acceptance's rows, chained once at the end of the one transaction.
    rows = AuditEntry.objects.filter(object_type="cases.Case", object_id=str(case.pk), action="CASE_TRANSITION")
    assert rows.count() == 2


@time_machine.travel(FROZEN, tick=False)
def test_urgent_options_are_the_acceptances(client, cast, item):
    h = api_token_headers(client, "window_a")
    r = client.post("/api/v1/cases", body(accept={"urgent": True, "urgent_days": 99}), content_type="application/json",
                    headers=h)
    assert r.status_code == 400 and "urgent_days" in r.json()["error"]["fields"]
    assert not Case.objects.exists()


@time_machine.travel(FROZEN, tick=False)
def test_an_incomplete_application_is_refused_and_nothing_is_written(client, cast, item):
    h = api_token_headers(client, "window_a")
    events, audit = CaseEvent.objects.count(), AuditEntry.objects.count()
    incomplete = body(accept={}, materials=[{"material": "场所平面图"}])  # the required 申请书 is missing
    r = client.post("/api/v1/cases", incomplete, content_type="application/json", headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "materials_incomplete"
    assert "申请书" in r.json()["error"]["message"]
    assert not Case.objects.exists()
    assert (CaseEvent.objects.count(), AuditEntry.objects.count()) == (events, audit)
    # Without accept the same application is received, to be served a 补正 notice.
    r = client.post("/api/v1/cases", {**incomplete, "accept": None}, content_type="application/json", headers=h)
    assert r.status_code == 201 and r.json()["status"] == "RECEIVED"


@time_machine.travel(FROZEN, tick=False)
def test_accept_must_be_the_options_object(client, cast, item):
    h = api_token_headers(client, "window_a")
    r = client.post("/api/v1/cases", body(accept=True), content_type="application/json", headers=h)
    assert r.status_code == 400 and "accept" in r.json()["error"]["fields"]
    assert not Case.objects.exists()
