"""监督投诉 endpoints: the register (list, one complaint with its steps), the steps generated from
``complaints.actions``, the supervisor's audited reveal of who complained, and the public submission and follow-up.

The complainant's name and phone are in no answer but the reveal's (a supervisor, with a reason, audited); the
masked phone is in the complaint's answer for supervisors only. No ``from __future__ import annotations`` (as in
``routes_actions``): the schemas' annotations stay objects."""
import datetime as dt
from typing import Any, Optional

from ninja import Field, Router, Schema
from ninja.responses import Status

from bianmin.cases.lookup import throttled
from bianmin.complaints.actions import COMPLAINT_ACTIONS, CREATE_ACTIONS
from bianmin.complaints.models import (
    Complaint,
    ComplaintChannel,
    ComplaintKind,
    ComplaintStatus,
    ComplaintStepKind,
    ReplyWarning,
    SubjectType,
)
from bianmin.complaints.policies import get_complaint_for, is_supervisor
from bianmin.complaints.public import public_complaint
from bianmin.complaints.selectors import register_of, steps_of
from bianmin.complaints.services import reveal_complainant, submit_online_complaint
from bianmin.core.http import client_ip
from bianmin.core.timeutils import now

from .auth import StaffToken
from .routes_actions import register
from .routes_cases import ERRORS
from .schemas import ErrorOut

router = Router(tags=["监督投诉"], auth=StaffToken())
public_router = Router(tags=["公众查询"])


class ComplaintRowOut(Schema):
    number: str
    channel: ComplaintChannel
    kind: ComplaintKind
    subject_type: SubjectType
    staff: Optional[str] = None  # noqa: UP045 - evaluated at runtime by ninja
    unit: str
    department: Optional[str] = Field(None, description="涉及科室（医院便民服务中心的投诉；科室名称）")  # noqa: UP045
    status: ComplaintStatus
    anonymous: bool
    received_at: dt.datetime
    reply_due_on: dt.date
    warning_level: ReplyWarning


class ComplaintStepOut(Schema):
    kind: ComplaintStepKind
    at: dt.datetime
    unit: str
    by: Optional[str] = None  # noqa: UP045
    words: str
    public: bool


class ComplaintOut(ComplaintRowOut):
    query_code: str = Field("", description="查询码（实名投诉；投诉人凭编号和查询码查看进度）")
    staff_badge: Optional[str] = None  # noqa: UP045
    window: Optional[str] = None  # noqa: UP045
    case: Optional[str] = None  # noqa: UP045
    subject_unit: Optional[str] = None  # noqa: UP045
    subject_text: str = ""
    department_code: Optional[str] = None  # noqa: UP045 - 涉及科室's unit code
    matter: str
    nature: str
    investigation: str
    handling_opinion: str
    written: bool
    simple: bool
    complainant_phone_masked: str = Field("", description="投诉人电话（脱敏），仅监督员可见；完整身份见 reveal")
    handler: Optional[str] = None  # noqa: UP045
    replied_at: Optional[dt.datetime] = None  # noqa: UP045
    reply: str = ""
    late_reason: str = ""
    transferred_from: Optional[str] = None  # noqa: UP045
    transfer_note: str = ""
    confirmed_at: Optional[dt.datetime] = None  # noqa: UP045
    violation: Optional[int] = None  # noqa: UP045
    closed_at: Optional[dt.datetime] = None  # noqa: UP045
    steps: list[ComplaintStepOut]


def _row(c: Complaint) -> dict[str, Any]:
    return {"number": c.number, "channel": c.channel, "kind": c.kind, "subject_type": c.subject_type,
            "staff": c.staff.name if c.staff else None, "unit": c.unit.name,
            "department": c.department.name if c.department else None, "status": c.status,
            "anonymous": c.anonymous, "received_at": c.received_at, "reply_due_on": c.reply_due_on,
            "warning_level": c.warning_level}


def complaint_out(c: Complaint, user: Any) -> dict[str, Any]:
    """The complaint as its reader may see it. ``user`` None: the answer to the registrar or a supervisor's step.
    The query code and the case's number are the supervisors' (a case's number names its applicant, often the
    complainant: decision 0024 §5)."""
    trusted = user is None or is_supervisor(user)
    return {**_row(c), "query_code": c.query_code if trusted else "",
            "staff_badge": c.staff.badge_number if c.staff else None,
            "window": c.window.number if c.window else None, "case": c.case.number if c.case and trusted else None,
            "subject_unit": c.subject_unit.name if c.subject_unit else None, "subject_text": c.subject_text,
            "department_code": c.department.code if c.department else None,
            "matter": c.matter, "nature": c.nature, "investigation": c.investigation,
            "handling_opinion": c.handling_opinion, "written": c.written, "simple": c.simple,
            "complainant_phone_masked": c.complainant_phone_masked if is_supervisor(user) else "",
            "handler": c.handler.name if c.handler else None, "replied_at": c.replied_at, "reply": c.reply,
            "late_reason": c.late_reason,
            "transferred_from": c.transferred_from.name if c.transferred_from else None,
            "transfer_note": c.transfer_note, "confirmed_at": c.confirmed_at, "violation": c.violation_id,
            "closed_at": c.closed_at,
            "steps": [{"kind": s.kind, "at": s.at, "unit": s.unit.name, "by": s.by.name if s.by else None,
                       "words": s.words, "public": s.public} for s in steps_of(c)]}


@router.get("/complaints", response={200: list[ComplaintRowOut], **ERRORS},
            summary="监督投诉登记簿（本单位范围，最新在前，最多200条）",
            description="筛选：q（编号、事项、被投诉人或办件编号）、status、kind、department（涉及科室：医院科室的单位代码或ID）。")
def list_complaints(request, q: str = "", status: str = "", kind: str = "", department: str = ""):
    rows = register_of(request.auth, q=q, status=status if status in ComplaintStatus.values else "",
                       kind=kind if kind in ComplaintKind.values else "", department=department)[:200]
    return [_row(c) for c in rows]


@router.get("/complaints/{number}", response={200: ComplaintOut, **ERRORS}, summary="投诉详情（含登记簿）")
def get_complaint(request, number: str):
    return complaint_out(get_complaint_for(request.auth, number), request.auth)


class RevealIn(Schema):
    reason: str = Field(description="查看理由（记入审计）")


class ComplainantOut(Schema):
    name: str
    phone: str


@router.post("/complaints/{number}/reveal", response={200: ComplainantOut, **ERRORS},
             summary="查看投诉人身份（仅监督员，须写明理由，记入审计）",
             description="拒绝：不是监督员（403）；投诉针对本人或不在本单位范围（404）；匿名投诉（409）；未写理由（400）。")
def reveal(request, number: str, payload: RevealIn):
    return reveal_complainant(actor=request.auth, number=number, reason=payload.reason, now=now())


def _out(c: Complaint) -> dict[str, Any]:
    """The complaint after a step; the actor is a supervisor or a window clerk registering it (no masked phone)."""
    return complaint_out(Complaint.objects.select_related(
        "unit", "staff", "window", "case", "subject_unit", "handler", "transferred_from", "department").get(pk=c.pk),
        None)


register(router, CREATE_ACTIONS, {"register": (201, ComplaintOut, _out)})
STEPS = ("investigate", "handle", "transfer", "reply", "confirm", "archive")
register(router, COMPLAINT_ACTIONS, dict.fromkeys(STEPS, (200, ComplaintOut, _out)))


class PublicComplaintIn(Schema):
    unit: str = Field(description="受理投诉的服务中心（单位代码）")
    kind: ComplaintKind
    subject_type: SubjectType
    staff: str = Field("", description="被投诉人的上岗证号（公示）")
    window: str = Field("", description="窗口号")
    case_number: str = Field("", description="相关办件编号（可不填）")
    department: str = Field("", description="涉及科室（仅医院便民服务中心的投诉：该医院科室的单位代码或ID；可不填）")
    matter: str = Field(description="投诉事项")
    anonymous: bool = False
    name: str = Field("", description="投诉人姓名（实名投诉必填，保密）")
    phone: str = Field("", description="联系电话（实名投诉必填，保密）")


class PublicComplaintCreatedOut(Schema):
    number: str
    query_code: str = Field(description="查询码；匿名投诉为空（没有答复渠道）")
    reply_due_on: Optional[dt.date] = None  # noqa: UP045 - None for an anonymous complaint


@public_router.post("/public/complaints", response={201: PublicComplaintCreatedOut, 400: ErrorOut, 429: ErrorOut},
                    auth=None, summary="网上投诉（每个地址每小时最多5次）")
def submit(request, payload: PublicComplaintIn):
    c = submit_online_complaint(unit_code=payload.unit, kind=payload.kind.value,
                                subject_type=payload.subject_type.value, staff=payload.staff, window=payload.window,
                                case_number=payload.case_number, matter=payload.matter, anonymous=payload.anonymous,
                                name=payload.name, phone=payload.phone, department=payload.department, now=now(),
                                ip=client_ip(request))
    return Status(201, {"number": c.number, "query_code": c.query_code,
                        "reply_due_on": None if c.anonymous else c.reply_due_on})


class PublicLookupIn(Schema):
    number: str
    code: str


class PublicComplaintStepOut(Schema):
    kind: ComplaintStepKind
    label: str
    unit: str
    words: str
    at: dt.datetime


class PublicComplaintOut(Schema):
    number: str
    status: ComplaintStatus
    status_label: str
    kind_label: str
    unit: str
    received_at: dt.datetime
    reply_due_on: dt.date
    replied_at: Optional[dt.datetime] = None  # noqa: UP045
    reply: str
    steps: list[PublicComplaintStepOut]


@public_router.post("/public/complaint-lookup", response={200: PublicComplaintOut, 400: ErrorOut, 404: ErrorOut,
                                                         429: ErrorOut},
                    auth=None, summary="投诉处理进度查询（编号+查询码，限流同办件查询）")
def complaint_lookup(request, payload: PublicLookupIn):
    return throttled(public_complaint, payload.number, payload.code, ip=client_ip(request), now=now())
