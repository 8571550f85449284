"""Who may do what, by role (row scope by org lives in org.policies)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bianmin.core.errors import Forbidden
from bianmin.core.ttlcache import TTLCache

from .roles import ADMIN_ROLES, ROLE_PERMS, SECOND_FACTOR_ROLES, Perm, Role, group_name

if TYPE_CHECKING:
    from bianmin.users.models import User
    from bianmin.users.types import AnyUser

# Roles per user id, reused across requests of this process for a few seconds and emptied by any change to
# users or role grants here (signals in apps.py); other processes follow within this many seconds.
IDENTITY_CACHE_SECONDS = 5.0
_roles_cache: TTLCache[int, frozenset[Role]] = TTLCache(IDENTITY_CACHE_SECONDS)
# Per-request copies kept on the user object (dropped with it at the end of the request).
_ROLES_ATTR, _PERMS_ATTR = "_bianmin_roles", "_bianmin_perms"


def _perms(user: User) -> frozenset[str]:
    """Return the user's custom permissions from their roles (one query, cached on the user object)."""
    cached: frozenset[str] | None = getattr(user, _PERMS_ATTR, None)
    if cached is None:
        roles = roles_of(user)
        cached = frozenset(str(p) for role in roles for p in ROLE_PERMS[role])
        setattr(user, _PERMS_ATTR, cached)
    return cached


def can(user: AnyUser, perm: Perm) -> bool:
    """Return whether ``user`` is signed in, active and holds ``perm`` (through a role, or as superuser)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or str(perm) in _perms(user)


def permission_key(user: AnyUser) -> tuple[bool, bool, frozenset[str]]:
    """Return what every answer of ``can`` for ``user`` depends on: equal keys, equal answers for every
    permission (a screen may keep what it derived from ``can`` under this key)."""
    if not (user and user.is_authenticated and user.is_active):
        return (False, False, frozenset())
    return (True, bool(user.is_superuser), _perms(user))


def require(user: AnyUser, perm: Perm) -> None:
    """Raise Forbidden unless ``user`` holds ``perm``."""
    if not can(user, perm):
        raise Forbidden("您没有执行此操作的权限")


def roles_of(user: AnyUser) -> set[Role]:
    """Return the roles ``user`` holds (cached on the user object for the request)."""
    if not user or not user.is_authenticated:
        return set()
    cached: frozenset[Role] | None = getattr(user, _ROLES_ATTR, None)
    if cached is None:
        cached = _roles_cache.get(user.pk)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if group_name(role) in names)
        _roles_cache.set(user.pk, cached)
    setattr(user, _ROLES_ATTR, cached)
    return set(cached)


def has_role(user: AnyUser, role: Role) -> bool:
    """Return whether ``user`` holds ``role``."""
    return role in roles_of(user)


def needs_second_factor(user: AnyUser) -> bool:
    """Return whether ``user`` must sign in with a second factor (the administrator roles, leaders,
    supervisors, and any superuser)."""
    if not (user and user.is_authenticated):
        return False
    return user.is_superuser or bool(roles_of(user) & SECOND_FACTOR_ROLES)


def is_admin_role_holder(user: User) -> bool:
    """Return whether ``user`` holds one of the three administrator roles (or is a superuser): resetting their
    password or second factor needs a second security administrator (双人复核)."""
    return user.is_superuser or bool(roles_of(user) & ADMIN_ROLES)


def forget_cached_roles(user: User) -> None:
    """Drop the per-request role and permission caches after a role change."""
    _roles_cache.pop(user.pk)
    for name in (_ROLES_ATTR, _PERMS_ATTR, "_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        if hasattr(user, name):
            delattr(user, name)
