"""Who sees which records (supervisors and leaders their scope, every staff member their own), and who may take
each step on a record.

A record the user may not see is reported exactly like a missing one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.org.policies import scope_path, staff_profile_of

from .models import Commendation, Violation, ViolationStatus

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser


def oversees(user: AnyUser) -> bool:
    """Supervisors and leaders see the records of their scope."""
    return can(user, Perm.SUPERVISE) or can(user, Perm.APPROVE)


def visible_violations(user: AnyUser) -> QuerySet[Violation]:
    """Return the records about the user, and for a supervisor or leader also those of their scope."""
    profile = staff_profile_of(user)
    if profile is None:
        return Violation.objects.none()
    own = Q(staff=profile)
    if oversees(user):
        return Violation.objects.filter(own | Q(unit_path__startswith=scope_path(user)))
    return Violation.objects.filter(own)


def visible_commendations(user: AnyUser) -> QuerySet[Commendation]:
    """Return the commendations of the user, and for a supervisor or leader also those of their scope."""
    profile = staff_profile_of(user)
    if profile is None:
        return Commendation.objects.none()
    if oversees(user):
        return Commendation.objects.filter(Q(staff=profile) | Q(unit_path__startswith=scope_path(user)))
    return Commendation.objects.filter(staff=profile)


def get_violation_for(user: AnyUser, pk: int, *, for_update: bool = False) -> Violation:
    """Return the record ``pk`` (with staff, unit, case and inquiry; locked with ``for_update``) if the user may see
    it; raise NotFound otherwise."""
    qs = visible_violations(user).select_related("staff__user", "unit", "case", "inquiry")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    violation = qs.filter(pk=pk).first()
    if violation is None:
        raise NotFound("过错记录不存在")
    return violation


# Who may take each step: asked by the services before they write and by the action catalogue
# (``accountability.actions``) before it draws a form. Each returns the refusal, or None.

def record_refusal(user: AnyUser) -> DomainError | None:
    """Supervisors record the violations the sweep cannot detect."""
    if not can(user, Perm.SUPERVISE):
        return Forbidden("只有监督员可以登记过错")
    return None


def commend_refusal(user: AnyUser) -> DomainError | None:
    """Supervisors and leaders record commendations."""
    if not oversees(user):
        return Forbidden("只有监督员或领导可以登记表扬")
    return None


def _about_themselves(user: AnyUser, violation: Violation) -> bool:
    return bool(violation.staff.user_id == user.pk)


def statement_refusal(user: AnyUser, violation: Violation) -> DomainError | None:
    """The staff member files statements (申辩) on their own record, unless it was dismissed."""
    if not _about_themselves(user, violation):
        return Forbidden("只有本人可以提交申辩")
    if violation.status == ViolationStatus.DISMISSED:
        return Conflict("该记录已撤销，无需申辩")
    return None


def _supervision_refusal(user: AnyUser, violation: Violation) -> DomainError | None:
    if not can(user, Perm.SUPERVISE):
        return Forbidden("您没有执行此操作的权限")
    if _about_themselves(user, violation):
        return Forbidden("不能处理与本人有关的过错记录")
    return None


def dismiss_refusal(user: AnyUser, violation: Violation) -> DomainError | None:
    """A supervisor, not the person it is about, dismisses an open record or one awaiting the leader."""
    refusal = _supervision_refusal(user, violation)
    if refusal is None and violation.status not in (ViolationStatus.OPEN, ViolationStatus.PROPOSED):
        return Conflict(f"该记录已{violation.get_status_display()}，不能撤销")
    return refusal


def propose_refusal(user: AnyUser, violation: Violation) -> DomainError | None:
    """A supervisor, not the person it is about, proposes a sanction on an open record."""
    refusal = _supervision_refusal(user, violation)
    if refusal is None and violation.status != ViolationStatus.OPEN:
        return Conflict(f"该记录已{violation.get_status_display()}，不能再提出处理意见")
    return refusal


def decide_refusal(user: AnyUser, violation: Violation) -> DomainError | None:
    """A leader approves or sends back a pending proposal, unless it is about them or they proposed it."""
    if not can(user, Perm.APPROVE):
        return Forbidden("您没有执行此操作的权限")
    if _about_themselves(user, violation):
        return Forbidden("不能审批与本人有关的处理")
    if violation.status != ViolationStatus.PROPOSED:
        return Conflict("该记录没有待审批的处理意见")
    if violation.proposed_by_id == user.pk:
        return Forbidden("提出处理意见的人不能审批自己的意见")
    return None


def reference_refusal(user: AnyUser, violation: Violation) -> DomainError | None:
    """A supervisor, not the person it is about, keeps the reference of a 政务处分 decided elsewhere."""
    return _supervision_refusal(user, violation)
