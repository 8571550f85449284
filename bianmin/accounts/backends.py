"""The sign-in backend: Django's model backend, with the signed-in user reused for a few seconds per process."""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.contrib import auth
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare

from bianmin.core.ttlcache import TTLCache

from .policies import IDENTITY_CACHE_SECONDS

if TYPE_CHECKING:
    from bianmin.users.models import User

# User id -> active user for IDENTITY_CACHE_SECONDS in this process, like the bearer-token cache: any change to
# users, role grants, profiles or units in this process empties it (signals in apps.py); other processes see a
# deactivation within those seconds (docs/decisions/0010, 0011). The session itself is read on every request, so
# a logout ends it at once everywhere; a password changed elsewhere is noticed by its session hash (below).
_session_users: TTLCache[Any, User] = TTLCache(IDENTITY_CACHE_SECONDS)

# Per-request attributes the policies cache on a user object; a cached user hands out copies without them, so
# roles come from their own 5-second cache and are never older than that.
_PER_REQUEST = ("_bianmin_roles", "_bianmin_perms", "_bianmin_profile", "_perm_cache", "_group_perm_cache",
                "_user_perm_cache")


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        cached = _session_users.get(user_id)
        if cached is None:
            cached = super().get_user(user_id)
            if cached is None:
                return None
            _session_users.set(user_id, cached)
        user = copy.copy(cached)  # each request gets its own object for its per-request attributes
        for name in _PER_REQUEST:
            user.__dict__.pop(name, None)
        return user


def forget_stale_session_user(request) -> None:
    """Drop this session's cached user when the session's password hash no longer matches it.

    The password was changed (and the session's hash updated) in another process: read the user afresh instead of
    letting Django end a session that is valid.
    """
    try:
        user_id = auth.get_user_model()._meta.pk.to_python(request.session[SESSION_KEY])
    except (KeyError, ValueError, TypeError, ValidationError):
        return
    cached = _session_users.get(user_id)
    session_hash = request.session.get(HASH_SESSION_KEY)
    if cached is not None and session_hash and not constant_time_compare(session_hash,
                                                                          cached.get_session_auth_hash()):
        _session_users.pop(user_id)
