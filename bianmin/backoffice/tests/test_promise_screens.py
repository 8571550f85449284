"""The staff screens of 预约办结 (on the case page), 预约联动 and 组团服务, through Django's test client: the forms
drawn only for who may, refusals shown beside their field with nothing written, and 404 for what one may not see."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bianmin.hall.models import CompletionAppointment, JointAppointment, JointStatus, OutreachIntake, OutreachVisit
from bianmin.hall.tests.promise_helpers import accepted_case, departments
from bianmin.testing.cases import receive
from bianmin.testing.factories import MON, MONDAY, at
from conftest import sign_in

pytestmark = pytest.mark.django_db
WED = MON + dt.timedelta(days=2)


@time_machine.travel(MONDAY, tick=False)
def test_the_case_page_gives_a_completion_appointment(client, cast, item):
    case = accepted_case(cast)
    url = f"/staff/cases/{case.number}/"
    sign_in(client, cast["leader"])
    assert "预约办结" not in client.get(url).content.decode()  # a leader does not handle cases
    sign_in(client, cast["window_a"])
    page = client.get(url).content.decode()
    assert f'action="/staff/cases/{case.number}/completion-appointment/"' in page and "data-confirm" in page
    post_url = f"/staff/cases/{case.number}/completion-appointment/"
    r = client.post(post_url, {"action": "give", "promised_on": "2026-03-07", "reason": "需经领导审批"})
    assert r.status_code == 400 and r.content.decode().count("不是工作日") == 1  # shown once, beside the date
    assert "需经领导审批</textarea>" in r.content.decode()  # kept as typed
    assert not CompletionAppointment.objects.exists()
    r = client.post(post_url, {"action": "give", "promised_on": "2026-03-04", "reason": ""})
    assert r.status_code == 400 and not CompletionAppointment.objects.exists()
    r = client.post(post_url, {"action": "give", "promised_on": "2026-03-04", "reason": "需经领导审批"})
    assert r.status_code == 302 and r["Location"] == url
    page = client.get(url).content.decode()
    assert "2026-03-04" in page and "需经领导审批" in page and "待办结" in page
    assert post_url not in page  # one per case: the form is gone
    assert client.post(post_url, {"action": "give", "promised_on": "2026-03-05", "reason": "x"}).status_code == 409
    sign_in(client, cast["town_window"])
    assert client.post(post_url, {"action": "give", "promised_on": "2026-03-05", "reason": "x"}).status_code == 404
    assert client.get(post_url).status_code == 405


@time_machine.travel(MONDAY, tick=False)
def test_a_joint_appointment_through_the_screens(client, cast, org, item, django_user_model):
    d = departments(org, django_user_model)
    sign_in(client, cast["window_a"])
    page = client.get("/staff/hall/joint/new/").content.decode()
    assert d["d1"].name in page and d["d9"].name in page and d["dx"].name not in page
    form = {"action": "plan", "unit_id": str(org["center"].pk), "department_ids": [str(d["d1"].pk)],
            "starts_at": "2026-03-04 10:00", "place": "二楼联办室", "matter": "开办餐馆", "name": "李四",
            "phone": "13900139000"}
    r = client.post("/staff/hall/joint/new/", form)
    assert r.status_code == 400 and "预约联动至少需要两个部门" in r.content.decode()
    assert not JointAppointment.objects.exists()
    r = client.post("/staff/hall/joint/new/", form | {"department_ids": [str(d["d1"].pk), str(d["d2"].pk)]})
    joint = JointAppointment.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/staff/hall/joint/{joint.pk}/"
    detail = client.get(r["Location"]).content.decode()
    assert joint.number in detail and "139****9000" in detail and "13900139000" not in detail
    assert "取消联动" in detail and "data-confirm" in detail and "确认本部门参加" not in detail
    listing = client.get("/staff/hall/joint/?q=李四").content.decode()
    assert joint.number in listing
    assert joint.number not in client.get("/staff/hall/joint/?q=王五").content.decode()
    sign_in(client, d["d1_staff"])
    detail = client.get(f"/staff/hall/joint/{joint.pk}/").content.decode()
    assert "确认本部门参加" in detail and "取消联动" not in detail
    assert client.post(f"/staff/hall/joint/{joint.pk}/", {"action": "confirm"}).status_code == 302
    assert joint.departments.get(department=d["d1"]).confirmed_by == d["d1_staff"]
    sign_in(client, cast["town_window"])
    assert client.get(f"/staff/hall/joint/{joint.pk}/").status_code == 404
    assert client.post(f"/staff/hall/joint/{joint.pk}/", {"action": "cancel", "reason": "x"}).status_code == 404
    assert joint.number not in client.get("/staff/hall/joint/").content.decode()
    sign_in(client, cast["window_a"])
    r = client.post(f"/staff/hall/joint/{joint.pk}/", {"action": "cancel", "reason": ""})
    assert r.status_code == 400
    r = client.post(f"/staff/hall/joint/{joint.pk}/", {"action": "cancel", "reason": "部门人员外出"})
    assert r.status_code == 302 and JointAppointment.objects.get().status == JointStatus.CANCELLED


def test_an_outreach_visit_through_the_screens(client, cast, org, item):
    with time_machine.travel(MONDAY, tick=False):
        sign_in(client, cast["leader"])
        page = client.get("/staff/hall/outreach/new/").content.decode()
        assert org["village"].name in page and "window_a姓名" in page
        form = {"action": "plan", "unit_id": str(org["center"].pk), "region_id": str(org["village"].pk),
                "place": "村委会", "starts_at": "2026-03-04 09:00", "ends_at": "2026-03-04 12:00",
                "topic": "社保上门办理",
                "team_staff_ids": [str(cast["window_a"].staff_profile.pk)]}
        r = client.post("/staff/hall/outreach/new/", form)
        assert r.status_code == 400 and "至少需要两名" in r.content.decode() and not OutreachVisit.objects.exists()
        form["team_staff_ids"].append(str(cast["town_window"].staff_profile.pk))
        r = client.post("/staff/hall/outreach/new/", form)
        visit = OutreachVisit.objects.get()
        assert r.status_code == 302 and r["Location"] == f"/staff/hall/outreach/{visit.pk}/"
        assert "取消服务" in client.get(r["Location"]).content.decode()
    case = receive(cast, day=WED)
    with time_machine.travel(at(WED, 11), tick=False):
        sign_in(client, cast["window_a"])
        detail = client.get(f"/staff/hall/outreach/{visit.pk}/").content.decode()
        assert "登记现场受理的办件" in detail and 'value="村委会"' in detail and "取消服务" not in detail
        r = client.post(f"/staff/hall/outreach/{visit.pk}/", {"action": "intake", "case_number": "NOPE",
                                                              "place": "村委会"})
        assert r.status_code == 400 and "办件不存在" in r.content.decode()
        r = client.post(f"/staff/hall/outreach/{visit.pk}/", {"action": "intake", "case_number": case.number,
                                                              "place": "村委会"})
        assert r.status_code == 302 and OutreachIntake.objects.get().case == case
        assert case.number in client.get(f"/staff/hall/outreach/{visit.pk}/").content.decode()
        assert "测试村" in client.get("/staff/hall/outreach/?q=测试村").content.decode()
        sign_in(client, cast["agent"])
        assert client.get(f"/staff/hall/outreach/{visit.pk}/").status_code == 404
        assert "测试村" not in client.get("/staff/hall/outreach/").content.decode()
