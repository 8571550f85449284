"""补办件 (容缺受理): the missing material supplied after acceptance, or a leader's exception to hand over the result
before it ("补交后即可领取办理结果")."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from bianmin.accounts.policies import require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.catalog.models import Necessity
from bianmin.core.errors import DomainError, Forbidden

from ..models import Case, CaseMaterial, MaterialReceipt
from ..policies import deferred_exception_refusal, deferred_supply_refusal, is_handler_side
from ..workflow import RUNNING, Status
from .core import acting_ids_for, add_event, locked_case
from .lifecycle import result_due_date

if TYPE_CHECKING:
    from bianmin.users.types import User

OPEN_FOR_DEFERRED = frozenset({*RUNNING, Status.DECIDED})


def _start_result_clock(case: Case, now: dt.datetime) -> list[str]:
    """A decided 补办件 whose result was held may now be handed over: the result-notice limit runs from today."""
    if case.status != Status.DECIDED:
        return []
    case.result_due_on = result_due_date(case, timezone.localtime(now).date())
    return ["result_due_on"]


def _outstanding_lines(case: Case) -> list[CaseMaterial]:
    return [line for line in case.materials.all()
            if line.necessity == Necessity.DEFERRABLE
            and (line.received_as == MaterialReceipt.MISSING or not line.acceptable)]


def supply_deferred_materials(*, actor: User, number: str, materials: list[str], now: dt.datetime,
                              received_as: str = MaterialReceipt.PAPER) -> Case:
    """Record 容缺 materials handed in after acceptance; once none is missing, the result may be handed over.

    Raises Forbidden without HANDLE_CASES or unless the actor is the first handler (or the B acting for them);
    DomainError naming ``materials`` (none, or one that is not a 补办 material still due) or ``received_as`` (not
    PAPER, ELECTRONIC or SHARED); NotFound for a case out of sight; Conflict when no 补办 material is due."""
    require(actor, Perm.HANDLE_CASES)
    if not materials:
        raise DomainError.for_field("materials", "请选择申请人补交的材料")
    if received_as not in (MaterialReceipt.PAPER, MaterialReceipt.ELECTRONIC, MaterialReceipt.SHARED):
        raise DomainError.for_field("received_as", "收取方式应为 PAPER、ELECTRONIC 或 SHARED")
    with audited_atomic():
        case = locked_case(actor, number)
        if (refusal := deferred_supply_refusal(case)) is not None:
            raise refusal
        if not is_handler_side(actor, case, acting_ids_for(case, timezone.localtime(now).date())):
            raise Forbidden("只有首办负责人（或其B角）可以登记补办材料")
        outstanding = {line.name: line for line in _outstanding_lines(case)}
        unknown = [name for name in materials if name not in outstanding]
        if unknown:
            raise DomainError.for_field("materials", f"“{'、'.join(unknown)}”不是该办件待补交的补办材料")
        lines = [outstanding[name] for name in dict.fromkeys(materials)]
        for line in lines:
            line.received_as, line.acceptable, line.problem = received_as, True, ""
            line.copies = line.copies or 1
        CaseMaterial.objects.filter(county_id=case.county_id).bulk_update(
            lines, ["received_as", "acceptable", "problem", "copies"])
        complete = len(lines) == len(outstanding)
        fields = ["version"]
        if complete:
            case.deferred_supplied_at = now
            fields += ["deferred_supplied_at", *_start_result_clock(case, now)]
        case.version += 1
        case.save(update_fields=fields)
        add_event(case, actor=actor, now=now, action="DEFERRED_SUPPLIED",
                  opinion="补办材料已补齐" if complete else "补办材料部分补交",
                  data={"materials": [line.name for line in lines], "complete": complete})
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}补交补办材料：{'、'.join(materials)}",
               actor=actor, obj=case, now=now, data={"complete": complete})
    return case


def allow_delivery_before_deferred(*, actor: User, number: str, reason: str, now: dt.datetime) -> Case:
    """Let the result be handed over before the 容缺 material is supplied (a leader's decision, with a reason).

    Raises Forbidden without APPROVE; DomainError naming ``reason`` (empty); NotFound for a case out of sight;
    Conflict when no 补办 material is due, or once allowed."""
    require(actor, Perm.APPROVE)
    if not reason.strip():
        raise DomainError.for_field("reason", "请写明未补齐先行送达的理由")
    with audited_atomic():
        case = locked_case(actor, number)
        if (refusal := deferred_exception_refusal(case)) is not None:
            raise refusal
        case.deferred_exception_at, case.deferred_exception_by = now, actor
        case.deferred_exception_reason = reason.strip()[:255]
        case.version += 1
        case.save(update_fields=["deferred_exception_at", "deferred_exception_by", "deferred_exception_reason",
                                 "version", *_start_result_clock(case, now)])
        add_event(case, actor=actor, now=now, action="DEFERRED_EXCEPTION", opinion=reason.strip())
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}经批准未补齐补办材料先行送达",
               actor=actor, obj=case, now=now, data={"reason": reason.strip()[:255]})
    return case
