"""取号叫号 (DOMAIN.md §2.8; decision 0025 §3): tickets by business type, the call order, the window's calls, and the
estimated wait.

The call order: ready tickets of the window's business types, appointments first, then walk-ins, each by the time
they became ready and their number. "Call next" locks the chosen row with ``SKIP LOCKED``, so two windows calling at
once never get the same ticket. Every change raises the center's screen version in the same transaction."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.counters import next_value
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.core.ratelimit import address_key, hit
from bianmin.org.models import StaffProfile, Unit, Window
from bianmin.org.policies import scope_path, staff_profile_of

from .booking import CENTER_KINDS, check_in_allowed, find_for_check_in, hall_setting, slot_end, slot_start
from .models import (
    Appointment,
    AppointmentStatus,
    Counter,
    ServiceType,
    Ticket,
    TicketCounter,
    TicketSource,
    TicketStatus,
)
from .state import bump

if TYPE_CHECKING:
    from bianmin.cases.models import Case
    from bianmin.inquiries.models import Inquiry
    from bianmin.users.types import AnyUser, User

WALK_IN, APPOINTMENT = 1, 0
ACTIVE = (TicketStatus.CALLED, TicketStatus.SERVING)


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def _pk(value: object, field: str, label: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise DomainError.for_field(field, f"请选择{label}") from None


# --- who may -----------------------------------------------------------------------------------------------------


def is_window_staff(user: AnyUser) -> bool:
    return can(user, Perm.HANDLE_INQUIRIES) or can(user, Perm.HANDLE_CASES)


def callable_windows(user: AnyUser) -> QuerySet[Window]:
    """Return the active windows ``user`` may call at: window staff, windows of centers in their scope that serve a
    business type."""
    path = scope_path(user)
    if path is None or not is_window_staff(user):
        return Window.objects.none()
    return (Window.objects.filter(unit__path__startswith=path, is_active=True, service_types__is_active=True)
            .distinct().select_related("unit").order_by("unit__path", "number"))


def _window_for(actor: AnyUser, window_id: object) -> tuple[Window, StaffProfile]:
    if not is_window_staff(actor):
        raise Forbidden("只有窗口工作人员可以叫号")
    profile = staff_profile_of(actor)
    if profile is None:
        raise Forbidden("您的账号未关联工作人员档案，不能叫号")
    wanted = _pk(window_id, "window", "窗口")
    window = callable_windows(actor).filter(pk=wanted).first()
    if window is None:
        raise NotFound("窗口不存在", fields={"window": ["窗口不存在或不在您的管辖范围内"]})
    return window, profile


def _ticket_for(actor: AnyUser, ticket_id: object, *, lock: bool = True) -> Ticket:
    path = scope_path(actor)
    if path is None or not is_window_staff(actor):
        raise NotFound("号码不存在")
    qs = Ticket.objects.select_related("service_type", "window", "unit")
    if lock:
        qs = qs.select_for_update(of=("self",))
    ticket = qs.filter(pk=_pk(ticket_id, "ticket", "号码"), unit__path__startswith=path).first()
    if ticket is None:
        raise NotFound("号码不存在", fields={"ticket": ["号码不存在或不在您的管辖范围内"]})
    return ticket


def _audit(actor: User | None, ticket: Ticket, summary: str, now: dt.datetime) -> None:
    record(action=AuditAction.CASE_CHANGE, actor=actor, obj=ticket, now=now, summary=summary,
           data={"status": ticket.status, "window": ticket.window_id, "calls": ticket.call_count})


# --- taking a ticket ---------------------------------------------------------------------------------------------


def _service_type(unit: Unit, service_type_id: object) -> ServiceType:
    wanted = _pk(service_type_id, "service_type", "业务类型")
    found = ServiceType.objects.filter(pk=wanted, unit=unit, is_active=True).first()
    if found is None:
        raise DomainError.for_field("service_type", "该业务类型不存在或已停用")
    return found


def _issue(unit: Unit, service_type: ServiceType, *, source: str, now: dt.datetime, ready_at: dt.datetime,
           priority: int, actor: User | None, appointment: Appointment | None = None) -> Ticket:
    day = _today(now)
    seq = next_value(TicketCounter, service_type=service_type, day=day)
    ticket = Ticket.objects.create(
        unit=unit, service_type=service_type, day=day, seq=seq, number=f"{service_type.letter}{seq:03d}",
        source=source, appointment=appointment, priority=priority, issued_at=now, ready_at=ready_at,
        created_by=actor)
    bump(unit.pk, now)
    return ticket


def take_ticket(*, unit_id: object, service_type_id: object, now: dt.datetime, actor: User | None = None,
                kiosk: bool = False) -> Ticket:
    """Take a walk-in ticket of a business type: at the hall's kiosk (``kiosk=True``, the device already checked by
    the interface) or by window staff of the center (``actor``).

    Raises DomainError naming ``service_type``; NotFound for a center out of the actor's scope."""
    unit = Unit.objects.filter(pk=_pk(unit_id, "unit", "服务中心"), is_active=True, kind__in=CENTER_KINDS).first()
    if unit is None:
        raise NotFound("服务中心不存在")
    if not kiosk:
        path = scope_path(actor) if actor is not None else None
        if actor is None or path is None or not is_window_staff(actor) or not unit.path.startswith(path):
            raise NotFound("服务中心不存在")
    service_type = _service_type(unit, service_type_id)
    with audited_atomic():
        ticket = _issue(unit, service_type, source=TicketSource.KIOSK if kiosk else TicketSource.STAFF, now=now,
                        ready_at=now, priority=WALK_IN, actor=actor)
        _audit(actor, ticket, f"取号：{ticket.number}（{service_type.name}）", now)
    return ticket


def check_in(*, unit_id: object, number: str, phone_last4: str, now: dt.datetime,
             actor: User | None = None) -> Ticket:
    """Check in a booking on the day and give it a ticket: it joins the call order ``APPOINTMENT_JOIN_MINUTES``
    before its slot (ahead of walk-ins), or at once if it comes later; after its slot has ended it queues as a
    walk-in.

    Raises NotFound naming ``number`` (wrong number or phone digits, another center); Conflict when the booking is
    not for today or not in the booked state (cancelled, already checked in)."""
    unit = Unit.objects.filter(pk=_pk(unit_id, "unit", "服务中心"), is_active=True).first()
    if unit is None:
        raise NotFound("服务中心不存在")
    if actor is not None:
        path = scope_path(actor)
        if path is None or not is_window_staff(actor) or not unit.path.startswith(path):
            raise NotFound("服务中心不存在")
    if actor is None and not check_in_allowed(number, now):
        raise Conflict("该预约号签到尝试次数过多，请到咨询台由工作人员办理签到", fields={"number": ["尝试次数过多"]})
    with audited_atomic():
        appointment = find_for_check_in(unit, number, phone_last4)
        # OF self: the slot's window and type are nullable (outer joins), which PostgreSQL cannot lock.
        appointment = (Appointment.objects.select_for_update(of=("self",))
                       .select_related("slot__service_type", "slot__window").get(pk=appointment.pk))
        if appointment.date != _today(now):
            raise Conflict(f"该预约的日期是{appointment.date:%Y年%m月%d日}，请在预约当天签到",
                           fields={"number": ["不是今天的预约"]})
        if appointment.status != AppointmentStatus.BOOKED:
            raise Conflict(f"该预约{appointment.get_status_display()}，不能签到", fields={"number": ["该预约不能签到"]})
        slot = appointment.slot
        service_type = (slot.service_type if slot.service_type is not None and slot.service_type.is_active
                        else _type_for_window(unit, slot.window_id))
        if service_type is None:
            raise Conflict("本中心尚未设置业务类型，请到咨询台人工取号")
        late = now >= slot_end(slot)
        ready = max(now, slot_start(slot) - dt.timedelta(minutes=int(hall_setting("APPOINTMENT_JOIN_MINUTES"))))
        appointment.status, appointment.arrived_at = AppointmentStatus.ARRIVED, now
        appointment.save(update_fields=["status", "arrived_at"])
        ticket = _issue(unit, service_type, source=TicketSource.APPOINTMENT, now=now,
                        ready_at=now if late else ready, priority=WALK_IN if late else APPOINTMENT, actor=actor,
                        appointment=appointment)
        _audit(actor, ticket, f"预约签到取号：{ticket.number}（预约{appointment.number}）", now)
    return ticket


def _type_for_window(unit: Unit, window_id: int | None) -> ServiceType | None:
    types = ServiceType.objects.filter(unit=unit, is_active=True).order_by("position", "letter")
    if window_id is not None:
        at_window = types.filter(windows__pk=window_id).first()
        if at_window is not None:
            return at_window
    return types.first()


# --- counters ----------------------------------------------------------------------------------------------------


def open_today(day: dt.date) -> Q:
    """The counters open now that were opened on ``day`` (one left open overnight is not a window open today; the
    sweep closes it, ``close_stale_counters``)."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return Q(closed_at__isnull=True, opened_at__gte=start)


def close_stale_counters(now: dt.datetime) -> int:
    """Close the counters left open from an earlier day (the sweep's step); return how many."""
    start = _day_start(now)
    with audited_atomic():
        closed = Counter.objects.filter(closed_at__isnull=True, opened_at__lt=start).update(closed_at=start)
        if closed:
            record(action=AuditAction.CASE_CHANGE, now=now, summary=f"关闭前一日未关的窗口叫号：{closed}个")
    return closed


def open_counter(*, actor: User, window_id: object, now: dt.datetime) -> Counter:
    """Open the window for calling (开窗) as the signed-in clerk; a counter another clerk left open is closed."""
    window, profile = _window_for(actor, window_id)
    with audited_atomic():
        return _open(window, profile, actor, now)


def _open(window: Window, profile: StaffProfile, actor: User, now: dt.datetime) -> Counter:
    """Open ``window`` for ``profile`` unless they already have it open today (inside the caller's transaction)."""
    current = Counter.objects.select_for_update().filter(window=window, closed_at__isnull=True).first()
    if current is not None and current.staff_id == profile.pk and current.opened_at >= _day_start(now):
        return current
    if current is not None:
        Counter.objects.filter(pk=current.pk).update(closed_at=now)
    counter = Counter.objects.create(window=window, staff=profile, opened_at=now)
    bump(window.unit_id, now)
    record(action=AuditAction.CASE_CHANGE, actor=actor, obj=counter, now=now,
           summary=f"开窗叫号：{window}（{profile.name}）", data={"window": window.pk})
    return counter


def _day_start(now: dt.datetime) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(_today(now), dt.time.min))


def close_counter(*, actor: User, window_id: object, now: dt.datetime) -> None:
    """Close the window for calling (暂停叫号). Conflict when it is not open."""
    window, _profile = _window_for(actor, window_id)
    with audited_atomic():
        if not Counter.objects.filter(window=window, closed_at__isnull=True).update(closed_at=now):
            raise Conflict("该窗口未开窗")
        bump(window.unit_id, now)
        record(action=AuditAction.CASE_CHANGE, actor=actor, obj=window, now=now, summary=f"暂停叫号：{window}",
               data={"window": window.pk})


# --- calling -----------------------------------------------------------------------------------------------------


def current_ticket(window: Window, now: dt.datetime) -> Ticket | None:
    """Return the ticket called or being served at ``window`` today."""
    return (Ticket.objects.filter(window=window, day=_today(now), status__in=ACTIVE).select_related("service_type")
            .order_by("-last_called_at").first())


def call_next(*, actor: User, window_id: object, now: dt.datetime) -> Ticket | None:
    """Call the next ready ticket of the window's business types; the ticket being served there is finished
    first. Returns None when nobody waits.

    Raises Conflict when the window's called ticket has not been dealt with (start, recall, skip or 过号 first)."""
    window, profile = _window_for(actor, window_id)
    day = _today(now)
    types = list(ServiceType.objects.filter(windows=window, is_active=True).values_list("pk", flat=True))
    with audited_atomic():
        _open(window, profile, actor, now)  # calling opens the window for the caller (audited, on the screen)
        held = list(Ticket.objects.select_for_update().filter(window=window, day=day, status__in=ACTIVE))
        if any(t.status == TicketStatus.CALLED for t in held):
            called = next(t for t in held if t.status == TicketStatus.CALLED)
            raise Conflict(f"{called.number}号已呼叫尚未办理：请先办理、重呼、跳过或过号",
                           fields={"ticket": [f"{called.number}号尚未处理"]})
        for ticket in held:  # the one being served is done when the clerk calls the next
            ticket.status, ticket.finished_at = TicketStatus.DONE, now
            ticket.save(update_fields=["status", "finished_at"])
            _audit(actor, ticket, f"办结：{ticket.number}（叫下一位）", now)
        chosen = (Ticket.objects.select_for_update(skip_locked=True, of=("self",))
                  .filter(unit_id=window.unit_id, day=day, status=TicketStatus.WAITING, ready_at__lte=now,
                          service_type_id__in=types)
                  .order_by("priority", "ready_at", "seq").first())
        if chosen is None:
            if held:
                bump(window.unit_id, now)
            return None
        chosen.status, chosen.window, chosen.called_by = TicketStatus.CALLED, window, profile
        chosen.call_count, chosen.called_at, chosen.last_called_at = 1, now, now
        chosen.save(update_fields=["status", "window", "called_by", "call_count", "called_at", "last_called_at"])
        bump(window.unit_id, now)
        _audit(actor, chosen, f"叫号：{chosen.number} 请到{window.number}号窗口", now)
    return chosen


def _at_window(actor: User, ticket_id: object, *statuses: str, own: bool = True) -> Ticket:
    """Lock and return the ticket in one of ``statuses``; with ``own``, only at a window the actor has open today
    (a clerk acts on the tickets of their own window, not on a colleague's)."""
    ticket = _ticket_for(actor, ticket_id)
    if ticket.status not in statuses:
        raise Conflict(f"{ticket.number}号{ticket.get_status_display()}，不能进行此操作",
                       fields={"ticket": [f"{ticket.number}号{ticket.get_status_display()}"]})
    if own:
        profile = staff_profile_of(actor)
        mine = profile is not None and ticket.window_id is not None and Counter.objects.filter(
            open_today(ticket.day), window_id=ticket.window_id, staff=profile).exists()
        if not mine:
            raise Conflict(f"{ticket.number}号不在您开窗的窗口，请由该窗口处理",
                           fields={"ticket": ["不是您窗口的号码"]})
    return ticket


def recall(*, actor: User, ticket_id: object, now: dt.datetime) -> Ticket:
    """Call a called ticket again (重呼), at most ``MAX_CALLS`` calls in all; then it can only be dropped (过号)."""
    with audited_atomic():
        ticket = _at_window(actor, ticket_id, TicketStatus.CALLED)
        most = int(hall_setting("MAX_CALLS"))
        if ticket.call_count >= most:
            raise Conflict(f"{ticket.number}号已呼叫{most}次，请按过号处理", fields={"ticket": ["呼叫次数已满"]})
        ticket.call_count, ticket.last_called_at = ticket.call_count + 1, now
        ticket.save(update_fields=["call_count", "last_called_at"])
        bump(ticket.unit_id, now)
        _audit(actor, ticket, f"重呼：{ticket.number}（第{ticket.call_count}次）", now)
    return ticket


def _end(actor: User, ticket_id: object, status: str, label: str, now: dt.datetime, *allowed: str) -> Ticket:
    with audited_atomic():
        ticket = _at_window(actor, ticket_id, *allowed)
        ticket.status, ticket.finished_at = status, now
        ticket.save(update_fields=["status", "finished_at"])
        bump(ticket.unit_id, now)
        _audit(actor, ticket, f"{label}：{ticket.number}", now)
    return ticket


def drop(*, actor: User, ticket_id: object, now: dt.datetime) -> Ticket:
    """过号: the called person did not come; the ticket leaves the queue (staff may put it back)."""
    return _end(actor, ticket_id, TicketStatus.NO_SHOW, "过号", now, TicketStatus.CALLED)


def skip(*, actor: User, ticket_id: object, now: dt.datetime) -> Ticket:
    """跳过: pass over a called ticket now (the person stepped away); staff may put it back at the end."""
    return _end(actor, ticket_id, TicketStatus.SKIPPED, "跳过", now, TicketStatus.CALLED)


def finish(*, actor: User, ticket_id: object, now: dt.datetime) -> Ticket:
    """办结: the service at the window is over."""
    return _end(actor, ticket_id, TicketStatus.DONE, "办结", now, TicketStatus.CALLED, TicketStatus.SERVING)


def start(*, actor: User, ticket_id: object, now: dt.datetime) -> Ticket:
    """The called person has come to the window: the service starts (its time counts in the average)."""
    with audited_atomic():
        ticket = _at_window(actor, ticket_id, TicketStatus.CALLED)
        ticket.status, ticket.serving_at = TicketStatus.SERVING, now
        ticket.save(update_fields=["status", "serving_at"])
        bump(ticket.unit_id, now)
        _audit(actor, ticket, f"开始办理：{ticket.number}", now)
    return ticket


def requeue(*, actor: User, ticket_id: object, now: dt.datetime) -> Ticket:
    """重新排队: a skipped or dropped ticket of today goes back, at the end of the walk-ins."""
    with audited_atomic():
        ticket = _at_window(actor, ticket_id, TicketStatus.SKIPPED, TicketStatus.NO_SHOW, own=False)
        if ticket.day != _today(now):
            raise Conflict("只能为当天的号码重新排队")
        ticket.status, ticket.ready_at, ticket.priority = TicketStatus.WAITING, now, WALK_IN
        ticket.call_count, ticket.window, ticket.called_by, ticket.finished_at = 0, None, None, None
        ticket.save(update_fields=["status", "ready_at", "priority", "call_count", "window", "called_by",
                                   "finished_at"])
        bump(ticket.unit_id, now)
        _audit(actor, ticket, f"重新排队：{ticket.number}", now)
    return ticket


def reserve_link(*, actor: User, ticket_id: object, now: dt.datetime, kind: str) -> Ticket:
    """Lock and check the ticket a case (``kind`` "case") or an inquiry ("inquiry") is about to be made from, before
    the service that makes it: the ticket and the center's screen counter are locked before the audit chain, in the
    order every other queue change takes them (no deadlock). Raises Conflict naming ``ticket``."""
    ticket = _at_window(actor, ticket_id, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.DONE)
    if ticket.day != _today(now):
        raise Conflict("只能关联当天的号码", fields={"ticket": ["不是当天的号码"]})
    if (kind == "case" and ticket.case_id) or (kind == "inquiry" and ticket.inquiry_id):
        raise Conflict(f"{ticket.number}号已关联办件或咨询", fields={"ticket": ["已关联"]})
    bump(ticket.unit_id, now)
    return ticket


def link(*, actor: User, ticket_id: object, now: dt.datetime, case: Case | None = None,
         inquiry: Inquiry | None = None) -> Ticket:
    """Record the case or inquiry a called or served ticket became (call inside the transaction that creates it,
    after :func:`reserve_link`); a called ticket starts being served."""
    ticket = reserve_link(actor=actor, ticket_id=ticket_id, now=now, kind="case" if case is not None else "inquiry")
    fields = []
    if case is not None:
        ticket.case = case
        fields.append("case")
    if inquiry is not None:
        ticket.inquiry = inquiry
        fields.append("inquiry")
    if ticket.status == TicketStatus.CALLED:
        ticket.status, ticket.serving_at = TicketStatus.SERVING, now
        fields += ["status", "serving_at"]
    ticket.save(update_fields=fields)
    what = f"办件{case.number}" if case is not None else f"咨询{getattr(inquiry, 'number', '')}"
    _audit(actor, ticket, f"号码{ticket.number}转为{what}", now)
    return ticket


# --- what a ticket shows -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    ahead: int
    wait_minutes: int
    open_windows: int
    average_minutes: float
    not_before: dt.datetime | None = None  # an appointment checked in early is called from this time on


def average_minutes(service_type: ServiceType, day: dt.date) -> float:
    """Return the average service minutes of the type's tickets finished today (its default before any)."""
    took = ExpressionWrapper(F("finished_at") - Coalesce("serving_at", "called_at"), output_field=DurationField())
    value = (Ticket.objects.filter(service_type=service_type, day=day, status=TicketStatus.DONE,
                                   finished_at__isnull=False, called_at__isnull=False)
             .aggregate(avg=Avg(took))["avg"])
    if not value:
        return float(service_type.default_minutes)
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value) / 1_000_000
    return max(1.0, seconds / 60)


def position(ticket: Ticket, now: dt.datetime) -> Position:
    """People ahead of a waiting ticket in its type's call order and the estimated wait (average service time ÷
    open windows of the type)."""
    st = ticket.service_type
    open_windows = Counter.objects.filter(open_today(ticket.day), window__service_types=st).count()
    avg = average_minutes(st, ticket.day)
    if ticket.status != TicketStatus.WAITING:
        return Position(0, 0, open_windows, avg)
    # An appointment goes ahead of a walk-in only once it has joined the call order (its ready_at has come).
    before = (Q(priority__lt=ticket.priority, ready_at__lte=max(now, ticket.ready_at))
              | Q(priority=ticket.priority, ready_at__lt=ticket.ready_at)
              | Q(priority=ticket.priority, ready_at=ticket.ready_at, seq__lt=ticket.seq))
    ahead = Ticket.objects.filter(before, service_type=st, day=ticket.day, status=TicketStatus.WAITING).count()
    wait = math.ceil(ahead * avg / max(1, open_windows))
    if ticket.ready_at > now:  # not in the call order yet: it is called from its time on, ahead of the walk-ins
        minutes_left = math.ceil((ticket.ready_at - now).total_seconds() / 60)
        return Position(ahead, max(wait, minutes_left), open_windows, avg, not_before=ticket.ready_at)
    return Position(ahead, wait, open_windows, avg)


def ticket_by_number(unit: Unit, number: str, day: dt.date) -> Ticket | None:
    return (Ticket.objects.filter(unit=unit, day=day, number=(number or "").strip().upper())
            .select_related("service_type", "window").first())


def waiting_by_type(unit: Unit, now: dt.datetime) -> list[dict[str, object]]:
    """Return each active business type of ``unit`` with the number of tickets waiting today (one query)."""
    day = _today(now)
    return list(ServiceType.objects.filter(unit=unit, is_active=True).order_by("position", "letter")
                .annotate(waiting=Count("tickets", filter=Q(tickets__day=day, tickets__status=TicketStatus.WAITING)))
                .values("pk", "letter", "name", "waiting"))


# --- limits shared by the kiosk's and the ticket's pages and their API ------------------------------------------

TICKET_VIEWS_PER_ADDRESS_MINUTE = 120  # phones behind one carrier address, each reloading every 10 s


def kiosk_ticket_allowed(device_id: int, now: dt.datetime) -> bool:
    """Count one ticket of a kiosk; False once it took ``TICKETS_PER_KIOSK_MINUTE`` in the last minute."""
    return hit(f"hall-kiosk-ticket:{device_id}", limit=int(hall_setting("TICKETS_PER_KIOSK_MINUTE")),
               window=dt.timedelta(minutes=1), now=now)


def ticket_view_allowed(ip: str | None, now: dt.datetime) -> bool:
    """Count one look at a ticket's progress from an address (page and API share the allowance)."""
    return hit(f"hall-ticket-view:{address_key(ip)}", limit=TICKET_VIEWS_PER_ADDRESS_MINUTE,
               window=dt.timedelta(minutes=1), now=now)
