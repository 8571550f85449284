"""The provisional rule for years without official data (DOMAIN.md §3, 2025 holiday rules)."""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from bianmin.workdays.provisional import statutory_holidays

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
