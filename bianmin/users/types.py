"""Type names for the people the rules are asked about (annotations only; import under ``TYPE_CHECKING``).

``User`` (``bianmin.users.models.User``) is who acts: every service's ``actor`` is signed in. ``AnyUser`` is who
asks what they may see or do: a page's ``request.user`` may be anonymous, and the policies answer "nothing" for it.
"""
from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from .models import User

AnyUser: TypeAlias = User | AnonymousUser

__all__ = ["AnyUser", "User"]
