"""预约 through the API (decision 0025 §2): the public's slots, booking, confirmation and cancellation (no code in any
answer, 429 when an address books too often); staff's list, 电话预约, 取消, 记爽约, 签到取号; managers' slots."""
import datetime as dt
import re

import pytest
import time_machine
from stdnum.cn import ric

from bianmin.hall.models import Appointment, AppointmentStatus, ServiceType, Slot
from bianmin.notifications.models import Message
from bianmin.org.models import Window
from bianmin.testing.factories import assert_error, at
from conftest import api_token_headers

from .test_cases_api import post

pytestmark = pytest.mark.django_db
MON = dt.date(2026, 3, 2)
TUE, WED = MON + dt.timedelta(days=1), MON + dt.timedelta(days=2)
PHONE, NAME = "13800005678", "张三丰"


def resident_id(seq: int) -> str:
    body = f"11010519800101{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


ID = resident_id(1)


@pytest.fixture
def slot(cast, org, calendar):
    return Slot.objects.create(unit=org["center"], date=TUE, starts_at=dt.time(9), ends_at=dt.time(10), capacity=1,
                               created_by=cast["sysadmin"])


def sms_code(kind: str) -> str:
    body = Message.objects.filter(kind=kind).latest("id").body
    found = re.search(r"(?:确认码为|取消码)(\d{6})", body)
    assert found is not None, body
    return found.group(1)


def no_secret(response, *secrets: str) -> None:
    text = response.content.decode()
    for secret in (ID, PHONE, *secrets):
        assert secret not in text, secret


@pytest.mark.endpoint("GET", "/api/v1/public/booking/{unit_code}/slots")
@pytest.mark.endpoint("POST", "/api/v1/public/booking")
@pytest.mark.endpoint("POST", "/api/v1/public/booking/{number}/confirm")
@pytest.mark.endpoint("POST", "/api/v1/public/booking/{number}/cancel")
@time_machine.travel(at(MON, 10), tick=False)
def test_the_public_books_confirms_and_cancels(client, slot):
    r = client.get("/api/v1/public/booking/C1/slots")
    assert r.status_code == 200
    assert r.json() == [{"id": slot.pk, "date": "2026-03-03", "starts_at": "09:00", "ends_at": "10:00",
                         "window": None, "item": None, "item_name": "", "capacity": 1, "free": 1}]
    body = {"slot": slot.pk, "name": NAME, "id_number": ID, "phone": PHONE, "matter": ""}
    r = post(client, "/api/v1/public/booking", body, {})
    assert r.status_code == 201, r.content
    held = r.json()
    assert held["phone_masked"] == "138****5678"
    assert dt.datetime.fromisoformat(held["held_until"]) == at(MON, 10) + dt.timedelta(minutes=15)
    code = sms_code("APPOINTMENT_CODE")
    no_secret(r, code, NAME)
    assert client.get("/api/v1/public/booking/C1/slots").json()[0]["free"] == 0
    r = post(client, f"/api/v1/public/booking/{held['number']}/confirm", {"code": code}, {})
    assert r.status_code == 200 and r.json()["status"] == "BOOKED" and r.json()["center"] == "测试县政务服务中心"
    cancel_code = sms_code("APPOINTMENT_BOOKED")
    no_secret(r, code, cancel_code, NAME)
    assert_error(post(client, f"/api/v1/public/booking/{held['number']}/cancel", {"code": "000000"}, {}), 404,
                 "number")
    r = post(client, f"/api/v1/public/booking/{held['number']}/cancel", {"code": cancel_code}, {})
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED"
    no_secret(r, cancel_code, NAME)


@time_machine.travel(at(MON, 10), tick=False)
def test_public_refusals_name_the_field(client, cast, org, slot):
    body = {"slot": slot.pk, "name": NAME, "id_number": ID, "phone": PHONE}
    assert_error(post(client, "/api/v1/public/booking", body | {"id_number": "110105194912310021"}, {}), 400,
                 "id_number")
    assert_error(post(client, "/api/v1/public/booking", body | {"phone": "1234"}, {}), 400, "phone")
    assert_error(post(client, "/api/v1/public/booking", body | {"slot": 999999}, {}), 400, "slot")
    holiday = Slot.objects.create(unit=org["center"], date=dt.date(2026, 3, 7), starts_at=dt.time(9),
                                  ends_at=dt.time(10), capacity=1, created_by=cast["sysadmin"])  # a Saturday
    assert_error(post(client, "/api/v1/public/booking", body | {"slot": holiday.pk}, {}), 400, "date")
    assert post(client, "/api/v1/public/booking", body, {}).status_code == 201
    assert_error(post(client, "/api/v1/public/booking", body | {"id_number": resident_id(2)}, {}), 400, "slot")
    assert_error(client.get("/api/v1/public/booking/D1/slots"), 404)
    assert Appointment.objects.count() == 1


@time_machine.travel(at(MON, 10), tick=False)
def test_a_late_confirmation_is_a_conflict_and_too_many_bookings_a_429(client, settings, cast, org, slot):
    r = post(client, "/api/v1/public/booking", {"slot": slot.pk, "name": NAME, "id_number": ID, "phone": PHONE}, {})
    number, code = r.json()["number"], sms_code("APPOINTMENT_CODE")
    with time_machine.travel(at(MON, 10) + dt.timedelta(minutes=15), tick=False):
        assert_error(post(client, f"/api/v1/public/booking/{number}/confirm", {"code": code}, {}), 409, "code")
    settings.BIANMIN = {**settings.BIANMIN, "HALL": {**settings.BIANMIN["HALL"], "BOOKINGS_PER_ADDRESS_HOUR": 1}}
    r = post(client, "/api/v1/public/booking", {"slot": slot.pk, "name": "李四", "id_number": resident_id(2),
                                                "phone": PHONE}, {})
    assert_error(r, 429)
    assert r["Retry-After"] == "3600"


@pytest.mark.endpoint("POST", "/api/v1/hall/appointments")
@pytest.mark.endpoint("GET", "/api/v1/hall/appointments")
@pytest.mark.endpoint("POST", "/api/v1/hall/appointments/{number}/cancel")
@time_machine.travel(at(MON, 10), tick=False)
def test_staff_book_for_a_caller_list_and_cancel(client, cast, org, slot):
    clerk = api_token_headers(client, "window_a")
    body = {"slot": slot.pk, "name": NAME, "id_number": ID, "phone": PHONE, "matter": "医保"}
    r = post(client, "/api/v1/hall/appointments", body, clerk)
    assert r.status_code == 201, r.content
    made = r.json()
    assert made["status"] == "BOOKED" and made["channel"] == "PHONE" and made["name"] == NAME
    assert made["id_masked"] == "110***********" + ID[-4:] and made["phone_masked"] == "138****5678"
    no_secret(r, sms_code("APPOINTMENT_BOOKED"))
    rows = client.get("/api/v1/hall/appointments", {"date": "2026-03-03"}, headers=clerk).json()
    assert [row["number"] for row in rows] == [made["number"]]
    assert client.get("/api/v1/hall/appointments", {"q": "李"}, headers=clerk).json() == []
    town = api_token_headers(client, "town_window")
    assert client.get("/api/v1/hall/appointments", headers=town).json() == []
    assert_error(post(client, f"/api/v1/hall/appointments/{made['number']}/cancel", {}, town), 404)
    assert_error(post(client, "/api/v1/hall/appointments", body | {"id_number": resident_id(2)}, town), 400, "slot")
    assert_error(client.get("/api/v1/hall/appointments", headers=api_token_headers(client, "supervisor")), 403)
    r = post(client, f"/api/v1/hall/appointments/{made['number']}/cancel", {}, clerk)
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED"
    assert_error(post(client, f"/api/v1/hall/appointments/{made['number']}/cancel", {}, clerk), 409)


@pytest.mark.endpoint("POST", "/api/v1/hall/appointments/{number}/no-show")
@pytest.mark.endpoint("POST", "/api/v1/hall/appointments/{number}/check-in")
@pytest.mark.endpoint("POST", "/api/v1/hall/appointments/{number}/excuse")
def test_staff_check_in_and_no_show(client, cast, org, calendar):
    service_type = ServiceType.objects.create(unit=org["center"], letter="A", name="综合受理")
    service_type.windows.add(Window.objects.get(unit=org["center"]))
    slots = [Slot.objects.create(unit=org["center"], date=TUE, starts_at=dt.time(h), ends_at=dt.time(h + 1),
                                 capacity=1, created_by=cast["sysadmin"]) for h in (9, 10)]
    with time_machine.travel(at(MON, 10), tick=False):
        clerk = api_token_headers(client, "window_a")
        numbers = [post(client, "/api/v1/hall/appointments", {"slot": s.pk, "name": NAME, "id_number": resident_id(n),
                                                              "phone": PHONE}, clerk).json()["number"]
                   for n, s in enumerate(slots)]
    with time_machine.travel(at(TUE, 8) + dt.timedelta(minutes=50), tick=False):
        clerk = api_token_headers(client, "window_a")
        r = post(client, f"/api/v1/hall/appointments/{numbers[0]}/check-in", {}, clerk)
        assert r.status_code == 200, r.content
        assert r.json()["number"] == numbers[0] and r.json()["ticket"] == "A001"
        ready = dt.datetime.fromisoformat(r.json()["ready_at"])
        assert ready == at(TUE, 9) - dt.timedelta(minutes=2)  # joins the call order 2 minutes before its slot
        assert_error(post(client, f"/api/v1/hall/appointments/{numbers[0]}/check-in", {}, clerk), 409)
        assert_error(post(client, f"/api/v1/hall/appointments/{numbers[1]}/no-show", {}, clerk), 409)
    with time_machine.travel(at(TUE, 11), tick=False):
        clerk = api_token_headers(client, "window_a")
        r = post(client, f"/api/v1/hall/appointments/{numbers[1]}/no-show", {}, clerk)
        assert r.status_code == 200 and r.json()["status"] == "NO_SHOW"
        assert_error(post(client, "/api/v1/hall/appointments/YY404/check-in", {}, clerk), 404)
        # 撤销爽约: with a reason, once.
        assert_error(post(client, f"/api/v1/hall/appointments/{numbers[1]}/excuse", {"reason": " "}, clerk), 400,
                     "reason")
        reason = {"reason": "经核实系他人冒用身份证预约"}
        r = post(client, f"/api/v1/hall/appointments/{numbers[1]}/excuse", reason, clerk)
        assert r.status_code == 200 and r.json()["status"] == "EXCUSED"
        assert_error(post(client, f"/api/v1/hall/appointments/{numbers[1]}/excuse", {"reason": "再次"}, clerk), 409)
    assert Appointment.objects.get(number=numbers[0]).status == AppointmentStatus.ARRIVED


@pytest.mark.endpoint("POST", "/api/v1/hall/slots")
@pytest.mark.endpoint("POST", "/api/v1/hall/slots/{slot_id}/close")
@time_machine.travel(at(MON, 10), tick=False)
def test_managers_open_and_close_slots(client, cast, org, calendar):
    admin = api_token_headers(client, "sysadmin")
    body = {"unit": org["center"].pk, "first_date": "2026-03-03", "last_date": "2026-03-09",
            "times": "09:00-10:00, 10:00-11:00", "capacity": 2}
    r = post(client, "/api/v1/hall/slots", body, admin)
    assert r.status_code == 201, r.content
    assert r.json()["count"] == 10  # five working days × two times
    assert r.json()["slots"][0]["unit"] == "测试县政务服务中心"
    assert_error(post(client, "/api/v1/hall/slots", body | {"times": "9点"}, admin), 400, "times")
    assert_error(post(client, "/api/v1/hall/slots", body | {"first_date": "2026-03-01"}, admin), 400, "first_date")
    assert_error(post(client, "/api/v1/hall/slots", body | {"unit": org["dept"].pk}, admin), 404)
    assert_error(post(client, "/api/v1/hall/slots", body, api_token_headers(client, "window_a")), 403)
    slot_id = r.json()["slots"][0]["id"]
    r = post(client, f"/api/v1/hall/slots/{slot_id}/close", {}, admin)
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert_error(post(client, "/api/v1/hall/slots/999999/close", {}, admin), 404)
    assert len(client.get("/api/v1/public/booking/C1/slots").json()) == 9
