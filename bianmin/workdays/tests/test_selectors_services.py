"""Calendar selectors and writers: building from the table, caching, local days, finalising a year, audit."""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.audit.services import verify_chain
from bianmin.core.errors import DomainError, Forbidden
from bianmin.org.models import Region, RegionLevel
from bianmin.org.services import save_region
from bianmin.workdays import selectors
from bianmin.workdays.models import CalendarDay, CalendarYear, DaySource
from bianmin.workdays.provisional import statutory_holidays
from bianmin.workdays.selectors import build_calendar, current_revision, get_calendar
from bianmin.workdays.services import add_local_day, chinesecalendar_days, finalize_year, import_official

pytestmark = pytest.mark.django_db
D = dt.date
NOTICE = "国办发明电〔2026〕7号"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The process-wide cache is keyed by revision only; a rolled-back test database restarts the revision,
    # so a calendar cached by another test could otherwise be handed out here.
    selectors._cache.clear()
    yield
    selectors._cache.clear()


@pytest.fixture
def official(now):
    return import_official(*chinesecalendar_days(), now=now)


def days_2027():
    rest = [(d, "REST", n) for d, n in statutory_holidays(2027)]
    extra = [(D(2027, 2, 9), "REST", "春节"), (D(2027, 2, 10), "REST", "春节"), (D(2027, 2, 11), "REST", "春节")]
    return [*rest, *extra, (D(2027, 2, 20), "WORK", "春节调休")]


def test_build_calendar_after_import_agrees_with_chinesecalendar(official):
    cal = build_calendar()
    day, mismatches = D(2004, 1, 1), []
    while day <= D(2026, 12, 31):
        if cal.is_workday(day) != chinese_calendar.is_workday(day):
            mismatches.append(day)
        day += dt.timedelta(days=1)
    assert mismatches == []
    assert cal.is_provisional_year(2026) is False
    assert cal.is_provisional_year(2027) is True
    assert cal.add_workdays(D(2026, 9, 19), 20) == (D(2026, 10, 22), False)
    assert cal.add_workdays(D(2026, 12, 20), 20) == (D(2027, 1, 18), True)


def test_import_official_is_idempotent(official, now, cast, org):
    days_before = CalendarDay.objects.count()
    assert official == days_before > 700
    add_local_day(actor=cast["sysadmin"], region=org["county"], date=D(2026, 4, 20), kind="REST", name="三月三",
                  now=now)
    again = import_official(*chinesecalendar_days(), now=now)
    assert again == official
    assert CalendarDay.objects.filter(region__isnull=True).count() == days_before
    assert CalendarDay.objects.filter(region=org["county"]).count() == 1  # local days survive a re-import
    assert sorted(CalendarYear.objects.values_list("year", flat=True)) == list(range(2004, 2027))
    assert not get_calendar(org["town"]).is_workday(D(2026, 4, 20))


def test_get_calendar_caches_and_rebuilds_after_a_change(official, cast, org, now, django_assert_max_num_queries):
    national = get_calendar()
    town = get_calendar(org["town"])
    with django_assert_max_num_queries(1):  # only the revision is read (once per transaction)
        assert get_calendar() is national
    assert get_calendar(org["town"]) is town
    assert town.is_workday(D(2026, 4, 20)) is True
    revision = current_revision()
    add_local_day(actor=cast["sysadmin"], region=org["county"], date=D(2026, 4, 20), kind="REST", name="三月三",
                  now=now)
    assert current_revision() != revision
    rebuilt = get_calendar(org["town"])
    assert rebuilt is not town
    assert rebuilt.is_workday(D(2026, 4, 20)) is False
    assert get_calendar(org["town"]) is rebuilt
    assert get_calendar() is not national


def test_local_days_apply_to_the_region_and_below_only(official, cast, org, now):
    sibling = save_region(Region(code="10102", name="另一镇", level=RegionLevel.TOWN, parent=org["county"]))
    other = save_region(Region(code="102", name="另一县", level=RegionLevel.COUNTY))
    county_day, town_day = D(2026, 4, 20), D(2026, 7, 15)  # Monday, Wednesday
    add_local_day(actor=cast["sysadmin"], region=org["county"], date=county_day, kind="REST", name="三月三",
                  now=now)
    add_local_day(actor=cast["sysadmin"], region=org["town"], date=town_day, kind="REST", name="火把节", now=now)

    def works(region, day):
        return get_calendar(region).is_workday(day)

    assert [works(r, county_day) for r in (org["county"], org["town"], org["village"], sibling)] == [False] * 4
    assert works(other, county_day) is True
    assert works(None, county_day) is True
    assert [works(r, town_day) for r in (org["town"], org["village"])] == [False, False]
    assert [works(r, town_day) for r in (org["county"], sibling, other, None)] == [True] * 4
    assert get_calendar(org["village"]).add_workdays(D(2026, 7, 14), 1).date == D(2026, 7, 16)
    specials = {s.date: s for s in get_calendar(org["village"]).special_days(2026)}
    assert (specials[town_day].kind, specials[town_day].name, specials[town_day].source) == (
        "REST", "火把节", DaySource.LOCAL)
    assert town_day not in {s.date for s in get_calendar(sibling).special_days(2026)}


def test_local_day_wins_over_the_national_one(cast, org, now):
    # Entered before the official import, so the national row is the newer one.
    add_local_day(actor=cast["sysadmin"], region=org["county"], date=D(2026, 10, 10), kind="REST",
                  name="地方休息日", now=now)
    import_official(*chinesecalendar_days(), now=now)
    assert get_calendar().is_workday(D(2026, 10, 10)) is True  # national 调休 Saturday
    town = get_calendar(org["town"])
    assert town.is_workday(D(2026, 10, 10)) is False
    assert town.add_workdays(D(2026, 9, 30), 3).date == D(2026, 10, 12)


def test_local_day_twice_in_one_region_is_refused(cast, org, now):
    add_local_day(actor=cast["sysadmin"], region=org["town"], date=D(2026, 7, 15), kind="REST", name="火把节",
                  now=now)
    with pytest.raises(DomainError) as excinfo:
        add_local_day(actor=cast["sysadmin"], region=org["town"], date=D(2026, 7, 15), kind="REST", name="火把节",
                      now=now)
    assert "date" in excinfo.value.fields
    with pytest.raises(Forbidden):
        add_local_day(actor=cast["window_a"], region=org["town"], date=D(2026, 7, 16), kind="REST", name="x",
                      now=now)
    assert CalendarDay.objects.filter(region__isnull=False).count() == 1


def test_finalize_year_makes_2027_official(official, cast, now):
    before = get_calendar()
    assert before.add_workdays(D(2026, 12, 20), 20).provisional is True
    year = finalize_year(actor=cast["sysadmin"], year=2027, notice=f"  {NOTICE} ", days=days_2027(),
                         published_on=D(2026, 11, 10), now=now)
    assert (year.year, year.notice, year.published_on, year.finalized_at, year.finalized_by) == (
        2027, NOTICE, D(2026, 11, 10), now, cast["sysadmin"])
    cal = get_calendar()
    assert cal is not before
    assert cal.is_provisional_year(2027) is False
    assert cal.add_workdays(D(2026, 12, 20), 20) == (D(2027, 1, 18), False)
    assert cal.is_workday(D(2027, 2, 20)) is True  # 调休 Saturday
    assert cal.is_workday(D(2027, 2, 10)) is False
    assert {s.source for s in cal.special_days(2027)} == {DaySource.OFFICIAL}
    assert len(cal.special_days(2027)) == len(days_2027())
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor, entry.object_type, entry.object_id) == (
        AuditAction.CALENDAR_CHANGE, cast["sysadmin"], "workdays.CalendarYear", str(year.pk))


def test_finalize_year_requires_a_notice(cast, now):
    with pytest.raises(DomainError) as excinfo:
        finalize_year(actor=cast["sysadmin"], year=2027, notice="   ", days=days_2027(), published_on=None, now=now)
    assert not isinstance(excinfo.value, Forbidden)
    assert "notice" in excinfo.value.fields
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("bad", [
    (D(2027, 2, 9), "WORK", "春节调休"),     # Tuesday: a weekday cannot be a 调休 workday
    (D(2028, 1, 1), "REST", "元旦"),         # another year
])
def test_finalize_year_refuses_bad_days(cast, now, bad):
    days = [d for d in days_2027() if d[0] != bad[0]] + [bad]
    with pytest.raises(DomainError) as excinfo:
        finalize_year(actor=cast["sysadmin"], year=2027, notice=NOTICE, days=days, published_on=None, now=now)
    assert "days" in excinfo.value.fields
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_finalize_year_is_forbidden_without_the_permission(cast, now):
    with pytest.raises(Forbidden):
        finalize_year(actor=cast["window_a"], year=2027, notice=NOTICE, days=days_2027(), published_on=None,
                      now=now)
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert get_calendar().is_provisional_year(2027) is True


def test_each_change_writes_one_calendar_audit_entry(cast, org, now):
    import_official(*chinesecalendar_days(), now=now)
    finalize_year(actor=cast["sysadmin"], year=2027, notice=NOTICE, days=days_2027(), published_on=None, now=now)
    add_local_day(actor=cast["sysadmin"], region=org["county"], date=D(2026, 4, 20), kind="REST", name="三月三",
                  now=now)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.action for e in entries] == [AuditAction.CALENDAR_CHANGE] * 3
    assert [e.actor_username for e in entries] == ["system", "sysadmin", "sysadmin"]
    assert entries[0].data == {"years": list(range(2004, 2027)), "rows": CalendarDay.objects.filter(
        region__isnull=True, date__year__lte=2026).count()}
    assert "三月三" in entries[2].summary
    assert verify_chain() is None


@pytest.mark.django_db(transaction=True)
def test_the_revision_is_read_once_per_transaction_and_again_in_the_next(django_assert_num_queries):
    from django.db import transaction

    from bianmin.workdays.models import CalendarRevision

    CalendarRevision.objects.update_or_create(pk=1, defaults={"revision": 7})
    with transaction.atomic(), django_assert_num_queries(2):  # one read, the update; the second call reads nothing
        assert current_revision() == 7
        CalendarRevision.objects.filter(pk=1).update(revision=8)  # as another process would (no memo reset)
        assert current_revision() == 7  # one calendar for the whole transaction
    with django_assert_num_queries(1):
        assert current_revision() == 8  # outside a transaction: read, then kept a moment for the pages' reads
    CalendarRevision.objects.filter(pk=1).update(revision=9)  # another process
    with django_assert_num_queries(0):
        assert current_revision() == 8  # within READ_REVISION_SECONDS
    with transaction.atomic():
        assert current_revision() == 9  # a transaction (every write) reads afresh
        CalendarRevision.objects.filter(pk=1).update(revision=8)
    from bianmin.workdays import selectors

    selectors._read_revision.clear()  # as READ_REVISION_SECONDS passing does
    with transaction.atomic():
        assert current_revision() == 8
        from bianmin.workdays.services import bump_revision

        bump_revision()
        assert current_revision() not in (7, 8)  # a change made in this transaction is seen at once
    assert current_revision() not in (7, 8)  # and the change clears what the pages' reads kept


@pytest.mark.django_db(transaction=True)
def test_a_reused_atomic_decorator_does_not_carry_the_revision_into_the_next_transaction():
    from django.db import transaction

    from bianmin.workdays.models import CalendarRevision

    CalendarRevision.objects.update_or_create(pk=1, defaults={"revision": 7})

    @transaction.atomic  # one Atomic object for every call
    def read() -> int:
        return current_revision()

    assert read() == 7
    CalendarRevision.objects.filter(pk=1).update(revision=9)  # committed by "another process"
    assert read() == 9


def test_assemble_calendar_adds_the_provisional_makeup_days_with_their_reason():
    cal = selectors.assemble_calendar(first_year=2026, last_year=2028, official_years=[2026], rows=[
        (D(2027, 5, 4), "WORK", "地方调整", DaySource.LOCAL, 7)])
    special = {s.date: s for s in cal.special_days(2027)}
    assert (special[D(2027, 2, 9)].name, special[D(2027, 2, 9)].source) == ("春节补假", DaySource.PROVISIONAL)
    assert special[D(2027, 2, 9)].reason.startswith("春节2月6日、2月7日适逢周末")
    assert special[D(2027, 5, 3)].reason and special[D(2027, 5, 4)].source == DaySource.LOCAL  # a local row wins
    assert cal.is_workday(D(2027, 5, 4)) is True
    assert [s.date for s in cal.special_days(2028) if s.reason] == [D(2028, 1, 3), D(2028, 5, 29), D(2028, 10, 4)]
    assert cal.special_days(2026) == []  # official years get nothing from the rule


def test_provisional_years_ahead_lists_this_and_next_year_when_provisional(official):
    assert [y for y, _days in selectors.provisional_years_ahead(D(2026, 11, 20))] == [2027]
    ahead = dict(selectors.provisional_years_ahead(D(2027, 3, 1)))
    assert list(ahead) == [2027, 2028]
    assert {s.date: s.name for s in ahead[2028] if s.reason} == {
        D(2028, 1, 3): "元旦补假", D(2028, 5, 29): "端午节补假", D(2028, 10, 4): "国庆节补假"}
    assert all(s.kind == "REST" for s in ahead[2027])
    assert selectors.provisional_years_ahead(D(2060, 6, 1))[0][0] == 2060  # 2061 is outside the calendar


@pytest.mark.django_db(transaction=True)
def test_a_pages_read_of_the_revision_expires(monkeypatch, django_assert_num_queries):
    from bianmin.workdays import selectors
    from bianmin.workdays.models import CalendarRevision

    CalendarRevision.objects.update_or_create(pk=1, defaults={"revision": 3})
    assert current_revision() == 3
    CalendarRevision.objects.filter(pk=1).update(revision=4)
    now = selectors.time.monotonic()
    monkeypatch.setattr(selectors.time, "monotonic", lambda: now + selectors.READ_REVISION_SECONDS + 0.1)
    with django_assert_num_queries(1):
        assert current_revision() == 4
