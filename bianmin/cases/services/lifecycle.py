"""Acceptance with deadlines, refusal, decision, delivery, archive, withdrawal and 退件."""
from __future__ import annotations

import datetime as dt
import math

from django.utils import timezone

from bianmin.audit.services import audited_atomic
from bianmin.catalog.models import CaseClass as ItemClass
from bianmin.catalog.models import LimitUnit, Necessity
from bianmin.core.errors import Conflict, DomainError
from bianmin.workdays.engine import CalendarRangeError
from bianmin.workdays.selectors import get_calendar

from ..models import DecisionOutcome, DeliveryMethod, IntakeOutcome, MaterialReceipt, NoticeKind
from ..workflow import Action
from .core import actor_profile, issue_notice, issue_notices, locked_case, transition
from .documents import (
    acceptance_content,
    deferred_content,
    denial_content,
    receipt_content,
    rejection_content,
    return_content,
)

DEFERRED_DUE_WORKING_DAYS = 10


def add_limit(calendar, start: dt.date, days: int, unit: str):
    """Return the deadline ``days`` after ``start`` in the limit's unit (0 days: the next working day)."""
    if days == 0:
        return calendar.next_workday(start)
    if unit == LimitUnit.NATURAL:
        return calendar.add_natural_days(start, days)
    return calendar.add_workdays(start, days)


def deadlines_for(case, start: dt.date, *, urgent_days: int | None,
                  calendar=None) -> tuple[dt.date, dt.date, bool]:
    """Return (committed, legal, provisional) deadlines counted from ``start`` (start day not counted)."""
    v = case.item_version
    calendar = calendar or get_calendar(case.unit.region)
    committed_days = urgent_days if urgent_days is not None else v.committed_limit
    try:
        committed = add_limit(calendar, start, committed_days, v.committed_limit_unit)
        legal = add_limit(calendar, start, v.legal_limit, v.legal_limit_unit)
    except CalendarRangeError as exc:
        raise DomainError(str(exc)) from None
    return committed.date, legal.date, committed.provisional or legal.provisional


def _check_materials(case) -> list[str]:
    """Return the missing deferrable materials; raise Conflict when a required one is missing or unacceptable."""
    deferred, blocking = [], []
    for line in case.materials.all():
        ok = line.acceptable and line.received_as != MaterialReceipt.MISSING
        if ok or line.necessity == Necessity.OPTIONAL:
            continue
        if line.necessity == Necessity.DEFERRABLE:
            deferred.append(line.name)
        else:
            blocking.append(line.name)
    if blocking:
        raise Conflict("以下必要材料缺失或不符合要求，请出具补正通知书（一次性告知）：" + "、".join(blocking),
                       code="materials_incomplete")
    return deferred


def _issue_acceptance_notices(case, actor, now: dt.datetime, deferred: list[str], due) -> None:
    """受理通知书 and 首办 receipt, plus the 补办件 notice for materials accepted under 容缺 (due: ``due.date``).

    Art. 32 wants acceptance confirmed in writing, also when the matter is completed on the spot (即办)."""
    contents = [(NoticeKind.ACCEPTANCE, acceptance_content(case, actor, now)),
                (NoticeKind.RECEIPT, receipt_content(case, actor, now))]
    if deferred:
        contents.append((NoticeKind.DEFERRED, deferred_content(case, actor, now, deferred, due.date)))
    issue_notices(case, contents=contents, actor=actor, now=now)


def accept_case(*, actor, number: str, now: dt.datetime, urgent: bool = False, urgent_days: int | None = None):
    """Accept (受理): the actor becomes first handler; deadlines from the pinned version; notices issued."""
    profile = actor_profile(actor)
    with audited_atomic():
        case = locked_case(actor, number)
        deferred = _check_materials(case)
        v = case.item_version
        if urgent:
            if v.committed_limit == 0:
                raise DomainError.for_field("urgent_days", "该事项承诺时限为0，无需按急办件缩短")
            if urgent_days is None:
                urgent_days = max(1, math.ceil(v.committed_limit / 2)) if v.committed_limit > 1 else 0
            if not 0 <= urgent_days < v.committed_limit:
                raise DomainError.for_field(
                    "urgent_days", f"急办时限应短于承诺时限（{v.committed_limit}天），且不能为负数")
        else:
            urgent_days = None
        today = timezone.localtime(now).date()
        calendar = get_calendar(case.unit.region)
        # Past the 5-working-day intake deadline with no 补正 notice served, the law deems the application
        # accepted on receipt (as apply_deemed_acceptance does): the limits run from the receipt date.
        late = bool(case.intake_deadline and today > case.intake_deadline)
        start = timezone.localtime(case.received_at).date() if late else today
        committed, legal, provisional = deadlines_for(case, start, urgent_days=urgent_days, calendar=calendar)
        transition(case, actor=actor, action=Action.ACCEPT, now=now,
                   changes={"accepted_at": now, "accepted_by": profile, "first_handler": profile, "urgent": urgent,
                            "intake_deadline": None,
                            "committed_days": urgent_days if urgent_days is not None else v.committed_limit,
                            "deferred_materials": bool(deferred), "intake_outcome": IntakeOutcome.ACCEPTED,
                            "committed_deadline": committed, "legal_deadline": legal,
                            "deadline_provisional": provisional},
                   data={"urgent_days": urgent_days, "deferred": deferred,
                         **({"counted_from_receipt": str(start)} if late else {})})
        _issue_acceptance_notices(case, actor, now, deferred, calendar.add_workdays(today, DEFERRED_DUE_WORKING_DAYS))
    return case


def accept_immediately(*, actor, number: str, now: dt.datetime, certificate_number: str = ""):
    """即办: accept and complete on the spot (items whose class is 即办 or whose committed limit is 0)."""
    profile = actor_profile(actor)
    with audited_atomic():
        case = locked_case(actor, number)
        v = case.item_version
        if v.default_class != ItemClass.IMMEDIATE and v.committed_limit != 0:
            raise Conflict("该事项不是即办件，请按承诺件受理")
        deferred = _check_materials(case)
        today = timezone.localtime(now).date()
        calendar = get_calendar(case.unit.region)
        committed, legal, provisional = deadlines_for(case, today, urgent_days=None, calendar=calendar)
        transition(case, actor=actor, action=Action.ACCEPT_IMMEDIATE, now=now,
                   changes={"accepted_at": now, "accepted_by": profile, "first_handler": profile, "immediate": True,
                            "intake_deadline": None, "committed_days": v.committed_limit,
                            "deferred_materials": bool(deferred),
                            "intake_outcome": IntakeOutcome.IMMEDIATE, "committed_deadline": committed,
                            "legal_deadline": legal, "deadline_provisional": provisional, "decided_at": now,
                            "outcome": DecisionOutcome.GRANTED, "certificate_name": v.result_name,
                            "certificate_number": certificate_number.strip()[:64]},
                   data={"deferred": deferred})
        _issue_acceptance_notices(case, actor, now, deferred, calendar.add_workdays(today, DEFERRED_DUE_WORKING_DAYS))
    return case


REFUSALS = {Action.NOT_LICENSED: IntakeOutcome.NOT_LICENSED, Action.OUTSIDE_POWERS: IntakeOutcome.OUTSIDE_POWERS,
            Action.REJECT: IntakeOutcome.REJECTED}


def refuse_case(*, actor, number: str, action: Action, reason: str, now: dt.datetime, competent_organ: str = ""):
    """Refuse at intake: not a licensed matter, outside this organ's powers (name the organ), or 不予受理."""
    if action not in REFUSALS:
        raise DomainError.for_field("action", "不予受理的类型无效")
    if not reason.strip():
        raise DomainError.for_field("reason", "请写明理由")
    if action == Action.OUTSIDE_POWERS and not competent_organ.strip():
        raise DomainError.for_field("competent_organ", "不属本机关职权的，须告知申请人向哪个机关申请")
    with audited_atomic():
        case = locked_case(actor, number)
        transition(case, actor=actor, action=action, now=now, opinion=reason.strip(),
                   changes={"intake_outcome": REFUSALS[action], "intake_reason": reason.strip(),
                            "competent_organ": competent_organ.strip()[:128], "closed_at": now,
                            "intake_deadline": None})
        if action != Action.NOT_LICENSED:
            issue_notice(case, kind=NoticeKind.REJECTION, actor=actor, now=now,
                         content=rejection_content(case, actor, now, reason.strip(), competent_organ.strip()))
    return case


def start_case(*, actor, number: str, now: dt.datetime, opinion: str = ""):
    """Start handling an accepted case."""
    with audited_atomic():
        return transition(locked_case(actor, number), actor=actor, action=Action.START, now=now, opinion=opinion)


def decide_case(*, actor, number: str, outcome: str, now: dt.datetime, reasons: str = "",
                certificate_number: str = ""):
    """Decide: 准予 (with the certificate) or 不予许可 (with reasons and remedies, and a written decision)."""
    if outcome not in DecisionOutcome.values:
        raise DomainError.for_field("outcome", "办理结果应为 GRANTED（准予）或 DENIED（不予许可）")
    if outcome == DecisionOutcome.DENIED and not reasons.strip():
        raise DomainError.for_field("reasons", "不予许可须写明理由")
    with audited_atomic():
        case = locked_case(actor, number)
        if case.pauses.filter(ended_at__isnull=True).exists():
            raise Conflict("特别程序进行中，结束后才能作出决定", code="paused")
        transition(case, actor=actor, action=Action.DECIDE, now=now, opinion=reasons.strip(),
                   changes={"decided_at": now, "outcome": outcome, "decision_reasons": reasons.strip(),
                            "certificate_name": case.item_version.result_name if outcome == "GRANTED" else "",
                            "certificate_number": certificate_number.strip()[:64]})
        if outcome == DecisionOutcome.DENIED:
            issue_notice(case, kind=NoticeKind.DENIAL, actor=actor, now=now,
                         content=denial_content(case, actor, now, reasons.strip()))
    return case


def deliver_case(*, actor, number: str, method: str, received_by: str, now: dt.datetime):
    """Deliver the result: pickup, post or agent; record who received it."""
    if method not in DeliveryMethod.values:
        raise DomainError.for_field("method", "送达方式应为 PICKUP、POST 或 AGENT")
    if not received_by.strip():
        raise DomainError.for_field("received_by", "请填写签收人")
    with audited_atomic():
        return transition(locked_case(actor, number), actor=actor, action=Action.DELIVER, now=now,
                          changes={"delivered_at": now, "delivery_method": method,
                                   "delivered_to": received_by.strip()[:64], "closed_at": now})


def archive_case(*, actor, number: str, now: dt.datetime):
    """Archive a finished case."""
    with audited_atomic():
        return transition(locked_case(actor, number), actor=actor, action=Action.ARCHIVE, now=now)


def withdraw_case(*, actor, number: str, reason: str, now: dt.datetime):
    """Record the applicant's withdrawal."""
    if not reason.strip():
        raise DomainError.for_field("reason", "请填写撤回说明")
    with audited_atomic():
        return transition(locked_case(actor, number), actor=actor, action=Action.WITHDRAW, now=now,
                          opinion=reason.strip(), changes={"closed_at": now, "intake_deadline": None})


def return_case(*, actor, number: str, reason: str, now: dt.datetime):
    """退件: return the application and its materials with a written notice."""
    if not reason.strip():
        raise DomainError.for_field("reason", "请写明退件理由")
    with audited_atomic():
        case = locked_case(actor, number)
        transition(case, actor=actor, action=Action.RETURN, now=now, opinion=reason.strip(),
                   changes={"closed_at": now, "intake_deadline": None})
        issue_notice(case, kind=NoticeKind.RETURN, actor=actor, now=now,
                     content=return_content(case, actor, now, reason.strip()))
    return case
