"""Row scope by the org tree: a staff member sees their own unit and the units below it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from bianmin.accounts.policies import IDENTITY_CACHE_SECONDS
from bianmin.core.ttlcache import TTLCache

from .models import StaffProfile, Unit

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser

# Profiles (with unit and region) per user id, shared by this process's requests for a few seconds; emptied
# by any change to users, profiles or units here (signals in apps.py). None is a cached answer: no profile.
_profile_cache: TTLCache[int, StaffProfile | None] = TTLCache(IDENTITY_CACHE_SECONDS)
_PROFILE_ATTR = "_bianmin_profile"  # the request's copy, kept on the user object
_MISSING = object()


def staff_profile_of(user: AnyUser) -> StaffProfile | None:
    """Return the user's staff profile, or None."""
    if not user or not user.is_authenticated:
        return None
    cached: StaffProfile | None | object = getattr(user, _PROFILE_ATTR, _MISSING)
    if cached is _MISSING:
        # One query with the unit and region, cached on the user object for the rest of the request.
        cached = _profile_cache.get(user.pk, _MISSING)
        if cached is _MISSING:
            cached = StaffProfile.objects.select_related("unit__region").filter(user_id=user.pk).first()
            _profile_cache.set(user.pk, cached)
        setattr(user, _PROFILE_ATTR, cached)
    return cached if isinstance(cached, StaffProfile) else None


def scope_path(user: AnyUser) -> str | None:
    """Return the unit path prefix the user may see, or None when the user has no unit."""
    profile = staff_profile_of(user)
    return profile.unit.path if profile else None


def scope_county(user: AnyUser) -> int | None:
    """Return the county (a region id) the user's scope lies in, or None when the user has no unit.

    A unit's subtree lies in its county (``services.check_unit_county``), so everything in a user's scope does;
    the case queries say it, which routes them to one county's shard (docs/scaling.md)."""
    profile = staff_profile_of(user)
    return profile.unit.county_id if profile else None


def visible_units(user: AnyUser) -> QuerySet[Unit]:
    """Return the units inside the user's scope."""
    path = scope_path(user)
    if path is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=path)
