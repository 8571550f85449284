"""The public 预约 pages (decision 0025 §2): choose a center, a slot and book with a real name, enter the SMS code,
print the confirmation, cancel; errors named next to their field; CSRF; the 429 page; nothing personal shown back."""
import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from stdnum.cn import ric

from bianmin.audit.models import AuditEntry
from bianmin.hall.models import Appointment, AppointmentStatus, Slot
from bianmin.notifications.models import Message
from bianmin.testing.factories import at

pytestmark = pytest.mark.django_db
MON = dt.date(2026, 3, 2)
TUE, WED = MON + dt.timedelta(days=1), MON + dt.timedelta(days=2)
PHONE, NAME = "13800000000", "张三丰"


def resident_id(seq: int) -> str:
    body = f"11010519800101{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


ID = resident_id(1)


@pytest.fixture
def slots(cast, org, calendar):
    """Tuesday 09:00 (1 place) and 10:00 (full: capacity 1, taken), Wednesday 09:00 (3 places) at C1."""
    def make(day, hour, capacity):
        return Slot.objects.create(unit=org["center"], date=day, starts_at=dt.time(hour), ends_at=dt.time(hour + 1),
                                   capacity=capacity, created_by=cast["sysadmin"])
    made = {"tue9": make(TUE, 9, 1), "tue10": make(TUE, 10, 1), "wed9": make(WED, 9, 3)}
    from bianmin.hall.booking import book
    book(slot_id=made["tue10"].pk, name="王五", id_number=resident_id(9), phone="13900000009", now=at(MON, 9),
         actor=cast["window_a"])
    return made


def form(chosen, **changes):
    return {"slot": str(chosen.pk), "name": NAME, "id_number": ID, "phone": PHONE, "matter": "营业执照"} | changes


def sms_code(kind: str) -> str:
    body = Message.objects.filter(kind=kind).latest("id").body
    found = re.search(r"(?:确认码为|取消码)(\d{6})", body)
    assert found is not None, body
    return found.group(1)


def written():
    return Appointment.objects.count(), AuditEntry.objects.count(), Message.objects.count()


def test_the_home_page_leads_to_booking(client, cast):
    page = client.get("/").content.decode()
    assert 'href="/booking/"' in page and "预约" in page


def test_the_centers_page_lists_the_active_centers(client, org):
    page = client.get("/booking/").content.decode()
    for unit in ("center", "town_center", "station"):
        assert f'href="/booking/{org[unit].code}/"' in page
    assert org["dept"].code not in re.findall(r'href="/booking/([^/"]+)/"', page)  # a department takes none


@time_machine.travel(at(MON, 10), tick=False)
def test_the_slots_page_groups_by_date_and_disables_full_slots(client, slots):
    r = client.get("/booking/C1/")
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    page = r.content.decode()
    assert "3月3日 星期二" in page and "3月4日 星期三" in page
    tue9, tue10, wed9 = (re.search(rf'<input type="radio" name="slot" value="{s.pk}"[^>]*>', page).group(0)
                         for s in (slots["tue9"], slots["tue10"], slots["wed9"]))
    assert "disabled" in tue10 and "disabled" not in tue9 and "disabled" not in wed9
    assert "已约满" in page and "余 1 个" in page and "余 3 个" in page
    assert client.get("/booking/NOPE/").status_code == 404
    assert client.get("/booking/D1/").status_code == 404  # not a center
    assert client.get("/booking/C1/?item=abc").status_code == 400


@time_machine.travel(at(MON, 10), tick=False)
def test_book_enter_the_code_and_print_the_confirmation(client, slots):
    r = client.post("/booking/C1/", form(slots["tue9"]))
    assert r.status_code == 200, r.content.decode()
    page = r.content.decode()
    assert "确认码已发送到您的手机 138****0000，请在15分钟内输入" in page
    number = Appointment.objects.get(slot=slots["tue9"]).number
    assert number in page and ID not in page and PHONE not in page
    held_code = sms_code("APPOINTMENT_CODE")
    assert held_code not in page  # by SMS only
    r = client.post("/booking/confirm/", {"number": number, "code": held_code})
    assert r.status_code == 200
    page = r.content.decode()
    assert number in page and "2026年3月3日 星期二" in page and "09:00–10:00" in page and "测试县政务服务中心" in page
    assert "2 小时前" in page and "取消码已通过短信发送到 138****0000" in page and "data-print" in page
    assert "张*" in page and NAME not in page and ID not in page and PHONE not in page
    assert sms_code("APPOINTMENT_BOOKED") not in page  # the cancellation code goes by SMS only
    assert Appointment.objects.get(number=number).status == AppointmentStatus.BOOKED


@time_machine.travel(at(MON, 10), tick=False)
def test_errors_are_named_next_to_their_field_and_the_form_keeps_the_input(client, slots):
    before = written()
    r = client.post("/booking/C1/", form(slots["tue9"], id_number="110105194912310021", phone="12345"))
    assert r.status_code == 400
    page = r.content.decode()
    assert re.search(r'<span class="error" role="alert" data-field="id_number">[^<]*校验位', page)
    assert re.search(r'<span class="error" role="alert" data-field="phone">[^<]*手机号码', page)
    assert f'value="{NAME}"' in page and 'value="110105194912310021"' in page and 'value="12345"' in page
    assert 'value="营业执照"' in page
    assert re.search(rf'value="{slots["tue9"].pk}"[^>]*checked', page)
    r = client.post("/booking/C1/", form(slots["tue10"]))
    assert r.status_code == 400 and re.search(r'data-field="slot">[^<]*约满', r.content.decode())
    r = client.post("/booking/C1/", form(slots["tue9"], slot="999999"))
    assert r.status_code == 400 and 'data-field="slot"' in r.content.decode()
    assert written() == before


@time_machine.travel(at(MON, 10), tick=False)
def test_a_second_booking_the_same_day_names_the_id_number(client, slots):
    assert client.post("/booking/C1/", form(slots["tue9"])).status_code == 200
    r = client.post("/booking/C1/", form(slots["tue10"]))
    assert r.status_code == 400 and re.search(r'data-field="(slot|id_number)"', r.content.decode())
    extra = Slot.objects.create(unit=slots["tue9"].unit, date=TUE, starts_at=dt.time(15), ends_at=dt.time(16),
                                capacity=5, created_by=slots["tue9"].created_by)
    r = client.post("/booking/C1/", form(extra))
    assert r.status_code == 400 and re.search(r'data-field="id_number">[^<]*同一天', r.content.decode())


def test_the_forms_need_the_csrf_token(slots):
    strict = Client(enforce_csrf_checks=True)
    for path, data in (("/booking/C1/", form(slots["tue9"])), ("/booking/confirm/", {"number": "X", "code": "1"}),
                       ("/booking/cancel/", {"number": "X", "code": "1"})):
        assert strict.post(path, data).status_code == 403
    page = strict.get("/booking/C1/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


@time_machine.travel(at(MON, 10), tick=False)
def test_too_many_bookings_from_one_address_get_the_429_page(client, settings, slots):
    settings.BIANMIN = {**settings.BIANMIN, "HALL": {**settings.BIANMIN["HALL"], "BOOKINGS_PER_ADDRESS_HOUR": 1}}
    assert client.post("/booking/C1/", form(slots["wed9"])).status_code == 200
    r = client.post("/booking/C1/", form(slots["wed9"], id_number=resident_id(2), phone="13700000000"))
    assert r.status_code == 429 and r["Retry-After"] == "3600"
    assert "预约操作过于频繁" in r.content.decode()
    assert Appointment.objects.filter(slot=slots["wed9"]).count() == 1


def test_a_wrong_or_late_code_is_refused(client, slots):
    with time_machine.travel(at(MON, 10), tick=False):
        client.post("/booking/C1/", form(slots["tue9"]))
    number, code = Appointment.objects.get(slot=slots["tue9"]).number, sms_code("APPOINTMENT_CODE")
    with time_machine.travel(at(MON, 10) + dt.timedelta(minutes=5), tick=False):
        page = client.get(f"/booking/confirm/?n={number}").content.decode()
        assert f'value="{number}"' in page and "138****" not in page  # the number alone shows no phone
        r = client.post("/booking/confirm/", {"number": number, "code": "000000"})
        assert r.status_code == 404 and "预约号或验证码不正确" in r.content.decode()
    with time_machine.travel(at(MON, 10) + dt.timedelta(minutes=15), tick=False):
        r = client.post("/booking/confirm/", {"number": number, "code": code})
        assert r.status_code == 409 and "已失效" in r.content.decode()


def test_cancel_with_the_number_and_code(client, slots):
    with time_machine.travel(at(MON, 10), tick=False):
        client.post("/booking/C1/", form(slots["tue9"]))
        number = Appointment.objects.get(slot=slots["tue9"]).number
        client.post("/booking/confirm/", {"number": number, "code": sms_code("APPOINTMENT_CODE")})
        cancel_code = sms_code("APPOINTMENT_BOOKED")
        r = client.post("/booking/cancel/", {"number": number, "code": "000000"})
        assert r.status_code == 404 and 'data-field="number"' in r.content.decode()
    with time_machine.travel(at(TUE, 7) + dt.timedelta(minutes=30), tick=False):
        r = client.post("/booking/cancel/", {"number": number, "code": cancel_code})
        assert r.status_code == 409 and "2小时前取消" in r.content.decode()
    with time_machine.travel(at(MON, 18), tick=False):
        assert 'id="cancel-form"' in client.get(f"/booking/cancel/?n={number}").content.decode()
        r = client.post("/booking/cancel/", {"number": number, "code": cancel_code})
        assert r.status_code == 200 and f"预约 {number} 已取消" in r.content.decode()
    assert Appointment.objects.get(number=number).status == AppointmentStatus.CANCELLED


def test_looking_at_the_free_slots_is_limited_per_address(client, monkeypatch, slots):
    from bianmin.hall import booking

    monkeypatch.setattr(booking, "SLOT_VIEWS_PER_ADDRESS_MINUTE", 2)
    assert [client.get("/booking/C1/").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/public/booking/C1/slots").status_code == 429  # one allowance for page and API
