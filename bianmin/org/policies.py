"""Row scope by the org tree: a staff member sees their own unit and the units below it."""
from __future__ import annotations

from django.db.models import QuerySet

from bianmin.accounts.policies import IDENTITY_CACHE_SECONDS
from bianmin.core.ttlcache import TTLCache

from .models import StaffProfile, Unit

# Profiles (with unit and region) per user id, shared by this process's requests for a few seconds; emptied
# by any change to users, profiles or units here (signals in apps.py).
_profile_cache = TTLCache(IDENTITY_CACHE_SECONDS)


def staff_profile_of(user) -> StaffProfile | None:
    """Return the user's staff profile, or None."""
    if not user or not user.is_authenticated:
        return None
    cached = getattr(user, "_bianmin_profile", False)
    if cached is not False:
        return cached
    # One query with the unit and region, cached on the user object for the rest of the request.
    profile = _profile_cache.get(user.pk, False)
    if profile is False:
        profile = StaffProfile.objects.select_related("unit__region").filter(user_id=user.pk).first()
        _profile_cache.set(user.pk, profile)
    user._bianmin_profile = profile
    return profile


def scope_path(user) -> str | None:
    """Return the unit path prefix the user may see, or None when the user has no unit."""
    profile = staff_profile_of(user)
    return profile.unit.path if profile else None


def visible_units(user) -> QuerySet[Unit]:
    """Return the units inside the user's scope."""
    path = scope_path(user)
    if path is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=path)
