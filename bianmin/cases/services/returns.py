"""退件 after acceptance: the first handler asks, a leader approves (then the 退件通知书 is issued) or refuses.

The seed: "先按承诺件受理,经请示领导研究后确认为退回件的,再以退回件通知单退回". Before acceptance a return stays
the window's own Art. 32 outcome (``lifecycle.return_case``).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from bianmin.accounts.policies import require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound

from ..models import ReturnRequest, ReturnRequestStatus
from ..policies import is_handler_side, return_request_refusal
from . import notify
from .core import acting_ids_for, add_event, locked_case
from .lifecycle import apply_return

if TYPE_CHECKING:
    from bianmin.users.types import User


def request_return(*, actor: User, number: str, reason: str, now: dt.datetime) -> ReturnRequest:
    """Ask a leader to confirm that an accepted case is to be returned (退回件).

    Raises Forbidden without HANDLE_CASES or unless the actor is the first handler (or the B acting for them);
    DomainError naming ``reason`` (empty); NotFound for a case out of sight; Conflict unless the case is running,
    or while another 退件 request awaits a leader."""
    require(actor, Perm.HANDLE_CASES)
    if not reason.strip():
        raise DomainError.for_field("reason", "请写明退件理由")
    with audited_atomic():
        case = locked_case(actor, number)
        if (refusal := return_request_refusal(case)) is not None:
            raise refusal
        if not is_handler_side(actor, case, acting_ids_for(case, timezone.localtime(now).date())):
            raise Forbidden("只有首办负责人（或其B角）可以申请退件")
        request = ReturnRequest.objects.create(case=case, county_id=case.county_id, reason=reason.strip(),
                                               requested_by=actor, requested_at=now)
        add_event(case, actor=actor, now=now, action="RETURN_REQUESTED", opinion=reason.strip(),
                  data={"return_request": request.pk})
        notify.return_requested(request, case, actor=actor, now=now)
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}申请退件", actor=actor, obj=case, now=now,
               data={"return_request": request.pk})
    return request


def _decide(actor: User, request_id: int, now: dt.datetime, approve: bool, note: str) -> ReturnRequest:
    require(actor, Perm.APPROVE)
    if not approve and not note.strip():
        raise DomainError.for_field("note", "不同意退件须说明理由")
    with audited_atomic():
        request = ReturnRequest.objects.select_related("case").filter(pk=request_id).first()
        try:
            if request is None:
                raise NotFound("")
            case = locked_case(actor, request.case.number)  # scope: NotFound outside the leader's units
        except NotFound:
            raise NotFound("退件申请不存在") from None  # the same answer whether missing or out of scope
        request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != ReturnRequestStatus.PENDING:
            raise Conflict("该退件申请已处理")
        request.status = ReturnRequestStatus.APPROVED if approve else ReturnRequestStatus.REJECTED
        request.decided_by, request.decided_at, request.decision_note = actor, now, note.strip()[:255]
        request.save()
        notify.return_decided(request, case, actor=actor, now=now)
        if approve:  # the transition table lets only the approver return an accepted case
            apply_return(case, actor=actor, reason=request.reason, now=now,
                         data={"return_request": request.pk, "requested_by": request.requested_by_id,
                               "note": request.decision_note})
        else:
            add_event(case, actor=actor, now=now, action="RETURN_REJECTED", opinion=note.strip(),
                      data={"return_request": request.pk})
            record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}退件申请未获同意", actor=actor,
                   obj=case, now=now, data={"return_request": request.pk})
    return request


def approve_return(*, actor: User, request_id: int, now: dt.datetime, note: str = "") -> ReturnRequest:
    """Approve: the case is returned and the 退件通知书 issued.

    Raises Forbidden without APPROVE; NotFound for a request missing or out of the leader's sight; Conflict once
    decided (a withdrawal closes it) or when the case can no longer be returned."""
    return _decide(actor, request_id, now, True, note)


def reject_return(*, actor: User, request_id: int, now: dt.datetime, note: str) -> ReturnRequest:
    """Refuse with a reason: the case goes on.

    Raises Forbidden without APPROVE; DomainError naming ``note`` (empty); NotFound for a request missing or out
    of the leader's sight; Conflict once decided."""
    return _decide(actor, request_id, now, False, note)
