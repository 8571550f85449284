"""The provisional rule for years without official data (DOMAIN.md §3, 2025 holiday rules, Art. 6 补假)."""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bianmin.workdays.provisional import makeup_days, provisional_rest_days, statutory_holidays

D = dt.date
NAMES = {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}


def test_2025_is_exactly_the_statutory_13_days():
    days = dict(statutory_holidays(2025))
    assert days == {
        D(2025, 1, 1): "元旦",
        D(2025, 1, 28): "春节", D(2025, 1, 29): "春节", D(2025, 1, 30): "春节", D(2025, 1, 31): "春节",
        D(2025, 4, 4): "清明节",
        D(2025, 5, 1): "劳动节", D(2025, 5, 2): "劳动节",
        D(2025, 5, 31): "端午节",
        D(2025, 10, 6): "中秋节",
        D(2025, 10, 1): "国庆节", D(2025, 10, 2): "国庆节", D(2025, 10, 3): "国庆节",
    }
    assert len(statutory_holidays(2025)) == 13


def test_2027_dates():
    days = dict(statutory_holidays(2027))
    expected = {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "春节",  # 除夕
        D(2027, 2, 6): "春节", D(2027, 2, 7): "春节", D(2027, 2, 8): "春节",
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节", D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节", D(2027, 10, 2): "国庆节", D(2027, 10, 3): "国庆节",
    }
    assert days == expected
    assert D(2027, 2, 4) not in days  # the day before 除夕 is not a holiday


@pytest.mark.parametrize("year", range(2004, 2061))
def test_every_year_is_well_formed(year):
    days = statutory_holidays(year)
    dates = [d for d, _n in days]
    assert dates == sorted(dates)
    assert len(set(dates)) == len(dates)
    assert all(d.year == year for d in dates)
    assert {n for _d, n in days} <= NAMES
    # 中秋 may coincide with 国庆 (e.g. 2009, 2020): then only 12 distinct days
    assert len(days) in (12, 13)
    by_date = dict(days)
    for fixed in (D(year, 1, 1), D(year, 5, 1), D(year, 5, 2), D(year, 10, 1), D(year, 10, 2), D(year, 10, 3)):
        assert fixed in by_date
    spring = sorted(d for d, n in days if n == "春节")
    assert len(spring) == 4
    assert [(d - spring[0]).days for d in spring] == [0, 1, 2, 3]
    assert D(year, 1, 20) <= spring[1] <= D(year, 2, 20)  # 初一
    assert [n for _d, n in days].count("清明节") == 1
    assert D(year, 4, 4) <= next(d for d, n in days if n == "清明节") <= D(year, 4, 6)


@pytest.mark.parametrize("year", range(2008, 2027))
def test_lunar_dates_agree_with_official_data(year):
    """清明, 端午, 中秋 and 初一–初三 were rest days in every official year since 2008."""
    days = statutory_holidays(year)
    spring = sorted(d for d, n in days if n == "春节")[1:]
    lunar = [d for d, n in days if n in {"清明节", "端午节", "中秋节"}] + spring
    assert [d for d in lunar if chinese_calendar.is_workday(d)] == []


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_day_was_a_rest_day_under_the_2025_rules(year):
    assert [d for d, _n in statutory_holidays(year) if chinese_calendar.is_workday(d)] == []


# -- 补假 (Art. 6 of 《全国年节及纪念日放假办法》) ------------------------------------------------------------
# Dates checked by hand (weekday with datetime, lunar dates against the published almanac):
# 2027: 元旦 Fri 1/1; 除夕 Fri 2/5, 初一 Sat 2/6, 初二 Sun 2/7, 初三 Mon 2/8; 清明 Mon 4/5; 劳动节 Sat 5/1, Sun 5/2;
#       端午 Wed 6/9; 中秋 Wed 9/15; 国庆 Fri 10/1, Sat 10/2, Sun 10/3.
#       → 春节 2/6, 2/7 made up Tue 2/9, Wed 2/10; 劳动节 Mon 5/3, Tue 5/4; 国庆 Mon 10/4, Tue 10/5.
#       清明, 端午, 中秋 are on weekdays: nothing to make up.
# 2028: 元旦 Sat 1/1; 除夕 Tue 1/25, 初一–初三 Wed 1/26–Fri 1/28; 清明 Tue 4/4; 劳动节 Mon 5/1, Tue 5/2;
#       端午 Sun 5/28; 国庆 Sun 10/1, Mon 10/2, Tue 10/3; 中秋 Tue 10/3 (the same day as 国庆's third day).
#       → 元旦 made up Mon 1/3 (block Sat 1/1–Sun 1/2); 端午 Mon 5/29 (block Sat 5/27–Sun 5/28);
#       国庆 10/1 made up Wed 10/4 (block Sat 9/30–Tue 10/3). 中秋 on a weekday: no extra day for the coincidence.
# 2039: 国庆 Sat 10/1, Sun 10/2 (= 中秋), Mon 10/3 → two weekend days, made up Tue 10/4 and Wed 10/5 (not three).
MAKEUP_2027 = {
    D(2027, 2, 9): "春节补假", D(2027, 2, 10): "春节补假",
    D(2027, 5, 3): "劳动节补假", D(2027, 5, 4): "劳动节补假",
    D(2027, 10, 4): "国庆节补假", D(2027, 10, 5): "国庆节补假",
}
MAKEUP_2028 = {D(2028, 1, 3): "元旦补假", D(2028, 5, 29): "端午节补假", D(2028, 10, 4): "国庆节补假"}


def test_2027_makeup_days():
    assert {d.date: d.name for d in makeup_days(2027)} == MAKEUP_2027
    assert all(d.weekday() < 5 for d in MAKEUP_2027)


def test_2028_makeup_days():
    days = dict(statutory_holidays(2028))
    assert days[D(2028, 4, 4)] == "清明节" and days[D(2028, 5, 28)] == "端午节" and days[D(2028, 10, 3)] == "中秋节"
    assert {d.date: d.name for d in makeup_days(2028)} == MAKEUP_2028


def test_makeup_days_carry_their_reason():
    by_date = {d.date: d for d in makeup_days(2027)}
    assert by_date[D(2027, 2, 9)].reason == "春节2月6日、2月7日适逢周末，依《全国年节及纪念日放假办法》第六条补假"
    assert by_date[D(2027, 2, 10)].reason == by_date[D(2027, 2, 9)].reason
    assert by_date[D(2027, 10, 4)].reason.startswith("国庆节10月2日、10月3日适逢周末")
    assert makeup_days(2028)[0].reason == "元旦1月1日适逢周末，依《全国年节及纪念日放假办法》第六条补假"


def test_mid_autumn_on_a_national_day_weekend_counts_once():
    assert dict(statutory_holidays(2039))[D(2039, 10, 2)] == "中秋节"
    autumn = [d for d in makeup_days(2039) if d.date.month == 10]
    assert [(d.date, d.name) for d in autumn] == [(D(2039, 10, 4), "国庆节补假"), (D(2039, 10, 5), "中秋节补假")]
    assert "与国庆节同日" in autumn[1].reason


def test_provisional_rest_days_are_the_holidays_plus_the_makeup_days():
    rest = provisional_rest_days(2027)
    assert [(d.date, d.name) for d in rest if not d.reason] == list(statutory_holidays(2027))
    assert {d.date: d.name for d in rest if d.reason} == MAKEUP_2027
    assert [d.date for d in rest] == sorted(d.date for d in rest)
    assert not set(MAKEUP_2027) & set(dict(statutory_holidays(2027)))  # statutory_holidays stays without 补假


@settings(max_examples=100, deadline=None, database=None)
@given(year=st.integers(2027, 2060))
def test_property_makeup_days_follow_article_6(year):
    holidays = dict(statutory_holidays(year))
    on_weekend = [d for d in holidays if d.weekday() >= 5]
    made_up = makeup_days(year)
    dates = [d.date for d in made_up]
    assert len(dates) == len(set(dates)) == len(on_weekend)
    for day in made_up:
        assert day.date.weekday() < 5 and day.date not in holidays and day.date.year == year
        holiday = day.name.removesuffix("补假")
        last = max(d for d, n in holidays.items() if n == holiday)
        assert last < day.date
        # right after the block: everything in between is a weekend, a holiday or another 补假 day
        between = [last + dt.timedelta(days=i) for i in range(1, (day.date - last).days)]
        assert all(d.weekday() >= 5 or d in holidays or d in dates for d in between)
        assert day.reason.endswith("依《全国年节及纪念日放假办法》第六条补假")
    for name in {n for _d, n in holidays.items()}:
        weekend_days = sum(1 for d, n in holidays.items() if n == name and d.weekday() >= 5)
        assert sum(1 for d in made_up if d.name == f"{name}补假") == weekend_days
