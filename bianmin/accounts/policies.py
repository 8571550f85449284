"""Who may do what, by role (row scope by org lives in org.policies)."""
from __future__ import annotations

from bianmin.core.errors import Forbidden

from .roles import Perm, Role, group_name


def can(user, perm: Perm) -> bool:
    """Return whether ``user`` is signed in, active and holds ``perm``."""
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(str(perm)))


def require(user, perm: Perm) -> None:
    """Raise Forbidden unless ``user`` holds ``perm``."""
    if not can(user, perm):
        raise Forbidden("您没有执行此操作的权限")


def roles_of(user) -> set[Role]:
    """Return the roles ``user`` holds."""
    if not user or not user.is_authenticated:
        return set()
    names = set(user.groups.values_list("name", flat=True))
    return {role for role in Role if group_name(role) in names}


def has_role(user, role: Role) -> bool:
    """Return whether ``user`` holds ``role``."""
    return role in roles_of(user)
