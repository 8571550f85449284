"""全程代理 through the API (issue 13 items 1–2): 登记代办 at the village station, 移交, 签收 and 拒收 up to the
deciding department, which opens the case; the same validation as the services (both come from ``relay.actions``)."""
import datetime as dt

import pytest
import time_machine

from bianmin.accounts.roles import Role
from bianmin.relay.models import HandOver, RelayRequest
from bianmin.testing.factories import ID
from conftest import api_token_headers, make_user

from .test_cases_api import post

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing
APPLICANT = {"kind": "PERSON", "name": "张三", "id_type": "RESIDENT_ID", "id_number": ID, "phone": "13800138000"}
BODY = {"item": "SP-01", "applicant": APPLICANT, "mandate": "SCREEN",
        "materials": [{"material": "申请书", "copies": 1}, {"material": "场所平面图", "copies": 2}]}
COUNT = {"materials": [{"name": "申请书", "copies": 1}, {"name": "场所平面图", "copies": 2}]}


@pytest.fixture
def dept_window(org, django_user_model):
    return make_user(django_user_model, "dept_window", Role.WINDOW, org["dept"])


@pytest.mark.endpoint("POST", "/api/v1/relays")
@pytest.mark.endpoint("GET", "/api/v1/relays")
@pytest.mark.endpoint("GET", "/api/v1/relays/{number}")
@pytest.mark.endpoint("POST", "/api/v1/relays/{number}/hand-over")
@pytest.mark.endpoint("POST", "/api/v1/relays/{number}/sign")
@pytest.mark.endpoint("POST", "/api/v1/relays/{number}/refuse")
@time_machine.travel(FROZEN, tick=False)
def test_a_relay_travels_from_the_station_to_the_department_through_the_api(client, cast, item, dept_window):
    agent, town, dept = (api_token_headers(client, name) for name in ("agent", "town_window", "dept_window"))
    r = post(client, "/api/v1/relays", BODY, agent)
    assert r.status_code == 201, r.content
    relay = r.json()
    number = relay["number"]
    assert relay["route"] == ["测试村便民服务站", "测试镇便民服务中心", "测试县市场监督管理局"]
    assert (relay["status"], relay["expected_on"], relay["responsible"]) == ("REGISTERED", "2026-03-24", None)
    assert relay["applicant_phone"] != "13800138000" and relay["agent"]["name"] == "agent姓名"

    r = post(client, f"/api/v1/relays/{number}/hand-over", {}, agent)
    assert r.status_code == 200, r.content
    hop = r.json()["hand_overs"][0]
    assert (hop["to_unit"], hop["due_on"], hop["status"]) == ("测试镇便民服务中心", "2026-03-05", "SENT")
    listed = client.get("/api/v1/relays", headers=town).json()
    assert [(row["number"], row["waiting"], row["hop_due_on"]) for row in listed] == [(number, "SIGN", "2026-03-05")]

    r = post(client, f"/api/v1/relays/{number}/refuse", {"reason": "场所平面图少1份"}, town)
    assert r.status_code == 200 and r.json()["hand_overs"][0]["status"] == "REFUSED"
    post(client, f"/api/v1/relays/{number}/hand-over", {}, agent)
    r = post(client, f"/api/v1/relays/{number}/sign", COUNT, town)
    assert r.status_code == 200, r.content
    assert r.json()["responsible"]["name"] == "town_window姓名" and r.json()["status"] == "AT_TOWN"

    post(client, f"/api/v1/relays/{number}/hand-over", {}, town)
    r = post(client, f"/api/v1/relays/{number}/sign", COUNT, dept)
    assert r.status_code == 200, r.content
    body = client.get(f"/api/v1/relays/{number}", headers=dept).json()
    assert body["status"] == "OPENED" and body["case"].startswith("D1")
    assert [h["status"] for h in body["hand_overs"]] == ["REFUSED", "SIGNED", "SIGNED"]
    case = client.get(f"/api/v1/cases/{body['case']}", headers=dept)
    assert case.status_code == 200 and case.json()["status"] == "RECEIVED"


@time_machine.travel(FROZEN, tick=False)
def test_bad_input_names_the_field_and_writes_nothing(client, cast, item):
    agent, town = api_token_headers(client, "agent"), api_token_headers(client, "town_window")
    r = post(client, "/api/v1/relays", {**BODY, "mandate": "NONE", "applicant": {**APPLICANT, "phone": "12"}}, agent)
    assert r.status_code == 400 and "mandate" in r.json()["error"]["fields"]
    r = post(client, "/api/v1/relays", {**BODY, "applicant": {**APPLICANT, "phone": "12"}}, agent)
    assert r.status_code == 400 and list(r.json()["error"]["fields"]) == ["applicant.phone"]
    r = post(client, "/api/v1/relays", BODY, town)  # not a village agent
    assert r.status_code == 403
    assert not RelayRequest.objects.exists()
    number = post(client, "/api/v1/relays", BODY, agent).json()["number"]
    post(client, f"/api/v1/relays/{number}/hand-over", {}, agent)
    r = post(client, f"/api/v1/relays/{number}/sign", {"materials": [{"name": "申请书", "copies": 1}]}, town)
    assert r.status_code == 400 and list(r.json()["error"]["fields"]) == ["materials.场所平面图"]
    assert post(client, f"/api/v1/relays/{number}/sign", COUNT, town).status_code == 200
    r = post(client, f"/api/v1/relays/{number}/sign", COUNT, town)  # signing twice
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_open_hand_over"
    assert HandOver.objects.filter(status="SIGNED").count() == 1
    r = client.get("/api/v1/relays/DBV1202699999", headers=town)
    assert r.status_code == 404


@pytest.mark.endpoint("POST", "/api/v1/relays/{number}/review")
@pytest.mark.endpoint("POST", "/api/v1/relays/{number}/send-result")
@pytest.mark.endpoint("POST", "/api/v1/relays/{number}/deliver")
@pytest.mark.endpoint("POST", "/api/v1/relays/{number}/follow-up")
@pytest.mark.endpoint("POST", "/api/v1/relays/{number}/archive")
def test_the_result_comes_back_through_the_api_to_delivery_follow_up_and_archive(client, cast, item, dept_window):
    from bianmin.catalog.models import ItemVersion

    version = ItemVersion.objects.get(pk=item.pk)
    version.lower_review_days = 20  # 行政许可法第43条: the town reviews first
    version.save()
    agent, town, dept = (api_token_headers(client, name) for name in ("agent", "town_window", "dept_window"))
    with time_machine.travel(FROZEN, tick=False):
        number = post(client, "/api/v1/relays", BODY, agent).json()["number"]
        post(client, f"/api/v1/relays/{number}/hand-over", {}, agent)
        body = post(client, f"/api/v1/relays/{number}/sign", COUNT, town).json()
        assert body["status"] == "REVIEWING" and body["hand_overs"][-1]["direction"] == "REVIEW"
        assert body["hand_overs"][-1]["due_on"] == "2026-03-30"  # 20 working days from Mon 2 Mar
        r = post(client, f"/api/v1/relays/{number}/review", {"opinion": ""}, town)
        assert r.status_code == 400 and list(r.json()["error"]["fields"]) == ["opinion"]
        assert post(client, f"/api/v1/relays/{number}/review", {"opinion": "同意"}, agent).status_code == 403
        r = post(client, f"/api/v1/relays/{number}/review", {"opinion": "符合条件，同意上报"}, town)
        assert r.status_code == 200 and r.json()["status"] == "AT_TOWN"
        up = post(client, f"/api/v1/relays/{number}/hand-over", {}, town).json()["hand_overs"][-1]
        assert up["opinion"] == "初审意见：符合条件，同意上报"
        case = post(client, f"/api/v1/relays/{number}/sign", COUNT, dept).json()["case"]
        r = post(client, f"/api/v1/relays/{number}/send-result", {"method": "ROUTE"}, dept)
        assert r.status_code == 409  # not decided yet
        assert post(client, f"/api/v1/cases/{case}/accept", {}, dept).status_code == 200
        r = post(client, f"/api/v1/cases/{case}/decide", {"outcome": "GRANTED", "reasons": "符合条件",
                                                          "certificate_number": "JY1"}, dept)
        assert r.status_code == 200, r.content
        r = post(client, f"/api/v1/relays/{number}/send-result", {"method": "ROUTE"}, dept)
        assert r.status_code == 200 and r.json()["status"] == "RETURNING"
        result = r.json()["hand_overs"][-1]
        assert result["direction"] == "DOWN" and result["to_unit"] == "测试镇便民服务中心"
        count = {"materials": result["materials"]}
        assert post(client, f"/api/v1/relays/{number}/sign", count, town).status_code == 200
        assert post(client, f"/api/v1/relays/{number}/hand-over", {}, town).status_code == 200
        assert post(client, f"/api/v1/relays/{number}/deliver", {"received_by": "张三"}, agent).status_code == 409
        r = post(client, f"/api/v1/relays/{number}/sign", count, agent)
        assert r.status_code == 200 and r.json()["status"] == "AT_STATION"
        r = post(client, f"/api/v1/relays/{number}/deliver", {"received_by": "张三"}, agent)
        assert r.status_code == 200 and r.json()["delivered_to"] == "张三"
        assert r.json()["delivery_method"] == "AGENT"
        assert post(client, f"/api/v1/relays/{number}/archive", {}, agent).status_code == 409  # no 回访 yet
        r = post(client, f"/api/v1/relays/{number}/follow-up", {"method": "PIGEON", "said": "好"}, agent)
        assert r.status_code == 400 and "method" in r.json()["error"]["fields"]
        r = post(client, f"/api/v1/relays/{number}/follow-up", {"method": "CALL", "said": "已领证，满意"}, agent)
        assert r.status_code == 200 and r.json()["follow_ups"][0]["said"] == "已领证，满意"
        r = post(client, f"/api/v1/relays/{number}/archive", {}, agent)
        assert r.status_code == 200 and r.json()["status"] == "CLOSED" and r.json()["closed_at"]
        assert client.get(f"/api/v1/cases/{case}", headers=dept).json()["status"] == "DELIVERED"
