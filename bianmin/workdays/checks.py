"""System check: from 1 November, warn when next year has no official holiday schedule.

Tagged ``database`` because it reads the table: it runs with ``check --database default`` and during
``migrate``, and the staff home shows the same warning to administrators.
"""
from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

from bianmin.core.timeutils import today


def next_year_missing(on_date=None) -> int | None:
    """Return next year when it lacks official data and the warning season has begun, else None."""
    from .models import CalendarYear

    day = on_date or today()
    if day.month < settings.BIANMIN["CALENDAR_WARN_FROM_MONTH"]:
        return None
    year = day.year + 1
    return None if CalendarYear.objects.filter(year=year).exists() else year


@register(Tags.database)
def check_next_year(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    try:
        year = next_year_missing()
    except DatabaseError:
        return []
    if year is None:
        return []
    return [Warning(f"{year}年的国务院放假安排尚未录入，{year}年的期限按暂定规则计算",
                    hint="国务院通知发布后，请系统管理员在“工作日历 → 已公布年度”中录入。", id="workdays.W001")]
