"""The figures a service place publishes on its board (上墙公示, issue 18): the previous and the current month's
按期办结率 and 好评率, with the statistics' own definitions (``cases.selectors.on_time_counts``; ratings as
``stats.ratings`` counts them). Read by the public board and its API; no personal data."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from bianmin.cases.models import Case
from bianmin.cases.selectors import on_time_counts
from bianmin.org.models import Unit
from bianmin.ratings.models import Rating

from .ratings import GOOD_LEVELS, percent, share
from .selectors import period_bounds


@dataclass(frozen=True)
class MonthFigures:
    """A month's published figures of one service place: 按期办结率 and 好评率 (the definitions of ``bianmin.stats``:
    cases decided in the month, on time when decided on or before the committed deadline; ratings given in the month,
    追评 apart, those excluded by an upheld appeal not counted; 好评 = 非常满意, 满意 or 基本满意)."""

    month: dt.date  # its first day
    partial: bool  # the current month, up to today
    decided: int
    on_time: int
    rated: int
    good: int

    @property
    def on_time_rate(self) -> str:
        return percent(share(self.on_time, self.decided))

    @property
    def good_rate(self) -> str:
        return percent(share(self.good, self.rated))


def _first_of_previous(day: dt.date) -> dt.date:
    first = day.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def month_figures(unit: Unit, today: dt.date) -> list[MonthFigures]:
    """Return the previous month's and this month's (to ``today``) figures of ``unit``, in three queries."""
    months = [(_first_of_previous(today), today.replace(day=1) - dt.timedelta(days=1), False),
              (today.replace(day=1), today, True)]
    bounds = [period_bounds(start, end) for start, end, _partial in months]
    lo, hi = bounds[0][0], bounds[-1][1]
    rating_counts: dict[str, Count] = {}
    for i, (m_lo, m_hi) in enumerate(bounds):
        rated = Q(rated_at__gte=m_lo, rated_at__lt=m_hi)
        rating_counts[f"rated{i}"] = Count("id", filter=rated)
        rating_counts[f"good{i}"] = Count("id", filter=rated & Q(level__in=GOOD_LEVELS))
    # 按期办结 as the statistics define it (cases.selectors.on_time_counts), one query a month.
    cases = [on_time_counts(Case.objects.filter(unit=unit), m_lo, m_hi) for m_lo, m_hi in bounds]
    ratings = Rating.objects.filter(unit=unit, parent__isnull=True, excluded=False, rated_at__gte=lo,
                                    rated_at__lt=hi).aggregate(**rating_counts)
    return [MonthFigures(month=start, partial=partial, decided=cases[i][0], on_time=cases[i][1],
                         rated=ratings[f"rated{i}"], good=ratings[f"good{i}"])
            for i, (start, _end, partial) in enumerate(months)]
