"""Meeting kinds through the API (issue 10 item 10)."""
import datetime as dt

import pytest
import time_machine

from .test_cases_api import post, token

pytestmark = pytest.mark.django_db
NOV = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


@pytest.mark.endpoint("GET", "/api/v1/meetings")
@time_machine.travel(NOV, tick=False)
def test_meeting_kind_and_topic(client, cast):
    h = token(client, "leader")
    r = post(client, "/api/v1/meetings", {"kind": "SPECIAL", "held_on": "2026-11-02", "chair": "主任",
                                          "attendees": "全体"}, h)
    assert r.status_code == 400 and "topic" in r.json()["error"]["fields"]
    r = post(client, "/api/v1/meetings", {"kind": "SPECIAL", "topic": "防汛期间集中办理", "held_on": "2026-11-02",
                                          "chair": "主任", "attendees": "全体", "extra_topics": ["人员调配"]}, h)
    assert r.status_code == 201
    body = r.json()
    assert (body["kind"], body["kind_label"], body["topic"]) == ("SPECIAL", "专题会议", "防汛期间集中办理")
    assert body["period_start"] is None and [a["kind"] for a in body["agenda"]] == ["OTHER"]
    r = post(client, "/api/v1/meetings", {"held_on": "2026-11-02", "chair": "主任", "attendees": "全体"}, h)
    assert r.json()["kind"] == "JOINT" and r.json()["period_start"] == "2026-10-01"
    listed = client.get("/api/v1/meetings", {"kind": "SPECIAL"}, headers=h).json()
    assert [m["topic"] for m in listed] == ["防汛期间集中办理"]
    r = post(client, "/api/v1/meetings", {"kind": "REGULAR", "held_on": "2026-11-02", "chair": "主任",
                                          "attendees": "全体"}, h)
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]
