"""The sign-in backend: Django's model backend, with the signed-in user reused for a few seconds per process."""
from __future__ import annotations

import copy

from django.contrib.auth.backends import ModelBackend

from bianmin.core.ttlcache import TTLCache

from .policies import IDENTITY_CACHE_SECONDS, roles_of

# User id -> active user (with roles) for IDENTITY_CACHE_SECONDS in this process, like the bearer-token cache:
# any change to users, role grants, profiles or units in this process empties it (signals in apps.py); other
# processes see a deactivation within those seconds (docs/decisions/0010). The session itself is read on every
# request, so a logout ends it at once everywhere.
_session_users = TTLCache(IDENTITY_CACHE_SECONDS)


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        cached = _session_users.get(user_id)
        if cached is None:
            cached = super().get_user(user_id)
            if cached is None:
                return None
            roles_of(cached)
            _session_users.set(user_id, cached)
        return copy.copy(cached)  # each request gets its own object for its per-request attributes
