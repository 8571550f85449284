"""Meetings: 联席会议 and 工作例会 collect their agenda from the period at the unit's cadence, 专题会议 take a
subject and a hand-made agenda; decisions become action items tracked to done. Who may take a step is decided by
the ``*_refusal`` functions of ``policies``, asked here before anything is written (and by the action catalogue,
``actions``, before it draws a form)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.cases.policies import visible_cases
from bianmin.core.errors import DomainError, Forbidden
from bianmin.core.timeutils import require_plausible_dates
from bianmin.notifications.services import enqueue_inapp
from bianmin.org.models import StaffProfile, UnitKind
from bianmin.org.policies import staff_profile_of

from .models import ActionItem, ActionStatus, AgendaItem, AgendaKind, Meeting, MeetingKind
from .policies import done_refusal, get_action_item_for, get_meeting_for, meeting_refusal, record_refusal
from .selectors import cadence_for, collect_agenda, default_period

if TYPE_CHECKING:
    from bianmin.users.models import User


def _refuse(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def _linked_cases(actor: User, numbers: list[str]) -> list[AgendaItem]:
    """Return agenda items (unsaved) for cases named by number; raise DomainError naming ``case_numbers`` unless
    each is in the actor's scope."""
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    found = {c.number: c for c in visible_cases(actor).filter(number__in=wanted).select_related("item_version",
                                                                                                "unit")}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise DomainError.for_field("case_numbers", f"办件{'、'.join(missing)}不存在或不在本单位范围内")
    return [AgendaItem(kind=AgendaKind.CASE, case=c, title=f"办件{c.number}（{c.item_version.name}）",
                       detail=f"{c.unit.name}，当前状态{c.get_status_display()}") for c in (found[n] for n in wanted)]


def create_meeting(*, actor: User, held_on: dt.date, chair: str, attendees: str, now: dt.datetime, place: str = "",
                   period_start: dt.date | None = None, period_end: dt.date | None = None,
                   extra_topics: list[str] | None = None, kind: str = MeetingKind.JOINT, topic: str = "",
                   case_numbers: list[str] | None = None) -> Meeting:
    """Open a meeting record of ``kind`` (联席会议 by default) with its agenda.

    联席会议 and 工作例会 collect the agenda from the period (default: the previous one at the unit kind's cadence,
    see ``org.MeetingCadence``); a 工作例会 needs its unit kind to have one set up. A 专题会议 is called by a leader
    at any time on a ``topic``, with no period; its agenda is the topics and cases given. Raises Forbidden
    (``policies.meeting_refusal``: not a leader or supervisor; a 专题会议 not called by a leader), and DomainError
    naming ``kind``, ``topic``, ``chair``, ``attendees``, ``held_on``, ``period_start``, ``period_end`` or
    ``case_numbers``.
    """
    _refuse(meeting_refusal(actor))
    if kind not in MeetingKind.values:
        raise DomainError.for_field("kind", "会议类别只能是联席会议、工作例会或专题会议")
    profile = staff_profile_of(actor)
    if profile is None:
        raise Forbidden("没有所属单位")
    topic = topic.strip()
    if kind == MeetingKind.SPECIAL:
        _refuse(meeting_refusal(actor, kind))
        if not topic:
            raise DomainError.for_field("topic", "专题会议须填写会议主题（需研究解决的重大、紧急事项）")
        if period_start is not None or period_end is not None:
            raise DomainError.for_field("period_start", "专题会议不按议题期间收集议题，请直接填写议题")
        cadence = None
    else:
        cadence = cadence_for(profile.unit, kind)
        if cadence is None:
            raise DomainError.for_field("kind", f"{UnitKind(profile.unit.kind).label}未建立工作例会制度，"
                                                "请系统管理员在“会议制度”中设置例会周期")
    require_plausible_dates("held_on", held_on)
    require_plausible_dates("period_start", period_start, period_end)
    if not chair.strip():
        raise DomainError.for_field("chair", "请填写主持人")
    if not attendees.strip():
        raise DomainError.for_field("attendees", "请填写参会人员")
    if cadence is not None and (period_start is None or period_end is None):
        period_start, period_end = default_period(held_on, cadence)
    if period_start is not None and period_end is not None and period_end < period_start:
        raise DomainError.for_field("period_end", "议题期间的结束日期不能早于开始日期")
    label = MeetingKind(kind).label
    with audited_atomic():
        linked = _linked_cases(actor, case_numbers or [])
        meeting = Meeting.objects.create(unit=profile.unit, unit_path=profile.unit.path, kind=kind,
                                         topic=topic[:255], period_start=period_start, period_end=period_end,
                                         held_on=held_on, place=place.strip()[:128], chair=chair.strip()[:64],
                                         attendees=attendees.strip(), created_by=actor, created_at=now)
        items = []
        if period_start is not None and period_end is not None:
            items = collect_agenda(actor, period_start, period_end, timezone.localtime(now).date())
        items += linked
        items += [AgendaItem(kind=AgendaKind.OTHER, title=t.strip()[:255]) for t in extra_topics or [] if t.strip()]
        for position, item in enumerate(items, start=1):
            item.meeting, item.position = meeting, position
        AgendaItem.objects.bulk_create(items)
        record(action=AuditAction.MEETING, summary=f"{label} {held_on}{f'（{topic}）' if topic else ''}："
                                                   f"议题{len(items)}项"[:500],
               actor=actor, obj=meeting, now=now, data={"kind": kind})
    return meeting


def add_decision(*, actor: User, meeting_id: int, decision: str, owner: str, due_date: dt.date, now: dt.datetime,
                 agenda_item_id: int | None = None) -> ActionItem:
    """Record a decision as an action item with an owner (by badge number) and a deadline; tell the owner.

    Raises NotFound for a meeting out of sight, Forbidden as ``policies.record_refusal``; DomainError naming
    ``decision``, ``owner`` (not in the meeting's scope), ``due_date`` (before the meeting) or ``agenda_item``.
    """
    if not decision.strip():
        raise DomainError.for_field("decision", "请填写议定事项")
    with audited_atomic():
        meeting = get_meeting_for(actor, meeting_id)
        _refuse(record_refusal(actor, meeting))
        person = StaffProfile.objects.select_related("unit", "user").filter(badge_number=owner.strip()).first()
        if person is None or not person.unit.path.startswith(meeting.unit_path):
            raise DomainError.for_field("owner", "请填写本单位范围内责任人的上岗证号")
        if due_date < meeting.held_on:
            raise DomainError.for_field("due_date", "完成时限不能早于会议日期")
        agenda = None
        if agenda_item_id:
            agenda = meeting.agenda.filter(pk=agenda_item_id).first()
            if agenda is None:
                raise DomainError.for_field("agenda_item", "议题不存在")
        action = ActionItem.objects.create(meeting=meeting, agenda_item=agenda, decision=decision.strip(),
                                           owner=person, due_date=due_date)
        enqueue_inapp(recipient=person.user, kind="MEETING_ACTION", subject=f"{meeting.get_kind_display()}议定事项",
                      text=f"{decision.strip()}（完成时限 {due_date:%Y-%m-%d}）",
                      link="/staff/meetings/actions/", cause=f"meeting:{meeting.pk}", now=now)
        record(action=AuditAction.MEETING, summary=f"{meeting.get_kind_display()}议定事项：责任人{person.name}",
               actor=actor, obj=action, now=now)
    return action


def complete_action(*, actor: User, action_id: int, note: str, now: dt.datetime) -> ActionItem:
    """Report an action item done, as its owner or a leader/supervisor in scope.

    Raises NotFound for anyone else; Conflict when already done (``policies.done_refusal``); DomainError naming
    ``note``.
    """
    if not note.strip():
        raise DomainError.for_field("note", "请填写完成情况")
    with audited_atomic():
        action = get_action_item_for(actor, action_id, for_update=True)
        _refuse(done_refusal(actor, action))
        action.status, action.done_at, action.done_by, action.done_note = (ActionStatus.DONE, now, actor,
                                                                           note.strip())
        action.save(update_fields=["status", "done_at", "done_by", "done_note"])
        record(action=AuditAction.MEETING, summary=f"{action.meeting.get_kind_display()}议定事项完成", actor=actor,
               obj=action, now=now)
    return action


def save_minutes(*, actor: User, meeting_id: int, minutes: str, now: dt.datetime) -> Meeting:
    """Replace the meeting's minutes. Raises NotFound for a meeting out of sight, Forbidden as
    ``policies.record_refusal``."""
    with audited_atomic():
        meeting = get_meeting_for(actor, meeting_id)
        _refuse(record_refusal(actor, meeting))
        meeting.minutes = minutes.strip()
        meeting.save(update_fields=["minutes"])
        record(action=AuditAction.MEETING, summary="修改会议纪要", actor=actor, obj=meeting, now=now)
    return meeting

