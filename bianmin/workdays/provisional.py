"""The provisional rule for years without official data (DOMAIN.md §3, 2025 holiday rules).

Weekends plus the statutory holidays: 元旦 1 day; 春节 4 days (除夕 and 初一–初三); 清明 1; 劳动节 2 (5/1–5/2);
端午 1; 中秋 1; 国庆 3 (10/1–10/3). No 调休 is guessed: the State Council decides those each year.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from lunar_python import Lunar


def _solar(lunar_year: int, month: int, day: int) -> dt.date:
    solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> tuple[tuple[dt.date, str], ...]:
    """Return the statutory rest days of ``year`` with their names, sorted by date."""
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    new_year = _solar(year, 1, 1)  # 初一 falls between 21 January and 20 February
    for offset in range(-1, 3):
        days[new_year + dt.timedelta(days=offset)] = "春节"
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    days[dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    days[dt.date(year, 5, 1)] = days[dt.date(year, 5, 2)] = "劳动节"
    days[_solar(year, 5, 5)] = "端午节"
    days.setdefault(_solar(year, 8, 15), "中秋节")
    for d in (1, 2, 3):
        days.setdefault(dt.date(year, 10, d), "国庆节")
    return tuple(sorted(days.items()))
