"""预约 endpoints (decision 0025 §2): the public's free slots, booking, confirmation by the SMS code and cancellation
(throttled per client address by the service: 429 with Retry-After); and, for staff, the bookings of their centers,
电话预约, 取消, 记爽约, 签到取号, and the organisation managers' opening and closing of slots.

The public answers never carry a code (the confirmation and cancellation codes go by SMS only) nor the applicant's
name or ID; the staff answers show the ID and phone masked. No ``from __future__ import annotations`` (as in
``routes_actions``): the schemas' annotations stay objects."""
import datetime as dt
from typing import Annotated, Any, Optional

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.cases.lookup import TooManyRequests
from bianmin.core.errors import Forbidden, NotFound
from bianmin.core.http import client_ip
from bianmin.core.timeutils import now
from bianmin.hall.booking import (
    CENTER_KINDS,
    SLOT_VIEWS_PER_ADDRESS_MINUTE,
    appointments_for,
    book,
    cancel,
    close_slot,
    confirm,
    excuse_no_show,
    free_slots,
    item_names,
    mark_no_show,
    open_slots,
    parse_time_ranges,
    slots_view_allowed,
)
from bianmin.hall.models import Appointment, AppointmentChannel, AppointmentStatus, Slot
from bianmin.hall.queue import check_in
from bianmin.org.models import Unit

from .auth import StaffToken
from .bounds import Day, Page, PageSize, page_rows
from .routes_cases import ERRORS
from .schemas import ErrorOut

router = Router(tags=["预约"], auth=StaffToken())
# A slot's times are local (Beijing) wall-clock times without an offset, so not JSON Schema "time" (which needs one).
Clock = Annotated[str, Field(pattern=r"^\d{2}:\d{2}$", description="北京时间 HH:MM")]
public_router = Router(tags=["公众预约"])
PUBLIC_BOOKING_ERRORS = {400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}


class BookingSlotOut(Schema):
    id: int
    date: dt.date
    starts_at: Clock
    ends_at: Clock
    window: Optional[str] = Field(None, description="窗口号（不限窗口为空）")  # noqa: UP045 - evaluated by ninja
    item: Optional[str] = Field(None, description="事项编码（不限事项为空）")  # noqa: UP045
    item_name: str = ""
    capacity: int
    free: int = Field(..., description="剩余名额（0：已约满）")


class BookingIn(Schema):
    slot: int = Field(..., description="时段 id（见可预约时段）")
    name: str = Field(..., description="姓名（实名预约）")
    id_number: str = Field(..., description="居民身份证号码（校验位须正确）")
    phone: str = Field(..., description="手机号码（接收确认码、取消码和提醒）")
    matter: str = Field("", description="办理什么事（可不填，至多255字）")


class BookingHeldOut(Schema):
    number: str
    held_until: dt.datetime = Field(..., description="在此之前须用短信确认码确认，否则预约失效")
    phone_masked: str = Field(..., description="确认码发往的手机（脱敏）")
    center: str
    date: dt.date
    starts_at: Clock
    ends_at: Clock


class BookingCodeIn(Schema):
    code: str = Field(..., description="短信中的6位确认码（确认）或取消码（取消）")


class BookingOut(Schema):
    number: str
    status: AppointmentStatus
    status_label: str
    center: str
    address: str
    window: Optional[str] = None  # noqa: UP045
    date: dt.date
    starts_at: Clock
    ends_at: Clock
    phone_masked: str


class HallAppointmentOut(Schema):
    number: str
    status: AppointmentStatus
    channel: AppointmentChannel
    center: str
    window: Optional[str] = None  # noqa: UP045
    item: Optional[str] = None  # noqa: UP045
    date: dt.date
    starts_at: Clock
    ends_at: Clock
    name: str
    id_masked: str = Field(..., description="身份证号码（脱敏：前3位和后4位）")
    phone_masked: str = Field(..., description="手机号码（脱敏）")
    matter: str
    created_at: dt.datetime
    confirmed_at: Optional[dt.datetime] = None  # noqa: UP045
    cancelled_at: Optional[dt.datetime] = None  # noqa: UP045
    arrived_at: Optional[dt.datetime] = None  # noqa: UP045


class HallAppointmentsQuery(Schema):
    date: Optional[Day] = Field(None, description="预约日期（不填：全部日期）")  # noqa: UP045
    q: str = Field("", max_length=64, description="预约号或姓名")
    page: Page = 1
    size: PageSize = 50


class HallPhoneBookingIn(BookingIn):
    """电话预约: the same fields as the public booking."""


class HallCheckInOut(Schema):
    number: str = Field(..., description="预约号")
    ticket: str = Field(..., description="排队号")
    ready_at: dt.datetime = Field(..., description="进入叫号的时间（预约时段开始前几分钟）")


class HallSlotsIn(Schema):
    unit: int = Field(..., description="服务中心（单位 id）")
    first_date: Day
    last_date: Day
    times: str = Field(..., max_length=500, description="时段，如 09:00-10:00, 10:00-11:00")
    capacity: int = Field(..., ge=1, le=999, description="每个时段的名额")
    window: Optional[int] = Field(None, description="窗口 id（可不填）")  # noqa: UP045
    item: Optional[int] = Field(None, description="事项 id（可不填）")  # noqa: UP045
    service_type: Optional[int] = Field(None, description="取号业务类型 id（可不填）")  # noqa: UP045


class HallSlotOut(Schema):
    id: int
    unit: str
    date: dt.date
    starts_at: Clock
    ends_at: Clock
    capacity: int
    window: Optional[str] = None  # noqa: UP045
    item: Optional[str] = None  # noqa: UP045
    is_active: bool


class HallSlotsOpenedOut(Schema):
    count: int = Field(..., description="新开放的时段数（已有的同一时段不重复开放）")
    slots: list[HallSlotOut]


def _clock(value: dt.time) -> str:
    return f"{value:%H:%M}"


# --- the public ----------------------------------------------------------------------------------------------------


def _booking_out(a: Appointment) -> dict[str, Any]:
    slot = a.slot
    return {"number": a.number, "status": a.status, "status_label": a.get_status_display(), "center": slot.unit.name,
            "address": slot.unit.address, "window": slot.window.number if slot.window else None, "date": slot.date,
            "starts_at": _clock(slot.starts_at), "ends_at": _clock(slot.ends_at), "phone_masked": a.phone_masked}


@public_router.get("/public/booking/{unit_code}/slots", response={200: list[BookingSlotOut], 400: ErrorOut,
                                                                   404: ErrorOut, 429: ErrorOut},
                   auth=None, summary="可预约时段（明天起至第5个工作日，含剩余名额）",
                   description=f"同一地址每分钟最多{SLOT_VIEWS_PER_ADDRESS_MINUTE}次（与预约页面共用），超过返回 429。")
def public_slots(request, unit_code: str, item: Optional[int] = None):  # noqa: UP045
    if not slots_view_allowed(client_ip(request), now()):
        raise TooManyRequests("查询过于频繁，请稍候一分钟再试", retry_after=60)
    unit = Unit.objects.filter(code=unit_code, kind__in=CENTER_KINDS, is_active=True).select_related(
        "region").first()
    if unit is None:
        raise NotFound("服务中心不存在", fields={"unit_code": ["服务中心不存在"]})
    views = free_slots(unit, now(), item_id=item)
    names = item_names(v.slot.item_id for v in views)
    return [{"id": v.slot.pk, "date": v.slot.date, "starts_at": _clock(v.slot.starts_at),
             "ends_at": _clock(v.slot.ends_at),
             "window": v.slot.window.number if v.slot.window else None,
             "item": v.slot.item.code if v.slot.item else None, "item_name": names.get(v.slot.item_id or 0, ""),
             "capacity": v.slot.capacity, "free": v.free} for v in views]


@public_router.post("/public/booking", response={201: BookingHeldOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
                    auth=None, summary="网上预约（实名；确认码短信发送，15分钟内确认；每个地址每小时限次）",
                    description="预约保留15分钟，凭短信确认码确认后生效；应答不含确认码。拒绝：姓名、"
                                "身份证号码（校验位）、手机号码有误，同一人同一天已有预约，或因爽约暂停预约"
                                "（400，id_number 等字段）；日期已过、当天、节假日或超出5个工作日（400，date）；"
                                "时段已约满或已关闭（400，slot）；时段不存在（404）；操作过于频繁（429，Retry-After）。")
def public_book(request, payload: BookingIn):
    appointment, _code = book(slot_id=payload.slot, name=payload.name, id_number=payload.id_number,
                              phone=payload.phone, matter=payload.matter, now=now(), ip=client_ip(request))
    slot = appointment.slot
    return Status(201, {"number": appointment.number, "held_until": appointment.held_until,
                        "phone_masked": appointment.phone_masked, "center": slot.unit.name, "date": slot.date,
                        "starts_at": _clock(slot.starts_at), "ends_at": _clock(slot.ends_at)})


@public_router.post("/public/booking/{number}/confirm", response={200: BookingOut, **PUBLIC_BOOKING_ERRORS},
                    auth=None, summary="确认预约（短信确认码；取消码随后短信发送）",
                    description="拒绝：预约号或确认码不正确（404，两者答复相同）；已确认或已失效、超过15分钟未确认"
                                "（409）；操作过于频繁（429）。")
def public_confirm(request, number: str, payload: BookingCodeIn):
    appointment, _cancel_code = confirm(number=number, code=payload.code, now=now(), ip=client_ip(request))
    return _booking_out(appointment)


@public_router.post("/public/booking/{number}/cancel", response={200: BookingOut, **PUBLIC_BOOKING_ERRORS},
                    auth=None, summary="取消预约（预约号+取消码，须在预约时间2小时前）",
                    description="取消的名额30分钟后重新开放。拒绝：预约号或取消码不正确（404）；已取消、已到场、爽约，"
                                "或距预约时间不足2小时（409）；操作过于频繁（429）。")
def public_cancel(request, number: str, payload: BookingCodeIn):
    return _booking_out(cancel(number=number, code=payload.code, now=now(), ip=client_ip(request)))


# --- staff ---------------------------------------------------------------------------------------------------------


def _appointment_out(a: Appointment) -> dict[str, Any]:
    slot = a.slot
    return {"number": a.number, "status": a.status, "channel": a.channel, "center": a.unit.name,
            "window": slot.window.number if slot.window else None, "item": a.item.code if a.item else None,
            "date": a.date, "starts_at": _clock(slot.starts_at), "ends_at": _clock(slot.ends_at), "name": a.name,
            "id_masked": a.id_masked, "phone_masked": a.phone_masked, "matter": a.matter, "created_at": a.created_at,
            "confirmed_at": a.confirmed_at, "cancelled_at": a.cancelled_at, "arrived_at": a.arrived_at}


def _window_staff(user: Any) -> None:
    if not (can(user, Perm.HANDLE_INQUIRIES) or can(user, Perm.HANDLE_CASES)):
        raise Forbidden("您没有办理预约的权限")


def _visible(user: Any, number: str) -> Appointment:
    found = appointments_for(user).filter(number=(number or "").strip().upper()).first()
    if found is None:
        raise NotFound("预约不存在", fields={"number": ["预约不存在"]})
    return found


@router.get("/hall/appointments", response={200: list[HallAppointmentOut], **ERRORS},
            summary="预约列表（本人管辖范围内的服务中心；按日期、预约号或姓名查询；身份证和手机脱敏）")
def list_appointments(request, q: Query[HallAppointmentsQuery]):
    _window_staff(request.auth)
    rows = appointments_for(request.auth, day=q.date, q=q.q).select_related("slot__window", "unit", "item")
    return [_appointment_out(a) for a in rows[page_rows(q.page, q.size)]]


@router.post("/hall/appointments", response={201: HallAppointmentOut, **ERRORS},
             summary="电话预约（工作人员代来电人预约，立即生效，预约号和取消码短信发给来电人）",
             description="规则同网上预约（400 指明字段）；时段不存在或不在本人管辖范围（404）。")
def phone_booking(request, payload: HallPhoneBookingIn):
    appointment, _code = book(slot_id=payload.slot, name=payload.name, id_number=payload.id_number,
                              phone=payload.phone, matter=payload.matter, now=now(), actor=request.auth)
    return Status(201, _appointment_out(appointment))


@router.post("/hall/appointments/{number}/cancel", response={200: HallAppointmentOut, **ERRORS},
             summary="取消预约（工作人员；须在预约时间2小时前，短信告知预约人）",
             description="拒绝：预约不存在或不在管辖范围（404）；已取消、已到场、爽约或距预约时间不足2小时（409）。")
def staff_cancel(request, number: str):
    return _appointment_out(cancel(number=number, now=now(), actor=request.auth))


@router.post("/hall/appointments/{number}/no-show", response={200: HallAppointmentOut, **ERRORS},
             summary="记爽约（预约时段结束后仍未签到）",
             description="拒绝：预约不存在或不在管辖范围（404）；不是已预约状态或时段尚未结束（409）。")
def staff_no_show(request, number: str):
    return _appointment_out(mark_no_show(actor=request.auth, number=number, now=now()))


class HallExcuseIn(Schema):
    reason: str = Field(..., description="撤销爽约的理由（例如：经核实系他人冒用身份证预约）")


@router.post("/hall/appointments/{number}/excuse", response={200: HallAppointmentOut, **ERRORS},
             summary="撤销爽约（须写明理由；不再计入爽约次数）",
             description="拒绝：理由为空或过长（400）；预约不存在或不在管辖范围（404）；不是爽约状态（409）。")
def staff_excuse(request, number: str, payload: HallExcuseIn):
    return _appointment_out(excuse_no_show(actor=request.auth, number=number, reason=payload.reason, now=now()))


@router.post("/hall/appointments/{number}/check-in", response={200: HallCheckInOut, **ERRORS},
             summary="预约签到取号（当天；预约号优先叫号）",
             description="拒绝：预约不存在或不在管辖范围（404）；不是今天的预约、已签到或已取消、本中心未设置业务类型"
                         "（409）。")
def staff_check_in(request, number: str):
    found = _visible(request.auth, number)
    ticket = check_in(unit_id=found.unit_id, number=found.number, phone_last4=found.phone[-4:], now=now(),
                      actor=request.auth)
    return {"number": found.number, "ticket": ticket.number, "ready_at": ticket.ready_at}


def _slot_out(s: Slot) -> dict[str, Any]:
    return {"id": s.pk, "unit": s.unit.name, "date": s.date, "starts_at": _clock(s.starts_at),
            "ends_at": _clock(s.ends_at),
            "capacity": s.capacity, "window": s.window.number if s.window else None,
            "item": s.item.code if s.item else None, "is_active": s.is_active}


@router.post("/hall/slots", response={201: HallSlotsOpenedOut, **ERRORS},
             summary="开放预约时段（机构管理员；日期范围内每个工作日）",
             description="拒绝：没有机构管理权限（403）；服务中心不存在或不在管辖范围（404）；日期、时段、名额、窗口、"
                         "事项或业务类型有误（400，指明字段）。")
def open_booking_slots(request, payload: HallSlotsIn):
    slots = open_slots(actor=request.auth, unit_id=payload.unit, first_date=payload.first_date,
                       last_date=payload.last_date, times=parse_time_ranges(payload.times), capacity=payload.capacity,
                       now=now(), window_id=payload.window, item_id=payload.item,
                       service_type_id=payload.service_type)
    return Status(201, {"count": len(slots), "slots": [_slot_out(s) for s in slots[:500]]})


@router.post("/hall/slots/{slot_id}/close", response={200: HallSlotOut, **ERRORS},
             summary="关闭预约时段（已有的预约仍然有效）",
             description="拒绝：没有机构管理权限（403）；时段不存在或不在管辖范围（404）。")
def close_booking_slot(request, slot_id: int):
    return _slot_out(close_slot(actor=request.auth, slot_id=slot_id, now=now()))
