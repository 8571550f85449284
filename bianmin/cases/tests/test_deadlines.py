"""Deadlines at acceptance across the 2025 and 2026 holidays, in working and natural days (issue 4 items 1, 11)."""
import datetime as dt

import pytest

from bianmin.cases import services as svc
from bianmin.catalog.services import create_item
from bianmin.testing.factories import ALL_GOOD, MATERIALS, applicant, item_content

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(hours=hour - 8)


def accept(cast, code: str, day: dt.date):
    case = svc.receive_case(actor=cast["window_a"], item_code=code, applicant=applicant(), materials=ALL_GOOD,
                            now=at(day))
    return svc.accept_case(actor=cast["window_a"], number=case.number, now=at(day))


@pytest.fixture
def items(cast, calendar, org):
    def make(code, **limits):
        return create_item(actor=cast["sysadmin"], code=code, basic_code=code, content=item_content(
            implementing_unit=org["dept"], **limits), materials=MATERIALS, fees=[], faqs=[], now=at(
            dt.date(2025, 1, 2)), publish=True)

    make("WD-05", committed_limit=5, legal_limit=20)
    make("ND-10", committed_limit=10, committed_limit_unit="NATURAL", legal_limit=30, legal_limit_unit="NATURAL")


def test_working_days_across_the_2025_spring_festival(cast, items):
    # Friday 2025-01-24: Sunday 1/26 is a 调休 workday, 1/28–2/4 are holidays.
    case = accept(cast, "WD-05", dt.date(2025, 1, 24))
    assert case.committed_deadline == dt.date(2025, 2, 7)  # 1/26, 1/27, 2/5, 2/6, 2/7
    assert not case.deadline_provisional


def test_working_days_across_the_2026_spring_festival(cast, items):
    # Friday 2026-02-13: Saturday 2/14 is a 调休 workday, 2/15–2/23 are holidays.
    case = accept(cast, "WD-05", dt.date(2026, 2, 13))
    assert case.committed_deadline == dt.date(2026, 2, 27)  # 2/14, 2/24, 2/25, 2/26, 2/27


def test_natural_days_ending_on_a_holiday_move_to_the_next_working_day(cast, items):
    # Monday 2026-09-21 + 10 natural days = Thursday 10/1 (National Day) → the next working day, Thursday 10/8.
    case = accept(cast, "ND-10", dt.date(2026, 9, 21))
    assert case.committed_deadline == dt.date(2026, 10, 8)
    # 30 natural days = 10/21, a working day: it stays.
    assert case.legal_deadline == dt.date(2026, 10, 21)


def test_natural_days_ending_on_a_weekend_move_to_monday(cast, items):
    case = accept(cast, "ND-10", dt.date(2026, 3, 4))  # Wednesday + 10 = Saturday 3/14 → Monday 3/16
    assert case.committed_deadline == dt.date(2026, 3, 16)
