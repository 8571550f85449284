"""The center's change counter for the big screens (decision 0025 §4): every change a screen shows (a ticket, a call,
a bulletin, a counter opened) raises ``HallState.version`` in the same transaction, so a screen's poll answers
"nothing new" after one primary-key read."""
from __future__ import annotations

import datetime as dt

from django.db.models import F

from .models import HallState


def bump(unit_id: int, now: dt.datetime) -> None:
    """Raise the center's version (call inside the transaction that makes the change)."""
    if not HallState.objects.filter(unit_id=unit_id).update(version=F("version") + 1, changed_at=now):
        HallState.objects.get_or_create(unit_id=unit_id, defaults={"version": 1, "changed_at": now})


def version_of(unit_id: int) -> int:
    """Return the center's current version (0 before any change)."""
    return HallState.objects.filter(unit_id=unit_id).values_list("version", flat=True).first() or 0
