"""排队等候 statistics (issue 18 item 4): the queue's tickets of a period by hour of day, business type and window.

Definitions (a ticket counts for a user whose scope, or the unit chosen inside it, prefixes its center's path; the
period is the tickets' day, from ``start`` to ``end`` inclusive):
- 取号 tickets: the tickets taken (kiosk, staff, appointment check-in) on those days.
- 办结 served: of those, the ones finished at a window (已办结); 过号 dropped: the ones the window dropped after the
  calls (过号); 跳过 skipped: passed over and not put back. A ticket put back in the queue (重新排队) counts by what
  became of it afterwards.
- 等候时间 wait = first call − the moment it joined the call order (``called_at − ready_at``: an appointment's wait
  starts 2 minutes before its slot, not when it checked in early), over the called tickets (called, served, dropped
  or skipped; a ticket put back and still waiting is not counted). Average and P90 (nearest rank: the smallest wait
  that at least 90 % of the called tickets did not exceed), in minutes.
- 办理时长 service = end − start of service (``finished_at − serving_at``, or from the call when the service was not
  started explicitly), over the served tickets; the average in minutes.
Grouping: hour = the local hour the ticket was taken; type = its business type (with its center); window = the window
that called it (tickets never called have none and appear only in the hours, types and total).
Every figure is an aggregate in SQL: one grouped query per grouping for the counts and averages and one for the P90
(a window function ranks the waits inside each group and the row at the 90 % rank is kept), plus the labels.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Window
from django.db.models.functions import Ceil, Coalesce, ExtractHour, RowNumber

from bianmin.hall.models import Ticket, TicketStatus
from bianmin.org.models import Unit

from .selectors import check_period, scope_unit

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser

GROUPINGS = {"hour": "时段", "type": "业务类型", "window": "窗口"}
CALLED = (TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.DONE, TicketStatus.SKIPPED, TicketStatus.NO_SHOW)
P90 = 0.9
WAIT = ExpressionWrapper(F("called_at") - F("ready_at"), output_field=DurationField())
SERVICE = ExpressionWrapper(F("finished_at") - Coalesce("serving_at", "called_at"), output_field=DurationField())
WAITED = Q(status__in=CALLED, called_at__isnull=False)
SERVED = Q(status=TicketStatus.DONE, finished_at__isnull=False, called_at__isnull=False)


def _minutes(value: Any) -> float | None:
    """A duration from the database (a timedelta; microseconds on a backend without intervals) in minutes."""
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value) / 1_000_000
    return round(seconds / 60, 1)


@dataclass
class QueueRow:
    key: str
    label: str
    tickets: int = 0
    served: int = 0
    dropped: int = 0
    skipped: int = 0
    waited: int = 0  # the called tickets the waits are taken over
    avg_wait_minutes: float | None = None
    p90_wait_minutes: float | None = None
    avg_service_minutes: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "tickets": self.tickets, "served": self.served,
                "dropped": self.dropped, "skipped": self.skipped, "waited": self.waited,
                "avg_wait_minutes": self.avg_wait_minutes, "p90_wait_minutes": self.p90_wait_minutes,
                "avg_service_minutes": self.avg_service_minutes}


@dataclass
class QueueReport:
    start: dt.date
    end: dt.date
    unit: Unit | None
    total: QueueRow
    hours: list[QueueRow] = field(default_factory=list)
    types: list[QueueRow] = field(default_factory=list)
    windows: list[QueueRow] = field(default_factory=list)


def _figures() -> dict[str, Any]:
    return {"tickets": Count("id"), "served": Count("id", filter=Q(status=TicketStatus.DONE)),
            "dropped": Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
            "skipped": Count("id", filter=Q(status=TicketStatus.SKIPPED)), "waited": Count("id", filter=WAITED),
            "avg_wait": Avg(WAIT, filter=WAITED), "avg_service": Avg(SERVICE, filter=SERVED)}


def _row(key: str, label: str, r: dict[str, Any], p90: Any) -> QueueRow:
    return QueueRow(key=key, label=label, tickets=r["tickets"], served=r["served"], dropped=r["dropped"],
                    skipped=r["skipped"], waited=r["waited"], avg_wait_minutes=_minutes(r["avg_wait"]),
                    p90_wait_minutes=_minutes(p90), avg_service_minutes=_minutes(r["avg_service"]))


def _p90(tickets: QuerySet[Ticket], group: str | None) -> dict[Any, Any]:
    """Return the P90 wait of each group (nearest rank), in one query: the waits ranked inside their group, and the
    row whose rank is ⌈0.9 × the group's count⌉ kept."""
    partition = [F(group)] if group else []
    ranked = (tickets.filter(WAITED).annotate(wait=WAIT).annotate(
        rank=Window(RowNumber(), partition_by=partition, order_by=[F("wait").asc(), F("pk").asc()]),
        size=Window(Count("id"), partition_by=partition))
        .annotate(target=Ceil(F("size") * P90)).filter(rank=F("target")))
    return {row[group] if group else None: row["wait"] for row in ranked.values(*([group] if group else []), "wait")}


def queue_indicators(user: AnyUser, *, start: dt.date, end: dt.date, unit_code: str = "") -> QueueReport:
    """Compute the queue's figures for the user's scope (or one unit inside it) over [start, end].

    Raises NotFound for a unit out of sight (or a user without a unit); DomainError naming ``to`` or ``from`` for
    reversed or implausible dates, or a period over a year."""
    check_period(start, end)
    path, unit = scope_unit(user, unit_code)
    tickets = Ticket.objects.filter(unit__path__startswith=path, day__gte=start, day__lte=end)

    total_p90 = _p90(tickets, None).get(None)
    total = _row("", "合计", tickets.aggregate(**_figures()), total_p90)

    by_hour = tickets.annotate(hour=ExtractHour("issued_at"))
    hour_p90 = _p90(by_hour, "hour")
    hours = [_row(f"{r['hour']:02d}", f"{r['hour']:02d}:00—{r['hour']:02d}:59", r, hour_p90.get(r["hour"]))
             for r in by_hour.values("hour").annotate(**_figures()).order_by("hour")]

    type_p90 = _p90(tickets, "service_type_id")
    types = [_row(f"{r['unit__code']}-{r['service_type__letter']}",
                  f"{r['unit__name']} {r['service_type__letter']} {r['service_type__name']}", r,
                  type_p90.get(r["service_type_id"]))
             for r in tickets.values("service_type_id", "service_type__letter", "service_type__name", "unit__code",
                                     "unit__name", "unit__path")
             .annotate(**_figures()).order_by("unit__path", "service_type__position", "service_type__letter")]

    called = tickets.filter(window__isnull=False)
    window_p90 = _p90(called, "window_id")
    windows = [_row(f"{r['unit__code']}-{r['window__number']}",
                    f"{r['unit__name']} {r['window__number']}号窗口 {r['window__name']}", r,
                    window_p90.get(r["window_id"]))
               for r in called.values("window_id", "window__number", "window__name", "unit__code", "unit__name",
                                      "unit__path")
               .annotate(**_figures()).order_by("unit__path", "window__number")]
    return QueueReport(start=start, end=end, unit=unit, total=total, hours=hours, types=types, windows=windows)
