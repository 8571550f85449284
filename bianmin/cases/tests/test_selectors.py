"""Workbench rows: the same cases, order and warnings as the model queryset, in a fixed number of queries."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.cases import services as svc
from bianmin.cases.selectors import case_detail_for, with_warning, with_warnings, workbench, workbench_rows
from bianmin.cases.warnings import Warning

from .conftest import ALL_GOOD, MONDAY, applicant

pytestmark = pytest.mark.django_db


def _accepted(cast, n: int) -> list[str]:
    numbers = []
    for _ in range(n):
        case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                                now=MONDAY)
        numbers.append(svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY).number)
    return numbers


def _queries(user, today) -> int:
    with CaptureQueriesContext(connection) as q:
        workbench_rows(user, today)
    return len(q.captured_queries)


@pytest.mark.parametrize("today", [dt.date(2026, 3, 3), dt.date(2026, 3, 13), dt.date(2026, 3, 20)])
def test_rows_match_the_model_queryset(cast, item, today):
    numbers = _accepted(cast, 3)
    svc.start_pause(actor=cast["window_a"], number=numbers[1], kind="TESTING", basis="检测", expected_days=3,
                    now=MONDAY + dt.timedelta(hours=2))
    user = cast["window_a"]
    expected = with_warnings(workbench(user, today), today)
    rows = workbench_rows(user, today)
    assert [(r.number, r.warning, r.status_label) for r in rows] == [
        (c.number, c.warning, c.get_status_display()) for c in expected]
    assert {r.number: r.warning for r in rows}[numbers[1]] == Warning.PAUSED
    if today == dt.date(2026, 3, 20):
        assert {r.warning for r in rows} == {Warning.RED, Warning.PAUSED}
    detail = with_warning(case_detail_for(user, numbers[1]), today)
    assert detail.warning == Warning.PAUSED


def test_rows_cost_the_same_queries_for_one_or_many_running_cases(cast, item):
    _accepted(cast, 1)
    one = _queries(cast["window_a"], dt.date(2026, 3, 13))
    _accepted(cast, 4)
    assert _queries(cast["window_a"], dt.date(2026, 3, 13)) == one
