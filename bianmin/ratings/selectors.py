"""Reads of ratings for the staff pages and the API. Nothing here returns the evaluator's name or phone: only
``services.reveal_evaluator`` does, audited, to a supervisor (decision 0024)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from bianmin.org.policies import staff_profile_of
from bianmin.org.selectors import unit_reference

from .models import BAD_LEVELS, Rating
from .policies import visible_ratings

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser

RELATED = ("staff", "unit", "window", "case", "inquiry", "relay", "follow_up", "department")


def department_filter(value: str) -> Q:
    """Return the filter of the rows whose ``department`` (涉及科室) is ``value``: a unit code, or a unit id. An
    unknown value matches nothing."""
    return unit_reference(value, "department")


def ratings_for(user: AnyUser, *, bad: bool = False, follow_up: str = "", start: dt.date | None = None,
                end: dt.date | None = None, department: str = "") -> QuerySet[Rating]:
    """Return the ratings the user may see, newest first: only 差评 (``bad``), with a follow-up in status
    ``follow_up`` (or ``LATE``: a step recorded late), rated from ``start`` to ``end`` (local dates, inclusive),
    concerning the hospital 科室 ``department`` (its code or id; ``department_filter``)."""
    qs = visible_ratings(user).select_related(*RELATED)
    if department.strip():
        qs = qs.filter(department_filter(department))
    if bad:
        qs = qs.filter(level__in=BAD_LEVELS)
    if follow_up == "LATE":
        qs = qs.filter(follow_up__isnull=False).exclude(follow_up__visit_late=False, follow_up__rectify_late=False)
    elif follow_up:
        qs = qs.filter(follow_up__status=follow_up)
    if start is not None:
        qs = qs.filter(rated_at__date__gte=start)
    if end is not None:
        qs = qs.filter(rated_at__date__lte=end)
    return qs.order_by("-rated_at", "-id")


def my_ratings(user: AnyUser) -> QuerySet[Rating]:
    """Return the ratings of the user as the staff member rated, newest first."""
    profile = staff_profile_of(user)
    if profile is None:
        return Rating.objects.none()
    return Rating.objects.filter(staff=profile).select_related(*RELATED).order_by("-rated_at", "-id")
