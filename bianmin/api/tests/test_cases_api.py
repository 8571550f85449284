import datetime as dt

import pytest
import time_machine

from bianmin.cases.models import Case
from bianmin.testing.factories import ALL_GOOD, ID, MATERIALS  # noqa: F401
from bianmin.testing.factories import item_content as _content
from conftest import api_token_headers

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


@pytest.fixture
def item(cast, org, calendar):
    from decimal import Decimal

    from bianmin.catalog.services import create_item

    return create_item(actor=cast["sysadmin"], code="SP-01", basic_code="1",
                       content=_content(implementing_unit=org["dept"]), materials=MATERIALS,
                       fees=[{"name": "工本费", "amount": Decimal("10.00"), "basis": "x", "waivable": False}],
                       faqs=[], now=FROZEN, publish=True)


def token(client, username):
    return api_token_headers(client, username)  # with the TOTP code for leaders and supervisors


def post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", headers=headers)


BODY = {"item": "SP-01", "applicant": {"kind": "PERSON", "name": "张三", "id_number": ID.lower(),
                                       "phone": "13800138000"},
        "materials": [{"material": "申请书", "received_as": "PAPER"}, {"material": "场所平面图"}]}


@pytest.mark.endpoint("POST", "/api/v1/cases")
@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/accept")
@pytest.mark.endpoint("GET", "/api/v1/cases/{number}")
@time_machine.travel(FROZEN, tick=False)
def test_receive_accept_and_read_back(client, cast, item):
    h = token(client, "window_a")
    r = post(client, "/api/v1/cases", BODY, h)
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["status"] == "RECEIVED" and created["committed_deadline"] is None  # received only
    r = post(client, f"/api/v1/cases/{created['number']}/accept", {}, h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["committed_deadline"] == "2026-03-16" and body["legal_deadline"] == "2026-03-30"
    assert body["provisional"] is False and body["first_handler"]["badge"] == "B-window_a"
    detail = client.get(f"/api/v1/cases/{created['number']}", headers=h).json()
    assert detail["applicant"]["id_number"] == "110***********002X"  # masked on the server
    assert detail["applicant"]["phone"] == "138****8000"
    assert [e["to_status"] for e in detail["events"] if e["to_status"]] == ["RECEIVED", "ACCEPTED"]


@time_machine.travel(FROZEN, tick=False)
def test_invalid_id_credit_code_and_phone_name_the_field(client, cast, item):
    h = token(client, "window_a")
    for applicant, field in [({"id_number": "110105194912310021"}, "applicant.id_number"),
                             ({"phone": "123"}, "applicant.phone"),
                             ({"kind": "ORGANISATION", "credit_code": "91350100M000100Y44", "legal_rep": "李四"},
                              "applicant.credit_code")]:
        r = post(client, "/api/v1/cases", {**BODY, "applicant": {**BODY["applicant"], **applicant}}, h)
        assert r.status_code == 400 and field in r.json()["error"]["fields"], r.content
    assert not Case.objects.exists()


@time_machine.travel(FROZEN, tick=False)
def test_other_unit_gets_404_like_missing(client, cast, item):
    number = post(client, "/api/v1/cases", BODY, token(client, "window_a")).json()["number"]
    h = token(client, "town_window")
    forbidden = client.get(f"/api/v1/cases/{number}", headers=h)
    missing = client.get("/api/v1/cases/C1209901010001", headers=h)
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert post(client, f"/api/v1/cases/{number}/accept", {}, h).json() == missing.json()


@time_machine.travel(FROZEN, tick=False)
def test_no_writable_status(client, cast, item):
    h = token(client, "window_a")
    r = post(client, "/api/v1/cases", {**BODY, "status": "DECIDED"}, h)
    assert r.status_code == 201, r.content.decode()
    assert r.json()["status"] == "RECEIVED"
    r = client.patch(f"/api/v1/cases/{r.json()['number']}", {"status": "DECIDED"}, content_type="application/json",
                     headers=h)
    assert r.status_code in (404, 405)


@time_machine.travel(FROZEN, tick=False)
def test_wrong_state_is_409_and_wrong_fee_400(client, cast, item):
    h = token(client, "window_a")
    number = post(client, "/api/v1/cases", BODY, h).json()["number"]
    r = post(client, f"/api/v1/cases/{number}/decide",
             {"outcome": "GRANTED", "reasons": "符合条件", "certificate_number": "JY1"}, h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    post(client, f"/api/v1/cases/{number}/accept", {}, h)
    fee = item.fees.get()
    r = post(client, f"/api/v1/cases/{number}/fees", {"fee": fee.pk, "amount": "99", "receipt_number": "R1"}, h)
    assert r.status_code == 400 and "amount" in r.json()["error"]["fields"]


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/supplement/lines")
@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/supplement/serve")
@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/resubmit")
@time_machine.travel(FROZEN, tick=False)
def test_supplement_flow_through_the_api(client, cast, item):
    h = token(client, "window_a")
    number = post(client, "/api/v1/cases", {**BODY, "materials": []}, h).json()["number"]
    assert post(client, f"/api/v1/cases/{number}/accept", {}, h).status_code == 409
    r = post(client, f"/api/v1/cases/{number}/supplement/lines", {"material": "申请书", "problem": "未提交"}, h)
    assert r.status_code == 200
    r = post(client, f"/api/v1/cases/{number}/supplement/serve", {}, h)
    assert r.json()["status"] == "SUPPLEMENT"
    r = post(client, f"/api/v1/cases/{number}/resubmit", {"materials": [{"material": "申请书"}]}, h)
    assert r.json()["status"] == "RECEIVED"
    assert post(client, f"/api/v1/cases/{number}/accept", {}, h).json()["status"] == "ACCEPTED"


@pytest.mark.endpoint("POST", "/api/v1/public/case-lookup")
@time_machine.travel(FROZEN, tick=False)
def test_public_lookup(client, cast, item):
    h = token(client, "window_a")
    created = post(client, "/api/v1/cases", BODY, h).json()
    post(client, f"/api/v1/cases/{created['number']}/accept", {}, h)
    r = client.post("/api/v1/public/case-lookup", {"number": created["number"], "code": created["query_code"]},
                    content_type="application/json")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ACCEPTED" and body["handler_badge"] == "B-window_a"
    text = r.content.decode()
    assert "张三" not in text and "13800138000" not in text and ID not in text
    wrong = client.post("/api/v1/public/case-lookup", {"number": created["number"], "code": "ZZZZZZZZ"},
                        content_type="application/json")
    unknown = client.post("/api/v1/public/case-lookup", {"number": "NOPE", "code": created["query_code"]},
                          content_type="application/json")
    assert wrong.status_code == unknown.status_code == 404 and wrong.json() == unknown.json()


@time_machine.travel(FROZEN, tick=False)
def test_public_lookup_is_throttled_per_ip(client, db):
    for _ in range(10):
        client.post("/api/v1/public/case-lookup", {"number": "X", "code": "Y"}, content_type="application/json")
    r = client.post("/api/v1/public/case-lookup", {"number": "X", "code": "Y"}, content_type="application/json")
    assert r.status_code == 429


@pytest.mark.endpoint("POST", "/api/v1/inquiries")
@pytest.mark.endpoint("POST", "/api/v1/inquiries/{number}/outcome")
@time_machine.travel(FROZEN, tick=False)
def test_inquiry_api(client, cast):
    h = token(client, "window_a")
    r = post(client, "/api/v1/inquiries", {"channel": "PHONE", "matter": "咨询"}, h)
    assert r.status_code == 400 and {"visitor_name", "phone"} <= set(r.json()["error"]["fields"])
    r = post(client, "/api/v1/inquiries", {"channel": "PHONE", "matter": "咨询", "visitor_name": "王五",
                                           "phone": "13800138000"}, h)
    assert r.status_code == 201 and r.json()["phone"] == "138****8000"
    number = r.json()["number"]
    r = post(client, f"/api/v1/inquiries/{number}/outcome", {"outcome": "ANSWERED", "result": "已解答"}, h)
    assert r.json()["status"] == "CLOSED"


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/pauses")
@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/pauses/end")
@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/extension")
@pytest.mark.endpoint("POST", "/api/v1/extensions/{extension_id}/approve")
@time_machine.travel(FROZEN, tick=False)
def test_pause_and_extension_api(client, cast, item):
    from bianmin.org.models import HeadOf, StaffProfile

    h = token(client, "window_a")
    number = post(client, "/api/v1/cases", BODY, h).json()["number"]
    post(client, f"/api/v1/cases/{number}/accept", {}, h)
    r = post(client, f"/api/v1/cases/{number}/pauses", {"kind": "HEARING", "basis": "x", "expected_days": 2}, h)
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]
    r = post(client, f"/api/v1/cases/{number}/pauses", {"kind": "TESTING", "basis": "检测", "expected_days": 2}, h)
    assert r.status_code == 200 and r.json()["pauses"][0]["kind"] == "TESTING"
    grant = {"outcome": "GRANTED", "reasons": "符合条件", "certificate_number": "JY1"}
    assert post(client, f"/api/v1/cases/{number}/decide", grant, h).status_code == 409
    assert post(client, f"/api/v1/cases/{number}/pauses/end", {"result": "合格"}, h).status_code == 200
    ext = post(client, f"/api/v1/cases/{number}/extension", {"reason": "复杂"}, h).json()
    assert post(client, f"/api/v1/cases/{number}/extension", {"reason": "再来"}, h).status_code == 409
    StaffProfile.objects.filter(user__username="leader").update(head_of=HeadOf.ORGAN)
    r = post(client, f"/api/v1/extensions/{ext['id']}/approve", {}, token(client, "leader"))
    assert r.status_code == 200 and r.json()["status"] == "APPROVED"
    assert r.json()["committed_deadline"] == "2026-03-30"  # 10 + 10 working days from Mon 3/2


@time_machine.travel(FROZEN, tick=False)
def test_bad_numbers_are_400s_naming_the_field_not_500s(client, cast, item):
    h = token(client, "window_a")
    bad = {**BODY, "materials": [{"material": "申请书", "copies": -1}]}
    r = post(client, "/api/v1/cases", bad, h)
    assert r.status_code == 400 and "materials.0.copies" in r.json()["error"]["fields"]
    number = post(client, "/api/v1/cases", BODY, h).json()["number"]
    r = post(client, f"/api/v1/cases/{number}/accept", {"urgent": True, "urgent_days": -5}, h)
    assert r.status_code == 400 and "urgent_days" in r.json()["error"]["fields"]
    post(client, f"/api/v1/cases/{number}/accept", {}, h)
    fee = item.fees.get()
    r = post(client, f"/api/v1/cases/{number}/fees", {"fee": fee.pk, "amount": "10.004", "receipt_number": "R1"}, h)
    assert r.status_code == 400 and "amount" in r.json()["error"]["fields"]
    r = post(client, f"/api/v1/cases/{number}/fees", {"fee": fee.pk, "amount": 10, "receipt_number": "R1"}, h)
    assert r.status_code == 200, r.content  # a JSON number is a fine amount
