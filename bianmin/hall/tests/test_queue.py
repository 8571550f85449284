"""取号叫号 (issue 18 item 4, decision 0025 §3): the call order, the window's calls, the estimated wait, the scope."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from bianmin.audit.models import AuditEntry
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.hall import queue as q
from bianmin.hall.models import AppointmentStatus, Counter, ServiceType, Ticket, TicketSource, TicketStatus

from .queue_helpers import PHONE, T0, booking, make_hall, minutes, other_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(cast, org):
    return make_hall(cast, org)


def take(hall, kind=None, at=T0, **kw):
    return q.take_ticket(unit_id=hall.center.pk, service_type_id=(kind or hall.a).pk, now=at, kiosk=True, **kw)


def call(cast, window, at, who="window_a"):
    return q.call_next(actor=cast[who], window_id=window.pk, now=at)


def status_of(ticket):
    ticket.refresh_from_db()
    return ticket.status


# --- taking a ticket ---------------------------------------------------------------------------------------------


def test_tickets_are_numbered_per_type_and_day(cast, hall):
    assert [take(hall).number, take(hall).number, take(hall, hall.b).number] == ["A001", "A002", "B001"]
    tomorrow = T0 + minutes(24 * 60)
    assert take(hall, at=tomorrow).number == "A001"
    staff = q.take_ticket(unit_id=hall.center.pk, service_type_id=hall.a.pk, now=T0, actor=cast["window_a"])
    assert staff.source == TicketSource.STAFF and staff.created_by == cast["window_a"] and staff.number == "A003"
    assert AuditEntry.objects.filter(object_type="hall.Ticket", summary__startswith="取号：").count() == 5


def test_a_ticket_needs_an_active_type_of_the_center(cast, hall, django_user_model):
    far = other_county(django_user_model)
    with pytest.raises(DomainError) as exc:
        take(hall, far["type"])  # a type of another center
    assert list(exc.value.fields) == ["service_type"]
    hall.b.is_active = False
    hall.b.save()
    with pytest.raises(DomainError):
        take(hall, hall.b)
    with pytest.raises(NotFound):  # staff take tickets only at centers in their scope
        q.take_ticket(unit_id=hall.center.pk, service_type_id=hall.a.pk, now=T0, actor=far["clerk"])
    with pytest.raises(NotFound):  # nor without a kiosk or an actor
        q.take_ticket(unit_id=hall.center.pk, service_type_id=hall.a.pk, now=T0)
    assert not Ticket.objects.exists()


# --- the call order ----------------------------------------------------------------------------------------------


def test_walk_ins_are_called_in_the_order_they_were_taken(cast, hall):
    first, second = take(hall), take(hall, at=T0 + minutes(1))
    assert call(cast, hall.w1, T0 + minutes(2)) == first
    q.start(actor=cast["window_a"], ticket_id=first.pk, now=T0 + minutes(3))
    assert call(cast, hall.w1, T0 + minutes(9)) == second
    first.refresh_from_db()
    assert first.status == TicketStatus.DONE and first.finished_at == T0 + minutes(9)


def test_an_appointment_goes_ahead_of_earlier_walk_ins_two_minutes_before_its_slot(cast, hall):
    early = take(hall, at=T0)  # 09:00
    later = take(hall, at=T0 + minutes(10))  # 09:10
    booking(cast, hall, starts=T0 + minutes(30))  # slot 09:30
    booked = q.check_in(unit_id=hall.center.pk, number="YY2603020001", phone_last4="8000", now=T0 + minutes(5))
    assert booked.source == TicketSource.APPOINTMENT and booked.priority == 0
    assert booked.ready_at == T0 + minutes(28) and booked.appointment.status == AppointmentStatus.ARRIVED
    # 09:27: not yet in the call order, the walk-ins go first.
    assert call(cast, hall.w1, T0 + minutes(27)) == early
    # 09:28: ahead of the walk-in who came earlier.
    assert call(cast, hall.w2, T0 + minutes(28), who="window_b") == booked
    assert status_of(later) == TicketStatus.WAITING


def test_an_appointment_checked_in_after_its_time_joins_at_once_and_after_its_slot_as_a_walk_in(cast, hall):
    booking(cast, hall, starts=T0)
    on_time = q.check_in(unit_id=hall.center.pk, number="YY2603020001", phone_last4="8000", now=T0 + minutes(10))
    assert (on_time.ready_at, on_time.priority) == (T0 + minutes(10), 0)
    booking(cast, hall, starts=T0, number="YY2603020002", phone="13900139000", id_number="440524188001010014")
    late = q.check_in(unit_id=hall.center.pk, number="YY2603020002", phone_last4="9000", now=T0 + minutes(31))
    assert (late.ready_at, late.priority) == (T0 + minutes(31), 1)


def test_check_in_refusals(cast, hall):
    booking(cast, hall, starts=T0 + minutes(30))
    with pytest.raises(NotFound) as exc:
        q.check_in(unit_id=hall.center.pk, number="YY2603020001", phone_last4="1234", now=T0)
    assert list(exc.value.fields) == ["number"]
    with pytest.raises(Conflict):  # not today
        q.check_in(unit_id=hall.center.pk, number="YY2603020001", phone_last4="8000", now=T0 - minutes(24 * 60))
    q.check_in(unit_id=hall.center.pk, number="YY2603020001", phone_last4="8000", now=T0)
    with pytest.raises(Conflict):  # already checked in
        q.check_in(unit_id=hall.center.pk, number="YY2603020001", phone_last4="8000", now=T0)
    assert Ticket.objects.count() == 1


def test_call_next_calls_only_the_windows_business_types(cast, hall):
    estate = take(hall, hall.b)
    assert call(cast, hall.w1, T0 + minutes(1)) is None  # window 01 calls A only
    assert status_of(estate) == TicketStatus.WAITING
    assert call(cast, hall.w3, T0 + minutes(1), who="window_b") == estate
    estate.refresh_from_db()
    assert estate.window == hall.w3 and estate.called_by == cast["window_b"].staff_profile


def test_call_next_returns_none_when_nobody_waits(cast, hall):
    assert call(cast, hall.w1, T0) is None
    assert Counter.objects.filter(window=hall.w1, closed_at__isnull=True).count() == 1  # the window is open now


def test_call_next_refuses_while_the_called_ticket_is_pending(cast, hall):
    first, second = take(hall), take(hall)
    assert call(cast, hall.w1, T0 + minutes(1)) == first
    with pytest.raises(Conflict) as exc:
        call(cast, hall.w1, T0 + minutes(2))
    assert "A001" in exc.value.message and list(exc.value.fields) == ["ticket"]
    assert status_of(first) == TicketStatus.CALLED and status_of(second) == TicketStatus.WAITING


def test_call_next_finishes_the_ticket_being_served(cast, hall):
    first, second = take(hall), take(hall)
    call(cast, hall.w1, T0 + minutes(1))
    q.start(actor=cast["window_a"], ticket_id=first.pk, now=T0 + minutes(2))
    assert call(cast, hall.w1, T0 + minutes(8)) == second
    first.refresh_from_db()
    assert (first.status, first.serving_at, first.finished_at) == (TicketStatus.DONE, T0 + minutes(2), T0 + minutes(8))
    assert AuditEntry.objects.filter(object_type="hall.Ticket", object_id=str(first.pk),
                                     summary__startswith="办结：A001").exists()
    # the last one served is finished too when nobody else waits
    q.start(actor=cast["window_a"], ticket_id=second.pk, now=T0 + minutes(9))
    assert call(cast, hall.w1, T0 + minutes(12)) is None
    assert status_of(second) == TicketStatus.DONE


def test_recall_allows_three_calls_in_all_then_only_drop(cast, hall):
    ticket = take(hall)
    call(cast, hall.w1, T0 + minutes(1))
    for n in (2, 3):
        assert q.recall(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(n)).call_count == n
    with pytest.raises(Conflict):
        q.recall(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(4))
    ticket.refresh_from_db()
    assert ticket.call_count == 3 and ticket.last_called_at == T0 + minutes(3)
    dropped = q.drop(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(5))
    assert (dropped.status, dropped.finished_at) == (TicketStatus.NO_SHOW, T0 + minutes(5))
    with pytest.raises(Conflict):  # only a called ticket is recalled
        q.recall(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(6))


def test_skip_and_drop_then_requeue_at_the_end_of_the_walk_ins(cast, hall):
    first, second = take(hall), take(hall, at=T0 + minutes(1))
    take(hall, at=T0 + minutes(2))
    call(cast, hall.w1, T0 + minutes(3))
    assert q.skip(actor=cast["window_a"], ticket_id=first.pk, now=T0 + minutes(4)).status == TicketStatus.SKIPPED
    assert call(cast, hall.w1, T0 + minutes(5)) == second
    assert q.drop(actor=cast["window_a"], ticket_id=second.pk, now=T0 + minutes(6)).status == TicketStatus.NO_SHOW
    back = q.requeue(actor=cast["window_a"], ticket_id=first.pk, now=T0 + minutes(7))
    assert (back.status, back.ready_at, back.call_count, back.window) == (TicketStatus.WAITING, T0 + minutes(7), 0,
                                                                          None)
    q.requeue(actor=cast["window_b"], ticket_id=second.pk, now=T0 + minutes(8))
    # the requeued tickets queue behind the one that kept its place, in the order they were put back
    order = []
    for m in (9, 10, 11):
        called = call(cast, hall.w1, T0 + minutes(m))
        order.append(called.number)
        q.skip(actor=cast["window_a"], ticket_id=called.pk, now=T0 + minutes(m))
    assert order == ["A003", "A001", "A002"]
    waiting = take(hall, at=T0 + minutes(12))
    with pytest.raises(Conflict):  # only a skipped or dropped ticket goes back
        q.requeue(actor=cast["window_a"], ticket_id=waiting.pk, now=T0 + minutes(12))


def test_requeue_only_on_the_same_day(cast, hall):
    ticket = take(hall)
    call(cast, hall.w1, T0 + minutes(1))
    q.skip(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(2))
    with pytest.raises(Conflict):
        q.requeue(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(24 * 60))


def test_finish_and_start_need_a_called_ticket(cast, hall):
    ticket = take(hall)
    for action in (q.start, q.finish, q.skip, q.drop):
        with pytest.raises(Conflict):
            action(actor=cast["window_a"], ticket_id=ticket.pk, now=T0)
    call(cast, hall.w1, T0 + minutes(1))
    assert q.finish(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(4)).status == TicketStatus.DONE
    with pytest.raises(Conflict):
        q.finish(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(5))


def test_every_change_is_audited(cast, hall):
    ticket = take(hall)
    before = AuditEntry.objects.count()
    call(cast, hall.w1, T0 + minutes(1))
    q.recall(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(2))
    q.start(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(3))
    q.finish(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(4))
    summaries = list(AuditEntry.objects.order_by("seq").values_list("summary", flat=True)[before:])
    assert [s.split("：")[0] for s in summaries] == ["开窗叫号", "叫号", "重呼", "开始办理", "办结"]


# --- who may -----------------------------------------------------------------------------------------------------


def test_windows_and_tickets_of_another_county_are_not_found(cast, hall, django_user_model):
    far = other_county(django_user_model)
    theirs = q.take_ticket(unit_id=far["center"].pk, service_type_id=far["type"].pk, now=T0, kiosk=True)
    ours = take(hall)
    with pytest.raises(NotFound):
        q.call_next(actor=cast["window_a"], window_id=far["window"].pk, now=T0)
    with pytest.raises(NotFound):
        q.open_counter(actor=far["clerk"], window_id=hall.w1.pk, now=T0)
    q.call_next(actor=far["clerk"], window_id=far["window"].pk, now=T0)
    for action in (q.recall, q.skip, q.drop, q.start, q.finish):
        with pytest.raises(NotFound):
            action(actor=cast["window_a"], ticket_id=theirs.pk, now=T0)
    assert status_of(theirs) == TicketStatus.CALLED and status_of(ours) == TicketStatus.WAITING
    assert set(q.callable_windows(cast["window_a"])) == {hall.w1, hall.w2, hall.w3}
    assert list(q.callable_windows(far["clerk"])) == [far["window"]]


def test_only_window_staff_call(cast, hall):
    with pytest.raises(Forbidden):
        q.call_next(actor=cast["supervisor"], window_id=hall.w1.pk, now=T0)
    assert not q.callable_windows(cast["supervisor"]).exists()
    assert not q.callable_windows(cast["town_window"]).exists()  # the town center has no business types


def test_open_and_close_a_window(cast, hall):
    counter = q.open_counter(actor=cast["window_a"], window_id=hall.w1.pk, now=T0)
    assert q.open_counter(actor=cast["window_a"], window_id=hall.w1.pk, now=T0) == counter  # already open
    taken_over = q.open_counter(actor=cast["window_b"], window_id=hall.w1.pk, now=T0 + minutes(5))
    counter.refresh_from_db()
    assert counter.closed_at == T0 + minutes(5) and taken_over.staff == cast["window_b"].staff_profile
    q.close_counter(actor=cast["window_b"], window_id=hall.w1.pk, now=T0 + minutes(6))
    with pytest.raises(Conflict):
        q.close_counter(actor=cast["window_b"], window_id=hall.w1.pk, now=T0 + minutes(7))


# --- the estimated wait ------------------------------------------------------------------------------------------


def test_estimated_wait_is_people_ahead_times_average_over_open_windows(cast, hall):
    tickets = [take(hall, at=T0 + minutes(i)) for i in range(5)]
    last = tickets[-1]
    pos = q.position(last, T0 + minutes(5))
    assert (pos.ahead, pos.open_windows, pos.average_minutes, pos.wait_minutes) == (4, 0, 10.0, 40)  # at least 1
    q.open_counter(actor=cast["window_a"], window_id=hall.w1.pk, now=T0 + minutes(5))
    assert q.position(last, T0 + minutes(5)).wait_minutes == 40
    q.open_counter(actor=cast["window_b"], window_id=hall.w2.pk, now=T0 + minutes(5))
    pos = q.position(last, T0 + minutes(5))
    assert (pos.open_windows, pos.wait_minutes) == (2, 20)  # two open windows halve it
    # today's finished tickets replace the default: served from 09:06 to 09:12, six minutes
    call(cast, hall.w1, T0 + minutes(6))
    q.start(actor=cast["window_a"], ticket_id=tickets[0].pk, now=T0 + minutes(6))
    q.finish(actor=cast["window_a"], ticket_id=tickets[0].pk, now=T0 + minutes(12))
    pos = q.position(last, T0 + minutes(12))
    assert (pos.ahead, pos.average_minutes, pos.wait_minutes) == (3, 6.0, 9)  # ⌈3 × 6 ÷ 2⌉
    # a window of another type does not count
    q.open_counter(actor=cast["window_a"], window_id=hall.w3.pk, now=T0 + minutes(12))
    assert q.position(last, T0 + minutes(12)).open_windows == 2
    assert q.position(tickets[0], T0 + minutes(12)).ahead == 0  # not waiting


def test_an_appointment_counts_ahead_of_a_walk_in_only_once_it_has_joined(cast, hall):
    booking(cast, hall, starts=T0 + minutes(60))  # 10:00, joins at 09:58
    q.check_in(unit_id=hall.center.pk, number="YY2603020001", phone_last4="8000", now=T0)
    walk_in = take(hall, at=T0 + minutes(1))
    assert q.position(walk_in, T0 + minutes(30)).ahead == 0
    assert q.position(walk_in, T0 + minutes(58)).ahead == 1


def test_waiting_by_type_counts_todays_waiting_tickets(cast, hall):
    take(hall)
    take(hall)
    take(hall, hall.b)
    call(cast, hall.w1, T0 + minutes(1))
    counts = {row["letter"]: row["waiting"] for row in q.waiting_by_type(hall.center, T0 + minutes(1))}
    assert counts == {"A": 1, "B": 1}
    assert q.ticket_by_number(hall.center, " a002 ", T0.date()).number == "A002"


# --- a ticket becomes a case or an inquiry -----------------------------------------------------------------------


def test_link_records_the_inquiry_and_starts_the_service(cast, hall):
    from bianmin.inquiries import services as inq

    ticket = take(hall)
    with transaction.atomic():
        inquiry = inq.register_inquiry(actor=cast["window_a"], channel="WINDOW", matter="咨询社保", now=T0)
        with pytest.raises(Conflict):  # a waiting ticket has not been called to a window
            q.link(actor=cast["window_a"], ticket_id=ticket.pk, now=T0, inquiry=inquiry)
    call(cast, hall.w1, T0 + minutes(1))
    with transaction.atomic():
        linked = q.link(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(2), inquiry=inquiry)
    assert (linked.inquiry, linked.status, linked.serving_at) == (inquiry, TicketStatus.SERVING, T0 + minutes(2))
    with transaction.atomic(), pytest.raises(Conflict):  # one inquiry per ticket
        q.link(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(3), inquiry=inquiry)


# --- the admin ---------------------------------------------------------------------------------------------------


def test_business_types_are_set_in_the_admin_and_audited(client, cast, hall):
    from django.contrib.auth.models import Permission

    from bianmin.audit.models import AuditAction
    from bianmin.hall.models import ServiceType
    from conftest import sign_in

    admin = cast["sysadmin"]
    # The hall's model permissions come with the system administrator's role once ``hall`` is in
    # accounts.roles.SYSADMIN_MODEL_APPS; given here directly.
    admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="hall"))
    sign_in(client, admin)
    page = client.get("/admin/hall/servicetype/add/").content.decode()
    assert 'name="windows"' in page and "selectfilter" in page  # filter_horizontal
    r = client.post("/admin/hall/servicetype/add/", {
        "unit": hall.center.pk, "letter": "C", "name": "社保医保", "windows": [hall.w2.pk, hall.w3.pk],
        "default_minutes": 8, "is_active": "on", "position": 3})
    assert r.status_code == 302, r.content.decode()[:2000]
    created = ServiceType.objects.get(letter="C")
    assert set(created.windows.all()) == {hall.w2, hall.w3}
    entry = AuditEntry.objects.get(action=AuditAction.CONFIG_CREATE, object_type="hall.ServiceType")
    assert entry.actor == admin and entry.summary == "新增业务类型：C 社保医保"
    take(hall)
    assert client.get("/admin/hall/ticket/").status_code == 200
    assert client.get("/admin/hall/ticket/add/").status_code == 403  # written by the queue's services only
    ticket = Ticket.objects.get()
    assert client.post(f"/admin/hall/ticket/{ticket.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Ticket.objects.exists()


# --- review fixes --------------------------------------------------------------------------------------------------


def test_a_clerk_acts_only_on_the_tickets_of_their_own_open_window(cast, hall):
    ticket = q.take_ticket(unit_id=hall.center.pk, service_type_id=hall.a.pk, now=T0, kiosk=True)
    called = q.call_next(actor=cast["window_a"], window_id=hall.w1.pk, now=T0 + minutes(1))
    assert called is not None and called.pk == ticket.pk
    with pytest.raises(Conflict) as info:
        q.recall(actor=cast["window_b"], ticket_id=ticket.pk, now=T0 + minutes(2))
    assert "ticket" in info.value.fields
    assert q.recall(actor=cast["window_a"], ticket_id=ticket.pk, now=T0 + minutes(2)).call_count == 2


def test_an_early_appointment_is_told_when_it_will_be_called(cast, hall):
    appointment = booking(cast, hall, starts=T0 + minutes(60))
    ticket = q.check_in(unit_id=hall.center.pk, number=appointment.number, phone_last4=PHONE[-4:], now=T0)
    where = q.position(ticket, T0)
    assert where.not_before == T0 + minutes(58) and where.wait_minutes >= 58


def test_a_booking_of_a_disabled_business_type_queues_under_the_windows_type(cast, hall):
    ServiceType.objects.filter(pk=hall.b.pk).update(is_active=False)
    appointment = booking(cast, hall, starts=T0 + minutes(1), kind=hall.b)
    ticket = q.check_in(unit_id=hall.center.pk, number=appointment.number, phone_last4=PHONE[-4:], now=T0)
    assert ticket.service_type_id == hall.a.pk


def test_self_service_check_in_attempts_per_booking_number_are_limited(cast, hall):
    appointment = booking(cast, hall, starts=T0 + minutes(1))
    for _ in range(6):
        with pytest.raises(NotFound):
            q.check_in(unit_id=hall.center.pk, number=appointment.number, phone_last4="0000", now=T0)
    with pytest.raises(Conflict):  # the right digits no longer help: the desk checks the ID card
        q.check_in(unit_id=hall.center.pk, number=appointment.number, phone_last4=PHONE[-4:], now=T0)


def test_counters_left_open_overnight_do_not_count_and_the_sweep_closes_them(cast, hall):
    q.open_counter(actor=cast["window_a"], window_id=hall.w1.pk, now=T0 - dt.timedelta(days=1))
    ticket = q.take_ticket(unit_id=hall.center.pk, service_type_id=hall.a.pk, now=T0, kiosk=True)
    assert q.position(ticket, T0).open_windows == 0
    assert q.close_stale_counters(T0) == 1 and q.close_stale_counters(T0) == 0
