"""Acceptance with deadlines, refusal, decision, delivery, archive, withdrawal and 退件."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from bianmin.audit.services import audited_atomic
from bianmin.catalog.models import CaseClass as ItemClass
from bianmin.catalog.models import LimitUnit, Necessity, limit_text
from bianmin.catalog.selectors import kind_rule
from bianmin.core.errors import Conflict, DomainError, bounded
from bianmin.core.inserts import insert_row
from bianmin.org.selectors import higher_organs
from bianmin.workdays.engine import CalendarRangeError, DayAnswer, WorkCalendar
from bianmin.workdays.selectors import get_calendar

from ..facts import LateAcceptance, report_fact
from ..models import (
    Case,
    CaseEvent,
    CaseMaterial,
    DecisionOutcome,
    DeliveryMethod,
    IntakeOutcome,
    MaterialReceipt,
    NoticeKind,
)
from ..policies import decide_refusal, deliver_refusal, direct_return_refusal, grant_refusal, immediate_refusal
from ..workflow import Action
from .core import actor_profile, add_event, issue_notice, issue_notices, locked_case, save_events, transition
from .documents import (
    acceptance_content,
    deferred_content,
    delivery_content,
    denial_content,
    notice_delivery_content,
    receipt_content,
    rejection_content,
    return_content,
)
from .intake import check_application, finish_received, new_received_case

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from bianmin.org.models import StaffProfile
    from bianmin.users.types import User

    from .intake import AgentData, ApplicantData, MaterialRow


def add_limit(calendar: WorkCalendar, start: dt.date, days: int, unit: str) -> DayAnswer:
    """Return the deadline ``days`` after ``start`` in the limit's unit (0 days: the next working day).

    A limit in hours counted from a day only is the day ``ceil(hours / 24)`` natural days later (the date-level
    answer; ``hours_due`` gives the moment when the clock start is known).

    Raises CalendarRangeError (not a DomainError) past the calendar's last year."""
    if days == 0:
        return calendar.next_workday(start)
    if unit == LimitUnit.HOURS:
        return calendar.add_natural_days(start, math.ceil(days / 24))
    if unit == LimitUnit.NATURAL:
        return calendar.add_natural_days(start, days)
    return calendar.add_workdays(start, days)


def hours_due(start_at: dt.datetime, limit: int, unit: str) -> dt.datetime | None:
    """Return the moment a limit in hours ends, counted from ``start_at``; None for a limit in days or of 0 (即办)."""
    if unit != LimitUnit.HOURS or not limit:
        return None
    return start_at + dt.timedelta(hours=limit)


@dataclass(frozen=True)
class Deadlines:
    """A case's decision limits: each date with whether it was counted over a provisional year, and the moment a
    committed limit in hours ends (None for a limit in days)."""

    committed: dt.date
    legal: dt.date
    committed_provisional: bool
    legal_provisional: bool
    committed_due_at: dt.datetime | None


def deadlines_for(case: Case, start_at: dt.datetime, *, committed_days: int,
                  calendar: WorkCalendar | None = None) -> Deadlines:
    """Return the deadlines counted from ``start_at``, the moment the clock starts (acceptance, or the receipt for a
    late or deemed acceptance): a limit in days from its local date (start day not counted), a limit in hours from
    the moment itself (its date is the local date it ends on, never provisional: hours know no holidays).

    Raises DomainError when they fall outside the calendar's years."""
    v = case.item_version
    calendar = calendar or get_calendar(case.unit.region)
    start = timezone.localtime(start_at).date()
    try:
        committed = add_limit(calendar, start, committed_days, v.committed_limit_unit)
        legal = add_limit(calendar, start, v.legal_limit, v.legal_limit_unit)
    except CalendarRangeError as exc:
        raise DomainError(str(exc)) from None
    committed_date, committed_provisional = committed.date, committed.provisional
    legal_date, legal_provisional = legal.date, legal.provisional
    due_at = hours_due(start_at, committed_days, v.committed_limit_unit)
    if due_at is not None:
        committed_date, committed_provisional = timezone.localdate(due_at), False
    if (legal_due := hours_due(start_at, v.legal_limit, v.legal_limit_unit)) is not None:
        legal_date, legal_provisional = timezone.localdate(legal_due), False
    return Deadlines(committed_date, legal_date, committed_provisional, legal_provisional, due_at)


def committed_limit_of(case: Case) -> int:
    """Return the committed limit that applies where the case was received (the item's county, town or village
    limit)."""
    return case.item_version.committed_limit_at(case.unit.kind)


def acceptance_changes(case: Case, *, start_at: dt.datetime, today: dt.date, profile: StaffProfile,
                       urgent_days: int | None, deferred: list[str], immediate: bool = False) -> dict[str, Any]:
    """Return the fields every acceptance sets (受理, 即办, deemed): first handler, class facts, the decision
    limits counted from ``start_at`` (the acceptance's ``now``, or the receipt for a late or deemed acceptance;
    a limit in hours ends at ``committed_due_at``), the hand-over check and the 补办 due date (counted from
    ``today``).

    An ``immediate`` acceptance (即办) is decided at ``start_at``: a committed limit in hours then sets no moment
    still to come, its committed date is that day.

    Raises DomainError when a date falls outside the calendar's years."""
    v = case.item_version
    calendar = get_calendar(case.unit.region)
    committed_days = urgent_days if urgent_days is not None else committed_limit_of(case)
    deadlines = deadlines_for(case, start_at, committed_days=committed_days, calendar=calendar)
    if immediate and deadlines.committed_due_at is not None:  # decided on the spot: no hour deadline ahead
        deadlines = replace(deadlines, committed=timezone.localdate(start_at), committed_due_at=None)
    limits = kind_rule(v.kind)
    try:
        start_due = calendar.add_workdays(today, limits.start_within_working_days).date
        deferred_due = calendar.add_workdays(today, v.deferred_due_days).date if deferred else None
    except CalendarRangeError as exc:
        raise DomainError(str(exc)) from None
    return {"accepted_by": profile, "first_handler": profile, "intake_deadline": None,
            "clock_start_date": timezone.localtime(start_at).date(), "committed_days": committed_days,
            "committed_deadline": deadlines.committed, "committed_due_at": deadlines.committed_due_at,
            "legal_deadline": deadlines.legal, "deadline_provisional": deadlines.committed_provisional,
            "legal_deadline_provisional": deadlines.legal_provisional,
            "reported": v.default_class == ItemClass.REPORTED,
            "deferred_materials": bool(deferred), "deferred_due_date": deferred_due, "start_due_on": start_due}


def _check_materials(case: Case, lines: Sequence[CaseMaterial] | None = None) -> list[str]:
    """Return the missing deferrable materials; raise Conflict when a required one is missing or unacceptable.

    ``lines``: the case's checklist when the caller holds it (built in this transaction), else it is read."""
    deferred, blocking = [], []
    for line in case.materials.all() if lines is None else lines:
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


def _issue_acceptance_notices(case: Case, actor: User, now: dt.datetime, deferred: list[str],
                              events: list[CaseEvent] | None = None) -> None:
    """受理通知书 and 首办 receipt, plus the 补办件 notice for materials accepted under 容缺 (due on the case's
    ``deferred_due_date``).

    Art. 32 wants acceptance confirmed in writing, also when the matter is completed on the spot (即办)."""
    contents: list[tuple[str, dict[str, Any]]] = [(NoticeKind.ACCEPTANCE, acceptance_content(case, actor, now)),
                (NoticeKind.RECEIPT, receipt_content(case, actor, now))]
    if deferred:
        contents.append((NoticeKind.DEFERRED, deferred_content(case, actor, now, deferred, case.deferred_due_date)))
    issue_notices(case, contents=contents, actor=actor, now=now, events=events)


def urgent_limit(case: Case, *, urgent: bool, urgent_days: int | None) -> int | None:
    """Return the 急办 limit a case is accepted under (None when not urgent), in the unit of the item's committed
    limit: half of it (rounded up) unless given. In days it may be 0 (done that working day); in hours it is at
    least 1 and shorter than the item's hours (0 would count as a day, the whole working day: later than the hours).

    Raises DomainError naming ``urgent_days`` for an item whose limit cannot be shortened or a limit out of range."""
    if not urgent:
        return None
    limit = committed_limit_of(case)
    unit = case.item_version.committed_limit_unit
    if limit == 0:
        raise DomainError.for_field("urgent_days", "该事项承诺时限为0，无需按急办件缩短")
    if unit == LimitUnit.HOURS:
        if limit == 1:
            raise DomainError.for_field("urgent_days", "该事项承诺时限为1小时，无法再按急办件缩短")
        if urgent_days is None:
            urgent_days = math.ceil(limit / 2)
        if not 1 <= urgent_days < limit:
            raise DomainError.for_field("urgent_days", f"按小时计时的事项，急办时限应为1至{limit - 1}小时")
        return urgent_days
    if urgent_days is None:
        urgent_days = max(1, math.ceil(limit / 2)) if limit > 1 else 0
    if not 0 <= urgent_days < limit:
        shown = limit_text(limit, unit)
        raise DomainError.for_field("urgent_days", f"急办时限应短于承诺时限（{shown}），且不能为负数")
    return urgent_days


def accept_case(*, actor: User, number: str, now: dt.datetime, urgent: bool = False,
                urgent_days: int | None = None) -> Case:
    """Accept (受理): the actor becomes first handler; deadlines from the pinned version; notices issued.

    Past the intake deadline the law has already deemed the application accepted as of the day its materials
    were received: the limits count from that day, and the missed intake deadline is reported at once
    (``cases.facts``) so that it is recorded as a violation in this transaction.

    Raises Forbidden without a staff profile, or unless the actor is a window clerk of the receiving unit with
    HANDLE_CASES; NotFound for a case out of sight; Conflict ``materials_incomplete`` (naming the materials in its
    message) while a required material is missing or unacceptable, Conflict unless the application is under
    review (RECEIVED); DomainError naming ``urgent_days`` (an 急办 limit not shorter than the item's; for a limit
    in hours, 1 to the item's hours less one: ``urgent_limit``), or a deadline outside the calendar's years."""
    profile = actor_profile(actor)
    with audited_atomic():
        return _accept(locked_case(actor, number), actor=actor, profile=profile, now=now, urgent=urgent,
                       urgent_days=urgent_days)


def _accept(case: Case, *, actor: User, profile: StaffProfile, now: dt.datetime, urgent: bool,
            urgent_days: int | None, lines: Sequence[CaseMaterial] | None = None,
            events: list[CaseEvent] | None = None, write: Callable[[Case], None] | None = None) -> Case:
    """Accept a case locked (or built) in the caller's transaction: ``accept_case``'s rules and writes.

    ``lines``: the checklist when the caller holds it (built with the case: not read again); ``events`` and
    ``write``: as ``transition`` takes them (the history steps collected for one insert, the row inserted)."""
    deferred = _check_materials(case, lines)
    urgent_days = urgent_limit(case, urgent=urgent, urgent_days=urgent_days)
    today = timezone.localtime(now).date()
    # The intake deadline this acceptance comes after, if it does.
    missed = case.intake_deadline if case.intake_deadline and today > case.intake_deadline else None
    late = missed is not None
    start_at = (case.intake_started_at or case.received_at) if late else now
    start = timezone.localtime(start_at).date()
    changes = acceptance_changes(case, start_at=start_at, today=today, profile=profile,
                                 urgent_days=urgent_days, deferred=deferred)
    transition(case, actor=actor, action=Action.ACCEPT, now=now,
               changes={**changes, "accepted_at": now, "urgent": urgent,
                        "intake_outcome": IntakeOutcome.ACCEPTED},
               data={"urgent_days": urgent_days, "deferred": deferred,
                     **({"counted_from_receipt": str(start)} if late else {})}, events=events, write=write)
    if missed is not None:
        report_fact(LateAcceptance(case=case, intake_deadline=missed,
                                   staff_id=case.received_by_id, accepted_on=today))
    _issue_acceptance_notices(case, actor, now, deferred, events)
    return case


def receive_and_accept(*, actor: User, item_code: str, applicant: ApplicantData,
                       materials: Sequence[MaterialRow] | None = None, agent: AgentData | None = None,
                       now: dt.datetime, urgent: bool = False, urgent_days: int | None = None) -> Case:
    """Receive a complete application and accept it at once, in one transaction (收件并受理).

    The window's common case: the applicant brings every material, the clerk reviews them on the spot and accepts.
    It is ``receive_case`` then ``accept_case`` with the same actor and moment, so every rule and refusal of each
    applies unchanged, and the same rows are written; when either refuses, nothing is written (an incomplete
    application is received without this, then served a 补正 notice).

    Raises what ``receive_case`` raises, then what ``accept_case`` raises (Conflict ``materials_incomplete``
    naming the materials; DomainError ``urgent_days``)."""
    app = check_application(actor=actor, item_code=item_code, applicant=applicant, materials=materials, agent=agent,
                            now=now)
    with audited_atomic():
        # The case is built received, then accepted (the acceptance's rules and policy asked of the received case,
        # ``transition``), and its row inserted once, accepted, instead of inserted then updated. What goes with
        # each step is written in their order: the checklist and the receipt's history and audit row, then the
        # acceptance's. No one else sees the rows until commit: nothing is locked or read again (the checklist),
        # and the history steps go in one insert.
        case = new_received_case(app, now=now)
        events: list[CaseEvent] = []

        def insert(accepted: Case) -> None:
            insert_row(accepted)
            finish_received(accepted, app, actor=actor, now=now, events=events)

        _accept(case, actor=actor, profile=app.profile, now=now, urgent=urgent, urgent_days=urgent_days,
                lines=app.lines, events=events, write=insert)
        save_events(events)
        return case


# The reasons a 即办 grant states: done on the spot because the application was complete and lawful (Art. 34 ¶2).
IMMEDIATE_REASONS = "申请材料齐全、符合法定形式，当场作出准予决定"


def accept_immediately(*, actor: User, number: str, now: dt.datetime, certificate_number: str = "") -> Case:
    """即办: accept and complete on the spot (items whose class is 即办 or whose committed limit here is 0).

    Raises Forbidden as ``accept_case``; NotFound for a case out of sight; Conflict for an item that is not 即办
    or is a 上报件 (``policies.immediate_refusal``), Conflict ``materials_incomplete``, Conflict unless the
    application is under review; DomainError naming ``certificate_number`` when the item issues a certificate
    (``policies.grant_refusal``, as for 准予); DomainError for a date outside the calendar's years."""
    profile = actor_profile(actor)
    certificate_number = bounded("certificate_number", certificate_number, 64, "证照编号")
    with audited_atomic():
        case = locked_case(actor, number)
        v = case.item_version
        if (refusal := immediate_refusal(case)) is not None:
            raise refusal
        deferred = _check_materials(case)
        if (missing := grant_refusal(case, certificate_number)) is not None:
            raise missing
        today = timezone.localtime(now).date()
        intake_deadline = case.intake_deadline
        changes = acceptance_changes(case, start_at=now, today=today, profile=profile, urgent_days=None,
                                     deferred=deferred, immediate=True)
        transition(case, actor=actor, action=Action.ACCEPT_IMMEDIATE, now=now,
                   changes={**changes, "accepted_at": now, "immediate": True, "start_due_on": None,
                            "intake_outcome": IntakeOutcome.IMMEDIATE, "decided_at": now,
                            "outcome": DecisionOutcome.GRANTED, "certificate_name": v.result_name,
                            "decision_reasons": IMMEDIATE_REASONS,
                            "certificate_number": certificate_number,
                            "result_due_on": None if deferred else result_due_date(case, today)},
                   data={"deferred": deferred})
        if intake_deadline and today > intake_deadline:  # done on the spot, but after the intake deadline
            report_fact(LateAcceptance(case=case, intake_deadline=intake_deadline,
                                       staff_id=case.received_by_id, accepted_on=today))
        _issue_acceptance_notices(case, actor, now, deferred)
    return case


def result_due_date(case: Case, today: dt.date) -> dt.date:
    """Return the last day to deliver the result of a case decided ``today`` (the item kind's limit).

    Raises DomainError when it falls outside the calendar's years."""
    days = kind_rule(case.item_version.kind).result_notice_working_days
    try:
        return get_calendar(case.unit.region).add_workdays(today, days).date
    except CalendarRangeError as exc:
        raise DomainError(str(exc)) from None


REFUSALS = {Action.NOT_LICENSED: IntakeOutcome.NOT_LICENSED, Action.OUTSIDE_POWERS: IntakeOutcome.OUTSIDE_POWERS,
            Action.REJECT: IntakeOutcome.REJECTED}


def refuse_case(*, actor: User, number: str, action: Action, reason: str, now: dt.datetime,
                competent_organ: str = "", competent_organ_contact: str = "") -> Case:
    """Refuse at intake: not a licensed matter, outside this organ's powers (name the competent organ and how to
    reach it: "告知其主管机关的名称和联系方式"), or 不予受理.

    Raises DomainError naming ``action`` (not one of the three), ``reason`` (empty), ``competent_organ`` and
    ``competent_organ_contact`` (required outside this organ's powers); NotFound for a case out of sight; Conflict
    unless the table allows ``action`` now (RECEIVED; 不予受理 also in SUPPLEMENT); Forbidden unless the actor is a
    window clerk of the receiving unit with HANDLE_CASES."""
    if action not in REFUSALS:
        raise DomainError.for_field("action", "不予受理的类型无效")
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["请写明理由"]
    if action == Action.OUTSIDE_POWERS:
        if not competent_organ.strip():
            errors["competent_organ"] = ["不属本机关职权的，须告知申请人向哪个机关申请"]
        if not competent_organ_contact.strip():
            errors["competent_organ_contact"] = ["须告知有权机关的联系方式（电话或地址）"]
    if errors:
        raise DomainError("请补全不予受理的理由和告知内容", fields=errors)
    organ = bounded("competent_organ", competent_organ, 128, "有权机关")
    contact = bounded("competent_organ_contact", competent_organ_contact, 128, "有权机关联系方式")
    with audited_atomic():
        case = locked_case(actor, number)
        transition(case, actor=actor, action=action, now=now, opinion=reason.strip(),
                   changes={"intake_outcome": REFUSALS[action], "intake_reason": reason.strip(),
                            "competent_organ": organ, "competent_organ_contact": contact, "closed_at": now,
                            "intake_deadline": None})
        if action != Action.NOT_LICENSED:
            issue_notice(case, kind=NoticeKind.REJECTION, actor=actor, now=now,
                         content=rejection_content(case, actor, now, reason.strip(), organ, contact))
    return case


def start_case(*, actor: User, number: str, now: dt.datetime, opinion: str = "") -> Case:
    """Start handling an accepted case.

    Raises NotFound for a case out of sight; Conflict unless it is ACCEPTED; Forbidden unless the actor is the
    first handler (or the B acting for them) with HANDLE_CASES."""
    with audited_atomic():
        return transition(locked_case(actor, number), actor=actor, action=Action.START, now=now, opinion=opinion,
                          changes={"start_due_on": None})


def decide_case(*, actor: User, number: str, outcome: str, now: dt.datetime, reasons: str = "",
                certificate_number: str = "", decided_by_organ: str = "", decision_document: str = "") -> Case:
    """Decide: 准予 (with the certificate) or 不予许可 (with reasons and remedies, and a written decision).

    A 上报件 is decided by a higher organ, never here: what is recorded is that organ's decision, named with its
    document number (until the relay hands the case over, decision 0014).

    Every decision states its reasons; a grant of an item whose result is a certificate or card
    (``ItemVersion.issues_certificate``) records the certificate's number (decision 0022).

    Raises DomainError naming ``outcome`` (not GRANTED or DENIED), ``reasons`` (empty) or ``certificate_number``
    (a grant without it where the item issues one), and DomainError ``reported_case`` naming ``decided_by_organ``
    (not an organ above the case's unit) or ``decision_document`` for a 上报件; NotFound for a case out of sight;
    Conflict ``paused`` during a special procedure, Conflict ``return_pending`` while a 退件 request awaits a
    leader, Conflict unless the case is running (ACCEPTED or IN_PROGRESS); Forbidden unless the actor is the first
    handler's side with HANDLE_CASES.
    """
    if outcome not in DecisionOutcome.values:
        raise DomainError.for_field("outcome", "办理结果应为 GRANTED（准予）或 DENIED（不予许可）")
    if not reasons.strip():
        raise DomainError.for_field("reasons", "不予许可须写明理由" if outcome == DecisionOutcome.DENIED
                                    else "准予须写明理由（如：申请材料齐全，符合法定条件、标准）")
    organ = bounded("decided_by_organ", decided_by_organ, 128, "作出决定的机关")
    document = bounded("decision_document", decision_document, 64, "决定文号")
    certificate_number = bounded("certificate_number", certificate_number, 64, "证照编号")
    with audited_atomic():
        case = locked_case(actor, number)
        if (refusal := decide_refusal(case)) is not None:
            raise refusal
        if case.reported:
            organ, document = _higher_decision(case, organ, document)
        elif organ or document:
            organ, document = "", ""
        if outcome == DecisionOutcome.GRANTED and (missing := grant_refusal(case, certificate_number)) is not None:
            raise missing
        today = timezone.localtime(now).date()
        # While a 补办件's material is due the result cannot be handed over: the result-notice clock starts when
        # it is supplied or a leader lets the result go first (services.deferred).
        result_due = None if deferred_outstanding(case) else result_due_date(case, today)
        transition(case, actor=actor, action=Action.DECIDE, now=now, opinion=reasons.strip(),
                   changes={"decided_at": now, "outcome": outcome, "decision_reasons": reasons.strip(),
                            "certificate_name": case.item_version.result_name if outcome == "GRANTED" else "",
                            "certificate_number": certificate_number if outcome == "GRANTED" else "",
                            "decided_by_organ": organ, "decision_document": document,
                            "start_due_on": None, "result_due_on": result_due},
                   data={"decided_by_organ": organ, "decision_document": document} if case.reported else None)
        if outcome == DecisionOutcome.DENIED:
            issue_notice(case, kind=NoticeKind.DENIAL, actor=actor, now=now,
                         content=denial_content(case, actor, now, reasons.strip()))
    return case


def _higher_decision(case: Case, organ: str, document: str) -> tuple[str, str]:
    """Return the (organ name, document number) of a 上报件's decision, or refuse: the organ must be one above the
    case's unit (``org.selectors.higher_organs``: the units it sits under, their departments, the item's
    implementing department), named by code or name, and the decision must have its number."""
    errors: dict[str, list[str]] = {}
    allowed = higher_organs(case.unit, also=case.item_version.implementing_unit_id)
    chosen = next((u for u in allowed if organ in (u.code, u.name, u.short_name) and organ), None)
    if chosen is None:
        names = "、".join(u.name for u in allowed[:6]) or "（本级之上没有可作出决定的机关）"
        errors["decided_by_organ"] = [
            f"上报件须由上级机关作出决定，本级不能自行决定：请选择作出决定的上级机关（{names}）"]
    if not document:
        errors["decision_document"] = ["请填写上级机关的决定文号"]
    if chosen is None or errors:
        raise DomainError("上报件须报上级机关决定", fields=errors, code="reported_case")
    return chosen.name[:128], document


def deferred_outstanding(case: Case) -> bool:
    """Return whether a 补办件's missing material is still due and no leader allowed delivery before it
    ("补交后即可领取办理结果")."""
    return bool(case.deferred_materials and case.deferred_supplied_at is None and case.deferred_exception_at is None)


def deliver_case(*, actor: User, number: str, method: str, received_by: str, now: dt.datetime,
                 place: str = "") -> Case:
    """Deliver the result: pickup, post or agent; record who received it and issue the 送达回证 (what was
    delivered, how, to whom, where and when, with the lines the recipient and the server sign). A 补办件's result
    waits for the missing material unless a leader recorded an exception.

    ``place`` defaults to the receiving unit (pickup), the applicant's address (post) or the agent's station
    (the unit where the case was received).

    Raises DomainError naming ``method`` (not PICKUP, POST or AGENT), ``received_by`` (empty) or ``place`` (post
    without an address on the case or given); NotFound for a case out of sight; Conflict ``deferred_outstanding``
    while 补办 material is due, Conflict unless it is DECIDED; Forbidden unless the actor is the first handler's
    side with HANDLE_CASES."""
    if method not in DeliveryMethod.values:
        raise DomainError.for_field("method", "送达方式应为 PICKUP（窗口领取）、POST（邮寄送达）或 AGENT（代办员送达）")
    if not received_by.strip():
        raise DomainError.for_field("received_by", "请填写签收人")
    received_by = bounded("received_by", received_by, 64, "签收人")
    place = bounded("place", place, 128, "送达地点")
    with audited_atomic():
        return _deliver(locked_case(actor, number), actor=actor, method=method, received_by=received_by,
                        place=place, now=now)


def _deliver(case: Case, *, actor: User, method: str, received_by: str, place: str, now: dt.datetime,
             relayed: bool = False) -> Case:
    """Deliver a locked case (the body of ``deliver_case``): the transition, then the 送达回证."""
    if (refusal := deliver_refusal(case)) is not None:
        raise refusal
    where = _delivery_place(case, method, place)
    # A relayed delivery: the relay's own SMS tells the applicant (with the relay's rating link: 一事一评).
    case = transition(case, actor=actor, action=Action.DELIVER, now=now, system=relayed, sms=not relayed,
                      changes={"delivered_at": now, "delivery_method": method,
                               "delivered_to": received_by, "closed_at": now,
                               "result_due_on": None},
                      data={"method": method, "received_by": received_by, "place": where})
    denial = case.notices.filter(kind=NoticeKind.DENIAL, issued_at__isnull=False).order_by("-issued_at").first()
    issue_notice(case, kind=NoticeKind.DELIVERY, actor=actor, now=now,
                 content=delivery_content(case, actor, now, place=where,
                                          denial_number=(denial.number or "") if denial else ""))
    return case


def _relayed_case(case_id: int) -> Case:
    """Lock and return a case brought by a relay whose result waits at the station (a second line of defence: the
    relay service checked its own policy first). Raises Conflict otherwise."""
    case = (Case.objects.select_for_update(of=("self",)).select_related("item_version__item", "unit")
            .filter(pk=case_id, relay__status="AT_STATION").first())
    if case is None:
        raise Conflict("办理结果不在代办站，不能由代办员送达")
    return case


def relay_took_result(*, actor: User, case_id: int, now: dt.datetime) -> Case:
    """Record that the deciding unit issued the result into the relay route (全程代理, decision 0023 §3): the
    applicant entrusted the agent (授权委托书), so handing the result to the route is the organ's issuing; the
    result-notice clock (``result_due_on``) stops here and the relay's own hop and delivery limits carry the rest.

    Call inside the relay service's transaction. Refuses nothing the relay service has not checked."""
    case = Case.objects.select_for_update(of=("self",)).get(pk=case_id, relay__isnull=False)
    if case.result_due_on is not None:
        case.result_due_on = None
        case.save(update_fields=["result_due_on"])
    add_event(case, actor=actor, now=now, action="RESULT_RELAYED",
              opinion="办理结果交全程代理路线，由代办员送达申请人（申请人已出具授权委托书）")
    return case


def serve_notice_by_relay(*, actor: User, case_id: int, received_by: str, place: str, now: dt.datetime) -> Case:
    """Serve a case that ended without a decision (不予受理, 退件) through the relay's station: issue the 送达回证 of
    its last notice of refusal or return; the serving date starts the applicant's 复议/诉讼 periods. A withdrawn case
    has no notice to serve (its materials go back): nothing is issued.

    Call inside the relay service's transaction. Raises DomainError naming ``received_by`` (empty or too long) or
    ``place`` (too long); Conflict unless the result waits at the station."""
    if not received_by.strip():
        raise DomainError.for_field("received_by", "请填写签收人")
    received_by = bounded("received_by", received_by, 64, "签收人")
    place = bounded("place", place, 128, "送达地点")
    case = _relayed_case(case_id)
    notice = (case.notices.filter(kind__in=[NoticeKind.REJECTION, NoticeKind.RETURN], issued_at__isnull=False)
              .order_by("-issued_at").first())
    if notice is None:
        return case
    content = notice_delivery_content(case, notice, actor, now, place=place, received_by=received_by)
    issue_notice(case, kind=NoticeKind.DELIVERY, actor=actor, now=now, content=content)
    add_event(case, actor=actor, now=now, action="NOTICE_SERVED",
              opinion=f"{content['delivered_document']}由代办员送达，签收人{received_by}")
    return case


def deliver_relayed_case(*, actor: User, case_id: int, received_by: str, place: str, now: dt.datetime) -> Case:
    """Deliver a case whose result came down a relay route (全程代理, decision 0023 §3): the station's agent hands
    it to the applicant (method AGENT) and the case's 送达回证 is issued. The relay service has already checked that
    the actor works at the relay's station and that the result reached it; the case is out of the agent's sight,
    so the transition is applied without the first handler's policy, with the agent recorded as the actor.

    Call inside the relay service's transaction. Raises DomainError naming ``received_by`` (empty or too long) or
    ``place`` (too long); Conflict ``deferred_outstanding`` while 补办 material is due, Conflict unless DECIDED."""
    if not received_by.strip():
        raise DomainError.for_field("received_by", "请填写签收人")
    received_by = bounded("received_by", received_by, 64, "签收人")
    place = bounded("place", place, 128, "送达地点")
    return _deliver(_relayed_case(case_id), actor=actor, method=DeliveryMethod.AGENT, received_by=received_by,
                    place=place, now=now, relayed=True)


def _delivery_place(case: Case, method: str, place: str) -> str:
    """Return where the result is delivered: as given, else by the method (refuses a post without an address)."""
    if place.strip():
        return place.strip()
    if method == DeliveryMethod.POST:
        if not case.applicant_address:
            raise DomainError.for_field("place", "邮寄送达须填写送达地点（邮寄地址）")
        return case.applicant_address
    return case.unit.address or case.unit.name


def archive_case(*, actor: User, number: str, now: dt.datetime) -> Case:
    """Archive a finished case.

    Raises NotFound for a case out of sight; Conflict unless it is delivered, not accepted, withdrawn or returned;
    Forbidden unless the actor may work on it with HANDLE_CASES."""
    with audited_atomic():
        return transition(locked_case(actor, number), actor=actor, action=Action.ARCHIVE, now=now)


def withdraw_case(*, actor: User, number: str, reason: str, now: dt.datetime) -> Case:
    """Record the applicant's withdrawal; a 退件 request still pending is closed with it.

    Raises DomainError naming ``reason`` (empty); NotFound for a case out of sight; Conflict once decided or ended;
    Forbidden unless the actor may work on it (the receiving window before acceptance, the first handler's side
    after it) with HANDLE_CASES."""
    if not reason.strip():
        raise DomainError.for_field("reason", "请填写撤回说明")
    with audited_atomic():
        case = transition(locked_case(actor, number), actor=actor, action=Action.WITHDRAW, now=now,
                          opinion=reason.strip(), changes={"closed_at": now, "intake_deadline": None,
                                                           "start_due_on": None})
        # A return request waiting for a leader has nothing left to decide once the applicant withdrew.
        case.return_requests.filter(status="PENDING").update(
            status="REJECTED", decided_at=now, decision_note="申请人已撤回申请，退件申请自动关闭")
        return case


def return_case(*, actor: User, number: str, reason: str, now: dt.datetime) -> Case:
    """退件 before acceptance: return the application and its materials with a written notice (the window's own
    Art. 32 outcome). After acceptance a return is a leader's decision (``request_return``).

    Raises DomainError naming ``reason`` (empty); NotFound for a case out of sight; Conflict
    ``return_needs_approval`` once accepted, Conflict once ended; Forbidden unless the actor is a window clerk of
    the receiving unit with HANDLE_CASES."""
    if not reason.strip():
        raise DomainError.for_field("reason", "请写明退件理由")
    with audited_atomic():
        case = locked_case(actor, number)
        if (refusal := direct_return_refusal(case)) is not None:
            raise refusal
        return apply_return(case, actor=actor, reason=reason.strip(), now=now)


def apply_return(case: Case, *, actor: User, reason: str, now: dt.datetime, data: dict[str, Any] | None = None) -> Case:
    """Return a locked case with the 退件通知书 (inside the caller's transaction).

    Raises Conflict unless the table allows 退件 now, Forbidden unless the actor holds its permission (the window
    before acceptance, a leader after it)."""
    transition(case, actor=actor, action=Action.RETURN, now=now, opinion=reason,
               changes={"closed_at": now, "intake_deadline": None, "start_due_on": None}, data=data)
    issue_notice(case, kind=NoticeKind.RETURN, actor=actor, now=now, content=return_content(case, actor, now, reason))
    return case
