"""Deadline warnings (预警): yellow when little time is left, red when overdue. Pure given a calendar."""
from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import models

from bianmin.workdays.engine import WorkCalendar


class Warning(models.TextChoices):
    NONE = "", ""
    YELLOW = "YELLOW", "黄色预警"
    RED = "RED", "红色预警（已超期）"
    PAUSED = "PAUSED", "特别程序中（计时中止）"


def yellow_threshold(limit_days: int) -> int:
    """Return how many working days left start the yellow warning (the earlier of the two rules)."""
    fixed = settings.BIANMIN["WARN_WORKING_DAYS"]
    share = math.ceil(limit_days * settings.BIANMIN["WARN_FRACTION"]) if limit_days else 0
    return max(fixed, share)


def hour_warning(*, due_at: dt.datetime, hours: int, now: dt.datetime, paused: bool = False) -> Warning:
    """Return the warning of a running case whose limit is in hours (decision 0026 §4): red once ``due_at`` has
    passed, yellow when a quarter of the hours (at least one hour) is left."""
    if paused:
        return Warning.PAUSED
    if now > due_at:
        return Warning.RED
    window = max(dt.timedelta(hours=1), dt.timedelta(hours=hours) * settings.BIANMIN["WARN_FRACTION"])
    return Warning.YELLOW if due_at - now <= window else Warning.NONE


def warning_for(*, deadline: dt.date | None, limit_days: int, today: dt.date, calendar: WorkCalendar,
                paused: bool = False) -> Warning:
    """Return the warning level of a running case on ``today`` (a deadline ends at close of its last day)."""
    if deadline is None:
        return Warning.NONE
    if paused:
        return Warning.PAUSED
    if today > deadline:
        return Warning.RED
    left = calendar.workdays_between(today, deadline).days
    return Warning.YELLOW if left <= yellow_threshold(limit_days) else Warning.NONE
