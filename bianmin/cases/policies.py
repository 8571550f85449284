"""Who may see and act on a case. A forbidden case is reported exactly like a missing one."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.core.prepared import starts_with
from bianmin.org.policies import scope_county, scope_path, staff_profile_of

from .models import Case, CasePause, Extension
from .workflow import OPEN_BEFORE_ACCEPTANCE, RUNNING, Action, permission_for

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser

CASE_READERS = (Perm.HANDLE_CASES, Perm.RELAY_CASES, Perm.APPROVE, Perm.SUPERVISE)


def case_scope(user: AnyUser) -> tuple[int | None, str] | None:
    """Return the (county, unit path prefix) of the cases the user may see, or None (no unit or no case role)."""
    path = scope_path(user)
    if path is None or not any(can(user, p) for p in CASE_READERS):
        return None
    return scope_county(user), path


def scoped_cases(county: Any, path: Any) -> QuerySet[Case]:
    """Return the cases of the unit subtree at ``path`` in ``county`` (values, or ``Arg`` placeholders of a
    prepared read: one definition of the scope for both)."""
    return Case.objects.filter(county_id=county).filter(starts_with("unit_path", path))


def visible_cases(user: AnyUser) -> QuerySet[Case]:
    """Return the cases of the user's unit and the units below it (none without a unit or a case role).

    They lie in the user's county (a unit's subtree does): saying so routes every case query of a user to one
    county's shard on Citus (docs/scaling.md) and costs nothing on a single database."""
    scope = case_scope(user)
    return Case.objects.none() if scope is None else scoped_cases(*scope)


def get_case_for(user: AnyUser, number: str, *, for_update: bool = False) -> Case:
    """Return the case ``number`` if the user may see it; raise NotFound otherwise (missing or forbidden).

    Its pinned item version (with item, materials and fees) is the shared read-only copy of
    ``catalog.selectors.pinned_version``.
    """
    from bianmin.catalog.selectors import pinned_version

    qs = visible_cases(user).select_related("unit__region")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    case = qs.filter(number=number).first()
    if case is None:
        raise NotFound("办件不存在")
    case.item_version = pinned_version(case.item_version_id)
    return case


def is_handler_side(user: AnyUser, case: Case, acting_ids: set[int] | None = None) -> bool:
    """Return whether the user is the first handler or acts for them today (B while A is away).

    Leaders do not handle cases; they approve transfers (and, later, extensions and sanctions).
    """
    profile = staff_profile_of(user)
    if profile is None:
        return False
    if case.first_handler_id in (None, profile.pk):
        return True
    return bool(acting_ids and profile.pk in acting_ids)


def can_transition(user: AnyUser, case: Case, action: Action, *, acting_ids: set[int] | None = None) -> bool:
    """Return whether the table allows ``action`` now and the user holds its permission for this case."""
    perm = permission_for(case.status, action)
    if perm is None or not isinstance(perm, Perm) or not can(user, perm):  # SYSTEM rows: no user applies them
        return False
    if perm == Perm.APPROVE:  # a leader's decision: scope is the gateway's (get_case_for), not the handler's
        return True
    return may_work_on(user, case, acting_ids)


def may_work_on(user: AnyUser, case: Case, acting_ids: set[int] | None = None) -> bool:
    """Return whether the user may act on the case at all (decision 0002 §7): before acceptance any window
    clerk of the receiving unit (not of the units above it); after acceptance the first handler's side."""
    if case.status in OPEN_BEFORE_ACCEPTANCE:
        profile = staff_profile_of(user)
        return profile is not None and profile.unit_id == case.unit_id
    return is_handler_side(user, case, acting_ids)


def require_transition(user: AnyUser, case: Case, action: Action, *, acting_ids: set[int] | None = None) -> None:
    """Raise Conflict when the table forbids ``action`` now, Forbidden when the user may not do it."""
    if permission_for(case.status, action) is None:
        raise Conflict(f"办件当前状态为“{case.get_status_display()}”，不能执行“{action.label}”")
    if not can_transition(user, case, action, acting_ids=acting_ids):
        raise Forbidden(f"您不能对该办件执行“{action.label}”")


# ---- Rules outside the transition table: decided here once, asked by the services (which refuse) and by the
# action catalogue (which shows a button only when the answer is None). Each returns the refusal, or None. ----

FEE_STATUSES = frozenset({"RECEIVED", "SUPPLEMENT", "ACCEPTED", "IN_PROGRESS", "DECIDED"})
UPLOAD_STATUSES = frozenset({"RECEIVED", "SUPPLEMENT", "ACCEPTED", "IN_PROGRESS"})
DEFERRED_OPEN_STATUSES = frozenset({"ACCEPTED", "IN_PROGRESS", "DECIDED"})


def immediate_refusal(case: Case) -> Conflict | None:
    """即办: the item's class is 即办 or its committed limit where the case was received is 0 — never a 上报件."""
    from bianmin.catalog.models import CaseClass as ItemClass

    v = case.item_version
    if v.default_class == ItemClass.REPORTED:
        return Conflict("上报件须由上级机关作出决定，不能即办")
    if v.default_class == ItemClass.IMMEDIATE or v.committed_limit_at(case.unit.kind) == 0:
        return None
    return Conflict("该事项不是即办件，承诺时限不为0，须受理后按时限办理")


def fee_refusal(case: Case) -> Conflict | None:
    """Fees are recorded from receipt until the decision; never after delivery or on a case that ended unserved."""
    if case.status not in FEE_STATUSES:
        return Conflict("办件已送达、归档或终止，不能再登记收费")
    if not case.item_version.fees.all():
        return Conflict("该事项没有收费标准，不得收费")
    return None


def upload_refusal(case: Case) -> Conflict | None:
    """Materials are uploaded while the case is open (before the decision)."""
    return None if case.status in UPLOAD_STATUSES else Conflict("办件已办结或终止，不能再上传材料")


def running_refusal(case: Case, what: str) -> Conflict | None:
    """Transfers, pauses, extensions and return requests need an accepted case not yet decided."""
    return None if case.status in RUNNING else Conflict(f"只有已受理、尚未办结的办件可以{what}")


def transfer_refusal(case: Case) -> Conflict | None:
    """A transfer needs a running case with no transfer awaiting approval."""
    if (refusal := running_refusal(case, "移交")) is not None:
        return refusal
    if any(t.status == "PENDING" for t in case.transfers.all()):
        return Conflict("该办件已有待审批的移交申请")
    return None


def return_request_refusal(case: Case) -> Conflict | None:
    """A 退件 after acceptance is requested once at a time; before acceptance the window returns directly."""
    if case.status not in RUNNING:
        return Conflict("只有已受理、尚未办结的办件可以申请退件；受理前的退件由窗口直接办理")
    if any(r.status == "PENDING" for r in case.return_requests.all()):
        return Conflict("该办件已有待审批的退件申请")
    return None


def open_pause_of(case: Case) -> CasePause | None:
    """Return the special procedure in progress, or None."""
    return next((p for p in case.pauses.all() if p.ended_at is None), None)


def deadline_refusal(case: Case, today: dt.date, what: str) -> Conflict | None:
    """Pauses and extensions are decided within the period (Art. 42, 45): a missed deadline stays missed."""
    if case.committed_deadline and today > case.committed_deadline:
        return Conflict(f"承诺办结日期（{case.committed_deadline:%Y-%m-%d}）已过，不能再{what}", code="deadline_passed")
    return None


def pause_start_refusal(case: Case, today: dt.date) -> Conflict | None:
    """A special procedure starts on a running case of an item that lists one, one at a time, before the
    committed deadline has passed."""
    if (refusal := running_refusal(case, "启动特别程序") or deadline_refusal(case, today, "启动特别程序")) is not None:
        return refusal
    if not case.item_version.special_procedures:
        return Conflict("该事项没有规定特别程序")
    if open_pause_of(case) is not None:
        return Conflict("已有正在进行的特别程序，须先结束才能启动新的")
    return None


def pause_end_refusal(case: Case) -> Conflict | None:
    return None if open_pause_of(case) is not None else Conflict("该办件没有正在进行的特别程序")


def extension_refusal(case: Case, today: dt.date) -> Conflict | None:
    """One extension per case, where the item allows it, asked before the committed deadline has passed."""


    if (refusal := running_refusal(case, "申请延期")) is not None:
        return refusal
    if not case.item_version.extension_allowed or not case.item_version.extension_days:
        return Conflict("该事项不允许延期")
    try:
        case.extension  # noqa: B018 - a reverse one-to-one: present or not
    except Extension.DoesNotExist:
        pass
    else:
        return Conflict("每个办件只能申请一次延期，该办件已申请过", code="extension_once")
    return deadline_refusal(case, today, "申请延期")


def deferred_open(case: Case) -> bool:
    """Whether the case waits for 补办 materials promised at acceptance (容缺受理)."""
    return bool(case.deferred_materials and case.deferred_supplied_at is None
                and case.status in DEFERRED_OPEN_STATUSES)


def deferred_supply_refusal(case: Case) -> Conflict | None:
    return None if deferred_open(case) else Conflict("该办件没有待补交的补办材料")


def deferred_exception_refusal(case: Case) -> Conflict | None:
    if not deferred_open(case):
        return Conflict("该办件没有待补交的补办材料")
    return Conflict("已批准未补齐先行送达") if case.deferred_exception_at else None


def supplement_serve_refusal(case: Case, today: dt.date) -> DomainError | None:
    """A drafted 补正通知书 with at least one line can be served, within the intake limit (after it the
    application is accepted by law, Art. 32)."""
    draft = next((n for n in case.notices.all() if n.kind == "SUPPLEMENT" and not n.issued_at), None)
    if draft is None or not draft.lines.all():
        return DomainError.for_field("lines", "补正通知书还没有列出任何需补正的材料")
    if case.intake_deadline and today > case.intake_deadline:
        return Conflict(f"已超过补正告知期限（{case.intake_deadline:%Y-%m-%d}），依法视为受理，请直接受理",
                        code="intake_deadline_passed")
    return None


def grant_refusal(case: Case, certificate_number: str) -> DomainError | None:
    """Why a grant (准予, or 即办 on the spot) cannot be recorded as given: an item whose result is a certificate or
    card (``ItemVersion.issues_certificate``) records the certificate's number."""
    version = case.item_version
    if version.issues_certificate and not certificate_number.strip():
        return DomainError.for_field("certificate_number", f"该事项准予后出具“{version.result_name}”，请填写证照编号")
    return None


def decide_refusal(case: Case) -> Conflict | None:
    """No decision while a special procedure runs or a 退件 request waits for the leader."""
    if open_pause_of(case) is not None:
        return Conflict("特别程序进行中，结束后才能作出决定", code="paused")
    if any(r.status == "PENDING" for r in case.return_requests.all()):
        return Conflict("退件申请正待领导审批，审批后才能作出决定", code="return_pending")
    return None


def deliver_refusal(case: Case) -> Conflict | None:
    """A 补办件's result waits for the missing material unless a leader let it go first."""
    if case.deferred_materials and case.deferred_supplied_at is None and case.deferred_exception_at is None:
        return Conflict(f"补办材料尚未补齐（补交期限{case.deferred_due_date:%Y-%m-%d}）：补交后即可领取办理结果；"
                        "确需先行送达的，须经领导批准", code="deferred_outstanding")
    return None


def direct_return_refusal(case: Case) -> Conflict | None:
    """The window returns a case directly only before acceptance (after it, a leader approves a request)."""
    return None if case.status in OPEN_BEFORE_ACCEPTANCE else Conflict(
        "已受理的办件退件须经领导批准：请提交退件申请", code="return_needs_approval")


def extension_decision_refusal(user: AnyUser, extension: Extension) -> DomainError | None:
    """An extension is decided by the head of the organ (机关负责人), or of the people's government (本级人民政府
    负责人) for a joint item (联办, 行政许可法 Art. 42)."""
    from bianmin.org.models import HeadOf

    profile = staff_profile_of(user)
    needed = extension_deciders(extension.case)
    if profile is None or profile.head_of not in needed:
        return Forbidden("延期须由机关负责人批准" if HeadOf.ORGAN in needed
                         else "联办事项的延期须由本级人民政府负责人批准")
    return None


def extension_deciders(case: Case) -> frozenset[str]:
    """Return the 负责人身份 (``org.models.HeadOf``) that may decide an extension of ``case``: the organ's head or the
    government's, only the government's for a joint item (the leaders told of a request: ``services.notify``)."""
    from bianmin.org.models import HeadOf

    joint = bool(case.item_version.joint_units.all())  # prefetched on the approvals page
    return frozenset({HeadOf.GOVERNMENT} if joint else {HeadOf.ORGAN, HeadOf.GOVERNMENT})
