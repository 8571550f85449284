"""Who sees which records: supervisors and leaders their scope, every staff member their own.

A record the user may not see is reported exactly like a missing one.
"""
from __future__ import annotations

from django.db.models import Q, QuerySet

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.core.errors import NotFound
from bianmin.org.policies import scope_path, staff_profile_of

from .models import Commendation, Violation


def oversees(user) -> bool:
    """Supervisors and leaders see the records of their scope."""
    return can(user, Perm.SUPERVISE) or can(user, Perm.APPROVE)


def visible_violations(user) -> QuerySet[Violation]:
    profile = staff_profile_of(user)
    if profile is None:
        return Violation.objects.none()
    own = Q(staff=profile)
    if oversees(user):
        return Violation.objects.filter(own | Q(unit_path__startswith=scope_path(user)))
    return Violation.objects.filter(own)


def visible_commendations(user) -> QuerySet[Commendation]:
    profile = staff_profile_of(user)
    if profile is None:
        return Commendation.objects.none()
    if oversees(user):
        return Commendation.objects.filter(Q(staff=profile) | Q(unit_path__startswith=scope_path(user)))
    return Commendation.objects.filter(staff=profile)


def get_violation_for(user, pk: int, *, for_update: bool = False) -> Violation:
    qs = visible_violations(user).select_related("staff__user", "unit", "case", "inquiry")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    violation = qs.filter(pk=pk).first()
    if violation is None:
        raise NotFound("过错记录不存在")
    return violation
