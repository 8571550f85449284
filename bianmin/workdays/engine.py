"""The working-day arithmetic: a pure value object built once and indexed (no ORM, no day loops).

Working days are kept as a sorted list of ordinals plus a rank table (working days up to each date), so
"add N working days" and "working days between" are each two index look-ups.
Counting follows DOMAIN.md §3: the start day is not counted.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from typing import NamedTuple


class CalendarRangeError(ValueError):
    """A date or result falls outside the years the calendar covers."""


class DayAnswer(NamedTuple):
    """A computed date and whether any provisional year was involved."""

    date: dt.date
    provisional: bool


_answer = tuple.__new__  # builds a DayAnswer without the Python-level NamedTuple constructor (hot path)


class CountAnswer(NamedTuple):
    """A number of working days and whether any provisional year was involved."""

    days: int
    provisional: bool


class SpecialDay(NamedTuple):
    """An exception to Monday–Friday: a named rest day or a 调休 workday, and why (set for 补假 days)."""

    date: dt.date
    kind: str  # "REST" or "WORK"
    name: str
    source: str  # "OFFICIAL", "LOCAL" or "PROVISIONAL"
    reason: str = ""


class WorkCalendar:
    """Answer working-day questions for one region over ``first_year``..``last_year``."""

    __slots__ = ("first_year", "last_year", "_first", "_last", "_work", "_rank", "_official", "_prov_prefix",
                 "_special", "_work_dates")

    def __init__(self, *, first_year: int, last_year: int, official_years: Iterable[int],
                 special: Mapping[dt.date, SpecialDay]):
        self.first_year, self.last_year = first_year, last_year
        self._first = dt.date(first_year, 1, 1).toordinal()
        self._last = dt.date(last_year, 12, 31).toordinal()
        self._official = frozenset(y for y in official_years if first_year <= y <= last_year)
        self._special = dict(special)
        # prefix[i] = number of provisional years among first_year .. first_year + i - 1
        prefix = [0]
        for year in range(first_year, last_year + 1):
            prefix.append(prefix[-1] + (year not in self._official))
        self._prov_prefix = prefix
        overrides = {d.toordinal(): s.kind == "WORK" for d, s in self._special.items()
                     if self._first <= d.toordinal() <= self._last}
        work: list[int] = []
        rank: list[int] = []  # rank[ordinal - first] = working days on or before that day
        # One pass at build time; every query afterwards is an index look-up or a bisect.
        for ordinal in range(self._first, self._last + 1):
            if overrides.get(ordinal, (ordinal - 1) % 7 < 5):  # ordinal 1 (0001-01-01) is a Monday
                work.append(ordinal)
            rank.append(len(work))
        self._work = work
        self._rank = rank
        self._work_dates = [dt.date.fromordinal(o) for o in work]

    # -- helpers -------------------------------------------------------------------------------------
    def _ordinal(self, day: dt.date) -> int:
        ordinal = day.toordinal()
        if not self._first <= ordinal <= self._last:
            raise CalendarRangeError(f"日期 {day} 超出工作日历范围（{self.first_year}—{self.last_year}年）")
        return ordinal

    def _provisional(self, year_a: int, year_b: int) -> bool:
        lo, hi = (year_a, year_b) if year_a <= year_b else (year_b, year_a)
        prefix = self._prov_prefix
        return prefix[hi - self.first_year + 1] - prefix[lo - self.first_year] > 0

    # -- queries -------------------------------------------------------------------------------------
    def is_provisional_year(self, year: int) -> bool:
        """Return whether ``year`` is computed by the provisional rule."""
        return year not in self._official

    def is_workday(self, day: dt.date) -> bool:
        """Return whether ``day`` is a working day."""
        ordinal = self._ordinal(day)
        i = bisect_left(self._work, ordinal)
        return i < len(self._work) and self._work[i] == ordinal

    def add_workdays(self, start: dt.date, days: int) -> DayAnswer:
        """Return the date ``days`` working days after ``start`` (the start day is not counted)."""
        # The hot path of every deadline: two list look-ups and a prefix difference, no loop.
        if days < 0:
            raise ValueError("days must not be negative")
        ordinal = start.toordinal()
        if not self._first <= ordinal <= self._last:
            raise CalendarRangeError(f"日期 {start} 超出工作日历范围（{self.first_year}—{self.last_year}年）")
        if days == 0:
            return DayAnswer(start, start.year not in self._official)
        i = self._rank[ordinal - self._first] + days - 1
        try:
            result = self._work_dates[i]
        except IndexError:
            raise CalendarRangeError(f"结果超出工作日历范围（{self.first_year}—{self.last_year}年）") from None
        prefix, base = self._prov_prefix, self.first_year
        return _answer(DayAnswer, (result, prefix[result.year - base + 1] - prefix[start.year - base] > 0))

    def workdays_back(self, day: dt.date, days: int) -> dt.date:
        """Return the earliest date from which at most ``days`` working days remain until ``day``.

        The inverse of counting: ``workdays_between(result, day) == days`` when ``day`` is a working day.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        i = self._rank[self._ordinal(day) - self._first] - days - 1
        return self._work_dates[i] if i >= 0 else dt.date.fromordinal(self._first)

    def workdays_between(self, start: dt.date, end: dt.date) -> CountAnswer:
        """Return the working days in (start, end]; negative when ``end`` is before ``start``."""
        a, b = self._ordinal(start), self._ordinal(end)
        count = self._rank[b - self._first] - self._rank[a - self._first]
        return CountAnswer(count, self._provisional(start.year, end.year))

    def next_workday(self, day: dt.date, *, include_today: bool = True) -> DayAnswer:
        """Return ``day`` if it is a working day (when ``include_today``), else the next working day."""
        ordinal = self._ordinal(day)
        i = bisect_left(self._work, ordinal) if include_today else bisect_right(self._work, ordinal)
        if i >= len(self._work):
            raise CalendarRangeError(f"结果超出工作日历范围（{self.first_year}—{self.last_year}年）")
        result = dt.date.fromordinal(self._work[i])
        return DayAnswer(result, self._provisional(day.year, result.year))

    def add_natural_days(self, start: dt.date, days: int) -> DayAnswer:
        """Return ``start`` + ``days`` natural days, moved to the next working day if that is a rest day."""
        if days < 0:
            raise ValueError("days must not be negative")
        self._ordinal(start)
        answer = self.next_workday(start + dt.timedelta(days=days))
        return DayAnswer(answer.date, answer.provisional or self._provisional(start.year, answer.date.year))

    def special_days(self, year: int) -> list[SpecialDay]:
        """Return the year's named rest days and 调休 workdays, sorted by date."""
        return sorted((s for d, s in self._special.items() if d.year == year), key=lambda s: s.date)
