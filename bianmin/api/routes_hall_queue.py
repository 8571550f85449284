"""取号叫号 endpoints (issue 18 item 4, decision 0025 §3).

- Public: ``GET /public/tickets/{unit_code}/{day}/{number}`` — a ticket's place, estimated wait, status and window;
  nothing personal; limited per client address (shared with the ticket page ``/ticket/…``).
- Kiosk: ``POST /hall/kiosk/tickets`` and ``/hall/kiosk/check-in`` with the kiosk's device token in ``X-Device-Token``
  (a kiosk activated at ``/kiosk/activate/``, or by a client that holds its token); tickets per kiosk and minute
  limited (``BIANMIN["HALL"]["TICKETS_PER_KIOSK_MINUTE"]``, shared with the kiosk pages).
- Window staff: open and pause a window, call the next ticket, recall, start, skip, drop (过号), finish, requeue, take
  a ticket for a citizen, link a ticket to the case or inquiry it became, and the console's state.
- ``GET /stats/queue``: the waiting-time statistics (``stats.queue``) for leaders and supervisors.

No ``from __future__ import annotations`` (as in ``routes_actions``): the schemas' annotations stay objects."""
import datetime as dt
from typing import Any, Optional

from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema
from ninja.errors import AuthenticationError
from ninja.responses import Status

from bianmin.accountability.policies import oversees
from bianmin.audit.services import audited_atomic
from bianmin.cases.lookup import TooManyRequests
from bianmin.cases.policies import get_case_for
from bianmin.core.errors import DomainError, Forbidden, NotFound
from bianmin.core.http import client_ip
from bianmin.core.ratelimit import address_key, hit
from bianmin.core.timeutils import now
from bianmin.hall import queue
from bianmin.hall.booking import hall_setting
from bianmin.hall.devices import device_for_token
from bianmin.hall.models import (
    Counter,
    DeviceKind,
    HallDevice,
    ServiceType,
    Ticket,
    TicketSource,
    TicketStatus,
)
from bianmin.hall.state import version_of
from bianmin.inquiries.policies import get_inquiry_for
from bianmin.org.models import Unit
from bianmin.stats.queue import QueueReport, QueueRow, queue_indicators

from .auth import StaffToken
from .bounds import Day
from .routes_cases import ERRORS
from .schemas import ErrorOut

public_router = Router(tags=["公众查询"])
kiosk_router = Router(tags=["取号叫号"])
router = Router(tags=["取号叫号"], auth=StaffToken())
stats_router = Router(tags=["统计与监督"], auth=StaffToken())

TICKET_VIEWS_PER_ADDRESS_MINUTE = queue.TICKET_VIEWS_PER_ADDRESS_MINUTE  # one allowance with the ticket page
KIOSK_REFUSALS_PER_MINUTE = 30  # unknown or revoked kiosk tokens per client address
LIVE = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


# --- answers -----------------------------------------------------------------------------------------------------


class QueuePublicTicketOut(Schema):
    unit: str = Field(description="服务中心代码")
    unit_name: str
    day: dt.date
    number: str = Field(description="排队号码，如 A001")
    service_type: str = Field(description="业务类型")
    status: TicketStatus = Field(description="WAITING 等候中、CALLED 已呼叫、SERVING 办理中、DONE 已办结、"
                                             "SKIPPED 已跳过、NO_SHOW 过号")
    status_label: str
    ahead: Optional[int] = Field(description="前面等候的人数；不在等候中时为空")  # noqa: UP045
    wait_minutes: Optional[int] = Field(  # noqa: UP045
        description="预计等候分钟数＝前面人数×平均办理时长÷开放窗口数；不在等候中时为空")
    window: Optional[str] = Field(description="呼叫的窗口号（已呼叫或办理中）")  # noqa: UP045
    not_before: Optional[dt.datetime] = Field(  # noqa: UP045
        None, description="提前签到的预约号从此时起优先叫号；其他为空")
    issued_at: dt.datetime
    path: str = Field(description="群众用手机查看排队进度的页面")


class QueueTicketOut(Schema):
    id: int
    unit: str = Field(description="服务中心代码")
    number: str
    service_type_id: int
    service_type: str
    source: TicketSource = Field(description="KIOSK 自助取号、STAFF 人工取号、APPOINTMENT 预约签到")
    appointment: bool = Field(description="是否预约号（优先叫号）")
    status: TicketStatus
    status_label: str
    issued_at: dt.datetime
    ready_at: dt.datetime = Field(description="进入叫号顺序的时间（预约号为预约时间前2分钟）")
    window: Optional[str] = Field(description="呼叫的窗口号")  # noqa: UP045
    call_count: int
    called_at: Optional[dt.datetime] = None  # noqa: UP045
    last_called_at: Optional[dt.datetime] = None  # noqa: UP045
    serving_at: Optional[dt.datetime] = None  # noqa: UP045
    finished_at: Optional[dt.datetime] = None  # noqa: UP045
    case: Optional[str] = Field(None, description="关联的办件编号")  # noqa: UP045
    inquiry: Optional[str] = Field(None, description="关联的首问编号")  # noqa: UP045


class QueueTakenOut(Schema):
    ticket: QueueTicketOut
    ahead: int = Field(description="前面等候的人数")
    wait_minutes: int = Field(description="预计等候分钟数")
    path: str = Field(description="群众用手机查看排队进度的页面")


class QueueCalledOut(Schema):
    ticket: Optional[QueueTicketOut] = Field(description="叫到的号；没有人等候时为空")  # noqa: UP045
    message: str


class QueueWindowOut(Schema):
    id: int
    unit: str
    unit_name: str
    number: str
    name: str
    open: bool = Field(description="是否已开窗")
    staff: Optional[str] = Field(description="开窗的工作人员")  # noqa: UP045


class QueueWaitingOut(Schema):
    service_type_id: int
    letter: str
    name: str
    waiting: int = Field(description="今日等候中的号")
    at_this_window: bool = Field(description="本窗口是否办理该业务类型")


class QueueConsoleOut(Schema):
    windows: list[QueueWindowOut] = Field(description="本人可以叫号的窗口")
    window: Optional[QueueWindowOut] = Field(description="所选窗口；未选时为空")  # noqa: UP045
    current: Optional[QueueTicketOut] = Field(description="该窗口正在呼叫或办理的号")  # noqa: UP045
    waiting: list[QueueWaitingOut] = Field(description="该中心各业务类型的等候人数")
    set_aside: list[QueueTicketOut] = Field(description="该中心今日跳过和过号的号（可重新排队）")
    version: int = Field(description="中心的排队版本：有变化时递增")


def _path(ticket: Ticket) -> str:
    return f"/ticket/{ticket.unit.code}/{ticket.day:%Y%m%d}/{ticket.number}/"


def _public(ticket: Ticket, moment: dt.datetime) -> dict[str, Any]:
    live = ticket.status in LIVE and ticket.day == timezone.localtime(moment).date()
    waiting = live and ticket.status == TicketStatus.WAITING
    position = queue.position(ticket, moment) if waiting else None
    return {"unit": ticket.unit.code, "unit_name": ticket.unit.name, "day": ticket.day, "number": ticket.number,
            "service_type": ticket.service_type.name, "status": ticket.status,
            "status_label": ticket.get_status_display(), "ahead": position.ahead if position else None,
            "wait_minutes": position.wait_minutes if position else None,
            "not_before": position.not_before if position else None,
            "window": ticket.window.number if ticket.window and ticket.status in LIVE else None,
            "issued_at": ticket.issued_at, "path": _path(ticket)}


def _ticket(ticket: Ticket) -> dict[str, Any]:
    return {"id": ticket.pk, "unit": ticket.unit.code, "number": ticket.number,
            "service_type_id": ticket.service_type_id, "service_type": ticket.service_type.name,
            "source": ticket.source, "appointment": ticket.appointment_id is not None, "status": ticket.status,
            "status_label": ticket.get_status_display(), "issued_at": ticket.issued_at, "ready_at": ticket.ready_at,
            "window": ticket.window.number if ticket.window else None, "call_count": ticket.call_count,
            "called_at": ticket.called_at, "last_called_at": ticket.last_called_at, "serving_at": ticket.serving_at,
            "finished_at": ticket.finished_at, "case": ticket.case.number if ticket.case else None,
            "inquiry": ticket.inquiry.number if ticket.inquiry else None}


def _reread(ticket: Ticket) -> dict[str, Any]:
    return _ticket(Ticket.objects.select_related("unit", "service_type", "window", "case", "inquiry")
                   .get(pk=ticket.pk))


def _taken(ticket: Ticket, moment: dt.datetime) -> dict[str, Any]:
    position = queue.position(ticket, moment)
    return {"ticket": _reread(ticket), "ahead": position.ahead, "wait_minutes": position.wait_minutes,
            "path": _path(ticket)}


# --- public ------------------------------------------------------------------------------------------------------


@public_router.get("/public/tickets/{unit_code}/{day}/{number}",
                   response={200: QueuePublicTicketOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut}, auth=None,
                   summary="排队进度查询（中心代码、日期 yyyymmdd、号码；不含个人信息）",
                   description="前面人数、预计等候时间、状态和呼叫窗口。号码不存在或日期格式不对返回 404；"
                               f"同一地址每分钟最多{TICKET_VIEWS_PER_ADDRESS_MINUTE}次（与排队进度页面共用），"
                               "超过返回 429。")
def public_ticket(request, unit_code: str, day: str, number: str):
    moment = now()
    if not queue.ticket_view_allowed(client_ip(request), moment):
        raise TooManyRequests("查询过于频繁，请稍候一分钟再试", retry_after=60)
    try:
        date = dt.datetime.strptime(day, "%Y%m%d").date()  # noqa: DTZ007 - a calendar day, no time
    except ValueError:
        raise NotFound("号码不存在", fields={"day": ["日期格式应为 yyyymmdd"]}) from None
    unit = Unit.objects.filter(code=unit_code[:32], is_active=True).first()
    found = queue.ticket_by_number(unit, number[:8], date) if unit is not None else None
    if found is None:
        raise NotFound("号码不存在")
    return _public(found, moment)


# --- the kiosk ---------------------------------------------------------------------------------------------------


class QueueKioskTicketIn(Schema):
    service_type: int = Field(description="业务类型 id（本中心启用的业务类型）")


class QueueKioskCheckInIn(Schema):
    number: str = Field(description="预约号")
    phone_last4: str = Field(description="预约手机号码后四位")


KIOSK_HEADER = Header(None, alias="X-Device-Token", description="取号机的设备令牌")


def _kiosk(request, token: Optional[str], moment: dt.datetime) -> HallDevice:  # noqa: UP045
    """The kiosk of the token, after counting one ticket of it; 401 for an unknown or revoked token (429 when an
    address sends too many of those), 429 past the kiosk's tickets per minute."""
    device = device_for_token(token, kind=DeviceKind.KIOSK, now=moment)
    if device is None:
        if not hit(f"hall-kiosk-refused:{address_key(client_ip(request))}", limit=KIOSK_REFUSALS_PER_MINUTE,
                   window=dt.timedelta(minutes=1), now=moment):
            raise TooManyRequests("无效的设备令牌过多，请一分钟后再试", retry_after=60)
        raise AuthenticationError
    if not queue.kiosk_ticket_allowed(device.pk, moment):
        raise TooManyRequests("取号过于频繁，请稍候一分钟再试", retry_after=60)
    return device


KIOSK_CODES = {201: QueuePublicTicketOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}


@kiosk_router.post("/hall/kiosk/tickets", response=KIOSK_CODES, auth=None,
                   summary="取号机取号（设备令牌）",
                   description="设备令牌放在 X-Device-Token 请求头中。业务类型不属于本中心或已停用返回 400"
                               "（service_type）；令牌无效或设备已吊销返回 401；每台取号机每分钟取号数受限，"
                               "超过返回 429。")
def kiosk_ticket(request, payload: QueueKioskTicketIn, x_device_token: Optional[str] = KIOSK_HEADER):  # noqa: UP045
    moment = now()
    device = _kiosk(request, x_device_token, moment)
    ticket = queue.take_ticket(unit_id=device.unit_id, service_type_id=payload.service_type, now=moment, kiosk=True)
    return Status(201, _public(ticket, moment))


@kiosk_router.post("/hall/kiosk/check-in", response=KIOSK_CODES, auth=None,
                   summary="取号机预约签到（预约号＋手机号后四位，设备令牌）",
                   description="预约时间前2分钟起优先叫号；迟于预约时段到场的按普通号排队。预约号或手机号后四位"
                               "不对返回 404（number）；不是今天的预约或已签到、已取消返回 409；令牌无效返回 401；"
                               "超过每分钟取号数返回 429。")
def kiosk_check_in(request, payload: QueueKioskCheckInIn,
                   x_device_token: Optional[str] = KIOSK_HEADER):  # noqa: UP045
    moment = now()
    device = _kiosk(request, x_device_token, moment)
    ticket = queue.check_in(unit_id=device.unit_id, number=payload.number[:20], phone_last4=payload.phone_last4[:4],
                            now=moment)
    return Status(201, _public(ticket, moment))


# --- window staff ------------------------------------------------------------------------------------------------


def _window_out(window: Any, counter: Optional[Counter]) -> dict[str, Any]:  # noqa: UP045
    return {"id": window.pk, "unit": window.unit.code, "unit_name": window.unit.name, "number": window.number,
            "name": window.name, "open": counter is not None, "staff": counter.staff.name if counter else None}


@router.get("/hall/queue", response={200: QueueConsoleOut, **ERRORS},
            summary="叫号台状态（可叫号的窗口、当前号、等候人数、今日跳过和过号）",
            description="window 为空时只列出本人可以叫号的窗口；窗口不在管辖范围内返回 404。")
def console(request, window: Optional[int] = None):  # noqa: UP045
    moment = now()
    windows = list(queue.callable_windows(request.auth))
    counters = {c.window_id: c for c in Counter.objects.filter(window__in=windows, closed_at__isnull=True)
                .select_related("staff")}
    answer: dict[str, Any] = {"windows": [_window_out(w, counters.get(w.pk)) for w in windows], "window": None,
                              "current": None, "waiting": [], "set_aside": [], "version": 0}
    if window is None:
        return answer
    chosen = next((w for w in windows if w.pk == window), None)
    if chosen is None:
        raise NotFound("窗口不存在", fields={"window": ["窗口不存在或不在您的管辖范围内"]})
    current = queue.current_ticket(chosen, moment)
    mine = set(ServiceType.objects.filter(windows=chosen, is_active=True).values_list("pk", flat=True))
    aside = (Ticket.objects.filter(unit_id=chosen.unit_id, day=timezone.localtime(moment).date(),
                                   status__in=(TicketStatus.SKIPPED, TicketStatus.NO_SHOW))
             .select_related("unit", "service_type", "window", "case", "inquiry").order_by("-finished_at")[:50])
    answer |= {"window": _window_out(chosen, counters.get(chosen.pk)),
               "current": _reread(current) if current else None,
               "waiting": [{"service_type_id": t["pk"], "letter": t["letter"], "name": t["name"],
                            "waiting": t["waiting"], "at_this_window": t["pk"] in mine}
                           for t in queue.waiting_by_type(chosen.unit, moment)],
               "set_aside": [_ticket(t) for t in aside], "version": version_of(chosen.unit_id)}
    return answer


@router.post("/hall/windows/{window_id}/open", response={200: QueueWindowOut, **ERRORS},
             summary="开窗叫号",
             description="仅窗口工作人员；窗口不在管辖范围内或不办理任何业务类型返回 404。他人留下的开窗记录自动关闭。")
def open_window(request, window_id: int):
    counter = queue.open_counter(actor=request.auth, window_id=window_id, now=now())
    return _window_out(counter.window, counter)


@router.post("/hall/windows/{window_id}/close", response={200: QueueWindowOut, **ERRORS},
             summary="暂停叫号（关窗）", description="窗口未开窗返回 409。")
def close_window(request, window_id: int):
    queue.close_counter(actor=request.auth, window_id=window_id, now=now())
    window = queue.callable_windows(request.auth).get(pk=window_id)
    return _window_out(window, None)


@router.post("/hall/windows/{window_id}/call-next", response={200: QueueCalledOut, **ERRORS},
             summary="叫下一位（先办结本窗口正在办理的号）",
             description="预约号在预约时间前2分钟起优先，其余按进入叫号顺序的时间和号码；只叫本窗口办理的业务类型。"
                         "本窗口已呼叫的号尚未处理（开始办理、重呼、跳过或过号）时返回 409；没有人等候时 ticket 为空。"
                         "两个窗口同时叫号不会叫到同一个号。")
def call_next(request, window_id: int):
    called = queue.call_next(actor=request.auth, window_id=window_id, now=now())
    if called is None:
        return {"ticket": None, "message": "当前没有等候的号"}
    window = called.window.number if called.window else ""
    return {"ticket": _reread(called), "message": f"请{called.number}号到{window}号窗口办理"}


def _step(action: str, summary: str, description: str):
    service = {"recall": queue.recall, "start": queue.start, "skip": queue.skip, "drop": queue.drop,
               "finish": queue.finish, "requeue": queue.requeue}[action]

    @router.post(f"/hall/tickets/{{ticket_id}}/{action}", response={200: QueueTicketOut, **ERRORS},
                 summary=summary, description=description, operation_id=f"hall_ticket_{action}")
    def step(request, ticket_id: int):
        return _reread(service(actor=request.auth, ticket_id=ticket_id, now=now()))

    return step


_step("recall", "重呼", f"已呼叫的号再呼叫一次，连同首次呼叫最多{hall_setting('MAX_CALLS')}次，之后只能过号（409）。")
_step("start", "开始办理", "被呼叫的群众已到窗口：开始办理（计入平均办理时长）。不是已呼叫的号返回 409。")
_step("skip", "跳过", "暂时跳过已呼叫的号（群众暂时离开），可重新排队。不是已呼叫的号返回 409。")
_step("drop", "过号", "已呼叫的群众未到：过号，离开排队（可重新排队）。不是已呼叫的号返回 409。")
_step("finish", "办结", "窗口服务结束。不是已呼叫或办理中的号返回 409。")
_step("requeue", "重新排队", "当天跳过或过号的号重新排到普通号的末尾。其他状态或不是当天的号返回 409。")


class QueueStaffTicketIn(Schema):
    unit: int = Field(description="服务中心（单位 id，须在本人管辖范围内）")
    service_type: int = Field(description="业务类型 id")


@router.post("/hall/tickets", response={201: QueueTakenOut, **ERRORS}, summary="人工取号（窗口工作人员代群众取号）",
             description="服务中心不在管辖范围内返回 404；业务类型不属于该中心或已停用返回 400（service_type）。")
def staff_ticket(request, payload: QueueStaffTicketIn):
    moment = now()
    ticket = queue.take_ticket(unit_id=payload.unit, service_type_id=payload.service_type, now=moment,
                               actor=request.auth)
    return Status(201, _taken(ticket, moment))


class QueueLinkIn(Schema):
    case_number: str = Field("", description="办件编号（与 inquiry_number 二选一）")
    inquiry_number: str = Field("", description="首问编号（与 case_number 二选一）")


@router.post("/hall/tickets/{ticket_id}/link", response={200: QueueTicketOut, **ERRORS},
             summary="关联号码转成的办件或首问",
             description="号码须为当天已呼叫、办理中或已办结的号；已呼叫的号随之开始办理。办件或首问不存在或"
                         "不可见返回 404（case_number / inquiry_number）；号码已关联返回 409。")
def link_ticket(request, ticket_id: int, payload: QueueLinkIn):
    case_number, inquiry_number = payload.case_number.strip(), payload.inquiry_number.strip()
    if bool(case_number) == bool(inquiry_number):
        raise DomainError("请填写办件编号或首问编号（二选一）",
                          fields={"case_number": ["办件编号和首问编号二选一"]})
    moment = now()
    try:
        case = get_case_for(request.auth, case_number[:32]) if case_number else None
    except NotFound:
        raise NotFound("办件不存在", fields={"case_number": ["办件不存在或不在您的管辖范围内"]}) from None
    try:
        inquiry = get_inquiry_for(request.auth, inquiry_number[:32]) if inquiry_number else None
    except NotFound:
        raise NotFound("首问不存在", fields={"inquiry_number": ["首问不存在或不在您的管辖范围内"]}) from None
    with audited_atomic():
        ticket = queue.link(actor=request.auth, ticket_id=ticket_id, now=moment, case=case, inquiry=inquiry)
    return _reread(ticket)


# --- statistics --------------------------------------------------------------------------------------------------


class QueueStatsQuery(Schema):
    unit: str = Field("", description="单位代码（空为本人管辖范围）")
    start: Day = Field(..., alias="from")
    end: Day = Field(..., alias="to")


class QueueStatsRow(Schema):
    key: str = Field(description="时段（两位小时）、业务类型（中心代码-字母）或窗口（中心代码-窗口号）；空为合计")
    label: str
    tickets: int = Field(description="取号数")
    served: int = Field(description="已办结")
    dropped: int = Field(description="过号")
    skipped: int = Field(description="跳过（未重新排队）")
    waited: int = Field(description="已呼叫的号（等候时间按这些号计）")
    avg_wait_minutes: Optional[float] = Field(description="平均等候分钟（首次呼叫－进入叫号）")  # noqa: UP045
    p90_wait_minutes: Optional[float] = Field(description="90%的号等候不超过的分钟数（最近秩）")  # noqa: UP045
    avg_service_minutes: Optional[float] = Field(description="平均办理分钟（办结－开始办理）")  # noqa: UP045


class QueueStatsOut(Schema):
    unit: Optional[str]  # noqa: UP045
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")
    total: QueueStatsRow
    hours: list[QueueStatsRow] = Field(description="按取号时段（小时）")
    types: list[QueueStatsRow] = Field(description="按业务类型")
    windows: list[QueueStatsRow] = Field(description="按呼叫窗口")


def _rows(rows: list[QueueRow]) -> list[dict[str, Any]]:
    return [r.as_dict() for r in rows]


def stats_out(report: QueueReport) -> dict[str, Any]:
    return {"unit": report.unit.code if report.unit else None, "from": report.start, "to": report.end,
            "total": report.total.as_dict(), "hours": _rows(report.hours), "types": _rows(report.types),
            "windows": _rows(report.windows)}


@stats_router.get("/stats/queue", response={200: QueueStatsOut, **ERRORS}, by_alias=True,
                  summary="排队等候统计（按时段、业务类型、窗口：取号、办结、过号、平均和P90等候、平均办理时长）",
                  description="仅中心领导和监督员（403）；单位不在管辖范围内返回 404；统计区间不超过一年。")
def queue_stats(request, q: Query[QueueStatsQuery]):
    if not oversees(request.auth):
        raise Forbidden("只有中心领导和监督员可以查看")
    return stats_out(queue_indicators(request.auth, start=q.start, end=q.end, unit_code=q.unit))

