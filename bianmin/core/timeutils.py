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


# Every date the system deals with lies in this century; outside it, date arithmetic (a period, a month's end)
# overflows. Interfaces refuse such input with a message instead of a 500 (issue 11 item 8).
EARLIEST_DATE, LATEST_DATE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def require_plausible_dates(field: str, *values: dt.date | None) -> None:
    """Raise DomainError naming ``field`` unless each given date lies between EARLIEST_DATE and LATEST_DATE."""
    from .errors import DomainError

    if any(v is not None and not EARLIEST_DATE <= v <= LATEST_DATE for v in values):
        raise DomainError.for_field(field, f"日期应在 {EARLIEST_DATE} 至 {LATEST_DATE} 之间")
