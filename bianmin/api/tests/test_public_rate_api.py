"""POST /api/v1/public/rate (issue 17 item 1, decision 0024): rate by number + query code once; a wrong code answers
as an unknown number; throttled like the lookup."""
import pytest
import time_machine

from bianmin.cases import services as svc
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, at

pytestmark = pytest.mark.django_db
LATER = at(MON, 12)


def delivered(cast):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON, 9))
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON, 10))
    return svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="张三",
                            now=at(MON, 11))



@pytest.mark.endpoint("POST", "/api/v1/public/rate")
@time_machine.travel(LATER, tick=False)
def test_the_public_api_rates_once(client, cast, item):
    case = delivered(cast)
    body = {"number": case.number, "code": case.query_code, "level": 4, "comment": "满意"}
    r = client.post("/api/v1/public/rate", body, content_type="application/json")
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["number"] == case.number and out["level"] == 4 and out["level_label"] == "满意"
    assert out["channel"] == "QR" and out["follow_up"] is False and "evaluator" not in str(out)
    again = client.post("/api/v1/public/rate", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    wrong = client.post("/api/v1/public/rate", {**body, "code": "WRONG123"}, content_type="application/json")
    unknown = client.post("/api/v1/public/rate", {**body, "number": "NOPE"}, content_type="application/json")
    assert wrong.status_code == unknown.status_code == 404 and wrong.json() == unknown.json()
    bad = client.post("/api/v1/public/rate", {**body, "level": 9}, content_type="application/json")
    assert bad.status_code == 400 and "level" in bad.json()["error"]["fields"]


@time_machine.travel(LATER, tick=False)
def test_the_public_api_is_throttled(client, db):
    for n in range(10):
        client.post("/api/v1/public/rate", {"number": f"X{n}", "code": "Y", "level": 5},
                    content_type="application/json")
    r = client.post("/api/v1/public/rate", {"number": "X", "code": "Y", "level": 5}, content_type="application/json")
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_requests"
