"""Who may see an inquiry: the staff of its unit and of the units above it who handle inquiries or supervise.

An inquiry the user may not see is reported exactly like a missing one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.core.errors import NotFound
from bianmin.org.policies import visible_units

from .models import Inquiry

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser


def visible_inquiries(user: AnyUser) -> QuerySet[Inquiry]:
    """Return the inquiries of the user's unit and below (none without HANDLE_INQUIRIES or SUPERVISE)."""
    if not can(user, Perm.HANDLE_INQUIRIES) and not can(user, Perm.SUPERVISE):
        return Inquiry.objects.none()
    return Inquiry.objects.filter(unit__in=visible_units(user))


def get_inquiry_for(user: AnyUser, number: str, *, for_update: bool = False) -> Inquiry:
    """Return the inquiry ``number`` if the user may see it, locked with ``for_update``; raise NotFound otherwise
    (missing and forbidden alike)."""
    qs = visible_inquiries(user)
    if for_update:
        qs = qs.select_for_update()
    inquiry = qs.filter(number=number).first()
    if inquiry is None:
        raise NotFound("首问登记不存在")
    return inquiry
