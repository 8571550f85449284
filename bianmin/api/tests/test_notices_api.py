"""A grant through the API needs its reasons and certificate number; delivery answers with the result and the
送达回证 (issue 12 item 3)."""
import datetime as dt

import pytest
import time_machine

from bianmin.testing.factories import ALL_GOOD, MATERIALS, applicant
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


def post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/decide")
@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/deliver")
@pytest.mark.endpoint("GET", "/api/v1/cases/{number}")
@time_machine.travel(FROZEN, tick=False)
def test_grant_and_delivery_through_the_api(client, cast, item):
    from bianmin.cases import services as svc

    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=FROZEN)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=FROZEN)
    h = api_token_headers(client, "window_a")
    url = f"/api/v1/cases/{case.number}"
    r = post(client, f"{url}/decide", {"outcome": "GRANTED"}, h)
    assert r.status_code == 400 and set(r.json()["error"]["fields"]) == {"reasons"}  # the schema: required
    r = post(client, f"{url}/decide", {"outcome": "GRANTED", "reasons": "申请材料齐全，符合法定条件"}, h)
    assert r.status_code == 400 and set(r.json()["error"]["fields"]) == {"certificate_number"}
    assert "食品经营许可证" in r.json()["error"]["fields"]["certificate_number"][0]
    r = post(client, f"{url}/decide", {"outcome": "GRANTED", "reasons": "申请材料齐全，符合法定条件",
                                        "certificate_number": "JY13501020000001"}, h)
    assert r.status_code == 200, r.content
    assert r.json()["result"] == {
        "decided_at": "2026-03-02T01:00:00Z", "reasons": "申请材料齐全，符合法定条件",
        "certificate_name": "食品经营许可证", "certificate_number": "JY13501020000001", "delivery_method": "",
        "delivered_to": "", "delivered_at": None}
    r = post(client, f"{url}/deliver", {"method": "POST", "received_by": "张三", "place": "测试县幸福路8号"}, h)
    assert r.status_code == 200, r.content
    detail = client.get(url, headers=h).json()
    assert (detail["result"]["delivery_method"], detail["result"]["delivered_to"]) == ("POST", "张三")
    assert detail["result"]["delivered_at"] == "2026-03-02T01:00:00Z"
    [receipt] = [n for n in detail["notices"] if n["kind"] == "DELIVERY"]
    assert receipt["number"].startswith("SD-2026-")


def test_the_api_documents_the_decision_and_the_delivery(client):
    doc = client.get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    decide = next(s for name, s in schemas.items() if name.startswith("DecideIn"))
    assert "reasons" in decide["required"] and "certificate_number" in decide["properties"]
    deliver = next(s for name, s in schemas.items() if name.startswith("DeliverIn"))
    assert "place" in deliver["properties"]
    result = schemas["ResultOut"]["properties"]
    assert {"delivery_method", "delivered_to", "certificate_number", "reasons"} <= set(result)
