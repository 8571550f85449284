"""When a provisional year becomes official, recompute the deadlines of the open cases that depended on it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.notifications.services import enqueue_sms
from bianmin.workdays.engine import DayAnswer
from bianmin.workdays.selectors import get_calendar
from bianmin.workdays.services import finalize_year

from ..models import Case, Extension, ExtensionStatus
from ..workflow import RUNNING
from .core import add_event, stamp_warning
from .lifecycle import add_limit, hours_due

if TYPE_CHECKING:
    from bianmin.users.types import User
    from bianmin.workdays.models import CalendarYear


def recompute_deadlines(case: Case, *, now: dt.datetime, reason: str = "国务院放假安排公布") -> bool:
    """Recompute a locked case's deadlines from the day they were first counted from (acceptance, or receipt for a
    late or deemed acceptance), with its pauses and extension; True if they changed.

    A change is told to the applicant as the notices promise ("重新核定并告知"): an SMS through the outbox, the
    new dates and the reason on the public lookup, and a line in the case history. A system step: refuses
    nothing."""
    v = case.item_version
    calendar = get_calendar(case.unit.region)
    start = case.clock_start_date or timezone.localtime(case.accepted_at).date()
    committed_days = case.committed_days if case.committed_days is not None else v.committed_limit
    committed = add_limit(calendar, start, committed_days, v.committed_limit_unit)
    legal = add_limit(calendar, start, v.legal_limit, v.legal_limit_unit)
    if case.committed_due_at is not None:  # a limit in hours ends at a moment no calendar moves
        committed = DayAnswer(timezone.localdate(case.committed_due_at), provisional=False)
        if (legal_due := hours_due(case.committed_due_at - dt.timedelta(hours=committed_days), v.legal_limit,
                                   v.legal_limit_unit)) is not None:
            legal = DayAnswer(timezone.localdate(legal_due), provisional=False)
    # Each ended pause is counted again on the new calendar: its length was counted on the provisional one.
    shift = 0
    for pause in case.pauses.filter(ended_at__isnull=False):
        assert pause.ended_on is not None, "end_pause sets ended_on with ended_at"
        days = max(0, calendar.workdays_between(pause.started_on, pause.ended_on).days)
        if days != pause.paused_working_days:
            pause.paused_working_days = days
            pause.save(update_fields=["paused_working_days"])
        shift += days
    try:
        extension = case.extension
    except Extension.DoesNotExist:
        extension = None
    if extension is not None and extension.status == ExtensionStatus.APPROVED:
        shift += extension.days
    provisional, legal_provisional = committed.provisional, legal.provisional
    new_committed, new_legal = committed.date, legal.date
    if shift:
        moved_c, moved_l = calendar.add_workdays(new_committed, shift), calendar.add_workdays(new_legal, shift)
        new_committed, new_legal = moved_c.date, moved_l.date
        provisional, legal_provisional = provisional or moved_c.provisional, legal_provisional or moved_l.provisional
    old = (case.committed_deadline, case.legal_deadline, case.deadline_provisional, case.legal_deadline_provisional)
    if old == (new_committed, new_legal, provisional, legal_provisional):
        return False
    case.committed_deadline, case.legal_deadline = new_committed, new_legal
    case.deadline_provisional, case.legal_deadline_provisional = provisional, legal_provisional
    case.deadline_changed_at = now
    case.deadline_change_reason = f"{reason}，办理期限按正式放假安排重新核定"[:255]
    case.version += 1
    case.save(update_fields=["committed_deadline", "legal_deadline", "deadline_provisional",
                             "legal_deadline_provisional", "deadline_changed_at",
                             "deadline_change_reason", "version",
                             *stamp_warning(case, timezone.localtime(now).date())])
    add_event(case, actor=None, now=now, action="DEADLINES_RECOMPUTED",
              opinion=f"{reason}后重新核定：承诺办结日期 {old[0]} → {new_committed}，"
                      f"法定办结日期 {old[1]} → {new_legal}；已短信告知申请人",
              data={"old": [str(old[0]), str(old[1])], "new": [str(new_committed), str(new_legal)],
                    "start": str(start), "reason": reason})
    enqueue_sms(phone=case.applicant_phone, kind="CASE_DEADLINES_RECOMPUTED",
                text=(f"您申请的“{v.name}”（办件编号{case.number}）因{reason}，办理期限重新核定："
                      f"承诺办结日期{new_committed:%Y-%m-%d}（原{old[0]:%Y-%m-%d}），"
                      f"法定办结日期{new_legal:%Y-%m-%d}。凭办件编号和查询码可查询进度。"),
                cause=f"case:{case.number}", now=now)
    return True


def finalize_year_and_recompute(*, actor: User, year: int, notice: str, days: Iterable[tuple[dt.date, str, str]],
                                published_on: dt.date | None, now: dt.datetime) -> tuple[CalendarYear, list[str]]:
    """Enter a year's official schedule and, in the same transaction, recompute every open provisional case;
    return the year and the numbers of the cases whose deadlines moved.

    Raises, as ``workdays.services.finalize_year``, Forbidden without MANAGE_CALENDAR and DomainError naming
    ``days`` (a day outside the year, repeated, of no kind or name, a weekday as a working day, no rest day) or
    ``notice`` (empty)."""
    with audited_atomic():
        calendar_year = finalize_year(actor=actor, year=year, notice=notice, days=days, published_on=published_on,
                                      now=now)
        changed = []
        reason = f"国务院公布{year}年放假安排（{notice.strip()}）"
        for case in (Case.objects.select_for_update(of=("self",))
                     .filter(Q(deadline_provisional=True) | Q(legal_deadline_provisional=True),
                             status__in=list(RUNNING))
                     .select_related("item_version", "unit__region", "extension").order_by("id")):
            if recompute_deadlines(case, now=now, reason=reason):
                changed.append(case.number)
        short = recompute_short_dates(year, now=now)
        record(action=AuditAction.CASE_CHANGE, summary=f"{year}年放假安排公布，重新核定 {len(changed)} 件办件期限",
               actor=actor, now=now, data={"cases": changed[:500], "short_dates": short})
    return calendar_year, changed


def recompute_short_dates(year: int, *, now: dt.datetime) -> dict[str, int]:
    """Recount the short limits that fall in the finalised ``year`` or later on the new calendar: the intake
    deadline of applications under review (from the day their materials were received), the hand-over limit
    of accepted cases, the result-notice limit of decided ones, and the 补办 due date (the applicant is told by
    SMS when it moves). Returns how many of each changed. A system step: refuses nothing."""
    from bianmin.catalog.selectors import kind_rule

    from .intake import intake_deadline_for
    from .lifecycle import result_due_date

    start = dt.date(year, 1, 1)
    local = timezone.localtime
    changed = {"intake_deadline": 0, "start_due_on": 0, "result_due_on": 0, "deferred_due_date": 0}
    base = Case.objects.select_for_update(of=("self",)).select_related("item_version", "unit__region")
    for case in base.filter(status="RECEIVED", intake_deadline__gte=start):
        new = intake_deadline_for(case, local(case.intake_started_at or case.received_at).date())
        if new != case.intake_deadline:
            case.intake_deadline = new
            case.save(update_fields=["intake_deadline"])
            changed["intake_deadline"] += 1
    for case in base.filter(status="ACCEPTED", start_due_on__gte=start).exclude(intake_outcome="DEEMED"):
        days = kind_rule(case.item_version.kind).start_within_working_days
        new = get_calendar(case.unit.region).add_workdays(local(case.accepted_at).date(), days).date
        if new != case.start_due_on:
            case.start_due_on = new
            case.save(update_fields=["start_due_on"])
            changed["start_due_on"] += 1
    for case in base.filter(status="DECIDED", result_due_on__gte=start, decided_at__isnull=False):
        new = result_due_date(case, local(case.decided_at).date())
        if new != case.result_due_on:
            case.result_due_on = new
            case.save(update_fields=["result_due_on"])
            changed["result_due_on"] += 1
    for case in base.filter(deferred_due_date__gte=start, deferred_supplied_at__isnull=True,
                            status__in=[*RUNNING, "DECIDED"]).exclude(intake_outcome="DEEMED"):
        new = get_calendar(case.unit.region).add_workdays(local(case.accepted_at).date(),
                                                          case.item_version.deferred_due_days).date
        if new != case.deferred_due_date:
            old, case.deferred_due_date = case.deferred_due_date, new
            case.save(update_fields=["deferred_due_date"])
            add_event(case, actor=None, now=now, action="DEADLINES_RECOMPUTED",
                      opinion=f"国务院公布{year}年放假安排后重新核定补办材料补交期限：{old} → {new}；已短信告知申请人")
            enqueue_sms(phone=case.applicant_phone, kind="CASE_DEFERRED_DUE_RECOMPUTED",
                        text=(f"您申请的“{case.item_version.name}”（办件编号{case.number}）的补办材料补交期限"
                              f"重新核定为{new:%Y-%m-%d}（原{old:%Y-%m-%d}）。"),
                        cause=f"case:{case.number}", now=now)
            changed["deferred_due_date"] += 1
    return changed
