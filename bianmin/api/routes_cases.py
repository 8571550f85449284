"""Staff case endpoints: explicit actions, never a writable status. Scoped: a forbidden case is a 404."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema
from ninja.responses import Status

from bianmin.cases import services as svc
from bianmin.cases.policies import get_case_for
from bianmin.cases.selectors import case_detail
from bianmin.cases.workflow import Action
from bianmin.core.timeutils import now

from .auth import StaffToken
from .bounds import Page, PageSize, page_rows
from .schemas import ErrorOut

router = Router(tags=["办件"], auth=StaffToken())
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ApplicantIn(Schema):
    kind: str = "PERSON"
    name: str = ""
    id_type: str = "RESIDENT_ID"
    id_number: str = ""
    phone: str = ""
    address: str = ""
    credit_code: str = ""
    credit_code_override_reason: str = ""
    legal_rep: str = ""
    contact: str = ""


class AgentIn(Schema):
    name: str = ""
    id_type: str = "RESIDENT_ID"
    id_number: str = ""
    phone: str = ""
    authorization: str = ""


class MaterialIn(Schema):
    material: int | str
    received_as: str = "PAPER"
    copies: int = 1
    acceptable: bool | None = None
    problem: str = ""


class CaseIn(Schema):
    item: str
    applicant: ApplicantIn
    agent: AgentIn | None = None
    materials: list[MaterialIn] = []


class CaseCreatedOut(Schema):
    number: str
    query_code: str
    status: str


class EventOut(Schema):
    at: dt.datetime
    action: str
    label: str
    actor: str
    from_status: str
    to_status: str
    opinion: str


class CaseOut(Schema):
    number: str
    status: str
    status_label: str
    case_class: str
    item: str
    item_name: str
    item_version: int
    unit: str
    applicant: dict[str, Any]
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    first_handler: dict[str, str] | None
    committed_deadline: dt.date | None
    legal_deadline: dt.date | None
    provisional: bool
    urgent: bool
    outcome: str
    materials: list[dict[str, Any]]
    notices: list[dict[str, Any]]
    transfers: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    pauses: list[dict[str, Any]]
    extension: dict[str, Any] | None
    events: list[EventOut]
    intake_deadline: dt.date | None = None
    deadline_change_reason: str = ""
    competent_organ: str = ""
    competent_organ_contact: str = ""
    decided_by_organ: str = ""
    decision_document: str = ""
    deferred: dict[str, Any] | None = None
    return_requests: list[dict[str, Any]] = []


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
        "committed_deadline": case.committed_deadline, "legal_deadline": case.legal_deadline,
        "provisional": case.deadline_provisional, "urgent": case.urgent, "outcome": case.outcome,
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
        "events": [{"at": e.at, "action": e.action, "label": e.action_label(), "actor": e.actor_name,
                    "from_status": e.from_status, "to_status": e.to_status, "opinion": e.opinion}
                   for e in case.events.all()],
    }


@router.post("/cases", response={201: CaseCreatedOut, **ERRORS}, summary="收件（登记申请）")
def create_case(request, payload: CaseIn):
    case = svc.receive_case(actor=request.auth, item_code=payload.item, applicant=payload.applicant.dict(),
                            agent=payload.agent.dict() if payload.agent else None,
                            materials=[m.dict() for m in payload.materials], now=now())
    return Status(201, {"number": case.number, "query_code": case.query_code, "status": case.status})


@router.get("/cases", response={200: dict, **ERRORS}, summary="办件查询（编号、申请人、电话）")
def list_cases(request, q: str = "", status: str = "", case_class: str = "", page: Page = 1,
               page_size: PageSize = 20):
    # A search by a full ID or phone is audited; the query string is masked in the logs (decision 0018).
    qs = svc.find_cases(actor=request.auth, q=q, now=now(), status=status, case_class=case_class)
    rows = qs[page_rows(page, page_size)]
    return {"count": qs.count(), "results": [
        {"number": c.number, "status": c.status, "case_class": c.case_class, "item_name": c.item_version.name,
         "applicant": c.applicant_name, "committed_deadline": c.committed_deadline,
         "first_handler": c.first_handler.name if c.first_handler else None} for c in rows]}


@router.get("/cases/{number}", response={200: CaseOut, **ERRORS}, summary="办件详情")
def get_case(request, number: str):
    return case_out(get_case_for(request.auth, number))


class AcceptIn(Schema):
    urgent: bool = False
    urgent_days: int | None = None


class AcceptOut(Schema):
    number: str
    status: str
    case_class: str
    accepted_at: dt.datetime | None
    first_handler: dict[str, str] | None
    committed_deadline: dt.date | None
    legal_deadline: dt.date | None
    provisional: bool
    urgent: bool


def accept_out(case) -> dict[str, Any]:
    handler = case.first_handler
    return {"number": case.number, "status": case.status, "case_class": case.case_class,
            "accepted_at": case.accepted_at, "committed_deadline": case.committed_deadline,
            "legal_deadline": case.legal_deadline, "provisional": case.deadline_provisional, "urgent": case.urgent,
            "first_handler": {"name": handler.name, "badge": handler.badge_number} if handler else None}


def _done(request, number: str):
    return case_out(get_case_for(request.auth, number))


@router.post("/cases/{number}/accept", response={200: AcceptOut, **ERRORS},
             summary="受理（返回承诺和法定办结日期）")
def accept(request, number: str, payload: AcceptIn | None = None):
    payload = payload or AcceptIn()
    case = svc.accept_case(actor=request.auth, number=number, now=now(), urgent=payload.urgent,
                           urgent_days=payload.urgent_days)
    return accept_out(case)


class ImmediateIn(Schema):
    certificate_number: str = ""


@router.post("/cases/{number}/accept-immediately", response={200: CaseOut, **ERRORS}, summary="即办")
def accept_immediately(request, number: str, payload: ImmediateIn | None = None):
    svc.accept_immediately(actor=request.auth, number=number, now=now(),
                           certificate_number=(payload or ImmediateIn()).certificate_number)
    return _done(request, number)


class FixIn(Schema):
    note: str


@router.post("/cases/{number}/fix-on-spot", response={200: CaseOut, **ERRORS}, summary="当场更正")
def fix_on_spot(request, number: str, payload: FixIn):
    svc.fix_on_spot(actor=request.auth, number=number, note=payload.note, now=now())
    return _done(request, number)


class SupplementLineIn(Schema):
    material: str
    problem: str
    standard: str = ""


@router.post("/cases/{number}/supplement/lines", response={200: CaseOut, **ERRORS}, summary="补正通知书添加一项")
def supplement_line(request, number: str, payload: SupplementLineIn):
    svc.add_supplement_line(actor=request.auth, number=number, material=payload.material, problem=payload.problem,
                            standard=payload.standard, now=now())
    return _done(request, number)


class ServeIn(Schema):
    justification: str = ""


@router.post("/cases/{number}/supplement/serve", response={200: CaseOut, **ERRORS}, summary="送达补正通知书")
def supplement_serve(request, number: str, payload: ServeIn | None = None):
    svc.serve_supplement_notice(actor=request.auth, number=number, now=now(),
                                justification=(payload or ServeIn()).justification)
    return _done(request, number)


class ResubmitIn(Schema):
    materials: list[MaterialIn] = []


@router.post("/cases/{number}/resubmit", response={200: CaseOut, **ERRORS}, summary="补正后重新提交")
def resubmit(request, number: str, payload: ResubmitIn):
    svc.resubmit(actor=request.auth, number=number, materials=[m.dict() for m in payload.materials], now=now())
    return _done(request, number)


class RejectIn(Schema):
    kind: str = "REJECT"  # NOT_LICENSED | OUTSIDE_POWERS | REJECT
    reason: str
    competent_organ: str = ""
    competent_organ_contact: str = ""


@router.post("/cases/{number}/reject", response={200: CaseOut, **ERRORS}, summary="不予受理")
def reject(request, number: str, payload: RejectIn):
    if payload.kind not in ("NOT_LICENSED", "OUTSIDE_POWERS", "REJECT"):
        from bianmin.core.errors import DomainError

        raise DomainError.for_field("kind", "类型应为 NOT_LICENSED、OUTSIDE_POWERS 或 REJECT")
    svc.refuse_case(actor=request.auth, number=number, action=Action(payload.kind), reason=payload.reason,
                    competent_organ=payload.competent_organ,
                    competent_organ_contact=payload.competent_organ_contact, now=now())
    return _done(request, number)


class NoteIn(Schema):
    opinion: str = ""


@router.post("/cases/{number}/start", response={200: CaseOut, **ERRORS}, summary="开始办理")
def start(request, number: str, payload: NoteIn | None = None):
    svc.start_case(actor=request.auth, number=number, now=now(), opinion=(payload or NoteIn()).opinion)
    return _done(request, number)


class DecideIn(Schema):
    outcome: str
    reasons: str = ""
    certificate_number: str = ""
    decided_by_organ: str = ""  # 上报件: the higher organ that decided
    decision_document: str = ""  # 上报件: its decision number


@router.post("/cases/{number}/decide", response={200: CaseOut, **ERRORS},
             summary="作出决定（上报件须填写上级机关的决定）")
def decide(request, number: str, payload: DecideIn):
    svc.decide_case(actor=request.auth, number=number, outcome=payload.outcome, reasons=payload.reasons,
                    certificate_number=payload.certificate_number, decided_by_organ=payload.decided_by_organ,
                    decision_document=payload.decision_document, now=now())
    return _done(request, number)


class DeliverIn(Schema):
    method: str
    received_by: str


@router.post("/cases/{number}/deliver", response={200: CaseOut, **ERRORS}, summary="送达")
def deliver(request, number: str, payload: DeliverIn):
    svc.deliver_case(actor=request.auth, number=number, method=payload.method, received_by=payload.received_by,
                     now=now())
    return _done(request, number)


@router.post("/cases/{number}/archive", response={200: CaseOut, **ERRORS}, summary="归档")
def archive(request, number: str):
    svc.archive_case(actor=request.auth, number=number, now=now())
    return _done(request, number)


class ReasonIn(Schema):
    reason: str


@router.post("/cases/{number}/withdraw", response={200: CaseOut, **ERRORS}, summary="申请人撤回")
def withdraw(request, number: str, payload: ReasonIn):
    svc.withdraw_case(actor=request.auth, number=number, reason=payload.reason, now=now())
    return _done(request, number)


@router.post("/cases/{number}/return", response={200: CaseOut, **ERRORS}, summary="退件（受理前）")
def return_case(request, number: str, payload: ReasonIn):
    svc.return_case(actor=request.auth, number=number, reason=payload.reason, now=now())
    return _done(request, number)


@router.post("/cases/{number}/return-request", response={200: dict, **ERRORS},
             summary="申请退件（受理后，须领导批准）")
def request_return(request, number: str, payload: ReasonIn):
    r = svc.request_return(actor=request.auth, number=number, reason=payload.reason, now=now())
    return {"id": r.pk, "status": r.status, "case": number}


class DeferredIn(Schema):
    materials: list[str]
    received_as: str = "PAPER"


@router.post("/cases/{number}/deferred-materials", response={200: CaseOut, **ERRORS}, summary="补交补办材料")
def supply_deferred(request, number: str, payload: DeferredIn):
    svc.supply_deferred_materials(actor=request.auth, number=number, materials=payload.materials,
                                  received_as=payload.received_as, now=now())
    return _done(request, number)


@router.post("/cases/{number}/deferred-exception", response={200: CaseOut, **ERRORS},
             summary="批准补办材料未补齐先行送达（领导）")
def deferred_exception(request, number: str, payload: ReasonIn):
    svc.allow_delivery_before_deferred(actor=request.auth, number=number, reason=payload.reason, now=now())
    return _done(request, number)


class TransferIn(Schema):
    to_badge: str
    reason: str


@router.post("/cases/{number}/transfer", response={200: CaseOut, **ERRORS}, summary="申请移交")
def transfer(request, number: str, payload: TransferIn):
    svc.request_transfer(actor=request.auth, number=number, to_badge=payload.to_badge, reason=payload.reason,
                         now=now())
    return _done(request, number)


class DecisionIn(Schema):
    note: str = ""


@router.post("/transfers/{transfer_id}/approve", response={200: dict, **ERRORS}, summary="批准移交")
def approve_transfer(request, transfer_id: int, payload: DecisionIn | None = None):
    t = svc.approve_transfer(actor=request.auth, transfer_id=transfer_id, now=now(),
                             note=(payload or DecisionIn()).note)
    return {"id": t.pk, "status": t.status, "case": t.case.number}


@router.post("/transfers/{transfer_id}/reject", response={200: dict, **ERRORS}, summary="驳回移交")
def reject_transfer(request, transfer_id: int, payload: DecisionIn):
    t = svc.reject_transfer(actor=request.auth, transfer_id=transfer_id, now=now(), note=payload.note)
    return {"id": t.pk, "status": t.status, "case": t.case.number}


@router.post("/return-requests/{request_id}/approve", response={200: dict, **ERRORS},
             summary="批准退件（出具退件通知书）")
def approve_return(request, request_id: int, payload: DecisionIn | None = None):
    r = svc.approve_return(actor=request.auth, request_id=request_id, now=now(),
                           note=(payload or DecisionIn()).note)
    return {"id": r.pk, "status": r.status, "case": r.case.number}


@router.post("/return-requests/{request_id}/reject", response={200: dict, **ERRORS}, summary="不同意退件")
def reject_return(request, request_id: int, payload: DecisionIn):
    r = svc.reject_return(actor=request.auth, request_id=request_id, now=now(), note=payload.note)
    return {"id": r.pk, "status": r.status, "case": r.case.number}


class FeeIn(Schema):
    fee: int
    amount: str | int | float  # yuan; "10", "10.00" or 10 (never rounded: "10.004" is refused)
    receipt_number: str


@router.post("/cases/{number}/fees", response={200: CaseOut, **ERRORS}, summary="收费登记")
def fees(request, number: str, payload: FeeIn):
    svc.record_fee(actor=request.auth, number=number, fee_id=payload.fee, amount=payload.amount,
                   receipt_number=payload.receipt_number, now=now())
    return _done(request, number)


class CommentIn(Schema):
    text: str


@router.post("/cases/{number}/comments", response={200: CaseOut, **ERRORS}, summary="备注")
def comment(request, number: str, payload: CommentIn):
    svc.add_comment(actor=request.auth, number=number, text=payload.text, now=now())
    return _done(request, number)


class PauseIn(Schema):
    kind: str
    basis: str
    expected_days: int


@router.post("/cases/{number}/pauses", response={200: CaseOut, **ERRORS}, summary="启动特别程序（计时中止）")
def start_pause(request, number: str, payload: PauseIn):
    svc.start_pause(actor=request.auth, number=number, kind=payload.kind, basis=payload.basis,
                    expected_days=payload.expected_days, now=now())
    return _done(request, number)


class PauseEndIn(Schema):
    result: str


@router.post("/cases/{number}/pauses/end", response={200: CaseOut, **ERRORS}, summary="结束特别程序（期限顺延）")
def end_pause(request, number: str, payload: PauseEndIn):
    svc.end_pause(actor=request.auth, number=number, result=payload.result, now=now())
    return _done(request, number)


@router.post("/cases/{number}/extension", response={200: dict, **ERRORS}, summary="申请延期（每件一次）")
def request_extension(request, number: str, payload: ReasonIn):
    e = svc.request_extension(actor=request.auth, number=number, reason=payload.reason, now=now())
    return {"id": e.pk, "status": e.status, "days": e.days, "case": number}


@router.post("/extensions/{extension_id}/approve", response={200: dict, **ERRORS}, summary="批准延期")
def approve_extension(request, extension_id: int, payload: DecisionIn | None = None):
    e = svc.approve_extension(actor=request.auth, extension_id=extension_id, now=now(),
                              note=(payload or DecisionIn()).note)
    return {"id": e.pk, "status": e.status, "case": e.case.number,
            "committed_deadline": e.case.committed_deadline, "legal_deadline": e.case.legal_deadline}


@router.post("/extensions/{extension_id}/reject", response={200: dict, **ERRORS}, summary="不批准延期")
def reject_extension(request, extension_id: int, payload: DecisionIn):
    e = svc.reject_extension(actor=request.auth, extension_id=extension_id, now=now(), note=payload.note)
    return {"id": e.pk, "status": e.status, "case": e.case.number}
