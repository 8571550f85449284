"""排队等候 statistics (issue 18 item 4): every figure reconciles with the tickets behind it, by hour of day, business
type and window; aggregated in the database (a fixed number of queries whatever the number of tickets)."""
from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bianmin.core.errors import DomainError, NotFound
from bianmin.hall import queue as q
from bianmin.hall.models import Ticket, TicketStatus
from bianmin.hall.tests.queue_helpers import T0, make_hall, minutes, other_county
from bianmin.stats.excel import monthly_workbook
from bianmin.stats.queue import queue_indicators
from bianmin.stats.selectors import indicators

pytestmark = pytest.mark.django_db
MON = T0.date()


def take(hall, kind, minute):
    return q.take_ticket(unit_id=hall.center.pk, service_type_id=kind.pk, now=T0 + minutes(minute), kiosk=True)


@pytest.fixture
def monday(cast, org, django_user_model):
    """Monday's queue at C1 (minutes after 09:00):
    A001 0→called 5 at 01, started 6, finished 16 (wait 5, service 10)
    A002 1→called 7 at 02, finished 19 without a start (wait 6, service 12)
    A003 2→called 16 at 01 (A001 finished by the call), dropped 20 (wait 14)
    A004 70→called 72 at 01, skipped (wait 2)
    B001 75→called 105 at 03, started 106, finished 126 (wait 30, service 20)
    A005 80, never called; plus a ticket on Tuesday and one in another county (outside the report)."""
    hall = make_hall(cast, org)
    a_, b_ = cast["window_a"], cast["window_b"]
    t1, t2, t3 = take(hall, hall.a, 0), take(hall, hall.a, 1), take(hall, hall.a, 2)
    q.call_next(actor=a_, window_id=hall.w1.pk, now=T0 + minutes(5))
    q.start(actor=a_, ticket_id=t1.pk, now=T0 + minutes(6))
    q.call_next(actor=b_, window_id=hall.w2.pk, now=T0 + minutes(7))
    assert q.call_next(actor=a_, window_id=hall.w1.pk, now=T0 + minutes(16)) == t3
    q.finish(actor=b_, ticket_id=t2.pk, now=T0 + minutes(19))
    q.drop(actor=a_, ticket_id=t3.pk, now=T0 + minutes(20))
    t4 = take(hall, hall.a, 70)
    q.call_next(actor=a_, window_id=hall.w1.pk, now=T0 + minutes(72))
    q.skip(actor=a_, ticket_id=t4.pk, now=T0 + minutes(73))
    t5 = take(hall, hall.b, 75)
    q.call_next(actor=b_, window_id=hall.w3.pk, now=T0 + minutes(105))
    q.start(actor=b_, ticket_id=t5.pk, now=T0 + minutes(106))
    q.finish(actor=b_, ticket_id=t5.pk, now=T0 + minutes(126))
    take(hall, hall.a, 80)
    take(hall, hall.a, 24 * 60)  # Tuesday
    far = other_county(django_user_model)
    q.take_ticket(unit_id=far["center"].pk, service_type_id=far["type"].pk, now=T0, kiosk=True)
    return hall


def _minutes(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 60


def expected(rows: list[Ticket]) -> dict[str, Any]:
    """The figures of ``rows`` computed one ticket at a time (what the report must agree with)."""
    called = [t for t in rows if t.status != TicketStatus.WAITING and t.called_at is not None]
    waits = sorted(_minutes(t.called_at - t.ready_at) for t in called if t.called_at)
    served = [t for t in rows if t.status == TicketStatus.DONE]
    services = [_minutes(t.finished_at - start) for t in served
                if t.finished_at and (start := t.serving_at or t.called_at)]
    return {"tickets": len(rows), "served": len(served),
            "dropped": sum(t.status == TicketStatus.NO_SHOW for t in rows),
            "skipped": sum(t.status == TicketStatus.SKIPPED for t in rows), "waited": len(called),
            "avg_wait_minutes": round(sum(waits) / len(waits), 1) if waits else None,
            "p90_wait_minutes": round(waits[math.ceil(0.9 * len(waits)) - 1], 1) if waits else None,
            "avg_service_minutes": round(sum(services) / len(services), 1) if services else None}


def grouped(rows: list[Ticket], key: Callable[[Ticket], Any]) -> dict[Any, dict[str, Any]]:
    groups: dict[Any, list[Ticket]] = {}
    for t in rows:
        groups.setdefault(key(t), []).append(t)
    return {k: expected(v) for k, v in groups.items()}


def figures(row) -> dict[str, Any]:
    data = row.as_dict()
    return {k: v for k, v in data.items() if k not in ("key", "label")}


def test_every_figure_reconciles_with_the_tickets(cast, monday):
    report = queue_indicators(cast["leader"], start=MON, end=MON)
    rows = list(Ticket.objects.filter(unit=monday.center, day=MON))
    assert len(rows) == 6
    assert figures(report.total) == expected(rows)
    hour = {r.key: figures(r) for r in report.hours}
    assert hour == {f"{k:02d}": v for k, v in grouped(rows, lambda t: timezone.localtime(t.issued_at).hour).items()}
    kinds = {r.key: figures(r) for r in report.types}
    assert kinds == {f"C1-{k}": v for k, v in grouped(rows, lambda t: t.service_type.letter).items()}
    windows = {r.key: figures(r) for r in report.windows}
    assert windows == {f"C1-{k}": v for k, v in
                       grouped([t for t in rows if t.window_id], lambda t: t.window.number).items()}


def test_the_known_figures(cast, monday):
    report = queue_indicators(cast["leader"], start=MON, end=MON)
    t = report.total
    assert (t.tickets, t.served, t.dropped, t.skipped, t.waited) == (6, 3, 1, 1, 5)
    assert t.avg_wait_minutes == 11.4  # (5 + 6 + 14 + 2 + 30) ÷ 5
    assert t.p90_wait_minutes == 30.0  # the 5th of 5 (⌈4.5⌉)
    assert t.avg_service_minutes == 14.0  # (10 + 12 + 20) ÷ 3
    assert [(r.key, r.tickets, r.avg_wait_minutes, r.p90_wait_minutes) for r in report.hours] == [
        ("09", 3, 8.3, 14.0), ("10", 3, 16.0, 30.0)]
    assert [(r.label, r.tickets, r.served) for r in report.types] == [
        ("测试县政务服务中心 A 综合受理", 5, 2), ("测试县政务服务中心 B 不动产登记", 1, 1)]
    assert [(r.key, r.tickets, r.served, r.dropped, r.skipped, r.avg_service_minutes) for r in report.windows] == [
        ("C1-01", 3, 1, 1, 1, 10.0), ("C1-02", 1, 1, 0, 0, 12.0), ("C1-03", 1, 1, 0, 0, 20.0)]


def test_scope_and_period(cast, monday, django_user_model):
    assert queue_indicators(cast["leader"], start=MON, end=MON + dt.timedelta(days=1)).total.tickets == 7
    assert queue_indicators(cast["leader"], start=MON, end=MON, unit_code="C1").unit == monday.center
    with pytest.raises(NotFound):
        queue_indicators(cast["leader"], start=MON, end=MON, unit_code="C2")  # another county
    with pytest.raises(DomainError) as exc:
        queue_indicators(cast["leader"], start=MON, end=MON - dt.timedelta(days=1))
    assert list(exc.value.fields) == ["to"]
    empty = queue_indicators(cast["leader"], start=MON - dt.timedelta(days=7), end=MON - dt.timedelta(days=1))
    assert (empty.total.tickets, empty.total.avg_wait_minutes, empty.hours, empty.types, empty.windows) == (
        0, None, [], [], [])


def test_a_fixed_number_of_queries_whatever_the_number_of_tickets(cast, monday):
    queue_indicators(cast["leader"], start=MON, end=MON)  # the leader's profile, read once and kept
    with CaptureQueriesContext(connection) as first:
        queue_indicators(cast["leader"], start=MON, end=MON)
    for minute in range(130, 160):
        take(monday, monday.a, minute)
        q.call_next(actor=cast["window_a"], window_id=monday.w1.pk, now=T0 + minutes(minute + 1))
        q.finish(actor=cast["window_a"], ticket_id=Ticket.objects.get(status=TicketStatus.CALLED).pk,
                 now=T0 + minutes(minute + 1))
    with CaptureQueriesContext(connection) as second:
        report = queue_indicators(cast["leader"], start=MON, end=MON)
    assert report.total.tickets == 36
    assert len(second) == len(first) <= 12


def test_the_excel_report_has_the_queue_sheet(cast, monday):
    report = indicators(cast["leader"], start=MON, end=MON)
    waits = queue_indicators(cast["leader"], start=MON, end=MON)
    wb = openpyxl.load_workbook(io.BytesIO(monthly_workbook(report, queue=waits)))
    ws = wb["排队等候"]
    values = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    assert any(row[:2] == ["合计", 6] for row in values)
    assert any(row[:3] == ["测试县政务服务中心 B 不动产登记", 1, 1] for row in values)
    assert "排队等候" not in openpyxl.load_workbook(io.BytesIO(monthly_workbook(report))).sheetnames
