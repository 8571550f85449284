"""Reading inquiries: the list with search and the open ones a staff member answers for (who may see which is
in policies, the rules that write them in services)."""
from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from bianmin.core.crypto import blind_index
from bianmin.core.prepared import Arg, Prepared
from bianmin.org.models import Unit, UnitKind
from bianmin.org.policies import staff_profile_of
from bianmin.org.selectors import higher_organs

from .models import EscortVisit, Inquiry, InquiryStatus
from .policies import visible_inquiries

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser


def search_inquiries(user: AnyUser, *, q: str = "", status: str = "", mine: bool = False) -> QuerySet[Inquiry]:
    """Return the visible inquiries, newest first, matching ``q`` (number, caller's name or full phone, matter),
    ``status`` (OPEN or CLOSED) and, with ``mine``, those the user answers for (first responder, receiver, the
    leader it was escalated to or an escort)."""
    qs = visible_inquiries(user).select_related("first_responder", "referred_to", "escalated_to")
    q = unicodedata.normalize("NFKC", q).strip()
    if q:
        match = Q(number=q.upper()) | Q(visitor_name__startswith=q) | Q(matter__contains=q)
        index = blind_index("phone", q)  # the phone is encrypted: a full number, exactly, through its blind index
        qs = qs.filter(match | Q(phone_index=index) if index else match)
    if status in InquiryStatus.values:
        qs = qs.filter(status=status)
    if mine:
        profile = staff_profile_of(user)
        qs = qs.filter(_answers_for(profile)) if profile else qs.none()
    return qs.order_by("-received_at", "-id")


def _answers_for(profile: Any) -> Q:
    """Return the filter of the inquiries ``profile`` (a staff profile's id, or an ``Arg``) answers for: first
    responder, receiver, the leader it was escalated to, or the escort of a visit still awaiting its result."""
    escorting = EscortVisit.objects.filter(escort_id=profile, result_at__isnull=True).values("inquiry_id")
    return (Q(first_responder_id=profile) | Q(referred_to_id=profile) | Q(escalated_to_id=profile)
            | Q(pk__in=escorting))


def _open_for(profile: Any) -> QuerySet[Inquiry]:
    return (Inquiry.objects.filter(_answers_for(profile), status=InquiryStatus.OPEN)
            .select_related("first_responder", "referred_to").order_by("promised_reply_date", "received_at"))


def open_inquiries_for(user: AnyUser) -> QuerySet[Inquiry]:
    """Return the open inquiries the user answers for (as first responder, receiver, the leader it was
    escalated to or the escort of a visit awaiting its result), by promised reply date, oldest first."""
    profile = staff_profile_of(user)
    if profile is None:
        return Inquiry.objects.none()
    return _open_for(profile.pk)


INQUIRY_COLUMNS = ("number", "matter", "outcome", "promised_reply_date")
_OPEN_ROWS = Prepared(Inquiry, lambda limit: _open_for(Arg("me")).values_list(*INQUIRY_COLUMNS)[:limit])


def open_inquiry_rows(user: AnyUser, limit: int = 20) -> list[tuple[Any, ...]]:
    """Return the first ``limit`` of ``open_inquiries_for`` as ``INQUIRY_COLUMNS`` tuples (the workbench's table;
    a prepared read)."""
    profile = staff_profile_of(user)
    return _OPEN_ROWS.rows(limit, me=profile.pk) if profile is not None else []


def escort_destinations(unit: Unit) -> list[Unit]:
    """Return the upper departments a visitor of ``unit`` may be escorted to (信访陪同): the organs above it and the
    departments attached to them (``org.selectors.higher_organs``), and the departments attached to ``unit`` itself
    (at the county center, the county's bureaus), nearest first. An organ outside the system is named in words."""
    own = list(Unit.objects.filter(parent=unit, kind=UnitKind.DEPARTMENT, is_active=True).order_by("code"))
    return own + [u for u in higher_organs(unit) if u.pk not in {o.pk for o in own}]
