"""Who sees which records: supervisors and leaders their scope, every staff member their own.

A record the user may not see is reported exactly like a missing one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.core.errors import NotFound
from bianmin.org.policies import scope_path, staff_profile_of

from .models import Commendation, Violation

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
