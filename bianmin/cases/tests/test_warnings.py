"""Yellow and red warnings at their edges (issue 4 item 4, the thresholds; notifications come with the outbox)."""
import datetime as dt
from functools import cache

import pytest
from django.test import override_settings

from bianmin.cases.warnings import Warning, warning_for, yellow_threshold
from bianmin.workdays.selectors import assemble_calendar
from bianmin.workdays.services import chinesecalendar_days

D = dt.date
DEADLINE = D(2026, 3, 13)  # a Friday


@cache
def calendar():
    days, years = chinesecalendar_days()
    return assemble_calendar(first_year=2004, last_year=2060, official_years=years,
                             rows=[(d, k, n, "OFFICIAL", None) for d, k, n in days])


@pytest.mark.parametrize("limit,threshold", [(1, 2), (4, 2), (8, 2), (9, 3), (10, 3), (20, 5), (45, 12)])
def test_threshold_is_the_earlier_of_two_days_and_a_quarter(limit, threshold):
    assert yellow_threshold(limit) == threshold


@pytest.mark.parametrize("today,expected", [
    (D(2026, 3, 9), Warning.NONE),     # 4 working days left, threshold 3
    (D(2026, 3, 10), Warning.YELLOW),  # 3 left: yellow starts
    (D(2026, 3, 13), Warning.YELLOW),  # the last day is still on time
    (D(2026, 3, 14), Warning.RED),     # the day after: overdue
])
def test_edges_for_a_ten_day_limit(today, expected):
    assert warning_for(deadline=DEADLINE, limit_days=10, today=today, calendar=calendar()) == expected


def test_weekend_days_are_not_counted_as_time_left():
    # Friday 3/6 → Friday 3/13 is 5 working days although 7 natural days.
    assert warning_for(deadline=DEADLINE, limit_days=20, today=D(2026, 3, 6), calendar=calendar()) == Warning.YELLOW
    assert warning_for(deadline=DEADLINE, limit_days=20, today=D(2026, 3, 5), calendar=calendar()) == Warning.NONE


def test_paused_cases_show_paused_not_red():
    assert warning_for(deadline=DEADLINE, limit_days=10, today=D(2026, 3, 20), calendar=calendar(),
                       paused=True) == Warning.PAUSED


def test_thresholds_are_settings():
    from django.conf import settings

    with override_settings(BIANMIN={**settings.BIANMIN, "WARN_WORKING_DAYS": 5, "WARN_FRACTION": 0.1}):
        assert yellow_threshold(10) == 5
        assert warning_for(deadline=DEADLINE, limit_days=10, today=D(2026, 3, 6), calendar=calendar()) \
            == Warning.YELLOW
