"""Case and notice numbers per scope (sequences on PostgreSQL, locked counter rows elsewhere).

Every test asserts on both databases: numbers are unique and follow each other within their scope, and scopes
count independently. Where the two differ on purpose (decision 0010: a rolled-back draw leaves a gap on
PostgreSQL, none on SQLite; only PostgreSQL has sequences to retire) each test says what each one guarantees.
The concurrent draws are tested on PostgreSQL in ``test_concurrency.py``.
"""
import datetime as dt

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bianmin.cases.models import NOTICE_PREFIX, CaseCounter, NoticeCounter
from bianmin.cases.services.core import next_case_number, next_notice_numbers, retire_case_counters
from bianmin.core.counters import advance_sequences, next_value, settle_counters

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 2026-03-02, 09:00 in Beijing


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def test_scopes_count_independently_and_several_are_drawn_at_once(org):
    center, town = org["center"], org["town_center"]
    assert next_case_number(center, NOW) == "C1202603020001"
    assert next_case_number(center, NOW) == "C1202603020002"
    assert next_case_number(town, NOW) == "T1202603020001"
    assert next_case_number(center, NOW + dt.timedelta(days=1)) == "C1202603030001"
    assert next_notice_numbers(["ACCEPTANCE", "RECEIPT"], NOW) == ["SL-2026-000001", "HZ-2026-000001"]
    assert next_notice_numbers(["RECEIPT", "ACCEPTANCE"], NOW) == ["HZ-2026-000002", "SL-2026-000002"]
    assert NoticeCounter.objects.count() == 2


def test_the_day_of_a_case_number_is_the_local_day(org):
    late_evening = dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC)  # 00:30 on 3 March in Beijing
    assert next_case_number(org["center"], late_evening) == "C1202603030001"
    assert next_notice_numbers(["ACCEPTANCE"], dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)) == ["SL-2027-000001"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(draws=st.lists(st.tuples(st.sampled_from(["center", "town_center", "station"]), st.integers(0, 2)),
                      min_size=1, max_size=25),
       notices=st.lists(st.lists(st.sampled_from(sorted(NOTICE_PREFIX)), min_size=1, max_size=3, unique=True),
                        max_size=8))
def test_numbers_run_one_two_three_in_each_scope_whatever_the_interleaving(org, draws, notices):
    """Unique, in order and without gaps per unit and day, and per notice kind and year (no draw fails here)."""
    CaseCounter.objects.all().delete()  # each example starts with no scope (a new row gets a new sequence)
    NoticeCounter.objects.all().delete()
    drawn: dict[tuple[str, dt.date], list[str]] = {}
    for unit_key, day_offset in draws:
        unit, now = org[unit_key], NOW + dt.timedelta(days=day_offset)
        drawn.setdefault((unit.code, now.date()), []).append(next_case_number(unit, now))
    for (code, day), numbers in drawn.items():
        assert numbers == [f"{code}{day:%Y%m%d}{n:04d}" for n in range(1, len(numbers) + 1)]
    by_prefix: dict[str, list[str]] = {}
    for kinds in notices:
        for kind, number in zip(kinds, next_notice_numbers(kinds, NOW), strict=True):
            by_prefix.setdefault(NOTICE_PREFIX[kind], []).append(number)
    for prefix, numbers in by_prefix.items():
        assert numbers == [f"{prefix}-2026-{n:06d}" for n in range(1, len(numbers) + 1)]
    assert CaseCounter.objects.count() == len(drawn) and NoticeCounter.objects.count() == len(by_prefix)


def test_a_rolled_back_draw_never_repeats_a_number(org):
    """SQLite: the locked row's increment rolls back, so the next draw takes the same number (gap-free).
    PostgreSQL: ``nextval`` is not rolled back, so the number is skipped (a gap, decision 0010). Never a repeat."""
    center = org["center"]
    assert next_case_number(center, NOW) == "C1202603020001"
    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = next_case_number(center, NOW)
        raise RuntimeError("the receipt failed")
    assert rolled_back == "C1202603020002"
    after = next_case_number(center, NOW)
    assert after == ("C1202603020003" if on_postgresql() else "C1202603020002")
    assert next_case_number(center, NOW) > after


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
    assert row.last == 2  # PostgreSQL: written back from the sequence; SQLite: the row was counted all along
    row.last = 10  # seeded cases took 3..10
    row.save()
    advance_sequences(CaseCounter)  # ... and after
    assert next_value(CaseCounter, unit=org["center"], day=day) == 11


def test_past_days_are_retired_and_numbering_would_continue(org):
    """PostgreSQL drops the sequences of days before yesterday, keeping their positions in the rows; SQLite has
    no sequences to drop. On both, each day's row holds its last number and a late draw continues after it."""
    for _ in range(3):
        next_case_number(org["center"], NOW)  # 2026-03-02
    next_case_number(org["center"], NOW + dt.timedelta(days=1))  # 03-03
    next_case_number(org["center"], NOW + dt.timedelta(days=2))  # 03-04
    old = CaseCounter.objects.get(unit=org["center"], day=dt.date(2026, 3, 2))
    if on_postgresql():
        from bianmin.core.counters import _sequence_positions

        assert old.pk in _sequence_positions(CaseCounter)
    assert retire_case_counters(NOW + dt.timedelta(days=2)) == (1 if on_postgresql() else 0)  # only 03-02
    old.refresh_from_db()
    assert old.last == 3
    if on_postgresql():
        assert old.pk not in _sequence_positions(CaseCounter)
        assert len(_sequence_positions(CaseCounter)) == 2
    assert retire_case_counters(NOW + dt.timedelta(days=2)) == 0  # again: nothing to do
    assert next_case_number(org["center"], NOW) == "C1202603020004"  # a late draw continues after last
    assert next_case_number(org["center"], NOW + dt.timedelta(days=2)) == "C1202603040002"
