"""Reading for meetings: the period a meeting reviews, the agenda collected from it, the action items a staff member
owes (who may see which meeting is in policies, the writes in services)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from bianmin.accountability.models import Violation, ViolationStatus
from bianmin.cases.policies import visible_cases
from bianmin.org.models import Cadence, Unit
from bianmin.org.policies import scope_path, staff_profile_of
from bianmin.org.selectors import meeting_cadences
from bianmin.stats.selectors import overdue_cases

from .models import ActionItem, ActionStatus, AgendaItem, AgendaKind, MeetingKind

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser

AGENDA_LIMIT = 200  # per source; the minutes list the rest as a count


def default_period(today: dt.date, cadence: Cadence = Cadence.MONTHLY) -> tuple[dt.date, dt.date]:
    """Return the period a meeting held ``today`` reviews: the previous week (Monday to Sunday), month or quarter."""
    if cadence == Cadence.WEEKLY:
        end = today - dt.timedelta(days=today.weekday() + 1)
        return end - dt.timedelta(days=6), end
    first_this_month = today.replace(day=1)
    if cadence == Cadence.QUARTERLY:
        quarter_start = first_this_month.replace(month=(today.month - 1) // 3 * 3 + 1)
        end = quarter_start - dt.timedelta(days=1)
        return end.replace(month=(end.month - 1) // 3 * 3 + 1, day=1), end
    end = first_this_month - dt.timedelta(days=1)
    return end.replace(day=1), end


def cadence_for(unit: Unit, kind: str) -> Cadence | None:
    """Return how often ``unit`` holds meetings of ``kind``: None for 专题会议 and where no 工作例会 is set up."""
    if kind == MeetingKind.SPECIAL:
        return None
    cadences = meeting_cadences(unit.kind)
    return cadences.joint if kind == MeetingKind.JOINT else cadences.regular


def default_period_for(user: AnyUser, kind: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Return the period a meeting of ``kind`` held ``today`` by the user's unit reviews, or None when none applies."""
    profile = staff_profile_of(user)
    cadence = cadence_for(profile.unit, kind) if profile is not None else None
    return default_period(today, cadence) if cadence is not None else None


def collect_agenda(user: AnyUser, start: dt.date, end: dt.date, today: dt.date) -> list[AgendaItem]:
    """Return the period's overdue cases (joint items as cross-department issues) and its violations in the user's
    scope as agenda items, unsaved (none without a scope)."""
    path = scope_path(user)
    if path is None:
        return []
    overdue = (overdue_cases(visible_cases(user), start, end, today)
               .select_related("item_version", "first_handler", "unit").order_by("committed_deadline", "id"))
    joint = set(visible_cases(user).filter(pk__in=[c.pk for c in overdue[:AGENDA_LIMIT]],
                                           item_version__joint_units__isnull=False).values_list("pk", flat=True))
    items = []
    for case in overdue[:AGENDA_LIMIT]:
        kind = AgendaKind.CROSS_DEPARTMENT if case.pk in joint else AgendaKind.OVERDUE_CASE
        who = case.first_handler.name if case.first_handler is not None else "—"
        items.append(AgendaItem(kind=kind, case=case, title=f"办件{case.number}（{case.item_version.name}）超期",
                                detail=f"{case.unit.name}，首办负责人{who}，承诺办结日期"
                                       f"{case.committed_deadline:%Y-%m-%d}，当前状态{case.get_status_display()}"))
    violations = (Violation.objects.filter(unit_path__startswith=path, occurred_on__gte=start, occurred_on__lte=end)
                  .exclude(status=ViolationStatus.DISMISSED).select_related("staff")
                  .order_by("occurred_on", "id")[:AGENDA_LIMIT])
    for v in violations:
        items.append(AgendaItem(kind=AgendaKind.VIOLATION, violation=v,
                                title=f"{v.get_kind_display()}：{v.staff.name}（{v.occurred_on:%Y-%m-%d}）",
                                detail=f"{v.description}（{v.get_status_display()}）"))
    # Complaints and bad ratings join here when those modules exist (AgendaKind.COMPLAINT / BAD_RATING).
    return items


def open_actions_for(user: AnyUser) -> QuerySet[ActionItem]:
    """Return the action items the user owns that are not done, with their meeting."""
    profile = staff_profile_of(user)
    if profile is None:
        return ActionItem.objects.none()
    return ActionItem.objects.filter(owner=profile, status=ActionStatus.OPEN).select_related("meeting")
