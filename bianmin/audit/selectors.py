"""Read the audit trail with filters."""
from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries(*, actor: str = "", action: str = "", date_from: dt.date | None = None,
                  date_to: dt.date | None = None, text: str = "") -> QuerySet[AuditEntry]:
    """Return audit rows matching the filters, newest first."""
    qs = AuditEntry.objects.all().order_by("-seq")
    if actor:
        qs = qs.filter(actor_username__icontains=actor)
    if action:
        qs = qs.filter(action=action)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    if text:
        qs = qs.filter(summary__icontains=text)
    return qs
