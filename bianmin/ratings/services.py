"""The writers of ratings (decision 0024): one rating per service instance, the 差评 follow-up opened in the same
transaction, and the 追评 after a handled 差评. Every function takes ``now``, runs in one transaction and writes its
audit row."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from bianmin.accountability.models import ViolationKind
from bianmin.accountability.services import record_violation
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.errors import Conflict, DomainError, FieldErrors, Forbidden
from bianmin.notifications.services import enqueue_inapp
from bianmin.org.policies import staff_profile_of
from bianmin.org.selectors import hospital_department
from bianmin.workdays.selectors import get_calendar

from .models import (
    BAD_LEVELS,
    AppealReason,
    AppealStatus,
    BadRatingFollowUp,
    Channel,
    FollowUpStatus,
    Level,
    Rating,
    RatingAppeal,
    Subject,
)
from .policies import (
    appeal_refusal,
    case_rating_refusal,
    confirm_refusal,
    decide_appeal_refusal,
    get_rating_for,
    inquiry_rating_refusal,
    rate_again_refusal,
    rectify_refusal,
    relay_rating_refusal,
    reveal_refusal,
    tell_refusal,
    visit_refusal,
)

if TYPE_CHECKING:
    from bianmin.org.models import StaffProfile, Unit, Window
    from bianmin.users.types import User

MAX_COMMENT = 500


def rated_instance(subject: str, instance: Any) -> dict[str, Any]:
    """Return the rating's subject columns, the staff member who served and the unit for ``instance`` (a Case, an
    Inquiry or a RelayRequest): the case's first handler (or its receiver), the inquiry's first responder, the
    relay's agent. Raises Conflict when the instance may not be rated yet."""
    if subject == Subject.CASE:
        why = case_rating_refusal(instance)
        staff = instance.first_handler or instance.received_by
        unit = instance.unit
    elif subject == Subject.INQUIRY:
        why = inquiry_rating_refusal(instance)
        staff, unit = instance.first_responder, instance.unit
    elif subject == Subject.RELAY:
        why = relay_rating_refusal(instance)
        staff, unit = instance.agent, instance.origin_unit
    else:
        raise DomainError.for_field("subject", "评价对象应为办件、首问咨询或代办件")
    if why is not None:
        raise Conflict(why, code="not_rateable")
    return {"subject": subject, subject.lower(): instance, "staff": staff, "unit": unit, "unit_path": unit.path}


def _clean(level: object, comment: str, errors: FieldErrors) -> tuple[int, str]:
    try:
        value = int(str(level))
    except ValueError:
        value = 0
    if value not in Level.values:
        errors.add("level", "请选择评价等级：非常满意、满意、基本满意、不满意或非常不满意")
    text = errors.text("comment", comment, MAX_COMMENT, "评价内容")
    return value, text


def rated_department(unit: Unit, department: object) -> Unit | None:
    """Return the 科室 ``department`` (a Unit, its code or id; empty: None) a rating of ``unit`` concerns: only a
    hospital desk's rating names one, and only one of that desk's active 科室.

    Raises DomainError naming ``department``: "只有医院便民服务中心的评价和投诉可以选择科室", or
    "所选科室不属于该医院"."""
    return hospital_department(unit if unit.is_hospital_desk else None, department)


def record_rating(*, subject: str, instance: Any, level: object, comment: str = "", channel: str,
                  now: dt.datetime, staff: StaffProfile | None = None, window: Window | None = None,
                  evaluator_name: str = "", evaluator_phone: str = "", department: object = None) -> Rating:
    """Record the one rating of a service instance (现场一次一评, 网上一事一评). ``staff`` overrides who served (the
    clerk on duty at a pad). A real-name 差评 (an evaluator known by name or phone) opens its follow-up: 回访 within
    ``RATING_VISIT_WORKING_DAYS``, 整改 within ``RATING_RECTIFY_WORKING_DAYS`` working days. ``department``: the
    科室 a patient's or family's rating of a hospital desk concerns (``rated_department``).

    Raises DomainError naming ``level``, ``comment`` or ``department``; Conflict ``not_rateable`` before the service
    ended, Conflict ``already_rated`` for a second rating of the same instance (a 追评 goes through
    ``rate_again``). Nothing is written when anything is refused."""
    errors = FieldErrors()
    value, text = _clean(level, comment, errors)
    if channel not in Channel.values:
        errors.add("channel", "评价渠道无效")
    errors.raise_if_any()
    columns = rated_instance(subject, instance)
    columns["department"] = rated_department(columns["unit"], department)
    if staff is not None:
        columns["staff"] = staff
    try:
        with audited_atomic():
            rating = Rating.objects.create(
                **columns, window=window, level=value, comment=text, channel=channel, rated_at=now,
                real_name=bool(evaluator_name or evaluator_phone), evaluator_name=evaluator_name,
                evaluator_phone=evaluator_phone)
            if rating.real_name and value in BAD_LEVELS:
                open_follow_up(rating, now=now)
            record(action=AuditAction.CASE_CHANGE, summary=f"{Subject(subject).label}评价：{Level(value).label}"
                                                           f"（{Channel(channel).label}）", actor_username="citizen",
                   obj=rating, now=now, data={"subject": subject, "level": value, "channel": channel,
                                              "department": rating.department_id})
    except IntegrityError:
        raise Conflict("该次服务已经评价过（一次一评）", code="already_rated") from None
    return rating


def _unit_calendar_day(unit: Unit, now: dt.datetime, days: int) -> dt.date:
    calendar = get_calendar(unit.region)
    return calendar.add_workdays(timezone.localtime(now).date(), days).date


def open_follow_up(rating: Rating, *, now: dt.datetime) -> BadRatingFollowUp:
    """Open the follow-up of a real-name 差评 (call inside the rating's transaction). Refuses nothing."""
    limits = settings.BIANMIN
    return BadRatingFollowUp.objects.create(
        rating=rating, status=FollowUpStatus.VISIT, opened_at=now,
        visit_due_on=_unit_calendar_day(rating.unit, now, int(limits["RATING_VISIT_WORKING_DAYS"])),
        rectify_due_on=_unit_calendar_day(rating.unit, now, int(limits["RATING_RECTIFY_WORKING_DAYS"])))


# --- The 差评 follow-up, 追评, appeals, confirmation, the evaluator's identity (issue 17 item 2) ---------------------
MAX_NOTE = 2000
MAX_REASON = 255


def _refuse(why: str | None) -> None:
    """Raise the refusal of a policy: Forbidden when it is about who acts ("只有…", "…不能…"), else Conflict."""
    if why is not None:
        raise (Forbidden if why.startswith("只有") or "本人" in why else Conflict)(why)


def _required(field: str, value: str, limit: int, label: str) -> str:
    errors = FieldErrors()
    text = errors.text(field, value, limit, label)
    if not text and field not in errors.fields:
        errors.add(field, f"请填写{label}")
    errors.raise_if_any()
    return text


def _locked_follow_up(actor: User, rating_id: int) -> tuple[Rating, BadRatingFollowUp | None]:
    rating = get_rating_for(actor, rating_id, for_update=True)
    follow_up = BadRatingFollowUp.objects.select_for_update().filter(rating=rating).first()
    if follow_up is not None:
        rating.follow_up = follow_up  # the policies read the locked row
    return rating, follow_up


def _label(rating: Rating) -> str:
    instance = rating.case or rating.inquiry or rating.relay
    return f"{rating.get_subject_display()}{getattr(instance, 'number', '')}的{rating.get_level_display()}评价"


def record_visit(*, actor: User, rating_id: int, note: str, now: dt.datetime) -> BadRatingFollowUp:
    """Record the 回访 of a real-name 差评 (due within ``RATING_VISIT_WORKING_DAYS``): what the citizen said; the
    follow-up moves on to 整改. A visit after its due date is marked for the sweep to record (``warning_level``
    LATE) unless it already has.

    Raises DomainError naming ``note``; NotFound for a rating out of sight; Forbidden unless the actor is a leader or
    supervisor of the rated unit (not the rated staff); Conflict without a follow-up or once visited."""
    text = _required("note", note, MAX_NOTE, "回访情况")
    with audited_atomic():
        rating, follow_up = _locked_follow_up(actor, rating_id)
        _refuse(visit_refusal(actor, rating))
        assert follow_up is not None
        follow_up.status, follow_up.visited_at, follow_up.visit_note = FollowUpStatus.RECTIFY, now, text
        follow_up.visited_by = staff_profile_of(actor)
        late = timezone.localtime(now).date() > follow_up.visit_due_on and not follow_up.visit_late
        follow_up.warning_level = "LATE" if late else ""
        follow_up.save(update_fields=["status", "visited_at", "visit_note", "visited_by", "warning_level"])
        record(action=AuditAction.CASE_CHANGE, summary=f"差评回访：{_label(rating)}", actor=actor, obj=follow_up,
               now=now, data={"rating": rating.pk, "late": late})
    return follow_up


def record_rectification(*, actor: User, rating_id: int, rectification: str, now: dt.datetime) -> BadRatingFollowUp:
    """Record the 整改情况 of a visited 差评 (due within ``RATING_RECTIFY_WORKING_DAYS``), once. A rectification after
    its due date is marked for the sweep to record unless it already has.

    Raises DomainError naming ``rectification``; NotFound for a rating out of sight; Forbidden unless the actor is a
    leader or supervisor of the rated unit; Conflict before the 回访 or once recorded."""
    text = _required("rectification", rectification, MAX_NOTE, "整改情况")
    with audited_atomic():
        rating, follow_up = _locked_follow_up(actor, rating_id)
        _refuse(rectify_refusal(actor, rating))
        assert follow_up is not None
        follow_up.rectified_at, follow_up.rectification = now, text
        late = timezone.localtime(now).date() > follow_up.rectify_due_on and not follow_up.rectify_late
        if late:
            follow_up.warning_level = "LATE"
        follow_up.save(update_fields=["rectified_at", "rectification", "warning_level"])
        record(action=AuditAction.CASE_CHANGE, summary=f"差评整改：{_label(rating)}", actor=actor, obj=follow_up,
               now=now, data={"rating": rating.pk, "late": late})
    return follow_up


def tell_result(*, actor: User, rating_id: int, note: str, now: dt.datetime) -> BadRatingFollowUp:
    """Record that the result of the 整改 was told to the citizen (反馈); the citizen may now give one 追评.

    Raises DomainError naming ``note``; NotFound for a rating out of sight; Forbidden unless the actor is a leader or
    supervisor of the rated unit; Conflict before the 整改 is recorded or once told."""
    text = _required("note", note, MAX_NOTE, "反馈内容")
    with audited_atomic():
        rating, follow_up = _locked_follow_up(actor, rating_id)
        _refuse(tell_refusal(actor, rating))
        assert follow_up is not None
        follow_up.status, follow_up.told_at, follow_up.told_note = FollowUpStatus.TOLD, now, text
        follow_up.save(update_fields=["status", "told_at", "told_note"])
        record(action=AuditAction.CASE_CHANGE, summary=f"差评整改结果已反馈评价人：{_label(rating)}", actor=actor,
               obj=follow_up, now=now, data={"rating": rating.pk})
    return follow_up


def rate_again(*, parent: Rating, level: object, comment: str = "", channel: str, now: dt.datetime,
               department: object = None) -> Rating:
    """Record the one 追评 of a handled 差评 (its follow-up TOLD): a child rating of the same service instance, staff
    and evaluator (and 科室: the original's, unless ``department`` names another of the desk's); the follow-up is
    closed. The channel rules of a rating hold (a 追评 is never a default one).

    Raises DomainError naming ``level``, ``comment``, ``channel`` or ``department``; Conflict
    ``not_rateable_again`` before the result was told, for a rating without a follow-up, and for a second 追评."""
    errors = FieldErrors()
    value, text = _clean(level, comment, errors)
    if channel not in Channel.values or channel == Channel.DEFAULT:
        errors.add("channel", "评价渠道无效")
    errors.raise_if_any()
    department_id = parent.department_id
    if department not in (None, ""):
        chosen = rated_department(parent.unit, department)
        department_id = chosen.pk if chosen is not None else department_id
    try:
        with audited_atomic():
            locked = Rating.objects.select_for_update().get(pk=parent.pk)
            follow_up = BadRatingFollowUp.objects.select_for_update().filter(rating=locked).first()
            if follow_up is not None:
                locked.follow_up = follow_up
            if (why := rate_again_refusal(locked)) is not None:
                raise Conflict(why, code="not_rateable_again")
            assert follow_up is not None
            child = Rating.objects.create(
                subject=locked.subject, case_id=locked.case_id, inquiry_id=locked.inquiry_id, relay_id=locked.relay_id,
                staff_id=locked.staff_id, unit_id=locked.unit_id, unit_path=locked.unit_path,
                window_id=locked.window_id, department_id=department_id, level=value, comment=text,
                channel=channel, rated_at=now,
                real_name=locked.real_name, evaluator_name=locked.evaluator_name,
                evaluator_phone=locked.evaluator_phone, parent=locked)
            follow_up.status = FollowUpStatus.CLOSED
            follow_up.save(update_fields=["status"])
            record(action=AuditAction.CASE_CHANGE, summary=f"追评：{Level(value).label}（{Channel(channel).label}）",
                   actor_username="citizen", obj=child, now=now, data={"parent": locked.pk, "level": value})
    except IntegrityError:
        raise Conflict("已经追评过（只能追评一次）", code="not_rateable_again") from None
    return child


def appeal_rating(*, actor: User, rating_id: int, reason_kind: str, reason: str, now: dt.datetime) -> RatingAppeal:
    """The rated staff member appeals a 差评 as mistaken (误评) or malicious (恶意评价), with a reason; a supervisor
    decides. One appeal may be pending at a time.

    Raises DomainError naming ``reason_kind`` or ``reason``; NotFound for a rating out of sight; Forbidden unless the
    actor is the rated staff member; Conflict for a rating that is not a 差评, already excluded, or with an appeal
    pending."""
    errors = FieldErrors()
    if reason_kind not in AppealReason.values:
        errors.add("reason_kind", "申诉理由应为误评（MISTAKEN）或恶意评价（MALICIOUS）")
    text = errors.text("reason", reason, MAX_NOTE, "申诉说明")
    if not text and "reason" not in errors.fields:
        errors.add("reason", "请写明申诉说明")
    errors.raise_if_any()
    by = staff_profile_of(actor)
    try:
        with audited_atomic():
            rating = get_rating_for(actor, rating_id, for_update=True)
            _refuse(appeal_refusal(actor, rating))
            assert by is not None
            appeal = RatingAppeal.objects.create(rating=rating, reason_kind=reason_kind, reason=text, by=by, at=now)
            record(action=AuditAction.ACCOUNTABILITY, summary=f"评价申诉（{appeal.get_reason_kind_display()}）："
                   f"{_label(rating)}", actor=actor, obj=appeal, now=now, data={"rating": rating.pk})
    except IntegrityError:
        raise Conflict("已有待审核的申诉") from None
    return appeal


def decide_appeal(*, actor: User, rating_id: int, uphold: bool, note: str, now: dt.datetime) -> RatingAppeal:
    """A supervisor decides the pending appeal of a rating: upheld, the rating no longer counts in the indicators
    (``excluded``, the reason kept); rejected, it stands. The note is required either way.

    Raises DomainError naming ``note``; NotFound for a rating out of sight; Forbidden unless the actor is a
    supervisor of the scope; Conflict without a pending appeal."""
    text = _required("note", note, MAX_REASON, "审核意见")
    with audited_atomic():
        rating = get_rating_for(actor, rating_id, for_update=True)
        _refuse(decide_appeal_refusal(actor, rating))
        appeal = RatingAppeal.objects.select_for_update().get(rating=rating, status=AppealStatus.PENDING)
        appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.REJECTED
        appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, now, text
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if uphold:
            rating.excluded = True
            rating.excluded_reason = f"{appeal.get_reason_kind_display()}：{text}"[:MAX_REASON]
            rating.save(update_fields=["excluded", "excluded_reason"])
        enqueue_inapp(recipient=rating.staff.user, kind="RATING", subject="评价申诉审核结果",
                      text=f"您对{_label(rating)}的申诉：{appeal.get_status_display()}。{text}",
                      link=f"/staff/ratings/{rating.pk}/", cause=f"rating_appeal:{appeal.pk}", now=now)
        record(action=AuditAction.ACCOUNTABILITY, summary=f"评价申诉审核：{appeal.get_status_display()}",
               actor=actor, obj=appeal, now=now, data={"rating": rating.pk, "upheld": uphold})
    return appeal


def confirm_bad_rating(*, actor: User, rating_id: int, description: str, now: dt.datetime) -> BadRatingFollowUp:
    """A supervisor confirms a real-name 差评 after investigation (差评查实): a BAD_RATING accountability record of the
    rated staff member, through ``accountability.services.record_violation`` (its rules, notice and audit row), in
    the same transaction; once.

    Raises DomainError naming ``description``; NotFound for a rating out of sight; Forbidden unless the actor is a
    supervisor of the scope; Conflict for a rating without a follow-up, an excluded one, one with an appeal pending,
    or one already confirmed."""
    text = _required("description", description, MAX_NOTE, "查实情况")
    with audited_atomic():
        rating, follow_up = _locked_follow_up(actor, rating_id)
        _refuse(confirm_refusal(actor, rating))
        assert follow_up is not None
        violation = record_violation(
            actor=actor, staff=rating.staff_id, kind=ViolationKind.BAD_RATING,
            occurred_on=timezone.localtime(rating.rated_at).date(), description=f"{_label(rating)}经调查查实：{text}",
            now=now, case_number=rating.case.number if rating.case else "",
            evidence=[{"label": f"评价 {rating.pk}", "url": f"/staff/ratings/{rating.pk}/"}])
        follow_up.confirmed_at, follow_up.confirmed_by = now, actor
        follow_up.save(update_fields=["confirmed_at", "confirmed_by"])
        record(action=AuditAction.ACCOUNTABILITY, summary=f"差评查实：{_label(rating)}", actor=actor, obj=follow_up,
               now=now, data={"rating": rating.pk, "violation": violation.pk})
    return follow_up


@dataclass(frozen=True)
class Evaluator:
    """Who rated: shown to a supervisor once per audited request."""

    name: str
    phone: str


def reveal_evaluator(*, actor: User, rating_id: int, reason: str, now: dt.datetime) -> Evaluator:
    """Return the evaluator's name and phone of a real-name rating to a supervisor, with the reason written in an
    audit row in the same transaction (SECURITY.md).

    Raises DomainError naming ``reason`` (under two characters); NotFound for a rating out of sight; Forbidden for
    anyone but a supervisor of the scope; Conflict for an anonymous rating."""
    text = (reason or "").strip()
    if len(text) < 2 or len(text) > MAX_REASON:
        raise DomainError.for_field("reason", "请写明查看评价人的理由（2至255个字）")
    with audited_atomic():
        rating = get_rating_for(actor, rating_id)
        _refuse(reveal_refusal(actor, rating))
        record(action=AuditAction.PERSONAL_DATA_VIEW, summary=f"查看评价人：{_label(rating)}", actor=actor,
               obj=rating, now=now, data={"reason": text})
    return Evaluator(name=str(rating.evaluator_name or ""), phone=str(rating.evaluator_phone or ""))
