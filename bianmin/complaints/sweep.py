"""The sweep's step for complaints: the reply to a named complainant is due on ``reply_due_on`` (DOMAIN.md §2.9).

Yellow the day before the due date and on it (the handler is told in the digest); after it a 投诉答复超时 violation
of the handler, once per complaint; a complaint answered late before the sweep saw it is recorded the same way.
Anonymous complaints have no reply and are not swept. A complaint nobody took up yet (no handler) is told to the
leaders above its unit, and its late reply is recorded against the unit's 首席责任人 (else the nearest leader)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bianmin.accountability.models import ViolationKind
from bianmin.accountability.services import Detected, record_detected
from bianmin.audit.models import AuditAction
from bianmin.audit.services import record
from bianmin.core.batches import locked_batches
from bianmin.notifications.services import add_digest_items
from bianmin.org.models import StaffProfile
from bianmin.org.selectors import chief_responsible, warning_recipients

from .models import OPEN_STATUSES, Complaint, ReplyWarning

BATCH = 500




def _link(c: Complaint) -> str:
    return f"/staff/complaints/{c.number}/"


def _text(c: Complaint) -> str:
    return f"投诉{c.number}（{c.get_kind_display()}）答复期限{c.reply_due_on:%Y-%m-%d}"


def _leaders_of(rows: list[Complaint]) -> dict[str, list[StaffProfile]]:
    """The nearest leaders above each complaint's unit, lowest badge first (one query for the batch)."""
    by_path = warning_recipients(set(), {c.unit_path for c in rows})[1]
    profiles = {p.user_id: p for p in StaffProfile.objects.filter(
        user_id__in={u for ids in by_path.values() for u in ids}).order_by("badge_number")}
    return {path: sorted((profiles[u] for u in ids if u in profiles), key=lambda p: p.badge_number)
            for path, ids in by_path.items()}


def _told(c: Complaint, leaders: dict[str, list[StaffProfile]]) -> list[int]:
    """Who is told of a complaint's deadline: its handler, or (nobody took it up) the leaders above its unit."""
    if c.handler is not None:
        return [c.handler.user_id]
    return [p.user_id for p in leaders.get(c.unit_path, [])]


def _charged(rows: list[Complaint], leaders: dict[str, list[StaffProfile]]) -> dict[int, int]:
    """Per complaint, the staff profile its late reply is recorded against: its handler; when nobody took it up, the
    unit's 首席责任人, else the nearest leader (lowest badge). A unit with neither is left for the next run."""
    chiefs: dict[int, StaffProfile | None] = {}
    found: dict[int, int] = {}
    for c in rows:
        if c.handler_id is not None:
            found[c.pk] = c.handler_id
            continue
        if c.unit_id not in chiefs:
            chiefs[c.unit_id] = chief_responsible(c.unit)
        chief = chiefs[c.unit_id] or next(iter(leaders.get(c.unit_path, [])), None)
        if chief is not None:
            found[c.pk] = chief.pk
    return found


def sweep_complaint_replies(now: dt.datetime, batch: int = BATCH) -> int:
    """Warn of named complaints whose reply falls due, and record the late ones (see the module docstring).

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    named_open = Complaint.objects.filter(anonymous=False, replied_at__isnull=True, status__in=OPEN_STATUSES)
    yellow = named_open.filter(warning_level=ReplyWarning.NONE, reply_due_on__lte=today + dt.timedelta(days=1),
                               reply_due_on__gte=today)
    late = named_open.filter(warning_level__in=[ReplyWarning.NONE, ReplyWarning.YELLOW], reply_due_on__lt=today)
    answered_late = Complaint.objects.filter(warning_level=ReplyWarning.LATE)
    related = ("handler__user", "unit")

    def warn(rows: list[Complaint]) -> int:
        Complaint.objects.filter(pk__in=[c.pk for c in rows]).update(warning_level=ReplyWarning.YELLOW)
        leaders = _leaders_of([c for c in rows if c.handler_id is None])
        add_digest_items([(user_id, "YELLOW", f"【黄色预警】{_text(c)}", _link(c))
                          for c in rows for user_id in _told(c, leaders)], now=now)
        record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(rows)}件投诉将到答复期限", actor_username="system",
               now=now, data={"complaints": [c.pk for c in rows][:200]})
        return len(rows)

    def record_late(rows: list[Complaint]) -> int:
        leaders = _leaders_of([c for c in rows if c.handler_id is None])
        charged = _charged(rows, leaders)
        Complaint.objects.filter(pk__in=[c.pk for c in rows if c.pk in charged]).update(
            warning_level=ReplyWarning.RED)
        # The key names the unit and the due date: a complaint transferred after one late reply is the receiving
        # unit's anew, and its own lateness is recorded too.
        record_detected([Detected(
            kind=ViolationKind.COMPLAINT_REPLY_LATE, staff_id=charged[c.pk],
            occurred_on=c.reply_due_on + dt.timedelta(days=1),
            description=f"{_text(c)}，" + (f"逾期答复，原因：{c.late_reason}" if c.replied_at else "逾期未答复")
                        + ("" if c.handler_id else "（无人受理，记入单位负责人）"),
            dedupe_key=f"COMPLAINT_LATE:{c.pk}:{c.unit_id}:{c.reply_due_on:%Y%m%d}", case_id=c.case_id,
            evidence=[{"label": f"投诉 {c.number}", "url": _link(c)}]) for c in rows if c.pk in charged], now=now)
        add_digest_items([(user_id, "RED", f"【投诉答复超时】{_text(c)}", _link(c))
                          for c in rows if c.replied_at is None for user_id in _told(c, leaders)], now=now)
        record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(rows)}件投诉答复超时", actor_username="system",
               now=now, data={"complaints": [c.pk for c in rows][:200]})
        return len(rows)

    return (locked_batches(late.select_related(*related), record_late, batch=batch)
            + locked_batches(answered_late.select_related(*related), record_late, batch=batch)
            + locked_batches(yellow.select_related(*related), warn, batch=batch))
