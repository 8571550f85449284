"""The hospital desk's staff screens (issue 14, decision 0026) through Django's test client: the patient panel of a
hospital case, the audited read of the diagnosis and ward, the 科室协调 list and request pages of each side, and the
便民活动 pages. Rules are tested in ``bianmin/hospital``; here: who gets which page, refusals shown beside their field
with nothing written, and the health fields on no page but the read's own response."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.hospital import services
from bianmin.hospital.models import CareEvent, CoordinationRequest, EventStatus, PatientRecord, RequestStatus
from bianmin.notifications.models import Message
from bianmin.testing.factories import MON, at
from bianmin.testing.hospital import hospital_cast, transfer_case, transfer_item
from conftest import make_user, sign_in

pytestmark = pytest.mark.django_db
DIAGNOSIS = "急性前壁心肌梗死"
WARD = "心内科3病区12床"
TEN = at(MON, 10)


@pytest.fixture
def h(org, cast, calendar, django_user_model):
    """The hospital desk, its 科室 and staff, a desk of another hospital with its own clerk, and one accepted
    转院协调 case (``h["case"]``)."""
    h = hospital_cast(org, django_user_model, make_user)
    h["other_desk"] = make_user(django_user_model, "other_desk", Role.WINDOW, h["other"])
    h["item"] = transfer_item(cast["sysadmin"], h)
    h["case"] = transfer_case(h)
    h["cast"] = cast
    return h


def patient(h):
    return services.record_patient(actor=h["desk_a"], number=h["case"].number, patient_name="李大",
                                   relation="PARENT", diagnosis=DIAGNOSIS, ward=WARD, now=TEN)


def send(h, department="k1", hours=4):
    return services.send_request(actor=h["desk_a"], number=h["case"].number, department_id=h[department].pk,
                                 topic="TRANSFER", question="评估能否转上级医院", reply_hours=hours, now=TEN)


def page(client, user, url, status=200):
    sign_in(client, user)
    r = client.get(url)
    assert r.status_code == status, (user.username, url, r.status_code)
    return r.content.decode()


def health_reads():
    return AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).count()


# --- the case page ------------------------------------------------------------------------------------------------

@time_machine.travel(TEN, tick=False)
def test_the_desk_records_the_patient_on_the_case_page(client, h):
    url = f"/staff/cases/{h['case'].number}/"
    body = page(client, h["desk_a"], url)
    assert 'id="hospital-panel"' in body and "登记患者信息" in body and "发起科室协调" in body
    assert "患者/家属" in body  # the hospital's words in the header (decision 0026 §9)
    post = f"/staff/hospital/cases/{h['case'].number}/patient/"
    r = client.post(post, {"action": "patient", "patient_name": "", "relation": "PARENT", "diagnosis": DIAGNOSIS})
    assert r.status_code == 400 and "请填写患者姓名" in r.content.decode() and r["Cache-Control"] == "no-store"
    assert not PatientRecord.objects.exists()
    r = client.post(post, {"action": "patient", "patient_name": "李大", "relation": "PARENT", "diagnosis": DIAGNOSIS,
                           "ward": WARD})
    assert r.status_code == 302 and r["Location"] == url
    record = PatientRecord.objects.get()
    assert (record.patient_name, record.diagnosis, record.ward) == ("李大", DIAGNOSIS, WARD)
    body = page(client, h["desk_a"], url)
    assert "李大" in body and "父母" in body and "查看诊断和病区" in body
    assert DIAGNOSIS not in body and WARD not in body and 'name="diagnosis"' not in body
    assert health_reads() == 0  # showing the page reads nothing
    assert client.get(post).status_code == 405


@time_machine.travel(TEN, tick=False)
def test_a_government_case_has_no_hospital_panel(client, h, item):
    from bianmin.testing.cases import receive

    case = receive(h["cast"])
    body = page(client, h["cast"]["window_a"], f"/staff/cases/{case.number}/")
    assert 'id="hospital-panel"' not in body and "申请人" in body
    r = client.post(f"/staff/hospital/cases/{case.number}/patient/", {"action": "patient", "patient_name": "张三",
                                                                       "relation": "SELF"})
    assert r.status_code == 400 and "政务服务办件不能填写患者信息" in r.content.decode()
    assert not PatientRecord.objects.exists()


@time_machine.travel(TEN, tick=False)
def test_each_health_read_is_audited_and_shown_on_its_response_only(client, h):
    patient(h)
    url = f"/staff/hospital/cases/{h['case'].number}/patient/health/"
    sign_in(client, h["desk_a"])
    r = client.post(url, {"purpose": "核对转院"})
    body = r.content.decode()
    assert r.status_code == 200 and DIAGNOSIS in body and WARD in body and r["Cache-Control"] == "no-store"
    assert health_reads() == 1
    client.post(url)
    entries = AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW)
    assert entries.count() == 2 and all(DIAGNOSIS not in (e.summary + str(e.data)) for e in entries)
    assert client.get(url).status_code == 405
    assert DIAGNOSIS not in page(client, h["desk_a"], f"/staff/cases/{h['case'].number}/")
    # Above the desk (the county center), another hospital, a 科室 without a request: 404 and nothing recorded.
    for who in (h["cast"]["window_a"], h["cast"]["leader"], h["other_desk"], h["k1_staff"], h["cast"]["town_window"]):
        sign_in(client, who)
        assert client.post(url).status_code == 404, who.username
    assert health_reads() == 2


@time_machine.travel(TEN, tick=False)
def test_the_case_page_is_for_the_desk_and_its_scope_only(client, h):
    url = f"/staff/cases/{h['case'].number}/"
    body = page(client, h["cast"]["window_a"], url)  # the county center sees it by scope, without desk forms
    assert 'id="hospital-panel"' in body and 'id="send-form"' not in body and 'id="patient-form"' not in body
    for who in ("k1_staff", "k2_staff", "k9_staff", "other_desk"):
        page(client, h[who], url, 404)
    page(client, h["cast"]["town_window"], url, 404)


@time_machine.travel(TEN, tick=False)
def test_the_send_form_refuses_a_department_of_another_hospital(client, h):
    url = f"/staff/hospital/cases/{h['case'].number}/coordination/"
    sign_in(client, h["desk_a"])
    body = client.get(f"/staff/cases/{h['case'].number}/").content.decode()
    assert h["k1"].name in body and h["k2"].name in body and h["k9"].name not in body
    form = {"action": "send", "department": h["k9"].code, "topic": "TRANSFER", "question": "评估转院",
            "reply_hours": "24"}
    r = client.post(url, form)
    body = r.content.decode()
    assert r.status_code == 400 and body.count("所选科室不属于本医院") == 1 and "评估转院</textarea>" in body
    assert 'id="send-form"' in body and not CoordinationRequest.objects.exists()
    r = client.post(url, form | {"department": h["k1"].code, "reply_hours": "500"})
    assert r.status_code == 400 and "不能大于 168" in r.content.decode()  # the schema's words, as from the API
    r = client.post(url, form | {"department": h["k1"].code, "reply_hours": "abc"})
    assert r.status_code == 400 and "应为整数" in r.content.decode()
    assert not CoordinationRequest.objects.exists()
    r = client.post(url, form | {"department": h["k1"].code, "reply_hours": ""})
    assert r.status_code == 302
    sent = CoordinationRequest.objects.get()
    assert sent.department == h["k1"] and sent.reply_hours == 24
    body = page(client, h["desk_a"], f"/staff/cases/{h['case'].number}/")
    assert sent.number in body and "待科室答复" in body
    sign_in(client, h["other_desk"])
    assert client.post(url, form).status_code == 404
    assert CoordinationRequest.objects.count() == 1


# --- 科室协调 ------------------------------------------------------------------------------------------------------

@time_machine.travel(TEN, tick=False)
def test_the_request_page_is_404_for_anyone_else(client, h):
    r = send(h)
    url = f"/staff/hospital/requests/{r.pk}/"
    body = page(client, h["desk_a"], url)
    assert r.number in body and "告知患者/家属" not in body and "撤回协调单" in body and "提交答复" not in body
    body = page(client, h["k1_staff"], url)
    assert "提交答复" in body and "回复不能办理" in body and h["k2"].name in body  # the 科室 to raise it to
    assert f"/staff/cases/{h['case'].number}/" not in body  # the 科室 gets no link to the case page
    page(client, h["cast"]["window_a"], url)  # above the desk: read only, by scope
    for who in (h["k2_staff"], h["k9_staff"], h["other_desk"], h["cast"]["town_window"]):
        page(client, who, url, 404)
    page(client, h["desk_a"], "/staff/hospital/requests/999999/", 404)


@time_machine.travel(TEN, tick=False)
def test_the_lists_of_each_side(client, h):
    r = send(h)
    body = page(client, h["desk_a"], "/staff/hospital/requests/")
    assert r.number in body and "科室协调" in body and "便民活动" in body  # the hospital's navigation
    assert r.number in page(client, h["desk_a"], "/staff/hospital/requests/", 200) and r.number in page(
        client, h["desk_a"], f"/staff/hospital/requests/?status=OPEN&department={h['k1'].pk}&q={r.number}")
    assert r.number not in page(client, h["desk_a"], f"/staff/hospital/requests/?department={h['k2'].pk}")
    assert r.number not in page(client, h["desk_a"], "/staff/hospital/requests/?status=TOLD")
    body = page(client, h["k1_staff"], "/staff/hospital/requests/")
    assert r.number in body and "本科室待办" in body
    assert r.number not in page(client, h["k2_staff"], "/staff/hospital/requests/")
    assert r.number not in page(client, h["other_desk"], "/staff/hospital/requests/")
    assert r.number not in page(client, h["cast"]["town_window"], "/staff/hospital/requests/")
    assert "科室协调" not in page(client, h["cast"]["town_window"], "/staff/")  # not a hospital: no entry
    page(client, h["desk_a"], "/staff/hospital/requests/?page=x", 400)
    with time_machine.travel(at(MON, 15), tick=False):  # due at 14:00, not yet answered
        assert "已超时" in page(client, h["k1_staff"], "/staff/hospital/requests/")


@time_machine.travel(TEN, tick=False)
def test_the_department_answers_late_and_the_desk_tells_the_family(client, h):
    patient(h)
    r = send(h)
    url = f"/staff/hospital/requests/{r.pk}/"
    sign_in(client, h["k1_staff"])
    # The 科室 opens the patient's health fields through the same audited read, from the request.
    resp = client.post(f"/staff/hospital/cases/{h['case'].number}/patient/health/", {"request": str(r.pk)})
    assert resp.status_code == 200 and DIAGNOSIS in resp.content.decode() and url in resp.content.decode()
    assert "保存患者信息" not in resp.content.decode() and health_reads() == 1
    assert DIAGNOSIS not in client.get(url).content.decode()
    with time_machine.travel(at(MON, 16), tick=False):
        sign_in(client, h["k1_staff"])  # a new session: the morning's has been idle too long
        resp = client.post(url, {"action": "answer", "answer": ""})
        assert resp.status_code == 400 and "请填写答复内容" in resp.content.decode()
        resp = client.post(url, {"action": "answer", "answer": "可转上级医院，已联系接收科室"})
        assert resp.status_code == 302 and resp["Location"] == url
        r.refresh_from_db()
        assert r.status == RequestStatus.ANSWERED and r.late
        body = client.get(url).content.decode()
        assert "超时答复（已记录）" in body and "提交答复" not in body
        resp = client.post(url, {"action": "answer", "answer": "再答一次"})
        assert resp.status_code == 409 and "不能再答复" in resp.content.decode()
        sign_in(client, h["desk_a"])
        body = client.get(url).content.decode()
        assert "告知患者/家属" in body and "发送短信" in body
        resp = client.post(url, {"action": "tell", "note": "", "send_sms": "on"})
        assert resp.status_code == 400 and "请记录告知患者或家属的内容和方式" in resp.content.decode()
        resp = client.post(url, {"action": "tell", "note": "电话告知家属：科室同意转院", "send_sms": "on"})
        assert resp.status_code == 302
    r.refresh_from_db()
    assert r.status == RequestStatus.TOLD and r.told_note == "电话告知家属：科室同意转院"
    sms = Message.objects.get(kind="COORDINATION_TOLD")
    assert DIAGNOSIS not in sms.body and WARD not in sms.body
    assert "记录告知并办结" not in page(client, h["desk_a"], url)


@time_machine.travel(TEN, tick=False)
def test_the_department_raises_or_refuses(client, h):
    r = send(h)
    url = f"/staff/hospital/requests/{r.pk}/"
    sign_in(client, h["k1_staff"])
    resp = client.post(url, {"action": "escalate", "to_department": h["k9"].code, "note": "需医务科协调"})
    assert resp.status_code == 400 and "不属于本医院" in resp.content.decode()
    resp = client.post(url, {"action": "escalate", "to_department": h["k2"].code, "note": "需医务科协调"})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.department == h["k2"]
    page(client, h["k1_staff"], url, 404)  # no longer the 心内科's
    sign_in(client, h["k2_staff"])
    resp = client.post(url, {"action": "refuse", "reason": "本院无接收条件"})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.status == RequestStatus.REFUSED
    body = page(client, h["desk_a"], url)
    assert "本院无接收条件" in body and "上报/转其他科室" in body and "医务科" in body


@time_machine.travel(TEN, tick=False)
def test_withdraw_asks_to_confirm_first(client, h):
    r = send(h)
    url = f"/staff/hospital/requests/{r.pk}/"
    sign_in(client, h["desk_a"])
    resp = client.post(url, {"action": "withdraw", "reason": "家属决定不转院"})
    body = resp.content.decode()
    assert resp.status_code == 200 and "确认撤回" in body and 'name="confirmed" value="1"' in body
    assert "家属决定不转院" in body
    r.refresh_from_db()
    assert r.status == RequestStatus.OPEN
    resp = client.post(url, {"action": "withdraw", "reason": "", "confirmed": "1"})
    assert resp.status_code == 400 and "请填写撤回原因" in resp.content.decode()
    resp = client.post(url, {"action": "withdraw", "reason": "家属决定不转院", "confirmed": "1"})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.status == RequestStatus.WITHDRAWN
    sign_in(client, h["k1_staff"])
    assert client.post(url, {"action": "withdraw", "reason": "x"}).status_code == 404
    assert client.post(url, {"action": "nonsense"}).status_code == 404


# --- 便民活动 ------------------------------------------------------------------------------------------------------

@time_machine.travel(TEN, tick=False)
def test_an_event_through_the_pages(client, h):
    sign_in(client, h["desk_a"])
    body = client.get("/staff/hospital/events/new/").content.decode()
    assert h["k1"].name in body and h["k9"].name not in body
    form = {"action": "plan", "kind": "FREE_CLINIC", "title": "心血管义诊", "place": "门诊大厅",
            "starts_at": "2026-03-04T09:00", "ends_at": "2026-03-04T11:30", "capacity": "80",
            "description": "测量血压、血脂咨询", "departments": [h["k1"].code, h["k9"].code]}
    resp = client.post("/staff/hospital/events/new/", form)
    assert resp.status_code == 400 and "参与科室应为本医院的科室" in resp.content.decode()
    resp = client.post("/staff/hospital/events/new/", form | {"departments": [h["k1"].code],
                                                              "ends_at": "2026-03-04T08:00"})
    assert resp.status_code == 400 and "结束时间应晚于开始时间" in resp.content.decode()
    assert "心血管义诊" in resp.content.decode()  # kept as typed
    resp = client.post("/staff/hospital/events/new/", form | {"departments": [h["k1"].code], "capacity": "x"})
    assert resp.status_code == 400 and "应为整数" in resp.content.decode()
    assert not CareEvent.objects.exists()
    resp = client.post("/staff/hospital/events/new/", form | {"departments": [h["k1"].code]})
    event = CareEvent.objects.get()
    url = f"/staff/hospital/events/{event.pk}/"
    assert resp.status_code == 302 and resp["Location"] == url
    assert list(event.departments.all()) == [h["k1"]]
    body = client.get(url).content.decode()
    assert "发布到公示栏" in body and "心内科" in body and "登记参加人数" not in body
    assert client.post(url, {"action": "publish"}).status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    resp = client.post(url, {"action": "attend", "attendance": "35"})
    assert resp.status_code == 409 and "活动尚未开始" in resp.content.decode()
    with time_machine.travel(at(MON + dt.timedelta(days=2), 12), tick=False):
        sign_in(client, h["desk_a"])
        resp = client.post(url, {"action": "attend", "attendance": "-1"})
        assert resp.status_code == 400 and "不能小于 0" in resp.content.decode()
        assert client.post(url, {"action": "attend", "attendance": "35", "summary": "测血压35人"}).status_code == 302
    sign_in(client, h["desk_a"])
    event.refresh_from_db()
    assert (event.status, event.attendance, event.summary) == (EventStatus.HELD, 35, "测血压35人")
    body = client.get("/staff/hospital/events/?status=HELD").content.decode()
    assert "心血管义诊" in body and "35 / 80" in body
    assert "心血管义诊" not in client.get("/staff/hospital/events/?status=PLANNED").content.decode()
    # The county center sees it by scope, and the 心内科 taking part sees it, both without the forms; another 科室,
    # another hospital, a town center do not.
    for who in (h["cast"]["window_a"], h["k1_staff"]):
        body = page(client, who, url)
        assert "心血管义诊" in body and 'name="action"' not in body
    for who in (h["k2_staff"], h["other_desk"], h["cast"]["town_window"]):
        page(client, who, url, 404)
        assert "心血管义诊" not in page(client, who, "/staff/hospital/events/")


@time_machine.travel(TEN, tick=False)
def test_cancelling_an_event_asks_to_confirm_first(client, h):
    event = services.plan_event(actor=h["desk_a"], kind="HEALTH_TALK", title="高血压健康讲座", place="三楼会议室",
                                starts_at=at(MON, 15), ends_at=at(MON, 16), now=TEN)
    url = f"/staff/hospital/events/{event.pk}/"
    sign_in(client, h["desk_b"])
    resp = client.post(url, {"action": "cancel", "reason": "讲者临时出诊"})
    assert resp.status_code == 200 and "确认取消活动" in resp.content.decode()
    event.refresh_from_db()
    assert event.status == EventStatus.PLANNED
    resp = client.post(url, {"action": "cancel", "reason": "讲者临时出诊", "confirmed": "1"})
    assert resp.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED and event.cancel_reason == "讲者临时出诊"
    body = client.get(url).content.decode()
    assert "讲者临时出诊" in body and 'name="action"' not in body
    sign_in(client, h["other_desk"])
    assert client.post(url, {"action": "cancel", "reason": "x", "confirmed": "1"}).status_code == 404


@time_machine.travel(TEN, tick=False)
def test_the_receive_form_uses_the_hospital_words(client, h):
    body = page(client, h["desk_a"], "/staff/cases/new/?item=YY-ZY")
    assert "<legend>患者/家属</legend>" in body
    body = page(client, h["cast"]["window_a"], "/staff/cases/new/?item=YY-ZY")
    assert "<legend>申请人</legend>" in body
