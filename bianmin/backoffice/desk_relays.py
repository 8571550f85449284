"""The 工作台's panel "途经本单位的代办件" (issue 13 item 5): the relays passing through the user's unit, nearest hop
deadline first, each with the colour of its hop deadline as the case lists colour theirs."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bianmin.accounts.policies import can
from bianmin.org.policies import staff_profile_of
from bianmin.relay.models import HopWarning
from bianmin.relay.policies import RELAY_READERS
from bianmin.relay.selectors import PassingRelay, passing_through
from bianmin.workdays.selectors import get_calendar

PANEL_ROWS = 10


@dataclass(frozen=True)
class PanelRow:
    relay: PassingRelay
    mark: str  # "red" (past the hop deadline), "yellow" (its last working day is near), or ""


def hop_mark(row: PassingRelay, today: dt.date, working_days_left: int | None) -> str:
    """Return the colour of a waiting hop: red after its due date (or when the sweep recorded it late), yellow from
    the working day before it (the hop's ``yellow_on``, as the sweep warns) or when the sweep warned."""
    if row.hop_due_on is None:
        return ""
    if today > row.hop_due_on or row.hop_warning in (HopWarning.RED, HopWarning.LATE):
        return "red"
    if row.hop_warning == HopWarning.YELLOW or (working_days_left is not None and working_days_left <= 1):
        return "yellow"
    return ""


def relay_panel(user, today: dt.date) -> tuple[list[PanelRow], int] | None:
    """Return the first rows of the panel and how many relays pass in all; None for a user who may not see relays
    (the panel is then not drawn). Two queries for the rows whatever their number, the calendar from its cache."""
    if not any(can(user, p) for p in RELAY_READERS):
        return None
    rows = passing_through(user)
    shown = rows[:PANEL_ROWS]
    profile = staff_profile_of(user)
    calendar = get_calendar(profile.unit.region) if profile is not None and shown else None
    panel = []
    for row in shown:
        left = (calendar.workdays_between(today, row.hop_due_on).days
                if calendar is not None and row.hop_due_on is not None and row.hop_due_on >= today else None)
        panel.append(PanelRow(row, hop_mark(row, today, left)))
    return panel, len(rows)
