"""预约办结, 预约联动 and 组团服务 (decision 0025 §6): who may see and do what, the writers and the reads.

- 预约办结: on a running case (已受理 or 办理中) the first handler's side or the clerk who received it promises a
  completion date — a working day from today up to the case's committed deadline — with the reason. One per case,
  ever (the model's one-to-one): a promise is not moved; it is settled by the sweep (``hall.sweep``) as kept or late,
  and a missed promise is a COMPLETION_APPOINTMENT_LATE violation of the handler.
- 预约联动: the staff of a center (window staff or leaders) gather two or more departments stationed at the center
  (a window of theirs) or in its county for one applicant at one time on a working day; each department's staff
  confirm; the center closes it (held, with who came) or cancels it. Only the center's side (its scope) and the
  gathered departments' staff see it; anyone else is told it does not exist.
- 组团服务: a leader schedules a team (two or more active staff of the unit or below) to visit a village or community
  of the unit's area; it is published on the center's board (``published_outreach``); cases received on site by a
  team member that day are recorded with the place.

Every writer takes ``now``, runs in one transaction and writes its audit row; refusals name the field.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.cases.actions import case_context
from bianmin.cases.models import Case
from bianmin.cases.policies import get_case_for, may_work_on
from bianmin.cases.services import mark_completion_promised
from bianmin.cases.workflow import RUNNING
from bianmin.core.counters import next_value
from bianmin.core.errors import Conflict, DomainError, FieldErrors, Forbidden, NotFound
from bianmin.core.prepared import Arg, Prepared
from bianmin.core.timeutils import EARLIEST_DATE, LATEST_DATE
from bianmin.core.validators import validate_mobile
from bianmin.notifications.services import enqueue_inapp_many, enqueue_sms
from bianmin.org.models import Region, RegionLevel, StaffProfile, Unit, UnitKind, Window
from bianmin.org.policies import scope_path, staff_profile_of
from bianmin.workdays.engine import CalendarRangeError
from bianmin.workdays.selectors import get_calendar

from .models import (
    CompletionAppointment,
    JointAppointment,
    JointDepartment,
    JointStatus,
    NumberCounter,
    OutreachIntake,
    OutreachStatus,
    OutreachVisit,
)

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser, User

CENTER_KINDS = (UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER)
JOINT_PLANNERS = (Perm.HANDLE_CASES, Perm.APPROVE)  # the center's window staff and leaders
JOINT_READERS = (Perm.HANDLE_CASES, Perm.APPROVE, Perm.SUPERVISE)
OUTREACH_READERS = (Perm.HANDLE_CASES, Perm.APPROVE, Perm.SUPERVISE, Perm.RELAY_CASES)


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _any(user: AnyUser, perms: Iterable[Perm]) -> bool:
    return any(can(user, p) for p in perms)


def _in_scope(user: AnyUser, path: str) -> bool:
    scope = scope_path(user)
    return scope is not None and path.startswith(scope)


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _moment(errors: FieldErrors, field: str, value: dt.datetime | None, label: str) -> dt.datetime | None:
    """Return ``value`` made aware (naive: Beijing time), or None with the field's error when it is missing or
    outside the dates the system deals with (so no date arithmetic overflows)."""
    if value is None:
        errors.add(field, f"请填写{label}")
        return None
    if not EARLIEST_DATE < value.date() < LATEST_DATE:
        errors.add(field, f"{label}应在 {EARLIEST_DATE} 至 {LATEST_DATE} 之间")
        return None
    return _aware(value)


# --- 预约办结 -------------------------------------------------------------------------------------------------------


def due_date_of(case: Case) -> dt.date | None:
    """The date a promise may not pass: the committed deadline the case page shows (else the legal one)."""
    return case.committed_deadline or case.legal_deadline


# The case page reads it on every view: a prepared read (bianmin/core/prepared.py).
_COMPLETION = Prepared(CompletionAppointment, lambda: CompletionAppointment.objects.filter(case_id=Arg("case"))
                       .select_related("given_by").order_by("pk")[:1])


def completion_of(case: Case) -> CompletionAppointment | None:
    """Return the case's completion appointment, or None (without a query for a case never given one: the case
    says so, ``Case.completion_promised``)."""
    if not case.completion_promised:
        return None
    found = _COMPLETION.objects(case=case.pk)
    return found[0] if found else None


def completion_refusal(user: AnyUser, case: Case, acting_ids: set[int] | None = None, *,
                       given: bool | None = None) -> DomainError | None:
    """Return why ``user`` may not give ``case`` a completion appointment now, or None: a running case (已受理 or
    办理中) with a due date and no appointment yet, by the first handler's side (``cases.policies.may_work_on``)
    or the window clerk who received it, holding HANDLE_CASES. ``given``: whether the case has an appointment, when
    the caller has read it already."""
    if not can(user, Perm.HANDLE_CASES):
        return Forbidden("只有窗口工作人员可以预约办结")
    if case.status not in RUNNING:
        return Conflict("只有已受理、尚未办结的办件可以预约办结", code="not_running")
    if due_date_of(case) is None:
        return Conflict("该办件没有承诺办结日期，不能预约办结", code="no_deadline")
    profile = staff_profile_of(user)
    received_it = profile is not None and profile.pk == case.received_by_id
    if not (received_it or may_work_on(user, case, acting_ids)):
        return Forbidden("只有首办负责人（或其B角）或收件的窗口工作人员可以预约办结")
    if given is None:
        given = CompletionAppointment.objects.filter(case_id=case.pk).exists()
    if given:
        return Conflict("该办件已经预约办结：每个办件只能预约一次，约定日期不能更改", code="already_promised")
    return None


def give_completion_appointment(*, actor: User, case_number: str, promised_on: dt.date | None, reason: str,
                                now: dt.datetime) -> CompletionAppointment:
    """预约办结: promise the applicant of a running case that it will be finished by ``promised_on``, with the reason
    it cannot finish today; the applicant is told by SMS (the date and the reason, nothing of their identity).

    Raises NotFound for a case missing or out of sight; Forbidden / Conflict as ``completion_refusal``; DomainError
    naming ``promised_on`` (missing, before today, not a working day of the receiving unit's calendar, after the
    committed deadline) or ``reason`` (empty, longer than 255)."""
    errors = FieldErrors()
    text = errors.text("reason", reason, 255, "不能即日办结的原因")
    if not text and "reason" not in errors.fields:
        errors.add("reason", "请写明不能即日办结的原因")
    today = _local_date(now)
    with audited_atomic():
        case = get_case_for(actor, case_number, for_update=True)
        if (refusal := completion_refusal(actor, case, case_context(case, today).acting_ids)) is not None:
            raise refusal
        due = due_date_of(case)
        if promised_on is None:
            errors.add("promised_on", "请填写约定办结日期")
        elif promised_on < today:
            errors.add("promised_on", "约定办结日期不能早于今天")
        elif due is not None and promised_on > due:
            errors.add("promised_on", f"约定办结日期不能晚于承诺办结日期（{due:%Y-%m-%d}）")
        else:
            try:
                workday = get_calendar(case.unit.region).is_workday(promised_on)
            except CalendarRangeError:
                workday = False
            if not workday:
                errors.add("promised_on", f"约定办结日期应为工作日（{promised_on:%Y-%m-%d}不是工作日）")
        errors.raise_if_any()
        assert promised_on is not None
        try:
            with transaction.atomic():  # a savepoint: a concurrent promise is told as a conflict
                appointment = CompletionAppointment.objects.create(
                    case=case, promised_on=promised_on, reason=text, given_by=actor, given_at=now)
        except IntegrityError:
            raise Conflict("该办件已经预约办结：每个办件只能预约一次，约定日期不能更改",
                           code="already_promised") from None
        mark_completion_promised(case)  # what the case page asks before reading the appointment (decision 0038)
        enqueue_sms(phone=case.applicant_phone, kind="CASE_COMPLETION_APPOINTMENT",
                    text=f"您申请的“{case.item_version.name}”（办件编号{case.number}）因{text}不能即日办结，"
                         f"已为您预约于{_cn_date(promised_on)}前办结，届时请留意办理结果通知。",
                    cause=f"case:{case.number}", now=now)
        record(action=AuditAction.CASE_CHANGE, summary=f"预约办结：办件{case.number}约定于{promised_on:%Y-%m-%d}办结",
               actor=actor, obj=appointment, now=now,
               data={"case": case.number, "promised_on": promised_on.isoformat(), "reason": text})
    return appointment


# --- 预约联动 -------------------------------------------------------------------------------------------------------


def _county_path(region: Region) -> str:
    """Return the path of the county ``region`` lies in (its root when no county is above it)."""
    parts = [p for p in region.path.split("/") if p]
    prefixes = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    county = (Region.objects.filter(path__in=prefixes, level=RegionLevel.COUNTY).order_by("path")
              .values_list("path", flat=True).first())
    return county or (prefixes[0] if prefixes else region.path)


def eligible_departments(center: Unit) -> QuerySet[Unit]:
    """Return the departments a center may gather: active DEPARTMENT units stationed at one of its windows or in its
    county."""
    stationed = Window.objects.filter(unit=center, is_active=True, department__isnull=False).values("department_id")
    return (Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True)
            .filter(Q(pk__in=stationed) | Q(region__path__startswith=_county_path(center.region))).order_by("path"))


def planning_centers(user: AnyUser) -> QuerySet[Unit]:
    """Return the centers the user may plan joint appointments for: active centers of their scope (window staff
    and leaders)."""
    path = scope_path(user)
    if path is None or not _any(user, JOINT_PLANNERS):
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=path, kind__in=CENTER_KINDS, is_active=True).order_by("path")


def visible_joints(user: AnyUser) -> QuerySet[JointAppointment]:
    """Return the joint appointments the user may see: those of centers in their scope and those gathering a
    department in their scope (its staff); none without a unit or a reading role."""
    path = scope_path(user)
    if path is None or not _any(user, JOINT_READERS):
        return JointAppointment.objects.none()
    gathered = JointDepartment.objects.filter(joint=OuterRef("pk"), department__path__startswith=path)
    return JointAppointment.objects.filter(Q(unit__path__startswith=path) | Exists(gathered))


def get_joint_for(user: AnyUser, joint_id: int, *, for_update: bool = False) -> JointAppointment:
    """Return the joint appointment ``joint_id`` if the user may see it.

    Raises NotFound for a missing one and for one out of sight alike."""
    qs = visible_joints(user).select_related("unit__region", "created_by")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    joint = qs.filter(pk=joint_id).first()
    if joint is None:
        raise NotFound("预约联动不存在")
    return joint


def joint_manage_refusal(user: AnyUser, joint: JointAppointment) -> DomainError | None:
    """Return why the user may not close or cancel ``joint``, or None: the center's side (window staff or leaders
    of its scope), while it is planned."""
    if not _any(user, JOINT_PLANNERS) or not _in_scope(user, joint.unit.path):
        return Forbidden("只有组织联动的中心工作人员可以办结或取消预约联动")
    if joint.status != JointStatus.PLANNED:
        return Conflict(f"该预约联动已{joint.get_status_display()}", code="not_planned")
    return None


def _own_department(user: AnyUser, joint: JointAppointment) -> JointDepartment | None:
    profile = staff_profile_of(user)
    if profile is None:
        return None
    return joint.departments.filter(department_id=profile.unit_id).first()


def joint_confirm_refusal(user: AnyUser, joint: JointAppointment) -> DomainError | None:
    """Return why the user may not confirm ``joint`` for their department, or None: a staff member of a gathered
    department, once per department, while it is planned."""
    row = _own_department(user, joint)
    if row is None or not can(user, Perm.USE_WORKBENCH):
        return Forbidden("只有参加联动的部门工作人员可以确认")
    if joint.status != JointStatus.PLANNED:
        return Conflict(f"该预约联动已{joint.get_status_display()}", code="not_planned")
    if row.confirmed_at is not None:
        return Conflict("本部门已确认参加", code="already_confirmed")
    return None


def _joint_number(center: Unit, now: dt.datetime) -> str:
    """LD + the center's code + date + 4 digits, counted per center and day (unique, since unit codes are)."""
    day = _local_date(now)
    return f"LD{center.code}{day:%Y%m%d}{next_value(NumberCounter, prefix='LD', unit=center, day=day):04d}"


def _future_workday(errors: FieldErrors, field: str, value: dt.datetime | None, region: Region | None,
                    now: dt.datetime, label: str, *, workday: bool) -> dt.datetime | None:
    value = _moment(errors, field, value, label)
    if value is None:
        return None
    if value <= now:
        errors.add(field, f"{label}应在现在之后")
        return value
    if workday:
        try:
            ok = get_calendar(region).is_workday(_local_date(value))
        except CalendarRangeError:
            ok = False
        if not ok:
            errors.add(field, f"{label}应为工作日（{_local_date(value):%Y-%m-%d}不是工作日）")
    return value


def _staff_users(unit_ids: Iterable[int]) -> list[int]:
    return list(StaffProfile.objects.filter(unit_id__in=list(unit_ids), is_active=True, user__is_active=True)
                .values_list("user_id", flat=True))


def plan_joint(*, actor: User, unit_id: int, department_ids: list[int], starts_at: dt.datetime | None, place: str,
               matter: str, name: str, phone: str, now: dt.datetime) -> JointAppointment:
    """预约联动: the center ``unit_id`` gathers ``department_ids`` at ``starts_at`` in ``place`` for one applicant.
    Each department's staff get an in-app message; the applicant an SMS with the number, time and place.

    Raises Forbidden unless the actor is window staff or a leader; DomainError naming ``unit_id`` (not a center of
    the actor's scope), ``department_ids`` (fewer than two, or one not stationed at the center nor in its county),
    ``starts_at`` (missing, past, not a working day), ``place``, ``matter``, ``name`` (empty or too long) or
    ``phone`` (not a mobile number)."""
    if not _any(actor, JOINT_PLANNERS):
        raise Forbidden("只有中心窗口工作人员或领导可以安排预约联动")
    errors = FieldErrors()
    center = planning_centers(actor).select_related("region").filter(pk=unit_id).first()
    if center is None:
        errors.add("unit_id", "请选择您所在范围内的政务服务中心或便民服务中心")
    ids = sorted({int(i) for i in department_ids or []})
    if len(ids) < 2:
        errors.add("department_ids", "预约联动至少需要两个部门")
    elif center is not None:
        found = set(eligible_departments(center).filter(pk__in=ids).values_list("pk", flat=True))
        if missing := [i for i in ids if i not in found]:
            errors.add("department_ids", f"部门（{'、'.join(map(str, missing))}）未进驻本中心，也不在本县范围内")
    when = _future_workday(errors, "starts_at", starts_at, center.region if center else None, now, "集中办理时间",
                           workday=center is not None)
    place_text = errors.text("place", place, 128, "地点")
    matter_text = errors.text("matter", matter, 255, "办理事项")
    name_text = errors.text("name", name, 64, "申请人")
    for field, value, label in (("place", place_text, "地点"), ("matter", matter_text, "办理事项"),
                                ("name", name_text, "申请人姓名")):
        if not value and field not in errors.fields:
            errors.add(field, f"请填写{label}")
    mobile = errors.check("phone", validate_mobile, phone or "")
    errors.raise_if_any()
    assert center is not None and when is not None
    with audited_atomic():
        joint = JointAppointment.objects.create(
            number=_joint_number(center, now), unit=center, starts_at=when, place=place_text, matter=matter_text,
            name=name_text, phone=mobile, created_by=actor, created_at=now)
        JointDepartment.objects.bulk_create([JointDepartment(joint=joint, department_id=i) for i in ids])
        local = timezone.localtime(when)
        enqueue_inapp_many([(uid, "JOINT_APPOINTMENT", f"预约联动 {joint.number}",
                             f"{center.name}安排于{local:%Y-%m-%d %H:%M}在{place_text}集中办理：{matter_text}"
                             f"（申请人{name_text}）。请确认本部门参加。", f"/staff/hall/joint/{joint.pk}/",
                             f"joint:{joint.number}") for uid in _staff_users(ids)], now=now)
        enqueue_sms(phone=mobile, kind="JOINT_APPOINTMENT",
                    text=f"您的预约联动（编号{joint.number}）已安排：{local:%Y年%m月%d日 %H:%M}在{place_text}，"
                         f"{center.name}将组织相关部门集中为您办理“{matter_text}”，请携带相关材料按时到场。",
                    cause=f"joint:{joint.number}", now=now)
        record(action=AuditAction.CASE_CHANGE, summary=f"预约联动：安排{joint.number}（{len(ids)}个部门）",
               actor=actor, obj=joint, now=now,
               data={"number": joint.number, "unit": center.code, "departments": ids,
                     "starts_at": when.isoformat(), "place": place_text})
    return joint


def confirm_joint(*, actor: User, joint_id: int, now: dt.datetime) -> JointAppointment:
    """Confirm that the actor's department takes part in the joint appointment.

    Raises NotFound for one missing or out of sight; Forbidden unless the actor works in a gathered department;
    Conflict when it is no longer planned or the department already confirmed."""
    with audited_atomic():
        joint = get_joint_for(actor, joint_id, for_update=True)
        if (refusal := joint_confirm_refusal(actor, joint)) is not None:
            raise refusal
        row = _own_department(actor, joint)
        assert row is not None
        row.confirmed_at, row.confirmed_by = now, actor
        row.save(update_fields=["confirmed_at", "confirmed_by"])
        record(action=AuditAction.CASE_CHANGE, summary=f"预约联动：{row.department.name}确认参加{joint.number}",
               actor=actor, obj=joint, now=now, data={"department": row.department_id})
    return joint


def close_joint(*, actor: User, joint_id: int, held: bool, note: str, attended_department_ids: list[int],
                now: dt.datetime) -> JointAppointment:
    """Close a joint appointment after its time: held (已办理, with the departments that came) or not held (the
    applicant or the departments did not come: 已取消, with the note saying why).

    Raises NotFound for one missing or out of sight; Forbidden / Conflict as ``joint_manage_refusal``; Conflict
    ``not_yet`` before its time; DomainError naming ``attended_department_ids`` (a department not gathered, or none
    when held) or ``note`` (empty when not held, longer than 255)."""
    errors = FieldErrors()
    text = errors.text("note", note, 255, "办理结果")
    if not held and not text and "note" not in errors.fields:
        errors.add("note", "未能办理的，请写明原因")
    with audited_atomic():
        joint = get_joint_for(actor, joint_id, for_update=True)
        if (refusal := joint_manage_refusal(actor, joint)) is not None:
            raise refusal
        if now < joint.starts_at:
            raise Conflict("集中办理时间未到，不能办结；不再办理的请取消", code="not_yet")
        rows = list(joint.departments.select_related("department"))
        gathered = {r.department_id for r in rows}
        came = {int(i) for i in attended_department_ids or []}
        if came - gathered:
            errors.add("attended_department_ids", "到场部门应为参加联动的部门")
        elif held and not came:
            errors.add("attended_department_ids", "已办理的，请勾选到场的部门")
        errors.raise_if_any()
        for r in rows:
            r.attended = r.department_id in came
        JointDepartment.objects.bulk_update(rows, ["attended"])
        joint.status = JointStatus.HELD if held else JointStatus.CANCELLED
        joint.note = text
        joint.save(update_fields=["status", "note"])
        record(action=AuditAction.CASE_CHANGE,
               summary=f"预约联动：{joint.number}{'已办理' if held else '未能办理'}", actor=actor, obj=joint, now=now,
               data={"held": held, "attended": sorted(came), "note": text})
    return joint


def cancel_joint(*, actor: User, joint_id: int, reason: str, now: dt.datetime) -> JointAppointment:
    """Cancel a planned joint appointment; the departments' staff and the applicant are told.

    Raises NotFound for one missing or out of sight; Forbidden / Conflict as ``joint_manage_refusal``; DomainError
    naming ``reason`` (empty, longer than 255)."""
    errors = FieldErrors()
    text = errors.text("reason", reason, 255, "取消原因")
    if not text and "reason" not in errors.fields:
        errors.add("reason", "请写明取消原因")
    with audited_atomic():
        joint = get_joint_for(actor, joint_id, for_update=True)
        if (refusal := joint_manage_refusal(actor, joint)) is not None:
            raise refusal
        errors.raise_if_any()
        joint.status, joint.note = JointStatus.CANCELLED, f"取消：{text}"[:255]
        joint.save(update_fields=["status", "note"])
        ids = list(joint.departments.values_list("department_id", flat=True))
        local = timezone.localtime(joint.starts_at)
        enqueue_inapp_many([(uid, "JOINT_APPOINTMENT", f"预约联动 {joint.number} 已取消",
                             f"原定{local:%Y-%m-%d %H:%M}的预约联动已取消：{text}", f"/staff/hall/joint/{joint.pk}/",
                             f"joint:{joint.number}") for uid in _staff_users(ids)], now=now)
        enqueue_sms(phone=joint.phone, kind="JOINT_APPOINTMENT",
                    text=f"您的预约联动（编号{joint.number}，原定{local:%Y年%m月%d日 %H:%M}）已取消：{text}。"
                         f"如有疑问请联系{joint.unit.name}。", cause=f"joint:{joint.number}", now=now)
        record(action=AuditAction.CASE_CHANGE, summary=f"预约联动：取消{joint.number}", actor=actor, obj=joint, now=now,
               data={"reason": text})
    return joint


def joints_for(user: AnyUser, *, q: str = "", status: str = "") -> QuerySet[JointAppointment]:
    """Return the visible joint appointments, newest time first, searched by number or applicant name."""
    qs = visible_joints(user).select_related("unit")
    if q := (q or "").strip():
        qs = qs.filter(Q(number__icontains=q) | Q(name__icontains=q))
    if status in JointStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-starts_at", "-id")


# --- 组团服务 -------------------------------------------------------------------------------------------------------


def organising_units(user: AnyUser) -> QuerySet[Unit]:
    """Return the units a leader may organise outreach visits for: the active units of their scope other than
    departments."""
    path = scope_path(user)
    if path is None or not can(user, Perm.APPROVE):
        return Unit.objects.none()
    return (Unit.objects.filter(path__startswith=path, is_active=True).exclude(kind=UnitKind.DEPARTMENT)
            .order_by("path"))


def visible_outreach(user: AnyUser) -> QuerySet[OutreachVisit]:
    """Return the outreach visits the user may see: those organised in their scope (staff with a reading role) and
    those they are on the team of."""
    profile = staff_profile_of(user)
    if profile is None:
        return OutreachVisit.objects.none()
    on_team = Exists(OutreachVisit.team.through.objects.filter(outreachvisit_id=OuterRef("pk"),
                                                               staffprofile_id=profile.pk))
    if _any(user, OUTREACH_READERS):
        return OutreachVisit.objects.filter(Q(unit__path__startswith=profile.unit.path) | on_team)
    return OutreachVisit.objects.filter(on_team)


def get_outreach_for(user: AnyUser, visit_id: int, *, for_update: bool = False) -> OutreachVisit:
    """Return the outreach visit ``visit_id`` if the user may see it.

    Raises NotFound for a missing one and for one out of sight alike."""
    qs = visible_outreach(user).select_related("unit__region", "region", "created_by")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    visit = qs.filter(pk=visit_id).first()
    if visit is None:
        raise NotFound("组团服务不存在")
    return visit


def outreach_manage_refusal(user: AnyUser, visit: OutreachVisit) -> DomainError | None:
    """Return why the user may not close or cancel ``visit``, or None: a leader of its unit's scope, while it is
    planned."""
    if not can(user, Perm.APPROVE) or not _in_scope(user, visit.unit.path):
        return Forbidden("只有组织单位的领导可以完成或取消组团服务")
    if visit.status != OutreachStatus.PLANNED:
        return Conflict(f"该组团服务已{visit.get_status_display()}", code="not_planned")
    return None


def intake_refusal(user: AnyUser, visit: OutreachVisit) -> DomainError | None:
    """Return why the user may not record a case received on site for ``visit``, or None: a team member or a
    leader of its scope, unless it was cancelled."""
    profile = staff_profile_of(user)
    on_team = profile is not None and visit.team.filter(pk=profile.pk).exists()
    if not on_team and not (can(user, Perm.APPROVE) and _in_scope(user, visit.unit.path)):
        return Forbidden("只有服务团队成员或组织单位的领导可以登记现场受理的办件")
    if visit.status == OutreachStatus.CANCELLED:
        return Conflict("该组团服务已取消", code="cancelled")
    return None


def _team_users(visit: OutreachVisit) -> list[int]:
    return list(visit.team.filter(user__is_active=True).values_list("user_id", flat=True))


def plan_outreach(*, actor: User, unit_id: int, region_id: int, place: str, starts_at: dt.datetime | None,
                  ends_at: dt.datetime | None, topic: str, team_staff_ids: list[int],
                  now: dt.datetime) -> OutreachVisit:
    """组团服务: a leader schedules a team's visit to a village or community of the unit's area; it is published on
    the unit's board at once and the team is told in-app.

    Raises Forbidden unless the actor is a leader; DomainError naming ``unit_id`` (not a unit of their scope),
    ``region_id`` (not a village or community inside the unit's area), ``starts_at`` (missing, past), ``ends_at``
    (missing, not after the start, not the same day), ``place``, ``topic`` (empty, too long) or ``team_staff_ids``
    (fewer than two, or someone not an active staff member of the unit or the units below it)."""
    if not can(actor, Perm.APPROVE):
        raise Forbidden("只有领导可以安排组团服务")
    errors = FieldErrors()
    unit = organising_units(actor).select_related("region").filter(pk=unit_id).first()
    if unit is None:
        errors.add("unit_id", "请选择您所在范围内的单位")
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    if region is None or region.level != RegionLevel.VILLAGE:
        errors.add("region_id", "请选择服务的村（社区）")
    elif unit is not None and not region.path.startswith(unit.region.path):
        errors.add("region_id", f"{region.name}不在{unit.name}的服务区域内")
    start = _future_workday(errors, "starts_at", starts_at, None, now, "开始时间", workday=False)
    end = _moment(errors, "ends_at", ends_at, "结束时间")
    if end is not None and start is not None and end <= start:
        errors.add("ends_at", "结束时间应晚于开始时间")
    elif end is not None and start is not None and _local_date(end) != _local_date(start):
        errors.add("ends_at", "结束时间应与开始时间在同一天")
    place_text = errors.text("place", place, 128, "服务地点")
    topic_text = errors.text("topic", topic, 255, "服务内容")
    for field, value, label in (("place", place_text, "服务地点"), ("topic", topic_text, "服务内容")):
        if not value and field not in errors.fields:
            errors.add(field, f"请填写{label}")
    ids = sorted({int(i) for i in team_staff_ids or []})
    if len(ids) < 2:
        errors.add("team_staff_ids", "服务团队至少需要两名工作人员")
    elif unit is not None:
        found = set(StaffProfile.objects.filter(pk__in=ids, is_active=True, user__is_active=True,
                                                unit__path__startswith=unit.path).values_list("pk", flat=True))
        if missing := [i for i in ids if i not in found]:
            errors.add("team_staff_ids", f"工作人员（{'、'.join(map(str, missing))}）不是本单位或下级单位的在岗人员")
    errors.raise_if_any()
    assert unit is not None and region is not None and start is not None and end is not None
    with audited_atomic():
        visit = OutreachVisit.objects.create(unit=unit, region=region, place=place_text, starts_at=start, ends_at=end,
                                             topic=topic_text, created_by=actor, created_at=now)
        visit.team.set(ids)
        local = timezone.localtime(start)
        enqueue_inapp_many([(uid, "OUTREACH", "组团服务安排",
                             f"{local:%Y-%m-%d %H:%M}至{timezone.localtime(end):%H:%M}到{region.name}{place_text}"
                             f"开展组团服务：{topic_text}", f"/staff/hall/outreach/{visit.pk}/", f"outreach:{visit.pk}")
                            for uid in _team_users(visit)], now=now)
        record(action=AuditAction.CASE_CHANGE, summary=f"组团服务：安排{local:%Y-%m-%d}到{region.name}",
               actor=actor, obj=visit, now=now,
               data={"unit": unit.code, "region": region.code, "team": ids, "starts_at": start.isoformat()})
    return visit


def record_outreach_intake(*, actor: User, visit_id: int, case_number: str, place: str,
                           now: dt.datetime) -> OutreachIntake:
    """Record that the case ``case_number`` was received on site during the visit, at ``place``.

    Raises NotFound for a visit missing or out of sight; Forbidden / Conflict as ``intake_refusal``; Conflict
    ``already_recorded`` for a case recorded before; DomainError naming ``case_number`` (not found in the actor's
    sight, not received by a team member, not received on the visit's day) or ``place`` (empty, too long)."""
    errors = FieldErrors()
    place_text = errors.text("place", place, 128, "受理地点")
    if not place_text and "place" not in errors.fields:
        errors.add("place", "请填写受理地点")
    with audited_atomic():
        visit = get_outreach_for(actor, visit_id, for_update=True)
        if (refusal := intake_refusal(actor, visit)) is not None:
            raise refusal
        number = (case_number or "").strip()
        case = None
        if not number:
            errors.add("case_number", "请填写办件编号")
        else:
            try:
                case = get_case_for(actor, number)
            except NotFound:
                errors.add("case_number", "办件不存在")
        if case is not None:
            if OutreachIntake.objects.filter(case_id=case.pk).exists():
                raise Conflict("该办件已登记为组团服务现场受理", code="already_recorded")
            if not visit.team.filter(pk=case.received_by_id).exists():
                errors.add("case_number", "该办件不是服务团队成员受理的")
            elif _local_date(case.received_at) != _local_date(visit.starts_at):
                errors.add("case_number", f"该办件的收件日期不是服务当天（{_local_date(visit.starts_at):%Y-%m-%d}）")
        errors.raise_if_any()
        assert case is not None
        try:
            with transaction.atomic():  # a savepoint: a concurrent record is told as a conflict
                intake = OutreachIntake.objects.create(visit=visit, case=case, place=place_text, recorded_at=now)
        except IntegrityError:
            raise Conflict("该办件已登记为组团服务现场受理", code="already_recorded") from None
        record(action=AuditAction.CASE_CHANGE, summary=f"组团服务：登记现场受理办件{case.number}", actor=actor,
               obj=visit, now=now, data={"case": case.number, "place": place_text})
    return intake


def close_outreach(*, actor: User, visit_id: int, summary: str, now: dt.datetime) -> OutreachVisit:
    """Mark a visit done with a summary of the service, once it has started.

    Raises NotFound for one missing or out of sight; Forbidden / Conflict as ``outreach_manage_refusal``; Conflict
    ``not_yet`` before it starts; DomainError naming ``summary`` (empty, longer than 255)."""
    errors = FieldErrors()
    text = errors.text("summary", summary, 255, "服务情况")
    if not text and "summary" not in errors.fields:
        errors.add("summary", "请填写服务情况")
    with audited_atomic():
        visit = get_outreach_for(actor, visit_id, for_update=True)
        if (refusal := outreach_manage_refusal(actor, visit)) is not None:
            raise refusal
        if now < visit.starts_at:
            raise Conflict("组团服务尚未开始，不能完成；不再开展的请取消", code="not_yet")
        errors.raise_if_any()
        visit.status, visit.summary = OutreachStatus.DONE, text
        visit.save(update_fields=["status", "summary"])
        record(action=AuditAction.CASE_CHANGE, summary=f"组团服务：完成（{visit.region.name}）", actor=actor, obj=visit,
               now=now, data={"summary": text})
    return visit


def cancel_outreach(*, actor: User, visit_id: int, reason: str, now: dt.datetime) -> OutreachVisit:
    """Cancel a planned visit (it leaves the board); the team is told.

    Raises NotFound for one missing or out of sight; Forbidden / Conflict as ``outreach_manage_refusal``;
    DomainError naming ``reason`` (empty, longer than 250)."""
    errors = FieldErrors()
    text = errors.text("reason", reason, 250, "取消原因")
    if not text and "reason" not in errors.fields:
        errors.add("reason", "请写明取消原因")
    with audited_atomic():
        visit = get_outreach_for(actor, visit_id, for_update=True)
        if (refusal := outreach_manage_refusal(actor, visit)) is not None:
            raise refusal
        errors.raise_if_any()
        visit.status, visit.summary = OutreachStatus.CANCELLED, f"取消：{text}"
        visit.save(update_fields=["status", "summary"])
        enqueue_inapp_many([(uid, "OUTREACH", "组团服务已取消",
                             f"原定{timezone.localtime(visit.starts_at):%Y-%m-%d %H:%M}到{visit.region.name}的组团服务"
                             f"已取消：{text}", f"/staff/hall/outreach/{visit.pk}/", f"outreach:{visit.pk}")
                            for uid in _team_users(visit)], now=now)
        record(action=AuditAction.CASE_CHANGE, summary=f"组团服务：取消（{visit.region.name}）", actor=actor, obj=visit,
               now=now, data={"reason": text})
    return visit


def outreach_for(user: AnyUser, *, q: str = "", status: str = "") -> QuerySet[OutreachVisit]:
    """Return the visible outreach visits, latest first, searched by village, place or topic."""
    qs = visible_outreach(user).select_related("unit", "region")
    if q := (q or "").strip():
        qs = qs.filter(Q(region__name__icontains=q) | Q(place__icontains=q) | Q(topic__icontains=q))
    if status in OutreachStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-starts_at", "-id")


def published_outreach(unit: Unit, now: dt.datetime, *, limit: int = 20) -> list[OutreachVisit]:
    """Return the planned visits of ``unit`` that end today or later (today's and upcoming), soonest first: what its
    board publishes."""
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return list(OutreachVisit.objects.filter(unit=unit, status=OutreachStatus.PLANNED, ends_at__gte=start_of_day)
                .select_related("region").prefetch_related("team").order_by("starts_at", "id")[:limit])

