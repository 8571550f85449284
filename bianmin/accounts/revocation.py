"""Ending a user's sessions and API tokens (password change or reset, role change, lock, deactivation)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from bianmin.core.ttlcache import clear_all

from .models import ApiToken

if TYPE_CHECKING:
    from bianmin.users.models import User


def end_sessions_and_tokens(user: User) -> int:
    """Delete every API token of ``user`` and end every session of theirs; return how many tokens ended.

    Sessions end through the user's ``auth_epoch``, which is part of the session hash Django checks on every
    request (``users.models.User._get_session_auth_hash``): incrementing it invalidates every session of the user,
    in every process, whatever the session store. ``user`` is updated in memory too, so a caller that keeps the
    current session (a password change) can store the new hash with ``update_session_auth_hash``.
    Call inside the caller's transaction; the identity caches of this process are emptied at once and on commit
    (other processes follow within ``IDENTITY_CACHE_SECONDS``).
    """
    users = get_user_model().objects.filter(pk=user.pk)
    users.update(auth_epoch=F("auth_epoch") + 1)
    user.auth_epoch = users.values_list("auth_epoch", flat=True).get()
    ended, _ = ApiToken.objects.filter(user_id=user.pk).delete()
    clear_all()  # now, for the rest of this transaction, and again once committed (a read in between re-cached)
    transaction.on_commit(clear_all)
    return ended
