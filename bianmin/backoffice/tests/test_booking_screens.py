"""预约 staff screens (decision 0025 §2): the day's bookings of the clerk's centers (masked, searchable, paged) with
取消, 记爽约 and 签到取号; 电话预约 within the clerk's scope; the managers' slots screen (open, list, close)."""
import datetime as dt
import re

import pytest
import time_machine
from stdnum.cn import ric

from bianmin.audit.models import AuditEntry
from bianmin.hall import booking
from bianmin.hall.models import Appointment, AppointmentChannel, AppointmentStatus, ServiceType, Slot, Ticket
from bianmin.notifications.models import Message
from bianmin.org.models import Window
from bianmin.testing.factories import at
from conftest import sign_in

pytestmark = pytest.mark.django_db
MON = dt.date(2026, 3, 2)
TUE, WED = MON + dt.timedelta(days=1), MON + dt.timedelta(days=2)
PHONE = "13800001234"


def resident_id(seq: int) -> str:
    body = f"11010519800101{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


ID = resident_id(1)


def make_slot(unit, day, actor, hour=9, capacity=3):
    return Slot.objects.create(unit=unit, date=day, starts_at=dt.time(hour), ends_at=dt.time(hour + 1),
                               capacity=capacity, created_by=actor)


@pytest.fixture
def tuesday(cast, org, calendar):
    """A Tuesday 09:00 slot at C1 and one booking in it made by phone on Monday (张三, ID and phone masked)."""
    slot = make_slot(org["center"], TUE, cast["sysadmin"])
    appointment, _ = booking.book(slot_id=slot.pk, name="张三", id_number=ID, phone=PHONE, now=at(MON, 9),
                                  actor=cast["window_a"])
    return appointment


def signed_in(client, user):
    sign_in(client, user)
    return client


@time_machine.travel(at(TUE, 8), tick=False)
def test_the_days_bookings_show_masked_id_and_phone_and_can_be_searched(client, cast, tuesday):
    page = signed_in(client, cast["window_b"]).get("/staff/appointments/").content.decode()
    assert tuesday.number in page and "张三" in page
    assert "110***********" + ID[-4:] in page and "138****1234" in page
    assert ID not in page and PHONE not in page
    assert "签到取号" in page and "data-confirm" in page  # cancel asks first
    assert tuesday.number in client.get("/staff/appointments/", {"q": tuesday.number.lower()}).content.decode()
    assert tuesday.number not in client.get("/staff/appointments/", {"q": "李"}).content.decode()
    assert tuesday.number not in client.get("/staff/appointments/", {"date": "2026-03-04"}).content.decode()
    assert client.get("/staff/appointments/", {"date": "03/03"}).status_code == 400
    assert client.get("/staff/appointments/", {"page": "x"}).status_code == 400
    other = signed_in(client, cast["town_window"]).get("/staff/appointments/").content.decode()
    assert tuesday.number not in other  # the county center is not in the town clerk's scope


@time_machine.travel(at(MON, 10), tick=False)
def test_the_list_is_paged(client, cast, org, calendar):
    slot = make_slot(org["center"], TUE, cast["sysadmin"], capacity=40)
    for n in range(31):
        booking.book(slot_id=slot.pk, name=f"申请人{n}", id_number=resident_id(100 + n), phone=PHONE,
                     now=at(MON, 9), actor=cast["window_a"])
    signed_in(client, cast["window_a"])
    first = client.get("/staff/appointments/", {"date": "2026-03-03"}).content.decode()
    assert "共 31 条" in first and "1 / 2" in first and first.count("<tr data-number=") == 30
    second = client.get("/staff/appointments/", {"date": "2026-03-03", "page": "2"}).content.decode()
    assert second.count("<tr data-number=") == 1


@time_machine.travel(at(MON, 10), tick=False)
def test_phone_booking_books_at_once_and_texts_the_caller(client, cast, org, calendar):
    slot = make_slot(org["center"], WED, cast["sysadmin"])
    signed_in(client, cast["window_a"])
    page = client.get("/staff/appointments/new/").content.decode()
    assert f'value="{slot.pk}"' in page and "3-04" in page
    r = client.post("/staff/appointments/new/", {"unit": org["center"].pk, "slot": slot.pk, "name": "李四",
                                                 "id_number": ID, "phone": PHONE, "matter": "医保"}, follow=True)
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.BOOKED and appointment.channel == AppointmentChannel.PHONE
    assert r.redirect_chain[-1][0] == "/staff/appointments/?date=2026-03-04"
    text = r.content.decode()
    assert appointment.number in text and "138****1234" in text and ID not in text
    sms = Message.objects.get(kind="APPOINTMENT_BOOKED")
    assert appointment.number in sms.body and sms.phone == PHONE
    assert re.search(r"取消码\d{6}", sms.body) and re.search(r"取消码\d{6}", sms.body).group(0) not in text


@time_machine.travel(at(MON, 10), tick=False)
def test_phone_booking_errors_are_named_and_scope_is_kept(client, cast, org, calendar):
    slot = make_slot(org["center"], WED, cast["sysadmin"])
    before = (Appointment.objects.count(), AuditEntry.objects.count(), Message.objects.count())
    signed_in(client, cast["window_a"])
    r = client.post("/staff/appointments/new/", {"unit": org["center"].pk, "slot": slot.pk, "name": "李四",
                                                 "id_number": "110105194912310021", "phone": "123"})
    page = r.content.decode()
    assert r.status_code == 400
    assert re.search(r'data-field="id_number"><li>[^<]*校验位', page) and 'data-field="phone"' in page
    assert 'value="110105194912310021"' in page and 'value="李四"' in page
    signed_in(client, cast["town_window"])
    r = client.post("/staff/appointments/new/", {"slot": slot.pk, "name": "李四", "id_number": ID, "phone": PHONE})
    assert r.status_code == 400 and "所选时段不存在" in r.content.decode()  # out of scope: like a missing slot
    assert client.get(f"/staff/appointments/new/?unit={org['center'].pk}").status_code == 400  # not in scope
    assert (Appointment.objects.count(), AuditEntry.objects.count(), Message.objects.count()) == before


@time_machine.travel(at(MON, 10), tick=False)
def test_staff_cancel_a_booking(client, cast, tuesday):
    signed_in(client, cast["town_window"])
    r = client.post("/staff/appointments/", {"action": "cancel", "number": tuesday.number})
    assert r.status_code == 404  # out of scope: like a missing one
    signed_in(client, cast["window_b"])
    page = client.get("/staff/appointments/", {"date": "2026-03-03"}).content.decode()
    assert re.search(r'name="action" value="cancel">.*?data-confirm="确定取消预约', page, re.S)
    r = client.post("/staff/appointments/?date=2026-03-03", {"action": "cancel", "number": tuesday.number},
                    follow=True)
    assert r.status_code == 200 and f"预约 {tuesday.number} 已取消" in r.content.decode()
    assert Appointment.objects.get(pk=tuesday.pk).status == AppointmentStatus.CANCELLED


def test_staff_mark_a_no_show_after_the_slot(client, cast, tuesday):
    with time_machine.travel(at(TUE, 9) + dt.timedelta(minutes=30), tick=False):
        signed_in(client, cast["window_a"])
        r = client.post("/staff/appointments/", {"action": "no_show", "number": tuesday.number})
        assert r.status_code == 409 and "尚未结束" in r.content.decode()
    with time_machine.travel(at(TUE, 10) + dt.timedelta(minutes=5), tick=False):
        signed_in(client, cast["window_a"])
        r = client.post("/staff/appointments/", {"action": "no_show", "number": tuesday.number}, follow=True)
        assert "已记为爽约" in r.content.decode()
    assert Appointment.objects.get(pk=tuesday.pk).status == AppointmentStatus.NO_SHOW


def test_staff_check_in_gives_a_ticket(client, cast, org, tuesday):
    service_type = ServiceType.objects.create(unit=org["center"], letter="A", name="综合受理")
    service_type.windows.add(Window.objects.get(unit=org["center"]))
    with time_machine.travel(at(MON, 10), tick=False):  # not today's booking
        signed_in(client, cast["window_a"])
        r = client.post("/staff/appointments/", {"action": "check_in", "number": tuesday.number})
        assert r.status_code == 409
    with time_machine.travel(at(TUE, 8) + dt.timedelta(minutes=40), tick=False):
        signed_in(client, cast["town_window"])
        assert client.post("/staff/appointments/", {"action": "check_in", "number": tuesday.number}
                           ).status_code == 404
        signed_in(client, cast["window_a"])
        r = client.post("/staff/appointments/", {"action": "check_in", "number": tuesday.number}, follow=True)
        ticket = Ticket.objects.get(appointment=tuesday)
        assert f"排队号 {ticket.number}" in r.content.decode() and ticket.number.startswith("A")
    assert Appointment.objects.get(pk=tuesday.pk).status == AppointmentStatus.ARRIVED


@time_machine.travel(at(MON, 10), tick=False)
def test_managers_open_list_and_close_slots(client, cast, org, calendar, tuesday):
    window = Window.objects.get(unit=org["center"])
    signed_in(client, cast["sysadmin"])
    page = client.get("/staff/appointments/slots/").content.decode()
    assert f'<tr data-slot="{tuesday.slot_id}">' in page
    row = re.search(rf'<tr data-slot="{tuesday.slot_id}">(.*?)</tr>', page, re.S).group(1)
    assert "<td>3</td><td>1</td><td>2</td>" in row  # capacity, booked, free
    form = {"action": "open", "unit": org["center"].pk, "first_date": "2026-03-05", "last_date": "2026-03-09",
            "times": "09:00-10:00, 10:00-11:00", "capacity": "4", "window": window.pk, "item": "",
            "service_type": ""}
    r = client.post("/staff/appointments/slots/", form | {"times": "10:00-09:00"})
    assert r.status_code == 400 and re.search(r'data-field="times"><li>[^<]*结束时间', r.content.decode())
    assert 'value="10:00-09:00"' in r.content.decode()
    r = client.post("/staff/appointments/slots/", form, follow=True)
    assert "已开放 6 个预约时段" in r.content.decode()  # Thu, Fri, Mon: the weekend is skipped
    assert Slot.objects.filter(window=window, capacity=4).count() == 6
    closing = Slot.objects.filter(window=window).earliest("date", "starts_at")
    page = client.get("/staff/appointments/slots/").content.decode()
    assert re.search(rf'value="{closing.pk}"><button type="submit" class="secondary" data-confirm="确定关闭', page)
    r = client.post("/staff/appointments/slots/", {"action": "close", "slot": closing.pk}, follow=True)
    assert "已关闭" in r.content.decode() and not Slot.objects.get(pk=closing.pk).is_active
    assert Appointment.objects.get(pk=tuesday.pk).status == AppointmentStatus.BOOKED  # bookings stand


@time_machine.travel(at(MON, 10), tick=False)
def test_the_slots_screen_is_for_organisation_managers(client, cast, tuesday):
    signed_in(client, cast["window_a"])
    assert client.get("/staff/appointments/slots/").status_code == 403
    assert client.post("/staff/appointments/slots/", {"action": "close", "slot": tuesday.slot_id}).status_code == 403
    assert Slot.objects.get(pk=tuesday.slot_id).is_active
