"""The sweep's rating steps (called by ``bianmin.sweep.services``, which sits above this app): late 差评 follow-ups
and the optional default rating (decision 0024).

Each batch locks its rows with ``SKIP LOCKED`` and writes the change, its violations, digest lines and one audit row
in one transaction; running a step again changes nothing. A statement on the case tables names the county
(docs/scaling.md): the default ratings read each county's cases with its own statement
(``core.batches.locked_county_batches``); a follow-up reads its case's number by the rated unit's county.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from bianmin.accountability.models import ViolationKind
from bianmin.accountability.services import Detected, record_detected
from bianmin.audit.models import AuditAction
from bianmin.audit.services import record
from bianmin.cases.models import Case
from bianmin.core.batches import locked_batches, locked_county_batches
from bianmin.notifications.services import add_digest_items
from bianmin.org.models import StaffProfile
from bianmin.org.selectors import chief_responsible, counties, warning_recipients
from bianmin.workdays.selectors import get_calendar

from .models import BadRatingFollowUp, Channel, FollowUpStatus, Level, Rating, Subject

BATCH = 500
# The yellow of a step is announced the working day before its due date; a long holiday puts that day at most this
# many natural days earlier, so only follow-ups due within it are read.
YELLOW_HORIZON = dt.timedelta(days=14)




def _link(follow_up: BadRatingFollowUp) -> str:
    return f"/staff/ratings/{follow_up.rating_id}/"


def _text(follow_up: BadRatingFollowUp) -> str:
    rating = follow_up.rating
    number = getattr(follow_up, "case_number", "") or getattr(rating.inquiry or rating.relay, "number", "")
    return f"{rating.staff.name}的{rating.get_level_display()}评价（{rating.get_subject_display()}{number}）"


def _with_case_numbers(rows: list[BadRatingFollowUp]) -> list[BadRatingFollowUp]:
    """Attach ``case_number`` to the follow-ups of case ratings: one query keyed by the rated units' counties (a
    case is rated at its own unit)."""
    ids = {f.rating.case_id for f in rows if f.rating.case_id}
    numbers = dict(Case.objects.filter(county_id__in=sorted({f.rating.unit.county_id for f in rows}), pk__in=ids)
                   .values_list("pk", "number")) if ids else {}
    for f in rows:
        f.case_number = numbers.get(f.rating.case_id or 0, "")  # type: ignore[attr-defined]
    return rows


def _step(follow_up: BadRatingFollowUp) -> tuple[str, dt.date]:
    """Return the step now due (回访 or 整改) and its due date."""
    if follow_up.status == FollowUpStatus.VISIT:
        return "回访", follow_up.visit_due_on
    return "整改", follow_up.rectify_due_on


def _leaders(paths: set[str]) -> dict[str, set[int]]:
    """Return the user ids of the nearest leaders above each unit path (who follow the unit's 差评 up)."""
    return warning_recipients(set(), paths)[1]


def _responsible(follow_ups: list[BadRatingFollowUp]) -> dict[int, int]:
    """Return, per follow-up, the staff profile a late step is recorded against: the 首席责任人 of the rated unit,
    else the nearest leader above it (the lowest badge number). A unit with neither is left out."""
    leaders = _leaders({f.rating.unit_path for f in follow_ups})
    profiles = dict(StaffProfile.objects.filter(user_id__in={u for ids in leaders.values() for u in ids})
                    .order_by("-badge_number").values_list("user_id", "pk"))
    found: dict[int, int] = {}
    chiefs: dict[int, Any] = {}  # one lookup per rated unit, not per follow-up
    for f in follow_ups:
        if f.rating.unit_id not in chiefs:
            chiefs[f.rating.unit_id] = chief_responsible(f.rating.unit)
        chief = chiefs[f.rating.unit_id]
        if chief is not None:
            found[f.pk] = chief.pk
            continue
        ids = sorted(profiles[u] for u in leaders.get(f.rating.unit_path, set()) if u in profiles)
        if ids:
            found[f.pk] = ids[0]
    return found


def _late_steps(f: BadRatingFollowUp, today: dt.date) -> list[str]:
    """Return the steps of ``f`` that are late and not yet recorded: "visit", "rectify"."""
    steps = []
    visited = timezone.localtime(f.visited_at).date() if f.visited_at else None
    if not f.visit_late and (visited or today) > f.visit_due_on:
        steps.append("visit")
    rectified = timezone.localtime(f.rectified_at).date() if f.rectified_at else None
    if not f.rectify_late and (rectified or today) > f.rectify_due_on:
        steps.append("rectify")
    return steps


def sweep_rating_follow_ups(*, now: dt.datetime, batch: int = BATCH) -> int:
    """The follow-ups of real-name 差评: yellow the working day before the 回访 or 整改 due date (a digest line to the
    leaders who follow the rated unit up), and after it a 差评回访或整改超时 record (one per follow-up and step) with
    the follow-up's ``visit_late`` / ``rectify_late`` flag; a step done late before the sweep saw it (marked LATE by
    its service) is recorded the same way.

    Refuses nothing: a system step run by the sweep."""
    today = timezone.localtime(now).date()
    related = ("rating__staff", "rating__unit__region", "rating__inquiry", "rating__relay")
    late = BadRatingFollowUp.objects.filter(
        Q(status=FollowUpStatus.VISIT, visit_late=False, visit_due_on__lt=today)
        | Q(status__in=[FollowUpStatus.VISIT, FollowUpStatus.RECTIFY], rectified_at__isnull=True, rectify_late=False,
            rectify_due_on__lt=today))
    done_late = BadRatingFollowUp.objects.filter(warning_level="LATE")
    yellow = BadRatingFollowUp.objects.filter(
        Q(status=FollowUpStatus.VISIT, visit_due_on__gte=today, visit_due_on__lte=today + YELLOW_HORIZON)
        | Q(status=FollowUpStatus.RECTIFY, rectified_at__isnull=True, rectify_due_on__gte=today,
            rectify_due_on__lte=today + YELLOW_HORIZON), warning_level="")

    def record_late(rows: list[BadRatingFollowUp]) -> int:
        rows = _with_case_numbers(rows)
        responsible = _responsible(rows)
        found, changed = [], []
        for f in rows:
            if f.pk not in responsible:
                continue  # nobody to record it against yet: retried by the next run
            for step in _late_steps(f, today):
                label, due = ("回访", f.visit_due_on) if step == "visit" else ("整改", f.rectify_due_on)
                found.append(Detected(
                    kind=ViolationKind.RATING_FOLLOW_UP_LATE, staff_id=responsible[f.pk],
                    occurred_on=due + dt.timedelta(days=1), description=f"{_text(f)}的差评{label}超过期限"
                    f"（{due:%Y-%m-%d}）", dedupe_key=f"RATING_FU:{f.pk}:{step}", case_id=f.rating.case_id,
                    inquiry_id=f.rating.inquiry_id, evidence=[{"label": f"评价 {f.rating_id}", "url": _link(f)}]))
                setattr(f, f"{step}_late", True)
            # A step done late is recorded and the next step starts afresh; an open step stays announced (RED).
            f.warning_level = "" if f.warning_level == "LATE" else "RED"
            changed.append(f)
        BadRatingFollowUp.objects.bulk_update(changed, ["visit_late", "rectify_late", "warning_level"])
        record_detected(found, now=now)
        if changed:
            record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(changed)}件差评回访或整改超时",
                   actor_username="system", now=now, data={"follow_ups": [f.pk for f in changed][:200]})
        return len(changed)

    def warn(rows: list[BadRatingFollowUp]) -> int:
        rows = _with_case_numbers(rows)
        due_now = []
        for f in rows:
            label, due = _step(f)
            if get_calendar(f.rating.unit.region).workdays_back(due, 1) <= today:
                due_now.append((f, label, due))
        if not due_now:
            return 0
        leaders = _leaders({f.rating.unit_path for f, _, _ in due_now})
        BadRatingFollowUp.objects.filter(pk__in=[f.pk for f, _, _ in due_now]).update(warning_level="YELLOW")
        add_digest_items([(uid, "YELLOW", f"【黄色预警】{_text(f)}的差评{label}将于{due:%Y-%m-%d}到期", _link(f))
                          for f, label, due in due_now for uid in leaders.get(f.rating.unit_path, set())], now=now)
        record(action=AuditAction.SWEEP, summary=f"时限巡检：{len(due_now)}件差评回访或整改将到期",
               actor_username="system", now=now, data={"follow_ups": [f.pk for f, _, _ in due_now][:200]})
        return len(due_now)

    return (locked_batches(late.select_related(*related), record_late, batch=batch)
            + locked_batches(done_late.select_related(*related), record_late, batch=batch)
            + locked_batches(yellow.select_related(*related), warn, batch=batch))


def sweep_default_ratings(*, now: dt.datetime, batch: int = BATCH) -> int:
    """When ``BIANMIN["RATING_DEFAULT"]`` is set (``{"days": 7, "level": 3}``), give each case delivered that many
    natural days ago and still unrated its default rating (channel DEFAULT, anonymous, so no follow-up). Off (None)
    by default.

    Refuses nothing: a system step run by the sweep."""
    setting = settings.BIANMIN.get("RATING_DEFAULT")
    if not setting:
        return 0
    days, level = int(setting["days"]), int(setting.get("level", Level.BASIC))
    if level not in Level.values:
        raise ValueError(f"BIANMIN['RATING_DEFAULT']['level'] must be 1–5, not {level}")
    rated = Rating.objects.filter(case=OuterRef("pk"), parent__isnull=True)
    due = (Case.objects.filter(status__in=["DELIVERED", "ARCHIVED"], delivered_at__lte=now - dt.timedelta(days=days))
           .filter(~Exists(rated), relay__isnull=True)  # a relayed case is rated through its relay
           .select_related("unit", "first_handler", "received_by"))

    def handle(rows: list[Case]) -> int:
        ratings = [Rating(subject=Subject.CASE, case=c, staff=c.first_handler or c.received_by, unit=c.unit,
                          unit_path=c.unit.path, level=level, channel=Channel.DEFAULT, rated_at=now) for c in rows]
        Rating.objects.bulk_create(ratings, ignore_conflicts=True)  # a citizen's rating made meanwhile wins
        record(action=AuditAction.SWEEP, summary=f"默认评价：{len(rows)}件送达满{days}日未评价的办件记为"
                                                 f"{Level(level).label}", actor_username="system", now=now,
               data={"cases": [c.number for c in rows][:200], "level": level})
        return len(rows)

    return locked_county_batches(due, handle, counties=counties(), batch=batch)
