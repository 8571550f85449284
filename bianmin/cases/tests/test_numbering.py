"""Case and notice numbers per scope (sequences on PostgreSQL, locked counter rows elsewhere)."""
import datetime as dt

import pytest
from django.db import connection

from bianmin.cases.models import CaseCounter, NoticeCounter
from bianmin.cases.services.core import next_case_number, next_notice_numbers
from bianmin.core.counters import advance_sequences, next_value, settle_counters

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def test_scopes_count_independently_and_several_are_drawn_at_once(org):
    center, town = org["center"], org["town_center"]
    assert next_case_number(center, NOW) == "C1202603020001"
    assert next_case_number(center, NOW) == "C1202603020002"
    assert next_case_number(town, NOW) == "T1202603020001"
    assert next_case_number(center, NOW + dt.timedelta(days=1)) == "C1202603030001"
    assert next_notice_numbers(["ACCEPTANCE", "RECEIPT"], NOW) == ["SL-2026-000001", "HZ-2026-000001"]
    assert next_notice_numbers(["RECEIPT", "ACCEPTANCE"], NOW) == ["HZ-2026-000002", "SL-2026-000002"]
    assert NoticeCounter.objects.count() == 2


def test_a_counter_row_numbered_before_sequences_continues_after_its_last(org):
    CaseCounter.objects.create(unit=org["center"], day=dt.date(2026, 3, 2), last=41)
    assert next_value(CaseCounter, unit=org["center"], day=dt.date(2026, 3, 2)) == 42
    assert next_value(CaseCounter, unit=org["center"], day=dt.date(2026, 3, 2)) == 43


def test_bulk_seeding_and_live_numbering_agree(org):
    day = dt.date(2026, 3, 2)
    next_value(CaseCounter, unit=org["center"], day=day)
    next_value(CaseCounter, unit=org["center"], day=day)
    settle_counters(CaseCounter)  # what seed_volume does before numbering in bulk
    row = CaseCounter.objects.get(unit=org["center"], day=day)
    assert row.last == 2 or connection.vendor != "postgresql"
    row.last = 10  # seeded cases took 3..10
    row.save()
    advance_sequences(CaseCounter)  # ... and after
    assert next_value(CaseCounter, unit=org["center"], day=day) == 11


def test_past_days_sequences_are_retired_and_numbering_would_continue(org):
    if connection.vendor != "postgresql":
        pytest.skip("sequences exist on PostgreSQL only (CI runs the suite again with DATABASE_URL set)")
    from bianmin.cases.services.core import retire_case_counters
    from bianmin.core.counters import _sequence_positions

    for _ in range(3):
        next_case_number(org["center"], NOW)  # 2026-03-02
    next_case_number(org["center"], NOW + dt.timedelta(days=1))  # 03-03
    next_case_number(org["center"], NOW + dt.timedelta(days=2))  # 03-04
    old = CaseCounter.objects.get(unit=org["center"], day=dt.date(2026, 3, 2))
    assert old.pk in _sequence_positions(CaseCounter)
    assert retire_case_counters(NOW + dt.timedelta(days=2)) == 1  # only the day before yesterday
    old.refresh_from_db()
    assert old.last == 3 and old.pk not in _sequence_positions(CaseCounter)
    assert len(_sequence_positions(CaseCounter)) == 2
    assert retire_case_counters(NOW + dt.timedelta(days=2)) == 0  # again: nothing to do
    assert next_case_number(org["center"], NOW) == "C1202603020004"  # a late draw continues after last
