"""预约 rules (decision 0025 §2, ``hall.booking``): slots and capacity, the bookable window and the calendar, real
names, one booking per person per day, the 15-minute hold, cancellation and the 30-minute release, no-shows and the
suspension, the sweep's no-shows and reminders, staff scope — and nothing written when a booking is refused."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from stdnum.cn import ric

from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditEntry
from bianmin.cases.lookup import TooManyRequests
from bianmin.core.crypto import blind_index
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.hall import booking
from bianmin.hall.models import Appointment, AppointmentChannel, AppointmentStatus, Slot
from bianmin.notifications.models import Message
from bianmin.org.models import Window
from bianmin.testing.factories import at
from conftest import make_user

pytestmark = pytest.mark.django_db
MON = dt.date(2026, 3, 2)  # a Monday with no holiday nearby
TUE, WED, FRI = MON + dt.timedelta(days=1), MON + dt.timedelta(days=2), MON + dt.timedelta(days=4)
NEXT_MON, NEXT_TUE = MON + dt.timedelta(days=7), MON + dt.timedelta(days=8)
PHONE = "13800000000"


def resident_id(seq: int, born: str = "19800101") -> str:
    """Return a synthetic resident ID with a valid GB 11643 check character."""
    body = f"110105{born}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


ID, OTHER_ID = resident_id(1), resident_id(2)


def make_slot(unit, day: dt.date, *, start: int = 9, capacity: int = 1, actor=None, window=None) -> Slot:
    """A slot made directly (the service refuses holidays and past dates: these tests need them)."""
    actor = actor or get_user_model().objects.get(username="sysadmin")
    return Slot.objects.create(unit=unit, date=day, starts_at=dt.time(start), ends_at=dt.time(start + 1),
                               capacity=capacity, created_by=actor, window=window)


@pytest.fixture
def slot(cast, calendar, org):
    return make_slot(org["center"], TUE, actor=cast["sysadmin"])


def book_online(slot, id_number=ID, *, now=None, phone=PHONE, name="张三", ip=None):
    return booking.book(slot_id=slot.pk, name=name, id_number=id_number, phone=phone, now=now or at(MON, 10), ip=ip)


def sms_code(kind: str, phone: str = PHONE) -> str:
    """The 6-digit code in the newest SMS of ``kind`` to ``phone`` (read from the outbox, as the applicant would)."""
    message = next(m for m in Message.objects.filter(kind=kind).order_by("-id") if m.phone == phone)
    found = re.search(r"(?:确认码为|取消码)(\d{6})", message.body)
    assert found is not None, message.body
    return found.group(1)


def written() -> tuple[int, int, int]:
    return Appointment.objects.count(), AuditEntry.objects.count(), Message.objects.count()


def refused(exc_type, call, field: str | None = None):
    """Run ``call``; assert it raises ``exc_type`` naming ``field`` and writes no booking, audit row or SMS."""
    before = written()
    with pytest.raises(exc_type) as info:
        call()
    if field is not None:
        assert field in info.value.fields, info.value.fields
    assert written() == before
    return info.value


# --- the happy path ------------------------------------------------------------------------------------------------


def test_an_online_booking_is_held_until_the_sms_code_confirms_it(slot):
    before = AuditEntry.objects.count()
    held, code = book_online(slot)
    assert held.status == AppointmentStatus.HELD and held.channel == AppointmentChannel.ONLINE
    assert held.held_until == at(MON, 10) + dt.timedelta(minutes=15)
    assert held.number == f"YY{slot.unit.code}202603020001" and held.id_masked == "110***********" + ID[-4:]
    assert sms_code("APPOINTMENT_CODE") == code  # the code goes by SMS to the phone given
    assert AuditEntry.objects.count() == before + 1
    wrong = "222222" if code != "222222" else "333333"
    refused(NotFound, lambda: booking.confirm(number=held.number, code=wrong, now=at(MON, 10)), "number")
    done, cancel_code = booking.confirm(number=held.number.lower(), code=f" {code} ", now=at(MON, 10) +
                                        dt.timedelta(minutes=14))
    assert done.status == AppointmentStatus.BOOKED and done.held_until is None
    assert sms_code("APPOINTMENT_BOOKED") == cancel_code != code
    assert AuditEntry.objects.count() == before + 2
    # The confirmation code does not confirm twice; the cancellation code is now the one that works.
    refused(Conflict, lambda: booking.confirm(number=held.number, code=cancel_code, now=at(MON, 11)))


def test_staff_book_for_a_phone_caller_at_once_and_the_caller_gets_the_code_by_sms(cast, org, calendar):
    town_slot = make_slot(org["town_center"], TUE, actor=cast["sysadmin"])
    appointment, code = booking.book(slot_id=town_slot.pk, name="李四", id_number=ID, phone=PHONE, now=at(MON, 10),
                                     actor=cast["window_a"])  # the county's clerk: the town center is in scope
    assert appointment.status == AppointmentStatus.BOOKED and appointment.channel == AppointmentChannel.PHONE
    assert appointment.booked_by == cast["window_a"] and appointment.confirmed_at == at(MON, 10)
    assert sms_code("APPOINTMENT_BOOKED") == code


def test_phone_booking_out_of_the_clerks_scope_answers_like_a_missing_slot(cast, slot):
    # The town's clerk may not book at the county center; the answer is the missing slot's, nothing written.
    error = refused(DomainError, lambda: booking.book(slot_id=slot.pk, name="李四", id_number=ID, phone=PHONE,
                                                      now=at(MON, 10), actor=cast["town_window"]), "slot")
    missing = refused(DomainError, lambda: booking.book(slot_id=slot.pk + 999, name="李四", id_number=ID,
                                                        phone=PHONE, now=at(MON, 10), actor=cast["window_a"]), "slot")
    assert (type(error), error.message, error.fields) == (type(missing), missing.message, missing.fields)
    refused(DomainError, lambda: booking.book(slot_id=slot.pk, name="李四", id_number=ID, phone=PHONE,
                                              now=at(MON, 10), actor=cast["supervisor"]), "slot")  # no window rights


# --- refusals, each naming its field, nothing written ------------------------------------------------------------


def test_a_full_slot_is_refused_naming_the_slot(slot):
    book_online(slot)
    error = refused(DomainError, lambda: book_online(slot, OTHER_ID, phone="13900000000"), "slot")
    assert "约满" in error.message


def test_one_booking_per_person_per_day_at_any_center(cast, org, slot):
    book_online(slot)
    elsewhere = make_slot(org["town_center"], TUE, start=14, capacity=5, actor=cast["sysadmin"])
    error = refused(DomainError, lambda: book_online(elsewhere), "id_number")
    assert "同一人同一天只能预约一次" in error.message
    # Written in lower case with spaces, the same person is still the same person.
    refused(DomainError, lambda: book_online(elsewhere, " " + ID.lower() + " "), "id_number")
    # Another day is fine, and so is another person that day.
    book_online(make_slot(org["town_center"], WED, capacity=5, actor=cast["sysadmin"]))
    book_online(elsewhere, OTHER_ID)


def test_a_holiday_is_refused_naming_the_date(cast, org, calendar):
    before_national_day = at(dt.date(2026, 9, 28), 10)  # Monday; 2026-10-01…07 is the National Day holiday
    holiday = make_slot(org["center"], dt.date(2026, 10, 5), capacity=5, actor=cast["sysadmin"])
    assert booking.bookable_window(org["center"], before_national_day) == (dt.date(2026, 9, 29),
                                                                           dt.date(2026, 10, 10))
    error = refused(DomainError, lambda: book_online(holiday, now=before_national_day), "date")
    assert "节假日" in error.message
    assert booking.free_slots(org["center"], before_national_day) == []  # not offered either
    working = make_slot(org["center"], dt.date(2026, 10, 10), capacity=5, actor=cast["sysadmin"])  # 调休上班
    book_online(working, now=before_national_day)


def test_a_past_date_and_today_are_refused_naming_the_date(cast, org, calendar):
    past = make_slot(org["center"], MON - dt.timedelta(days=3), actor=cast["sysadmin"])
    today = make_slot(org["center"], MON, start=15, actor=cast["sysadmin"])
    assert "过去" in refused(DomainError, lambda: book_online(past), "date").message
    error = refused(DomainError, lambda: book_online(today), "date")
    assert "提前1天" in error.message and "03月03日" in error.message


def test_booking_reaches_five_working_days_ahead_and_no_further(cast, org, calendar):
    # From Monday 2026-03-02 the 5th working day is Monday 2026-03-09 (the weekend does not count).
    assert booking.bookable_window(org["center"], at(MON, 10)) == (TUE, NEXT_MON)
    book_online(make_slot(org["center"], NEXT_MON, actor=cast["sysadmin"]))
    error = refused(DomainError, lambda: book_online(make_slot(org["center"], NEXT_TUE, actor=cast["sysadmin"]),
                                                     OTHER_ID), "date")
    assert "5个工作日" in error.message and "03月09日" in error.message


def test_a_closed_slot_is_refused(cast, slot):
    booking.close_slot(actor=cast["sysadmin"], slot_id=slot.pk, now=at(MON, 9))
    refused(DomainError, lambda: book_online(slot), "slot")


@pytest.mark.parametrize(("field", "changes"), [
    ("id_number", {"id_number": "110105194912310021"}),  # the check character is wrong (SECURITY.md)
    ("id_number", {"id_number": "11010519491231002"}),  # 17 characters
    ("id_number", {"id_number": ""}),
    ("phone", {"phone": "12345678901"}),
    ("phone", {"phone": "1380000000"}),
    ("name", {"name": "  "}),
])
def test_a_bad_person_field_is_named(slot, field, changes):
    data = {"name": "张三", "id_number": ID, "phone": PHONE} | changes
    refused(DomainError, lambda: booking.book(slot_id=slot.pk, now=at(MON, 10), **data), field)


def test_every_bad_field_is_named_at_once(slot):
    error = refused(DomainError, lambda: booking.book(slot_id=slot.pk, name="", id_number="110105194912310021",
                                                      phone="123", now=at(MON, 10)))
    assert set(error.fields) == {"name", "id_number", "phone"}


def test_a_missing_slot_is_named_with_the_other_fields(calendar, cast):
    refused(DomainError, lambda: booking.book(slot_id="abc", name="张三", id_number=ID, phone=PHONE,
                                              now=at(MON, 10)), "slot")
    error = refused(DomainError, lambda: booking.book(slot_id="", name="", id_number=ID, phone=PHONE,
                                                      now=at(MON, 10)), "slot")
    assert "name" in error.fields  # one answer names every missing field


# --- the hold, cancellation and the release ----------------------------------------------------------------------


def test_a_hold_expires_after_15_minutes_and_frees_the_place(slot):
    held, code = book_online(slot)
    later = at(MON, 10) + dt.timedelta(minutes=14, seconds=59)
    refused(DomainError, lambda: book_online(slot, OTHER_ID, now=later, phone="13900000000"), "slot")  # still held
    expired = at(MON, 10) + dt.timedelta(minutes=15)
    error = refused(Conflict, lambda: booking.confirm(number=held.number, code=code, now=expired), "code")
    assert "15分钟" in error.message
    other, _ = book_online(slot, OTHER_ID, now=expired, phone="13900000000")  # the place is free again
    assert other.status == AppointmentStatus.HELD
    assert booking.free_slots(slot.unit, expired)[0].free == 0


def test_the_same_person_may_book_again_once_the_hold_ran_out(cast, org, slot):
    book_online(slot)
    again = make_slot(org["center"], TUE, start=14, capacity=3, actor=cast["sysadmin"])
    refused(DomainError, lambda: book_online(again, now=at(MON, 10) + dt.timedelta(minutes=10)), "id_number")
    second, _ = book_online(again, now=at(MON, 10) + dt.timedelta(minutes=16))
    assert Appointment.objects.get(slot=slot).status == AppointmentStatus.EXPIRED  # expired in that transaction
    assert second.status == AppointmentStatus.HELD


def confirmed(slot, id_number=ID, now=None, phone=PHONE):
    held, code = book_online(slot, id_number, now=now, phone=phone)
    return booking.confirm(number=held.number, code=code, now=now or at(MON, 10))


def test_cancel_needs_the_cancellation_code_and_two_hours(slot):
    appointment, cancel_code = confirmed(slot)  # Tuesday 09:00
    refused(NotFound, lambda: booking.cancel(number=appointment.number, code="000000", now=at(MON, 12)), "number")
    refused(NotFound, lambda: booking.cancel(number="YY000", code=cancel_code, now=at(MON, 12)), "number")
    too_late = at(TUE, 7) + dt.timedelta(minutes=1)  # 1 h 59 min before the slot
    error = refused(Conflict, lambda: booking.cancel(number=appointment.number, code=cancel_code, now=too_late))
    assert "2小时" in error.message
    done = booking.cancel(number=appointment.number, code=cancel_code, now=at(TUE, 7))
    assert done.status == AppointmentStatus.CANCELLED and done.cancelled_at == at(TUE, 7)
    assert Message.objects.filter(kind="APPOINTMENT_CANCELLED").count() == 1
    refused(Conflict, lambda: booking.cancel(number=appointment.number, code=cancel_code, now=at(TUE, 7)))


def test_a_cancelled_place_is_released_only_after_30_minutes(slot):
    appointment, cancel_code = confirmed(slot)
    booking.cancel(number=appointment.number, code=cancel_code, now=at(MON, 12))
    almost = at(MON, 12) + dt.timedelta(minutes=29, seconds=59)
    assert booking.free_slots(slot.unit, almost)[0].free == 0
    refused(DomainError, lambda: book_online(slot, OTHER_ID, now=almost, phone="13900000000"), "slot")
    released = at(MON, 12) + dt.timedelta(minutes=30)
    assert booking.free_slots(slot.unit, released)[0].free == 1
    assert book_online(slot, OTHER_ID, now=released, phone="13900000000")[0].status == AppointmentStatus.HELD


def test_staff_cancel_within_their_scope_only(cast, slot):
    appointment, _ = confirmed(slot)
    refused(NotFound, lambda: booking.cancel(number=appointment.number, now=at(MON, 12), actor=cast["town_window"]),
            "number")
    assert booking.cancel(number=appointment.number, now=at(MON, 12),
                          actor=cast["window_b"]).status == AppointmentStatus.CANCELLED


# --- no-shows and the suspension ---------------------------------------------------------------------------------


def no_show_on(unit, day: dt.date, id_number: str = ID) -> Appointment:
    """A past booking recorded as 爽约 (made directly: the services only book ahead)."""
    slot = make_slot(unit, day, capacity=5)
    return Appointment.objects.create(
        number=f"YYTEST{day:%Y%m%d}", slot=slot, unit=unit, date=day, channel=AppointmentChannel.ONLINE,
        status=AppointmentStatus.NO_SHOW, name="张三", id_number=id_number, phone=PHONE, code_hash="x",
        created_at=at(day - dt.timedelta(days=2)))


def test_three_no_shows_in_90_days_suspend_booking_until_the_oldest_is_older_than_90_days(cast, org, slot):
    first = dt.date(2026, 1, 5)
    for day in (first, dt.date(2026, 1, 20), dt.date(2026, 2, 10)):
        no_show_on(org["center"], day)
    error = refused(DomainError, lambda: book_online(slot), "id_number")
    reopens = first + dt.timedelta(days=91)  # 2026-04-06
    assert "爽约已达3次" in error.message and f"{reopens:%Y年%m月%d日}" in error.message
    person = blind_index("id", ID)
    assert booking.suspended_until(person, at(MON)) == reopens
    assert booking.suspended_until(person, at(reopens - dt.timedelta(days=1), 23)) == reopens  # still 90 days old
    assert booking.suspended_until(person, at(reopens, 0)) is None  # the date named is the first day it works
    assert booking.suspended_until(blind_index("id", OTHER_ID), at(MON)) is None
    book_online(slot, OTHER_ID)  # someone else books the place


def test_two_no_shows_or_old_ones_do_not_suspend(cast, org, slot):
    no_show_on(org["center"], dt.date(2025, 11, 1))  # more than 90 days before 2026-03-02
    no_show_on(org["center"], dt.date(2026, 1, 20))
    no_show_on(org["center"], dt.date(2026, 2, 10))
    assert book_online(slot)[0].status == AppointmentStatus.HELD


def test_staff_mark_a_no_show_only_after_the_slot(cast, slot):
    appointment, _ = confirmed(slot)
    refused(Conflict, lambda: booking.mark_no_show(actor=cast["window_a"], number=appointment.number,
                                                   now=at(TUE, 9) + dt.timedelta(minutes=59)))
    refused(NotFound, lambda: booking.mark_no_show(actor=cast["town_window"], number=appointment.number,
                                                   now=at(TUE, 11)), "number")
    done = booking.mark_no_show(actor=cast["window_a"], number=appointment.number, now=at(TUE, 10))
    assert done.status == AppointmentStatus.NO_SHOW
    refused(Conflict, lambda: booking.mark_no_show(actor=cast["window_a"], number=appointment.number,
                                                   now=at(TUE, 11)))


def test_the_sweep_marks_no_shows_after_the_slot_ends_and_is_idempotent(cast, org, slot):
    appointment, _ = confirmed(slot)  # Tuesday 09:00–10:00
    arrived, _ = confirmed(make_slot(org["center"], TUE, start=8, capacity=2), OTHER_ID, phone="13900000000")
    Appointment.objects.filter(pk=arrived.pk).update(status=AppointmentStatus.ARRIVED)
    held, _ = book_online(make_slot(org["center"], WED), resident_id(3), phone="13700000000")
    audits = AuditEntry.objects.count()
    assert booking.sweep_no_shows(at(TUE, 9) + dt.timedelta(minutes=59)) == 0
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.BOOKED
    assert Appointment.objects.get(pk=held.pk).status == AppointmentStatus.EXPIRED  # its hold ran out on Monday
    assert AuditEntry.objects.count() == audits + 1
    assert booking.sweep_no_shows(at(TUE, 10)) == 1
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.NO_SHOW
    assert Appointment.objects.get(pk=arrived.pk).status == AppointmentStatus.ARRIVED  # came: not a no-show
    assert AuditEntry.objects.count() == audits + 2
    assert booking.sweep_no_shows(at(TUE, 10)) == 0 and booking.sweep_no_shows(at(WED, 10)) == 0
    assert AuditEntry.objects.count() == audits + 2  # nothing to do: nothing written


# --- reminders ---------------------------------------------------------------------------------------------------


def test_reminders_go_once_from_16_00_for_the_next_working_day_only(cast, org, slot):
    tuesday, _ = confirmed(slot)
    wednesday, _ = confirmed(make_slot(org["center"], WED), OTHER_ID, phone="13900000000")
    assert booking.send_reminders(at(MON, 15) + dt.timedelta(minutes=59)) == 0
    assert not Message.objects.filter(kind="APPOINTMENT_REMINDER").exists()
    assert booking.send_reminders(at(MON, 16)) == 1
    reminders = list(Message.objects.filter(kind="APPOINTMENT_REMINDER"))
    assert [m.phone for m in reminders] == [PHONE] and tuesday.number in reminders[0].body
    assert booking.send_reminders(at(MON, 17)) == 0  # once
    assert Appointment.objects.get(pk=wednesday.pk).reminded_at is None
    assert booking.send_reminders(at(TUE, 16)) == 1  # Wednesday's, on Tuesday
    assert Message.objects.filter(kind="APPOINTMENT_REMINDER").count() == 2


def test_the_reminder_before_a_holiday_is_for_the_first_working_day_after_it(cast, org, calendar):
    before = at(dt.date(2026, 9, 28), 10)
    after_holiday = make_slot(org["center"], dt.date(2026, 10, 8), actor=cast["sysadmin"])
    confirmed(after_holiday, now=before)
    assert booking.send_reminders(at(dt.date(2026, 9, 29), 16)) == 0  # Wednesday 30th is the next working day
    assert booking.send_reminders(at(dt.date(2026, 9, 30), 16)) == 1


def test_no_sms_ever_carries_the_full_id_number(cast, org, slot):
    appointment, cancel_code = confirmed(slot)
    booking.send_reminders(at(MON, 16))
    booking.cancel(number=appointment.number, code=cancel_code, now=at(MON, 17))
    booking.book(slot_id=make_slot(org["center"], WED).pk, name="李四", id_number=OTHER_ID, phone="13900000000",
                 now=at(MON, 17), actor=cast["window_a"])
    bodies = [m.body for m in Message.objects.filter(channel="SMS")]
    assert {m.kind for m in Message.objects.all()} == {"APPOINTMENT_CODE", "APPOINTMENT_BOOKED",
                                                       "APPOINTMENT_REMINDER", "APPOINTMENT_CANCELLED"}
    for body in bodies:
        for secret in (ID, OTHER_ID, ID[:12], OTHER_ID[:12]):
            assert secret not in body, body


# --- throttle ----------------------------------------------------------------------------------------------------


def test_online_booking_is_limited_per_address(settings, cast, org, slot):
    settings.BIANMIN = {**settings.BIANMIN, "HALL": {**settings.BIANMIN["HALL"], "BOOKINGS_PER_ADDRESS_HOUR": 2}}
    roomy = make_slot(org["center"], WED, capacity=9)
    book_online(roomy, resident_id(11), ip="198.51.100.9")
    book_online(roomy, resident_id(12), ip="198.51.100.9")
    error = refused(TooManyRequests, lambda: book_online(roomy, resident_id(13), ip="198.51.100.9"))
    assert error.status == 429 and error.retry_after == 3600
    book_online(roomy, resident_id(13), ip="198.51.100.10")  # another address
    book_online(roomy, resident_id(14), ip="198.51.100.9", now=at(MON, 11) + dt.timedelta(minutes=1))


# --- slots -------------------------------------------------------------------------------------------------------


def test_parse_time_ranges():
    assert booking.parse_time_ranges("10:00-11:00， 09:00-10:00；14:00~15:30") == [
        (dt.time(9), dt.time(10)), (dt.time(10), dt.time(11)), (dt.time(14), dt.time(15, 30))]
    for bad in ("", "9点到10点", "10:00-09:00", "09:00-10:30, 10:00-11:00"):
        with pytest.raises(DomainError) as info:
            booking.parse_time_ranges(bad)
        assert "times" in info.value.fields


def test_managers_open_slots_on_working_days_once(cast, org, calendar):
    window = Window.objects.get(unit=org["center"])
    times = booking.parse_time_ranges("09:00-10:00, 10:00-11:00")
    made = booking.open_slots(actor=cast["sysadmin"], unit_id=org["center"].pk, first_date=FRI,
                              last_date=NEXT_MON, times=times, capacity=3, now=at(MON), window_id=window.pk)
    assert sorted((s.date, s.starts_at) for s in made) == [(FRI, dt.time(9)), (FRI, dt.time(10)),
                                                           (NEXT_MON, dt.time(9)), (NEXT_MON, dt.time(10))]
    again = booking.open_slots(actor=cast["sysadmin"], unit_id=org["center"].pk, first_date=FRI,
                               last_date=NEXT_MON, times=times, capacity=3, now=at(MON), window_id=window.pk)
    assert again == [] and Slot.objects.count() == 4
    views = booking.free_slots(org["center"], at(MON, 10))
    assert [(v.slot.date, v.free) for v in views] == [(FRI, 3), (FRI, 3), (NEXT_MON, 3), (NEXT_MON, 3)]
    upcoming = list(booking.upcoming_slots(cast["sysadmin"], at(MON)))
    assert [(s.taken, s.free) for s in upcoming] == [(0, 3)] * 4
    assert list(booking.upcoming_slots(cast["window_a"], at(MON))) == []  # managers only


def test_opening_slots_is_refused_naming_the_field(cast, org, calendar):
    times = [(dt.time(9), dt.time(10))]

    def attempt(actor=None, **changes):
        data = {"unit_id": org["center"].pk, "first_date": TUE, "last_date": FRI, "times": times, "capacity": 2,
                "now": at(MON)} | changes
        return lambda: booking.open_slots(actor=actor or cast["sysadmin"], **data)

    refused(Forbidden, attempt(cast["window_a"]))
    refused(DomainError, attempt(first_date=MON - dt.timedelta(days=1)), "first_date")
    refused(DomainError, attempt(last_date=MON), "last_date")
    refused(DomainError, attempt(last_date=TUE + dt.timedelta(days=93)), "last_date")
    refused(DomainError, attempt(capacity=0), "capacity")
    refused(DomainError, attempt(window_id=999), "window")
    refused(DomainError, attempt(service_type_id=999), "service_type")
    refused(DomainError, attempt(item_id=999), "item")
    assert Slot.objects.count() == 0


def test_a_center_out_of_scope_answers_not_found(cast, org, calendar, django_user_model):
    town_admin = make_user(django_user_model, "town_admin", Role.SYSADMIN, org["town_center"])
    county_slot = make_slot(org["center"], TUE)
    refused(NotFound, lambda: booking.open_slots(actor=town_admin, unit_id=org["center"].pk, first_date=TUE,
                                                 last_date=TUE, times=[(dt.time(9), dt.time(10))], capacity=1,
                                                 now=at(MON)), "unit")
    out = refused(NotFound, lambda: booking.close_slot(actor=town_admin, slot_id=county_slot.pk, now=at(MON)),
                  "slot")
    missing = refused(NotFound, lambda: booking.close_slot(actor=town_admin, slot_id=county_slot.pk + 99,
                                                           now=at(MON)), "slot")
    assert (out.message, out.fields) == (missing.message, missing.fields)  # out of scope answers like missing
    assert Slot.objects.get(pk=county_slot.pk).is_active


def test_free_slots_count_places_and_filter_by_item(cast, org, item, slot):
    roomy = make_slot(org["center"], WED, capacity=3)
    Slot.objects.filter(pk=roomy.pk).update(item=item.item)
    book_online(roomy)
    views = booking.free_slots(org["center"], at(MON, 10))
    assert [(v.slot.pk, v.free) for v in views] == [(slot.pk, 1), (roomy.pk, 2)]
    assert [v.slot.pk for v in booking.free_slots(org["center"], at(MON, 10), item_id=item.item_id)] == [
        slot.pk, roomy.pk]  # a slot for no particular item serves every item
    assert booking.item_names([item.item_id, None]) == {item.item_id: "食品经营许可"}


def test_the_staff_list_is_scoped_and_searchable(cast, org, slot):
    a, _ = confirmed(slot)
    town = make_slot(org["town_center"], TUE, start=14)
    b, _ = confirmed(town, OTHER_ID, phone="13900000000")
    assert set(booking.appointments_for(cast["window_a"])) == {a, b}
    assert list(booking.appointments_for(cast["town_window"])) == [b]
    assert list(booking.appointments_for(cast["supervisor"])) == []  # no window rights
    assert list(booking.appointments_for(cast["window_a"], day=TUE, q=a.number.lower())) == [a]
    assert list(booking.appointments_for(cast["window_a"], q="张")) == [a, b]
    assert list(booking.appointments_for(cast["window_a"], day=WED)) == []


# --- review fixes: what an ID number alone reveals, excusing a no-show, the unknown address -----------------------


def test_an_id_number_alone_does_not_reveal_another_phones_bookings_or_no_shows(cast, org, slot):
    first = dt.date(2026, 1, 5)
    for day in (first, dt.date(2026, 1, 20), dt.date(2026, 2, 10)):
        no_show_on(org["center"], day)
    error = refused(DomainError, lambda: book_online(slot, phone="13911112222"), "id_number")
    assert "爽约" not in error.message and "2026" not in error.message  # someone else's phone: nothing told
    assert "爽约已达3次" in refused(DomainError, lambda: book_online(slot), "id_number").message  # the person's own


def test_the_same_day_refusal_names_the_date_only_to_the_same_phone(cast, org, slot):
    other = make_slot(org["center"], slot.date, start=14, capacity=2)
    book_online(slot)
    error = refused(DomainError, lambda: book_online(other, phone="13911112222"), "id_number")
    assert f"{slot.date:%Y年%m月%d日}" not in error.message and "同一人同一天只能预约一次" in error.message
    assert f"{slot.date:%Y年%m月%d日}" in refused(DomainError, lambda: book_online(other), "id_number").message


def test_staff_excuse_a_no_show_with_a_reason_and_it_no_longer_counts(cast, org, slot):
    rows = [no_show_on(org["center"], day) for day in (dt.date(2026, 1, 5), dt.date(2026, 1, 20),
                                                         dt.date(2026, 2, 10))]
    refused(DomainError, lambda: booking.excuse_no_show(actor=cast["window_a"], number=rows[0].number, reason=" ",
                                                        now=at(MON)), "reason")
    refused(NotFound, lambda: booking.excuse_no_show(actor=cast["town_window"], number=rows[0].number,
                                                     reason="冒用", now=at(MON)), "number")
    done = booking.excuse_no_show(actor=cast["window_a"], number=rows[0].number, reason="经核实系他人冒用身份证预约",
                                  now=at(MON))
    assert done.status == AppointmentStatus.EXCUSED
    assert booking.suspended_until(blind_index("id", ID), at(MON)) is None
    refused(Conflict, lambda: booking.excuse_no_show(actor=cast["window_a"], number=rows[0].number, reason="再次",
                                                     now=at(MON)))


def test_a_staff_booking_out_of_scope_answers_exactly_like_a_missing_one(cast, slot):
    held, _code = booking.book(slot_id=slot.pk, name="张三", id_number=ID, phone=PHONE, now=at(MON, 10),
                               actor=cast["window_a"])
    out = refused(NotFound, lambda: booking.cancel(number=held.number, now=at(MON, 10), actor=cast["town_window"]))
    missing = refused(NotFound, lambda: booking.cancel(number="YYNONE", now=at(MON, 10), actor=cast["window_a"]))
    assert (out.message, out.fields) == (missing.message, missing.fields)


def test_the_public_path_is_limited_even_when_the_address_is_unknown(settings, cast, org, slot):
    settings.BIANMIN = {**settings.BIANMIN, "HALL": {**settings.BIANMIN["HALL"], "BOOKINGS_PER_ADDRESS_HOUR": 1}}
    other = make_slot(org["center"], slot.date, start=14, capacity=2)
    book_online(slot, ip=None)
    refused(TooManyRequests, lambda: book_online(other, OTHER_ID, ip=None))
