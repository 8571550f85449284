"""Build (once per calendar revision) and hand out the working-day value object per region."""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from bianmin.core.prepared import Prepared
from bianmin.org.models import Region

from .engine import SpecialDay, WorkCalendar
from .models import CalendarDay, CalendarRevision, CalendarYear, DaySource
from .provisional import provisional_rest_days

_cache: dict[int | None, tuple[int, WorkCalendar]] = {}
_lock = threading.Lock()
READ_REVISION_SECONDS = 2.0
_read_revision: dict[str, tuple[float, int]] = {}  # alias -> (when read, revision), for reads outside transactions


# The revision counter's row: a prepared read (bianmin/core/prepared.py), as ``first()`` read it.
_REVISION = Prepared(CalendarRevision, lambda: CalendarRevision.objects.filter(pk=1).order_by("pk")
                     .values_list("revision")[:1])


def current_revision() -> int:
    """Return the calendar revision counter (0 before any change).

    Read once per transaction: a service that computes several dates in one transaction (acceptance: deadlines,
    warning day, 补办 due date) uses one calendar throughout and pays for one read. The remembered value is tied to
    a no-op registered with ``on_commit``, which Django forgets when the transaction (or the savepoint it was
    registered in) commits or rolls back. Outside a transaction (a page showing warnings; nothing is written
    there) a value read in the last ``READ_REVISION_SECONDS`` by this process is used: a calendar change reaches
    the pages within that time, and every write reads the revision afresh in its transaction (issue 16).
    """
    conn = transaction.get_connection()
    memo = getattr(conn, "_bianmin_calendar_revision", None) if conn.in_atomic_block else None
    if memo is not None and any(entry[1] is memo[0] for entry in reversed(conn.run_on_commit)):
        return int(memo[1])
    if not conn.in_atomic_block:  # a page's read: a revision read in the last READ_REVISION_SECONDS will do
        seen = _read_revision.get(conn.alias)
        if seen is not None and time.monotonic() - seen[0] < READ_REVISION_SECONDS:
            return seen[1]
    found = _REVISION.rows()
    revision = (found[0][0] if found else None) or 0
    if not conn.in_atomic_block:
        _read_revision[conn.alias] = (time.monotonic(), revision)
    if conn.in_atomic_block:
        def token() -> None:  # a fresh object per transaction; does nothing when run
            return None

        transaction.on_commit(token)
        conn._bianmin_calendar_revision = (token, revision)
    return revision


def forget_revision_memo() -> None:
    """Drop the revisions remembered for the current transaction and for reads (called when the revision
    changes)."""
    transaction.get_connection()._bianmin_calendar_revision = None
    _read_revision.clear()


def assemble_calendar(*, first_year: int, last_year: int, official_years: Iterable[int],
                      rows: Iterable[tuple[dt.date, str, str, str, int | None]]) -> WorkCalendar:
    """Return the calendar from official years and exception rows ``(date, kind, name, source, region_id)``.

    Years without official data get the provisional rest days (statutory holidays and their 补假); local rows win
    over national ones.
    """
    official = set(official_years)
    special: dict[dt.date, SpecialDay] = {}
    for year in range(first_year, last_year + 1):
        if year not in official:
            for day, name, reason in provisional_rest_days(year):
                special[day] = SpecialDay(day, "REST", name, DaySource.PROVISIONAL, reason)
    listed = list(rows)
    for day, kind, name, source, _region in ([r for r in listed if r[4] is None]
                                             + [r for r in listed if r[4] is not None]):
        special[day] = SpecialDay(day, kind, name, source)
    return WorkCalendar(first_year=first_year, last_year=last_year, official_years=official, special=special)


def build_calendar(region: Region | None = None) -> WorkCalendar:
    """Build the calendar for ``region`` (national when None) from the database: two queries."""
    scope = Q(region__isnull=True)
    if region is not None:
        scope |= Q(region__code__in=[c for c in region.path.split("/") if c])
    rows = (CalendarDay.objects.filter(scope).order_by("date")
            .values_list("date", "kind", "name", "source", "region_id"))
    return assemble_calendar(first_year=settings.BIANMIN["CALENDAR_FIRST_YEAR"],
                             last_year=settings.BIANMIN["CALENDAR_LAST_YEAR"],
                             official_years=CalendarYear.objects.values_list("year", flat=True), rows=rows)


def get_calendar(region: Region | None = None) -> WorkCalendar:
    """Return the cached calendar for ``region``, rebuilding it when the calendar changed."""
    key = region.pk if region is not None else None
    revision = current_revision()
    cached = _cache.get(key)
    if cached is not None and cached[0] == revision:
        return cached[1]
    with _lock:
        calendar = build_calendar(region)
        _cache[key] = (revision, calendar)
    return calendar


def region_by_code(code: str) -> Region | None:
    """Return the region with ``code``, or None."""
    return Region.objects.filter(code=code).first()


def official_years() -> set[int]:
    """Return the years with official national data."""
    return set(CalendarYear.objects.values_list("year", flat=True))


def official_year_rows() -> QuerySet[CalendarYear]:
    """Return the published years, newest first, with who entered them."""
    return CalendarYear.objects.select_related("finalized_by").order_by("-year")


def provisional_years_ahead(on_date: dt.date) -> list[tuple[int, list[SpecialDay]]]:
    """Return this year and next year, those computed by the provisional rule, with their national rest days.

    The rest days are the statutory holidays and their 补假 (each 补假 with its reason), as deadlines use them.
    """
    calendar = get_calendar()
    years = [y for y in (on_date.year, on_date.year + 1)
             if calendar.first_year <= y <= calendar.last_year and calendar.is_provisional_year(y)]
    return [(y, [s for s in calendar.special_days(y) if s.kind == "REST"]) for y in years]
