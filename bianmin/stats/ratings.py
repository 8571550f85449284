"""好差评 indicators (issue 17 item 4; DOMAIN.md §2.11, 国办发〔2019〕51号) for a scope and a period, in total and per
center, department, window or staff. The 差评 follow-up leads: counties publish 好评率 around 99.9 %, so the signal is
in what was done about each 差评.

Definitions (a rating counts for the scope that prefixes its ``unit_path``; ratings of the period are those rated in
it, 追评 apart; a rating excluded by an upheld appeal counts nowhere but in 申诉成立不计入):
- 差评 bad: level 不满意 or 非常不满意. 好评 good: 非常满意, 满意 or 基本满意 (the national five levels, the last two
  being 差评; 基本满意 is a positive rating, as in the provinces' published 好评率).
- 差评整改 follow-ups (real-name 差评 of the period; anonymous ones have no one to call back):
  回访按时 visited_on_time: visited on or before its due day (local date); 回访超时 visit_late: visited after it, or
  not visited and the day passed on the day of the report; 整改 rectified / rectified_on_time / rectify_late the same
  for the rectification; 已反馈 told: the result told to the citizen; 追评 re_rated with its level split
  (re_rated_good, re_rated_bad); 办结但差评未整改 closed_unrectified: the service instance is closed (the case
  delivered or ended, the inquiry closed, the relay delivered) while the follow-up is still at 回访 or 整改 — such a
  case is counted as 办结 in the case indicators and here as not rectified, never as resolved.
  按时率 = on_time ÷ (on_time + late): a step still within its limit is not judged yet.
- 好评率 good_rate = good ÷ rated; 主动评价好评率 active_good_rate: the same over ratings the citizen gave
  (every channel but 默认评价); 差评率 = bad ÷ rated.
- 未评价率 unrated_rate = unrated ÷ rateable: the service instances that ended in the period (a case delivered or
  ended without a decision — a case opened from a 代办件 counts through its relay —, an inquiry closed, a relay
  delivered or archived) without a rating ÷ those instances; an instance whose only rating was excluded by an
  upheld appeal counts in neither.
Grouping: center = the rating's unit (the instance's unit); department = the item's implementing department;
staff = who was rated (for unrated instances: the case's first handler or receiver, the first responder, the agent);
window = the pad's window for a pad rating, otherwise the window of that person's A post.
Every figure is an aggregate in SQL: one grouped query for the ratings, one per kind of service instance, the labels.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from bianmin.cases.models import Case
from bianmin.inquiries.models import Inquiry, InquiryStatus
from bianmin.ratings.models import BAD_LEVELS, Channel, Level, Rating, Subject
from bianmin.ratings.policies import RATEABLE_CASE, RATEABLE_RELAY, visible_ratings
from bianmin.relay.policies import visible_relays

from .grouping import NO_POST, _labels, window_labels

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser

GOOD_LEVELS = (Level.VERY_SATISFIED, Level.SATISFIED, Level.BASIC)


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percent(value: float | None) -> str:
    """Return a share as a percentage with two decimals ("99.90%"; "—" when there is nothing to divide): a 好评率
    of 99.9 % must not be shown rounded to 100 %."""
    return "—" if value is None else f"{value * 100:.2f}%"


RATING_RATES = ("visit_on_time_rate", "rectify_on_time_rate", "good_rate", "bad_rate", "active_good_rate",
                "unrated_rate")


@dataclass
class RatingRow:
    key: str
    label: str
    # 差评整改 (the lead)
    bad: int = 0
    follow_ups: int = 0
    visited_on_time: int = 0
    visit_late: int = 0
    rectified: int = 0
    rectified_on_time: int = 0
    rectify_late: int = 0
    told: int = 0
    re_rated: int = 0
    re_rated_good: int = 0
    re_rated_bad: int = 0
    closed_unrectified: int = 0
    # 好评率, 主动评价好评率, 未评价率
    rated: int = 0
    good: int = 0
    active_rated: int = 0
    active_good: int = 0
    rateable: int = 0
    unrated: int = 0
    excluded: int = 0

    @property
    def visit_on_time_rate(self) -> float | None:
        return share(self.visited_on_time, self.visited_on_time + self.visit_late)

    @property
    def rectify_on_time_rate(self) -> float | None:
        return share(self.rectified_on_time, self.rectified_on_time + self.rectify_late)

    @property
    def good_rate(self) -> float | None:
        return share(self.good, self.rated)

    @property
    def bad_rate(self) -> float | None:
        return share(self.bad, self.rated)

    @property
    def active_good_rate(self) -> float | None:
        return share(self.active_good, self.active_rated)

    @property
    def unrated_rate(self) -> float | None:
        return share(self.unrated, self.rateable)

    @property
    def percents(self) -> dict[str, str]:
        """The rates as the pages show them (``percent``)."""
        return {name: percent(getattr(self, name)) for name in RATING_RATES}

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in RATING_RATES:
            data[name] = getattr(self, name)
        return data


COUNTED = [f.name for f in fields(RatingRow) if f.name not in ("key", "label")]
R = TypeVar("R")


class GroupedRows(Generic[R]):
    """Accumulate counts by group key and build one row per group with its label. A key is ``("W", window_id)``
    (grouping by window: the window is known) or ``("S", staff_id)`` (the window of that person's A post), else a
    unit, department or staff id."""

    def __init__(self, group_by: str, make: Callable[[str, str], R], order: Callable[[R], Any]):
        self.group_by, self.make, self.order = group_by, make, order
        self.raw: list[tuple[Hashable, Mapping[str, int]]] = []

    def add(self, key: Hashable, values: Mapping[str, int]) -> None:
        self.raw.append((key, values))

    def _label_of(self) -> Callable[[Hashable], tuple[str, str]]:
        keys = {k for k, _v in self.raw}
        if self.group_by == "window":
            by_window, by_staff = window_labels(
                {k[1] for k in keys if isinstance(k, tuple) and k[0] == "W" and k[1] is not None},
                {k[1] for k in keys if isinstance(k, tuple) and k[0] == "S" and k[1] is not None})

            def window(key: Hashable) -> tuple[str, str]:
                kind, pk = key if isinstance(key, tuple) else ("S", None)
                if pk is None:
                    return "未指定", "未指定"
                label = (by_window.get(pk) if kind == "W" else by_staff.get(pk)) or NO_POST
                return label, label
            return window
        labels = _labels(self.group_by, keys)
        return lambda key: (str(key if key is not None else ""), labels.get(key) or "未指定")

    def build(self, total: R) -> list[R]:
        """Return the rows (none when not grouped) and add every count into ``total``."""
        label_of = self._label_of()
        rows: dict[str, R] = {}
        for key, values in self.raw:
            row_key, label = label_of(key)
            row = rows.setdefault(row_key, self.make(row_key, label))
            for name, value in values.items():
                setattr(row, name, getattr(row, name) + value)
                setattr(total, name, getattr(total, name) + value)
        return sorted(rows.values(), key=self.order) if self.group_by else []


def _rating_key(group_by: str) -> dict[str, Any]:
    keys: dict[str, dict[str, Any]] = {"unit": {"k": F("unit_id")},
            "department": {"k": Coalesce("case__item_version__implementing_unit_id",
                                         "relay__item_version__implementing_unit_id")},
            "staff": {"k": F("staff_id")},
            "window": {"w": F("window_id"), "s": F("staff_id")}}
    return keys.get(group_by, {})


def _key(group_by: str, row: Mapping[str, Any]) -> Hashable:
    if group_by == "window":
        return ("W", row["w"]) if row.get("w") is not None else ("S", row["s"])
    return row.get("k")


def _grouped(qs: QuerySet[Any], group_by: str, keys: dict[str, Any], counts: dict[str, Any]) -> list[dict[str, Any]]:
    if not keys:
        return [qs.aggregate(**counts)]
    return list(qs.values(**keys).annotate(**counts).order_by())


def _rating_counts(today: dt.date) -> dict[str, Count]:
    """Return the aggregates, named n_… (an aggregate may not take the name of a field: ``excluded``)."""
    return {f"n_{name}": count for name, count in _rating_count_exprs(today).items()}


def _rating_count_exprs(today: dt.date) -> dict[str, Count]:
    counted = Q(excluded=False)
    bad = counted & Q(level__in=BAD_LEVELS)
    good = counted & Q(level__in=GOOD_LEVELS)
    active = ~Q(channel=Channel.DEFAULT)
    fu = bad & Q(follow_up__isnull=False)
    re_rating = fu & Q(follow_up_ratings__isnull=False, follow_up_ratings__excluded=False)
    ended = (Q(subject=Subject.CASE, case__closed_at__isnull=False)
             | Q(subject=Subject.INQUIRY, inquiry__status=InquiryStatus.CLOSED)
             | Q(subject=Subject.RELAY, relay__status__in=RATEABLE_RELAY))
    return {
        "bad": Count("id", filter=bad), "follow_ups": Count("id", filter=fu),
        "visited_on_time": Count("id", filter=fu & Q(follow_up__visited_at__date__lte=F("follow_up__visit_due_on"))),
        "visit_late": Count("id", filter=fu & (Q(follow_up__visited_at__date__gt=F("follow_up__visit_due_on"))
                                               | Q(follow_up__visited_at__isnull=True,
                                                   follow_up__visit_due_on__lt=today))),
        "rectified": Count("id", filter=fu & Q(follow_up__rectified_at__isnull=False)),
        "rectified_on_time": Count("id", filter=fu & Q(
            follow_up__rectified_at__date__lte=F("follow_up__rectify_due_on"))),
        "rectify_late": Count("id", filter=fu & (Q(follow_up__rectified_at__date__gt=F("follow_up__rectify_due_on"))
                                                 | Q(follow_up__rectified_at__isnull=True,
                                                     follow_up__rectify_due_on__lt=today))),
        "told": Count("id", filter=fu & Q(follow_up__told_at__isnull=False)),
        "re_rated": Count("id", filter=re_rating),
        "re_rated_good": Count("id", filter=re_rating & Q(follow_up_ratings__level__in=GOOD_LEVELS)),
        "re_rated_bad": Count("id", filter=re_rating & Q(follow_up_ratings__level__in=BAD_LEVELS)),
        # Not rectified: no 整改情况 recorded yet (a rectified one waiting to be told is rectified).
        "closed_unrectified": Count("id", filter=fu & ended & Q(follow_up__rectified_at__isnull=True)),
        "rated": Count("id", filter=counted), "good": Count("id", filter=good),
        "active_rated": Count("id", filter=counted & active), "active_good": Count("id", filter=good & active),
        "excluded": Count("id", filter=Q(excluded=True)),
    }


def _instance_counts(field: str) -> dict[str, Count]:
    rated = Exists(Rating.objects.filter(parent__isnull=True, **{field: OuterRef("pk")}))
    counted = Exists(Rating.objects.filter(parent__isnull=True, excluded=False, **{field: OuterRef("pk")}))
    return {"rateable": Count("id", filter=~rated | counted), "unrated": Count("id", filter=~rated)}


def rating_indicators(user: AnyUser, *, path: str, lo: dt.datetime, hi: dt.datetime, group_by: str,
                      today: dt.date, label: str) -> tuple[RatingRow, list[RatingRow]]:
    """Return the total and the rows (empty when not grouped) of the 好差评 figures for the scope ``path`` over
    [lo, hi). The caller checked the grouping, the period and the scope (``selectors.indicators``)."""
    acc: GroupedRows[RatingRow] = GroupedRows(
        group_by, lambda key, name: RatingRow(key=key, label=name),
        lambda r: (-r.bad, -r.rated - r.rateable, r.label))
    ratings = visible_ratings(user).filter(unit_path__startswith=path, rated_at__gte=lo, rated_at__lt=hi,
                                           parent__isnull=True)
    for row in _grouped(ratings, group_by, _rating_key(group_by), _rating_counts(today)):
        acc.add(_key(group_by, row), {name: row[f"n_{name}"] for name in COUNTED if f"n_{name}" in row})

    staff_key = {"window": {"s": F("staff")}, "staff": {"k": F("staff")}}
    cases = (Case.objects.filter(unit_path__startswith=path, status__in=RATEABLE_CASE, closed_at__gte=lo,
                                 closed_at__lt=hi, relay__isnull=True)
             .annotate(staff=Coalesce("first_handler_id", "received_by_id")))
    inquiries = (Inquiry.objects.filter(unit_path__startswith=path, status=InquiryStatus.CLOSED, closed_at__gte=lo,
                                        closed_at__lt=hi).annotate(staff=F("first_responder_id")))
    relays = (visible_relays(user).filter(origin_path__startswith=path, status__in=RATEABLE_RELAY)
              .annotate(ended_at=Coalesce("delivered_at", "closed_at"))
              .filter(ended_at__gte=lo, ended_at__lt=hi).annotate(staff=F("agent_id")))
    instances: list[tuple[QuerySet[Any], str, dict[str, Any]]] = [
        (cases, "case", {"unit": {"k": F("unit_id")}, "department": {"k": F("item_version__implementing_unit_id")}}),
        (inquiries, "inquiry", {"unit": {"k": F("unit_id")}, "department": {}}),  # an inquiry has no item
        (relays, "relay", {"unit": {"k": F("origin_unit_id")},
                           "department": {"k": F("item_version__implementing_unit_id")}}),
    ]
    for qs, field, keys in instances:
        key = (keys | staff_key).get(group_by, {})
        for row in _grouped(qs, group_by, key, _instance_counts(field)):
            acc.add(_key(group_by, row), {"rateable": row["rateable"] or 0, "unrated": row["unrated"] or 0})
    total = RatingRow(key="", label=label)
    rows = acc.build(total)
    return total, rows
