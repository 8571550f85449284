"""Oversight endpoints: statistics, the leader's overview, accountability records, commendations, messages."""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch, Q, prefetch_related_objects
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from bianmin.accountability import services as acc
from bianmin.accountability.models import Severity, Source, ViolationKind, ViolationStatus
from bianmin.accountability.policies import get_violation_for, oversees, visible_violations
from bianmin.cases.selectors import deadline_overview
from bianmin.core.errors import Forbidden
from bianmin.core.timeutils import now, today
from bianmin.meetings import services as mtg
from bianmin.meetings.models import ActionItem, ActionStatus, AgendaItem, AgendaKind, MeetingKind
from bianmin.meetings.policies import get_meeting_for, visible_meetings
from bianmin.notifications.selectors import inbox
from bianmin.notifications.services import mark_read
from bianmin.stats.selectors import indicators

from .auth import StaffToken
from .bounds import Day, Limit100, Limit200, Offset
from .schemas import ErrorOut

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


class StatsOut(Schema):
    unit: str | None
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")
    group: Literal["", "unit", "department", "window", "staff"]
    total: IndicatorRow
    rows: list[IndicatorRow]
    inquiries_by_outcome: dict[str, int]
    violations_by_type: dict[str, int]


@router.get("/stats", response={200: StatsOut, **ERRORS}, by_alias=True,
            summary="办件指标（按期办结率、即办件占比、平均用时、超期、补正率、最多跑一次、首问、过错）")
def stats(request, q: Query[StatsQuery]):
    _overseer(request.auth)
    report = indicators(request.auth, start=q.start, end=q.end, unit_code=q.unit, group_by=q.group)
    return {"unit": report.unit.code if report.unit else None, "from": report.start, "to": report.end,
            "group": report.group_by, "total": report.total.as_dict(), "rows": [r.as_dict() for r in report.rows],
            "inquiries_by_outcome": report.inquiries, "violations_by_type": report.violations}


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


class EvidenceOut(Schema):
    label: str
    url: str = Field(description="站内路径或网址")


class ViolationStatementOut(Schema):
    at: str = Field(description="提交时间（ISO 8601）")
    text: str


class ViolationOut(Schema):
    id: int
    kind: ViolationKind
    kind_label: str
    staff: str
    badge_number: str
    unit: str
    occurred_on: dt.date
    description: str
    source: Source
    status: ViolationStatus
    case: str | None
    inquiry: str | None
    evidence: list[EvidenceOut]
    severity: Severity | Literal[""] = Field(description="情节（MINOR、SERIOUS、VERY_SERIOUS）；没有处理意见时为空")
    severity_label: str
    sanction: str
    sanction_reason: str
    decision_note: str
    external_reference: str
    statements: list[ViolationStatementOut] = Field(description="申辩；仅在过错记录详情和提交申辩时列出")


def _out(v, *, with_statements: bool = False) -> dict[str, Any]:
    return {"id": v.pk, "kind": v.kind, "kind_label": v.get_kind_display(), "staff": v.staff.name,
            "badge_number": v.staff.badge_number, "unit": v.unit.name, "occurred_on": v.occurred_on,
            "description": v.description, "source": v.source, "status": v.status,
            "case": v.case.number if v.case_id else None, "inquiry": v.inquiry.number if v.inquiry_id else None,
            "evidence": v.evidence, "severity": v.severity, "severity_label": v.get_severity_display(),
            "sanction": v.sanction, "sanction_reason": v.sanction_reason,
            "decision_note": v.decision_note, "external_reference": v.external_reference,
            "statements": [{"at": s.at.isoformat(), "text": s.text} for s in v.statements.all()]
            if with_statements else []}


@router.get("/violations", response={200: list[ViolationOut], **ERRORS}, summary="过错记录（本人的，或监督范围内的）")
def violations(request, status: str = "", staff: str = "", offset: Offset = 0, limit: Limit200 = 50):
    qs = visible_violations(request.auth).select_related("staff", "unit", "case", "inquiry").order_by(
        "-occurred_on", "-id")
    if status:
        qs = qs.filter(status=status)
    if staff:
        qs = qs.filter(Q(staff__badge_number=staff) | Q(staff__name=staff))
    return [_out(v) for v in qs[offset:offset + limit]]


@router.get("/violations/{pk}", response={200: ViolationOut, **ERRORS}, summary="过错记录详情")
def violation(request, pk: int):
    return _out(get_violation_for(request.auth, pk), with_statements=True)


class ViolationIn(Schema):
    staff: str
    kind: str
    occurred_on: Day
    description: str
    case_number: str = ""
    evidence: list[dict[str, str]] = []


@router.post("/violations", response={201: ViolationOut, **ERRORS}, summary="监督员登记过错")
def create_violation(request, payload: ViolationIn):
    v = acc.record_violation(actor=request.auth, now=now(), **payload.dict())
    return Status(201, _out(get_violation_for(request.auth, v.pk)))


class DismissIn(Schema):
    reason: str


@router.post("/violations/{pk}/dismiss", response={200: ViolationOut, **ERRORS}, summary="撤销过错记录")
def dismiss(request, pk: int, payload: DismissIn):
    acc.dismiss_violation(actor=request.auth, pk=pk, reason=payload.reason, now=now())
    return _out(get_violation_for(request.auth, pk))


class ProposeIn(Schema):
    severity: str = Field("", description="情节：MINOR 情节较轻、SERIOUS 情节严重、VERY_SERIOUS 情节特别严重")
    sanction: str = Field("", description="该情节可选的处理方式之一（BIANMIN.SANCTION_LADDER），如“书面告诫”")
    reason: str = ""


@router.post("/violations/{pk}/propose", response={200: ViolationOut, **ERRORS},
             summary="提出处理意见（按情节选择处理方式，待领导审批）")
def propose(request, pk: int, payload: ProposeIn):
    acc.propose_sanction(actor=request.auth, pk=pk, severity=payload.severity, sanction=payload.sanction,
                         reason=payload.reason, now=now())
    return _out(get_violation_for(request.auth, pk))


class SanctionDecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post("/violations/{pk}/decide", response={200: ViolationOut, **ERRORS}, summary="领导审批处理意见")
def decide(request, pk: int, payload: SanctionDecisionIn):
    acc.decide_sanction(actor=request.auth, pk=pk, approve=payload.approve, note=payload.note, now=now())
    return _out(get_violation_for(request.auth, pk))


class TextIn(Schema):
    text: str


@router.post("/violations/{pk}/statement", response={200: ViolationOut, **ERRORS}, summary="本人提交申辩")
def statement(request, pk: int, payload: TextIn):
    acc.file_statement(actor=request.auth, pk=pk, text=payload.text, now=now())
    return _out(get_violation_for(request.auth, pk), with_statements=True)


class ReferenceIn(Schema):
    reference: str


@router.post("/violations/{pk}/external-reference", response={200: ViolationOut, **ERRORS},
             summary="登记政务处分文号（外部决定）")
def reference(request, pk: int, payload: ReferenceIn):
    acc.set_external_reference(actor=request.auth, pk=pk, reference=payload.reference, now=now())
    return _out(get_violation_for(request.auth, pk))


class CommendIn(Schema):
    staff: str
    reason: str
    on_date: Day


class CommendationOut(Schema):
    id: int
    staff: str
    on_date: dt.date
    reason: str


@router.post("/commendations", response={201: CommendationOut, **ERRORS}, summary="登记表扬")
def commend(request, payload: CommendIn):
    item = acc.commend(actor=request.auth, staff=payload.staff, reason=payload.reason, on_date=payload.on_date,
                       now=now())
    return Status(201, {"id": item.pk, "staff": item.staff.name, "on_date": item.on_date, "reason": item.reason})


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


class MeetingIn(Schema):
    kind: str = Field("JOINT", description="会议类别：JOINT 联席会议、REGULAR 工作例会、SPECIAL 专题会议")
    topic: str = Field("", description="会议主题；专题会议必填")
    held_on: Day
    chair: str
    attendees: str
    place: str = ""
    period_start: Day | None = Field(None, description="议题期间；联席会议、工作例会默认为本单位会议周期的上一期，"
                                                         "专题会议不填")
    period_end: Day | None = None
    extra_topics: list[str] = []
    case_numbers: list[str] = Field([], description="关联办件编号（须在本单位范围内）")


class AgendaItemOut(Schema):
    id: int
    kind: AgendaKind
    title: str
    detail: str
    case: str | None = Field(description="相关办件编号")
    violation: int | None = Field(description="相关过错记录")


class MeetingActionOut(Schema):
    id: int
    decision: str
    owner: str = Field(description="承办人工号")
    due_date: dt.date
    status: ActionStatus
    done_note: str


class MeetingOut(Schema):
    id: int
    kind: MeetingKind
    kind_label: str
    topic: str
    held_on: dt.date
    unit: str
    period_start: dt.date | None
    period_end: dt.date | None
    chair: str
    attendees: str
    minutes: str
    agenda: list[AgendaItemOut]
    actions: list[MeetingActionOut]


def _with_items(meeting):
    prefetch_related_objects([meeting], Prefetch("agenda", queryset=AgendaItem.objects.select_related("case")),
                             Prefetch("actions", queryset=ActionItem.objects.select_related("owner")))
    return meeting


def _meeting(m) -> dict[str, Any]:
    return {"id": m.pk, "kind": m.kind, "kind_label": m.get_kind_display(), "topic": m.topic,
            "held_on": m.held_on, "unit": m.unit.code, "period_start": m.period_start,
            "period_end": m.period_end, "chair": m.chair, "attendees": m.attendees, "minutes": m.minutes,
            "agenda": [{"id": a.pk, "kind": a.kind, "title": a.title, "detail": a.detail,
                        "case": a.case.number if a.case_id else None, "violation": a.violation_id}
                       for a in m.agenda.all()],
            "actions": [{"id": x.pk, "decision": x.decision, "owner": x.owner.badge_number, "due_date": x.due_date,
                         "status": x.status, "done_note": x.done_note}
                        for x in m.actions.all()]}


@router.get("/meetings", response={200: list[MeetingOut], **ERRORS}, summary="会议记录（联席会议、工作例会、专题会议）")
def meetings(request, offset: Offset = 0, limit: Limit100 = 20, kind: str | None = None):
    _overseer(request.auth)
    qs = visible_meetings(request.auth)
    if kind:
        qs = qs.filter(kind=kind)
    qs = qs.select_related("unit").prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.select_related("case")),
        Prefetch("actions", queryset=ActionItem.objects.select_related("owner")))
    return [_meeting(m) for m in qs[offset:offset + limit]]


@router.post("/meetings", response={201: MeetingOut, **ERRORS},
             summary="新建会议记录（联席会议、工作例会自动收集议题；专题会议须填主题）")
def create_meeting(request, payload: MeetingIn):
    m = mtg.create_meeting(actor=request.auth, now=now(), **payload.dict())
    return Status(201, _meeting(_with_items(get_meeting_for(request.auth, m.pk))))


@router.get("/meetings/{pk}", response={200: MeetingOut, **ERRORS}, summary="会议详情")
def meeting(request, pk: int):
    return _meeting(_with_items(get_meeting_for(request.auth, pk)))


class MeetingDecisionIn(Schema):
    decision: str
    owner: str
    due_date: Day
    agenda_item: int | None = None


class MeetingActionCreatedOut(Schema):
    id: int
    status: ActionStatus
    due_date: dt.date


@router.post("/meetings/{pk}/decisions", response={201: MeetingActionCreatedOut, **ERRORS}, summary="记录议定事项")
def decision(request, pk: int, payload: MeetingDecisionIn):
    x = mtg.add_decision(actor=request.auth, meeting_id=pk, decision=payload.decision, owner=payload.owner,
                         due_date=payload.due_date, agenda_item_id=payload.agenda_item, now=now())
    return Status(201, {"id": x.pk, "status": x.status, "due_date": x.due_date})


class ActionDoneIn(Schema):
    note: str


class MeetingActionDoneOut(Schema):
    id: int
    status: ActionStatus
    done_note: str


@router.post("/meeting-actions/{pk}/done", response={200: MeetingActionDoneOut, **ERRORS}, summary="议定事项完成")
def action_done(request, pk: int, payload: ActionDoneIn):
    x = mtg.complete_action(actor=request.auth, action_id=pk, note=payload.note, now=now())
    return {"id": x.pk, "status": x.status, "done_note": x.done_note}
