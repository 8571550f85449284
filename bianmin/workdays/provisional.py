"""The provisional rule for years without official data (DOMAIN.md §3, 2025 holiday rules).

Weekends plus the statutory holidays: 元旦 1 day; 春节 4 days (除夕 and 初一–初三); 清明 1; 劳动节 2 (5/1–5/2);
端午 1; 中秋 1; 国庆 3 (10/1–10/3); plus 补假 (Art. 6 of 《全国年节及纪念日放假办法》): every one of these
all-citizen holiday days that falls on a Saturday or Sunday is made up on the first working day(s) after the
run of rest days containing that holiday. No 调休 is guessed: the State Council decides those each year.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import NamedTuple

from lunar_python import Lunar

ARTICLE_6 = "依《全国年节及纪念日放假办法》第六条补假"
_ONE_DAY = dt.timedelta(days=1)


class ProvisionalDay(NamedTuple):
    """A provisional rest day: a statutory holiday (no reason) or a 补假 day with the reason it was added."""

    date: dt.date
    name: str
    reason: str = ""


def _solar(lunar_year: int, month: int, day: int) -> dt.date:
    solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=256)
def _holiday_names(year: int) -> dict[dt.date, tuple[str, ...]]:
    """Return each statutory day of ``year`` with the holidays falling on it, the one it is known by first."""
    new_year = _solar(year, 1, 1)  # 初一 falls between 21 January and 20 February
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    # Listed in precedence order: when 中秋 falls on 10/1–10/3 the day is known as 中秋节 (it counts once).
    holidays = [
        ("元旦", [dt.date(year, 1, 1)]),
        ("春节", [new_year + dt.timedelta(days=offset) for offset in range(-1, 3)]),
        ("清明节", [dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay())]),
        ("劳动节", [dt.date(year, 5, 1), dt.date(year, 5, 2)]),
        ("端午节", [_solar(year, 5, 5)]),
        ("中秋节", [_solar(year, 8, 15)]),
        ("国庆节", [dt.date(year, 10, d) for d in (1, 2, 3)]),
    ]
    days: dict[dt.date, tuple[str, ...]] = {}
    for name, dates in holidays:
        for day in dates:
            days[day] = (*days.get(day, ()), name)
    return days


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> tuple[tuple[dt.date, str], ...]:
    """Return the statutory rest days of ``year`` with their names, sorted by date (no 补假)."""
    return tuple(sorted((day, names[0]) for day, names in _holiday_names(year).items()))


def _month_day(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


@lru_cache(maxsize=256)
def makeup_days(year: int) -> tuple[ProvisionalDay, ...]:
    """Return the 补假 days of ``year`` under Art. 6, sorted by date, each named "<节日>补假" with its reason.

    A holiday's weekend days are made up on the first Monday–Friday days after the run of rest days (weekends
    and holidays) that contains the holiday, skipping holidays and days already used to make up another one.
    A day on which 中秋 and 国庆 coincide counts once, for the name it is known by (中秋节): Art. 6 only makes
    up weekend days, so a coincidence on a weekday adds nothing and one on a weekend adds one day, not two.
    Runs at build time over a handful of days per year.
    """
    names = _holiday_names(year)
    rest = set(names)
    by_holiday: dict[str, list[dt.date]] = {}
    for day, name in statutory_holidays(year):
        by_holiday.setdefault(name, []).append(day)
    taken: set[dt.date] = set()
    result: list[ProvisionalDay] = []
    for name, dates in sorted(by_holiday.items(), key=lambda item: item[1][0]):
        on_weekend = [d for d in dates if d.weekday() >= 5]
        if not on_weekend:
            continue
        end = dates[-1]
        while (end + _ONE_DAY).weekday() >= 5 or end + _ONE_DAY in rest:
            end += _ONE_DAY
        shared = "".join(f"（与{'、'.join(names[d][1:])}同日）" for d in on_weekend if len(names[d]) > 1)
        reason = f"{name}{'、'.join(_month_day(d) for d in on_weekend)}{shared}适逢周末，{ARTICLE_6}"
        day = end
        for _ in on_weekend:
            day += _ONE_DAY
            while day.weekday() >= 5 or day in rest or day in taken:
                day += _ONE_DAY
            taken.add(day)
            result.append(ProvisionalDay(day, f"{name}补假", reason))
    return tuple(sorted(result))


@lru_cache(maxsize=256)
def provisional_rest_days(year: int) -> tuple[ProvisionalDay, ...]:
    """Return every provisional rest day of ``year`` (statutory holidays and 补假), sorted by date."""
    holidays = [ProvisionalDay(day, name) for day, name in statutory_holidays(year)]
    return tuple(sorted([*holidays, *makeup_days(year)]))
