"""Who may see an inquiry (the staff of its unit and of the units above it who handle inquiries or supervise), and
who may take each step on it.

An inquiry the user may not see is reported exactly like a missing one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from bianmin.accounts.policies import can
from bianmin.accounts.roles import Perm
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.org.policies import staff_profile_of, visible_units

from .models import EscortVisit, Inquiry, InquiryStatus

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser


def visible_inquiries(user: AnyUser) -> QuerySet[Inquiry]:
    """Return the inquiries of the user's unit and below (none without HANDLE_INQUIRIES or SUPERVISE), and those the
    user was assigned to escort (信访陪同: the escort may work at a station below the inquiry's center)."""
    if not can(user, Perm.HANDLE_INQUIRIES) and not can(user, Perm.SUPERVISE):
        return Inquiry.objects.none()
    scope = Q(unit__in=visible_units(user))
    profile = staff_profile_of(user)
    if profile is not None and can(user, Perm.HANDLE_INQUIRIES):
        scope |= Q(pk__in=EscortVisit.objects.filter(escort=profile).values("inquiry_id"))
    return Inquiry.objects.filter(scope)


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

def pending_escort(inquiry: Inquiry) -> EscortVisit | None:
    """Return the escort visit of ``inquiry`` still awaiting its result, or None (reads ``escorts`` prefetched)."""
    return next((v for v in inquiry.escorts.all() if v.result_at is None), None)


def _escort_pending(inquiry: Inquiry) -> DomainError | None:
    visit = pending_escort(inquiry)
    if visit is None:
        return None
    return Conflict(f"已指派{visit.escort.name}于{visit.visit_date:%Y-%m-%d}陪同前往{visit.destination_name}，"
                    "请先登记陪同结果")


def outcome_refusal(user: AnyUser, inquiry: Inquiry) -> DomainError | None:
    """The first responder records how the inquiry was handled, until it is closed; not while an escort visit
    awaits its result."""
    if inquiry.status == InquiryStatus.CLOSED:
        return Conflict("该首问登记已办结")
    if not can(user, Perm.HANDLE_INQUIRIES):
        return Forbidden("您没有登记首问的权限")
    if inquiry.first_responder is None or inquiry.first_responder.user_id != user.pk:
        return Forbidden("只有首问责任人可以登记处理方式")
    return _escort_pending(inquiry)


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
    """The first responder, the receiver of a referral or the leader it was escalated to closes it, once; not while
    an escort visit awaits its result (recording the result closes it then)."""
    if inquiry.status == InquiryStatus.CLOSED:
        return Conflict("该首问登记已办结")
    if not can(user, Perm.HANDLE_INQUIRIES):
        return Forbidden("您没有登记首问的权限")
    people = (inquiry.first_responder, inquiry.referred_to, inquiry.escalated_to)
    if not any(p is not None and p.user_id == user.pk for p in people):
        return Forbidden("只有首问责任人、接收人或报请处理的领导可以办结")
    return _escort_pending(inquiry)


def escort_result_refusal(user: AnyUser, inquiry: Inquiry) -> DomainError | None:
    """The escort or the first responder records what came of an escort visit, once, while the inquiry is open."""
    if inquiry.status == InquiryStatus.CLOSED:
        return Conflict("该首问登记已办结")
    visit = pending_escort(inquiry)
    if visit is None:
        return Conflict("没有待登记结果的陪同")
    if not can(user, Perm.HANDLE_INQUIRIES):
        return Forbidden("您没有登记首问的权限")
    if user.pk not in (visit.escort.user_id, inquiry.first_responder.user_id):
        return Forbidden("只有陪同人员或首问责任人可以登记陪同结果")
    return None
