"""预约办结, 预约联动 and 组团服务 through the API: each endpoint once, refusals naming the field (and writing
nothing), and 404 for what the caller may not see."""
import datetime as dt

import pytest
import time_machine

from bianmin.hall.models import CompletionAppointment, JointAppointment, OutreachVisit
from bianmin.hall.tests.promise_helpers import accepted_case, departments
from bianmin.notifications.models import Message
from bianmin.testing.cases import receive
from bianmin.testing.factories import ID, MON, MONDAY, assert_error, at
from conftest import api_token_headers

from .test_cases_api import post

pytestmark = pytest.mark.django_db
WED = MON + dt.timedelta(days=2)


@pytest.mark.endpoint("POST", "/api/v1/cases/{number}/completion-appointment")
@pytest.mark.endpoint("GET", "/api/v1/cases/{number}/completion-appointment")
@time_machine.travel(MONDAY, tick=False)
def test_a_completion_appointment_through_the_api(client, cast, item):
    case = accepted_case(cast)
    clerk = api_token_headers(client, "window_a")
    url = f"/api/v1/cases/{case.number}/completion-appointment"
    assert_error(post(client, url, {"promised_on": "2026-03-07", "reason": "需审批"}, clerk), 400, "promised_on")
    assert_error(post(client, url, {"promised_on": "2026-03-04", "reason": ""}, clerk), 400, "reason")
    assert not CompletionAppointment.objects.exists()
    r = post(client, url, {"promised_on": "2026-03-04", "reason": "需经领导审批"}, clerk)
    assert r.status_code == 201, r.content
    assert r.json() == {"case": case.number, "promised_on": "2026-03-04", "reason": "需经领导审批", "status": "OPEN",
                        "given_by": "window_a", "given_at": r.json()["given_at"], "settled_at": None}
    sms = Message.objects.get(kind="CASE_COMPLETION_APPOINTMENT")
    assert ID not in sms.body and "需经领导审批" in sms.body
    assert_error(post(client, url, {"promised_on": "2026-03-05", "reason": "x"}, clerk), 409)
    assert_error(post(client, url, {"promised_on": "2026-03-05", "reason": "x"},
                      api_token_headers(client, "town_window")), 404)
    assert_error(post(client, url, {"promised_on": "2026-03-05", "reason": "x"},
                      api_token_headers(client, "leader")), 403)
    shown = client.get(url, headers=clerk)
    assert shown.status_code == 200 and shown.json()["status"] == "OPEN" and shown.json()["promised_on"] == "2026-03-04"
    assert_error(client.get(url, headers=api_token_headers(client, "town_window")), 404)  # out of sight
    assert_error(client.get("/api/v1/cases/NOPE/completion-appointment", headers=clerk), 404)


@pytest.mark.endpoint("POST", "/api/v1/hall/joint-appointments")
@pytest.mark.endpoint("GET", "/api/v1/hall/joint-appointments")
@pytest.mark.endpoint("GET", "/api/v1/hall/joint-appointments/{joint_id}")
@pytest.mark.endpoint("POST", "/api/v1/hall/joint-appointments/{joint_id}/confirm")
@pytest.mark.endpoint("POST", "/api/v1/hall/joint-appointments/{joint_id}/close")
@pytest.mark.endpoint("POST", "/api/v1/hall/joint-appointments/{joint_id}/cancel")
def test_a_joint_appointment_through_the_api(client, cast, org, calendar, django_user_model):
    d = departments(org, django_user_model)
    body = {"unit_id": org["center"].pk, "department_ids": [d["d1"].pk, d["d2"].pk],
            "starts_at": "2026-03-04T10:00:00+08:00", "place": "二楼联办室", "matter": "开办餐馆", "name": "李四",
            "phone": "13900139000"}
    with time_machine.travel(MONDAY, tick=False):
        clerk = api_token_headers(client, "window_a")
        assert_error(post(client, "/api/v1/hall/joint-appointments", body | {"phone": "123"}, clerk), 400, "phone")
        assert_error(post(client, "/api/v1/hall/joint-appointments", body | {"department_ids": [d["d1"].pk]}, clerk),
                     400, "department_ids")
        assert not JointAppointment.objects.exists()
        r = post(client, "/api/v1/hall/joint-appointments", body, clerk)
        assert r.status_code == 201, r.content
        joint = r.json()
        assert joint["number"] == "LDC1202603020001" and joint["phone_masked"] == "139****9000"
        assert "13900139000" not in r.content.decode()
        assert [row["number"] for row in client.get("/api/v1/hall/joint-appointments?q=李四",
                                                    headers=clerk).json()] == [joint["number"]]
        url = f"/api/v1/hall/joint-appointments/{joint['id']}"
        dept = api_token_headers(client, "d1_staff")
        assert client.get(url, headers=dept).status_code == 200
        r = post(client, f"{url}/confirm", {}, dept)
        confirmed = {x["id"]: x["confirmed_at"] for x in r.json()["departments"]}
        assert r.status_code == 200 and confirmed[d["d1"].pk] and confirmed[d["d2"].pk] is None
        assert_error(post(client, f"{url}/confirm", {}, dept), 409)
        outsider = api_token_headers(client, "town_window")
        assert_error(client.get(url, headers=outsider), 404)
        assert client.get("/api/v1/hall/joint-appointments", headers=outsider).json() == []
        assert_error(post(client, f"{url}/close", {"held": True, "attended_department_ids": [d["d1"].pk]}, clerk), 409)
    with time_machine.travel(at(WED, 11), tick=False):
        clerk = api_token_headers(client, "window_a")
        r = post(client, f"{url}/close", {"held": True, "attended_department_ids": [d["d1"].pk], "note": "已办结"},
                 clerk)
        assert r.status_code == 200 and r.json()["status"] == "HELD"
        other = post(client, "/api/v1/hall/joint-appointments", body | {"starts_at": "2026-03-05T10:00:00+08:00"},
                     clerk).json()
        r = post(client, f"/api/v1/hall/joint-appointments/{other['id']}/cancel", {"reason": "改期"}, clerk)
        assert r.status_code == 200 and r.json()["status"] == "CANCELLED"


@pytest.mark.endpoint("POST", "/api/v1/hall/outreach")
@pytest.mark.endpoint("GET", "/api/v1/hall/outreach")
@pytest.mark.endpoint("GET", "/api/v1/hall/outreach/{visit_id}")
@pytest.mark.endpoint("POST", "/api/v1/hall/outreach/{visit_id}/intakes")
@pytest.mark.endpoint("POST", "/api/v1/hall/outreach/{visit_id}/close")
@pytest.mark.endpoint("POST", "/api/v1/hall/outreach/{visit_id}/cancel")
def test_an_outreach_visit_through_the_api(client, cast, org, item):
    body = {"unit_id": org["center"].pk, "region_id": org["village"].pk, "place": "村委会",
            "starts_at": "2026-03-04T09:00:00+08:00", "ends_at": "2026-03-04T12:00:00+08:00", "topic": "社保上门",
            "team_staff_ids": [cast["window_a"].staff_profile.pk, cast["town_window"].staff_profile.pk]}
    with time_machine.travel(MONDAY, tick=False):
        leader = api_token_headers(client, "leader")
        assert_error(post(client, "/api/v1/hall/outreach", body | {"region_id": org["town"].pk}, leader), 400,
                     "region_id")
        assert_error(post(client, "/api/v1/hall/outreach", body, api_token_headers(client, "window_a")), 403)
        assert not OutreachVisit.objects.exists()
        r = post(client, "/api/v1/hall/outreach", body, leader)
        assert r.status_code == 201, r.content
        visit = r.json()
        assert visit["region"] == "测试村" and len(visit["team"]) == 2 and visit["status"] == "PLANNED"
        assert [v["id"] for v in client.get("/api/v1/hall/outreach?q=村委会", headers=leader).json()] == [visit["id"]]
        other = post(client, "/api/v1/hall/outreach", body, leader).json()
        r = post(client, f"/api/v1/hall/outreach/{other['id']}/cancel", {"reason": "暴雨"}, leader)
        assert r.status_code == 200 and r.json()["status"] == "CANCELLED"
    case = receive(cast, day=WED)
    url = f"/api/v1/hall/outreach/{visit['id']}"
    with time_machine.travel(at(WED, 11), tick=False):
        member = api_token_headers(client, "town_window")  # on the team, from the town center below
        assert client.get(url, headers=member).status_code == 200
        assert_error(post(client, f"{url}/intakes", {"case_number": "NOPE", "place": "村委会"},
                          api_token_headers(client, "window_a")), 400, "case_number")
        r = post(client, f"{url}/intakes", {"case_number": case.number, "place": "村委会"},
                 api_token_headers(client, "window_a"))
        assert r.status_code == 201 and r.json()["case"] == case.number
        assert_error(client.get(url, headers=api_token_headers(client, "agent")), 404)
        leader = api_token_headers(client, "leader")
        r = post(client, f"{url}/close", {"summary": "办理1件"}, leader)
        assert r.status_code == 200 and r.json()["status"] == "DONE" and r.json()["intakes"][0]["case"] == case.number


def test_every_hall_promise_action_is_documented_from_its_declaration(client):
    from bianmin.hall.promise_actions import (
        COMPLETION_ACTIONS,
        JOINT_ACTIONS,
        JOINT_CREATE_ACTIONS,
        OUTREACH_ACTIONS,
        OUTREACH_CREATE_ACTIONS,
    )

    doc = client.get("/api/v1/openapi.json").json()
    for prefix, catalogue in (("/cases/{number}", COMPLETION_ACTIONS), ("", JOINT_CREATE_ACTIONS),
                              ("/hall/joint-appointments/{joint_id}", JOINT_ACTIONS), ("", OUTREACH_CREATE_ACTIONS),
                              ("/hall/outreach/{visit_id}", OUTREACH_ACTIONS)):
        for spec in catalogue:
            op = doc["paths"][f"/api/v1{prefix}/{spec.path}"]["post"]
            assert op["summary"] == spec.label and op["description"] == spec.description
            assert op["operationId"] == f"{catalogue.subject}_{spec.name}"
            assert set(op["responses"]) >= {"400", "401", "403", "404", "409"}


@time_machine.travel(MONDAY, tick=False)
def test_the_screen_and_the_api_refuse_alike(client, cast, org, item, django_user_model):
    from conftest import sign_in

    d = departments(org, django_user_model)
    body = {"unit_id": org["center"].pk, "department_ids": [d["d1"].pk, d["d2"].pk],
            "starts_at": "2026-03-07T10:00:00+08:00", "place": "二楼", "matter": "开办餐馆", "name": "李四",
            "phone": "139"}
    api = assert_error(post(client, "/api/v1/hall/joint-appointments", body, api_token_headers(client, "window_a")),
                       400)
    assert set(api["fields"]) == {"starts_at", "phone"}
    sign_in(client, cast["window_a"])
    form = {k: str(v) for k, v in body.items() if k != "department_ids"} | {
        "action": "plan", "starts_at": "2026-03-07 10:00", "department_ids": [str(i) for i in body["department_ids"]]}
    page = client.post("/staff/hall/joint/new/", form)
    assert page.status_code == 400
    text = page.content.decode()
    assert all(message in text for messages in api["fields"].values() for message in messages)
    assert not JointAppointment.objects.exists()
