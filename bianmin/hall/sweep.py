"""The hall's steps in the scheduled sweep (时限巡检), called by ``bianmin.sweep.services`` (which sits above this app)
through :func:`run`.

预约办结 (decision 0025 §6) is tracked like a deadline: the working day before the promised date the handler (and the
B of their post) are warned in the digest; a promise whose case ended on or before the promised date is settled as
kept as soon as the sweep sees it; one still open after the promised date (or whose case ended after it) is settled
as late with a 预约办结逾期 violation of the case's first handler (the clerk who received it when it has none).

Each batch locks its rows with ``SKIP LOCKED`` and writes the change, its violations, digest lines and one audit row
in one transaction; running a step again changes nothing. The 预约办结 steps join the case, so each county's rows
are read with their own statement naming it (``core.batches.locked_county_batches``, ``org.selectors.each_county``;
docs/scaling.md).
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bianmin.accountability.models import ViolationKind
from bianmin.accountability.services import Detected, record_detected
from bianmin.audit.models import AuditAction
from bianmin.audit.services import record
from bianmin.cases.models import CasePause
from bianmin.cases.workflow import RUNNING
from bianmin.core.batches import locked_county_batches
from bianmin.notifications.models import DigestItem
from bianmin.notifications.services import add_digest_items
from bianmin.org.selectors import counties, each_county, warning_recipients
from bianmin.workdays.engine import CalendarRangeError
from bianmin.workdays.selectors import get_calendar

from . import booking, queue
from .models import CompletionAppointment, CompletionStatus

BATCH = 500
# The warning goes the working day before the promised date; a long holiday puts that day at most this many natural
# days earlier, so only promises due within it are read.
WARN_HORIZON = dt.timedelta(days=14)
WARN_KIND = "COMPLETION_DUE"  # the digest line's kind: also how a second run knows the warning went
RELATED = ("case__item_version", "case__unit__region")


def _link(a: CompletionAppointment) -> str:
    return f"/staff/cases/{a.case.number}/"


def _text(a: CompletionAppointment) -> str:
    return f"办件{a.case.number}（{a.case.item_version.name}）预约于{a.promised_on:%Y-%m-%d}办结"


def _ended_on(a: CompletionAppointment) -> dt.date | None:
    """The day the case ended (decided, or closed without a decision), or None while it runs."""
    if a.case.status in RUNNING:
        return None
    end = a.case.decided_at or a.case.closed_at or a.given_at  # every end sets one of the two; given_at: a guard
    return timezone.localtime(end).date()


def _paused_now() -> Exists:
    """The case is in a 特别程序 pause now: its promise waits (neither warned nor settled)."""
    return Exists(CasePause.objects.filter(county_id=OuterRef("case__county_id"), case=OuterRef("case"),
                                           ended_at__isnull=True))


def _paused_days(rows: list[CompletionAppointment]) -> dict[int, int]:
    """Return, per promise, the working days of the ended pauses its case started on or after the promise's day
    (one query)."""
    by_case = {a.case_id: a for a in rows}
    totals: dict[int, int] = {}
    counties = sorted({a.case.county_id for a in rows})
    for case_id, started_on, days in (CasePause.objects.filter(county_id__in=counties, case_id__in=by_case,
                                                               ended_at__isnull=False)
                                      .values_list("case_id", "started_on", "paused_working_days")):
        a = by_case[case_id]
        if started_on >= timezone.localtime(a.given_at).date():
            totals[a.pk] = totals.get(a.pk, 0) + days
    return totals


def settle_completion_appointments(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Settle the open promises that can be settled: KEPT when the case ended on or before the promised date (as soon
    as it ended), LATE with a COMPLETION_APPOINTMENT_LATE violation otherwise (the promised date passed with the case
    still running, or it ended after it). Returns how many were settled.

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    due = (CompletionAppointment.objects.filter(status=CompletionStatus.OPEN)
           .filter(~Q(case__status__in=RUNNING) | Q(promised_on__lt=today) & ~_paused_now())
           .select_related(*RELATED))

    def handle(rows: list[CompletionAppointment]) -> int:
        kept: list[CompletionAppointment] = []
        late: list[CompletionAppointment] = []
        moved: list[CompletionAppointment] = []
        paused = _paused_days(rows)
        for a in rows:
            extra = paused.get(a.pk, 0) - a.extended_days
            if extra > 0:  # a pause since the promise: its working days do not count
                a.promised_on = get_calendar(a.case.unit.region).add_workdays(a.promised_on, extra).date
                a.extended_days += extra
                if a.case.status in RUNNING and a.promised_on >= today:
                    moved.append(a)
                    continue
            ended = _ended_on(a)
            on_time = ended is not None and ended <= a.promised_on
            (kept if on_time else late).append(a)
            a.status, a.settled_at = (CompletionStatus.KEPT if on_time else CompletionStatus.LATE), now
        CompletionAppointment.objects.bulk_update(rows, ["status", "settled_at", "promised_on", "extended_days"])
        if moved:
            record(action=AuditAction.SWEEP, actor_username="system", now=now,
                   summary=f"时限巡检：预约办结{len(moved)}件因特别程序顺延",
                   data={"moved": [(a.case.number, a.promised_on.isoformat()) for a in moved][:200]})
        record_detected([Detected(
            kind=ViolationKind.COMPLETION_APPOINTMENT_LATE, staff_id=a.case.first_handler_id or a.case.received_by_id,
            occurred_on=a.promised_on + dt.timedelta(days=1),
            description=f"{_text(a)}，{'逾期才办结' if _ended_on(a) else '逾期未办结'}（原因：{a.reason}）",
            dedupe_key=f"COMPLETION_LATE:case:{a.case_id}", case_id=a.case_id,
            evidence=[{"label": f"办件 {a.case.number}", "url": _link(a)}]) for a in late], now=now)
        if kept or late:
            record(action=AuditAction.SWEEP, summary=f"时限巡检：预约办结{len(kept)}件按约办结、{len(late)}件逾期",
                   actor_username="system", now=now,
                   data={"kept": [a.case.number for a in kept][:200], "late": [a.case.number for a in late][:200]})
        return len(kept) + len(late)

    return locked_county_batches(due, handle, counties=counties(), keys=("case__county_id",), batch=batch)


def warn_completion_appointments(*, now: dt.datetime, batch: int = BATCH) -> int:
    """From the working day before the promised date, tell the case's first handler (or the clerk who received it)
    and the B of their post in the digest, once per promise. Returns how many promises were announced.

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    candidates = (CompletionAppointment.objects.filter(
        status=CompletionStatus.OPEN, case__status__in=RUNNING, promised_on__gte=today,
        promised_on__lte=today + WARN_HORIZON).exclude(_paused_now()).select_related(*RELATED))
    return each_county(candidates, lambda in_county: _warn_batches(in_county, today, now, batch),
                       keys=("case__county_id",))


def _warn_batches(candidates: QuerySet[CompletionAppointment], today: dt.date, now: dt.datetime, batch: int) -> int:
    total, after = 0, 0
    # The rows do not change (the digest line is the mark), so the batches move on by primary key instead of
    # waiting for the rows to leave the query as ``locked_batches`` does.
    while True:
        with transaction.atomic():
            rows = list(candidates.filter(pk__gt=after).select_for_update(skip_locked=True, of=("self",))
                        .order_by("pk")[:batch])
            if rows:
                after = rows[-1].pk
                total += _warn(rows, today, now)
        if len(rows) < batch:
            return total


def _warn(rows: list[CompletionAppointment], today: dt.date, now: dt.datetime) -> int:
    due = []
    for a in rows:
        try:
            starts = get_calendar(a.case.unit.region).workdays_back(a.promised_on, 1)
        except CalendarRangeError:
            starts = a.promised_on
        if starts <= today:
            due.append(a)
    if not due:
        return 0
    staff = {a.pk: a.case.first_handler_id or a.case.received_by_id for a in due}
    by_handler, _ = warning_recipients(set(staff.values()), set())
    told = {a.pk: by_handler.get(staff[a.pk], set()) for a in due}
    sent = set(DigestItem.objects.filter(kind=WARN_KIND, link__in=[_link(a) for a in due],
                                         recipient_id__in={u for ids in told.values() for u in ids})
               .values_list("link", flat=True))
    fresh = [a for a in due if _link(a) not in sent and told[a.pk]]
    if not fresh:
        return 0
    add_digest_items([(uid, WARN_KIND, f"【预约办结提醒】{_text(a)}，请按约办结", _link(a))
                      for a in fresh for uid in told[a.pk]], now=now)
    record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(fresh)}件预约办结将到期", actor_username="system",
           now=now, data={"cases": [a.case.number for a in fresh][:200]})
    return len(fresh)


def run(now: dt.datetime, *, batch: int = BATCH) -> dict[str, int]:
    """Run the hall's sweep steps once; return what each changed. Idempotent and safe on several nodes at once.

    Refuses nothing: called by ``bianmin.sweep.services.run_sweep`` (which logs a failing step's error and retries it
    on the next run)."""
    counts = {
        "completion_settled": settle_completion_appointments(now=now, batch=batch),
        "completion_warned": warn_completion_appointments(now=now, batch=batch),
    }
    counts["no_shows"] = booking.sweep_no_shows(now)
    counts["reminders"] = booking.send_reminders(now)
    counts["counters_closed"] = queue.close_stale_counters(now)
    return counts
