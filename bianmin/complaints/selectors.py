"""Reads of complaints: the 登记簿 list with its filters, and one complaint's steps. No identity is read here: the
complainant's name and phone come only from ``services.reveal_complainant``."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from bianmin.org.selectors import unit_reference

from .models import Complaint, ComplaintStep
from .policies import visible_complaints

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser


def department_filter(value: str) -> Q:
    """Return the filter of the rows whose ``department`` (涉及科室) is ``value``: a unit code, or a unit id. An
    unknown value matches nothing."""
    return unit_reference(value, "department")


def register_of(user: AnyUser, *, q: str = "", status: str = "", kind: str = "", channel: str = "",
                overdue: bool = False, today: object = None, department: str = "") -> QuerySet[Complaint]:
    """Return the complaints the user may read, newest first, filtered: ``q`` matches the number, the matter and
    the subject (staff name or badge, window number, case number); ``overdue`` keeps unanswered ones past their
    reply date (``today`` given); ``department`` keeps those concerning that hospital 科室 (code or id). Refuses
    nothing: an unknown filter value matches nothing."""
    qs = visible_complaints(user).select_related("unit", "staff", "window", "case", "handler", "department")
    if (department or "").strip():
        qs = qs.filter(department_filter(department))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(matter__icontains=q) | Q(staff__name__icontains=q)
                       | Q(staff__badge_number__iexact=q) | Q(window__number=q) | Q(case__number__iexact=q)
                       | Q(subject_text__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if channel:
        qs = qs.filter(channel=channel)
    if overdue and today is not None:
        qs = qs.filter(replied_at__isnull=True, anonymous=False, reply_due_on__lt=today,
                       status__in=["RECEIVED", "TRANSFERRED", "INVESTIGATING", "HANDLED"])
    return qs.order_by("-received_at", "-id")


def steps_of(complaint: Complaint) -> list[ComplaintStep]:
    """Return the 登记簿 lines of ``complaint`` in order, with who and where."""
    return list(complaint.steps.select_related("by", "unit"))
