"""Reading for meetings: the period a meeting reviews, the agenda collected from it, the action items a staff member
owes (who may see which meeting is in policies, the writes in services)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from bianmin.accountability.models import Violation, ViolationStatus
from bianmin.cases.policies import visible_cases
from bianmin.complaints.models import OPEN_STATUSES, Complaint
from bianmin.complaints.policies import visible_complaints
from bianmin.org.models import Cadence, Unit
from bianmin.org.policies import scope_path, staff_profile_of
from bianmin.org.selectors import meeting_cadences
from bianmin.ratings.models import BAD_LEVELS, Rating
from bianmin.ratings.policies import visible_ratings
from bianmin.stats.selectors import overdue_cases, period_bounds

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
    """Return the period's overdue cases (joint items as cross-department issues), its violations, its 差评 not
    rectified (or rectified late) and its complaints confirmed, late or open in the user's scope as agenda items,
    unsaved (none without a scope)."""
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
    items += bad_rating_items(user, path, start, end, today)
    items += complaint_items(user, start, end, today)
    return items


def _follow_up_state(rating: Rating, today: dt.date) -> str:
    follow_up = getattr(rating, "follow_up", None)
    if follow_up is None:
        return "匿名差评，无法回访整改"
    if follow_up.visited_at is None:
        visit = "未回访" + ("（已超期）" if follow_up.visit_due_on < today else "")
    else:
        visit = "回访超时" if timezone.localtime(follow_up.visited_at).date() > follow_up.visit_due_on else "按时回访"
    if follow_up.rectified_at is None:
        rectify = f"未整改（整改期限{follow_up.rectify_due_on:%Y-%m-%d}" + (
            "，已超期）" if follow_up.rectify_due_on < today else "）")
    else:
        rectify = f"整改超期（整改期限{follow_up.rectify_due_on:%Y-%m-%d}，" \
                  f"{timezone.localtime(follow_up.rectified_at):%Y-%m-%d}完成）"
    return f"{visit}；{rectify}；{follow_up.get_status_display()}"


def bad_rating_items(user: AnyUser, path: str, start: dt.date, end: dt.date, today: dt.date) -> list[AgendaItem]:
    """Return the period's 差评 not yet rectified (anonymous ones included: nobody could be called back) or
    rectified late, as agenda items. Excluded ratings (an upheld appeal) are left out. The evaluator is never named
    and the citizen's comment is not copied (it may name them): the item names the service and who was rated."""
    lo, hi = period_bounds(start, end)
    ratings = (visible_ratings(user)
               .filter(unit_path__startswith=path, rated_at__gte=lo, rated_at__lt=hi, parent__isnull=True,
                       excluded=False, level__in=BAD_LEVELS)
               .filter(Q(follow_up__isnull=True) | Q(follow_up__rectified_at__isnull=True)
                       | Q(follow_up__rectified_at__date__gt=F("follow_up__rectify_due_on")))
               .select_related("staff", "unit", "follow_up")
               .order_by("rated_at", "id")[:AGENDA_LIMIT])
    items = []
    for r in ratings:
        # Not the service's number: it would name the applicant who rated (decision 0024 §2); the rating's own
        # number leads supervisors to it.
        items.append(AgendaItem(
            kind=AgendaKind.BAD_RATING, case=None,
            title=f"差评（评价{r.pk}）：{r.get_subject_display()}（{r.get_level_display()}，被评价人{r.staff.name}）",
            detail=f"{r.unit.name}，{timezone.localtime(r.rated_at):%Y-%m-%d}{r.get_channel_display()}；"
                   f"{_follow_up_state(r, today)}"))
    return items


def _complaint_subject(c: Complaint) -> str:
    if c.staff is not None:
        return c.staff.name
    if c.window is not None:
        return f"{c.window.number}号窗口 {c.window.name}"
    if c.case is not None:  # not its number: it names the applicant, often the complainant (decision 0024 §5)
        return f"{c.case.item_version.name}办件"
    return c.subject_unit.name if c.subject_unit is not None else "—"


def complaint_items(user: AnyUser, start: dt.date, end: dt.date, today: dt.date) -> list[AgendaItem]:
    """Return the period's complaints that were confirmed, replied late or are still open, as agenda items, among
    those the user may read (``complaints.policies.visible_complaints``). The complainant is never named and the
    matter is not copied (complainants often sign it): the item names the complaint, its kind and its subject."""
    lo, hi = period_bounds(start, end)
    complaints = (visible_complaints(user)
                  .filter(received_at__gte=lo, received_at__lt=hi)
                  .filter(Q(confirmed_at__isnull=False) | Q(replied_at__date__gt=F("reply_due_on"))
                          | Q(status__in=OPEN_STATUSES))
                  .select_related("staff", "window", "case__item_version", "subject_unit", "unit")
                  .order_by("received_at", "id")[:AGENDA_LIMIT])
    items = []
    for c in complaints:
        notes = [f"{c.unit.name}{timezone.localtime(c.received_at):%Y-%m-%d}受理", f"答复期限{c.reply_due_on:%Y-%m-%d}",
                 c.get_status_display()]
        if c.anonymous:
            notes.append("匿名投诉（无答复渠道）")
        if c.replied_at is not None and timezone.localtime(c.replied_at).date() > c.reply_due_on:
            notes.append(f"逾期答复（{timezone.localtime(c.replied_at):%Y-%m-%d}）")
        elif c.replied_at is None and not c.anonymous and c.status in OPEN_STATUSES and c.reply_due_on < today:
            notes.append("逾期未答复")
        if c.confirmed_at is not None:
            notes.append("已查实，已登记过错记录")
        items.append(AgendaItem(kind=AgendaKind.COMPLAINT, case=c.case,
                                title=f"投诉{c.number}（{c.get_kind_display()}）：{_complaint_subject(c)}",
                                detail="；".join(notes)))
    return items


def open_actions_for(user: AnyUser) -> QuerySet[ActionItem]:
    """Return the action items the user owns that are not done, with their meeting."""
    profile = staff_profile_of(user)
    if profile is None:
        return ActionItem.objects.none()
    return ActionItem.objects.filter(owner=profile, status=ActionStatus.OPEN).select_related("meeting")
