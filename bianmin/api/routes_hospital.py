"""医院便民服务中心 endpoints (issue 14 item 6, decision 0026): the patient of a hospital case, coordination requests
from the desk to the hospital's 科室 (the desk's list and a 科室's inbox, one request with its steps, and the steps:
send, answer, refuse, escalate, tell the family, withdraw), the hospital's 科室, 便民活动 and the per-科室 figures.

Health information (个人信息保护法 Art. 28): diagnosis and ward are in no answer but the one of
``POST /cases/{number}/patient/reveal``, which writes a PERSONAL_DATA_VIEW audit row per call and is answered with
``Cache-Control: no-store``. Its path ends in ``/reveal`` on purpose: ``idempotency.EXEMPT_SUFFIXES`` exempts reveals
from the ``Idempotency-Key`` replay, so each read runs (and is audited) and no diagnosis is kept for a replay.

A 科室 is named by its unit code (e.g. ``YY1K1``) in every body and filter here. Every rule is in
``bianmin.hospital`` (policies, services, selectors); these views parse, call and serialise. The writes other than
the patient's (send, the request's steps, 便民活动) are generated from the catalogues of ``hospital.actions``
(``routes_actions.register``/``register_at``), the declarations the staff screens are drawn from too.

No ``from __future__ import annotations`` (as in ``routes_actions``): the schemas' annotations stay objects."""
import datetime as dt
from typing import Annotated, Any, Literal, Optional

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import WithJsonSchema

from bianmin.accountability.policies import oversees
from bianmin.core.errors import Forbidden, NotFound
from bianmin.core.timeutils import now
from bianmin.hospital import policies, selectors, services
from bianmin.hospital.actions import (
    DEPARTMENT_CODE,
    EVENT_ACTIONS,
    EVENT_CREATE_ACTIONS,
    REQUEST_ACTIONS,
    SEND_ACTIONS,
    EventKindCode,
    TopicCode,
)
from bianmin.hospital.models import (
    CareEvent,
    CoordinationRequest,
    EventStatus,
    PatientRecord,
    Relation,
    ReplyWarning,
    RequestStatus,
    RequestStepKind,
)
from bianmin.org.models import Unit, UnitKind
from bianmin.org.policies import scope_path, staff_profile_of
from bianmin.org.selectors import hospital_departments_under

from .auth import StaffToken
from .bounds import Page, PageSize, page_rows
from .routes_actions import register, register_at
from .routes_cases import ERRORS

router = Router(tags=["医院便民服务中心"], auth=StaffToken())

# The hospital's codes, listed inline (not as components): ``ReplyWarning`` is also the complaints' enum, and the
# other names are generic enough to collide with a later one (test_openapi_contract: one class per component name).
RelationCode = Annotated[Relation, WithJsonSchema({
    "type": "string", "enum": list(Relation.values),
    "description": "申请人与患者关系：" + "，".join(f"{v} {lbl}" for v, lbl in Relation.choices)})]
RequestStatusCode = Annotated[RequestStatus, WithJsonSchema({
    "type": "string", "enum": list(RequestStatus.values),
    "description": "协调单状态：" + "，".join(f"{v} {lbl}" for v, lbl in RequestStatus.choices)})]
StepKindCode = Annotated[RequestStepKind, WithJsonSchema({
    "type": "string", "enum": list(RequestStepKind.values),
    "description": "步骤：" + "，".join(f"{v} {lbl}" for v, lbl in RequestStepKind.choices)})]
WarningCode = Annotated[ReplyWarning, WithJsonSchema({
    "type": "string", "enum": list(ReplyWarning.values),
    "description": "已发出的提醒：空为无，YELLOW 即将到期，RED 已超时"})]
EventStatusCode = Annotated[EventStatus, WithJsonSchema({
    "type": "string", "enum": list(EventStatus.values),
    "description": "活动状态：" + "，".join(f"{v} {lbl}" for v, lbl in EventStatus.choices)})]

# --- the patient ---------------------------------------------------------------------------------------------------

class PatientIn(Schema):
    patient_name: str = Field(..., max_length=200, description="患者姓名（不超过64字）")
    relation: RelationCode = Relation.SELF
    diagnosis: str = Field("", max_length=2000, description="诊断（不超过500字；加密保存）。整体替换：不填即清空")
    ward: str = Field("", max_length=200, description="病区/床号（不超过64字；加密保存）。整体替换：不填即清空")


class PatientOut(Schema):
    case: str = Field(..., description="办件编号")
    patient_name: str
    relation: RelationCode
    relation_label: str


class PatientRevealIn(Schema):
    purpose: str = Field("", max_length=40, description="查看目的（可不填；记入审计）")


class PatientHealthOut(PatientOut):
    diagnosis: str = Field(..., description="诊断（敏感个人信息：每次查看记入审计）")
    ward: str = Field(..., description="病区/床号")


def _patient_out(number: str, patient: PatientRecord) -> dict[str, Any]:
    return {"case": number, "patient_name": patient.patient_name, "relation": patient.relation,
            "relation_label": patient.get_relation_display()}


@router.put("/cases/{number}/patient", response={200: PatientOut, **ERRORS},
            summary="登记或修改患者信息（医院便民服务中心的办件；诊断、病区加密保存）",
            description="整体替换患者姓名、与申请人关系、诊断和病区；应答不含诊断和病区。拒绝：不是医院便民服务中心"
                        "受理的办件（政务服务办件，400，case）；患者姓名为空或过长（400，patient_name）；"
                        "不是本中心受理办件的工作人员（403）；办件不存在或不在可见范围（404）；办件已归档、撤回、"
                        "退件或不予受理（409）。")
def put_patient(request, number: str, payload: PatientIn):
    patient = services.record_patient(actor=request.auth, number=number, patient_name=payload.patient_name,
                                      relation=payload.relation.value, diagnosis=payload.diagnosis,
                                      ward=payload.ward, now=now())
    return _patient_out(number, patient)


@router.get("/cases/{number}/patient", response={200: PatientOut, **ERRORS},
            summary="患者信息（姓名和与申请人关系；不含诊断和病区）",
            description="可见办件的人员和收到该办件协调单的科室可查看。办件不可见、不是医院便民服务中心的办件或"
                        "未登记患者信息，返回 404。诊断和病区见 POST …/patient/reveal。")
def get_patient(request, number: str, response: HttpResponse):
    case = services.patient_case_for(request.auth, number)
    patient = PatientRecord.objects.filter(case_id=case.pk).only("patient_name", "relation").first()
    if patient is None:
        raise NotFound("患者信息不存在")
    response["Cache-Control"] = "no-store"
    return _patient_out(case.number, patient)


@router.post("/cases/{number}/patient/reveal", response={200: PatientHealthOut, **ERRORS},
             summary="查看患者的诊断和病区（敏感个人信息，每次查看记入审计）",
             description="仅本医院便民服务中心办理办件的工作人员，以及收到该办件协调单（未撤回）的科室工作人员；"
                         "其他人和办件不存在、未登记患者信息时返回 404。每次调用写一条审计记录（不含诊断内容），"
                         "不支持 Idempotency-Key 重放；应答带 Cache-Control: no-store。")
def reveal_patient(request, number: str, payload: PatientRevealIn, response: HttpResponse):
    case = services.patient_case_for(request.auth, number)
    view = services.read_patient_health(actor=request.auth, case=case, now=now(), purpose=payload.purpose)
    response["Cache-Control"] = "no-store"
    relation = next(v for v, label in Relation.choices if label == view.relation_label)
    return {"case": case.number, "patient_name": view.patient_name, "relation": relation,
            "relation_label": view.relation_label, "diagnosis": view.diagnosis, "ward": view.ward}


# --- the hospital's 科室 --------------------------------------------------------------------------------------------

class HospitalDepartmentOut(Schema):
    id: int
    code: str = Field(..., description="科室的单位代码（请求中以此指明科室）")
    name: str
    hospital_code: str = Field(..., description="所属医院便民服务中心的单位代码")
    hospital: str


@router.get("/hospital/departments", response={200: list[HospitalDepartmentOut], **ERRORS},
            summary="本医院的科室（医院便民服务中心和科室的工作人员；上级单位为管辖范围内各医院的科室）")
def list_departments(request):
    profile = staff_profile_of(request.auth)
    if profile is None:
        return []
    unit = profile.unit
    if unit.is_hospital_desk or (unit.kind == UnitKind.HOSPITAL_DEPT and unit.parent_id is not None):
        desk = unit if unit.is_hospital_desk else Unit.objects.get(pk=unit.parent_id)
        rows = [(d, desk) for d in selectors.departments_of(desk)]
    else:
        rows = [(d, d.parent) for d in hospital_departments_under(scope_path(request.auth))]
    return [{"id": d.pk, "code": d.code, "name": d.name, "hospital_code": desk.code, "hospital": desk.name}
            for d, desk in rows]


# --- coordination requests -------------------------------------------------------------------------------------------

class CoordinationRowOut(Schema):
    id: int
    number: str = Field(..., description="协调单号")
    case: str = Field(..., description="办件编号")
    desk: str = Field(..., description="发起的医院便民服务中心")
    department: str = Field(..., description="科室的单位代码")
    department_name: str
    topic: TopicCode
    status: RequestStatusCode
    sent_at: dt.datetime
    due_at: dt.datetime = Field(..., description="答复期限")
    reply_hours: int
    escalations: int = Field(..., description="上报/转其他科室的次数")
    warning_level: WarningCode
    late: bool = Field(..., description="已记录超时答复")


class CoordinationStepOut(Schema):
    kind: StepKindCode
    at: dt.datetime
    by: Optional[str] = Field(None, description="经办人（超时记录为空）")  # noqa: UP045
    department: str = Field(..., description="科室的单位代码")
    department_name: str
    note: str


class CoordinationOut(CoordinationRowOut):
    question: str
    sent_by: str
    answer: str
    answered_at: Optional[dt.datetime] = None  # noqa: UP045
    answered_by: Optional[str] = None  # noqa: UP045
    told_at: Optional[dt.datetime] = None  # noqa: UP045
    told_by: Optional[str] = None  # noqa: UP045
    told_note: str
    closed_reason: str = Field(..., description="撤回原因")
    steps: list[CoordinationStepOut]


class CoordinationPageOut(Schema):
    box: Literal["desk", "department"] = Field(
        ..., description="desk：本中心（及管辖范围）发出的；department：发给本科室的")
    count: int
    page: int
    page_size: int
    results: list[CoordinationRowOut]


class CoordinationQuery(Schema):
    box: Literal["", "desk", "department"] = Field(
        "", description="desk：发出的协调单（医院便民服务中心和上级单位）；department：本科室收到的；"
                        "不填按本人单位选择")
    status: Literal["", "OPEN", "ANSWERED", "REFUSED", "TOLD", "WITHDRAWN"] = ""
    department: str = Field("", max_length=16, description=DEPARTMENT_CODE)
    q: str = Field("", max_length=40, description="协调单号或办件编号（发出的协调单）")
    page: Page = 1
    size: PageSize = 50


def _row(r: CoordinationRequest) -> dict[str, Any]:
    return {"id": r.pk, "number": r.number, "case": r.case.number, "desk": r.desk.name,
            "department": r.department.code, "department_name": r.department.name, "topic": r.topic,
            "status": r.status, "sent_at": r.sent_at, "due_at": r.due_at, "reply_hours": r.reply_hours,
            "escalations": r.escalations, "warning_level": r.warning_level, "late": r.late}


def _detail(r: CoordinationRequest) -> dict[str, Any]:
    return {**_row(r), "question": r.question, "sent_by": r.sent_by.name, "answer": r.answer,
            "answered_at": r.answered_at, "answered_by": r.answered_by.name if r.answered_by else None,
            "told_at": r.told_at, "told_by": r.told_by.name if r.told_by else None, "told_note": r.told_note,
            "closed_reason": r.closed_reason,
            "steps": [{"kind": s.kind, "at": s.at, "by": s.by.name if s.by else None,
                       "department": s.department.code, "department_name": s.department.name, "note": s.note}
                      for s in selectors.steps_of(r)]}


def _fresh(r: CoordinationRequest) -> dict[str, Any]:
    """The request after the actor's step (read again: an escalation moves it out of the actor's inbox)."""
    return _detail(CoordinationRequest.objects.select_related(
        *selectors.LIST_RELATED, "answered_by", "told_by").get(pk=r.pk))


def _inbox_order(qs: QuerySet[CoordinationRequest]) -> QuerySet[CoordinationRequest]:
    """Open requests first by due time, then the rest newest first. (``selectors.department_inbox`` orders by
    ``-status``, which puts WITHDRAWN, TOLD and REFUSED before OPEN.)"""
    open_first = Case(When(status=RequestStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.order_by(open_first, "due_at", "id")


@router.get("/hospital/requests", response={200: CoordinationPageOut, **ERRORS},
            summary="科室协调单列表（医院便民服务中心发出的，或本科室收到的）",
            description="box 不填时，科室工作人员看到本科室收到的（待答复的在前，按答复期限），其他人看到管辖范围内"
                        "医院便民服务中心发出的（最新在前）。筛选：status、department（科室的单位代码）、q（协调单号"
                        "或办件编号，仅 desk）。列表不含患者信息。")
def list_requests(request, q: Query[CoordinationQuery]):
    box = q.box or ("department" if policies.department_profile(request.auth) is not None else "desk")
    if box == "department":
        qs = _inbox_order(selectors.department_inbox(request.auth, status=q.status))
    else:
        qs = selectors.desk_requests(request.auth, status=q.status, q=q.q.strip())
    if q.department.strip():
        qs = qs.filter(department__code=q.department.strip())
    return {"box": box, "count": qs.count(), "page": q.page, "page_size": q.size,
            "results": [_row(r) for r in qs[page_rows(q.page, q.size)]]}


@router.get("/hospital/requests/{request_id}", response={200: CoordinationOut, **ERRORS},
            summary="协调单详情（含每一步：发出、答复、上报、不能办理、告知、撤回、超时记录）",
            description="发出的医院便民服务中心及其上级单位（管辖范围）和收到协调单的科室可查看；其他人 404。"
                        "不含患者的诊断和病区。")
def get_request(request, request_id: int):
    return _detail(selectors.request_for(request.auth, request_id))


# --- 便民活动 --------------------------------------------------------------------------------------------------------

class CareEventDepartmentOut(Schema):
    code: str
    name: str


class CareEventRowOut(Schema):
    id: int
    unit: str = Field(..., description="主办单位名称")
    unit_code: str
    kind: EventKindCode
    title: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: EventStatusCode
    attendance: Optional[int] = Field(None, description="参加人数（举办后登记）")  # noqa: UP045


class CareEventOut(CareEventRowOut):
    description: str
    capacity: Optional[int] = None  # noqa: UP045
    departments: list[CareEventDepartmentOut]
    summary: str
    cancel_reason: str
    created_at: dt.datetime
    created_by: str
    published_at: Optional[dt.datetime] = None  # noqa: UP045


class CareEventPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[CareEventRowOut]


class CareEventQuery(Schema):
    status: Literal["", "PLANNED", "PUBLISHED", "HELD", "CANCELLED"] = ""
    page: Page = 1
    size: PageSize = 50


def _event_row(e: CareEvent) -> dict[str, Any]:
    return {"id": e.pk, "unit": e.unit.name, "unit_code": e.unit.code, "kind": e.kind, "title": e.title,
            "place": e.place, "starts_at": e.starts_at, "ends_at": e.ends_at, "status": e.status,
            "attendance": e.attendance}


def _event(e: CareEvent) -> dict[str, Any]:
    return {**_event_row(e), "description": e.description, "capacity": e.capacity,
            "departments": [{"code": d.code, "name": d.name} for d in e.departments.order_by("code")],
            "summary": e.summary, "cancel_reason": e.cancel_reason, "created_at": e.created_at,
            "created_by": e.created_by.name, "published_at": e.published_at}


def _fresh_event(e: CareEvent) -> dict[str, Any]:
    return _event(CareEvent.objects.select_related("unit", "created_by").get(pk=e.pk))


@router.get("/hospital/events", response={200: CareEventPageOut, **ERRORS},
            summary="便民活动列表（管辖范围内各中心的，开始时间最新在前）")
def list_events(request, q: Query[CareEventQuery]):
    qs = selectors.events_for(request.auth, status=q.status)
    return {"count": qs.count(), "page": q.page, "page_size": q.size,
            "results": [_event_row(e) for e in qs[page_rows(q.page, q.size)]]}


@router.get("/hospital/events/{event_id}", response={200: CareEventOut, **ERRORS}, summary="便民活动详情",
            description="管辖范围外的活动返回 404。")
def get_event(request, event_id: int):
    return _fresh_event(selectors.event_for(request.auth, event_id))


# The actions, generated from ``hospital.actions`` (the screens draw and parse the same declarations).
register_at(router, "/cases/{number}", SEND_ACTIONS, {"send": (201, CoordinationOut, _fresh)})
register_at(router, "/hospital/requests/{request_id}", REQUEST_ACTIONS,
            dict.fromkeys(("answer", "refuse", "escalate", "tell", "withdraw"), (200, CoordinationOut, _fresh)))
register(router, EVENT_CREATE_ACTIONS, {"plan": (201, CareEventOut, _fresh_event)})
register_at(router, "/hospital/events/{event_id}", EVENT_ACTIONS,
            dict.fromkeys(("publish", "attend", "cancel"), (200, CareEventOut, _fresh_event)))


# --- figures per 科室 -------------------------------------------------------------------------------------------------

class HospitalStatsQuery(Schema):
    month: str = Field(..., pattern=r"^20\d\d-(0[1-9]|1[0-2])$", description="月份，YYYY-MM（2000–2099 年）")


class DepartmentFiguresRow(Schema):
    department_id: int
    department: str = Field(..., description="科室名称")
    department_code: str
    total: int = Field(..., description="当月发出的协调单")
    answered: int = Field(..., description="科室已答复（含答复后已告知的）")
    refused: int = Field(..., description="科室不能办理（尚未告知的）")
    open: int = Field(..., description="待科室答复")
    late: int = Field(..., description="超时答复（已记录）")


class DepartmentFiguresOut(Schema):
    month: str
    rows: list[DepartmentFiguresRow] = Field(..., description="按科室（只含件数，不含患者信息）")


def _month(text: str) -> tuple[dt.datetime, dt.datetime]:
    year, month = (int(part) for part in text.split("-"))
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (timezone.make_aware(dt.datetime.combine(first, dt.time())),
            timezone.make_aware(dt.datetime.combine(following, dt.time())))


@router.get("/hospital/stats/departments", response={200: DepartmentFiguresOut, **ERRORS},
            summary="科室协调统计（按科室：当月发出、已答复、不能办理、待答复、超时）",
            description="仅中心领导和监督员（403），管辖范围内医院便民服务中心当月（北京时间）发出的协调单。"
                        "只有件数，不含患者信息。")
def department_stats(request, q: Query[HospitalStatsQuery]):
    if not oversees(request.auth):
        raise Forbidden("只有中心领导和监督员可以查看")
    lo, hi = _month(q.month)
    figures = selectors.department_figures(request.auth, lo, hi)
    codes: dict[Any, str] = dict(Unit.objects.filter(pk__in=[f["department_id"] for f in figures])
                                 .values_list("pk", "code"))
    return {"month": q.month, "rows": [
        {"department_id": f["department_id"], "department": f["department__name"],
         "department_code": codes.get(f["department_id"], ""), "total": f["total"], "answered": f["answered"],
         "refused": f["refused"], "open": f["open"], "late": f["late"]} for f in figures]}

