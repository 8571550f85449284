"""The indicators of DOMAIN.md §5 for a scope and a period, in total and per center, department, window or staff.

Definitions (each reconciles with the cases behind it; tests build known cases and check every number):
- 收件数 received: applications received in the period.
- 受理数 accepted: cases accepted (incl. deemed and 即办) in the period; 即办件 immediate: of those, done on the spot;
  即办件占比 = immediate ÷ accepted; 上报件 reported: of those, cases a higher organ decides.
- 办结数 decided: cases decided in the period; 按期办结 on_time: decided on or before the committed deadline;
  按期办结率 = on_time ÷ decided; 平均办理用时 = mean working days from acceptance to decision (start day not counted).
- 超期件数 overdue: cases whose committed deadline fell in the period and were not decided by it (decided later,
  or still running after it).
- 补正率 = received applications that were served a 补正 notice ÷ received.
- 最多跑一次 one_visit: received applications whose item needs at most one visit and that needed no 补正 (a 补正
  means another trip) ÷ received.
- 首问 inquiries by outcome (registered in the period); 过错 violations by type (occurred in the period, not dismissed).
- 好差评 (the 差评 follow-up first, then 好评率, 主动评价好评率, 未评价率): defined in ``stats.ratings``;
  监督投诉 (by kind, replied on time, confirmed, transferred): defined in ``stats.complaints``.
Grouping: center = the receiving unit; department = the item's implementing department; staff = who received
(receipt figures) or the first handler (acceptance and decision figures); window = the window of that person's A post.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from bianmin.accountability.models import Violation, ViolationKind, ViolationStatus
from bianmin.cases.models import Case, CasePause, Notice, NoticeKind
from bianmin.cases.policies import visible_cases
from bianmin.cases.selectors import LATE_DECISION, decided_with_day
from bianmin.cases.workflow import RUNNING
from bianmin.core.errors import DomainError, NotFound
from bianmin.core.timeutils import require_plausible_dates
from bianmin.inquiries.models import Inquiry, Outcome
from bianmin.org.models import Region, Unit
from bianmin.org.policies import scope_path
from bianmin.workdays.engine import WorkCalendar
from bianmin.workdays.selectors import get_calendar

from .complaints import ComplaintRow, complaint_indicators
from .grouping import _labels, _window_of
from .ratings import RatingRow, rating_indicators

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser

GROUPS = {"": "合计", "unit": "服务中心", "department": "部门", "window": "窗口", "staff": "工作人员"}
MAX_DAYS = 366


@dataclass
class Row:
    key: str
    label: str
    received: int = 0
    accepted: int = 0
    immediate: int = 0
    reported: int = 0
    decided: int = 0
    on_time: int = 0
    working_days_total: int = 0
    overdue: int = 0
    supplement: int = 0
    one_visit: int = 0

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def on_time_rate(self) -> float | None:
        return self._share(self.on_time, self.decided)

    @property
    def immediate_share(self) -> float | None:
        return self._share(self.immediate, self.accepted)

    @property
    def supplement_rate(self) -> float | None:
        return self._share(self.supplement, self.received)

    @property
    def one_visit_share(self) -> float | None:
        return self._share(self.one_visit, self.received)

    @property
    def avg_working_days(self) -> float | None:
        return round(self.working_days_total / self.decided, 2) if self.decided else None

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "received": self.received, "accepted": self.accepted,
                "immediate": self.immediate, "immediate_share": self.immediate_share, "reported": self.reported,
                "decided": self.decided,
                "on_time": self.on_time, "on_time_rate": self.on_time_rate,
                "avg_working_days": self.avg_working_days, "overdue": self.overdue, "supplement": self.supplement,
                "supplement_rate": self.supplement_rate, "one_visit": self.one_visit,
                "one_visit_share": self.one_visit_share}


@dataclass
class Report:
    start: dt.date
    end: dt.date
    unit: Unit | None
    group_by: str
    total: Row
    rows: list[Row]
    inquiries: dict[str, int] = field(default_factory=dict)
    violations: dict[str, int] = field(default_factory=dict)
    # 好差评 (``ratings``): the total and, when grouped, one row per group.
    ratings: RatingRow = field(default_factory=lambda: RatingRow(key="", label="合计"))
    rating_rows: list[RatingRow] = field(default_factory=list)
    # 监督投诉 (``complaints``): the total, one row per group, the counts by kind (label → count).
    complaints: ComplaintRow = field(default_factory=lambda: ComplaintRow(key="", label="合计"))
    complaint_rows: list[ComplaintRow] = field(default_factory=list)
    complaints_by_kind: dict[str, int] = field(default_factory=dict)


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def check_period(start: dt.date, end: dt.date) -> None:
    """Raise DomainError naming ``to`` or ``from`` for reversed or implausible dates, or a period over a year."""
    if end < start:
        raise DomainError.for_field("to", "结束日期不能早于开始日期")
    require_plausible_dates("from", start, end)  # also keeps the date arithmetic below from overflowing
    if (end - start).days >= MAX_DAYS:
        raise DomainError.for_field("from", "统计区间不能超过一年")


def scope_unit(user: AnyUser, unit_code: str) -> tuple[str, Unit | None]:
    """Return the path prefix the statistics cover (the user's scope, or one unit inside it) and that unit.

    Raises NotFound for a unit out of sight, or a user without a unit."""
    path = scope_path(user)
    if path is None:
        raise NotFound("单位不存在")
    unit = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code, path__startswith=path).first()
        if unit is None:
            raise NotFound("单位不存在")
        path = unit.path
    return path, unit


def _scope(user: AnyUser, unit_code: str) -> tuple[QuerySet[Case], str, Unit | None]:
    path, unit = scope_unit(user, unit_code)
    return visible_cases(user).filter(unit_path__startswith=path), path, unit


def _keys(group_by: str, person_field: str) -> str | None:
    return {"unit": "unit_id", "department": "item_version__implementing_unit_id", "staff": person_field,
            "window": person_field}.get(group_by)


class _Rows:
    """Accumulate counts by group key, mapping staff to windows when grouping by window."""

    def __init__(self, group_by: str):
        self.group_by = group_by
        self.raw: list[tuple[Hashable, str, int]] = []

    def add(self, key: Hashable, name: str, value: int) -> None:
        self.raw.append((key, name, value))

    def build(self) -> list[Row]:
        keys = {k for k, _n, _v in self.raw}
        if self.group_by == "window":
            windows = _window_of({k for k in keys if isinstance(k, int)})
            mapped: list[tuple[Hashable, str, int]] = [
                (windows.get(k, "未设岗位") if isinstance(k, int) else "未设岗位", n, v) for k, n, v in self.raw]
            labels: dict[Any, str] = {w: str(w) for w, _n, _v in mapped}
        else:
            mapped = self.raw
            labels = _labels(self.group_by, keys)
        rows: dict[Hashable, Row] = {}
        for key, name, value in mapped:
            row = rows.setdefault(key, Row(key=str(key if key is not None else ""),
                                           label=labels.get(key) or "未指定"))
            setattr(row, name, getattr(row, name) + value)
        return sorted(rows.values(), key=lambda r: (-r.received - r.accepted - r.decided, r.label))


def overdue_cases(cases: QuerySet[Case], start: dt.date, end: dt.date, today: dt.date) -> QuerySet[Case]:
    """Cases whose committed deadline fell in [start, end] and that were not decided by it: decided (or returned,
    withdrawn) later, or still running after it with the clock not paused by a special procedure."""
    paused = Exists(CasePause.objects.filter(case=OuterRef("pk"), ended_at__isnull=True))
    return (cases.filter(committed_deadline__gte=start, committed_deadline__lte=end)
            .annotate(decided_day=TruncDate("decided_at"), closed_day=TruncDate("closed_at"))
            .filter(Q(status__in=RUNNING, committed_deadline__lt=today) & ~Q(paused)
                    | Q(decided_day__gt=F("committed_deadline"))
                    | Q(decided_at__gt=F("committed_due_at"))  # a limit in hours, missed on its due day
                    | Q(decided_at__isnull=True, closed_day__gt=F("committed_deadline"),
                        accepted_at__isnull=False)))


def indicators(user: AnyUser, *, start: dt.date, end: dt.date, unit_code: str = "", group_by: str = "",
               today: dt.date | None = None) -> Report:
    """Compute the indicators for the user's scope (or one unit inside it) over [start, end].

    Raises NotFound for a unit out of sight (or a user without a unit); DomainError naming ``group``, ``to`` or
    ``from`` for an unknown grouping, reversed or implausible dates, or a period over a year.
    """
    if group_by not in GROUPS:
        raise DomainError.for_field("group", "分组只能是 unit、department、window 或 staff")
    check_period(start, end)
    cases, path, unit = _scope(user, unit_code)
    lo, hi = period_bounds(start, end)
    total = Row(key="", label=unit.name if unit else "合计")
    acc = _Rows(group_by)

    def grouped(qs: QuerySet[Case], person_field: str, **aggregates: Any) -> list[Mapping[str, Any]]:
        key = _keys(group_by, person_field)
        if key is None:
            return [qs.aggregate(**aggregates) | {"k": None}]
        return list(qs.values(k=F(key)).annotate(**aggregates).order_by())

    received = cases.filter(received_at__gte=lo, received_at__lt=hi)
    for r in grouped(received, "received_by_id", received=Count("id"),
                     one_visit=Count("id", filter=Q(item_version__required_visits__lte=1))):
        acc.add(r["k"], "received", r["received"])
        acc.add(r["k"], "one_visit", r["one_visit"])
    # Received applications that were served a 补正 notice: read from the (few) served notices.
    supplemented = cases.filter(pk__in=Notice.objects.filter(
        kind=NoticeKind.SUPPLEMENT, served_at__isnull=False, case__received_at__gte=lo,
        case__received_at__lt=hi).values("case_id"))
    for r in grouped(supplemented, "received_by_id", supplement=Count("id"),
                     again=Count("id", filter=Q(item_version__required_visits__lte=1))):
        acc.add(r["k"], "supplement", r["supplement"])
        acc.add(r["k"], "one_visit", -r["again"])  # a 补正 means another trip
    accepted = cases.filter(accepted_at__gte=lo, accepted_at__lt=hi)
    for r in grouped(accepted, "first_handler_id", accepted=Count("id"),
                     immediate=Count("id", filter=Q(immediate=True)),
                     reported=Count("id", filter=Q(reported=True))):
        acc.add(r["k"], "accepted", r["accepted"])
        acc.add(r["k"], "immediate", r["immediate"])
        acc.add(r["k"], "reported", r["reported"])
    today = today or timezone.localdate()
    overdue = overdue_cases(cases, start, end, today)
    for r in grouped(overdue, "first_handler_id", overdue=Count("id")):
        acc.add(r["k"], "overdue", r["overdue"])
    # Decisions: grouped by (acceptance day, decision day) in SQL, so working days are counted once per pair of
    # days (a few thousand pairs a month) instead of once per case.
    key = _keys(group_by, "first_handler_id")
    decided = decided_with_day(cases, lo, hi).annotate(a_day=TruncDate("accepted_at"))
    group = ["a_day", "d_day", "unit__region_id"] + (["k"] if key else [])
    if key:
        decided = decided.annotate(k=F(key))
    calendars: dict[int, WorkCalendar] = {}
    regions = Region.objects.in_bulk()  # a county has a few dozen
    for row in decided.values(*group).annotate(n=Count("id"), late=Count("id", filter=LATE_DECISION)).order_by():
        region_id, k = row["unit__region_id"], row.get("k")
        if region_id not in calendars:
            calendars[region_id] = get_calendar(regions[region_id])
        days = max(calendars[region_id].workdays_between(row["a_day"], row["d_day"]).days, 0)
        acc.add(k, "decided", row["n"])
        acc.add(k, "on_time", row["n"] - row["late"])
        acc.add(k, "working_days_total", days * row["n"])
    rows = acc.build()
    for built in rows:
        for name in ("received", "accepted", "immediate", "reported", "decided", "on_time", "working_days_total",
                     "overdue", "supplement", "one_visit"):
            setattr(total, name, getattr(total, name) + getattr(built, name))
    inquiries = dict(Inquiry.objects.filter(unit__path__startswith=path, received_at__gte=lo, received_at__lt=hi)
                     .exclude(outcome="").values_list("outcome").annotate(n=Count("id")).order_by())
    violations = dict(Violation.objects.filter(unit_path__startswith=path, occurred_on__gte=start,
                                               occurred_on__lte=end).exclude(status=ViolationStatus.DISMISSED)
                      .values_list("kind").annotate(n=Count("id")).order_by())
    ratings, rating_rows = rating_indicators(user, path=path, lo=lo, hi=hi, group_by=group_by, today=today,
                                             label=total.label)
    complaints, complaint_rows, by_kind = complaint_indicators(path=path, lo=lo, hi=hi, group_by=group_by,
                                                               today=today, label=total.label)
    return Report(start=start, end=end, unit=unit, group_by=group_by, total=total,
                  rows=rows if group_by else [],
                  inquiries={Outcome(k).label: v for k, v in inquiries.items()},
                  violations={ViolationKind(k).label: v for k, v in violations.items()},
                  ratings=ratings, rating_rows=rating_rows, complaints=complaints, complaint_rows=complaint_rows,
                  complaints_by_kind=by_kind)
