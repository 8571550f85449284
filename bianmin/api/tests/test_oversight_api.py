"""Statistics, overview, accountability, messages and meetings through the API (issue 4 item 10)."""
import datetime as dt

import pytest
import time_machine

from bianmin.accountability.models import Violation
from bianmin.audit.models import AuditEntry
from bianmin.cases import services as svc
from bianmin.notifications.models import Message
from bianmin.notifications.services import deliver_due
from bianmin.sweep.services import run_sweep
from bianmin.testing.factories import ALL_GOOD, applicant

from .test_cases_api import post, token

pytestmark = pytest.mark.django_db
FRIDAY = dt.datetime(2026, 9, 25, 1, 0, tzinfo=dt.UTC)
NOV = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def overdue(cast, item):
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=FRIDAY)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=FRIDAY)
    svc.start_case(actor=cast["window_a"], number=case.number, now=FRIDAY)  # started, then left to run over
    run_sweep(now=dt.datetime(2026, 10, 16, 1, 0, tzinfo=dt.UTC))
    return case


@pytest.mark.endpoint("GET", "/api/v1/stats")
@time_machine.travel(NOV, tick=False)
def test_stats_endpoint(client, cast, overdue):
    h = token(client, "leader")
    r = client.get("/api/v1/stats", {"unit": "C1", "from": "2026-09-01", "to": "2026-09-30"}, headers=h)
    assert r.status_code == 200
    body = r.json()
    assert body["unit"] == "C1" and body["from"] == "2026-09-01"
    assert body["total"]["received"] == 1 and body["total"]["accepted"] == 1
    r = client.get("/api/v1/stats", {"from": "2026-10-01", "to": "2026-10-31", "group": "staff"}, headers=h)
    assert r.json()["total"]["overdue"] == 1 and r.json()["violations_by_type"] == {"办件超期": 1}
    assert r.json()["rows"][0]["label"].startswith("window_a姓名")
    r = client.get("/api/v1/stats", {"from": "2026-10-31", "to": "2026-10-01"}, headers=h)
    assert r.status_code == 400 and "to" in r.json()["error"]["fields"]
    r = client.get("/api/v1/stats", {"from": "2026-10-01"}, headers=h)
    assert r.status_code == 400
    assert client.get("/api/v1/stats", {"from": "2026-10-01", "to": "2026-10-31"},
                      headers=token(client, "window_a")).status_code == 403
    # Another county's unit answers like a missing one.
    r = client.get("/api/v1/stats", {"unit": "C1", "from": "2026-10-01", "to": "2026-10-31"},
                   headers=token(client, "town_window"))
    assert r.status_code in (403, 404)
    assert "/api/v1/stats" in client.get("/api/v1/openapi.json").json()["paths"]


@pytest.mark.endpoint("GET", "/api/v1/violations")
@pytest.mark.endpoint("POST", "/api/v1/violations")
@pytest.mark.endpoint("POST", "/api/v1/violations/{pk}/statement")
@pytest.mark.endpoint("POST", "/api/v1/violations/{pk}/propose")
@pytest.mark.endpoint("POST", "/api/v1/violations/{pk}/decide")
@pytest.mark.endpoint("POST", "/api/v1/commendations")
@pytest.mark.endpoint("GET", "/api/v1/messages")
@pytest.mark.endpoint("POST", "/api/v1/messages/{pk}/read")
@pytest.mark.endpoint("GET", "/api/v1/overview")
@time_machine.travel(NOV, tick=False)
def test_accountability_endpoints(client, cast, overdue):
    violation = Violation.objects.get()
    sup, mine, other = token(client, "supervisor"), token(client, "window_a"), token(client, "window_b")
    assert [v["id"] for v in client.get("/api/v1/violations", headers=mine).json()] == [violation.pk]
    assert client.get("/api/v1/violations", headers=other).json() == []
    missing = client.get("/api/v1/violations/999999", headers=other)
    forbidden = client.get(f"/api/v1/violations/{violation.pk}", headers=other)
    assert forbidden.status_code == missing.status_code == 404 and forbidden.json() == missing.json()
    r = post(client, f"/api/v1/violations/{violation.pk}/statement", {"text": "材料延误"}, mine)
    assert r.status_code == 200 and r.json()["statements"][0]["text"] == "材料延误"
    r = post(client, f"/api/v1/violations/{violation.pk}/propose",
             {"severity": "MINOR", "sanction": "扣工资", "reason": "x"}, sup)
    assert r.status_code == 400 and "sanction" in r.json()["error"]["fields"]
    r = post(client, f"/api/v1/violations/{violation.pk}/propose",
             {"severity": "MINOR", "sanction": "口头告诫", "reason": "超期"}, sup)
    assert (r.json()["status"], r.json()["severity"], r.json()["severity_label"]) == ("PROPOSED", "MINOR", "情节较轻")
    r = post(client, f"/api/v1/violations/{violation.pk}/decide", {"approve": True}, token(client, "leader"))
    assert (r.json()["status"], r.json()["severity"], r.json()["sanction"]) == ("SANCTIONED", "MINOR", "口头告诫")
    r = post(client, "/api/v1/violations", {"staff": cast["window_b"].staff_profile.badge_number, "kind": "ATTITUDE",
                                            "occurred_on": "2026-11-02", "description": "态度生硬"}, sup)
    assert r.status_code == 201 and r.json()["kind_label"] == "服务态度生硬"
    r = post(client, "/api/v1/commendations", {"staff": cast["window_b"].staff_profile.badge_number,
                                               "reason": "热情服务", "on_date": "2026-11-02"}, sup)
    assert r.status_code == 201
    deliver_due(now=NOV)
    inbox = client.get("/api/v1/messages", headers=other).json()
    assert {m["subject"] for m in inbox} == {"过错记录通知", "表扬"}
    read = post(client, f"/api/v1/messages/{inbox[0]['id']}/read", {}, other)
    assert read.status_code == 200 and read.json()["read_at"]
    assert post(client, f"/api/v1/messages/{inbox[0]['id']}/read", {}, mine).status_code == 404
    overview = client.get("/api/v1/overview", headers=token(client, "leader")).json()
    assert overview["totals"]["red"] == 1


@pytest.mark.endpoint("POST", "/api/v1/meetings")
@pytest.mark.endpoint("POST", "/api/v1/meetings/{pk}/decisions")
@pytest.mark.endpoint("POST", "/api/v1/meeting-actions/{pk}/done")
@time_machine.travel(NOV, tick=False)
def test_meeting_endpoints(client, cast, overdue):
    h = token(client, "leader")
    r = post(client, "/api/v1/meetings", {"held_on": "2026-11-02", "chair": "主任", "attendees": "全体"}, h)
    assert r.status_code == 201
    meeting = r.json()
    assert meeting["period_start"] == "2026-10-01" and meeting["agenda"][0]["case"] == overdue.number
    r = post(client, f"/api/v1/meetings/{meeting['id']}/decisions",
             {"decision": "整改", "owner": cast["window_a"].staff_profile.badge_number, "due_date": "2026-11-10"}, h)
    assert r.status_code == 201
    done = post(client, f"/api/v1/meeting-actions/{r.json()['id']}/done", {"note": "已完成"},
                token(client, "window_a"))
    assert done.json()["status"] == "DONE"
    assert client.get(f"/api/v1/meetings/{meeting['id']}", headers=token(client, "window_a")).status_code == 404


def _written():
    return (list(Violation.objects.values()), Message.objects.count(), AuditEntry.objects.count())


@time_machine.travel(NOV, tick=False)
@pytest.mark.parametrize(("body", "fields", "words"), [
    ({"severity": "MINOR", "sanction": "辞退", "reason": "首次推诿"}, {"sanction"},
     "情节较轻的，处理方式须从以下选择：口头告诫、书面告诫"),
    ({"severity": "SERIOUS", "sanction": "书面告诫", "reason": "多次超期"}, {"sanction"}, "情节严重的"),
    ({"sanction": "口头告诫", "reason": "超期"}, {"severity"}, "请选择情节"),
    # The schema lists the severities (an enumeration in the OpenAPI document) and names the codes it takes.
    ({"severity": "minor", "sanction": "口头告诫", "reason": "超期"}, {"severity"},
     "取值应为 MINOR、SERIOUS、VERY_SERIOUS"),
    ({"severity": "SERIOUS", "sanction": "口头告诫", "reason": " "}, {"sanction", "reason"}, "请写明处理意见"),
    ({"severity": "", "sanction": "", "reason": ""}, {"severity", "reason"}, "处理意见不完整"),
], ids=["dismissal-for-minor", "warning-for-serious", "no-severity", "bad-severity",
        "mismatch-and-no-reason", "nothing"])
def test_a_sanction_must_fit_the_stated_severity(client, cast, overdue, body, fields, words):
    violation, sup = Violation.objects.get(), token(client, "supervisor")  # signing in is audited too
    before = _written()
    r = post(client, f"/api/v1/violations/{violation.pk}/propose", body, sup)
    assert r.status_code == 400
    error = r.json()["error"]
    assert set(error["fields"]) == fields
    assert words in error["message"] or words in "".join(m for ms in error["fields"].values() for m in ms)
    assert _written() == before


@pytest.mark.endpoint("GET", "/api/v1/violations/{pk}")
@time_machine.travel(NOV, tick=False)
def test_a_very_serious_case_may_end_in_dismissal(client, cast, overdue):
    violation = Violation.objects.get()
    r = post(client, f"/api/v1/violations/{violation.pk}/propose",
             {"severity": "VERY_SERIOUS", "sanction": "辞退", "reason": "长期推诿，造成恶劣影响"},
             token(client, "supervisor"))
    assert r.status_code == 200
    body = client.get(f"/api/v1/violations/{violation.pk}", headers=token(client, "leader")).json()
    assert (body["status"], body["severity"], body["severity_label"], body["sanction"]) == (
        "PROPOSED", "VERY_SERIOUS", "情节特别严重", "辞退")
    propose_in = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["ProposeIn"]["properties"]
    assert {"severity", "sanction", "reason"} <= set(propose_in)


@time_machine.travel(NOV, tick=False)
def test_stats_name_the_sweeps_new_kinds(client, cast):
    from bianmin.accountability.services import Detected, record_detected

    record_detected([Detected(kind="NOT_HANDED_OVER", staff_id=cast["window_a"].staff_profile.pk,
                              occurred_on=dt.date(2026, 10, 20), description="受理后未按时开始办理",
                              dedupe_key="NOT_HANDED_OVER:case:1")], now=NOV)
    r = client.get("/api/v1/stats", {"from": "2026-10-01", "to": "2026-10-31"}, headers=token(client, "leader"))
    assert r.json()["violations_by_type"] == {"未及时将事项移交承办人（受理后未按时开始办理）": 1}
