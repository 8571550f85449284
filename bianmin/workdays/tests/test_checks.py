"""The November warning when next year's State Council schedule has not been entered."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.workdays import checks
from bianmin.workdays.checks import check_next_year, next_year_missing
from bianmin.workdays.models import CalendarYear

pytestmark = pytest.mark.django_db
D = dt.date


def test_missing_next_year_from_1_november():
    assert next_year_missing(D(2026, 11, 1)) == 2027
    assert next_year_missing(D(2026, 12, 31)) == 2027


def test_no_warning_before_november():
    assert next_year_missing(D(2026, 10, 31)) is None
    assert next_year_missing(D(2026, 1, 1)) is None


def test_no_warning_when_next_year_is_present():
    CalendarYear.objects.create(year=2027, notice="国办发明电〔2026〕7号")
    assert next_year_missing(D(2026, 11, 1)) is None
    assert next_year_missing(D(2027, 11, 1)) == 2028


def test_only_next_year_counts():
    CalendarYear.objects.create(year=2026)
    assert next_year_missing(D(2026, 11, 1)) == 2027


def test_system_check_warns(monkeypatch):
    monkeypatch.setattr(checks, "today", lambda: D(2026, 11, 2))
    messages = check_next_year(databases=["default"])
    assert [m.id for m in messages] == ["workdays.W001"]
    assert "2027年" in messages[0].msg
    assert check_next_year(databases=None) == []
    CalendarYear.objects.create(year=2027)
    assert check_next_year(databases=["default"]) == []
