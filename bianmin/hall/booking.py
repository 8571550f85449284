"""预约 (DOMAIN.md §2.8; decision 0025 §2): slots with a capacity, real-name bookings held until confirmed, one per
person per day, cancellation, no-shows and the suspension they bring, reminders.

Every booking locks its slot row while it counts the places taken and writes, so of many concurrent bookings for the
last place exactly one succeeds; the refused ones write nothing."""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q, QuerySet
from django.utils import timezone

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.cases.lookup import TooManyRequests
from bianmin.core.counters import next_value
from bianmin.core.crypto import blind_index
from bianmin.core.devicecodes import digest
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.core.ratelimit import address_key, hit
from bianmin.core.validators import validate_mobile, validate_resident_id
from bianmin.notifications.services import enqueue_sms
from bianmin.org.models import Region, Unit, UnitKind, Window
from bianmin.org.policies import scope_path, staff_profile_of
from bianmin.workdays.selectors import get_calendar

from .models import (
    LIVE_STATUSES,
    Appointment,
    AppointmentChannel,
    AppointmentStatus,
    NumberCounter,
    ServiceType,
    Slot,
)

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser, User

CENTER_KINDS = (UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER, UnitKind.VILLAGE_STATION, UnitKind.INSTITUTION_DESK)
CODE_ALPHABET = "23456789"  # six digits without 0 and 1: read from an SMS and typed on a phone
MAX_SLOTS_PER_CALL = 2000


def hall_setting(name: str) -> Any:
    return settings.BIANMIN["HALL"][name]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def _local(now: dt.datetime) -> dt.datetime:
    return timezone.localtime(now)


def slot_start(slot: Slot) -> dt.datetime:
    """Return the aware start of ``slot`` in the server's time zone (Beijing)."""
    return timezone.make_aware(dt.datetime.combine(slot.date, slot.starts_at))


def slot_end(slot: Slot) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(slot.date, slot.ends_at))


# --- who may -----------------------------------------------------------------------------------------------------


def _center_in_scope(actor: AnyUser, unit_id: object, perm: Perm) -> Unit:
    """Return the center ``unit_id`` when ``actor`` holds ``perm`` and the center is in their scope; else NotFound
    (a center out of scope answers like a missing one) or Forbidden (no such right at all)."""
    if not can(actor, perm):
        raise Forbidden("您没有执行此操作的权限")
    path = scope_path(actor)
    try:
        wanted = int(str(unit_id))
    except ValueError:
        raise DomainError.for_field("unit", "请选择服务中心") from None
    unit = Unit.objects.filter(pk=wanted, is_active=True, kind__in=CENTER_KINDS).select_related("region").first()
    if unit is None or path is None or not unit.path.startswith(path):
        raise NotFound("服务中心不存在", fields={"unit": ["服务中心不存在或不在您的管辖范围内"]})
    return unit


def may_book_for_callers(actor: AnyUser, unit: Unit) -> bool:
    """Window staff (首问/受理) of the center or above may book for a phone caller."""
    path = scope_path(actor)
    return (path is not None and unit.path.startswith(path)
            and (can(actor, Perm.HANDLE_INQUIRIES) or can(actor, Perm.HANDLE_CASES)))


# --- slots -------------------------------------------------------------------------------------------------------


def _parse_times(times: list[tuple[dt.time, dt.time]]) -> list[tuple[dt.time, dt.time]]:
    if not times:
        raise DomainError.for_field("times", "请至少填写一个时段，例如 09:00-10:00")
    for start, end in times:
        if end <= start:
            raise DomainError.for_field("times", f"时段 {start:%H:%M}-{end:%H:%M} 的结束时间须晚于开始时间")
    ordered = sorted(times)
    for (_, end), (start, _) in zip(ordered, ordered[1:], strict=False):
        if start < end:
            raise DomainError.for_field("times", "时段不能重叠")
    return ordered


def parse_time_ranges(text: str) -> list[tuple[dt.time, dt.time]]:
    """Parse "09:00-10:00, 10:00-11:00" (also with ； or newlines) into ranges; DomainError naming ``times``."""
    ranges = []
    for part in text.replace("；", ",").replace(";", ",").replace("，", ",").replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            start_s, end_s = (p.strip() for p in part.replace("—", "-").replace("~", "-").split("-"))
            ranges.append((dt.time.fromisoformat(start_s), dt.time.fromisoformat(end_s)))
        except ValueError:
            raise DomainError.for_field("times", f"无法识别时段“{part}”，请写成 09:00-10:00") from None
    return _parse_times(ranges)


def open_slots(*, actor: User, unit_id: object, first_date: dt.date, last_date: dt.date,
               times: list[tuple[dt.time, dt.time]], capacity: int, now: dt.datetime, window_id: object = None,
               item_id: object = None, service_type_id: object = None) -> list[Slot]:
    """Open bookable slots at ``times`` on every working day from ``first_date`` to ``last_date`` (existing slots
    at the same time, window and item are left alone). The center's organisation managers only.

    Raises DomainError naming ``last_date`` (order, at most 92 days), ``first_date`` (past), ``times``,
    ``capacity`` (1–999), ``window`` / ``item`` / ``service_type`` (not of this center)."""
    unit = _center_in_scope(actor, unit_id, Perm.MANAGE_ORG)
    today = _local(now).date()
    if first_date < today:
        raise DomainError.for_field("first_date", "开始日期不能早于今天")
    if last_date < first_date:
        raise DomainError.for_field("last_date", "结束日期不能早于开始日期")
    if (last_date - first_date).days > 92:
        raise DomainError.for_field("last_date", "一次最多开放三个月的时段")
    if not 1 <= int(capacity) <= 999:
        raise DomainError.for_field("capacity", "名额须在1到999之间")
    ranges = _parse_times(times)
    window = _own(Window, window_id, "window", "窗口", unit=unit) if window_id not in (None, "") else None
    service_type = (_own(ServiceType, service_type_id, "service_type", "业务类型", unit=unit)
                    if service_type_id not in (None, "") else None)
    item = None
    if item_id not in (None, ""):
        from bianmin.catalog.models import ServiceItem
        try:
            item = ServiceItem.objects.get(pk=int(str(item_id)))
        except (ValueError, ServiceItem.DoesNotExist):
            raise DomainError.for_field("item", "事项不存在") from None
    calendar = get_calendar(unit.region)
    days = [first_date + dt.timedelta(days=i) for i in range((last_date - first_date).days + 1)]
    days = [d for d in days if calendar.is_workday(d)]  # at most 93 days: a bounded loop over a short range
    if len(days) * len(ranges) > MAX_SLOTS_PER_CALL:
        raise DomainError.for_field("times", "一次开放的时段过多")
    with audited_atomic():
        existing = set(Slot.objects.filter(unit=unit, date__in=days, window=window, item=item)
                       .values_list("date", "starts_at"))
        slots = [Slot(unit=unit, window=window, item=item, service_type=service_type, date=d, starts_at=s, ends_at=e,
                      capacity=int(capacity), created_by=actor)
                 for d in days for s, e in ranges if (d, s) not in existing]
        Slot.objects.bulk_create(slots)
        record(action=AuditAction.CONFIG_CREATE, summary=f"开放预约时段：{unit.name} {first_date}—{last_date}，"
               f"{len(slots)}个", actor=actor, obj=unit, now=now,
               data={"window": getattr(window, "pk", None), "item": getattr(item, "pk", None), "count": len(slots)})
    return slots


def _own(model: Any, pk: object, field: str, label: str, *, unit: Unit) -> Any:
    try:
        return model.objects.get(pk=int(str(pk)), unit=unit)
    except (ValueError, model.DoesNotExist):
        raise DomainError.for_field(field, f"{label}不属于该服务中心") from None


def close_slot(*, actor: User, slot_id: object, now: dt.datetime) -> Slot:
    """Stop booking in a slot (bookings already made stand). Organisation managers of the center."""
    if not can(actor, Perm.MANAGE_ORG):
        raise Forbidden("您没有执行此操作的权限")
    path = scope_path(actor)
    slot = _slot(slot_id)
    if path is None or not slot.unit.path.startswith(path):  # out of scope answers like a missing slot
        raise NotFound("预约时段不存在", fields={"slot": ["预约时段不存在"]})
    with audited_atomic():
        Slot.objects.filter(pk=slot.pk).update(is_active=False)
        slot.is_active = False
        record(action=AuditAction.CONFIG_UPDATE, summary=f"关闭预约时段：{slot.date} {slot.starts_at:%H:%M}",
               actor=actor, obj=slot, now=now)
    return slot


def _bookable_slot(slot_id: object, actor: AnyUser | None) -> Slot | None:
    """Return the slot to book, or None when it does not exist (or, for staff, is out of their scope)."""
    try:
        slot = Slot.objects.select_related("unit__region", "window", "item").filter(pk=int(str(slot_id))).first()
    except ValueError:
        return None
    if slot is not None and actor is not None and not may_book_for_callers(actor, slot.unit):
        return None
    return slot


def _slot(slot_id: object) -> Slot:
    try:
        return Slot.objects.select_related("unit__region", "window", "item").get(pk=int(str(slot_id)))
    except (ValueError, Slot.DoesNotExist):
        raise NotFound("预约时段不存在", fields={"slot": ["预约时段不存在"]}) from None


def _taken_filter(now: dt.datetime) -> Q:
    """The bookings that occupy a place at ``now`` (decision 0025 §2)."""
    release = now - dt.timedelta(minutes=int(hall_setting("CANCEL_RELEASE_MINUTES")))
    return (Q(status__in=(AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW))
            | Q(status=AppointmentStatus.HELD, held_until__gt=now)
            | Q(status=AppointmentStatus.CANCELLED, cancelled_at__gt=release))


SLOT_VIEWS_PER_ADDRESS_MINUTE = 60  # a person choosing a slot reloads a few times; a scraper is slowed down


def slots_view_allowed(ip: str | None, now: dt.datetime) -> bool:
    """Count one look at a center's free slots from an address (the public page and API share the allowance)."""
    return hit(f"hall-slots:{address_key(ip)}", limit=SLOT_VIEWS_PER_ADDRESS_MINUTE, window=dt.timedelta(minutes=1),
               now=now)


def bookable_window(unit: Unit, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """Return the first and last dates that may be booked at ``now`` (inclusive)."""
    today = _local(now).date()
    first = today + dt.timedelta(days=int(hall_setting("BOOK_MIN_DAYS")))
    last = get_calendar(unit.region).add_workdays(today, int(hall_setting("BOOK_MAX_WORKING_DAYS"))).date
    return first, last


@dataclass(frozen=True)
class SlotView:
    slot: Slot
    free: int


def free_slots(unit: Unit, now: dt.datetime, *, item_id: int | None = None) -> list[SlotView]:
    """Return the active slots of ``unit`` bookable at ``now`` with their free places (one query)."""
    first, last = bookable_window(unit, now)
    slots = (Slot.objects.filter(unit=unit, is_active=True, date__gte=first, date__lte=last)
             .select_related("window", "item", "service_type")
             .annotate(taken=Count("appointments", filter=_appointment_taken(now))).order_by("date", "starts_at"))
    if item_id:
        slots = slots.filter(Q(item_id=item_id) | Q(item__isnull=True))
    calendar = get_calendar(unit.region)
    return [SlotView(s, max(0, s.capacity - s.taken)) for s in slots if calendar.is_workday(s.date)]


def upcoming_slots(user: AnyUser, now: dt.datetime, *, unit: Unit | None = None) -> QuerySet[Slot]:
    """Return the slots from today on at the centers in ``user``'s scope (organisation managers; none for anyone
    else), or at ``unit`` only, each annotated with ``taken`` and ``free`` places as a booking would count them now."""
    path = scope_path(user)
    if path is None or not can(user, Perm.MANAGE_ORG):
        return Slot.objects.none()
    qs = Slot.objects.filter(unit__path__startswith=path, date__gte=_local(now).date())
    if unit is not None:
        qs = qs.filter(unit=unit)
    return (qs.select_related("unit", "window", "item", "service_type")
            .annotate(taken=Count("appointments", filter=_appointment_taken(now)))
            .annotate(free=ExpressionWrapper(F("capacity") - F("taken"), output_field=IntegerField()))
            .order_by("date", "starts_at", "id"))


def item_names(item_ids: Iterable[int | None]) -> dict[int, str]:
    """Return the current name of each item in ``item_ids`` (slots and bookings point at the item, whose name lives
    in its versions), in one query."""
    from bianmin.catalog.models import ItemVersion

    wanted = {i for i in item_ids if i is not None}
    if not wanted:
        return {}
    return dict(ItemVersion.objects.filter(item_id__in=wanted, is_current=True).values_list("item_id", "name"))


def _appointment_taken(now: dt.datetime) -> Q:
    release = now - dt.timedelta(minutes=int(hall_setting("CANCEL_RELEASE_MINUTES")))
    return (Q(appointments__status__in=(AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED,
                                        AppointmentStatus.NO_SHOW))
            | Q(appointments__status=AppointmentStatus.HELD, appointments__held_until__gt=now)
            | Q(appointments__status=AppointmentStatus.CANCELLED, appointments__cancelled_at__gt=release))


# --- booking -----------------------------------------------------------------------------------------------------


def suspended_until(id_index: str, now: dt.datetime) -> dt.date | None:
    """Return the date booking reopens for the person with ID blind index ``id_index``, or None when they may book:
    ``NO_SHOW_LIMIT`` no-shows within ``NO_SHOW_DAYS`` suspend booking until the oldest of them leaves the period."""
    limit, days = int(hall_setting("NO_SHOW_LIMIT")), int(hall_setting("NO_SHOW_DAYS"))
    # A no-show counts until it is older than ``days`` days (age = today - date ≤ days), so the date returned below
    # (the oldest counted one + days + 1) is exactly the first day this function answers None.
    since = _local(now).date() - dt.timedelta(days=days)
    dates = list(Appointment.objects.filter(id_index=id_index, status=AppointmentStatus.NO_SHOW, date__gte=since)
                 .order_by("-date").values_list("date", flat=True)[:limit])
    if len(dates) < limit:
        return None
    return dates[-1] + dt.timedelta(days=days + 1)


def _check_person(name: str, id_number: str, phone: str) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["请填写姓名（实名预约）"]
    elif len(name) > 64:
        errors["name"] = [f"姓名不能超过64个字（现有{len(name)}个字）"]
    if not (id_number or "").strip():
        errors["id_number"] = ["请填写身份证号码（实名预约）"]
    else:
        try:
            id_number = validate_resident_id(id_number)
        except ValidationError as exc:
            errors["id_number"] = [str(exc.messages[0])]
    if not (phone or "").strip():
        errors["phone"] = ["请填写手机号码（用于接收确认码和提醒）"]
    else:
        try:
            phone = validate_mobile(phone)
        except ValidationError as exc:
            errors["phone"] = [str(exc.messages[0])]
    if errors:
        raise DomainError("预约信息有误，请按提示修改", fields=errors)
    return name, id_number, phone


def _check_date(slot: Slot, now: dt.datetime) -> None:
    today = _local(now).date()
    if not slot.is_active:
        raise DomainError.for_field("slot", "该时段已停止预约，请选择其他时段")
    if slot.date < today:
        raise DomainError.for_field("date", "不能预约已经过去的日期")
    first, last = bookable_window(slot.unit, now)
    if slot.date < first:
        raise DomainError.for_field(
            "date", f"须至少提前{hall_setting('BOOK_MIN_DAYS')}天预约，最早可约{first:%Y年%m月%d日}")
    if not get_calendar(slot.unit.region).is_workday(slot.date):
        raise DomainError.for_field("date", f"{slot.date:%Y年%m月%d日}为节假日，不办公，请选择工作日")
    if slot.date > last:
        raise DomainError.for_field(
            "date", f"最多提前{hall_setting('BOOK_MAX_WORKING_DAYS')}个工作日预约，最晚可约{last:%Y年%m月%d日}")


def _number(unit: Unit, now: dt.datetime) -> str:
    day = _local(now).date()
    return f"YY{unit.code}{day:%Y%m%d}{next_value(NumberCounter, prefix='YY', unit=unit, day=day):04d}"


def book(*, slot_id: object, name: str, id_number: str, phone: str, now: dt.datetime, matter: str = "",
         actor: User | None = None, ip: str | None = None) -> tuple[Appointment, str]:
    """Book a place in a slot and return the booking with its code (shown once, sent by SMS).

    Online (no ``actor``): the booking is held ``BOOKING_HOLD_MINUTES`` until :func:`confirm` with the code sent
    to the phone; the public is limited per client address. By staff for a phone caller (``actor`` with window
    rights in the center's scope): booked at once, and the code is the cancellation code.

    Raises DomainError naming ``name``, ``id_number``, ``phone``, ``matter``, ``date`` (past, today, holiday, too far
    ahead) or ``slot`` (full, closed); ``id_number`` when the person already holds a booking that day or is
    suspended for no-shows; TooManyRequests when the address booked too often. Nothing is written on refusal."""
    if actor is None and not hit(
            f"hall-book:{address_key(ip)}", limit=int(hall_setting("BOOKINGS_PER_ADDRESS_HOUR")),
            window=dt.timedelta(hours=1), now=now):
        raise TooManyRequests("预约操作过于频繁，请一小时后再试", retry_after=3600)
    slot = _bookable_slot(slot_id, actor)  # a missing slot is named with the person's fields, as a 400
    try:
        name, id_number, phone = _check_person(name, id_number, phone)
    except DomainError as exc:
        if slot is None:
            exc.fields.setdefault("slot", ["请选择预约时段"])
        raise
    if slot is None:
        raise DomainError.for_field("slot", "请选择预约时段（所选时段不存在）")
    matter = (matter or "").strip()
    if len(matter) > 255:
        raise DomainError.for_field("matter", f"办理事项说明不能超过255个字（现有{len(matter)}个字）")
    _check_date(slot, now)
    person = blind_index("id", id_number)
    # Details of the person's other bookings and no-shows are told only to whoever gives the same phone (or to
    # staff): an ID number alone must not reveal someone's booking dates or history (decision 0025 §2).
    same_phone = actor is not None or Q(phone_index=blind_index("phone", phone))
    until = suspended_until(person, now)
    if until is not None:
        told = same_phone is True or Appointment.objects.filter(
            same_phone, id_index=person, status=AppointmentStatus.NO_SHOW).exists()
        raise DomainError.for_field(
            "id_number", f"您在{hall_setting('NO_SHOW_DAYS')}天内爽约已达{hall_setting('NO_SHOW_LIMIT')}次，"
            f"{until:%Y年%m月%d日}起可再次预约" if told else "该身份证号码暂不能网上预约，请致电服务中心")
    code = _new_code()
    online = actor is None
    try:
        with audited_atomic():
            # Serialises bookings of this slot; a slot closed meanwhile is seen here.
            if Slot.objects.select_for_update().filter(pk=slot.pk, is_active=True).values_list(
                    "pk", flat=True).first() is None:
                raise DomainError.for_field("slot", "该时段已停止预约，请选择其他时段")
            # A hold of this person that has run out no longer counts (expired here, in the same transaction).
            Appointment.objects.filter(id_index=person, status=AppointmentStatus.HELD, held_until__lte=now).update(
                status=AppointmentStatus.EXPIRED)
            other = Appointment.objects.filter(id_index=person, date=slot.date, status__in=LIVE_STATUSES)
            if other.exists():
                told = same_phone is True or other.filter(same_phone).exists()
                raise DomainError.for_field(
                    "id_number", f"您已预约{slot.date:%Y年%m月%d日}的服务，同一人同一天只能预约一次" if told
                    else "该身份证号码在所选日期不能再预约（同一人同一天只能预约一次）；如有疑问请致电服务中心")
            taken = Appointment.objects.filter(Q(slot=slot) & _taken_filter(now)).count()
            if taken >= slot.capacity:
                raise DomainError.for_field("slot", "该时段已约满，请选择其他时段")
            appointment = Appointment.objects.create(
                number=_number(slot.unit, now), slot=slot, unit=slot.unit, date=slot.date, item=slot.item,
                channel=AppointmentChannel.ONLINE if online else AppointmentChannel.PHONE,
                status=AppointmentStatus.HELD if online else AppointmentStatus.BOOKED,
                name=name, id_number=id_number, phone=phone, matter=matter, code_hash=digest(code), created_at=now,
                held_until=now + dt.timedelta(minutes=int(hall_setting("BOOKING_HOLD_MINUTES"))) if online else None,
                confirmed_at=None if online else now, booked_by=actor)
            if online:
                enqueue_sms(phone=phone, kind="APPOINTMENT_CODE", cause=appointment.number, now=now,
                            text=f"【便民服务】您的预约确认码为{code}，{hall_setting('BOOKING_HOLD_MINUTES')}分钟内有效。"
                                 f"预约号{appointment.number}，{slot.unit.name}。")
            else:
                _tell_booked(appointment, code, now)
            record(action=AuditAction.CASE_CHANGE, actor=actor, obj=appointment, now=now,
                   summary=f"{'网上' if online else '电话'}预约：{appointment.number}（{slot.date} "
                           f"{slot.starts_at:%H:%M}）", data={"slot": slot.pk, "status": appointment.status})
    except IntegrityError:
        # The one-per-day constraint caught a concurrent booking of the same person.
        raise DomainError.for_field("id_number", "同一人同一天只能预约一次") from None
    return appointment, code


def _tell_booked(appointment: Appointment, code: str, now: dt.datetime) -> None:
    slot = appointment.slot
    hours = hall_setting("CANCEL_MIN_HOURS")
    enqueue_sms(phone=appointment.phone, kind="APPOINTMENT_BOOKED", cause=appointment.number, now=now,
                text=f"【便民服务】预约成功：{slot.unit.name}，{slot.date:%m月%d日} {slot.starts_at:%H:%M}-"
                     f"{slot.ends_at:%H:%M}，预约号{appointment.number}，取消码{code}（须提前{hours}小时取消）。"
                     f"请携带身份证按时到场取号。")


def _by_number(number: str, *, lock: bool = False) -> Appointment:
    qs = Appointment.objects.select_related("slot__unit__region")
    if lock:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(number=(number or "").strip().upper()).first()
    if found is None:
        raise NotFound("预约不存在", fields={"number": ["预约号或验证码不正确"]})
    return found


def _staff_booking(actor: AnyUser, number: str) -> Appointment:
    """Lock and return a booking of a center in the window staff member's scope; a booking out of scope answers
    exactly like a missing one."""
    path = scope_path(actor)
    found = None
    if path is not None and (can(actor, Perm.HANDLE_INQUIRIES) or can(actor, Perm.HANDLE_CASES)):
        found = (Appointment.objects.select_related("slot__unit__region").select_for_update(of=("self",))
                 .filter(number=(number or "").strip().upper(), unit__path__startswith=path).first())
    if found is None:
        raise NotFound("预约不存在", fields={"number": ["预约不存在"]})
    return found


def _check_code(appointment: Appointment, code: str) -> None:
    if not secrets.compare_digest(appointment.code_hash, digest("".join((code or "").split()))):
        raise NotFound("预约不存在", fields={"number": ["预约号或验证码不正确"]})


def confirm(*, number: str, code: str, now: dt.datetime, ip: str | None = None) -> tuple[Appointment, str]:
    """Confirm a held online booking with the code sent by SMS; return it with its new cancellation code.

    A wrong number or code answers NotFound naming ``number`` (the same for both); an expired hold Conflict."""
    if not hit(f"hall-confirm:{address_key(ip)}", limit=20, window=dt.timedelta(hours=1), now=now):
        raise TooManyRequests("操作过于频繁，请稍后再试", retry_after=3600)
    with audited_atomic():
        appointment = _by_number(number, lock=True)
        _check_code(appointment, code)
        if appointment.status != AppointmentStatus.HELD:
            raise Conflict("该预约已确认或已失效", fields={"number": ["该预约已确认或已失效"]})
        if appointment.held_until is None or appointment.held_until <= now:
            Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.EXPIRED)
            raise Conflict(f"超过{hall_setting('BOOKING_HOLD_MINUTES')}分钟未确认，预约已失效，请重新预约",
                           fields={"code": ["确认码已过期"]})
        cancel_code = _new_code()
        appointment.status, appointment.confirmed_at = AppointmentStatus.BOOKED, now
        appointment.code_hash, appointment.held_until = digest(cancel_code), None
        appointment.save(update_fields=["status", "confirmed_at", "code_hash", "held_until"])
        _tell_booked(appointment, cancel_code, now)
        record(action=AuditAction.CASE_CHANGE, obj=appointment, now=now, summary=f"确认预约：{appointment.number}",
               data={"status": appointment.status})
    return appointment, cancel_code


def cancel(*, number: str, now: dt.datetime, code: str = "", actor: User | None = None,
           ip: str | None = None) -> Appointment:
    """Cancel a booking at least ``CANCEL_MIN_HOURS`` before its slot starts: by the applicant with the
    cancellation code, or by the center's window staff. The place is released ``CANCEL_RELEASE_MINUTES`` later.

    Raises NotFound naming ``number`` (wrong number or code, or out of the actor's scope), Conflict when it is no
    longer booked or too late to cancel."""
    if actor is None and not hit(f"hall-confirm:{address_key(ip)}", limit=20, window=dt.timedelta(hours=1),
                                 now=now):
        raise TooManyRequests("操作过于频繁，请稍后再试", retry_after=3600)
    with audited_atomic():
        if actor is None:
            appointment = _by_number(number, lock=True)
            _check_code(appointment, code)
        else:
            appointment = _staff_booking(actor, number)
        if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.HELD):
            raise Conflict(f"该预约{appointment.get_status_display()}，不能取消")
        hours = int(hall_setting("CANCEL_MIN_HOURS"))
        if slot_start(appointment.slot) - now < dt.timedelta(hours=hours):
            raise Conflict(f"须在预约时间{hours}小时前取消；现已不能取消，如不能到场请联系服务中心")
        appointment.status, appointment.cancelled_at = AppointmentStatus.CANCELLED, now
        appointment.save(update_fields=["status", "cancelled_at"])
        enqueue_sms(phone=appointment.phone, kind="APPOINTMENT_CANCELLED", cause=appointment.number, now=now,
                    text=f"【便民服务】您的预约{appointment.number}（{appointment.date:%m月%d日}）已取消。")
        record(action=AuditAction.CASE_CHANGE, actor=actor, obj=appointment, now=now,
               summary=f"取消预约：{appointment.number}", data={"status": appointment.status})
    return appointment


def mark_no_show(*, actor: User, number: str, now: dt.datetime) -> Appointment:
    """Record that a booked applicant did not come (after the slot has ended). Window staff of the center."""
    with audited_atomic():
        appointment = _staff_booking(actor, number)
        if appointment.status != AppointmentStatus.BOOKED:
            raise Conflict(f"该预约{appointment.get_status_display()}，不能记为爽约")
        if slot_end(appointment.slot) > now:
            raise Conflict("预约时段尚未结束，不能记为爽约")
        appointment.status = AppointmentStatus.NO_SHOW
        appointment.save(update_fields=["status"])
        record(action=AuditAction.CASE_CHANGE, actor=actor, obj=appointment, now=now,
               summary=f"预约爽约：{appointment.number}", data={"status": appointment.status})
    return appointment


CHECK_INS_PER_NUMBER_DAY = 6  # a booking's own holder needs one; guessing 4 digits needs thousands


def excuse_no_show(*, actor: User, number: str, reason: str, now: dt.datetime) -> Appointment:
    """撤销爽约: a no-show that was not the person's doing (booked by someone else with their ID, a documented
    emergency) no longer counts toward the suspension. Window staff of the center, with the reason (audited).

    Raises NotFound naming ``number``; DomainError naming ``reason``; Conflict unless it is a no-show."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError.for_field("reason", "请写明撤销爽约的理由（例如：经核实系他人冒用身份证预约）")
    if len(reason) > 255:
        raise DomainError.for_field("reason", f"理由不能超过255个字（现有{len(reason)}个字）")
    with audited_atomic():
        appointment = _staff_booking(actor, number)
        if appointment.status != AppointmentStatus.NO_SHOW:
            raise Conflict(f"该预约{appointment.get_status_display()}，不是爽约")
        appointment.status = AppointmentStatus.EXCUSED
        appointment.save(update_fields=["status"])
        record(action=AuditAction.CASE_CHANGE, actor=actor, obj=appointment, now=now,
               summary=f"撤销爽约：{appointment.number}（{reason}）", data={"status": appointment.status})
    return appointment


def check_in_allowed(number: str, now: dt.datetime) -> bool:
    """Count one self-service check-in attempt on a booking number (call outside any transaction, so a refused
    attempt stays counted); False past ``CHECK_INS_PER_NUMBER_DAY`` a day."""
    key = "".join((number or "").split()).upper()[:40]
    return hit(f"hall-checkin:{key}", limit=CHECK_INS_PER_NUMBER_DAY, window=dt.timedelta(days=1), now=now)


def find_for_check_in(unit: Unit, number: str, phone_last4: str) -> Appointment:
    """Return today's booking at ``unit`` by number and the last 4 digits of its phone (the kiosk's check-in)."""
    appointment = Appointment.objects.select_related("slot__unit__region", "slot__service_type").filter(
        number=(number or "").strip().upper(), unit=unit).first()
    if appointment is None or appointment.phone[-4:] != (phone_last4 or "").strip():
        raise NotFound("预约不存在", fields={"number": ["预约号或手机号后四位不正确"]})
    return appointment


# --- selectors ---------------------------------------------------------------------------------------------------


def appointments_for(user: AnyUser, *, day: dt.date | None = None, q: str = "") -> QuerySet[Appointment]:
    """Return the bookings at the centers in ``user``'s scope (window staff and above), optionally of one day and
    matched by number or name; ID and phone only masked."""
    path = scope_path(user)
    if path is None or not (can(user, Perm.HANDLE_INQUIRIES) or can(user, Perm.HANDLE_CASES)):
        return Appointment.objects.none()
    qs = Appointment.objects.filter(unit__path__startswith=path).select_related("slot__window", "unit", "item")
    if day is not None:
        qs = qs.filter(date=day)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__iexact=q) | Q(name__contains=q))
    return qs.defer("id_number", "phone").order_by("date", "slot__starts_at", "id")


def staff_unit(user: AnyUser) -> Unit | None:
    profile = staff_profile_of(user)
    return profile.unit if profile else None


# --- sweep steps (called by hall.sweep.run) ----------------------------------------------------------------------


def sweep_no_shows(now: dt.datetime) -> int:
    """Mark as 爽约 the bookings whose slot ended without a check-in; expire holds that ran out. Idempotent."""
    today = _local(now).date()
    local_time = _local(now).time()
    ended = (Q(date__lt=today) | Q(date=today, slot__ends_at__lte=local_time)) & Q(status=AppointmentStatus.BOOKED)
    with audited_atomic():
        ids = list(Appointment.objects.filter(ended).values_list("pk", flat=True)[:5000])
        marked = Appointment.objects.filter(pk__in=ids, status=AppointmentStatus.BOOKED).update(
            status=AppointmentStatus.NO_SHOW)
        expired = Appointment.objects.filter(status=AppointmentStatus.HELD, held_until__lte=now).update(
            status=AppointmentStatus.EXPIRED)
        if marked or expired:
            record(action=AuditAction.CASE_CHANGE, now=now, summary=f"预约：{marked}个爽约，{expired}个未确认已失效",
                   data={"no_show": ids[:100], "expired": expired})
    return marked


def send_reminders(now: dt.datetime) -> int:
    """From 16:00, remind by SMS the applicants booked for the next working day of their center's calendar (once
    each). Idempotent; rows another node is reminding are skipped."""
    local = _local(now)
    if local.hour < 16:
        return 0


    pending = Appointment.objects.filter(status=AppointmentStatus.BOOKED, reminded_at__isnull=True,
                                         date__gt=local.date(), date__lte=local.date() + dt.timedelta(days=15))
    region_ids = set(pending.values_list("unit__region_id", flat=True).distinct())
    if not region_ids:
        return 0
    by_day = Q()
    for region in Region.objects.filter(pk__in=region_ids):  # a county has a few dozen regions
        nxt = get_calendar(region).next_workday(local.date(), include_today=False).date
        by_day |= Q(unit__region=region, date=nxt)
    with audited_atomic():
        due = list(pending.filter(by_day).select_for_update(of=("self",), skip_locked=True)
                   .select_related("slot__unit")[:5000])
        for a in due:
            enqueue_sms(phone=a.phone, kind="APPOINTMENT_REMINDER", cause=a.number, now=now,
                        text=f"【便民服务】提醒：您预约了{a.slot.unit.name} {a.date:%m月%d日} "
                             f"{a.slot.starts_at:%H:%M}，预约号{a.number}。请携带身份证按时到场。")
        if due:
            Appointment.objects.filter(pk__in=[a.pk for a in due]).update(reminded_at=now)
            record(action=AuditAction.CASE_CHANGE, now=now, summary=f"预约提醒短信：{len(due)}条",
                   data={"appointments": [a.pk for a in due][:100]})
    return len(due)
