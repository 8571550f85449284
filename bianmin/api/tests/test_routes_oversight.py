"""One test per oversight endpoint that had none (issue 15 item 6): the success path's status and body, and a
refusal."""
import datetime as dt

import pytest
import time_machine

from bianmin.accountability.services import propose_sanction, record_violation
from bianmin.meetings.services import create_meeting
from conftest import api_token_headers

pytestmark = pytest.mark.django_db
NOV = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Beijing


def post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.fixture
def violation(cast):
    return record_violation(actor=cast["supervisor"], staff="B-window_b", kind="ATTITUDE",
                            occurred_on=dt.date(2026, 10, 30), description="态度生硬", now=NOV,
                            evidence=[{"label": "投诉记录", "url": "/staff/complaints/1/"}])


@pytest.mark.endpoint("GET", "/api/v1/meetings/{pk}")
@time_machine.travel(NOV, tick=False)
def test_a_meeting_in_detail(client, cast):
    meeting = create_meeting(actor=cast["leader"], kind="SPECIAL", topic="防汛期间集中办理",
                             held_on=dt.date(2026, 11, 2), chair="主任", attendees="全体", extra_topics=["人员调配"],
                             now=NOV)
    r = client.get(f"/api/v1/meetings/{meeting.pk}", headers=api_token_headers(client, "leader"))
    assert r.status_code == 200
    body = r.json()
    assert (body["id"], body["kind"], body["kind_label"], body["topic"], body["unit"]) == (
        meeting.pk, "SPECIAL", "专题会议", "防汛期间集中办理", "C1")
    assert [(a["kind"], a["title"], a["case"]) for a in body["agenda"]] == [("OTHER", "人员调配", None)]
    assert body["actions"] == [] and body["period_start"] is None
    assert client.get(f"/api/v1/meetings/{meeting.pk}", headers=api_token_headers(client, "window_a")).status_code \
        == 404


@pytest.mark.endpoint("POST", "/api/v1/violations/{pk}/dismiss")
@time_machine.travel(NOV, tick=False)
def test_a_supervisor_dismisses_a_violation(client, cast, violation):
    r = post(client, f"/api/v1/violations/{violation.pk}/dismiss", {"reason": "投诉不实"},
             api_token_headers(client, "window_a"))
    assert r.status_code == 403
    h = api_token_headers(client, "supervisor")
    r = post(client, f"/api/v1/violations/{violation.pk}/dismiss", {"reason": "经核查投诉不实"}, h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["id"], body["status"], body["kind"], body["source"], body["severity"]) == (
        violation.pk, "DISMISSED", "ATTITUDE", "SUPERVISOR", "")
    assert body["evidence"] == [{"label": "投诉记录", "url": "/staff/complaints/1/"}]
    assert post(client, f"/api/v1/violations/{violation.pk}/dismiss", {"reason": "再撤销"}, h).status_code == 409


@pytest.mark.endpoint("POST", "/api/v1/violations/{pk}/external-reference")
@time_machine.travel(NOV, tick=False)
def test_a_supervisor_records_the_external_decisions_reference(client, cast, violation):
    r = post(client, f"/api/v1/violations/{violation.pk}/external-reference", {"reference": "云纪〔2026〕1号"},
             api_token_headers(client, "window_b"))
    assert r.status_code == 403
    r = post(client, f"/api/v1/violations/{violation.pk}/external-reference", {"reference": " 云纪〔2026〕1号 "},
             api_token_headers(client, "supervisor"))
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["id"], body["external_reference"], body["status"]) == (violation.pk, "云纪〔2026〕1号", "OPEN")


@pytest.mark.endpoint("POST", "/api/v1/violations/{pk}/reject")
@pytest.mark.endpoint("POST", "/api/v1/violations/{pk}/approve")
@time_machine.travel(NOV, tick=False)
def test_a_leader_sends_a_proposal_back_then_approves_the_next(client, cast, violation):
    propose_sanction(actor=cast["supervisor"], pk=violation.pk, severity="MINOR", sanction="书面告诫",
                     reason="态度生硬", now=NOV)
    h = api_token_headers(client, "leader")
    r = post(client, f"/api/v1/violations/{violation.pk}/reject", {"note": " "}, h)
    assert r.status_code == 400 and r.json()["error"]["fields"] == {"note": ["不同意须说明理由"]}
    r = post(client, f"/api/v1/violations/{violation.pk}/reject", {"note": "处理过重"}, h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["id"], body["status"], body["sanction"], body["decision_note"]) == (violation.pk, "OPEN", "",
                                                                                     "处理过重")
    assert post(client, f"/api/v1/violations/{violation.pk}/approve", {}, h).status_code == 409  # nothing pending
    propose_sanction(actor=cast["supervisor"], pk=violation.pk, severity="MINOR", sanction="口头告诫",
                     reason="态度生硬", now=NOV)
    assert post(client, f"/api/v1/violations/{violation.pk}/approve", {},
                api_token_headers(client, "supervisor")).status_code == 403
    r = client.post(f"/api/v1/violations/{violation.pk}/approve", content_type="application/json", headers=h)
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["severity"], r.json()["sanction"]) == ("SANCTIONED", "MINOR", "口头告诫")


@pytest.mark.endpoint("POST", "/api/v1/meetings/{pk}/minutes")
@time_machine.travel(NOV, tick=False)
def test_the_minutes_of_a_meeting(client, cast):
    meeting = create_meeting(actor=cast["leader"], kind="SPECIAL", topic="防汛期间集中办理",
                             held_on=dt.date(2026, 11, 2), chair="主任", attendees="全体", now=NOV)
    url = f"/api/v1/meetings/{meeting.pk}/minutes"
    assert post(client, url, {"minutes": "x"}, api_token_headers(client, "window_a")).status_code == 404
    r = post(client, url, {"minutes": " 各窗口严格执行限时办结制。 "}, api_token_headers(client, "supervisor"))
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["id"], body["kind"], body["minutes"]) == (meeting.pk, "SPECIAL", "各窗口严格执行限时办结制。")
    assert [a["title"] for a in body["agenda"]] == [] and body["actions"] == []
