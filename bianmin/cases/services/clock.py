"""The decision clock after acceptance: special-procedure pauses (Art. 45) and the one extension (Art. 42)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from bianmin.accounts.policies import require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.catalog.models import SpecialProcedure
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.workdays.selectors import get_calendar

from ..models import Case, CasePause, Extension, ExtensionStatus, NoticeKind
from ..policies import (
    deadline_refusal,
    extension_decision_refusal,
    extension_refusal,
    is_handler_side,
    pause_start_refusal,
)
from . import notify
from .core import acting_ids_for, add_event, issue_notice, locked_case, stamp_warning
from .documents import extension_content, special_content

if TYPE_CHECKING:
    from bianmin.users.types import User


def _require_handler(actor: User, case: Case, now: dt.datetime) -> None:
    require(actor, Perm.HANDLE_CASES)
    if not is_handler_side(actor, case, acting_ids_for(case, timezone.localtime(now).date())):
        raise Forbidden("只有首办负责人（或其B角）可以办理")


def _move(case: Case, working_days: int) -> None:
    """Move both deadlines later by ``working_days`` working days (an accepted case has both)."""
    if working_days <= 0:
        return
    assert case.committed_deadline is not None and case.legal_deadline is not None, "set at acceptance"
    calendar = get_calendar(case.unit.region)
    committed = calendar.add_workdays(case.committed_deadline, working_days)
    legal = calendar.add_workdays(case.legal_deadline, working_days)
    case.committed_deadline, case.legal_deadline = committed.date, legal.date
    case.deadline_provisional = case.deadline_provisional or committed.provisional
    case.legal_deadline_provisional = case.legal_deadline_provisional or legal.provisional


def start_pause(*, actor: User, number: str, kind: str, basis: str, expected_days: int,
                now: dt.datetime) -> CasePause:
    """Start a special procedure the item allows; issues the 特别程序告知书. Pauses never overlap.

    Raises DomainError naming ``kind`` (not a special procedure, or not one the item allows), ``basis`` (empty) or
    ``expected_days`` (1–365); NotFound for a case out of sight; Forbidden without HANDLE_CASES or unless the
    actor is the first handler (or the B acting for them); Conflict unless the case is running, when the item has
    no special procedure, while one is running, or ``deadline_passed`` after the committed deadline."""
    if kind not in SpecialProcedure.values:
        raise DomainError.for_field("kind", "特别程序只能是听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审")
    if not basis.strip():
        raise DomainError.for_field("basis", "请写明依据和原因")
    if not 1 <= int(expected_days) <= 365:
        raise DomainError.for_field("expected_days", "预计所需时间应为1至365个工作日")
    with audited_atomic():
        case = locked_case(actor, number)
        _require_handler(actor, case, now)
        if (refusal := pause_start_refusal(case, timezone.localtime(now).date())) is not None:
            raise refusal
        if kind not in (case.item_version.special_procedures or []):
            raise DomainError.for_field("kind", f"该事项不适用“{SpecialProcedure(kind).label}”特别程序")
        pause = CasePause.objects.create(case=case, county_id=case.county_id, kind=kind, basis=basis.strip()[:255],
                                         expected_days=int(expected_days),
                                         started_on=timezone.localtime(now).date(), started_at=now,
                                         started_by=actor)
        if case.start_due_on is not None:  # starting a special procedure is handling the case
            case.start_due_on = None
            case.save(update_fields=["start_due_on"])
        label = SpecialProcedure(kind).label
        add_event(case, actor=actor, now=now, action="PAUSE_STARTED", opinion=basis.strip(),
                  data={"kind": kind, "expected_days": int(expected_days)})
        issue_notice(case, kind=NoticeKind.SPECIAL, actor=actor, now=now,
                     content=special_content(case, actor, now, label, basis.strip(), int(expected_days)))
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}启动特别程序：{label}", actor=actor,
               obj=case, now=now)
    return pause


def end_pause(*, actor: User, number: str, result: str, now: dt.datetime) -> CasePause:
    """End the open special procedure; the deadlines move by the working days it lasted (start day not counted).

    Raises DomainError naming ``result`` (empty); NotFound for a case out of sight; Forbidden without HANDLE_CASES
    or unless the actor is the first handler's side; Conflict when no special procedure is running."""
    if not result.strip():
        raise DomainError.for_field("result", "请填写特别程序的结果")
    with audited_atomic():
        case = locked_case(actor, number)
        _require_handler(actor, case, now)
        pause = case.pauses.select_for_update().filter(ended_at__isnull=True).first()
        if pause is None:
            raise Conflict("该办件没有正在进行的特别程序")
        ended_on = timezone.localtime(now).date()
        days = max(0, get_calendar(case.unit.region).workdays_between(pause.started_on, ended_on).days)
        pause.ended_on, pause.ended_at, pause.ended_by = ended_on, now, actor
        pause.result, pause.paused_working_days = result.strip()[:255], days
        pause.save()
        _move(case, days)
        case.version += 1
        case.save(update_fields=["committed_deadline", "legal_deadline", "deadline_provisional",
                                 "legal_deadline_provisional", "version",
                                 *stamp_warning(case, timezone.localtime(now).date())])
        add_event(case, actor=actor, now=now, action="PAUSE_ENDED", opinion=result.strip(),
                  data={"kind": pause.kind, "working_days": days,
                        "committed_deadline": case.committed_deadline and case.committed_deadline.isoformat()})
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}特别程序结束，期限顺延{days}个工作日",
               actor=actor, obj=case, now=now)
    return pause


def has_open_pause(case: Case) -> bool:
    """Return whether a special procedure is running (the case cannot be decided then). Refuses nothing."""
    return case.pauses.filter(ended_at__isnull=True).exists()


def request_extension(*, actor: User, number: str, reason: str, now: dt.datetime) -> Extension:
    """Ask once per case for the item's extension; a leader decides (``approve_extension``).

    Raises DomainError naming ``reason`` (empty); NotFound for a case out of sight; Forbidden without HANDLE_CASES
    or unless the actor is the first handler's side; Conflict unless the case is running, when the item allows no
    extension, ``extension_once`` when one was asked already, ``deadline_passed`` after the committed deadline.
    """
    if not reason.strip():
        raise DomainError.for_field("reason", "请填写延期理由")
    with audited_atomic():
        case = locked_case(actor, number)
        _require_handler(actor, case, now)
        v = case.item_version
        if (refusal := extension_refusal(case, timezone.localtime(now).date())) is not None:
            raise refusal
        if not v.extension_days:
            raise Conflict("该事项不允许延期")
        extension = Extension.objects.create(case=case, county_id=case.county_id, reason=reason.strip(),
                                             requested_by=actor, requested_at=now, days=v.extension_days)
        add_event(case, actor=actor, now=now, action="EXTENSION_REQUESTED", opinion=reason.strip())
        notify.extension_requested(extension, case, actor=actor, now=now)
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}申请延期", actor=actor, obj=case, now=now)
    return extension


def _decide_extension(actor: User, extension_id: int, approve: bool, note: str, now: dt.datetime) -> Extension:
    require(actor, Perm.APPROVE)
    extension = Extension.objects.select_related("case").filter(pk=extension_id).first()
    with audited_atomic():
        try:
            if extension is None:
                raise NotFound("")
            case = locked_case(actor, extension.case.number)  # NotFound outside the leader's units
        except NotFound:
            raise NotFound("延期申请不存在") from None  # the same answer whether missing or out of scope
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        if extension.status != ExtensionStatus.PENDING:
            raise Conflict("该延期申请已处理")
        extension.case = case
        if (refusal := extension_decision_refusal(actor, extension)) is not None:
            raise refusal
        if not approve and not note.strip():
            raise DomainError.for_field("note", "不批准延期须说明理由")
        extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        extension.decided_by, extension.decided_at, extension.decision_note = actor, now, note.strip()[:255]
        extension.save()
        if approve:
            if (refusal := deadline_refusal(case, timezone.localtime(now).date(), "批准延期")) is not None:
                raise refusal
            _move(case, extension.days)
            case.version += 1
            case.save(update_fields=["committed_deadline", "legal_deadline", "deadline_provisional",
                                 "legal_deadline_provisional", "version",
                                     *stamp_warning(case, timezone.localtime(now).date())])
            issue_notice(case, kind=NoticeKind.EXTENSION, actor=actor, now=now,
                         content=extension_content(case, actor, now, extension.reason, extension.days))
        add_event(case, actor=actor, now=now, action="EXTENSION_APPROVED" if approve else "EXTENSION_REJECTED",
                  opinion=note.strip(), data={"days": extension.days})
        notify.extension_decided(extension, case, actor=actor, now=now)
        record(action=AuditAction.CASE_CHANGE, summary=f"办件{case.number}延期{'获批准' if approve else '未获批准'}",
               actor=actor, obj=case, now=now)
    return extension


def approve_extension(*, actor: User, extension_id: int, now: dt.datetime, note: str = "") -> Extension:
    """Approve: both deadlines move by the item's extension and a 延期告知书 is issued.

    Raises Forbidden without APPROVE, or unless the actor heads the organ (the people's government for an item
    handled jointly); NotFound for a request missing or out of the leader's sight; Conflict once decided, or
    ``deadline_passed`` after the committed deadline."""
    return _decide_extension(actor, extension_id, True, note, now)


def reject_extension(*, actor: User, extension_id: int, now: dt.datetime, note: str) -> Extension:
    """Reject with a reason.

    Raises Forbidden without APPROVE, or unless the actor heads the organ (as ``approve_extension``); NotFound for
    a request missing or out of the leader's sight; Conflict once decided; DomainError naming ``note`` (empty)."""
    return _decide_extension(actor, extension_id, False, note, now)
