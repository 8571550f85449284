"""The transition function, numbering and events shared by the case services."""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from bianmin.audit.models import AuditAction
from bianmin.audit.services import record
from bianmin.core.counters import next_value, next_values, retire_sequences
from bianmin.core.errors import Conflict, Forbidden
from bianmin.core.inserts import insert_row, insert_rows
from bianmin.notifications.services import enqueue_sms
from bianmin.org.models import Post
from bianmin.org.policies import staff_profile_of
from bianmin.org.selectors import absent_staff_ids
from bianmin.workdays.selectors import get_calendar

from ..models import Case, CaseCounter, CaseEvent, Notice, NoticeCounter, WarningLevel
from ..policies import get_case_for, may_work_on, require_transition
from ..warnings import yellow_threshold
from ..workflow import Action, CaseClass, Status, derive_class, next_status

if TYPE_CHECKING:
    from bianmin.org.models import StaffProfile, Unit
    from bianmin.users.types import User

QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


def new_query_code() -> str:
    """Return a random 8-character query code from an unambiguous alphabet.

    Refuses nothing: a pure helper."""
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(8))


def next_case_number(unit: Unit, now: dt.datetime) -> str:
    """Return the next case number: unit code + date + 4-digit sequence (unique under concurrency).

    Refuses nothing: a numbering helper; the calling service has checked the intake."""
    day = timezone.localtime(now).date()
    seq = next_value(CaseCounter, unit=unit, day=day)
    return f"{unit.code}{day:%Y%m%d}{seq:04d}"


def retire_case_counters(now: dt.datetime) -> int:
    """Drop the number sequences of days before yesterday (local time): no receipt draws from them any more.

    Returns how many were dropped. Refuses nothing: a system step run by the scheduler."""
    from django.db.models import Q

    before = timezone.localtime(now).date() - dt.timedelta(days=1)
    return retire_sequences(CaseCounter, Q(day__lt=before))


def next_notice_number(kind: str, now: dt.datetime) -> str:
    """Return the next notice number, e.g. BZ-2026-000123.

    Refuses nothing: a numbering helper; the calling service has checked the step."""
    return next_notice_numbers([kind], now)[0]


def next_notice_numbers(kinds: list[str], now: dt.datetime) -> list[str]:
    """Return the next number of each notice kind in ``kinds`` (distinct kinds), drawn together.

    Refuses nothing: a numbering helper; the calling service has checked the step."""
    from ..models import NOTICE_PREFIX

    year = timezone.localtime(now).year
    prefixes = [NOTICE_PREFIX[kind] for kind in kinds]
    seqs = next_values(NoticeCounter, [{"prefix": prefix, "year": year} for prefix in prefixes])
    return [f"{prefix}-{year}-{seq:06d}" for prefix, seq in zip(prefixes, seqs, strict=True)]


def actor_profile(actor: User) -> StaffProfile:
    """Return the actor's staff profile (cases are handled by staff with a badge).

    Raises Forbidden when the actor has no staff profile."""
    profile = staff_profile_of(actor)
    if profile is None:
        raise Forbidden("只有在岗工作人员可以办理办件")
    return profile


def acting_ids_for(case: Case, on_date: dt.date) -> set[int]:
    """Return staff who act today for the case's first handler (B when A is away).

    Refuses nothing: a query."""
    if case.first_handler_id is None:
        return set()
    known = getattr(case, "first_handler_away_on", {}).get((on_date, case.first_handler_id))  # ``case_detail_for``
    away = known if known is not None else case.first_handler_id in absent_staff_ids([case.first_handler_id], on_date)
    if not away:
        return set()
    return set(Post.objects.filter(a_staff_id=case.first_handler_id, b_staff__isnull=False)
               .values_list("b_staff_id", flat=True))


def require_case_worker(actor: User, case: Case, today: dt.date) -> None:
    """Check that the actor may work on the case (``policies.may_work_on``: the receiving unit's window before
    acceptance, the first handler or their acting B after it).

    Raises Forbidden unless the actor may."""
    if not may_work_on(actor, case, acting_ids_for(case, today)):
        raise Forbidden("只有首办负责人（或其B角）才能办理该办件" if case.accepted_at
                        else "只有收件单位的窗口人员才能审查该申请")


def new_event(case: Case, *, actor: User | None, now: dt.datetime, action: str, from_status: str = "",
              to_status: str = "", opinion: str = "", data: dict[str, Any] | None = None) -> CaseEvent:
    """Return an unsaved step of the case history (for ``bulk_create``).

    Refuses nothing: it records a step the calling service has allowed."""
    profile = staff_profile_of(actor) if actor is not None else None
    return CaseEvent(case=case, county_id=case.county_id, at=now, actor=actor,
                     actor_name=profile.name if profile else (actor.get_username() if actor else "系统"),
                     action=action, from_status=from_status, to_status=to_status, opinion=opinion, data=data or {})


def add_event(case: Case, *, actor: User | None, now: dt.datetime, action: str, from_status: str = "",
              to_status: str = "", opinion: str = "", data: dict[str, Any] | None = None) -> CaseEvent:
    """Append a step to the case history.

    Refuses nothing: it records a step the calling service has allowed."""
    event = new_event(case, actor=actor, now=now, action=action, from_status=from_status, to_status=to_status,
                      opinion=opinion, data=data)
    insert_row(event)
    return event


def refresh_class(case: Case) -> None:
    """Recompute the derived case class from the case's facts (a 退办件 stays one: nothing leads out of
    NOT_ACCEPTED or RETURNED but archiving).

    Refuses nothing: it only sets the case's class."""
    case.case_class = derive_class(status=case.status, immediate=case.immediate, urgent=case.urgent,
                                   deferred_materials=case.deferred_materials, accepted=case.accepted_at is not None,
                                   returned=case.case_class == CaseClass.RETURNED, reported=case.reported)


def _sms_text(case: Case, action: Action) -> str:
    item = case.item_version.name
    head = f"您申请的“{item}”（办件编号{case.number}）"
    if action in (Action.ACCEPT, Action.DEEM_ACCEPTED):
        if case.committed_due_at is not None:  # a limit in hours: the moment, in local time
            due = f"承诺办结时间{timezone.localtime(case.committed_due_at):%Y-%m-%d %H:%M}"
        else:
            due = f"承诺办结日期{case.committed_deadline:%Y-%m-%d}"
        return f"{head}已受理，{due}。凭办件编号和查询码{case.query_code}可查询进度。"
    if action == Action.SERVE_SUPPLEMENT:
        return f"{head}材料需补正，请按一次性告知书列明的全部内容补齐后提交。"
    if action in (Action.DECIDE, Action.ACCEPT_IMMEDIATE):
        result = "准予许可" if case.outcome == "GRANTED" else "不予许可，理由见决定书"
        return f"{head}已办结：{result}。"
    if action == Action.DELIVER:
        return (f"{head}的办理结果已送达，签收人{case.delivered_to}。欢迎评价本次服务："
                f"{rating_link(case.number)} （查询码{case.query_code}）")
    return ""


def rating_link(number: str) -> str:
    """Return the public rating page's address for ``number`` as sent by SMS (decision 0024): the number only; the
    query code goes in the text, never in a URL (server logs, referrers)."""
    base = str(settings.BIANMIN.get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/rate/?n={number}&src=sms"


SMS_ACTIONS = frozenset({Action.ACCEPT, Action.DEEM_ACCEPTED, Action.SERVE_SUPPLEMENT, Action.DECIDE,
                         Action.ACCEPT_IMMEDIATE, Action.DELIVER})


def stamp_warning(case: Case, today: dt.date) -> list[str]:
    """Set the day the yellow warning starts from the current deadline and clear the sweep's level (so the sweep
    warns again about the new deadline) — unless the case is already recorded overdue and still is.

    Called wherever the committed deadline is set or moved; returns the fields it changed. Refuses nothing: it
    only sets the case's warning fields.
    """
    if case.committed_deadline is None:
        case.yellow_on = None
    elif case.committed_due_at is not None:  # a limit in hours: the day-based lists warn on its due day
        case.yellow_on = case.committed_deadline
    else:
        calendar = get_calendar(case.unit.region)
        limit = case.committed_days if case.committed_days is not None else case.item_version.committed_limit
        case.yellow_on = calendar.workdays_back(case.committed_deadline, yellow_threshold(limit or 0))
    if not (case.warning_level == WarningLevel.RED and case.committed_deadline and case.committed_deadline < today):
        case.warning_level = WarningLevel.NONE
    return ["yellow_on", "warning_level"]


# Ending a running case after its deadline: the sweep records the overdue case unless it already has.
ENDS_RUNNING = frozenset({Action.DECIDE, Action.RETURN, Action.WITHDRAW})


def locked_case(actor: User, number: str) -> Case:
    """Return the case locked for update, scoped to the actor.

    Raises NotFound for a case that is missing or out of the actor's sight."""
    return get_case_for(actor, number, for_update=True)


def transition(case: Case, *, actor: User | None, action: Action, now: dt.datetime, opinion: str = "",
               changes: dict[str, Any] | None = None, data: dict[str, Any] | None = None,
               system: bool = False, sms: bool = True, events: list[CaseEvent] | None = None,
               write: Callable[[Case], None] | None = None) -> Case:
    """Apply ``action`` to a locked case: check table and policy, set status and fields, save, log.

    ``sms=False`` leaves out the applicant's SMS where another service sends its own (a relay's delivery).
    ``events``: the history step is appended there, for the caller to insert with the others of its transaction
    (one statement, ``save_events``), instead of at once. ``write(case)`` writes the changed row instead of an
    update of the fields changed: 收件并受理 inserts, already accepted, the case it built in this transaction (with
    what goes with its receipt), before the step is logged.

    The single place where ``Case.status`` changes. Call inside ``transaction.atomic`` with the row locked.
    Raises Conflict when the table does not allow ``action`` now, Forbidden when the actor may not take it
    (``system`` steps, which have no actor, skip the policy).
    """
    if not system:
        if actor is None:
            raise Forbidden("只有在岗工作人员可以办理办件")
        require_transition(actor, case, action, acting_ids=acting_ids_for(case, timezone.localtime(now).date()))
    target = next_status(case.status, action)
    if target is None:
        raise Conflict(f"办件当前状态为“{case.get_status_display()}”，不能执行“{action.label}”")
    before = case.status
    fields = {"status", "case_class", "version"}
    for name, value in (changes or {}).items():
        setattr(case, name, value)
        fields.add(name)
    today = timezone.localtime(now).date()
    if changes and "committed_deadline" in changes:
        fields.update(stamp_warning(case, today))
    if (action in ENDS_RUNNING and before in ("ACCEPTED", "IN_PROGRESS") and case.committed_deadline
            and (today > case.committed_deadline or (case.committed_due_at and now > case.committed_due_at))
            and case.warning_level != WarningLevel.RED
            and not case.pauses.filter(ended_at__isnull=True).exists()):  # a paused clock is not late
        case.warning_level = WarningLevel.LATE
        fields.add("warning_level")
    case.status = target
    case.version += 1
    refresh_class(case)
    if write is None:
        case.save(update_fields=sorted(fields))
    else:
        write(case)
    event = new_event(case, actor=actor, now=now, action=action.value, from_status=before, to_status=target,
                      opinion=opinion, data=data)
    if events is None:
        insert_row(event)
    else:
        events.append(event)
    if sms and action in SMS_ACTIONS:  # the outbox row commits (or rolls back) with the transition
        enqueue_sms(phone=case.applicant_phone, kind=f"CASE_{action.value}", text=_sms_text(case, action),
                    cause=f"case:{case.number}", now=now)
    shown = f"{Status(before).label}→{Status(target).label}"  # the audit page shows words, not codes
    record(action=AuditAction.CASE_TRANSITION, summary=f"办件{case.number}：{action.label}（{shown}）",
           actor=actor, actor_username="" if actor else "system", obj=case, now=now,
           data={"action": action.value, "from": before, "to": target})
    return case


def _numbered(notice: Notice, kind: str, now: dt.datetime, content: dict[str, Any], serve: bool,
              number: str | None = None) -> Notice:
    notice.number = number or next_notice_number(kind, now)
    notice.issued_at = now
    if serve:
        notice.served_at = now
    notice.content = {**content, "number": notice.number, "issued_at": timezone.localtime(now).isoformat()}
    return notice


def _issued_event(case: Case, notice: Notice, actor: User, now: dt.datetime) -> CaseEvent:
    return new_event(case, actor=actor, now=now, action="NOTICE_ISSUED",
                     data={"kind": notice.kind, "number": notice.number})


def issue_notice(case: Case, *, kind: str, actor: User, now: dt.datetime, content: dict[str, Any],
                 notice: Notice | None = None, serve: bool = False) -> Notice:
    """Number and freeze a notice with its full content (so a reprint is identical after item changes).

    Refuses nothing: the calling service has checked the step."""
    if notice is None:
        notice = Notice(case=case, county_id=case.county_id, kind=kind, created_at=now, created_by=actor)
    _numbered(notice, kind, now, content, serve).save()
    insert_row(_issued_event(case, notice, actor, now))
    return notice


def issue_notices(case: Case, *, contents: Sequence[tuple[str, dict[str, Any]]], actor: User,
                  now: dt.datetime, events: list[CaseEvent] | None = None) -> list[Notice]:
    """Number and freeze several new notices (kind, content) at once: one insert for them, one for their events
    (or their events appended to ``events``, for the caller to insert: ``save_events``).

    Refuses nothing: the calling service has checked the step."""
    numbers = next_notice_numbers([kind for kind, _content in contents], now)
    notices = [_numbered(Notice(case=case, county_id=case.county_id, kind=kind, created_at=now, created_by=actor), kind,
                         now, content, False, number)
               for (kind, content), number in zip(contents, numbers, strict=True)]
    insert_rows(notices)
    issued = [_issued_event(case, notice, actor, now) for notice in notices]
    if events is None:
        save_events(issued)
    else:
        events.extend(issued)
    return notices


def save_events(events: Sequence[CaseEvent]) -> None:
    """Insert history steps collected by the services of one transaction (``new_event``), in their order: one
    statement for them all.

    Refuses nothing: it records steps the calling services have allowed."""
    insert_rows(events)
