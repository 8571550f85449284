"""POST /api/v1/public/relay-lookup (issue 13 item 5): a relay request's hop chain by number and code, anonymous,
throttled together with the case lookup, without personal data."""
import json

import pytest
import time_machine

from bianmin.cases import services as svc
from bianmin.testing.factories import MON, MONDAY, at
from bianmin.testing.relays import APPLICANT, brought_back, county_item, opened_at_county, registered

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/relay-lookup"


@pytest.fixture
def xj(cast, calendar, org):
    return county_item(cast)


def post(client, number, code, ip="198.51.100.20"):
    return client.post(URL, {"number": number, "code": code}, content_type="application/json", REMOTE_ADDR=ip)


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.endpoint("POST", "/api/v1/public/relay-lookup")
def test_the_relay_lookup_answers_the_hop_chain_and_the_case(client, cast, org, xj):
    relay = opened_at_county(cast)
    svc.accept_case(actor=cast["window_a"], number=relay.case.number, now=at(MON.replace(day=4), 10))
    relay = brought_back(cast, org, relay)
    r = post(client, relay.number, relay.query_code.lower())
    assert r.status_code == 200
    body = r.json()
    assert body["number"] == relay.number and body["status"] == "CLOSED" and body["item"] == "县级事项"
    assert body["route"] == ["测试村便民服务站", "测试镇便民服务中心", "测试县政务服务中心"]
    assert [(s["kind"], s["words"]) for s in body["steps"]] == [
        ("RECEIVED", "测试村便民服务站 已收件"),
        ("SENT", "移交 → 测试镇便民服务中心"), ("SIGNED", "测试镇便民服务中心 已签收"),
        ("SENT", "移交 → 测试县政务服务中心"), ("SIGNED", "测试县政务服务中心 已签收"),
        ("CASE", "测试县政务服务中心 已受理"),
        ("RESULT_SENT", "办理结果回送 → 测试镇便民服务中心"), ("SIGNED", "测试镇便民服务中心 已签收"),
        ("RESULT_SENT", "办理结果回送 → 测试村便民服务站"), ("SIGNED", "测试村便民服务站 已签收"),
        ("AT_STATION", "结果已到代办站"), ("DELIVERED", "已送达"), ("CLOSED", "已归档")]
    assert body["case"]["number"] == relay.case.number and body["case"]["status"] == "ACCEPTED"
    assert body["case"]["committed_deadline"]
    text = json.dumps(body, ensure_ascii=False)
    for value in (APPLICANT["name"], APPLICANT["phone"], APPLICANT["id_number"], APPLICANT["address"],
                  relay.applicant_phone_masked):
        assert value not in text, value


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.endpoint("POST", "/api/v1/public/relay-lookup")
def test_a_wrong_code_is_an_unknown_number_and_the_throttle_is_shared(client, cast, xj):
    relay = registered(cast)
    fresh = post(client, relay.number, relay.query_code)
    assert fresh.status_code == 200 and fresh.json()["case"] is None
    wrong, unknown = post(client, relay.number, "WRONG123"), post(client, "DBV1202699999", relay.query_code)
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    # a case number is not a relay number: the same 404
    assert post(client, "C1202603020001", "ABCDEFGH").json() == unknown.json()
    for n in range(6):  # ten lookups a minute from one address, case and relay lookups counted together
        client.post("/api/v1/public/case-lookup", {"number": f"X{n}", "code": "Y"}, content_type="application/json",
                    REMOTE_ADDR="198.51.100.20")
    r = post(client, relay.number, relay.query_code)
    assert r.status_code == 429 and r["Retry-After"] == "60" and r.json()["error"]["code"] == "too_many_requests"
