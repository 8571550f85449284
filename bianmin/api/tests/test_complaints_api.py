"""监督投诉 through the API: a public submission, the steps from ``complaints.actions``, the reveal, the follow-up."""
import datetime as dt

import pytest
import time_machine

from bianmin.accountability.models import Violation
from bianmin.complaints.models import Complaint
from conftest import api_token_headers

from .test_cases_api import post

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing
NAME, PHONE = "投诉人李四", "13700001111"


@pytest.mark.endpoint("POST", "/api/v1/public/complaints")
@pytest.mark.endpoint("POST", "/api/v1/public/complaint-lookup")
@pytest.mark.endpoint("GET", "/api/v1/complaints")
@pytest.mark.endpoint("GET", "/api/v1/complaints/{number}")
@pytest.mark.endpoint("POST", "/api/v1/complaints/{number}/investigate")
@pytest.mark.endpoint("POST", "/api/v1/complaints/{number}/handle")
@pytest.mark.endpoint("POST", "/api/v1/complaints/{number}/reply")
@pytest.mark.endpoint("POST", "/api/v1/complaints/{number}/confirm")
@pytest.mark.endpoint("POST", "/api/v1/complaints/{number}/archive")
@pytest.mark.endpoint("POST", "/api/v1/complaints/{number}/reveal")
@time_machine.travel(FROZEN, tick=False)
def test_a_public_complaint_runs_through_the_api(client, cast, calendar):
    body = {"unit": "C1", "kind": "ATTITUDE", "subject_type": "STAFF",
            "staff": cast["window_a"].staff_profile.badge_number, "matter": "<b>态度差</b>", "name": NAME,
            "phone": PHONE}
    r = post(client, "/api/v1/public/complaints", body, {})
    assert r.status_code == 201, r.content
    number, code = r.json()["number"], r.json()["query_code"]
    assert NAME not in r.content.decode() and PHONE not in r.content.decode()
    sup = api_token_headers(client, "supervisor")
    rows = client.get("/api/v1/complaints", headers=sup).json()
    assert [row["number"] for row in rows] == [number]
    got = client.get(f"/api/v1/complaints/{number}", headers=sup).json()
    assert got["complainant_phone_masked"] == "137****1111" and got["matter"] == "<b>态度差</b>"
    for path, data in (("investigate", {"notes": "核实"}), ("handle", {"nature": "属实", "opinion": "批评教育"}),
                       ("reply", {"reply": "已处理"}), ("confirm", {}), ("archive", {})):
        r = post(client, f"/api/v1/complaints/{number}/{path}", data, sup)
        assert r.status_code == 200, (path, r.content)
    assert r.json()["status"] == "ARCHIVED" and Violation.objects.filter(kind="COMPLAINT").count() == 1
    r = post(client, f"/api/v1/complaints/{number}/reveal", {"reason": "回访"}, sup)
    assert r.json() == {"name": NAME, "phone": PHONE}
    r = post(client, "/api/v1/public/complaint-lookup", {"number": number, "code": code}, {})
    assert r.status_code == 200 and r.json()["reply"] == "已处理" and r.json()["status"] == "ARCHIVED"
    assert post(client, "/api/v1/public/complaint-lookup", {"number": number, "code": "WRONG123"}, {}
                ).status_code == 404


@pytest.mark.endpoint("POST", "/api/v1/complaints")
@pytest.mark.endpoint("POST", "/api/v1/complaints/{number}/transfer")
@time_machine.travel(FROZEN, tick=False)
def test_desk_registration_transfer_and_refusals(client, cast, calendar):
    sup, clerk = api_token_headers(client, "supervisor"), api_token_headers(client, "window_a")
    body = {"channel": "PHONE", "kind": "DELAY", "subject_type": "UNIT", "matter": "拖延", "name": NAME,
            "phone": PHONE}
    r = post(client, "/api/v1/complaints", body, sup)
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert NAME not in r.content.decode() and PHONE not in r.content.decode()
    r = post(client, f"/api/v1/complaints/{number}/transfer", {"unit": "T1", "note": "属镇中心"}, sup)
    assert r.status_code == 200 and r.json()["status"] == "TRANSFERRED" and r.json()["unit"] == "测试镇便民服务中心"
    r = post(client, "/api/v1/complaints", body | {"matter": ""}, clerk)
    assert r.status_code == 400 and "matter" in r.json()["error"]["fields"]
    r = post(client, "/api/v1/complaints", body | {"subject_type": "STAFF",
                                                   "staff": cast["window_a"].staff_profile.badge_number}, clerk)
    assert r.status_code == 403
    assert client.get(f"/api/v1/complaints/{number}", headers=clerk).status_code == 404
    assert post(client, f"/api/v1/complaints/{number}/reveal", {"reason": "x"}, clerk).status_code == 404


@time_machine.travel(FROZEN, tick=False)
def test_a_flood_from_one_address_gets_429_and_writes_nothing(client, cast, calendar):
    body = {"unit": "C1", "kind": "OTHER", "subject_type": "UNIT", "matter": "刷屏", "anonymous": True}
    codes = [post(client, "/api/v1/public/complaints", body, {}).status_code for _ in range(7)]
    assert codes == [201] * 5 + [429, 429]
    assert Complaint.objects.count() == 5
