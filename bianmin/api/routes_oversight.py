"""Oversight endpoints: statistics, the leader's overview, accountability records, commendations, messages, meetings.

The steps on a violation record and on a meeting's action item are generated from their action catalogues
(``accountability.actions``, ``meetings.actions``) by ``routes_actions.register``, as are recording a violation
or a commendation and opening a meeting (subject-less catalogues, answered with 201 and the new row).

No ``from __future__ import annotations`` here (as in ``routes_actions``): the schemas' annotations stay objects.
"""
import datetime as dt
from typing import Literal

from django.db.models import Prefetch, Q
from ninja import Field, Query, Router, Schema

from bianmin.accountability.actions import CREATE_ACTIONS as ACCOUNTABILITY_CREATE_ACTIONS
from bianmin.accountability.actions import VIOLATION_ACTIONS
from bianmin.accountability.policies import get_violation_for, oversees, visible_violations
from bianmin.cases.selectors import deadline_overview
from bianmin.core.actions import run
from bianmin.core.errors import Forbidden
from bianmin.core.replica import read_from_replica
from bianmin.core.timeutils import now, today
from bianmin.meetings.actions import ACTION_ITEM_ACTIONS, MEETING_ACTIONS
from bianmin.meetings.actions import CREATE_ACTIONS as MEETING_CREATE_ACTIONS
from bianmin.meetings.models import ActionItem, AgendaItem
from bianmin.meetings.policies import get_meeting_for, visible_meetings
from bianmin.notifications.selectors import inbox
from bianmin.notifications.services import mark_read
from bianmin.stats.relays import relay_indicators
from bianmin.stats.selectors import indicators

from .auth import StaffToken
from .bounds import Day, Limit100, Limit200, Offset
from .routes_actions import register
from .schemas import ErrorOut
from .schemas_oversight import (
    CommendationOut,
    MeetingActionCreatedOut,
    MeetingOut,
    ViolationOut,
    action_created_out,
    commendation_out,
    meeting_out,
    meeting_result,
    violation_out,
    violation_result,
)

router = Router(tags=["统计与监督"], auth=StaffToken())
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _overseer(user) -> None:
    if not oversees(user):
        raise Forbidden("只有中心领导和监督员可以查看")


class StatsQuery(Schema):
    unit: str = ""
    start: Day = Field(..., alias="from")
    end: Day = Field(..., alias="to")
    group: str = ""


class IndicatorRow(Schema):
    key: str
    label: str
    received: int
    accepted: int
    immediate: int
    immediate_share: float | None
    reported: int = 0
    decided: int
    on_time: int
    on_time_rate: float | None
    avg_working_days: float | None
    overdue: int
    supplement: int
    supplement_rate: float | None
    one_visit: int
    one_visit_share: float | None


class RatingStatsRow(Schema):
    """好差评 of one group (or the total): the 差评 follow-up first, then 好评率, 主动评价好评率 and 未评价率."""

    key: str = Field(description="分组键（单位、部门或工作人员的编号，窗口名称）；空为合计")
    label: str
    bad: int = Field(description="差评（不满意、非常不满意；申诉成立的不计）")
    follow_ups: int = Field(description="其中实名差评，已启动整改（回访、整改、反馈、追评）")
    visited_on_time: int = Field(description="在回访期限内回访")
    visit_late: int = Field(description="回访超时，或回访期限已过仍未回访")
    visit_on_time_rate: float | None = Field(description="回访按时率＝visited_on_time÷(visited_on_time+visit_late)")
    rectified: int = Field(description="已整改")
    rectified_on_time: int = Field(description="在整改期限内整改")
    rectify_late: int = Field(description="整改超时，或整改期限已过仍未整改")
    rectify_on_time_rate: float | None = Field(
        description="整改按时率＝rectified_on_time÷(rectified_on_time+rectify_late)")
    told: int = Field(description="整改结果已反馈评价人")
    re_rated: int = Field(description="整改后追评")
    re_rated_good: int = Field(description="追评为好评")
    re_rated_bad: int = Field(description="追评仍为差评")
    closed_unrectified: int = Field(description="服务已办结（送达）而差评仍在回访或整改中：不视为已解决")
    rated: int = Field(description="期内评价数（不含追评和申诉成立的评价）")
    good: int = Field(description="好评（非常满意、满意、基本满意）")
    good_rate: float | None = Field(description="好评率＝good÷rated")
    bad_rate: float | None = Field(description="差评率＝bad÷rated")
    active_rated: int = Field(description="主动评价数（不含默认评价）")
    active_good: int = Field(description="主动评价中的好评")
    active_good_rate: float | None = Field(description="主动评价好评率＝active_good÷active_rated")
    rateable: int = Field(description="期内办结（送达）的可评价服务：办件、首问咨询、代办件")
    unrated: int = Field(description="其中未评价")
    unrated_rate: float | None = Field(description="未评价率＝unrated÷rateable")
    excluded: int = Field(description="申诉成立不计入指标的评价")


class ComplaintStatsRow(Schema):
    """监督投诉 of one group (or the total): by kind, replies on time, confirmed, transferred."""

    key: str = Field(description="分组键；空为合计")
    label: str
    received: int = Field(description="期内受理的投诉（计入现承办单位）")
    attitude: int = Field(description="服务态度")
    delay: int = Field(description="办事拖延")
    buck_passing: int = Field(description="推诿扯皮")
    integrity: int = Field(description="廉政问题")
    improper_fee: int = Field(description="乱收费")
    other: int = Field(description="其他")
    anonymous: int = Field(description="其中匿名投诉（无答复渠道，不计答复时限）")
    replied: int = Field(description="已答复")
    replied_on_time: int = Field(description="在答复期限内答复")
    reply_late: int = Field(description="逾期答复，或答复期限已过仍未答复的实名投诉")
    reply_on_time_rate: float | None = Field(
        description="答复按时率＝replied_on_time÷(replied_on_time+reply_late)")
    open: int = Field(description="办理中（未答复、未归档）")
    confirmed: int = Field(description="查实（已登记过错记录）")
    transferred: int = Field(description="转办：本范围内单位转出的投诉（计入转出单位）")


class StatsOut(Schema):
    unit: str | None
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")
    group: Literal["", "unit", "department", "window", "staff"]
    total: IndicatorRow
    rows: list[IndicatorRow]
    inquiries_by_outcome: dict[str, int]
    violations_by_type: dict[str, int]
    ratings: RatingStatsRow = Field(
        description="好差评合计：差评整改（按时回访、按时整改、整改后追评）在前，好评率在后")
    rating_rows: list[RatingStatsRow] = Field(description="好差评按分组（不分组时为空）")
    complaints: ComplaintStatsRow = Field(description="监督投诉合计")
    complaint_rows: list[ComplaintStatsRow] = Field(description="监督投诉按分组（不分组时为空）")
    complaints_by_kind: dict[str, int] = Field(description="投诉按类别（类别名称 → 件数）")


@router.get("/stats", response={200: StatsOut, **ERRORS}, by_alias=True,
            summary="办件指标（按期办结率、即办件占比、平均用时、超期、补正率、最多跑一次、首问、过错）、好差评与监督投诉",
            description="好差评以差评整改（按时回访、按时整改、整改后追评、办结但差评未整改）为先，再列好评率、"
                        "主动评价好评率和未评价率；申诉成立的评价不计入。投诉按类别、按时答复、查实和转办统计。"
                        "统计只含件数，不含投诉人或评价人的身份。")
def stats(request, q: Query[StatsQuery]):
    _overseer(request.auth)
    report = read_from_replica(request, lambda: indicators(request.auth, start=q.start, end=q.end, unit_code=q.unit,
                                                           group_by=q.group))  # decision 0027
    return {"unit": report.unit.code if report.unit else None, "from": report.start, "to": report.end,
            "group": report.group_by, "total": report.total.as_dict(), "rows": [r.as_dict() for r in report.rows],
            "inquiries_by_outcome": report.inquiries, "violations_by_type": report.violations,
            "ratings": report.ratings.as_dict(), "rating_rows": [r.as_dict() for r in report.rating_rows],
            "complaints": report.complaints.as_dict(),
            "complaint_rows": [r.as_dict() for r in report.complaint_rows],
            "complaints_by_kind": report.complaints_by_kind}


class RelayStatsQuery(Schema):
    unit: str = Field("", description="单位代码（空为本人管辖范围）")
    start: Day = Field(..., alias="from")
    end: Day = Field(..., alias="to")


class RelayHopStatsRow(Schema):
    key: Literal["", "VILLAGE_UP", "TOWN_UP", "REVIEW", "DOWN"] = Field(
        description="交接环节：VILLAGE_UP 代办站→镇中心，TOWN_UP 镇中心→决定机关，REVIEW 下级机关初审，DOWN 结果回送；"
                    "空为合计")
    label: str
    sent: int = Field(description="期内移交数")
    on_time: int = Field(description="在签收期限内签收或拒收")
    late: int = Field(description="超期签收或拒收，或期限已过仍未签收")
    refused: int = Field(description="拒收")
    pending: int = Field(description="待签收且未到期限")
    on_time_rate: float | None = Field(description="按时率＝on_time÷(on_time+late)")


class RelayAgentStatsRow(Schema):
    key: str = Field(description="上岗证号")
    label: str = Field(description="姓名")
    unit: str = Field(description="所在单位")
    registered: int = Field(description="期内登记的代办件")
    delivered: int = Field(description="其中已送达")
    delivered_on_time: int = Field(description="其中在预计办结日期前送达")
    hops_sent: int = Field(description="期内移交次数")
    hops_on_time: int
    hops_late: int
    hop_on_time_rate: float | None = Field(description="交接按时率")


class RelayStationStatsRow(Schema):
    key: str = Field(description="代办站代码；空为合计")
    label: str
    registered: int = Field(description="期内登记的代办件")
    in_transit: int = Field(description="在途（未送达、未归档）")
    delivered: int = Field(description="已送达（含归档）")
    archived: int = Field(description="归档上报")
    on_time: int = Field(description="在预计办结日期前送达")
    late: int = Field(description="逾期送达，或预计日期已过仍未送达")
    on_time_rate: float | None = Field(description="按期率＝on_time÷(on_time+late)")


class RelayStatsOut(Schema):
    unit: str | None
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")
    hops: list[RelayHopStatsRow] = Field(description="各段交接按时率（固定四行）")
    hop_total: RelayHopStatsRow
    agents: list[RelayAgentStatsRow] = Field(description="代办员及经手交接的工作人员")
    stations: list[RelayStationStatsRow] = Field(description="各代办站代办件")
    station_total: RelayStationStatsRow


@router.get("/stats/relays", response={200: RelayStatsOut, **ERRORS}, by_alias=True,
            summary="全程代理统计（各段交接按时率、代办员、各代办站代办件）")
def relay_stats(request, q: Query[RelayStatsQuery]):
    _overseer(request.auth)
    report = read_from_replica(request, lambda: relay_indicators(request.auth, start=q.start, end=q.end,
                                                                 unit_code=q.unit))
    return {"unit": report.unit.code if report.unit else None, "from": report.start, "to": report.end,
            "hops": [h.as_dict() for h in report.hops], "hop_total": report.hop_total.as_dict(),
            "agents": [a.as_dict() for a in report.agents],
            "stations": [s.as_dict() for s in report.stations], "station_total": report.station_total.as_dict()}


class OverviewHandlerOut(Schema):
    first_handler_id: int | None
    first_handler__name: str = Field(description="首办负责人；没有首办负责人时为“—”")
    first_handler__unit__name: str
    total: int = Field(description="办理中的件数")
    red: int = Field(description="已超期（红色预警）")
    yellow: int = Field(description="临近期限（黄色预警）")
    paused: int = Field(description="特别程序中（计时中止）")


class OverviewTotalsOut(Schema):
    total: int
    paused: int
    red: int
    yellow: int


class OverviewOut(Schema):
    handlers: list[OverviewHandlerOut]
    totals: OverviewTotalsOut


@router.get("/overview", response={200: OverviewOut, **ERRORS}, summary="时限总览（按首办负责人的预警数）")
def overview(request):
    _overseer(request.auth)
    return deadline_overview(request.auth, today())


@router.get("/violations", response={200: list[ViolationOut], **ERRORS}, summary="过错记录（本人的，或监督范围内的）")
def violations(request, status: str = "", staff: str = "", offset: Offset = 0, limit: Limit200 = 50):
    qs = visible_violations(request.auth).select_related("staff", "unit", "case", "inquiry").order_by(
        "-occurred_on", "-id")
    if status:
        qs = qs.filter(status=status)
    if staff:
        qs = qs.filter(Q(staff__badge_number=staff) | Q(staff__name=staff))
    return [violation_out(v) for v in qs[offset:offset + limit]]


@router.get("/violations/{pk}", response={200: ViolationOut, **ERRORS}, summary="过错记录详情")
def violation(request, pk: int):
    return violation_out(get_violation_for(request.auth, pk), with_statements=True)


# POST /violations/{pk}/statement, propose, dismiss, approve, reject, external-reference: one per catalogued step.
register(router, VIOLATION_ACTIONS)


class SanctionDecisionIn(Schema):
    approve: bool = Field(description="true：同意（同 /approve）；false：退回（同 /reject，须写 note）")
    note: str = ""


@router.post("/violations/{pk}/decide", response={200: ViolationOut, **ERRORS}, deprecated=True,
             summary="领导审批处理意见（请改用 /approve 或 /reject）",
             description="approve 为 true 时即“同意处理意见”（/approve），否则即“退回处理意见”（/reject）。")
def decide(request, pk: int, payload: SanctionDecisionIn):
    spec = VIOLATION_ACTIONS.actions["approve" if payload.approve else "reject"]
    return violation_result(run(spec, actor=request.auth, key=pk, data={"note": payload.note}, now=now()))


class MessageOut(Schema):
    id: int
    subject: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


@router.get("/messages", response={200: list[MessageOut], **ERRORS}, summary="我的站内消息")
def messages(request, unread: bool = False):
    qs = inbox(request.auth)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:100])


@router.post("/messages/{pk}/read", response={200: MessageOut, **ERRORS}, summary="标为已读")
def read(request, pk: int):
    return mark_read(actor=request.auth, message_id=pk, now=now())




@router.get("/meetings", response={200: list[MeetingOut], **ERRORS}, summary="会议记录（联席会议、工作例会、专题会议）")
def meetings(request, offset: Offset = 0, limit: Limit100 = 20, kind: str | None = None):
    _overseer(request.auth)
    qs = visible_meetings(request.auth)
    if kind:
        qs = qs.filter(kind=kind)
    qs = qs.select_related("unit").prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.select_related("case")),
        Prefetch("actions", queryset=ActionItem.objects.select_related("owner")))
    return [meeting_out(m) for m in qs[offset:offset + limit]]


@router.get("/meetings/{pk}", response={200: MeetingOut, **ERRORS}, summary="会议详情")
def meeting(request, pk: int):
    return meeting_result(get_meeting_for(request.auth, pk))


# POST /meeting-actions/{pk}/done.
register(router, ACTION_ITEM_ACTIONS)


# The catalogued actions that create a row answer 201 with it; the minutes answer with the meeting.
register(router, ACCOUNTABILITY_CREATE_ACTIONS, {"record_violation": (201, ViolationOut, violation_result),
                                                 "commend": (201, CommendationOut, commendation_out)})
register(router, MEETING_CREATE_ACTIONS, {"create": (201, MeetingOut, meeting_result)})
register(router, MEETING_ACTIONS, {"decision": (201, MeetingActionCreatedOut, action_created_out),
                                   "minutes": (200, MeetingOut, meeting_result)})
