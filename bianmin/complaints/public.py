"""The complainant's view of a complaint (``/complaints/follow/``): its number, status, the public lines of the
登记簿 and the reply, for whoever holds the number and the query code. Nothing else is read: no staff names, no
investigation notes, no nature or handling opinion, no identity. Anonymous complaints have no code and no view."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from .models import Complaint, ComplaintStatus


@dataclass(frozen=True)
class PublicStep:
    kind: str
    label: str
    unit: str
    words: str
    at: dt.datetime


@dataclass(frozen=True)
class PublicComplaint:
    number: str
    status: str
    status_label: str
    kind_label: str
    unit: str
    received_at: dt.datetime
    reply_due_on: dt.date
    replied_at: dt.datetime | None
    reply: str
    steps: list[PublicStep]


def public_complaint(number: str, code: str) -> PublicComplaint | None:
    """Return the complaint ``number`` as its complainant sees it if ``code`` is its query code, else None (an
    unknown number, a wrong code and an anonymous complaint answer alike)."""
    complaint = (Complaint.objects.select_related("unit").filter(number__iexact=(number or "").strip(),
                                                                   anonymous=False).first())
    given = (code or "").strip().upper()
    if complaint is None or not complaint.query_code or not secrets.compare_digest(
            given.encode(), complaint.query_code.encode()):
        return None
    steps = [PublicStep(kind=s.kind, label=s.get_kind_display(), unit=s.unit.name, words=s.words, at=s.at)
             for s in complaint.steps.filter(public=True).select_related("unit")]
    replied = complaint.status in (ComplaintStatus.REPLIED, ComplaintStatus.ARCHIVED)
    return PublicComplaint(number=complaint.number, status=complaint.status,
                           status_label=complaint.get_status_display(), kind_label=complaint.get_kind_display(),
                           unit=complaint.unit.name, received_at=complaint.received_at,
                           reply_due_on=complaint.reply_due_on, replied_at=complaint.replied_at,
                           reply=complaint.reply if replied else "", steps=steps)
