"""The hall's big screen (decision 0025 §4): what it shows and what one poll costs.

The payload is built from the queue's rows (tickets and the counters open now), a few aggregates of today's tickets
and of the center's cases, and the titles of the bulletins in their period. It holds nothing personal about citizens
(no names, phones, ID or case numbers): only ticket numbers, windows, and the staff on duty with their badge numbers,
which are public (上墙公示).

A screen polls with the ETag of what it shows. The ETag is the center's ``HallState.version`` (raised in the same
transaction as every change the screen shows, ``hall.state.bump``) and a time stamp rounded down to
``REFRESH_MINUTES``: that stamp renews the page at midnight and brings the case figures (which do not raise the
version) up to date every few minutes. An unchanged poll answers 304 after one query (``devices.device_for_token``
reads the device and the version together); a changed one takes the payload from Django's cache, where it is built
once per center and ETag for all the center's screens."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.cases.selectors import on_time_counts
from bianmin.core.replica import replayed
from bianmin.core.ttlcache import TTLCache
from bianmin.org.models import Unit

from .models import Bulletin, Counter, Ticket, TicketStatus
from .queue import open_today
from .state import version_of

CALLS_SHOWN = 8  # the last calls of today, newest first
BULLETINS_SHOWN = 20
REFRESH_MINUTES = 5  # the payload is rebuilt at least this often (the case figures, the date)
CACHE_SECONDS = 30 * 60
# Each process also keeps the payloads it used for a minute: a key names a center's version and time stamp, whose
# payload never changes, so a copy kept here cannot go stale. It saves the shared cache's query and unpickling on
# every changed poll (with a change a second, nearly every poll of a screen polling every 2 s).
LOCAL_SECONDS = 60
_local: TTLCache[str, dict[str, Any]] = TTLCache(LOCAL_SECONDS, max_entries=2048)
CURRENT = (TicketStatus.CALLED, TicketStatus.SERVING)


def screen_etag(version: int, now: dt.datetime) -> str:
    """Return the ETag of a center's screen at ``version`` and ``now``: the version and the local time rounded down
    to ``REFRESH_MINUTES``."""
    local = timezone.localtime(now)
    stamp = local.replace(minute=local.minute - local.minute % REFRESH_MINUTES, second=0, microsecond=0)
    return f'"{version}-{stamp:%Y%m%d%H%M}"'


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak or strong) or is ``*``."""
    if not header:
        return False
    wanted = etag.strip()
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == wanted:
            return True
    return False


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(day, dt.time.min, tzinfo=tz),
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def _month_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return (dt.datetime.combine(first, dt.time.min, tzinfo=tz), dt.datetime.combine(following, dt.time.min, tzinfo=tz))


def _hhmm(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment is not None else ""


def _calls(unit: Unit, today: dt.date) -> list[dict[str, Any]]:
    """The last ``CALLS_SHOWN`` calls of today, newest first; ``key`` changes with every call and recall (a ticket put
    back in the queue and called again included)."""
    rows = (Ticket.objects.filter(unit=unit, day=today, last_called_at__isnull=False, window__isnull=False)
            .select_related("window").order_by("-last_called_at", "-id")[:CALLS_SHOWN])
    return [{"key": f"{t.pk}-{t.call_count}-{int(t.last_called_at.timestamp()) if t.last_called_at else 0}",
             "number": t.number, "window": t.window.number if t.window else "",
             "window_name": t.window.name if t.window else "", "at": _hhmm(t.last_called_at), "calls": t.call_count}
            for t in rows]


def _windows(unit: Unit, today: dt.date) -> list[dict[str, Any]]:
    """Who is at each open window (the open counter's clerk) and the ticket called or served there now."""
    counters = list(Counter.objects.filter(open_today(today), window__unit=unit)
                    .select_related("window", "staff").order_by("window__number", "window_id"))
    current: dict[int, Ticket] = {}
    if counters:
        for t in (Ticket.objects.filter(unit=unit, day=today, status__in=CURRENT,
                                        window_id__in=[c.window_id for c in counters])
                  .order_by("window_id", "-last_called_at", "-id")):
            current.setdefault(t.window_id or 0, t)
    windows = []
    for c in counters:
        ticket = current.get(c.window_id)
        windows.append({
            "number": c.window.number, "name": c.window.name, "staff": c.staff.name,
            "badge": c.staff.badge_number, "title": c.staff.title,
            "ticket": ticket.number if ticket is not None else "",
            "ticket_state": ticket.status if ticket is not None else None,
            "ticket_state_label": ticket.get_status_display() if ticket is not None else "",
        })
    return windows


def _counts(unit: Unit, today: dt.date) -> dict[str, Any]:
    """Today's tickets (taken, served, waiting), cases received today, and the month's 按期办结率 as the statistics
    define it (decided on or before the committed deadline ÷ decided, ``stats.selectors``)."""
    tickets = Ticket.objects.filter(unit=unit, day=today).aggregate(
        taken=Count("id"), served=Count("id", filter=Q(status=TicketStatus.DONE)),
        waiting=Count("id", filter=Q(status=TicketStatus.WAITING)))
    day_lo, day_hi = _day_bounds(today)
    month_lo, month_hi = _month_bounds(today)
    received = Case.objects.filter(unit=unit, received_at__gte=day_lo, received_at__lt=day_hi).count()
    decided, on_time = on_time_counts(Case.objects.filter(unit=unit), month_lo, month_hi)
    on_time_rate = round(on_time / decided, 4) if decided else None
    return {"taken": tickets["taken"] or 0, "served": tickets["served"] or 0, "waiting": tickets["waiting"] or 0,
            "cases_received": received, "cases_decided_month": decided, "on_time_rate": on_time_rate}


def _bulletins(unit: Unit, today: dt.date) -> list[dict[str, Any]]:
    rows = (Bulletin.objects.filter(unit=unit, starts_on__lte=today, ends_on__gte=today, withdrawn_at__isnull=True)
            .order_by("-starts_on", "-id").values("id", "kind", "title")[:BULLETINS_SHOWN])
    return [{"id": b["id"], "kind": b["kind"], "title": b["title"]} for b in rows]


def screen_payload(unit: Unit, now: dt.datetime, *, version: int | None = None) -> dict[str, Any]:
    """Return what the center's big screen shows at ``now``: the last calls, who is at each open window and the
    ticket there, today's counts and the month's on-time rate, the bulletins in their period, and the ``version``
    and ``etag`` it was built at (the version read now unless given). A handful of queries; raises nothing."""
    if version is None:
        version = version_of(unit.pk)
    today = timezone.localtime(now).date()
    return {
        "version": version,
        "etag": screen_etag(version, now),
        "unit": unit.name,
        "date": today.isoformat(),
        "built_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "calls": _calls(unit, today),
        "windows": _windows(unit, today),
        "counts": _counts(unit, today),
        "bulletins": _bulletins(unit, today),
    }


def cached_payload(unit: Unit, now: dt.datetime, *, version: int | None = None) -> dict[str, Any]:
    """Return ``screen_payload`` from this process's copies or Django's cache, built once per center and ETag for all
    its screens. The payload is shared by the requests of this process: read it, do not change it."""
    if version is None:
        version = version_of(unit.pk)
    key = payload_key(unit.pk, screen_etag(version, now))
    payload = _local.get(key)
    if payload is None:
        payload = cache.get(key)
        if payload is None:
            # From a read replica only once it has replayed the change that raised the version, or the stale payload
            # would be kept under the new ETag (decision 0027).
            with replayed(lambda: version_of(unit.pk) >= version):
                payload = screen_payload(unit, now, version=version)
            cache.set(key, payload, CACHE_SECONDS)
        _local.set(key, payload)
    return payload


def payload_key(unit_id: int, etag: str) -> str:
    """The cache key of a center's payload at ``etag`` (its version and time stamp: what the payload shows)."""
    return f"hall-screen:{unit_id}:{etag.strip(chr(34))}"
