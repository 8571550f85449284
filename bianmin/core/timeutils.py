"""Time helpers: the only place interfaces read the clock; services take ``now`` as an argument."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """Return the current aware datetime (for interfaces; services take ``now``)."""
    return timezone.now()


def local_date(moment: dt.datetime) -> dt.date:
    """Return the calendar date of ``moment`` in the project's time zone."""
    return timezone.localtime(moment).date()


def today() -> dt.date:
    """Return today's date in the project's time zone."""
    return local_date(now())
