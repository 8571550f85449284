"""The hospital desk's writers (decision 0026): the patient record, coordination requests to 科室 and 便民活动.

Every writer takes ``now``, checks the policy, writes in one transaction with its audit row, and names the field it
refuses. The patient's diagnosis and ward are never written into an audit row, a digest line or an SMS.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from bianmin.accountability.models import ViolationKind
from bianmin.accountability.services import Detected, record_detected
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.cases.models import Case
from bianmin.cases.policies import get_case_for
from bianmin.core.counters import next_value
from bianmin.core.errors import Conflict, DomainError, FieldErrors, Forbidden, NotFound
from bianmin.notifications.services import enqueue_inapp_many, enqueue_sms
from bianmin.org.models import StaffProfile, Unit, UnitKind
from bianmin.org.policies import staff_profile_of

from . import policies
from .models import (
    CareEvent,
    CoordinationRequest,
    EventKind,
    EventStatus,
    PatientRecord,
    Relation,
    ReplyWarning,
    RequestCounter,
    RequestStatus,
    RequestStep,
    RequestStepKind,
    Topic,
)

if TYPE_CHECKING:
    from bianmin.users.types import User


def _conf(key: str) -> float:
    return float(settings.BIANMIN["HOSPITAL"][key])


def _profile(actor: User) -> StaffProfile:
    profile = staff_profile_of(actor)
    if profile is None:
        raise Forbidden("只有在岗工作人员可以办理")
    return profile


# --- the patient -------------------------------------------------------------------------------------------------

def _desk_case(actor: User, number: str) -> Case:
    """The case, locked, when the actor may see it (404 otherwise), received at a hospital desk (400 otherwise),
    and the actor is the desk's side (403 otherwise)."""
    case = get_case_for(actor, number, for_update=True)
    refusal = policies.hospital_case_refusal(case)
    if refusal is not None:
        raise refusal
    if not policies.is_desk_side(actor, case.unit_id):
        raise Forbidden("只有本医院便民服务中心的工作人员可以办理")
    return case


def record_patient(*, actor: User, number: str, patient_name: str, relation: str = Relation.SELF,
                   diagnosis: str | None = None, ward: str | None = None, now: dt.datetime) -> PatientRecord:
    """Record or correct the patient of a hospital case (diagnosis and ward encrypted at rest); a diagnosis or ward
    of None keeps the stored one (a correction of the name need not show the health fields), "" clears it.

    Refuses (400) a case not received at a hospital desk, an empty patient name, an unknown relation, text over
    its limit; (403) anyone but the desk's staff; (409) a case already archived or ended without a decision."""
    errors = FieldErrors()
    name = errors.text("patient_name", patient_name, 64, "患者姓名")
    if "patient_name" not in errors.fields and not name:
        errors.add("patient_name", "请填写患者姓名")
    if relation not in Relation.values:
        errors.add("relation", "申请人与患者关系无效")
    diag = errors.text("diagnosis", diagnosis, 500, "诊断") if diagnosis is not None else None
    ward_text = errors.text("ward", ward, 64, "病区/床号") if ward is not None else None
    with audited_atomic():
        case = _desk_case(actor, number)
        errors.raise_if_any()
        if case.status in ("ARCHIVED", "WITHDRAWN", "RETURNED", "NOT_ACCEPTED"):
            raise Conflict(f"办件{case.number}已{case.get_status_display()}，不能再修改患者信息", code="case_closed")
        patient = PatientRecord.objects.filter(case=case).first()
        created = patient is None
        if patient is None:
            patient = PatientRecord(case=case, unit_id=case.unit_id, unit_path=case.unit_path)
        changed = ["patient_name" if patient.patient_name != name else "",
                   "relation" if patient.relation != relation else ""]
        if diag is not None and (created or (patient.diagnosis or "") != diag):
            changed.append("diagnosis")
            patient.diagnosis = diag
        if ward_text is not None and (created or (patient.ward or "") != ward_text):
            changed.append("ward")
            patient.ward = ward_text
        patient.patient_name, patient.relation = name, relation
        patient.updated_at, patient.updated_by = now, actor
        patient.save()
        # The audit row names which fields changed, never their health content.
        record(action=AuditAction.CASE_CHANGE, actor=actor, now=now, obj=case,
               summary=f"{'登记' if created else '修改'}办件{case.number}的患者信息",
               data={"fields": [f for f in changed if f]})
    return patient


@dataclass(frozen=True)
class PatientView:
    """What a page shows of the patient: the health fields only when ``health_shown`` (the read was audited)."""

    patient_name: str
    relation: str
    relation_label: str
    health_shown: bool
    diagnosis: str = ""
    ward: str = ""


def patient_summary(user: User, case: Case) -> PatientView | None:
    """The patient's name and relation without the health fields (nothing decrypted, nothing audited); None when the
    case has no patient record."""
    patient = PatientRecord.objects.filter(case_id=case.pk).only("patient_name", "relation").first()
    if patient is None:
        return None
    return PatientView(patient.patient_name, patient.relation, patient.get_relation_display(), False)


def read_patient_health(*, actor: User, case: Case, now: dt.datetime, purpose: str = "") -> PatientView:
    """Return the patient with diagnosis and ward, writing the PERSONAL_DATA_VIEW audit row of this read.

    Refuses (404) anyone but the desk's staff and a 科室 with a request on the case, and a case without a record."""
    if not policies.may_read_health(actor, case):
        raise NotFound("患者信息不存在")
    patient = PatientRecord.objects.filter(case_id=case.pk).first()
    if patient is None:
        raise NotFound("患者信息不存在")
    with audited_atomic():
        record(action=AuditAction.PERSONAL_DATA_VIEW, actor=actor, now=now, obj=case,
               summary=f"查看办件{case.number}患者的诊断和病区" + (f"（{purpose[:40]}）" if purpose else ""),
               data={"fields": ["diagnosis", "ward"]})
    return PatientView(patient.patient_name, patient.relation, patient.get_relation_display(), True,
                       patient.diagnosis or "", patient.ward or "")


def patient_case_for(actor: User, number: str) -> Case:
    """The case whose patient the actor may read: a case in the actor's scope, or one a request to the actor's 科室
    concerns (404 otherwise, and for a case not received at a hospital desk)."""
    try:
        case = get_case_for(actor, number)
    except NotFound:
        profile = policies.department_profile(actor)
        found = None
        if profile is not None:
            live = CoordinationRequest.objects.filter(department_id=profile.unit_id).exclude(
                status=RequestStatus.WITHDRAWN)
            found = (Case.objects.select_related("unit", "item_version")
                     .filter(number=number, pk__in=live.values("case_id")).first())
        if found is None:
            raise
        case = found
    if not case.unit.is_hospital_desk:
        raise NotFound("患者信息不存在")
    return case


# --- coordination requests -----------------------------------------------------------------------------------------

def tell_staff(lines: list[tuple[int, str, str, str]], *, now: dt.datetime) -> int:
    """Send (recipient id, kind, text, link) lines as in-app messages at once: a hospital works around the clock, so
    its coordination cannot wait for the working-hours digest (decision 0026 §5)."""
    rows = sorted({(uid, kind, text, link) for uid, kind, text, link in lines if uid})
    return enqueue_inapp_many([(uid, kind, text[:128], text, link, "coordination") for uid, kind, text, link in rows],
                              now=now)


def _department_user_ids(department_ids: set[int]) -> dict[int, set[int]]:
    """The active staff accounts of each 科室 (one query): who is told of a request."""
    out: dict[int, set[int]] = {d: set() for d in department_ids}
    for unit_id, user_id in (StaffProfile.objects.filter(unit_id__in=department_ids, is_active=True)
                             .values_list("unit_id", "user_id")):
        out[unit_id].add(user_id)
    return out


def department_responsible(department_ids: set[int]) -> dict[int, int]:
    """The staff member answerable for each 科室's late replies (two queries): the 科室's 首席责任人 when active
    and working there, else its head (负责人身份), else none (the lateness is still recorded on the request)."""
    out: dict[int, int] = {}
    for dept_id, chief_id, chief_unit, chief_active in (
            Unit.objects.filter(pk__in=department_ids, chief_responsible__isnull=False)
            .values_list("pk", "chief_responsible_id", "chief_responsible__unit_id", "chief_responsible__is_active")):
        if chief_active and chief_unit == dept_id:
            out[dept_id] = chief_id
    rest = department_ids - set(out)
    if rest:
        for staff_id, unit_id in (StaffProfile.objects.filter(unit_id__in=rest, is_active=True).exclude(head_of="")
                                  .order_by("pk").values_list("pk", "unit_id")):
            out.setdefault(unit_id, staff_id)
    return out


def late_finding(request: CoordinationRequest, staff_id: int | None) -> Detected | None:
    """The 科室's violation for a reply not given by ``due_at`` (one per request and 科室 hop)."""
    if staff_id is None:
        return None
    due = timezone.localtime(request.due_at)
    return Detected(kind=ViolationKind.COORDINATION_LATE, staff_id=staff_id, occurred_on=due.date(),
                    description=f"协调单{request.number}（办件{request.case.number}，{request.get_topic_display()}）"
                                f"应于{due:%Y-%m-%d %H:%M}前答复，{request.department.name}未按时答复",
                    dedupe_key=f"COORDINATION_LATE:req:{request.pk}:{request.escalations}",
                    case_id=request.case_id,
                    evidence=[{"label": "协调单", "url": f"/staff/hospital/requests/{request.pk}/"}])


def record_late(requests: list[CoordinationRequest], now: dt.datetime) -> int:
    """Mark each request late with its LATE step and its 科室's violation (call inside a transaction); return how
    many were marked now."""
    fresh = [r for r in requests if r.warning_level != ReplyWarning.RED]  # RED: this 科室's lateness is on record
    if not fresh:
        return 0
    responsible = department_responsible({r.department_id for r in fresh})
    found = [f for r in fresh if (f := late_finding(r, responsible.get(r.department_id))) is not None]
    record_detected(found, now=now)
    RequestStep.objects.bulk_create([RequestStep(request=r, kind=RequestStepKind.LATE, at=now, by=None,
                                                 department_id=r.department_id, note="答复超时，已记录")
                                     for r in fresh])
    CoordinationRequest.objects.filter(pk__in=[r.pk for r in fresh]).update(
        late=True, warning_level=ReplyWarning.RED, version=F("version") + 1)
    for r in fresh:
        r.late, r.warning_level, r.version = True, ReplyWarning.RED, r.version + 1
    return len(fresh)


def _link(request: CoordinationRequest) -> str:
    return f"/staff/hospital/requests/{request.pk}/"


def _reply_hours(value: int | None, errors: FieldErrors) -> int:
    hours = int(_conf("REPLY_HOURS_DEFAULT")) if value is None else value
    if not isinstance(hours, int) or hours < 1 or hours > int(_conf("REPLY_HOURS_MAX")):
        errors.add("reply_hours", f"答复时限应为1至{int(_conf('REPLY_HOURS_MAX'))}小时")
    return hours


def send_request(*, actor: User, number: str, department_id: int | None, topic: str, question: str,
                 reply_hours: int | None = None, now: dt.datetime) -> CoordinationRequest:
    """The desk asks one of its hospital's 科室 about a running case, to be answered within ``reply_hours``.

    Refuses (400) a case not received at a hospital desk, a 科室 of another hospital or not a 科室, an unknown topic,
    an empty question, reply hours outside 1..REPLY_HOURS_MAX; (403) anyone but the desk's staff; (409) a case not
    running."""
    errors = FieldErrors()
    if topic not in Topic.values:
        errors.add("topic", "请选择协调事项")
    text = errors.text("question", question, 2000, "协调内容")
    if "question" not in errors.fields and not text:
        errors.add("question", "请填写需要科室协调的内容")
    hours = _reply_hours(reply_hours, errors)
    with audited_atomic():
        case = _desk_case(actor, number)
        refusal = policies.send_refusal(case)
        if refusal is not None and refusal.status == 400:
            raise refusal
        department = Unit.objects.filter(pk=department_id).first() if department_id else None
        dept_refusal = policies.department_refusal(case.unit, department)
        if dept_refusal is not None:
            errors.add("department", dept_refusal.message)
        # A case promised within hours: the reply must come before the promise (one hour, the shortest reply time,
        # is always allowed: a 1-hour 咨询导诊 may still ask a 科室).
        cap = case.committed_due_at
        if ("reply_hours" not in errors.fields and cap is not None and hours > 1
                and now < cap < now + dt.timedelta(hours=hours)):
            promised = f"{timezone.localtime(cap):%Y-%m-%d %H:%M}"
            errors.add("reply_hours", f"答复期限不能晚于办件的承诺办结时间（{promised}），请缩短答复时限")
        errors.raise_if_any()
        if refusal is not None:
            raise refusal
        assert department is not None
        profile = _profile(actor)
        day = timezone.localdate(now)
        seq = next_value(RequestCounter, unit_id=case.unit_id, day=day)
        request = CoordinationRequest.objects.create(
            number=f"XT{case.unit.code}{day:%Y%m%d}{seq:03d}", case=case, desk_id=case.unit_id,
            desk_path=case.unit_path, department=department, topic=topic, question=text, reply_hours=hours,
            sent_at=now, sent_by=profile, due_at=now + dt.timedelta(hours=hours))
        RequestStep.objects.create(request=request, kind=RequestStepKind.SENT, at=now, by=profile,
                                   department=department, note=text)
        due = timezone.localtime(request.due_at)
        tell_staff([(uid, "COORDINATION", f"协调单{request.number}（{request.get_topic_display()}）请于"
                                                f"{due:%m-%d %H:%M}前答复", _link(request))
                          for uid in _department_user_ids({department.pk})[department.pk]], now=now)
        record(action=AuditAction.CASE_CHANGE, actor=actor, now=now, obj=case,
               summary=f"办件{case.number}向{department.name}发出科室协调{request.number}",
               data={"request": request.number, "department": department.code, "topic": topic, "reply_hours": hours})
    return request


def _department_request(actor: User, request_id: int) -> tuple[CoordinationRequest, StaffProfile]:
    """The request, locked, when it is addressed to the actor's 科室 (404 otherwise)."""
    request = (CoordinationRequest.objects.select_for_update(of=("self",))
               .select_related("case", "department", "desk").filter(pk=request_id).first())
    if request is None or not policies.is_department_side(actor, request.department_id):
        raise NotFound("协调单不存在")
    return request, _profile(actor)


def _desk_request(actor: User, request_id: int) -> tuple[CoordinationRequest, StaffProfile]:
    """The request, locked, when the actor is its desk's staff (404 otherwise)."""
    request = (CoordinationRequest.objects.select_for_update(of=("self",))
               .select_related("case", "department", "desk").filter(pk=request_id).first())
    if request is None or not policies.is_desk_side(actor, request.desk_id):
        raise NotFound("协调单不存在")
    return request, _profile(actor)


def _tell_desk(request: CoordinationRequest, text: str, now: dt.datetime) -> None:
    tell_staff([(request.sent_by.user_id, "COORDINATION", text, _link(request))], now=now)


def _reply(actor: User, request_id: int, text: str, field: str, label: str, status: str,
           kind: str, now: dt.datetime) -> CoordinationRequest:
    errors = FieldErrors()
    body = errors.text(field, text, 2000, label)
    if field not in errors.fields and not body:
        errors.add(field, f"请填写{label}")
    with audited_atomic():
        request, profile = _department_request(actor, request_id)
        errors.raise_if_any()
        refusal = policies.reply_refusal(request)
        if refusal is not None:
            raise refusal
        if now > request.due_at:
            record_late([request], now)
        request.status, request.answer, request.answered_at, request.answered_by = status, body, now, profile
        request.outcome = status
        request.version += 1
        request.save(update_fields=["status", "outcome", "answer", "answered_at", "answered_by", "version"])
        RequestStep.objects.create(request=request, kind=kind, at=now, by=profile, department_id=request.department_id,
                                   note=body)
        said = "答复" if status == RequestStatus.ANSWERED else "回复不能办理"
        _tell_desk(request, f"{request.department.name}已{said}协调单{request.number}，请告知患者或家属", now)
        record(action=AuditAction.CASE_CHANGE, actor=actor, now=now, obj=request.case,
               summary=f"{request.department.name}{RequestStepKind(kind).label}协调单{request.number}"
                       + ("（超时）" if request.late else ""),
               data={"request": request.number, "status": status, "late": request.late})
    return request


def answer_request(*, actor: User, request_id: int, answer: str, now: dt.datetime) -> CoordinationRequest:
    """The 科室 answers (a late answer is recorded as late). Refuses (400) an empty answer; (404) anyone but the
    科室's staff; (409) a request already answered, refused, closed or withdrawn."""
    return _reply(actor, request_id, answer, "answer", "答复内容", RequestStatus.ANSWERED, RequestStepKind.ANSWERED,
                  now)


def refuse_request(*, actor: User, request_id: int, reason: str, now: dt.datetime) -> CoordinationRequest:
    """The 科室 cannot do what is asked and says why. Refuses as ``answer_request`` (the reason is required)."""
    return _reply(actor, request_id, reason, "reason", "不能办理的原因", RequestStatus.REFUSED,
                  RequestStepKind.REFUSED, now)


def escalate_request(*, actor: User, request_id: int, to_department_id: int | None, note: str,
                     now: dt.datetime) -> CoordinationRequest:
    """The 科室 raises the request to another 科室 of the hospital (医务科, a senior 科室) with a note; the new 科室
    has the request's reply hours from now. A 科室 already late is recorded before it hands over.

    Refuses (400) a target that is not another 科室 of the same hospital, an empty note, more than MAX_ESCALATIONS
    raises; (404) anyone but the 科室's staff; (409) a request no longer open."""
    errors = FieldErrors()
    body = errors.text("note", note, 1000, "上报说明")
    if "note" not in errors.fields and not body:
        errors.add("note", "请说明上报或转其他科室的原因")
    with audited_atomic():
        request, profile = _department_request(actor, request_id)
        target = Unit.objects.filter(pk=to_department_id).first() if to_department_id else None
        refusal = policies.department_refusal(request.desk, target, field="to_department")
        if refusal is not None:
            errors.add("to_department", refusal.message)
        elif target is not None and target.pk == request.department_id:
            errors.add("to_department", "请选择其他科室")
        if request.escalations >= int(_conf("MAX_ESCALATIONS")):
            errors.add("to_department", f"同一协调单最多上报{int(_conf('MAX_ESCALATIONS'))}次，请答复或回复不能办理")
        errors.raise_if_any()
        closed = policies.reply_refusal(request)
        if closed is not None:
            raise closed
        assert target is not None
        if now > request.due_at:
            record_late([request], now)
        source = request.department
        request.department, request.escalations = target, request.escalations + 1
        # The new 科室 starts unwarned; ``late`` stays: the request was answered late somewhere on its way.
        request.due_at, request.warning_level = now + dt.timedelta(hours=request.reply_hours), ReplyWarning.NONE
        request.version += 1
        request.save(update_fields=["department", "escalations", "due_at", "warning_level", "version"])
        RequestStep.objects.create(request=request, kind=RequestStepKind.ESCALATED, at=now, by=profile,
                                   department=target, note=f"{source.name} → {target.name}：{body}")
        tell_staff([(uid, "COORDINATION", f"{source.name}转来协调单{request.number}，请按时答复", _link(request))
                          for uid in _department_user_ids({target.pk})[target.pk]], now=now)
        _tell_desk(request, f"{source.name}将协调单{request.number}转{target.name}办理", now)
        record(action=AuditAction.CASE_CHANGE, actor=actor, now=now, obj=request.case,
               summary=f"{source.name}将协调单{request.number}上报/转{target.name}",
               data={"request": request.number, "from": source.code, "to": target.code})
    return request


def tell_family(*, actor: User, request_id: int, note: str, send_sms: bool = False,
                now: dt.datetime) -> CoordinationRequest:
    """The desk tells the patient or family what the 科室 said, and closes the request; an SMS (no health content)
    may go to the applicant's mobile.

    Refuses (400) an empty note; (404) anyone but the desk's staff; (409) a request the 科室 has not answered."""
    errors = FieldErrors()
    body = errors.text("note", note, 1000, "告知情况")
    if "note" not in errors.fields and not body:
        errors.add("note", "请记录告知患者或家属的内容和方式")
    with audited_atomic():
        request, profile = _desk_request(actor, request_id)
        errors.raise_if_any()
        refusal = policies.tell_refusal(request)
        if refusal is not None:
            raise refusal
        request.status, request.told_at, request.told_by, request.told_note = RequestStatus.TOLD, now, profile, body
        request.version += 1
        request.save(update_fields=["status", "told_at", "told_by", "told_note", "version"])
        RequestStep.objects.create(request=request, kind=RequestStepKind.TOLD, at=now, by=profile,
                                   department_id=request.department_id, note=body)
        if send_sms and request.case.applicant_phone:
            enqueue_sms(phone=request.case.applicant_phone, kind="COORDINATION_TOLD",
                        text=f"您在{request.desk.name}申请的{request.get_topic_display()}协调（办件{request.case.number}）"
                             f"科室已答复，工作人员已与您联系；如有疑问请到服务中心咨询。",
                        cause=f"coordination:{request.pk}", now=now)
        record(action=AuditAction.CASE_CHANGE, actor=actor, now=now, obj=request.case,
               summary=f"协调单{request.number}的答复已告知患者或家属",
               data={"request": request.number, "sms": bool(send_sms)})
    return request


def withdraw_request(*, actor: User, request_id: int, reason: str, now: dt.datetime) -> CoordinationRequest:
    """The desk withdraws a request it no longer needs. Refuses (400) an empty reason; (404) anyone but the desk's
    staff; (409) a request already told or withdrawn."""
    errors = FieldErrors()
    body = errors.text("reason", reason, 255, "撤回原因")
    if "reason" not in errors.fields and not body:
        errors.add("reason", "请填写撤回原因")
    with audited_atomic():
        request, profile = _desk_request(actor, request_id)
        errors.raise_if_any()
        refusal = policies.withdraw_refusal(request)
        if refusal is not None:
            raise refusal
        if request.status == RequestStatus.OPEN and now > request.due_at:  # withdrawing does not erase a late reply
            record_late([request], now)
        request.status, request.closed_reason = RequestStatus.WITHDRAWN, body
        request.version += 1
        request.save(update_fields=["status", "closed_reason", "version"])
        RequestStep.objects.create(request=request, kind=RequestStepKind.WITHDRAWN, at=now, by=profile,
                                   department_id=request.department_id, note=body)
        record(action=AuditAction.CASE_CHANGE, actor=actor, now=now, obj=request.case,
               summary=f"撤回协调单{request.number}", data={"request": request.number})
    return request


def retire_request_counters(now: dt.datetime) -> int:
    """Drop the request-number sequences of days before yesterday, as ``cases.services.retire_case_counters`` does
    for case numbers. Refuses nothing: a system step run by the scheduler."""
    from django.db.models import Q

    from bianmin.core.counters import retire_sequences

    before = timezone.localdate(now) - dt.timedelta(days=1)
    return retire_sequences(RequestCounter, Q(day__lt=before))


# --- 便民活动 ----------------------------------------------------------------------------------------------------

EVENT_UNIT_KINDS = (UnitKind.COUNTY_CENTER, UnitKind.TOWN_CENTER, UnitKind.VILLAGE_STATION, UnitKind.INSTITUTION_DESK)


def _event_actor(actor: User) -> StaffProfile:
    profile = _profile(actor)
    if profile.unit.kind not in EVENT_UNIT_KINDS or not policies.is_desk_side(actor, profile.unit_id):
        raise Forbidden("只有便民服务中心的工作人员可以组织便民活动")
    return profile


def _locked_event(actor: User, event_id: int) -> tuple[CareEvent, StaffProfile]:
    event = CareEvent.objects.select_for_update().filter(pk=event_id).first()
    profile = staff_profile_of(actor)
    if event is None or profile is None or not policies.is_desk_side(actor, event.unit_id):
        raise NotFound("便民活动不存在")
    return event, profile


def plan_event(*, actor: User, kind: str, title: str, place: str, starts_at: dt.datetime | None,
               ends_at: dt.datetime | None, description: str = "", capacity: int | None = None,
               department_ids: list[int] | None = None, now: dt.datetime) -> CareEvent:
    """Plan a 便民活动 of the actor's center or desk (not yet on the board).

    Refuses (400) an unknown kind, an empty title or place, a start in the past or an end not after it, a capacity
    below 1, a 科室 not of this hospital; (403) anyone but the unit's staff."""
    errors = FieldErrors()
    if kind not in EventKind.values:
        errors.add("kind", "请选择活动类型")
    name = errors.text("title", title, 128, "活动名称")
    if "title" not in errors.fields and not name:
        errors.add("title", "请填写活动名称")
    where = errors.text("place", place, 128, "地点")
    if "place" not in errors.fields and not where:
        errors.add("place", "请填写活动地点")
    text = errors.text("description", description, 2000, "活动内容")
    if starts_at is None:
        errors.add("starts_at", "请填写开始时间")
    elif starts_at <= now:
        errors.add("starts_at", "开始时间应晚于现在")
    if ends_at is None:
        errors.add("ends_at", "请填写结束时间")
    elif starts_at is not None and ends_at <= starts_at:
        errors.add("ends_at", "结束时间应晚于开始时间")
    if capacity is not None and capacity < 1:
        errors.add("capacity", "计划人数至少为1")
    with audited_atomic():
        profile = _event_actor(actor)
        departments = list(Unit.objects.filter(pk__in=department_ids or []))
        if len(departments) != len(set(department_ids or [])) or any(
                d.kind != UnitKind.HOSPITAL_DEPT or d.parent_id != profile.unit_id for d in departments):
            errors.add("departments", "参与科室应为本医院的科室")
        errors.raise_if_any()
        assert starts_at is not None and ends_at is not None
        event = CareEvent.objects.create(unit_id=profile.unit_id, unit_path=profile.unit.path, kind=kind, title=name,
                                         description=text, place=where, starts_at=starts_at, ends_at=ends_at,
                                         capacity=capacity, created_at=now, created_by=profile)
        event.departments.set(departments)
        record(action=AuditAction.CONFIG_CREATE, actor=actor, now=now, obj=event,
               summary=f"登记便民活动：{event.title}", data={"starts_at": starts_at.isoformat(), "kind": kind})
    return event


def publish_event(*, actor: User, event_id: int, now: dt.datetime) -> CareEvent:
    """Put a planned event on the unit's board. Refuses (404) anyone but the unit's staff; (409) an event not
    planned, or one that has already started."""
    with audited_atomic():
        event, _ = _locked_event(actor, event_id)
        refusal = policies.publish_refusal(event, now)
        if refusal is not None:
            raise refusal
        event.status, event.published_at = EventStatus.PUBLISHED, now
        event.save(update_fields=["status", "published_at"])
        record(action=AuditAction.CONFIG_UPDATE, actor=actor, now=now, obj=event,
               summary=f"发布便民活动：{event.title}")
    return event


def record_attendance(*, actor: User, event_id: int, attendance: int | None, summary: str = "",
                      now: dt.datetime) -> CareEvent:
    """Record a held event with how many people came. Refuses (400) a missing or negative count; (404) anyone but
    the unit's staff; (409) an event not published, cancelled, or not yet started."""
    errors = FieldErrors()
    if attendance is None or attendance < 0:
        errors.add("attendance", "请填写参加人数（不小于0）")
    text = errors.text("summary", summary, 2000, "活动小结")
    with audited_atomic():
        event, _ = _locked_event(actor, event_id)
        errors.raise_if_any()
        refusal = policies.attendance_refusal(event, now)
        if refusal is not None:
            raise refusal
        before = event.attendance
        event.status, event.attendance, event.summary = EventStatus.HELD, attendance, text
        event.save(update_fields=["status", "attendance", "summary"])
        record(action=AuditAction.CONFIG_UPDATE, actor=actor, now=now, obj=event,
               summary=f"登记便民活动参加人数：{event.title} {attendance}人",
               data={"before": before, "attendance": attendance})
    return event


def cancel_event(*, actor: User, event_id: int, reason: str, now: dt.datetime) -> CareEvent:
    """Cancel a planned or published event with the reason (shown on the board until its date). Refuses (400) an
    empty reason; (404) anyone but the unit's staff; (409) an event held or cancelled."""
    errors = FieldErrors()
    text = errors.text("reason", reason, 255, "取消原因")
    if "reason" not in errors.fields and not text:
        errors.add("reason", "请填写取消原因")
    with audited_atomic():
        event, _ = _locked_event(actor, event_id)
        errors.raise_if_any()
        refusal = policies.cancel_refusal(event)
        if refusal is not None:
            raise refusal
        event.status, event.cancel_reason = EventStatus.CANCELLED, text
        event.save(update_fields=["status", "cancel_reason"])
        record(action=AuditAction.CONFIG_UPDATE, actor=actor, now=now, obj=event,
               summary=f"取消便民活动：{event.title}", data={"reason": text})
    return event


__all__ = ["DomainError", "PatientView", "answer_request", "cancel_event", "department_responsible",
           "escalate_request", "late_finding", "patient_case_for", "patient_summary", "plan_event", "publish_event",
           "read_patient_health", "record_attendance", "record_late", "record_patient", "refuse_request",
           "send_request", "tell_family", "withdraw_request"]
