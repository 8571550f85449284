"""The case lifecycle as one table: status × action → status, with the permission each needs.

Pure: no database. ``cases.services`` is the only code that applies a transition.
"""
from __future__ import annotations

import enum

from django.db import models

from bianmin.accounts.roles import Perm


class Status(models.TextChoices):
    RECEIVED = "RECEIVED", "已收件"
    SUPPLEMENT = "SUPPLEMENT", "待补正"
    ACCEPTED = "ACCEPTED", "已受理"
    NOT_ACCEPTED = "NOT_ACCEPTED", "不予受理"
    IN_PROGRESS = "IN_PROGRESS", "办理中"
    DECIDED = "DECIDED", "已办结"
    DELIVERED = "DELIVERED", "已送达"
    ARCHIVED = "ARCHIVED", "已归档"
    WITHDRAWN = "WITHDRAWN", "已撤回"
    RETURNED = "RETURNED", "已退件"


class Action(models.TextChoices):
    RECEIVE = "RECEIVE", "收件"
    FIX_ON_SPOT = "FIX_ON_SPOT", "当场更正"
    SERVE_SUPPLEMENT = "SERVE_SUPPLEMENT", "送达补正通知"
    RESUBMIT = "RESUBMIT", "补正后重新提交"
    ACCEPT = "ACCEPT", "受理"
    ACCEPT_IMMEDIATE = "ACCEPT_IMMEDIATE", "即办（受理并当场办结）"
    DEEM_ACCEPTED = "DEEM_ACCEPTED", "逾期视为受理"
    NOT_LICENSED = "NOT_LICENSED", "告知不属于许可事项"
    OUTSIDE_POWERS = "OUTSIDE_POWERS", "不予受理（不属本机关职权）"
    REJECT = "REJECT", "不予受理"
    START = "START", "开始办理"
    DECIDE = "DECIDE", "作出决定"
    DELIVER = "DELIVER", "送达"
    ARCHIVE = "ARCHIVE", "归档"
    WITHDRAW = "WITHDRAW", "申请人撤回"
    RETURN = "RETURN", "退件"


S, A = Status, Action


class Applier(enum.StrEnum):
    """Who applies a transition that no user decides: the law applies it, through the sweep."""

    SYSTEM = "SYSTEM"


SYSTEM = Applier.SYSTEM
Who = Perm | Applier  # the permission column: the permission a user needs, or SYSTEM (no user may)
OPEN_BEFORE_ACCEPTANCE = (S.RECEIVED, S.SUPPLEMENT)

# (from status, action) -> (to status, who). The specification of the lifecycle. Who: the window (HANDLE_CASES)
# before acceptance and the first handler's side after it (policies.may_work_on); a leader (APPROVE) for a 退件
# after acceptance; the law itself (SYSTEM, applied by the sweep) for an application not reviewed in time.
TRANSITIONS: dict[tuple[Status, Action], tuple[Status, Who]] = {
    (S.RECEIVED, A.FIX_ON_SPOT): (S.RECEIVED, Perm.HANDLE_CASES),
    (S.RECEIVED, A.SERVE_SUPPLEMENT): (S.SUPPLEMENT, Perm.HANDLE_CASES),
    (S.SUPPLEMENT, A.RESUBMIT): (S.RECEIVED, Perm.HANDLE_CASES),
    (S.RECEIVED, A.ACCEPT): (S.ACCEPTED, Perm.HANDLE_CASES),
    (S.RECEIVED, A.ACCEPT_IMMEDIATE): (S.DECIDED, Perm.HANDLE_CASES),
    # Art. 32: not told within the intake limit, the application is accepted by law; no clerk can choose it.
    (S.RECEIVED, A.DEEM_ACCEPTED): (S.ACCEPTED, SYSTEM),
    (S.RECEIVED, A.NOT_LICENSED): (S.NOT_ACCEPTED, Perm.HANDLE_CASES),
    (S.RECEIVED, A.OUTSIDE_POWERS): (S.NOT_ACCEPTED, Perm.HANDLE_CASES),
    (S.RECEIVED, A.REJECT): (S.NOT_ACCEPTED, Perm.HANDLE_CASES),
    (S.SUPPLEMENT, A.REJECT): (S.NOT_ACCEPTED, Perm.HANDLE_CASES),
    (S.ACCEPTED, A.START): (S.IN_PROGRESS, Perm.HANDLE_CASES),
    (S.ACCEPTED, A.DECIDE): (S.DECIDED, Perm.HANDLE_CASES),
    (S.IN_PROGRESS, A.DECIDE): (S.DECIDED, Perm.HANDLE_CASES),
    (S.DECIDED, A.DELIVER): (S.DELIVERED, Perm.HANDLE_CASES),
    (S.DELIVERED, A.ARCHIVE): (S.ARCHIVED, Perm.HANDLE_CASES),
    (S.NOT_ACCEPTED, A.ARCHIVE): (S.ARCHIVED, Perm.HANDLE_CASES),
    (S.WITHDRAWN, A.ARCHIVE): (S.ARCHIVED, Perm.HANDLE_CASES),
    (S.RETURNED, A.ARCHIVE): (S.ARCHIVED, Perm.HANDLE_CASES),
    (S.RECEIVED, A.WITHDRAW): (S.WITHDRAWN, Perm.HANDLE_CASES),
    (S.SUPPLEMENT, A.WITHDRAW): (S.WITHDRAWN, Perm.HANDLE_CASES),
    (S.ACCEPTED, A.WITHDRAW): (S.WITHDRAWN, Perm.HANDLE_CASES),
    (S.IN_PROGRESS, A.WITHDRAW): (S.WITHDRAWN, Perm.HANDLE_CASES),
    (S.RECEIVED, A.RETURN): (S.RETURNED, Perm.HANDLE_CASES),
    (S.SUPPLEMENT, A.RETURN): (S.RETURNED, Perm.HANDLE_CASES),
    # After acceptance a 退件 is the leader's decision on the handler's request (ReturnRequest): the leader's
    # approval applies the transition.
    (S.ACCEPTED, A.RETURN): (S.RETURNED, Perm.APPROVE),
    (S.IN_PROGRESS, A.RETURN): (S.RETURNED, Perm.APPROVE),
}

CLOSED = frozenset({S.DECIDED, S.DELIVERED, S.ARCHIVED, S.NOT_ACCEPTED, S.WITHDRAWN, S.RETURNED})
# Statuses whose decision timer runs (deadlines matter).
RUNNING = frozenset({S.ACCEPTED, S.IN_PROGRESS})


def next_status(status: Status | str, action: Action | str) -> Status | None:
    """Return the status after ``action`` from ``status``, or None when the table forbids it."""
    entry = TRANSITIONS.get((Status(status), Action(action)))
    return entry[0] if entry else None


def permission_for(status: Status | str, action: Action | str) -> Who | None:
    """Return who may apply the transition (a permission, or SYSTEM), or None when it is not allowed."""
    entry = TRANSITIONS.get((Status(status), Action(action)))
    return entry[1] if entry else None


def actions_from(status: Status | str) -> list[Action]:
    """Return the actions the table allows from ``status``, in declaration order."""
    return [a for (s, a) in TRANSITIONS if s == Status(status)]


class CaseClass(models.TextChoices):
    """六件制: derived from what happened, never typed in."""

    IMMEDIATE = "IMMEDIATE", "即办件"
    PROMISED = "PROMISED", "承诺件"
    REPORTED = "REPORTED", "上报件"
    URGENT = "URGENT", "急办件"
    DEFERRED = "DEFERRED", "补办件"
    RETURNED = "RETURNED", "退办件"
    PENDING = "PENDING", "未受理"


def derive_class(*, status: str, immediate: bool, urgent: bool, deferred_materials: bool,
                 accepted: bool, returned: bool = False, reported: bool = False) -> CaseClass:
    """Return the case class from the facts of the case.

    ``returned``: the case was not accepted or returned (退件) earlier. It stays a 退办件 once archived.
    ``reported``: a higher organ decides (上报件); that is what the case is, whether urgent or 容缺 too.
    """
    if returned or status in (S.NOT_ACCEPTED, S.RETURNED):
        return CaseClass.RETURNED
    if immediate:
        return CaseClass.IMMEDIATE
    if not accepted:
        return CaseClass.PENDING
    if reported:
        return CaseClass.REPORTED
    if urgent:
        return CaseClass.URGENT
    if deferred_materials:
        return CaseClass.DEFERRED
    return CaseClass.PROMISED
