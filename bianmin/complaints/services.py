"""The only writers of complaints: registration (desk, phone, online), 调查, 处置, 转办, 反馈, 查实, 归档, and the
audited reveal of who complained.

Every function takes ``now``, runs in one transaction, appends its line to the 登记簿 (``ComplaintStep``) and writes
its audit row. No audit row, step or message ever holds the complainant's name or phone (decision 0024)."""
from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from bianmin.accountability.models import ViolationKind
from bianmin.accountability.services import record_violation
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.cases.lookup import TooManyRequests
from bianmin.cases.models import Case
from bianmin.core.counters import next_value
from bianmin.core.errors import DomainError, FieldErrors, Forbidden
from bianmin.core.ratelimit import address_key, hit
from bianmin.core.validators import validate_phone
from bianmin.notifications.services import enqueue_inapp
from bianmin.org.models import StaffProfile, Unit, UnitKind, Window
from bianmin.org.policies import staff_profile_of
from bianmin.org.selectors import hospital_department, hospital_desk_of
from bianmin.workdays.selectors import get_calendar

from .models import (
    Complaint,
    ComplaintChannel,
    ComplaintCounter,
    ComplaintKind,
    ComplaintStatus,
    ComplaintStep,
    ComplaintStepKind,
    ReplyWarning,
    SubjectType,
)
from .policies import (
    archive_refusal,
    confirm_refusal,
    get_complaint_for,
    handle_refusal,
    investigate_refusal,
    is_supervisor,
    may_register,
    reply_refusal,
    reveal_refusal,
    transfer_refusal,
)

if TYPE_CHECKING:
    from bianmin.users.types import User

QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L (as the case lookup)
MATTER_LIMIT = 2000
TEXT_LIMIT = 2000
# The public form: at most this many submissions per client address per hour (the lookup's limits are per minute;
# a complaint is written, so the limit is tighter).
ONLINE_PER_ADDRESS_PER_HOUR = 5
# The centers a citizen may address an online complaint to.
CENTER_KINDS = (UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER, UnitKind.INSTITUTION_DESK)
# A 科室 is named for one hospital: a complaint whose subjects belong to several is split.
MIXED_DESKS = "投诉对象涉及多家医院，请分别投诉"


def _refuse(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def next_complaint_number(unit: Unit, now: dt.datetime) -> str:
    """Return the next complaint number: TS + handling unit code + year + 5-digit sequence. Refuses nothing."""
    year = timezone.localtime(now).year
    return f"TS{unit.code}{year}{next_value(ComplaintCounter, unit=unit, year=year):05d}"


def _query_code() -> str:
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(8))


def reply_due_on(unit: Unit, start: dt.date, *, simple: bool) -> dt.date:
    """Return the reply deadline of a complaint received by ``unit`` on ``start``: COMPLAINT_REPLY_WORKING_DAYS
    working days (COMPLAINT_SIMPLE_REPLY_WORKING_DAYS for a simple one) on the unit's calendar."""
    key = "COMPLAINT_SIMPLE_REPLY_WORKING_DAYS" if simple else "COMPLAINT_REPLY_WORKING_DAYS"
    days = int(settings.BIANMIN.get(key, 1 if simple else 5))
    return get_calendar(unit.region).add_workdays(start, days).date


def _step(complaint: Complaint, kind: str, *, by: StaffProfile | None, words: str, now: dt.datetime,
          public: bool = True, unit: Unit | None = None) -> ComplaintStep:
    return ComplaintStep.objects.create(complaint=complaint, kind=kind, at=now, by=by, unit=unit or complaint.unit,
                                        words=words, public=public)


def _audit(actor: User | None, complaint: Complaint, summary: str, now: dt.datetime,
           data: dict[str, Any] | None = None, ip: str | None = None) -> None:
    record(action=AuditAction.ACCOUNTABILITY, summary=f"投诉{complaint.number}：{summary}", actor=actor,
           actor_username="" if actor is not None else "public", obj=complaint, now=now, data=data, ip=ip)


def _link(complaint: Complaint) -> str:
    return f"/staff/complaints/{complaint.number}/"


def _choice(errors: FieldErrors, field: str, value: str, choices: Any, label: str) -> str:
    value = (value or "").strip()
    if value not in choices.values:
        errors.add(field, f"请选择{label}")
    return value


def _identity(errors: FieldErrors, *, anonymous: bool, name: str, phone: str) -> tuple[str, str]:
    """Return (name, phone) of a named complainant checked, or ("", "") for an anonymous one."""
    if anonymous:
        return "", ""
    name = errors.text("name", name, 64, "投诉人姓名")
    if not name:
        errors.add("name", "实名投诉请填写投诉人姓名（匿名投诉请勾选“匿名”）")
    phone = (phone or "").strip()
    if not phone:
        errors.add("phone", "实名投诉请填写联系电话，以便反馈处理结果")
    else:
        try:
            phone = validate_phone(phone)
        except ValidationError as exc:
            errors.add("phone", exc.messages[0])
    return name, phone


def _subject(errors: FieldErrors, unit: Unit | None, *, subject_type: str, staff: str, window: str,
             case_number: str, subject_unit: str, public: bool) -> dict[str, Any]:
    """Return the subject's columns (``staff``, ``window``, ``case``, ``subject_unit``, ``subject_text``) found in
    ``unit``'s scope. On the public form an unknown case number is kept as text (no oracle for case numbers);
    staff badges and windows are public (上墙公示), so an unknown one is refused naming the field."""
    found: dict[str, Any] = {"staff": None, "window": None, "case": None, "subject_unit": None}
    texts: list[str] = []
    staff, window, case_number, subject_unit = (v.strip() for v in (staff or "", window or "", case_number or "",
                                                                     subject_unit or ""))
    if unit is None:
        return found | {"subject_text": ""}
    if staff:
        found["staff"] = (StaffProfile.objects.select_related("unit", "user")
                          .filter(badge_number=staff, unit__path__startswith=unit.path).first())
        if found["staff"] is None:
            errors.add("staff", f"本中心没有上岗证号为“{staff[:32]}”的工作人员")
    if window:
        found["window"] = Window.objects.filter(unit__path__startswith=unit.path, number=window).first()
        if found["window"] is None:
            errors.add("window", f"本中心没有“{window[:16]}”号窗口")
    if case_number:
        found["case"] = Case.objects.filter(number=case_number.upper(), unit_path__startswith=unit.path).first()
        if found["case"] is None:
            if public:
                texts.append(f"办件编号 {case_number[:40]}")
            else:
                errors.add("case_number", "本中心没有该办件编号")
    if subject_unit:
        found["subject_unit"] = Unit.objects.filter(code=subject_unit, path__startswith=unit.path).first()
        if found["subject_unit"] is None:
            errors.add("subject_unit", "本中心范围内没有该单位代码")
    required = {SubjectType.STAFF: ("staff", "请填写被投诉人的上岗证号"),
                SubjectType.WINDOW: ("window", "请填写被投诉的窗口号"),
                SubjectType.CASE: ("case", "请填写相关办件编号")}
    need = required.get(SubjectType(subject_type)) if subject_type in SubjectType.values else None
    if need is not None and found[need[0]] is None and not (need[0] == "case" and texts):
        field = "case_number" if need[0] == "case" else need[0]
        if field not in errors.fields:
            errors.add(field, need[1])
    if subject_type == SubjectType.UNIT and found["subject_unit"] is None and not subject_unit:
        found["subject_unit"] = unit
    return found | {"subject_text": "；".join(texts)[:128]}


def concerned_desks(unit: Unit | None, subject: dict[str, Any], *, public: bool) -> list[Unit]:
    """Return the hospital desks (distinct, in order) a complaint handled by ``unit`` about ``subject``
    (``_subject``'s columns) concerns: the desk each of the subject unit, the staff member's unit, the window's unit,
    the case's unit and the handling unit is or belongs to; none for a government complaint. On the public form the
    case is left out: whether a typed case number exists must not change any answer (staff badges and windows are
    public, and an unknown one is refused anyway). Refuses nothing."""
    keys = ("staff", "window") if public else ("staff", "window", "case")
    candidates = [subject.get("subject_unit"), *(getattr(subject.get(k), "unit", None) for k in keys), unit]
    desks: dict[int, Unit] = {}
    for candidate in candidates:
        desk = hospital_desk_of(candidate)
        if desk is not None:
            desks.setdefault(desk.pk, desk)
    return list(desks.values())


def concerned_desk(unit: Unit | None, subject: dict[str, Any], *, public: bool) -> Unit | None:
    """Return the one hospital desk whose 科室 a complaint handled by ``unit`` about ``subject`` may name, or None.
    At the 监督投诉台 it is the single desk of ``concerned_desks``; on the public form it comes from the handling unit
    alone (a hospital desk or one of its 科室), never from anything looked up from what the citizen typed.

    Raises DomainError naming ``department`` (MIXED_DESKS) when the subjects and the handling unit belong to more
    than one hospital."""
    desks = concerned_desks(unit, subject, public=public)
    if len(desks) > 1:
        raise DomainError.for_field("department", MIXED_DESKS)
    if public:
        return hospital_desk_of(unit)
    return desks[0] if desks else None


def _department(errors: FieldErrors, unit: Unit | None, subject: dict[str, Any], department: object, *,
                public: bool) -> Unit | None:
    """Return the 科室 a complaint concerns: ``department`` (a code or id) checked against the concerned hospital
    desk (``concerned_desk``), or the subject unit when that is a 科室 itself. A refusal is added to ``errors``
    naming ``department``: a 科室 where no single hospital desk is concerned, another hospital's, or (the subject
    being a 科室) another 科室."""
    named = subject.get("subject_unit")
    own = named if named is not None and named.kind == UnitKind.HOSPITAL_DEPT else None
    given = str(department or "").strip()
    if not given and own is None:
        return None
    try:
        chosen = hospital_department(concerned_desk(unit, subject, public=public), given or own)
    except DomainError as exc:
        errors.add("department", exc.message)
        return None
    if own is not None and chosen is not None and chosen.pk != own.pk:
        errors.add("department", "被投诉单位是科室时，涉及科室应为同一科室")
        return None
    return chosen


def _create(*, unit: Unit, channel: str, kind: str, subject_type: str, subject: dict[str, Any], matter: str,
            anonymous: bool, name: str, phone: str, written: bool, simple: bool, by: StaffProfile | None,
            now: dt.datetime) -> Complaint:
    today = timezone.localtime(now).date()
    complaint = Complaint.objects.create(
        number=next_complaint_number(unit, now), query_code="" if anonymous else _query_code(), channel=channel,
        kind=kind, subject_type=subject_type, unit=unit, unit_path=unit.path, matter=matter, anonymous=anonymous,
        complainant_name=name, complainant_phone=phone, written=written, simple=simple,
        status=ComplaintStatus.RECEIVED, received_at=now, received_by=by,
        handler=by if by is not None and by.user_id is not None and _supervises(by) else None,
        reply_due_on=reply_due_on(unit, today, simple=simple), **subject)
    words = (f"{ComplaintChannel(channel).label}已受理（{ComplaintKind(kind).label}），"
             f"答复期限{complaint.reply_due_on:%Y-%m-%d}")
    _step(complaint, ComplaintStepKind.RECEIVE, by=by, words=words, now=now)
    return complaint


def _supervises(profile: StaffProfile) -> bool:
    return is_supervisor(profile.user)


def register_complaint(*, actor: User, channel: str, kind: str, subject_type: str, matter: str, now: dt.datetime,
                       staff: str = "", window: str = "", case_number: str = "", subject_unit: str = "",
                       anonymous: bool = False, name: str = "", phone: str = "", written: bool = False,
                       simple: bool = False, department: str = "") -> Complaint:
    """Register a complaint taken at the 监督投诉台 (DESK) or by phone (PHONE) in the actor's unit.

    ``staff`` is the badge number of the staff member complained about, ``window`` a window number, ``case_number``
    a case, ``subject_unit`` a unit code, each within the actor's unit; ``department`` the 科室 (code or id) of the
    hospital desk the complaint concerns (``concerned_desk``). A supervisor registering it becomes its
    handler. Raises Forbidden unless the actor is a supervisor or window staff, and for window staff registering a
    complaint about themselves (their badge or their case); DomainError naming every bad field at once, nothing
    written: ``channel``, ``kind``, ``subject_type``, ``staff``, ``window``, ``case_number``, ``subject_unit``,
    ``department`` (given where no hospital desk is concerned, the subjects and the actor's unit belonging to
    several hospitals, or not one of the desk's 科室), ``matter`` (empty, too long), ``name`` / ``phone`` (a named
    complaint needs both)."""
    if not may_register(actor):
        raise Forbidden("只有监督员或窗口工作人员可以登记投诉")
    profile = staff_profile_of(actor)
    assert profile is not None  # may_register checked it
    unit = profile.unit
    errors = FieldErrors()
    if (channel or "").strip() not in (ComplaintChannel.DESK, ComplaintChannel.PHONE):
        errors.add("channel", "投诉渠道应为 DESK（现场）或 PHONE（电话）")
    kind = _choice(errors, "kind", kind, ComplaintKind, "投诉类别")
    subject_type = _choice(errors, "subject_type", subject_type, SubjectType, "投诉对象类型")
    matter = errors.text("matter", matter, MATTER_LIMIT, "投诉事项")
    if not matter:
        errors.add("matter", "请写明投诉事项")
    subject = _subject(errors, unit, subject_type=subject_type, staff=staff, window=window,
                       case_number=case_number, subject_unit=subject_unit, public=False)
    subject["department"] = _department(errors, unit, subject, department, public=False)
    name, phone = _identity(errors, anonymous=anonymous, name=name, phone=phone)
    errors.raise_if_any()
    about_self = subject["staff"] == profile or (subject["case"] is not None
                                                  and subject["case"].first_handler_id == profile.pk)
    if about_self:
        raise Forbidden("不能登记针对自己的投诉，请投诉人到监督投诉台", fields={
            "staff": ["不能登记针对自己的投诉"]})
    with audited_atomic():
        complaint = _create(unit=unit, channel=channel.strip(), kind=kind, subject_type=subject_type,
                            subject=subject, matter=matter, anonymous=anonymous, name=name, phone=phone,
                            written=written, simple=simple, by=profile, now=now)
        _audit(actor, complaint, f"登记（{complaint.get_channel_display()}，{complaint.get_kind_display()}）", now)
    return complaint


def submit_online_complaint(*, unit_code: str, kind: str, subject_type: str, matter: str, now: dt.datetime,
                            ip: str | None, staff: str = "", window: str = "", case_number: str = "",
                            anonymous: bool = False, name: str = "", phone: str = "",
                            department: str = "") -> Complaint:
    """A citizen's complaint from the public form (网上投诉), addressed to a service center; a patient's or family's
    complaint to a hospital desk may name the 科室 it concerns (``department``, code or id).

    Raises TooManyRequests when the client address has sent ONLINE_PER_ADDRESS_PER_HOUR in the last hour (checked
    first: nothing is written); DomainError naming every bad field at once: ``unit`` (not a service center),
    ``kind``, ``subject_type``, ``staff``, ``window`` (unknown in that center), ``department`` (the chosen
    center is no hospital desk, whatever staff, window or case number was typed; the staff or window belong to
    another hospital; not one of the desk's 科室), ``matter``, ``name``, ``phone``.
    The text is stored as typed (stripped); pages escape it."""
    if not hit(f"complaint:{address_key(ip)}", limit=ONLINE_PER_ADDRESS_PER_HOUR, window=dt.timedelta(hours=1),
               now=now):
        raise TooManyRequests("提交过于频繁，请一小时后再试，或拨打监督投诉电话", retry_after=3600)
    errors = FieldErrors()
    unit = Unit.objects.select_related("region").filter(code=(unit_code or "").strip(), kind__in=CENTER_KINDS,
                                                        is_active=True).first()
    if unit is None:
        errors.add("unit", "请选择受理投诉的政务服务中心")
    kind = _choice(errors, "kind", kind, ComplaintKind, "投诉类别")
    subject_type = _choice(errors, "subject_type", subject_type, SubjectType, "投诉对象类型")
    matter = errors.text("matter", matter, MATTER_LIMIT, "投诉事项")
    if not matter:
        errors.add("matter", "请写明投诉事项")
    subject = _subject(errors, unit, subject_type=subject_type, staff=staff, window=window,
                       case_number=case_number, subject_unit="", public=True)
    subject["department"] = (_department(errors, unit, subject, department, public=True) if unit is not None
                             else None)
    if unit is None and str(department or "").strip():
        errors.add("department", "请先选择受理投诉的医院便民服务中心")
    name, phone = _identity(errors, anonymous=anonymous, name=name, phone=phone)
    errors.raise_if_any()
    assert unit is not None
    with audited_atomic():
        complaint = _create(unit=unit, channel=ComplaintChannel.ONLINE, kind=kind, subject_type=subject_type,
                            subject=subject, matter=matter, anonymous=anonymous, name=name, phone=phone,
                            written=False, simple=False, by=None, now=now)
        _audit(None, complaint, f"网上投诉（{complaint.get_kind_display()}）", now, ip=ip)
    return complaint


def investigate_complaint(*, actor: User, number: str, notes: str, now: dt.datetime) -> Complaint:
    """受理 → 调查: record what was found (internal: never shown to the complainant); the supervisor becomes the
    handler when it has none. Can be repeated while investigating (more notes).

    Raises NotFound (missing, out of scope, about the actor), Forbidden (not a supervisor), Conflict (already
    handled), DomainError naming ``notes`` (empty or too long)."""
    complaint = get_complaint_for(actor, number)
    _refuse(investigate_refusal(actor, complaint))
    errors = FieldErrors()
    notes = errors.text("notes", notes, TEXT_LIMIT, "调查情况")
    if not notes:
        errors.add("notes", "请写明调查情况")
    errors.raise_if_any()
    profile = staff_profile_of(actor)
    with audited_atomic():
        complaint = get_complaint_for(actor, number, for_update=True)
        _refuse(investigate_refusal(actor, complaint))
        first = complaint.status != ComplaintStatus.INVESTIGATING
        complaint.status = ComplaintStatus.INVESTIGATING
        complaint.investigation = f"{complaint.investigation}\n{notes}".strip()
        complaint.handler = complaint.handler or profile
        complaint.version += 1
        complaint.save(update_fields=["status", "investigation", "handler", "version"])
        if first:
            _step(complaint, ComplaintStepKind.INVESTIGATE, by=profile, words="开始调查核实", now=now)
        _step(complaint, ComplaintStepKind.NOTE, by=profile, words=notes, now=now, public=False)
        _audit(actor, complaint, "登记调查情况", now)
    return complaint


def handle_complaint(*, actor: User, number: str, nature: str, opinion: str, now: dt.datetime) -> Complaint:
    """调查 → 处置: the complaint's nature (性质) and the handling opinion (处理意见), written to the 登记簿.

    Raises NotFound, Forbidden, Conflict (not under investigation), DomainError naming ``nature`` or ``opinion``."""
    complaint = get_complaint_for(actor, number)
    _refuse(handle_refusal(actor, complaint))
    errors = FieldErrors()
    nature = errors.text("nature", nature, 128, "性质")
    opinion = errors.text("opinion", opinion, TEXT_LIMIT, "处理意见")
    if not nature:
        errors.add("nature", "请写明投诉的性质（如：属实、部分属实、不属实）")
    if not opinion:
        errors.add("opinion", "请写明处理意见")
    errors.raise_if_any()
    profile = staff_profile_of(actor)
    with audited_atomic():
        complaint = get_complaint_for(actor, number, for_update=True)
        _refuse(handle_refusal(actor, complaint))
        complaint.status = ComplaintStatus.HANDLED
        complaint.nature, complaint.handling_opinion = nature, opinion
        complaint.handler = complaint.handler or profile
        complaint.version += 1
        complaint.save(update_fields=["status", "nature", "handling_opinion", "handler", "version"])
        _step(complaint, ComplaintStepKind.HANDLE, by=profile, words="调查核实完毕，已提出处理意见", now=now)
        _step(complaint, ComplaintStepKind.NOTE, by=profile, words=f"性质：{nature}；处理意见：{opinion}", now=now,
              public=False)
        _audit(actor, complaint, f"处置（{nature}）", now)
    return complaint


def transfer_complaint(*, actor: User, number: str, unit: str, note: str, now: dt.datetime) -> Complaint:
    """转办: a complaint outside this center's remit goes to the competent unit (by unit code), which receives it
    anew: it belongs to that unit (and its supervisors) from now on, its reply is due on that unit's calendar from
    today, and the 登记簿 keeps where it came from and why.

    Raises NotFound, Forbidden, Conflict (handled or closed), DomainError naming ``unit`` (unknown, inactive or the
    same unit) or ``note`` (empty)."""
    complaint = get_complaint_for(actor, number)
    _refuse(transfer_refusal(actor, complaint))
    errors = FieldErrors()
    target = Unit.objects.select_related("region").filter(code=(unit or "").strip(), is_active=True).first()
    if target is None:
        errors.add("unit", "请选择有效的承办单位（单位代码）")
    elif target.pk == complaint.unit_id:
        errors.add("unit", "投诉已在该单位，不能转给自己")
    note = errors.text("note", note, TEXT_LIMIT, "转办说明")
    if not note:
        errors.add("note", "请写明转办理由（为何不属于本中心职责范围）")
    errors.raise_if_any()
    assert target is not None
    profile = staff_profile_of(actor)
    today = timezone.localtime(now).date()
    with audited_atomic():
        complaint = get_complaint_for(actor, number, for_update=True)
        _refuse(transfer_refusal(actor, complaint))
        source = complaint.unit
        complaint.status = ComplaintStatus.TRANSFERRED
        complaint.transferred_from, complaint.transferred_to, complaint.transfer_note = source, target, note
        complaint.unit, complaint.unit_path = target, target.path
        complaint.handler = None
        complaint.reply_due_on = reply_due_on(target, today, simple=complaint.simple)
        complaint.warning_level = ReplyWarning.NONE
        complaint.version += 1
        complaint.save(update_fields=["status", "transferred_from", "transferred_to", "transfer_note", "unit",
                                      "unit_path", "handler", "reply_due_on", "warning_level", "version"])
        _step(complaint, ComplaintStepKind.TRANSFER, by=profile, unit=source, now=now,
              words=f"不属于{source.name}职责范围，转{target.name}办理，答复期限{complaint.reply_due_on:%Y-%m-%d}")
        _step(complaint, ComplaintStepKind.NOTE, by=profile, unit=source, words=f"转办说明：{note}", now=now,
              public=False)
        _audit(actor, complaint, f"转办 {source.name} → {target.name}", now,
               data={"from": source.code, "to": target.code})
    return complaint


def reply_complaint(*, actor: User, number: str, reply: str, now: dt.datetime, late_reason: str = "") -> Complaint:
    """处置 → 反馈: the answer given to a named complainant (written for a written complaint). After the due date
    the reason for the delay is required and kept; the sweep then records the late reply.

    Raises NotFound, Forbidden, Conflict (anonymous: no reply channel; not handled; already replied), DomainError
    naming ``reply`` (a written complaint needs the written reply) or ``late_reason`` (late without a reason)."""
    complaint = get_complaint_for(actor, number)
    _refuse(reply_refusal(actor, complaint))
    errors = FieldErrors()
    reply = errors.text("reply", reply, TEXT_LIMIT, "答复内容")
    late_reason = errors.text("late_reason", late_reason, TEXT_LIMIT, "逾期答复原因")
    if complaint.written and not reply:
        errors.add("reply", "书面投诉须书面答复：请填写答复内容")
    today = timezone.localtime(now).date()
    late = today > complaint.reply_due_on
    if late and not late_reason:
        errors.add("late_reason", f"已超过答复期限（{complaint.reply_due_on:%Y-%m-%d}），请写明逾期原因")
    errors.raise_if_any()
    profile = staff_profile_of(actor)
    with audited_atomic():
        complaint = get_complaint_for(actor, number, for_update=True)
        _refuse(reply_refusal(actor, complaint))
        complaint.status = ComplaintStatus.REPLIED
        complaint.reply = reply or "已当面或电话答复投诉人"
        complaint.replied_at, complaint.replied_by = now, profile
        complaint.late_reason = late_reason if late else ""
        if late and complaint.warning_level != ReplyWarning.RED:
            complaint.warning_level = ReplyWarning.LATE  # the sweep records it (once)
        complaint.version += 1
        complaint.save(update_fields=["status", "reply", "replied_at", "replied_by", "late_reason", "warning_level",
                                      "version"])
        words = complaint.reply + (f"（逾期答复，原因：{late_reason}）" if late else "")
        _step(complaint, ComplaintStepKind.REPLY, by=profile, words=words, now=now)
        _audit(actor, complaint, "答复投诉人" + ("（逾期）" if late else ""), now)
    return complaint


def confirm_complaint(*, actor: User, number: str, now: dt.datetime, responsible: str = "") -> Complaint:
    """查实: the handled complaint about a member of staff becomes one accountability record (投诉查实) through the
    supervisors' ``accountability.services.record_violation``; the record names the complaint, never the
    complainant.

    Raises NotFound, Forbidden, Conflict (already confirmed: one record per complaint; not handled), DomainError
    naming ``responsible`` (nobody found), and what ``record_violation`` raises (a staff member out of the
    supervisor's scope)."""
    complaint = get_complaint_for(actor, number)
    _refuse(confirm_refusal(actor, complaint))
    profile = staff_profile_of(actor)
    with audited_atomic():
        complaint = get_complaint_for(actor, number, for_update=True)
        _refuse(confirm_refusal(actor, complaint))
        badge = _responsible_badge(complaint, responsible)
        description = (f"投诉{complaint.number}经调查查实（{complaint.get_kind_display()}）。性质：{complaint.nature}。"
                       f"处理意见：{complaint.handling_opinion}")
        violation = record_violation(
            actor=actor, staff=badge, kind=ViolationKind.CONFIRMED_COMPLAINT,
            occurred_on=timezone.localtime(complaint.received_at).date(), description=description, now=now,
            case_number=complaint.case.number if complaint.case else "",
            evidence=[{"label": f"投诉 {complaint.number}", "url": _link(complaint)}])
        complaint.confirmed_at, complaint.confirmed_by, complaint.violation = now, profile, violation
        complaint.version += 1
        complaint.save(update_fields=["confirmed_at", "confirmed_by", "violation", "version"])
        _step(complaint, ComplaintStepKind.CONFIRM, by=profile, words=f"投诉查实，已登记过错记录（{violation.pk}）",
              now=now, public=False)
        _audit(actor, complaint, f"查实，登记过错记录 {violation.pk}", now, data={"violation": violation.pk})
    return complaint


def _responsible_badge(complaint: Complaint, given: str) -> str:
    """Return the badge of whom a confirmed complaint is recorded against: the staff member complained about; else
    the badge the supervisor names after the investigation; else the case's first handler (or its receiver).
    Raises DomainError naming ``responsible`` when nobody is found."""
    if complaint.staff is not None:
        return complaint.staff.badge_number
    if given.strip():
        return given.strip()
    case = complaint.case
    person = (case.first_handler or case.received_by) if case is not None else None
    if person is None:
        raise DomainError.for_field("responsible", "投诉对象为窗口或单位：请填写经调查查实的责任人上岗证号")
    return person.badge_number


def archive_complaint(*, actor: User, number: str, now: dt.datetime) -> Complaint:
    """反馈 → 归档 (an anonymous complaint: 处置 → 归档). Raises NotFound, Forbidden, Conflict (not yet replied)."""
    complaint = get_complaint_for(actor, number)
    _refuse(archive_refusal(actor, complaint))
    profile = staff_profile_of(actor)
    with audited_atomic():
        complaint = get_complaint_for(actor, number, for_update=True)
        _refuse(archive_refusal(actor, complaint))
        complaint.status = ComplaintStatus.ARCHIVED
        complaint.closed_at = now
        complaint.version += 1
        complaint.save(update_fields=["status", "closed_at", "version"])
        _step(complaint, ComplaintStepKind.ARCHIVE, by=profile, words="已归档", now=now)
        _audit(actor, complaint, "归档", now)
    return complaint


def reveal_complainant(*, actor: User, number: str, reason: str, now: dt.datetime) -> dict[str, str]:
    """Return the complainant's name and phone to a supervisor, with the reason recorded in the audit trail (the
    row names the complaint and the reason, never the identity).

    Raises NotFound (missing, out of scope, about the actor), Forbidden (not a supervisor), Conflict (anonymous),
    DomainError naming ``reason`` (empty or too long)."""
    complaint = get_complaint_for(actor, number)
    _refuse(reveal_refusal(actor, complaint))
    errors = FieldErrors()
    reason = errors.text("reason", reason, 200, "查看理由")
    if not reason:
        errors.add("reason", "请写明查看投诉人身份的理由")
    errors.raise_if_any()
    with audited_atomic():
        record(action=AuditAction.PERSONAL_DATA_VIEW, summary=f"查看投诉人身份：投诉{complaint.number}，理由：{reason}",
               actor=actor, obj=complaint, now=now, data={"reason": reason})
    return {"name": complaint.complainant_name, "phone": complaint.complainant_phone}


def tell_handler(complaint: Complaint, subject: str, text: str, now: dt.datetime) -> None:
    """Queue an in-app message about ``complaint`` to its handler (if any). Refuses nothing."""
    if complaint.handler is not None:
        enqueue_inapp(recipient=complaint.handler.user, kind="COMPLAINT", subject=subject, text=text,
                      link=_link(complaint), cause=f"complaint:{complaint.pk}", now=now)
