"""What the accountability and meeting endpoints answer: the schemas and how each is built from a service's result.

Kept apart from ``routes_oversight`` because ``routes_actions`` reads them too (the answers of the generated
endpoints of the violation and action-item catalogues), and ``routes_oversight`` imports ``routes_actions``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch, prefetch_related_objects
from ninja import Field, Schema

from bianmin.accountability.models import Severity, Source, Statement, ViolationKind, ViolationStatus
from bianmin.meetings.models import ActionItem, ActionStatus, AgendaItem, AgendaKind, MeetingKind


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


def violation_out(v: Any, *, with_statements: bool = False) -> dict[str, Any]:
    return {"id": v.pk, "kind": v.kind, "kind_label": v.get_kind_display(), "staff": v.staff.name,
            "badge_number": v.staff.badge_number, "unit": v.unit.name, "occurred_on": v.occurred_on,
            "description": v.description, "source": v.source, "status": v.status,
            "case": v.case.number if v.case_id else None, "inquiry": v.inquiry.number if v.inquiry_id else None,
            "evidence": v.evidence, "severity": v.severity, "severity_label": v.get_severity_display(),
            "sanction": v.sanction, "sanction_reason": v.sanction_reason,
            "decision_note": v.decision_note, "external_reference": v.external_reference,
            "statements": [{"at": s.at.isoformat(), "text": s.text} for s in v.statements.all()]
            if with_statements else []}


def violation_result(result: Any) -> dict[str, Any]:
    """Return the record a step on it left (a statement's answer lists the record's statements)."""
    if isinstance(result, Statement):
        return violation_out(result.violation, with_statements=True)
    return violation_out(result)


class CommendationOut(Schema):
    id: int
    staff: str
    on_date: dt.date
    reason: str


def commendation_out(item: Any) -> dict[str, Any]:
    return {"id": item.pk, "staff": item.staff.name, "on_date": item.on_date, "reason": item.reason}


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


def with_items(meeting: Any) -> Any:
    prefetch_related_objects([meeting], Prefetch("agenda", queryset=AgendaItem.objects.select_related("case")),
                             Prefetch("actions", queryset=ActionItem.objects.select_related("owner")))
    return meeting


def meeting_out(m: Any) -> dict[str, Any]:
    return {"id": m.pk, "kind": m.kind, "kind_label": m.get_kind_display(), "topic": m.topic,
            "held_on": m.held_on, "unit": m.unit.code, "period_start": m.period_start,
            "period_end": m.period_end, "chair": m.chair, "attendees": m.attendees, "minutes": m.minutes,
            "agenda": [{"id": a.pk, "kind": a.kind, "title": a.title, "detail": a.detail,
                        "case": a.case.number if a.case_id else None, "violation": a.violation_id}
                       for a in m.agenda.all()],
            "actions": [{"id": x.pk, "decision": x.decision, "owner": x.owner.badge_number, "due_date": x.due_date,
                         "status": x.status, "done_note": x.done_note}
                        for x in m.actions.all()]}


def meeting_result(meeting: Any) -> dict[str, Any]:
    """Return a meeting a service wrote, with its agenda and action items."""
    return meeting_out(with_items(meeting))


class MeetingActionCreatedOut(Schema):
    id: int
    status: ActionStatus
    due_date: dt.date


def action_created_out(x: Any) -> dict[str, Any]:
    return {"id": x.pk, "status": x.status, "due_date": x.due_date}


class MeetingActionDoneOut(Schema):
    id: int
    status: ActionStatus
    done_note: str


def action_done_out(x: Any) -> dict[str, Any]:
    return {"id": x.pk, "status": x.status, "done_note": x.done_note}
