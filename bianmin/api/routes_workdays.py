"""Public working-day endpoints."""
from __future__ import annotations

import datetime as dt

from ninja import Router

from bianmin.core.errors import DomainError
from bianmin.workdays.engine import CalendarRangeError
from bianmin.workdays.selectors import get_calendar, region_by_code

from .schemas import ErrorOut, WorkdayAddOut, WorkdayYearOut

router = Router(tags=["工作日历"])
MAX_DAYS = 3650


def _region(code: str | None):
    if not code:
        return None
    region = region_by_code(code)
    if region is None:
        raise DomainError.for_field("region", f"未知的区划代码：{code}")
    return region


@router.get("/workdays/add", response={200: WorkdayAddOut, 400: ErrorOut}, auth=None,
            summary="起始日加N个工作日（起始日不计）")
def add_workdays(request, start: str, days: str, region: str | None = None):
    try:
        start_date = dt.date.fromisoformat(start)
    except ValueError:
        raise DomainError.for_field("start", "起始日期格式应为 YYYY-MM-DD 且为有效日期") from None
    try:
        count = int(days)
    except ValueError:
        raise DomainError.for_field("days", "天数应为整数") from None
    if count < 0 or count > MAX_DAYS:
        raise DomainError.for_field("days", f"天数应在 0 到 {MAX_DAYS} 之间")
    calendar = get_calendar(_region(region))
    try:
        answer = calendar.add_workdays(start_date, count)
    except CalendarRangeError as exc:
        raise DomainError.for_field("start", str(exc)) from None
    return {"start": start_date, "days": count, "date": answer.date, "provisional": answer.provisional}


@router.get("/workdays/{year}", response={200: WorkdayYearOut, 400: ErrorOut}, auth=None,
            summary="某年的放假日（暂定年度含补假）和调休上班日")
def year_days(request, year: int, region: str | None = None):
    region_obj = _region(region)
    calendar = get_calendar(region_obj)
    if not calendar.first_year <= year <= calendar.last_year:
        raise DomainError.for_field("year", f"年份应在 {calendar.first_year} 到 {calendar.last_year} 之间")
    days = calendar.special_days(year)
    as_dict = [d._asdict() for d in days]
    return {"year": year, "region": region_obj.code if region_obj else None,
            "provisional": calendar.is_provisional_year(year),
            "rest_days": [d for d in as_dict if d["kind"] == "REST"],
            "workdays": [d for d in as_dict if d["kind"] == "WORK"]}
