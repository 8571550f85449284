"""Who may see an inquiry (the staff of its unit and of the units above it who handle inquiries or supervise), and
who may take each step on it.

An inquiry the user may not see is reported exactly like a missing one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.org.policies import visible_units

from .models import Inquiry, InquiryStatus

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


# Who may take each step on an inquiry: asked by the services before they write and by the action catalogue
# (``inquiries.actions``) before it draws a form. Each returns the refusal, or None.

def outcome_refusal(user: AnyUser, inquiry: Inquiry) -> DomainError | None:
    """The first responder records how the inquiry was handled, until it is closed."""
    if inquiry.status == InquiryStatus.CLOSED:
        return Conflict("该首问登记已办结")
    if not can(user, Perm.HANDLE_INQUIRIES):
        return Forbidden("您没有登记首问的权限")
    if inquiry.first_responder is None or inquiry.first_responder.user_id != user.pk:
        return Forbidden("只有首问责任人可以登记处理方式")
    return None


def acknowledge_refusal(user: AnyUser, inquiry: Inquiry) -> DomainError | None:
    """The receiver of a referral (or of the materials passed on) confirms it, once, while it is open."""
    if inquiry.status == InquiryStatus.CLOSED:
        return Conflict("该首问登记已办结")
    if not can(user, Perm.HANDLE_INQUIRIES) or inquiry.referred_to is None or inquiry.referred_to.user_id != user.pk:
        return Forbidden("只有接收人可以确认")
    if inquiry.referral_acknowledged_at:
        return Conflict("已确认接收")
    return None


def close_refusal(user: AnyUser, inquiry: Inquiry) -> DomainError | None:
    """The first responder, the receiver of a referral or the leader it was escalated to closes it, once."""
    if inquiry.status == InquiryStatus.CLOSED:
        return Conflict("该首问登记已办结")
    if not can(user, Perm.HANDLE_INQUIRIES):
        return Forbidden("您没有登记首问的权限")
    people = (inquiry.first_responder, inquiry.referred_to, inquiry.escalated_to)
    if not any(p is not None and p.user_id == user.pk for p in people):
        return Forbidden("只有首问责任人、接收人或报请处理的领导可以办结")
    return None
