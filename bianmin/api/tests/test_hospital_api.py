"""医院便民服务中心 through the API (issue 14 item 6, decision 0026): the patient (health fields only in the audited
reveal), coordination requests to the hospital's 科室, 便民活动 and the figures per 科室. Each endpoint once, the
refusals of the issue naming the field and writing nothing, and 404 for what another hospital's staff may not see."""
import datetime as dt

import pytest
import time_machine

from bianmin.accountability.models import Violation
from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.hospital.models import CareEvent, CoordinationRequest, PatientRecord
from bianmin.testing.cases import receive
from bianmin.testing.factories import MON, assert_error, at
from bianmin.testing.hospital import hospital_cast, transfer_case, transfer_item
from conftest import api_token_headers, make_user

from .test_cases_api import post

pytestmark = pytest.mark.django_db
TUE = MON + dt.timedelta(days=1)
DIAGNOSIS, WARD = "急性心肌梗死", "心内科3病区12床"


@pytest.fixture
def hospital(org, cast, calendar, django_user_model):
    """The hospital desk YY1 with its 科室 K1 and K2, the other hospital YY2 (科室 K9, desk clerk yy2_desk), the
    转院协调 item and one case accepted at 09:00 on Monday (``h["case"]``)."""
    h = hospital_cast(org, django_user_model, make_user)
    h["yy2_desk"] = make_user(django_user_model, "yy2_desk", Role.WINDOW, h["other"])
    h["item"] = transfer_item(cast["sysadmin"], h)
    h["case"] = transfer_case(h)
    return h


def put(client, url, body, headers):
    return client.put(url, body, content_type="application/json", headers=headers)


def health_reads() -> int:
    return AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).count()


def send(client, h, headers, department="YY1K1", **extra):
    body = {"department": department, "topic": "TRANSFER", "question": "评估转上级医院", **extra}
    return post(client, f"/api/v1/cases/{h['case'].number}/coordination-requests", body, headers)


@pytest.mark.endpoint("PUT", "/api/v1/cases/{number}/patient")
@pytest.mark.endpoint("GET", "/api/v1/cases/{number}/patient")
@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/patient/reveal")
@time_machine.travel(at(MON, 10), tick=False)
def test_the_patient_and_the_audited_health_read(client, cast, item, hospital):
    h = hospital
    url = f"/api/v1/cases/{h['case'].number}/patient"
    desk = api_token_headers(client, "desk_a")
    body = {"patient_name": "李大", "relation": "PARENT", "diagnosis": DIAGNOSIS, "ward": WARD}
    government = receive(cast)
    assert_error(put(client, f"/api/v1/cases/{government.number}/patient", body,
                     api_token_headers(client, "window_a")), 400, "case")
    assert_error(put(client, url, body | {"patient_name": " "}, desk), 400, "patient_name")
    assert_error(put(client, url, body, api_token_headers(client, "k9_staff")), 404)
    assert_error(put(client, url, body, api_token_headers(client, "yy2_desk")), 404)
    assert not PatientRecord.objects.exists()
    r = put(client, url, body, desk)
    assert r.status_code == 200, r.content
    assert r.json() == {"case": h["case"].number, "patient_name": "李大", "relation": "PARENT",
                        "relation_label": "父母"}
    assert DIAGNOSIS not in r.content.decode() and WARD not in r.content.decode()

    shown = client.get(url, headers=desk)
    assert shown.status_code == 200 and shown.json()["patient_name"] == "李大"
    assert DIAGNOSIS not in shown.content.decode() and WARD not in shown.content.decode()
    assert client.get(url, headers=api_token_headers(client, "leader")).status_code == 200  # the county sees the name
    for outsider in ("k1_staff", "k9_staff", "yy2_desk"):  # K1 has no request on the case yet
        assert_error(client.get(url, headers=api_token_headers(client, outsider)), 404)
    assert_error(client.get(f"/api/v1/cases/{government.number}/patient", headers=api_token_headers(
        client, "window_a")), 404)
    assert health_reads() == 0  # neither the PUT nor the GET decrypted anything for a reader

    key = {"Idempotency-Key": "8d7c2a4e-0000-4000-8000-000000000001"}
    for n in (1, 2):  # each read is its own audited request, even with the same Idempotency-Key
        r = post(client, f"{url}/reveal", {"purpose": "核对转院资料"}, desk | key)
        assert r.status_code == 200, r.content
        assert r["Cache-Control"] == "no-store" and "Idempotent-Replayed" not in r
        assert r.json() == {"case": h["case"].number, "patient_name": "李大", "relation": "PARENT",
                                 "relation_label": "父母", "diagnosis": DIAGNOSIS, "ward": WARD}
        assert health_reads() == n
    entry = AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).first()
    assert entry is not None and entry.actor_username == "desk_a" and DIAGNOSIS not in f"{entry.summary}{entry.data}"
    for outsider in ("leader", "k1_staff", "k9_staff", "yy2_desk"):  # not the county's leader, nor another 科室
        assert_error(post(client, f"{url}/reveal", {}, api_token_headers(client, outsider)), 404)
    assert health_reads() == 2

    # The 科室 a request goes to reads the patient too (audited).
    assert send(client, h, desk).status_code == 201
    k1 = api_token_headers(client, "k1_staff")
    assert client.get(url, headers=k1).status_code == 200
    assert post(client, f"{url}/reveal", {}, k1).json()["diagnosis"] == DIAGNOSIS
    assert health_reads() == 3


@pytest.mark.endpoint("GET", "/api/v1/hospital/departments")
@time_machine.travel(at(MON, 10), tick=False)
def test_the_departments_of_the_users_hospital(client, hospital):
    def codes(who):
        r = client.get("/api/v1/hospital/departments", headers=api_token_headers(client, who))
        assert r.status_code == 200, r.content
        return [(d["code"], d["hospital_code"]) for d in r.json()]

    assert codes("desk_a") == codes("k2_staff") == [("YY1K1", "YY1"), ("YY1K2", "YY1")]
    assert codes("yy2_desk") == [("YY2K9", "YY2")]
    assert codes("leader") == [("YY1K1", "YY1"), ("YY1K2", "YY1"), ("YY2K9", "YY2")]  # the county: every hospital


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/coordination-requests")
@pytest.mark.endpoint("GET", "/api/v1/hospital/requests/{request_id}")
@pytest.mark.endpoint("POST", "/api/v1/hospital/requests/{request_id}/answer")
@pytest.mark.endpoint("POST", "/api/v1/hospital/requests/{request_id}/tell")
def test_a_request_answered_late_and_told(client, cast, item, hospital):
    h = hospital
    with time_machine.travel(at(MON, 10), tick=False):
        desk = api_token_headers(client, "desk_a")
        assert_error(send(client, h, desk, department="YY2K9"), 400, "department")  # another hospital's 科室
        assert_error(send(client, h, desk, department="D1"), 400, "department")  # a government department
        assert_error(send(client, h, desk, department="NOPE"), 400, "department")
        assert_error(send(client, h, desk, question=""), 400, "question")
        government = receive(cast)
        assert_error(post(client, f"/api/v1/cases/{government.number}/coordination-requests",
                          {"department": "YY1K1", "topic": "TRANSFER", "question": "x"},
                          api_token_headers(client, "window_a")), 400, "case")
        assert_error(send(client, h, api_token_headers(client, "yy2_desk")), 404)
        assert_error(send(client, h, api_token_headers(client, "k1_staff")), 404)
        assert not CoordinationRequest.objects.exists()
        r = send(client, h, desk, reply_hours=4)
        assert r.status_code == 201, r.content
        sent = r.json()
        assert sent["number"].startswith("XTYY1") and sent["department"] == "YY1K1" and sent["status"] == "OPEN"
        assert sent["reply_hours"] == 4 and [s["kind"] for s in sent["steps"]] == ["SENT"]
        url = f"/api/v1/hospital/requests/{sent['id']}"
        for outsider in ("k9_staff", "yy2_desk", "k2_staff"):
            assert_error(client.get(url, headers=api_token_headers(client, outsider)), 404)
            assert_error(post(client, f"{url}/answer", {"answer": "可转"}, api_token_headers(client, outsider)), 404)
        assert_error(post(client, f"{url}/answer", {"answer": "可转"}, desk), 404)  # the desk does not answer
        assert_error(post(client, f"{url}/tell", {"note": "电话告知"}, desk), 409)  # not answered yet
        assert client.get(url, headers=api_token_headers(client, "leader")).status_code == 200  # the county's scope
    with time_machine.travel(at(MON, 16), tick=False):  # 2 hours past the due time
        k1 = api_token_headers(client, "k1_staff")
        assert client.get(url, headers=k1).json()["question"] == "评估转上级医院"
        assert_error(post(client, f"{url}/answer", {"answer": " "}, k1), 400, "answer")
        r = post(client, f"{url}/answer", {"answer": "病情稳定，可转市人民医院"}, k1)
        assert r.status_code == 200, r.content
        answered = r.json()
        assert answered["status"] == "ANSWERED" and answered["late"] is True
        assert answered["answered_by"] == "k1_staff姓名"
        assert [s["kind"] for s in answered["steps"]] == ["SENT", "LATE", "ANSWERED"]
        assert Violation.objects.filter(kind="COORDINATION_LATE", staff=h["k1_staff"].staff_profile).count() == 1
        for step, body in (("answer", {"answer": "再答"}), ("refuse", {"reason": "不能"}),
                           ("escalate", {"to_department": "YY1K2", "note": "转医务科"})):
            assert_error(post(client, f"{url}/{step}", body, k1), 409)  # a reply after the 科室 replied
        desk = api_token_headers(client, "desk_a")
        assert_error(post(client, f"{url}/tell", {"note": ""}, desk), 400, "note")
        assert_error(post(client, f"{url}/tell", {"note": "电话告知"}, api_token_headers(client, "yy2_desk")), 404)
        r = post(client, f"{url}/tell", {"note": "已电话告知家属李四", "send_sms": False}, desk)
        assert r.status_code == 200, r.content
        assert r.json()["status"] == "TOLD" and r.json()["told_note"] == "已电话告知家属李四"
        assert_error(post(client, f"{url}/answer", {"answer": "补充"}, k1), 409)  # closed
        assert_error(post(client, f"{url}/withdraw", {"reason": "不需要了"}, desk), 409)
        assert_error(post(client, f"{url}/tell", {"note": "再告知"}, desk), 409)
        detail = client.get(url, headers=desk).json()
        assert [s["kind"] for s in detail["steps"]] == ["SENT", "LATE", "ANSWERED", "TOLD"]
        assert DIAGNOSIS not in str(detail)


@pytest.mark.endpoint("POST", "/api/v1/hospital/requests/{request_id}/escalate")
@pytest.mark.endpoint("POST", "/api/v1/hospital/requests/{request_id}/refuse")
@pytest.mark.endpoint("POST", "/api/v1/hospital/requests/{request_id}/withdraw")
@time_machine.travel(at(MON, 10), tick=False)
def test_a_request_escalated_refused_and_one_withdrawn(client, hospital):
    h = hospital
    desk, k1 = api_token_headers(client, "desk_a"), api_token_headers(client, "k1_staff")
    first = send(client, h, desk, topic="CONSULT").json()
    url = f"/api/v1/hospital/requests/{first['id']}"
    assert_error(post(client, f"{url}/escalate", {"to_department": "YY2K9", "note": "转骨伤科"}, k1), 400,
                 "to_department")
    assert_error(post(client, f"{url}/escalate", {"to_department": "YY1K1", "note": "转本科"}, k1), 400,
                 "to_department")
    assert_error(post(client, f"{url}/escalate", {"to_department": "YY1K2", "note": ""}, k1), 400, "note")
    r = post(client, f"{url}/escalate", {"to_department": "YY1K2", "note": "需医务科组织会诊"}, k1)
    assert r.status_code == 200, r.content  # answered although K1 no longer sees it
    assert r.json()["department"] == "YY1K2" and r.json()["escalations"] == 1 and r.json()["status"] == "OPEN"
    assert_error(client.get(url, headers=k1), 404)
    k2 = api_token_headers(client, "k2_staff")
    assert_error(post(client, f"{url}/refuse", {"reason": ""}, k2), 400, "reason")
    r = post(client, f"{url}/refuse", {"reason": "本院无相关专科，建议外院会诊"}, k2)
    assert r.status_code == 200 and r.json()["status"] == "REFUSED", r.content
    assert [s["kind"] for s in r.json()["steps"]] == ["SENT", "ESCALATED", "REFUSED"]

    second = send(client, h, desk, topic="BED").json()
    url = f"/api/v1/hospital/requests/{second['id']}"
    assert_error(post(client, f"{url}/withdraw", {"reason": "x"}, k1), 404)  # the 科室 does not withdraw
    assert_error(post(client, f"{url}/withdraw", {"reason": " "}, desk), 400, "reason")
    r = post(client, f"{url}/withdraw", {"reason": "家属已自行联系床位"}, desk)
    assert r.status_code == 200 and r.json()["status"] == "WITHDRAWN"
    assert r.json()["closed_reason"] == "家属已自行联系床位"
    assert_error(post(client, f"{url}/answer", {"answer": "有床"}, k1), 409)  # a reply after it was withdrawn


@pytest.mark.endpoint("GET", "/api/v1/hospital/requests")
@time_machine.travel(at(MON, 10), tick=False)
def test_the_desk_list_and_the_department_inbox(client, hospital):
    h = hospital
    desk = api_token_headers(client, "desk_a")
    numbers = [send(client, h, desk, department=d, topic=t).json()["number"]
               for d, t in (("YY1K1", "TRANSFER"), ("YY1K2", "BILLING"), ("YY1K1", "BED"))]
    k1 = api_token_headers(client, "k1_staff")
    withdrawn = CoordinationRequest.objects.get(number=numbers[2])
    assert post(client, f"/api/v1/hospital/requests/{withdrawn.pk}/withdraw", {"reason": "不需要"},
                desk).status_code == 200

    def listed(headers, query=""):
        r = client.get(f"/api/v1/hospital/requests{query}", headers=headers)
        assert r.status_code == 200, r.content
        return r.json()

    page = listed(desk)
    assert page["box"] == "desk" and page["count"] == 3
    assert [r["number"] for r in page["results"]] == numbers[::-1]  # newest first
    assert [r["number"] for r in listed(desk, "?department=YY1K2")["results"]] == [numbers[1]]
    assert [r["number"] for r in listed(desk, "?status=WITHDRAWN")["results"]] == [numbers[2]]
    assert [r["number"] for r in listed(desk, f"?q={numbers[0]}")["results"]] == [numbers[0]]
    assert listed(desk, "?department=NOPE")["count"] == 0
    second = listed(desk, "?size=2&page=2")
    assert second["count"] == 3 and second["page"] == 2 and [r["number"] for r in second["results"]] == [numbers[0]]
    assert listed(desk, "?box=department")["count"] == 0  # the desk is no 科室

    inbox = listed(k1)  # automatic: the 科室's inbox, open ones first
    assert inbox["box"] == "department" and [r["number"] for r in inbox["results"]] == [numbers[0], numbers[2]]
    assert [r["number"] for r in listed(k1, "?status=OPEN")["results"]] == [numbers[0]]
    assert listed(api_token_headers(client, "k2_staff"))["count"] == 1
    assert listed(api_token_headers(client, "leader"))["count"] == 3  # the county's scope
    for outsider in ("k9_staff", "yy2_desk"):
        assert listed(api_token_headers(client, outsider))["count"] == 0
    assert "diagnosis" not in str(page) and "patient" not in str(page)


@pytest.mark.endpoint("POST", "/api/v1/hospital/events")
@pytest.mark.endpoint("GET", "/api/v1/hospital/events")
@pytest.mark.endpoint("GET", "/api/v1/hospital/events/{event_id}")
@pytest.mark.endpoint("POST", "/api/v1/hospital/events/{event_id}/publish")
@pytest.mark.endpoint("POST", "/api/v1/hospital/events/{event_id}/attendance")
@pytest.mark.endpoint("POST", "/api/v1/hospital/events/{event_id}/cancel")
def test_care_events_through_the_api(client, hospital):
    body = {"kind": "FREE_CLINIC", "title": "心血管义诊", "place": "门诊大厅", "starts_at": "2026-03-03T09:00:00+08:00",
            "ends_at": "2026-03-03T11:30:00+08:00", "capacity": 80, "departments": ["YY1K1"]}
    with time_machine.travel(at(MON, 10), tick=False):
        desk = api_token_headers(client, "desk_a")
        assert_error(post(client, "/api/v1/hospital/events", body | {"departments": ["YY2K9"]}, desk), 400,
                     "departments")
        assert_error(post(client, "/api/v1/hospital/events", body | {"starts_at": "2026-03-01T09:00:00+08:00"},
                          desk), 400, "starts_at")
        assert_error(post(client, "/api/v1/hospital/events", body | {"ends_at": "2026-03-03T08:00:00+08:00"},
                          desk), 400, "ends_at")
        assert_error(post(client, "/api/v1/hospital/events", body, api_token_headers(client, "k1_staff")), 403)
        assert not CareEvent.objects.exists()
        r = post(client, "/api/v1/hospital/events", body, desk)
        assert r.status_code == 201, r.content
        event = r.json()
        assert event["status"] == "PLANNED" and event["unit_code"] == "YY1"
        assert event["departments"] == [{"code": "YY1K1", "name": "心内科"}]
        url = f"/api/v1/hospital/events/{event['id']}"
        assert_error(post(client, f"{url}/attendance", {"attendance": 50}, desk), 409)  # not published
        r = post(client, f"{url}/publish", {}, desk)
        assert r.status_code == 200 and r.json()["status"] == "PUBLISHED" and r.json()["published_at"]
        assert_error(post(client, f"{url}/publish", {}, desk), 409)
        assert_error(post(client, f"{url}/attendance", {"attendance": 50}, desk), 409)  # not started
        assert_error(post(client, f"{url}/publish", {}, api_token_headers(client, "yy2_desk")), 404)
        assert_error(client.get(url, headers=api_token_headers(client, "yy2_desk")), 404)
        other = post(client, "/api/v1/hospital/events", body | {"kind": "HEALTH_TALK", "title": "高血压讲座"},
                     desk).json()
        assert_error(post(client, f"/api/v1/hospital/events/{other['id']}/cancel", {"reason": ""}, desk), 400,
                     "reason")
        r = post(client, f"/api/v1/hospital/events/{other['id']}/cancel", {"reason": "讲课专家临时出诊"}, desk)
        assert r.status_code == 200 and r.json()["status"] == "CANCELLED"
        listed = client.get("/api/v1/hospital/events", headers=desk).json()
        assert listed["count"] == 2 and {e["title"] for e in listed["results"]} == {"心血管义诊", "高血压讲座"}
        assert [e["id"] for e in client.get("/api/v1/hospital/events?status=CANCELLED", headers=desk).json()[
            "results"]] == [other["id"]]
        assert client.get("/api/v1/hospital/events?size=1&page=2", headers=desk).json()["count"] == 2
        assert client.get("/api/v1/hospital/events", headers=api_token_headers(client, "yy2_desk")).json()[
            "count"] == 0
    with time_machine.travel(at(TUE, 12), tick=False):
        desk = api_token_headers(client, "desk_a")
        assert_error(post(client, f"{url}/attendance", {"attendance": -1}, desk), 400, "attendance")
        r = post(client, f"{url}/attendance", {"attendance": 64, "summary": "测血压64人"}, desk)
        assert r.status_code == 200 and r.json()["status"] == "HELD" and r.json()["attendance"] == 64
        shown = client.get(url, headers=api_token_headers(client, "leader"))
        assert shown.status_code == 200 and shown.json()["summary"] == "测血压64人"


@pytest.mark.endpoint("GET", "/api/v1/hospital/stats/departments")
def test_the_figures_per_department(client, hospital):
    h = hospital
    with time_machine.travel(at(MON, 10), tick=False):
        desk = api_token_headers(client, "desk_a")
        late = send(client, h, desk, reply_hours=2).json()
        send(client, h, desk, department="YY1K2")
        refused = send(client, h, desk, department="YY1K2").json()
    with time_machine.travel(at(MON, 15), tick=False):
        post(client, f"/api/v1/hospital/requests/{late['id']}/answer", {"answer": "可转"},
             api_token_headers(client, "k1_staff"))
        post(client, f"/api/v1/hospital/requests/{refused['id']}/refuse", {"reason": "无床位"},
             api_token_headers(client, "k2_staff"))
        leader = api_token_headers(client, "desk_leader")
        r = client.get("/api/v1/hospital/stats/departments?month=2026-03", headers=leader)
        assert r.status_code == 200, r.content
        assert r.json()["month"] == "2026-03"
        rows = {row["department_code"]: row for row in r.json()["rows"]}
        assert {k: (v["total"], v["answered"], v["refused"], v["open"], v["late"]) for k, v in rows.items()} == {
            "YY1K1": (1, 1, 0, 0, 1), "YY1K2": (2, 0, 1, 1, 0)}
        assert client.get("/api/v1/hospital/stats/departments?month=2026-02", headers=leader).json()["rows"] == []
        assert_error(client.get("/api/v1/hospital/stats/departments?month=2026-13", headers=leader), 400, "month")
        assert_error(client.get("/api/v1/hospital/stats/departments?month=2026-03", headers=desk), 403)
        assert client.get("/api/v1/hospital/stats/departments?month=2026-03", headers=api_token_headers(
            client, "supervisor")).status_code == 200
