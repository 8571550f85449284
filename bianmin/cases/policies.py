"""Who may see and act on a case. A forbidden case is reported exactly like a missing one."""
from __future__ import annotations

from django.db.models import QuerySet

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.core.errors import Conflict, Forbidden, NotFound
from bianmin.org.policies import scope_path, staff_profile_of

from .models import Case
from .workflow import OPEN_BEFORE_ACCEPTANCE, Action, permission_for

CASE_READERS = (Perm.HANDLE_CASES, Perm.RELAY_CASES, Perm.APPROVE, Perm.SUPERVISE)


def visible_cases(user) -> QuerySet[Case]:
    """Return the cases of the user's unit and the units below it (none without a unit or a case role)."""
    path = scope_path(user)
    if path is None or not any(can(user, p) for p in CASE_READERS):
        return Case.objects.none()
    return Case.objects.filter(unit_path__startswith=path)


def get_case_for(user, number: str, *, for_update: bool = False) -> Case:
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


def is_handler_side(user, case: Case, acting_ids: set[int] | None = None) -> bool:
    """Return whether the user is the first handler or acts for them today (B while A is away).

    Leaders do not handle cases; they approve transfers (and, later, extensions and sanctions).
    """
    profile = staff_profile_of(user)
    if profile is None:
        return False
    if case.first_handler_id in (None, profile.pk):
        return True
    return bool(acting_ids and profile.pk in acting_ids)


def can_transition(user, case: Case, action: Action, *, acting_ids: set[int] | None = None) -> bool:
    """Return whether the table allows ``action`` now and the user holds its permission for this case."""
    perm = permission_for(case.status, action)
    if perm is None or not can(user, perm):
        return False
    if perm == Perm.APPROVE:  # a leader's decision: scope is the gateway's (get_case_for), not the handler's
        return True
    return may_work_on(user, case, acting_ids)


def may_work_on(user, case: Case, acting_ids: set[int] | None = None) -> bool:
    """Return whether the user may act on the case at all (decision 0002 §7): before acceptance any window
    clerk of the receiving unit (not of the units above it); after acceptance the first handler's side."""
    if case.status in OPEN_BEFORE_ACCEPTANCE:
        profile = staff_profile_of(user)
        return profile is not None and profile.unit_id == case.unit_id
    return is_handler_side(user, case, acting_ids)


def require_transition(user, case: Case, action: Action, *, acting_ids: set[int] | None = None) -> None:
    """Raise Conflict when the table forbids ``action`` now, Forbidden when the user may not do it."""
    if permission_for(case.status, action) is None:
        raise Conflict(f"办件当前状态为“{case.get_status_display()}”，不能执行“{action.label}”")
    if not can_transition(user, case, action, acting_ids=acting_ids):
        raise Forbidden(f"您不能对该办件执行“{action.label}”")
