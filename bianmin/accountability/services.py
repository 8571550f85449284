"""The accountability flow: record → (申辩) → dismiss, or propose a sanction → a leader approves or rejects.

Every function takes ``now``, runs in one transaction, writes an audit row and tells the staff member in-app. Who
may take a step is decided by the ``*_refusal`` functions of ``policies``, asked here before anything is written
(the action catalogue, ``actions``, asks the same ones before it draws a form).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from bianmin.accounts.policies import require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.cases.policies import get_case_for
from bianmin.cases.services import approver_ids
from bianmin.core.errors import DomainError, Forbidden
from bianmin.notifications.services import enqueue_inapp, enqueue_inapp_many
from bianmin.org.models import StaffProfile
from bianmin.org.policies import scope_path, staff_profile_of

from .ladder import sanction_ladder as sanction_ladder  # re-exported: the flat ladder for existing callers
from .ladder import sanctions_for
from .models import (
    SYSTEM_KINDS,
    Commendation,
    Severity,
    Source,
    Statement,
    Violation,
    ViolationKind,
    ViolationStatus,
)
from .policies import (
    commend_refusal,
    decide_refusal,
    dismiss_refusal,
    get_violation_for,
    propose_refusal,
    record_refusal,
    reference_refusal,
    statement_refusal,
)

if TYPE_CHECKING:
    from bianmin.users.models import User


def _refuse(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def _link(violation: Violation) -> str:
    return f"/staff/accountability/{violation.pk}/"


def _tell(violation: Violation, subject: str, text: str, now: dt.datetime) -> None:
    enqueue_inapp(recipient=violation.staff.user, kind="ACCOUNTABILITY", subject=subject, text=text,
                  link=_link(violation), cause=f"violation:{violation.pk}", now=now)


def _staff_in_scope(actor: User, badge_or_id: str | int) -> StaffProfile:
    path = scope_path(actor)
    qs = StaffProfile.objects.select_related("unit", "user")
    staff = (qs.filter(badge_number=str(badge_or_id)).first()
             or (qs.filter(pk=badge_or_id).first() if str(badge_or_id).isdigit() else None))
    if staff is None or path is None or not staff.unit.path.startswith(path):
        raise DomainError.for_field("staff", "请选择本单位范围内的工作人员（上岗证号）")
    return staff


def _clean_evidence(evidence: object) -> list[dict[str, str]]:
    if evidence is None:
        return []
    if not isinstance(evidence, list | tuple):
        raise DomainError.for_field("evidence", "证据应为列表，每项包含名称和链接")
    cleaned = []
    for i, item in enumerate(evidence):
        if not isinstance(item, dict):
            raise DomainError.for_field(f"evidence.{i}", "每项证据须包含名称（label）和链接（url）")
        label = str(item.get("label") or "").strip()[:100]
        url = str(item.get("url") or "").strip()[:255]
        if not label or url.startswith("//") or not url.startswith(("/", "https://", "http://")):
            raise DomainError.for_field(f"evidence.{i}", "证据须有名称，链接须是站内路径或网址")
        cleaned.append({"label": label, "url": url})
    return cleaned


def record_violation(*, actor: User, staff: str | int, kind: str, occurred_on: dt.date, description: str,
                     now: dt.datetime, case_number: str = "", evidence: object = None) -> Violation:
    """A supervisor records a violation the system cannot detect itself (attitude, passing the buck, fees…).

    Raises Forbidden for anyone but a supervisor; DomainError naming ``kind`` (unknown, or one the sweep records),
    ``description``, ``occurred_on`` (after today), ``staff`` (not in the supervisor's scope), ``case_number`` or
    ``evidence``.
    """
    _refuse(record_refusal(actor))
    if kind not in ViolationKind.values:
        raise DomainError.for_field("kind", "过错类型无效")
    if kind in SYSTEM_KINDS:
        raise DomainError.for_field("kind", "以下过错由系统巡检自动登记，不能手工登记："
                                    + "、".join(k.label for k in ViolationKind if k in SYSTEM_KINDS))
    if not description.strip():
        raise DomainError.for_field("description", "请写明情况")
    if occurred_on > timezone.localtime(now).date():
        raise DomainError.for_field("occurred_on", "发生日期不能晚于今天")
    profile = _staff_in_scope(actor, staff)
    case = None
    if case_number.strip():
        try:
            case = get_case_for(actor, case_number.strip())
        except DomainError:
            raise DomainError.for_field("case_number", "办件编号不存在") from None
    cleaned = _clean_evidence(evidence)
    if case is not None:
        cleaned.insert(0, {"label": f"办件 {case.number}", "url": f"/staff/cases/{case.number}/"})
    with audited_atomic():
        violation = Violation.objects.create(
            kind=kind, staff=profile, unit=profile.unit, unit_path=profile.unit.path, occurred_on=occurred_on,
            description=description.strip(), source=Source.SUPERVISOR, case=case, evidence=cleaned,
            created_at=now, created_by=actor)
        _tell(violation, "过错记录通知", f"监督员登记了一条与您有关的过错记录（{violation.get_kind_display()}），"
                                         "您可以查看并提交申辩。", now)
        record(action=AuditAction.ACCOUNTABILITY, summary=f"登记过错：{violation.get_kind_display()}，"
               f"责任人{profile.name}", actor=actor, obj=violation, now=now)
    return violation


@dataclass
class Detected:
    """A violation the sweep found, before it is written."""

    kind: str
    staff_id: int
    occurred_on: dt.date
    description: str
    dedupe_key: str
    case_id: int | None = None
    inquiry_id: int | None = None
    evidence: list[dict[str, str]] = field(default_factory=list)


def record_detected(found: list[Detected], *, now: dt.datetime) -> list[Violation]:
    """Write the sweep's findings that are not yet recorded (one record per fact; call inside a transaction).

    Returns the records created now. Two sweeps at once cannot duplicate: ``dedupe_key`` is unique and
    conflicting inserts are skipped.

    Refuses nothing: a system step run by the sweep (and by an acceptance's recorder); a fact already recorded is
    skipped, not refused.
    """
    if not found:
        return []
    keys = [f.dedupe_key for f in found]
    existing = set(Violation.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    fresh = [f for f in found if f.dedupe_key not in existing]
    if not fresh:
        return []
    staff = StaffProfile.objects.select_related("unit", "user").in_bulk({f.staff_id for f in fresh})
    rows = [Violation(kind=f.kind, staff_id=f.staff_id, unit_id=staff[f.staff_id].unit_id,
                      unit_path=staff[f.staff_id].unit.path, occurred_on=f.occurred_on, description=f.description,
                      source=Source.SYSTEM, case_id=f.case_id, inquiry_id=f.inquiry_id, evidence=f.evidence,
                      dedupe_key=f.dedupe_key, created_at=now) for f in fresh]
    Violation.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(Violation.objects.select_related("staff").filter(
        dedupe_key__in=[f.dedupe_key for f in fresh], created_at=now))
    enqueue_inapp_many([(v.staff.user_id, "ACCOUNTABILITY", "过错记录通知",
                         f"系统巡检登记了一条与您有关的过错记录：{v.description}。您可以查看并提交申辩。", _link(v),
                         f"violation:{v.pk}") for v in created], now=now)
    if created:
        record(action=AuditAction.ACCOUNTABILITY, summary=f"系统巡检登记过错 {len(created)} 条",
               actor_username="system", now=now, data={"ids": [v.pk for v in created][:200]})
    return created


def dismiss_violation(*, actor: User, pk: int, reason: str, now: dt.datetime) -> Violation:
    """A supervisor dismisses an open record, or one awaiting the leader, with a reason (e.g. the delay was the
    applicant's).

    Raises Forbidden (not a supervisor, or the record is about them), NotFound (out of scope), DomainError naming
    ``reason``, Conflict (already dismissed or sanctioned): ``policies.dismiss_refusal``.
    """
    require(actor, Perm.SUPERVISE)  # before the input is looked at (the policy asks again on the record)
    if not reason.strip():
        raise DomainError.for_field("reason", "撤销须写明理由")
    with audited_atomic():
        violation = get_violation_for(actor, pk, for_update=True)
        _refuse(dismiss_refusal(actor, violation))
        violation.status, violation.resolution_note = ViolationStatus.DISMISSED, reason.strip()
        violation.decided_by, violation.decided_at = actor, now
        # A pending proposal falls with the record.
        violation.severity, violation.sanction, violation.sanction_reason = "", "", ""
        violation.save(update_fields=["status", "resolution_note", "decided_by", "decided_at", "severity",
                                      "sanction", "sanction_reason"])
        _tell(violation, "过错记录已撤销", f"与您有关的过错记录已撤销：{reason.strip()}", now)
        record(action=AuditAction.ACCOUNTABILITY, summary=f"撤销过错记录 {violation.pk}", actor=actor,
               obj=violation, now=now, data={"reason": reason.strip()})
    return violation


def _check_proposal(severity: str, sanction: str, reason: str) -> None:
    """Refuse a proposal whose severity, sanction or reason is missing or does not fit (seed Art. 9)."""
    errors: dict[str, list[str]] = {}
    if severity not in Severity.values:
        errors["severity"] = ["请选择情节：" + "、".join(Severity.labels)]
    elif sanction not in sanctions_for(severity):
        errors["sanction"] = [f"{Severity(severity).label}的，处理方式须从以下选择："
                              + "、".join(sanctions_for(severity))]
    if not reason.strip():
        errors["reason"] = ["请写明处理意见"]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first if len(errors) == 1 else "处理意见不完整：" + "；".join(
            m for ms in errors.values() for m in ms), fields=errors)


def propose_sanction(*, actor: User, pk: int, severity: str, sanction: str, reason: str, now: dt.datetime) -> Violation:
    """A supervisor states the severity (情节) and proposes one of its sanctions with a reason; a leader decides.

    Raises DomainError naming ``severity``, ``sanction`` or ``reason``; Forbidden (not a supervisor, or the record
    is about them), NotFound (out of scope), Conflict (not open): ``policies.propose_refusal``.
    """
    require(actor, Perm.SUPERVISE)  # before the input is looked at (the policy asks again on the record)
    _check_proposal(severity, sanction, reason)
    label = Severity(severity).label
    with audited_atomic():
        violation = get_violation_for(actor, pk, for_update=True)
        _refuse(propose_refusal(actor, violation))
        violation.status, violation.severity = ViolationStatus.PROPOSED, severity
        violation.sanction, violation.sanction_reason = sanction, reason.strip()
        violation.proposed_by, violation.proposed_at = actor, now
        violation.save(update_fields=["status", "severity", "sanction", "sanction_reason", "proposed_by",
                                      "proposed_at"])
        _tell(violation, "过错处理意见", f"监督员对您的过错记录提出处理意见：{label}，{sanction}，待领导审批。"
                                         "您可以提交申辩。", now)
        _tell_deciders(violation, actor, now)
        record(action=AuditAction.ACCOUNTABILITY, summary=f"过错记录 {violation.pk} 拟处理：{label}，{sanction}",
               actor=actor, obj=violation, now=now, data={"severity": severity, "sanction": sanction})
    return violation


def _tell_deciders(violation: Violation, actor: User, now: dt.datetime) -> None:
    """Tell every leader who may decide the proposal (``policies.decide_refusal``: a leader whose scope holds the
    record, neither the person it is about nor the proposer), in one query and one insert."""
    leaders = approver_ids(violation.unit_path, exclude=[violation.staff.user_id, actor.pk])
    case = f"，办件 {violation.case.number}" if violation.case_id and violation.case else ""
    text = (f"{violation.staff.name}（{violation.unit.name}）：{violation.get_kind_display()}{case}。监督员"
            f"{_staff_name(actor)}提出处理意见：{violation.get_severity_display()}，拟{violation.sanction}，"
            f"理由：{violation.sanction_reason}。请审批。")
    enqueue_inapp_many([(pk, "SANCTION_PROPOSED", "待审批：过错处理意见", text, _link(violation),
                         f"violation:{violation.pk}") for pk in leaders], now=now)


def _staff_name(user: User) -> str:
    profile = staff_profile_of(user)
    return profile.name if profile else user.get_full_name()


def decide_sanction(*, actor: User, pk: int, approve: bool, now: dt.datetime, note: str = "") -> Violation:
    """A leader approves the proposed sanction, or sends it back to the supervisor with a reason.

    Raises DomainError naming ``note`` (sent back without a reason); Forbidden (not a leader, the record is about
    them or they proposed it), NotFound (out of scope), Conflict (no pending proposal): ``policies.decide_refusal``.
    """
    require(actor, Perm.APPROVE)
    if not approve and not note.strip():
        raise DomainError.for_field("note", "不同意须说明理由")
    with audited_atomic():
        violation = get_violation_for(actor, pk, for_update=True)
        _refuse(decide_refusal(actor, violation))
        proposer = violation.proposed_by
        if approve:
            violation.status = ViolationStatus.SANCTIONED
            violation.decided_by, violation.decided_at = actor, now
            severity = f"（{violation.get_severity_display()}）" if violation.severity else ""
            _tell(violation, "过错处理决定", f"经领导审批，对您的过错记录作出处理：{violation.sanction}{severity}。"
                                             f"理由：{violation.sanction_reason}", now)
        else:  # back to the supervisor; the proposal is withdrawn (its history is in the audit trail)
            violation.status = ViolationStatus.OPEN
            violation.severity, violation.sanction, violation.sanction_reason = "", "", ""
            violation.proposed_by, violation.proposed_at = None, None
            _tell(violation, "过错处理意见已退回", f"领导退回了对您的处理意见：{note.strip()}", now)
        violation.decision_note = note.strip()[:255]
        violation.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "severity", "sanction",
                                      "sanction_reason", "proposed_by", "proposed_at"])
        if proposer is not None and proposer.pk != actor.pk:  # the supervisor learns the leader's answer
            about = f"您对{violation.staff.name}的过错记录（{violation.get_kind_display()}）提出的处理意见"
            text = (f"{about}已获{_staff_name(actor)}批准：{violation.sanction}。" if approve else
                    f"{about}被{_staff_name(actor)}退回，理由：{note.strip()}。记录已重新开放，可再次提出意见。")
            enqueue_inapp(recipient=proposer, kind="SANCTION_DECIDED", now=now, link=_link(violation),
                          cause=f"violation:{violation.pk}", text=text,
                          subject="处理意见已获批准" if approve else "处理意见被退回")
        record(action=AuditAction.ACCOUNTABILITY,
               summary=f"过错记录 {violation.pk} 处理意见{'获批准' if approve else '被退回'}",
               actor=actor, obj=violation, now=now, data={"note": note.strip()})
    return violation


def file_statement(*, actor: User, pk: int, text: str, now: dt.datetime) -> Statement:
    """The staff member files a statement (申辩) on their own record.

    Raises DomainError naming ``text``; NotFound (out of sight), Forbidden (someone else's record), Conflict
    (dismissed): ``policies.statement_refusal``.
    """
    if not text.strip():
        raise DomainError.for_field("text", "请填写申辩内容")
    with audited_atomic():
        violation = get_violation_for(actor, pk, for_update=True)
        _refuse(statement_refusal(actor, violation))
        statement = Statement.objects.create(violation=violation, author=actor, text=text.strip(), at=now)
        record(action=AuditAction.ACCOUNTABILITY, summary=f"过错记录 {violation.pk} 本人提交申辩", actor=actor,
               obj=violation, now=now)
    return statement


def set_external_reference(*, actor: User, pk: int, reference: str, now: dt.datetime) -> Violation:
    """Keep the reference of a 政务处分 decided by the competent body (never decided here).

    Raises Forbidden (not a supervisor, or the record is about them), NotFound (out of scope):
    ``policies.reference_refusal``.
    """
    require(actor, Perm.SUPERVISE)  # a 403 before the record is looked up (the policy asks again on the record)
    with audited_atomic():
        violation = get_violation_for(actor, pk, for_update=True)
        _refuse(reference_refusal(actor, violation))
        violation.external_reference = reference.strip()[:128]
        violation.save(update_fields=["external_reference"])
        record(action=AuditAction.ACCOUNTABILITY, summary=f"过错记录 {violation.pk} 登记政务处分文号",
               actor=actor, obj=violation, now=now, data={"reference": violation.external_reference})
    return violation


def commend(*, actor: User, staff: str | int, reason: str, on_date: dt.date, now: dt.datetime) -> Commendation:
    """Supervisors and leaders record a commendation (表扬).

    Raises Forbidden (anyone else: ``policies.commend_refusal``; or the staff member is the actor), DomainError
    naming ``reason``, ``on_date`` (after today) or ``staff`` (not in scope).
    """
    _refuse(commend_refusal(actor))
    if not reason.strip():
        raise DomainError.for_field("reason", "请写明表扬事由")
    if on_date > timezone.localtime(now).date():
        raise DomainError.for_field("on_date", "日期不能晚于今天")
    profile = _staff_in_scope(actor, staff)
    if profile.pk == getattr(staff_profile_of(actor), "pk", None):
        raise Forbidden("不能表扬本人")
    with audited_atomic():
        item = Commendation.objects.create(staff=profile, unit_path=profile.unit.path, on_date=on_date,
                                           reason=reason.strip(), created_by=actor, created_at=now)
        enqueue_inapp(recipient=profile.user, kind="COMMENDATION", subject="表扬", text=reason.strip(), now=now,
                      link="/staff/accountability/mine/", cause=f"commendation:{item.pk}")
        record(action=AuditAction.ACCOUNTABILITY, summary=f"表扬 {profile.name}", actor=actor, obj=item, now=now)
    return item
