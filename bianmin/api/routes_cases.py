"""Staff case endpoints: receive, search, read. The actions on a case are generated from the action catalogue
(``routes_actions``): explicit verbs, never a writable status. Scoped: a forbidden case is a 404."""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Router, Schema
from ninja.responses import Status as Answer

from bianmin.cases import services as svc
from bianmin.cases.actions import AcceptIn, AgentIn, ApplicantIn, MaterialLine
from bianmin.cases.models import (
    ApplicantKind,
    DecisionOutcome,
    DeliveryMethod,
    ExtensionStatus,
    MaterialReceipt,
    NoticeKind,
    ReturnRequestStatus,
    TransferStatus,
)
from bianmin.cases.policies import get_case_for
from bianmin.cases.selectors import case_detail, desk_cases
from bianmin.cases.workflow import CaseClass, Status
from bianmin.catalog.models import SpecialProcedure
from bianmin.core.timeutils import now, today

from .auth import StaffToken
from .bounds import Page, PageSize, page_rows
from .schemas import ErrorOut

router = Router(tags=["办件"], auth=StaffToken())
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class CaseIn(Schema):
    item: str
    applicant: ApplicantIn
    agent: AgentIn | None = None
    materials: list[MaterialLine] = []
    accept: AcceptIn | None = Field(
        None, description="材料齐全时收件并受理（同一事务，选项同 POST /cases/{number}/accept）；受理被拒绝时不收件、"
                          "不留任何记录（409 materials_incomplete：请不带 accept 收件后出具补正告知书）")


class CaseCreatedOut(Schema):
    number: str
    query_code: str
    status: Status
    committed_deadline: dt.date | None = Field(None, description="承诺办结日期（收件并受理时）")
    legal_deadline: dt.date | None = Field(None, description="法定办结日期（收件并受理时）")
    committed_due_at: dt.datetime | None = Field(None, description="承诺办结时间（按小时计时的事项，收件并受理时）")


class EventOut(Schema):
    at: dt.datetime
    action: str = Field(description="环节：办件动作（见 Action），或收费、移交、特别程序等记录")
    label: str
    actor: str
    from_status: Status | Literal[""]
    to_status: Status | Literal[""]
    opinion: str


class ApplicantOut(Schema):
    kind: ApplicantKind
    name: str
    id_number: str = Field(description="证件号码（脱敏）")
    credit_code: str
    phone: str = Field(description="联系电话（脱敏）")


class HandlerOut(Schema):
    name: str
    badge: str


class CaseMaterialOut(Schema):
    name: str
    received_as: MaterialReceipt
    copies: int
    acceptable: bool
    problem: str


class NoticeOut(Schema):
    kind: NoticeKind
    number: str | None = Field(description="文书编号；补正通知书草稿尚未编号")
    issued_at: dt.datetime | None
    served_at: dt.datetime | None


class CaseTransferOut(Schema):
    id: int
    to: str = Field(description="接收人上岗证号")
    status: TransferStatus
    reason: str


class PaymentOut(Schema):
    fee: str
    amount: str = Field(description="金额（元），如 \"10.00\"")
    receipt: str


class PauseOut(Schema):
    kind: SpecialProcedure
    basis: str
    started_on: dt.date
    ended_on: dt.date | None
    working_days: int
    result: str


class CaseExtensionOut(Schema):
    id: int
    status: ExtensionStatus
    days: int
    reason: str


class DeferredOut(Schema):
    due_date: dt.date | None
    supplied_at: dt.datetime | None
    exception_at: dt.datetime | None
    exception_reason: str
    overdue: bool


class CaseReturnRequestOut(Schema):
    id: int
    status: ReturnRequestStatus
    reason: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    note: str


class ResultOut(Schema):
    decided_at: dt.datetime | None
    reasons: str = Field(description="决定理由")
    certificate_name: str = Field(description="证照名称（准予时）")
    certificate_number: str = Field(description="证照编号（准予且事项出具证照、卡证时）")
    delivery_method: DeliveryMethod | Literal[""] = Field(description="送达方式；尚未送达时为空")
    delivered_to: str = Field(description="签收人；尚未送达时为空")
    delivered_at: dt.datetime | None


class CaseOut(Schema):
    number: str
    status: Status
    status_label: str
    case_class: CaseClass
    item: str
    item_name: str
    item_version: int
    unit: str
    applicant: ApplicantOut
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    first_handler: HandlerOut | None
    committed_deadline: dt.date | None
    legal_deadline: dt.date | None
    provisional: bool  # the committed deadline was counted over a year not yet published
    legal_provisional: bool  # the same for the legal deadline
    urgent: bool
    outcome: DecisionOutcome | Literal[""]
    materials: list[CaseMaterialOut]
    notices: list[NoticeOut]
    transfers: list[CaseTransferOut]
    payments: list[PaymentOut]
    pauses: list[PauseOut]
    extension: CaseExtensionOut | None
    events: list[EventOut]
    intake_deadline: dt.date | None = None
    deadline_change_reason: str = ""
    competent_organ: str = ""
    competent_organ_contact: str = ""
    decided_by_organ: str = ""
    decision_document: str = ""
    deferred: DeferredOut | None = None
    return_requests: list[CaseReturnRequestOut] = []
    result: ResultOut | None = Field(None, description="办理结果与送达；尚未作出决定时为空")
    committed_due_at: dt.datetime | None = Field(
        None, description="承诺办结时间（承诺时限按小时计算的事项，精确到分钟）；按日计算的事项为空")


def _extension(case) -> dict[str, Any] | None:
    from bianmin.cases.models import Extension

    try:
        e = case.extension
    except Extension.DoesNotExist:
        return None
    return {"id": e.pk, "status": e.status, "days": e.days, "reason": e.reason}


def case_out(case) -> dict[str, Any]:
    case = case_detail(case)
    handler = case.first_handler
    return {
        "number": case.number, "status": case.status, "status_label": case.get_status_display(),
        "case_class": case.case_class, "item": case.item_version.item.code, "item_name": case.item_version.name,
        "item_version": case.item_version.number, "unit": case.unit.code,
        "applicant": {"kind": case.applicant_kind, "name": case.applicant_name,
                      "id_number": case.applicant_id_masked,  # stored masked copies: no decryption
                      "credit_code": case.applicant_credit_code, "phone": case.applicant_phone_masked},
        "received_at": case.received_at, "accepted_at": case.accepted_at,
        "first_handler": {"name": handler.name, "badge": handler.badge_number} if handler else None,
        "committed_deadline": case.committed_deadline, "committed_due_at": case.committed_due_at,
        "legal_deadline": case.legal_deadline, "provisional": case.deadline_provisional,
        "legal_provisional": case.legal_deadline_provisional, "urgent": case.urgent, "outcome": case.outcome,
        "materials": [{"name": m.name, "received_as": m.received_as, "copies": m.copies, "acceptable": m.acceptable,
                       "problem": m.problem} for m in case.materials.all()],
        "notices": [{"kind": n.kind, "number": n.number, "issued_at": n.issued_at, "served_at": n.served_at}
                    for n in case.notices.all()],
        "transfers": [{"id": t.pk, "to": t.to_handler.badge_number, "status": t.status, "reason": t.reason}
                      for t in case.transfers.all()],
        "payments": [{"fee": p.fee.name, "amount": str(p.amount), "receipt": p.receipt_number}
                     for p in case.payments.all()],
        "pauses": [{"kind": p.kind, "basis": p.basis, "started_on": p.started_on, "ended_on": p.ended_on,
                    "working_days": p.paused_working_days, "result": p.result} for p in case.pauses.all()],
        "extension": _extension(case),
        "intake_deadline": case.intake_deadline, "deadline_change_reason": case.deadline_change_reason,
        "competent_organ": case.competent_organ, "competent_organ_contact": case.competent_organ_contact,
        "decided_by_organ": case.decided_by_organ, "decision_document": case.decision_document,
        "deferred": {"due_date": case.deferred_due_date, "supplied_at": case.deferred_supplied_at,
                     "exception_at": case.deferred_exception_at, "exception_reason": case.deferred_exception_reason,
                     "overdue": case.deferred_overdue} if case.deferred_materials else None,
        "return_requests": [{"id": r.pk, "status": r.status, "reason": r.reason, "requested_at": r.requested_at,
                             "decided_at": r.decided_at, "note": r.decision_note}
                            for r in case.return_requests.all()],
        "result": {"decided_at": case.decided_at, "reasons": case.decision_reasons,
                   "certificate_name": case.certificate_name, "certificate_number": case.certificate_number,
                   "delivery_method": case.delivery_method, "delivered_to": case.delivered_to,
                   "delivered_at": case.delivered_at} if case.outcome else None,
        "events": [{"at": e.at, "action": e.action, "label": e.action_label(), "actor": e.actor_name,
                    "from_status": e.from_status, "to_status": e.to_status, "opinion": e.opinion}
                   for e in case.events.all()],
    }


@router.post("/cases", response={201: CaseCreatedOut, **ERRORS}, summary="收件（登记申请）")
def create_case(request, payload: CaseIn):
    given = {"actor": request.auth, "item_code": payload.item, "applicant": payload.applicant.data(),
             "agent": payload.agent.data() if payload.agent else None,
             "materials": [m.row() for m in payload.materials], "now": now()}
    if payload.accept is None:
        case = svc.receive_case(**given)
        return Answer(201, {"number": case.number, "query_code": case.query_code, "status": case.status})
    case = svc.receive_and_accept(**given, urgent=payload.accept.urgent, urgent_days=payload.accept.urgent_days)
    return Answer(201, {"number": case.number, "query_code": case.query_code, "status": case.status,
                        "committed_deadline": case.committed_deadline, "legal_deadline": case.legal_deadline,
                        "committed_due_at": case.committed_due_at})


class CaseRowOut(Schema):
    number: str
    status: Status
    case_class: CaseClass
    item_name: str
    applicant: str
    committed_deadline: dt.date | None
    first_handler: str | None
    committed_due_at: dt.datetime | None = Field(
        None, description="承诺办结时间（承诺时限按小时计算的事项）；按日计算的事项为空")


class CasePageOut(Schema):
    count: int
    results: list[CaseRowOut]


@router.get("/cases", response={200: CasePageOut, **ERRORS}, summary="办件查询（编号、申请人、电话）",
            description="q：办件编号、申请人名称的任意部分、电话后四位（4位数字）、完整电话或证件号、统一社会信用代码；"
                        "desk：工作台清单（intake 待审查的申请，red 本人超期，yellow 本人临近期限）。")
def list_cases(request, q: str = "", status: str = "", case_class: str = "", page: Page = 1,
               page_size: PageSize = 20, desk: Literal["intake", "red", "yellow"] | None = None):
    # A search by a full ID or phone is audited; the query string is masked in the logs (decision 0018).
    qs = svc.find_cases(actor=request.auth, q=q, now=now(), status=status, case_class=case_class)
    if desk:  # the same rows the 工作台 counts (GET /me/desk)
        qs = desk_cases(qs, request.auth, today(), desk)
    rows = qs[page_rows(page, page_size)]
    return {"count": qs.count(), "results": [
        {"number": c.number, "status": c.status, "case_class": c.case_class, "item_name": c.item_version.name,
         "applicant": c.applicant_name, "committed_deadline": c.committed_deadline,
         "committed_due_at": c.committed_due_at,
         "first_handler": c.first_handler.name if c.first_handler else None} for c in rows]}


@router.get("/cases/{number}", response={200: CaseOut, **ERRORS}, summary="办件详情")
def get_case(request, number: str):
    return case_out(get_case_for(request.auth, number))


