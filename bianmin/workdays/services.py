"""Writers for the calendar: import official years, enter a notice, local days; each bumps the revision."""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bianmin.accounts.policies import require
from bianmin.accounts.roles import Perm
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.core.errors import DomainError
from bianmin.org.models import Region

from .models import CalendarDay, CalendarRevision, CalendarYear, DayKind, DaySource
from .selectors import forget_revision_memo

if TYPE_CHECKING:
    from bianmin.users.models import User

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def bump_revision() -> None:
    """Tell every process that the calendar changed (call inside the writing transaction).

    The revision is a random stamp, not a counter, so a restored backup or a rolled-back test can never
    present a number that a process already cached for other data.

    Refuses nothing: a system step inside the calling writer's transaction.
    """
    stamp = secrets.randbits(62) + 1
    if not CalendarRevision.objects.filter(pk=1).update(revision=stamp):
        CalendarRevision.objects.create(pk=1, revision=stamp)
    forget_revision_memo()  # later reads in this transaction must see the new revision


def check_days(days: Iterable[tuple[dt.date, str, str]], year: int | None = None) -> list[tuple]:
    """Return the (date, kind, name) rows checked and with their names stripped; with ``year``, all in that year.

    Raises DomainError naming ``days`` for a day outside ``year``, a day listed twice, an unknown kind, a Monday
    to Friday entered as a 调休 workday, or a day without a name."""
    seen, clean = set(), []
    for day, kind, name in days:
        if year is not None and day.year != year:
            raise DomainError.for_field("days", f"{day} 不属于{year}年")
        if day in seen:
            raise DomainError.for_field("days", f"{day} 重复出现")
        if kind not in DayKind.values:
            raise DomainError.for_field("days", f"{day} 的类型无效")
        if kind == DayKind.WORK and day.weekday() < 5:
            raise DomainError.for_field("days", f"{day} 是周一至周五，不能登记为调休上班日")
        if not name.strip():
            raise DomainError.for_field("days", f"{day} 缺少名称")
        seen.add(day)
        clean.append((day, kind, name.strip()))
    return clean


def import_official(days: Iterable[tuple[dt.date, str, str]], years: Iterable[int], *, notice: str = "",
                    now: dt.datetime) -> int:
    """Replace the national official data of ``years`` with ``days``; return the number of rows (idempotent).

    A system step (``manage.py import_calendar``, the demo seed): no permission is asked. Raises DomainError naming
    ``days`` as ``check_days``."""
    years = sorted(set(years))
    rows = check_days(days)
    with audited_atomic():
        CalendarDay.objects.filter(region__isnull=True, date__year__in=years).delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(region=None, date=d, kind=k, name=n, source=DaySource.OFFICIAL) for d, k, n in rows])
        for year in years:
            CalendarYear.objects.update_or_create(year=year, defaults={"notice": notice, "finalized_at": now})
        bump_revision()
        record(action=AuditAction.CALENDAR_CHANGE, summary=f"导入官方放假安排：{years[0]}—{years[-1]}年",
               actor_username="system", now=now, data={"years": years, "rows": len(rows)})
    return len(rows)


def finalize_year(*, actor: User, year: int, notice: str, days: Iterable[tuple[dt.date, str, str]],
                  published_on: dt.date | None, now: dt.datetime) -> CalendarYear:
    """Enter a year's State Council notice: the year stops being provisional from now on.

    Raises Forbidden without MANAGE_CALENDAR; DomainError naming ``days`` (as ``check_days``, or no rest day at
    all) or ``notice`` (empty)."""
    require(actor, Perm.MANAGE_CALENDAR)
    rows = check_days(days, year)
    if not notice.strip():
        raise DomainError.for_field("notice", "请填写通知文号")
    if not any(k == DayKind.REST for _d, k, _n in rows):
        raise DomainError.for_field("days", "至少应有一个放假日")
    with audited_atomic():
        CalendarDay.objects.filter(region__isnull=True, date__year=year).delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(region=None, date=d, kind=k, name=n, source=DaySource.OFFICIAL) for d, k, n in rows])
        calendar_year, _ = CalendarYear.objects.update_or_create(
            year=year, defaults={"notice": notice.strip(), "published_on": published_on, "finalized_at": now,
                                 "finalized_by": actor})
        bump_revision()
        record(action=AuditAction.CALENDAR_CHANGE, summary=f"录入{year}年放假安排（{notice.strip()}）", actor=actor,
               obj=calendar_year, now=now, data={"rows": len(rows)})
    return calendar_year


def add_local_day(*, actor: User, region: Region, date: dt.date, kind: str, name: str, now: dt.datetime) -> CalendarDay:
    """Add a region's own rest day (e.g. a minority festival) or workday; applies to regions below it.

    Raises Forbidden without MANAGE_CALENDAR; DomainError naming ``days`` as ``check_days``, or ``date`` when the
    region already has an entry on that date."""
    require(actor, Perm.MANAGE_CALENDAR)
    ((date, kind, name),) = check_days([(date, kind, name)])
    with audited_atomic():
        if CalendarDay.objects.filter(region=region, date=date).exists():
            raise DomainError.for_field("date", f"{region.name}在{date}已有登记")
        day = CalendarDay.objects.create(region=region, date=date, kind=kind, name=name, source=DaySource.LOCAL)
        bump_revision()
        label = DayKind(kind).label
        record(action=AuditAction.CALENDAR_CHANGE, summary=f"登记地方{label}：{region.name} {date} {name}",
               actor=actor, obj=day, now=now)
    return day


KIND_WORDS = {"休": DayKind.REST, "放假": DayKind.REST, "休息": DayKind.REST, "REST": DayKind.REST,
              "班": DayKind.WORK, "上班": DayKind.WORK, "调休上班": DayKind.WORK, "WORK": DayKind.WORK}


def parse_notice_lines(text: str, year: int) -> list[tuple[dt.date, str, str]]:
    """Parse lines like ``2027-02-07 班 春节调休`` (blank lines are skipped).

    Raises DomainError naming ``days`` (its message names the line) for a line without date, kind and name, an
    invalid date or kind, or text with no lines at all."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 3:
            raise DomainError.for_field("days", f"第{number}行应为“日期 类型 名称”，例如 {year}-01-01 休 元旦")
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError:
            raise DomainError.for_field("days", f"第{number}行的日期“{parts[0]}”无效，格式为 YYYY-MM-DD") from None
        kind = KIND_WORDS.get(parts[1].upper() if parts[1].isascii() else parts[1])
        if kind is None:
            raise DomainError.for_field("days", f"第{number}行的类型“{parts[1]}”无效，应为“休”或“班”")
        rows.append((day, kind.value, " ".join(parts[2:])))
    if not rows:
        raise DomainError.for_field("days", "请逐行填写放假日和调休上班日")
    return rows


def chinesecalendar_days() -> tuple[list[tuple[dt.date, str, str]], list[int]]:
    """Return the official exceptions and covered years from the ``chinesecalendar`` package.

    Refuses nothing: it only reads the installed package's tables."""
    from chinese_calendar import constants

    days = [(d, DayKind.REST.value, HOLIDAY_NAMES.get(v, v)) for d, v in constants.holidays.items()]
    days += [(d, DayKind.WORK.value, f"{HOLIDAY_NAMES.get(v, v)}调休") for d, v in constants.workdays.items()
             if d.weekday() >= 5]
    years = sorted({d.year for d, _k, _n in days})
    return days, years
