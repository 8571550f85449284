"""信访陪同 through the API (issue 13 item 6): the outcome ESCORTED on ``/outcome`` and ``/escort-result``, with the
same validation as the inquiry page (both come from ``inquiries.actions``)."""
import datetime as dt

import pytest
import time_machine

from bianmin.inquiries.models import EscortVisit
from bianmin.notifications.models import Message
from conftest import api_token_headers

from .test_cases_api import post

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


@pytest.mark.endpoint("POST", "/api/v1/inquiries/{number}/escort-result")
@time_machine.travel(FROZEN, tick=False)
def test_an_escort_is_assigned_and_reports_the_result_through_the_api(client, cast):
    town = api_token_headers(client, "town_window")
    number = post(client, "/api/v1/inquiries", {"channel": "WINDOW", "matter": "咨询低保政策", "visitor_name": "李四"},
                  town).json()["number"]
    r = post(client, f"/api/v1/inquiries/{number}/outcome", {"outcome": "ESCORTED", "to_badge": "B-window_a",
                                                             "visit_date": "2026-03-01", "destination": "V1"}, town)
    assert r.status_code == 400
    assert set(r.json()["error"]["fields"]) == {"to_badge", "visit_date", "destination"}
    r = post(client, f"/api/v1/inquiries/{number}/outcome", {"outcome": "ESCORTED", "visit_date": "3月4日"}, town)
    assert r.status_code == 400 and r.json()["error"]["fields"] == {"visit_date": ["日期格式应为 YYYY-MM-DD"]}
    assert not EscortVisit.objects.exists()

    r = post(client, f"/api/v1/inquiries/{number}/outcome",
             {"outcome": "ESCORTED", "to_badge": "B-agent", "visit_date": "2026-03-04", "organ": "市信访局",
              "result": "陪同咨询低保政策"}, town)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["outcome"], body["status"]) == ("ESCORTED", "OPEN")
    assert body["escorts"] == [{"escort": "agent姓名", "escort_badge": "B-agent", "visit_date": "2026-03-04",
                                "destination": None, "destination_name": "市信访局", "result": "",
                                "result_at": None}]
    assert Message.objects.get(kind="INQUIRY_ESCORT").recipient == cast["agent"]

    agent = api_token_headers(client, "agent")
    assert [i["number"] for i in client.get("/api/v1/inquiries", headers=agent).json()] == [number]
    window_b = api_token_headers(client, "window_b")  # sees the town's inquiry (the county is above), may not act
    assert post(client, f"/api/v1/inquiries/{number}/escort-result", {"result": "x"}, window_b).status_code == 403
    r = post(client, f"/api/v1/inquiries/{number}/escort-result", {}, agent)
    assert r.status_code == 400 and r.json()["error"]["fields"] == {"result": ["此项为必填项"]}
    r = post(client, f"/api/v1/inquiries/{number}/escort-result",
             {"result": "信访局答复：可申请临时救助", "close": True}, agent)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["status"], body["result"], body["escorts"][0]["result"]) == (
        "CLOSED", "信访局答复：可申请临时救助", "信访局答复：可申请临时救助")
    assert post(client, f"/api/v1/inquiries/{number}/escort-result", {"result": "再次"}, agent).status_code == 409
