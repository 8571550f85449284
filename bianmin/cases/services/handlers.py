"""First-handler transfers: requested with a reason, approved or rejected by a leader (A/B routed)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from bianmin.accounts.policies import can, require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.org.models import StaffProfile
from bianmin.org.selectors import acting_for_staff

from ..models import Transfer, TransferStatus
from ..policies import is_handler_side, transfer_refusal
from . import notify
from .core import acting_ids_for, add_event, locked_case

if TYPE_CHECKING:
    from bianmin.users.types import User


def request_transfer(*, actor: User, number: str, to_badge: str, reason: str, now: dt.datetime) -> Transfer:
    """Ask a leader to hand the case to another staff member (new work for an absent A goes to B).

    Raises Forbidden without HANDLE_CASES or unless the actor is the first handler (or the B acting for them);
    DomainError naming ``reason`` (empty) or ``to_badge`` (no such active staff, one who cannot handle or see the
    case, or the first handler already); NotFound for a case out of sight; Conflict unless the case is running, or
    while another transfer awaits approval."""
    require(actor, Perm.HANDLE_CASES)
    if not reason.strip():
        raise DomainError.for_field("reason", "请填写移交理由")
    with audited_atomic():
        case = locked_case(actor, number)
        if (refusal := transfer_refusal(case)) is not None:
            raise refusal
        if not is_handler_side(actor, case, acting_ids_for(case, timezone.localtime(now).date())):
            raise Forbidden("只有首办负责人（或其B角）可以申请移交")
        target = (StaffProfile.objects.select_related("unit", "user")
                  .filter(badge_number=to_badge, is_active=True, user__is_active=True).first())
        # The receiver must be able to see the case: staff of its unit or of a unit above it.
        if target is None or not case.unit_path.startswith(target.unit.path) or not can(target.user,
                                                                                        Perm.HANDLE_CASES):
            raise DomainError.for_field(
                "to_badge", "接收人不存在、不能办理办件或看不到该办件（只能移交给本单位或上级单位的窗口人员）")
        target = acting_for_staff(target, timezone.localtime(now).date())
        if target.pk == case.first_handler_id:
            raise DomainError.for_field("to_badge", "接收人就是当前首办负责人")
        # A running case (transfer_refusal) has had a first handler since its acceptance.
        assert case.first_handler is not None
        transfer = Transfer.objects.create(case=case, county_id=case.county_id, from_handler=case.first_handler,
                                           to_handler=target, reason=reason.strip(), requested_by=actor,
                                           requested_at=now)
        add_event(case, actor=actor, now=now, action="TRANSFER_REQUESTED", opinion=reason.strip(),
                  data={"to": target.badge_number, "transfer": transfer.pk})
        notify.transfer_requested(transfer, case, actor=actor, now=now)
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}申请移交给{target.name}", actor=actor,
               obj=case, now=now)
    return transfer


def _decide(actor: User, transfer_id: int, now: dt.datetime, approve: bool, note: str) -> Transfer:
    require(actor, Perm.APPROVE)
    with audited_atomic():
        transfer = Transfer.objects.select_related("case", "to_handler").filter(pk=transfer_id).first()
        try:
            if transfer is None:
                raise NotFound("")
            case = locked_case(actor, transfer.case.number)  # scope check: NotFound outside the leader's units
        except NotFound:
            raise NotFound("移交申请不存在") from None  # the same answer whether missing or out of scope
        transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if transfer.status != TransferStatus.PENDING:
            raise Conflict("该移交申请已处理")
        if not approve and not note.strip():
            raise DomainError.for_field("note", "驳回移交须说明理由")
        transfer.status = TransferStatus.APPROVED if approve else TransferStatus.REJECTED
        transfer.decided_by, transfer.decided_at, transfer.decision_note = actor, now, note.strip()[:255]
        transfer.save()
        if approve:
            case.first_handler_id = transfer.to_handler_id
            case.version += 1
            case.save(update_fields=["first_handler", "version"])
        add_event(case, actor=actor, now=now, action="TRANSFER_APPROVED" if approve else "TRANSFER_REJECTED",
                  opinion=note.strip(), data={"transfer": transfer.pk, "to": transfer.to_handler.badge_number})
        notify.transfer_decided(transfer, case, actor=actor, now=now)
        record(action=AuditAction.CASE_CHANGE,
               summary=f"办件{case.number}移交{'获批准' if approve else '被驳回'}", actor=actor, obj=case, now=now)
    return transfer


def approve_transfer(*, actor: User, transfer_id: int, now: dt.datetime, note: str = "") -> Transfer:
    """Approve: the receiver becomes first handler.

    Raises Forbidden without APPROVE; NotFound for a request missing or out of the leader's sight; Conflict once
    decided."""
    return _decide(actor, transfer_id, now, True, note)


def reject_transfer(*, actor: User, transfer_id: int, now: dt.datetime, note: str) -> Transfer:
    """Reject with a reason.

    Raises Forbidden without APPROVE; NotFound for a request missing or out of the leader's sight; Conflict once
    decided; DomainError naming ``note`` (empty)."""
    return _decide(actor, transfer_id, now, False, note)
