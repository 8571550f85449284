"""The hospital desk's step in the scheduled sweep (时限巡检), called by ``bianmin.sweep.services`` through :func:`run`.

A 科室's open request is reminded once when a quarter of its reply time (at least ``WARN_MIN_MINUTES``) is left, and
recorded once when its reply time has passed: the request is marked late (LATE step) and the 科室's answerable
person gets a COORDINATION_LATE violation; the desk's sender and the 科室 are told in their digest. Each batch locks
its rows with ``SKIP LOCKED`` and is one transaction with its audit row; running it again changes nothing. The steps
that join the case read each county's rows with its own statement (``core.batches.locked_county_batches``,
docs/scaling.md).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bianmin.audit.models import AuditAction
from bianmin.audit.services import record
from bianmin.cases.workflow import RUNNING
from bianmin.core.batches import locked_county_batches
from bianmin.org.models import StaffProfile
from bianmin.org.selectors import counties

from .models import CoordinationRequest, ReplyWarning, RequestStatus, RequestStep, RequestStepKind
from .services import record_late, tell_staff

BATCH = 500


def _conf(key: str) -> float:
    return float(settings.BIANMIN["HOSPITAL"][key])


def warn_window(reply_hours: int) -> dt.timedelta:
    """How long before its due time a request is reminded."""
    return max(dt.timedelta(minutes=_conf("WARN_MIN_MINUTES")),
               dt.timedelta(hours=reply_hours) * _conf("WARN_FRACTION"))


def _department_users(rows: list[CoordinationRequest]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for unit_id, user_id in (StaffProfile.objects.filter(unit_id__in={r.department_id for r in rows}, is_active=True)
                             .values_list("unit_id", "user_id")):
        out.setdefault(unit_id, set()).add(user_id)
    return out


Line = tuple[int, str, str, str]


def _lines(rows: list[CoordinationRequest], text_for: Callable[[CoordinationRequest], str], *,
           desk: bool) -> list[Line]:
    users = _department_users(rows)
    lines: list[Line] = []
    for r in rows:
        link, text = f"/staff/hospital/requests/{r.pk}/", text_for(r)
        recipients = set(users.get(r.department_id, set()))
        if desk:
            recipients.add(r.sent_by.user_id)
        lines.extend((uid, "COORDINATION", text, link) for uid in recipients)
    return lines


def close_ended(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Withdraw the open requests of cases that no longer run (decided, withdrawn, returned): nothing is left to
    coordinate, and no 科室 is charged for a reply nobody needs. The 科室 and the sender are told."""
    qs = (CoordinationRequest.objects.filter(status=RequestStatus.OPEN).exclude(case__status__in=RUNNING)
          .select_related("case", "department", "sent_by"))

    def handle(rows: list[CoordinationRequest]) -> int:
        # A reply already late when the case ended stays on record; one that fell due afterwards charges nobody.
        record_late([r for r in rows if r.due_at < (r.case.decided_at or r.case.closed_at or now)], now)
        reason = {r.pk: f"办件已{r.case.get_status_display()}，协调单自动关闭" for r in rows}
        by_reason: dict[str, list[int]] = {}
        for r in rows:  # one update per case status (a handful), not per request
            by_reason.setdefault(reason[r.pk], []).append(r.pk)
        for text, ids in by_reason.items():
            CoordinationRequest.objects.filter(pk__in=ids).update(status=RequestStatus.WITHDRAWN, closed_reason=text,
                                                                  version=F("version") + 1)
        RequestStep.objects.bulk_create([RequestStep(request=r, kind=RequestStepKind.WITHDRAWN, at=now, by=None,
                                                     department_id=r.department_id, note=reason[r.pk])
                                         for r in rows])
        tell_staff(_lines(rows, lambda r: f"协调单{r.number}：{reason[r.pk]}", desk=True), now=now)
        record(action=AuditAction.SWEEP, actor_username="system", now=now,
               summary=f"办件已结束，自动关闭科室协调{len(rows)}件", data={"requests": [r.number for r in rows]})
        return len(rows)

    return locked_county_batches(qs, handle, counties=counties(), keys=("case__county_id",), batch=batch)


def sweep_late_requests(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Record the open requests of running cases whose reply time has passed (once per request and 科室)."""
    qs = (CoordinationRequest.objects.filter(status=RequestStatus.OPEN, due_at__lt=now, case__status__in=RUNNING)
          .exclude(warning_level=ReplyWarning.RED)
          .select_related("case", "department", "sent_by"))

    def handle(rows: list[CoordinationRequest]) -> int:
        count = record_late(rows, now)
        tell_staff(_lines(rows, lambda r: f"协调单{r.number}（{r.department.name}）答复已超时",
                                desk=True), now=now)
        record(action=AuditAction.SWEEP, actor_username="system", now=now,
               summary=f"科室协调答复超时{count}件", data={"requests": [r.number for r in rows]})
        return count

    return locked_county_batches(qs, handle, counties=counties(), keys=("case__county_id",), batch=batch)


def sweep_reminders(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Remind the 科室 of open requests near their due time (once). Reads only open, unreminded requests due within
    the longest reminder window."""
    horizon = now + max(warn_window(int(_conf("REPLY_HOURS_MAX"))), dt.timedelta(minutes=_conf("WARN_MIN_MINUTES")))
    qs = (CoordinationRequest.objects.filter(status=RequestStatus.OPEN, warning_level=ReplyWarning.NONE,
                                             due_at__gte=now, due_at__lte=horizon)
          .select_related("department", "sent_by"))
    total, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(qs.filter(pk__gt=last).select_for_update(skip_locked=True, of=("self",)).order_by("pk")[:batch])
            if not rows:
                return total
            last = rows[-1].pk
            due = [r for r in rows if r.due_at - warn_window(r.reply_hours) <= now]
            if due:
                CoordinationRequest.objects.filter(pk__in=[r.pk for r in due]).update(
                    warning_level=ReplyWarning.YELLOW, version=F("version") + 1)
                tell_staff(_lines(due, lambda r: f"协调单{r.number}将于"
                                        f"{timezone.localtime(r.due_at):%m-%d %H:%M}到期，请尽快答复", desk=False),
                                 now=now)
                record(action=AuditAction.SWEEP, actor_username="system", now=now,
                       summary=f"科室协调即将到期提醒{len(due)}件", data={"requests": [r.number for r in due]})
                total += len(due)
        if len(rows) < batch:
            return total


def run(now: dt.datetime, *, batch: int = BATCH) -> dict[str, int]:
    return {"coordination_closed": close_ended(now=now, batch=batch),
            "coordination_late": sweep_late_requests(now=now, batch=batch),
            "coordination_reminders": sweep_reminders(now=now, batch=batch)}
