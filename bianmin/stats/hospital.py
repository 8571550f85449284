"""按科室: the opinions of patients and families by the hospital 科室 they concern (issue 14 item 4, decision 0026) —
ratings, 好评率 and complaints per 科室 of the hospital desks in the reader's scope.

Definitions as in ``stats.ratings``: a rating counts when it is not a 追评 and not excluded by an upheld appeal;
好评 is 非常满意, 满意 or 基本满意; 好评率 = good ÷ rated. Complaints are those the reader may read
(``complaints.policies.visible_complaints``: never one about the reader) naming the 科室. The period, when given,
is on the local date of the rating and of the complaint's receipt. One query: the 科室 with three counting
subqueries. No identity of anyone is read."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from bianmin.complaints.policies import visible_complaints
from bianmin.org.models import Sector, Unit, UnitKind
from bianmin.org.policies import scope_path
from bianmin.ratings.policies import visible_ratings

from .ratings import GOOD_LEVELS, percent, share

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser


@dataclass(frozen=True)
class DepartmentRow:
    """One 科室's figures."""

    code: str
    name: str
    desk: str
    rated: int
    good: int
    complaints: int

    @property
    def good_rate(self) -> float | None:
        return share(self.good, self.rated)

    @property
    def good_percent(self) -> str:
        return percent(self.good_rate)


def _count(qs: QuerySet[Any]) -> Coalesce:
    grouped = qs.order_by().values("department").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(grouped, output_field=IntegerField()), 0)


def department_breakdown(user: AnyUser, *, start: dt.date | None = None,
                         end: dt.date | None = None) -> list[DepartmentRow]:
    """Return the figures of each 科室 of the hospital desks in the user's scope (active ones, and inactive ones
    with figures), in path order; an empty list outside any scope or without hospital desks. One query."""
    path = scope_path(user)
    if path is None:
        return []
    ratings = visible_ratings(user).filter(department=OuterRef("pk"), parent__isnull=True, excluded=False)
    complaints = visible_complaints(user).filter(department=OuterRef("pk"))
    if start is not None:
        ratings = ratings.filter(rated_at__date__gte=start)
        complaints = complaints.filter(received_at__date__gte=start)
    if end is not None:
        ratings = ratings.filter(rated_at__date__lte=end)
        complaints = complaints.filter(received_at__date__lte=end)
    rows = (Unit.objects.filter(kind=UnitKind.HOSPITAL_DEPT, path__startswith=path,
                                parent__kind=UnitKind.INSTITUTION_DESK, parent__sector=Sector.HOSPITAL)
            .annotate(n_rated=_count(ratings), n_good=_count(ratings.filter(level__in=GOOD_LEVELS)),
                      n_complaints=_count(complaints))
            .filter(Q(is_active=True) | Q(n_rated__gt=0) | Q(n_complaints__gt=0))
            .order_by("path").values_list("code", "name", "parent__name", "n_rated", "n_good", "n_complaints"))
    return [DepartmentRow(code=code, name=name, desk=desk, rated=rated, good=good, complaints=n)
            for code, name, desk, rated, good, n in rows]
