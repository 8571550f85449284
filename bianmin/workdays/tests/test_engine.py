"""WorkCalendar arithmetic (DOMAIN.md §3): checked against chinesecalendar, hand-worked examples and properties.

The calendar is pure, so it is built once per module straight from the chinesecalendar data (2004–2026,
official) plus the provisional rest days, statutory holidays and 补假 (2027–2060), exactly as ``build_calendar``
assembles it.
"""
from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bianmin.workdays.engine import CalendarRangeError, DayAnswer, SpecialDay, WorkCalendar
from bianmin.workdays.provisional import provisional_rest_days
from bianmin.workdays.services import chinesecalendar_days

D = dt.date
FIRST, LAST_OFFICIAL, LAST = 2004, 2026, 2060
TIAOXIU_2026 = [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]


@lru_cache(maxsize=1)
def calendar() -> WorkCalendar:
    days, _years = chinesecalendar_days()
    special = {}
    for year in range(LAST_OFFICIAL + 1, LAST + 1):
        for day, name, reason in provisional_rest_days(year):
            special[day] = SpecialDay(day, "REST", name, "PROVISIONAL", reason)
    for day, kind, name in days:
        if day.year <= LAST_OFFICIAL:
            special[day] = SpecialDay(day, kind, name, "OFFICIAL")
    return WorkCalendar(first_year=FIRST, last_year=LAST, official_years=range(FIRST, LAST_OFFICIAL + 1),
                        special=special)


@cache
def _provisional_rest(year: int) -> frozenset[dt.date]:
    return frozenset(day for day, _name, _reason in provisional_rest_days(year))


def ref_is_workday(day: dt.date) -> bool:
    """Independent reference: chinesecalendar for official years, weekdays minus provisional rest days after."""
    if day.year <= LAST_OFFICIAL:
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5 and day not in _provisional_rest(day.year)


def ref_add_workdays(start: dt.date, n: int) -> dt.date:
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        counted += ref_is_workday(day)
    return day


# -- agreement with the official data -----------------------------------------------------------------
def test_every_day_2004_to_2026_agrees_with_chinesecalendar():
    cal = calendar()
    day, mismatches = D(2004, 1, 1), []
    while day <= D(2026, 12, 31):
        if cal.is_workday(day) != chinese_calendar.is_workday(day):
            mismatches.append(day)
        day += dt.timedelta(days=1)
    assert mismatches == []


@pytest.mark.parametrize(("start", "n", "expected"), [
    (D(2026, 2, 13), 5, D(2026, 2, 27)),   # Fri before 春节; Sat 2/14 is a 调休 workday
    (D(2026, 9, 30), 5, D(2026, 10, 13)),  # Wed before 国庆; Sat 10/10 is a 调休 workday
    (D(2026, 9, 19), 20, D(2026, 10, 22)),  # Sat start; Sun 9/20 is a 调休 workday
])
def test_domain_examples(start, n, expected):
    assert calendar().add_workdays(start, n) == DayAnswer(expected, False)


@pytest.mark.parametrize("day", TIAOXIU_2026)
def test_2026_tiaoxiu_weekends_are_workdays(day):
    assert day.weekday() >= 5
    assert calendar().is_workday(day) is True


@pytest.mark.parametrize(("start", "expected"), [
    (D(2026, 3, 7), D(2026, 3, 9)),     # Saturday -> Monday (chinese_calendar.find_workday is a day late here)
    (D(2026, 3, 8), D(2026, 3, 9)),     # Sunday -> Monday
    (D(2026, 10, 3), D(2026, 10, 8)),   # inside 国庆
    (D(2026, 2, 15), D(2026, 2, 24)),   # first day of 春节
    (D(2026, 2, 13), D(2026, 2, 14)),   # Friday -> 调休 Saturday
])
def test_one_working_day_from_a_rest_day_is_the_next_working_day(start, expected):
    assert calendar().add_workdays(start, 1) == DayAnswer(expected, False)


def test_zero_days_returns_the_start_day():
    cal = calendar()
    assert cal.add_workdays(D(2026, 3, 7), 0) == DayAnswer(D(2026, 3, 7), False)
    assert cal.add_workdays(D(2027, 3, 6), 0) == DayAnswer(D(2027, 3, 6), True)


def test_deadline_running_into_provisional_2027():
    cal = calendar()
    assert cal.is_provisional_year(2026) is False
    assert cal.is_provisional_year(2027) is True
    assert cal.is_workday(D(2027, 1, 1)) is False  # Friday, 元旦
    # 12/21–25 (5), 12/28–31 (4), skip Fri 1/1, 1/4–8 (5), 1/11–15 (5), Mon 1/18 (20)
    assert cal.add_workdays(D(2026, 12, 20), 20) == DayAnswer(D(2027, 1, 18), True)
    # 春节 2027: 除夕 Fri 2/5, 初一–初三 Sat 2/6–Mon 2/8 are rest days; Sat 2/6 + Sun 2/7 are made up (补假)
    # on Tue 2/9 and Wed 2/10
    assert [cal.is_workday(D(2027, 2, d)) for d in (4, 5, 8, 9, 10, 11)] == [True, False, False, False, False, True]
    # 2/1–4 (4), 2/11–12 (6), 2/15–18 (10)
    assert cal.add_workdays(D(2027, 1, 29), 10) == DayAnswer(D(2027, 2, 18), True)
    assert cal.workdays_between(D(2026, 12, 31), D(2027, 1, 4)) == (1, True)
    assert cal.workdays_between(D(2026, 3, 2), D(2026, 3, 9)) == (5, False)


@pytest.mark.parametrize(("start", "n", "expected"), [
    (D(2027, 2, 5), 1, D(2027, 2, 11)),    # 除夕 Fri; 2/6–2/8 春节, 2/9–2/10 补假 for Sat 2/6 + Sun 2/7
    (D(2027, 2, 4), 1, D(2027, 2, 11)),
    (D(2027, 2, 4), 3, D(2027, 2, 15)),    # Thu 2/11, Fri 2/12, Mon 2/15
    (D(2027, 2, 8), 0, D(2027, 2, 8)),
    (D(2027, 4, 30), 1, D(2027, 5, 5)),    # 劳动节 Sat 5/1 + Sun 5/2, 补假 Mon 5/3 + Tue 5/4
    (D(2027, 9, 30), 1, D(2027, 10, 6)),   # 国庆 Fri 10/1–Sun 10/3, 补假 Mon 10/4 + Tue 10/5
    (D(2027, 12, 31), 1, D(2028, 1, 4)),   # 2028 元旦 Sat 1/1, 补假 Mon 1/3
    (D(2028, 5, 26), 1, D(2028, 5, 30)),   # 端午 Sun 5/28, 补假 Mon 5/29
    (D(2028, 9, 29), 1, D(2028, 10, 5)),   # 国庆 Sun 10/1–Tue 10/3 (10/3 also 中秋), 补假 Wed 10/4
])
def test_provisional_makeup_days_are_skipped(start, n, expected):
    assert calendar().add_workdays(start, n) == DayAnswer(expected, True)


def test_makeup_days_are_rest_days_with_a_reason():
    cal = calendar()
    for day in (D(2027, 2, 9), D(2027, 2, 10), D(2027, 5, 3), D(2027, 5, 4), D(2027, 10, 4), D(2027, 10, 5),
                D(2028, 1, 3), D(2028, 5, 29), D(2028, 10, 4)):
        assert cal.is_workday(day) is False, day
    assert cal.workdays_between(D(2027, 2, 5), D(2027, 2, 12)) == (2, True)
    special = {s.date: s for s in cal.special_days(2027)}
    assert special[D(2027, 2, 9)] == SpecialDay(
        D(2027, 2, 9), "REST", "春节补假", "PROVISIONAL",
        "春节2月6日、2月7日适逢周末，依《全国年节及纪念日放假办法》第六条补假")
    assert special[D(2027, 2, 6)].reason == ""


def test_a_provisional_year_in_between_makes_the_answer_provisional():
    # 2028 entered early while 2027 is still provisional: anything spanning 2027 is provisional.
    cal = WorkCalendar(first_year=2026, last_year=2028, official_years=[2026, 2028], special={})
    across = cal.add_workdays(D(2026, 12, 1), 300)
    assert across.date.year == 2028
    assert across.provisional is True
    assert cal.add_workdays(D(2027, 12, 20), 20) == DayAnswer(D(2028, 1, 17), True)
    assert cal.add_workdays(D(2028, 1, 3), 5) == DayAnswer(D(2028, 1, 10), False)
    assert cal.workdays_between(D(2026, 12, 1), D(2028, 2, 1)).provisional is True
    assert cal.add_natural_days(D(2026, 12, 20), 400) == DayAnswer(D(2028, 1, 24), True)
    assert cal.add_natural_days(D(2027, 12, 25), 10) == DayAnswer(D(2028, 1, 4), True)


@pytest.mark.parametrize(("start", "n"), [(D(2026, 2, 13), 5), (D(2026, 9, 19), 20), (D(2026, 12, 20), 20),
                                          (D(2026, 10, 1), 0), (D(2004, 1, 1), 250)])
def test_round_trip_examples(start, n):
    cal = calendar()
    assert cal.workdays_between(start, cal.add_workdays(start, n).date).days == n


@pytest.mark.parametrize(("start", "n"), [(D(2026, 9, 26), 5), (D(2026, 3, 2), 3), (D(2026, 10, 5), 5),
                                          (D(2026, 2, 1), 14), (D(2025, 12, 27), 5)])
def test_natural_days_roll_forward_to_a_working_day(start, n):
    target = start + dt.timedelta(days=n)
    expected = target
    while not chinese_calendar.is_workday(expected):
        expected += dt.timedelta(days=1)
    assert calendar().add_natural_days(start, n) == DayAnswer(expected, False)


def test_natural_days_landing_in_national_day_2026():
    # 9/26 + 5 = 10/1; 10/1–10/7 are off in 2026
    assert calendar().add_natural_days(D(2026, 9, 26), 5).date == D(2026, 10, 8)
    assert calendar().add_natural_days(D(2026, 12, 20), 20) == DayAnswer(D(2027, 1, 11), True)


@pytest.mark.parametrize("call", ["add_workdays", "add_natural_days"])
def test_negative_days_raise_value_error(call):
    with pytest.raises(ValueError, match="negative") as excinfo:
        getattr(calendar(), call)(D(2026, 3, 2), -1)
    assert excinfo.type is ValueError


@pytest.mark.parametrize("query", [
    lambda c: c.is_workday(D(2003, 12, 31)),
    lambda c: c.is_workday(D(2061, 1, 1)),
    lambda c: c.add_workdays(D(2003, 12, 31), 1),
    lambda c: c.add_workdays(D(2060, 12, 28), 10),  # the result falls after 2060
    lambda c: c.workdays_between(D(2026, 1, 1), D(2061, 1, 2)),
    lambda c: c.next_workday(D(2060, 12, 31), include_today=False),
    lambda c: c.add_natural_days(D(2060, 12, 31), 1),
])
def test_dates_outside_the_range_raise(query):
    with pytest.raises(CalendarRangeError):
        query(calendar())


def test_special_days_2026_lists_rest_and_work_days_with_names():
    days = calendar().special_days(2026)
    assert [s.date for s in days] == sorted(s.date for s in days)
    assert all(s.date.year == 2026 and s.name and s.source == "OFFICIAL" for s in days)
    assert sorted(s.date for s in days if s.kind == "WORK") == TIAOXIU_2026
    assert SpecialDay(D(2026, 2, 14), "WORK", "春节调休", "OFFICIAL") in days
    assert SpecialDay(D(2026, 10, 1), "REST", "国庆节", "OFFICIAL") in days
    assert SpecialDay(D(2026, 1, 1), "REST", "元旦", "OFFICIAL") in days
    assert len([s for s in days if s.kind == "REST"]) == 33


def test_special_days_of_a_provisional_year():
    days = calendar().special_days(2027)
    assert [(s.date, s.name, s.reason) for s in days] == list(provisional_rest_days(2027))
    assert {(s.kind, s.source) for s in days} == {("REST", "PROVISIONAL")}


# -- properties ---------------------------------------------------------------------------------------
dates = st.dates(min_value=D(2004, 1, 1), max_value=D(2040, 12, 31))
PROPERTY = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(start=dates, n=st.integers(0, 400))
def test_property_round_trip(start, n):
    cal = calendar()
    end = cal.add_workdays(start, n).date
    assert cal.workdays_between(start, end).days == n
    assert cal.workdays_between(end, start).days == -n


@PROPERTY
@given(start=dates, n=st.integers(1, 400))
def test_property_result_is_a_later_workday(start, n):
    end = calendar().add_workdays(start, n).date
    assert end > start
    assert calendar().is_workday(end)
    assert ref_is_workday(end)


@PROPERTY
@given(start=dates, n=st.integers(0, 399))
def test_property_monotonic(start, n):
    cal = calendar()
    assert cal.add_workdays(start, n + 1).date > cal.add_workdays(start, n).date


@PROPERTY
@given(start=dates, n=st.integers(0, 30))
def test_property_matches_day_by_day_reference(start, n):
    answer = calendar().add_workdays(start, n)
    assert answer.date == ref_add_workdays(start, n)
    assert answer.provisional == (start.year > LAST_OFFICIAL or answer.date.year > LAST_OFFICIAL)
