"""A committed limit in hours (an institution's own service, issue 14 item 1, decision 0026): acceptance fixes the
moment (``committed_due_at``) and its date, the notices, SMS and case page show the time, a decision after that
moment is late however early its day, and recomputation keeps the date the hours gave."""
import datetime as dt

import pytest

from bianmin.cases import services as svc
from bianmin.cases.models import Case, Notice, NoticeKind, WarningLevel
from bianmin.cases.selectors import on_time_counts
from bianmin.cases.services.calendar_change import recompute_deadlines
from bianmin.cases.services.lifecycle import add_limit
from bianmin.catalog.models import LimitUnit
from bianmin.notifications.models import Message
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, at, make_item
from bianmin.workdays.selectors import get_calendar

pytestmark = pytest.mark.django_db

# Accepted at 09:00 on Monday 2026-03-02 (Beijing): 4 hours later is 13:00 the same day.
ACCEPTED = at(MON, 9)
DUE = at(MON, 13)


@pytest.fixture
def hourly(cast, org, calendar):
    """YY-01 入院登记: an institution's service done within 4 hours (legal 24 hours), no special procedure."""
    return make_item(cast, org, "YY-01", name="入院登记", kind="PUBLIC_SERVICE", level="INSTITUTION",
                     legal_limit=24, legal_limit_unit=LimitUnit.HOURS, committed_limit=4,
                     committed_limit_unit=LimitUnit.HOURS, special_procedures=[], extension_allowed=False,
                     extension_days=0)


def _accepted(cast, now=ACCEPTED) -> Case:
    case = receive(cast, code="YY-01", now=now)
    return svc.accept_case(actor=cast["window_a"], number=case.number, now=now)


def _decided(cast, number: str, now: dt.datetime) -> Case:
    svc.start_case(actor=cast["window_a"], number=number, now=ACCEPTED)
    return svc.decide_case(actor=cast["window_a"], number=number, outcome="GRANTED", **GRANT, now=now)


def test_acceptance_fixes_the_moment_and_its_date(cast, hourly):
    case = _accepted(cast)
    assert case.committed_due_at == DUE and case.committed_deadline == MON
    assert case.legal_deadline == MON + dt.timedelta(days=1)  # 24 hours after 09:00 Monday
    assert not case.deadline_provisional and not case.legal_deadline_provisional
    # accepted at 22:00 local, 4 hours end the next day
    late_evening = _accepted(cast, now=at(MON, 22))
    assert late_evening.committed_deadline == MON + dt.timedelta(days=1)


def test_a_limit_in_days_has_no_moment(cast, item):
    case = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=ACCEPTED)
    assert case.committed_due_at is None and case.committed_deadline == dt.date(2026, 3, 16)


def test_notices_and_sms_give_the_time(cast, hourly):
    case = _accepted(cast)
    for kind in (NoticeKind.ACCEPTANCE, NoticeKind.RECEIPT):
        content = Notice.objects.get(case=case, kind=kind).content
        assert content["committed_limit"] == "4小时" and content["legal_limit"] == "24小时"
        assert content["committed_deadline"] == "2026年03月02日 13:00"
    sms = Message.objects.get(kind="CASE_ACCEPT")
    assert "承诺办结时间2026-03-02 13:00" in sms.body


def test_a_decision_an_hour_after_the_moment_is_late(cast, hourly):
    late = _accepted(cast)
    on_time = _accepted(cast)
    late = _decided(cast, late.number, DUE + dt.timedelta(hours=1))  # 14:00, still the deadline's day
    on_time = _decided(cast, on_time.number, DUE - dt.timedelta(minutes=30))
    assert late.warning_level == WarningLevel.LATE  # the sweep records it (``sweep_late_decisions``)
    assert on_time.warning_level == WarningLevel.NONE
    cases = Case.objects.filter(item_version=hourly)
    lo, hi = at(MON, 0), at(MON, 24)
    assert on_time_counts(cases, lo, hi) == (2, 1)
    assert on_time_counts(cases.filter(pk=late.pk), lo, hi) == (1, 0)


def test_a_limit_in_hours_counted_from_a_day_is_whole_natural_days(calendar, org):
    cal = get_calendar(org["county"])
    assert add_limit(cal, MON, 4, LimitUnit.HOURS).date == MON + dt.timedelta(days=1)
    assert add_limit(cal, MON, 48, LimitUnit.HOURS).date == MON + dt.timedelta(days=2)
    assert add_limit(cal, MON, 49, LimitUnit.HOURS).date == MON + dt.timedelta(days=3)


def test_recomputation_keeps_the_date_the_hours_gave(cast, hourly):
    case = _accepted(cast)
    locked = Case.objects.select_related("item_version", "unit__region").get(pk=case.pk)
    assert recompute_deadlines(locked, now=at(MON, 10)) is False  # counted from the day it would be Tuesday
    locked.committed_deadline = MON + dt.timedelta(days=5)  # as if moved by mistake
    assert recompute_deadlines(locked, now=at(MON, 10)) is True
    case.refresh_from_db()
    assert (case.committed_deadline, case.legal_deadline) == (MON, MON + dt.timedelta(days=1))


def test_the_case_page_shows_the_time(client, cast, hourly):
    from conftest import sign_in

    case = _accepted(cast)
    sign_in(client, cast["window_a"])
    page = client.get(f"/staff/cases/{case.number}/").content.decode()
    assert "承诺办结时间" in page and "2026-03-02 13:00" in page


def test_warnings_count_the_hours_not_the_days(cast, hourly):
    """Yellow when a quarter of the hours (at least one) is left, red once the moment passed — the same on the case
    page, in lists and on the workbench; the day-based sweep warns on the due day."""
    from bianmin.cases.selectors import case_detail, with_warning, with_warnings, workbench_rows
    from bianmin.cases.warnings import Warning, hour_warning

    assert hour_warning(due_at=DUE, hours=4, now=at(MON, 10)) == Warning.NONE
    assert hour_warning(due_at=DUE, hours=4, now=at(MON, 12)) == Warning.YELLOW  # 1 hour left
    assert hour_warning(due_at=DUE, hours=48, now=DUE - dt.timedelta(hours=11)) == Warning.YELLOW  # 12 of 48
    assert hour_warning(due_at=DUE, hours=48, now=DUE - dt.timedelta(hours=13)) == Warning.NONE
    assert hour_warning(due_at=DUE, hours=4, now=at(MON, 13) + dt.timedelta(minutes=1)) == Warning.RED
    assert hour_warning(due_at=DUE, hours=4, now=at(MON, 14), paused=True) == Warning.PAUSED

    case = _accepted(cast)
    assert case.yellow_on == MON  # the day-based lists and the sweep's yellow step: its due day
    at_ten, at_two = at(MON, 10), at(MON, 14)
    assert with_warning(case_detail(case), MON, now=at_ten).warning == Warning.NONE
    assert with_warning(case_detail(case), MON, now=at_two).warning == Warning.RED
    assert with_warnings([Case.objects.select_related("unit__region").get(pk=case.pk)], MON,
                         now=at_two)[0].warning == Warning.RED
    rows = workbench_rows(cast["window_a"], MON, now=at(MON, 12))
    assert [r.warning for r in rows if r.number == case.number] == [Warning.YELLOW]


# --- 急办 and 即办 on an item in hours; red at the moment in the leader's lists (the domain audit of issue 14) ----

@pytest.fixture
def guidance(cast, org, calendar):
    """YY-02 咨询导诊: 即办 by default, otherwise within 1 hour."""
    return make_item(cast, org, "YY-02", name="咨询导诊", kind="PUBLIC_SERVICE", level="INSTITUTION",
                     legal_limit=24, legal_limit_unit=LimitUnit.HOURS, committed_limit=1,
                     committed_limit_unit=LimitUnit.HOURS, special_procedures=[], extension_allowed=False,
                     extension_days=0, default_class="IMMEDIATE")


def _urgent(cast, urgent_days, code="YY-01") -> Case:
    case = receive(cast, code=code, now=ACCEPTED)
    return svc.accept_case(actor=cast["window_a"], number=case.number, now=ACCEPTED, urgent=True,
                           urgent_days=urgent_days)


def test_urgent_on_an_item_in_hours_counts_hours(cast, hourly):
    case = _urgent(cast, 2)
    assert (case.committed_days, case.committed_due_at, case.committed_deadline) == (2, at(MON, 11), MON)
    default = _urgent(cast, None)  # half of 4 hours
    assert (default.committed_days, default.committed_due_at) == (2, at(MON, 11))
    one = _urgent(cast, 1)
    assert one.committed_due_at == at(MON, 10)


@pytest.mark.parametrize("hours", [0, 4, 5])
def test_urgent_hours_out_of_range_are_refused(cast, hourly, hours):
    from bianmin.core.errors import DomainError

    with pytest.raises(DomainError) as err:
        _urgent(cast, hours)
    assert list(err.value.fields) == ["urgent_days"]
    assert "按小时计时的事项，急办时限应为1至3小时" in str(err.value)
    assert not Case.objects.filter(status="ACCEPTED").exists()


def test_urgent_cannot_shorten_one_hour(cast, guidance):
    from bianmin.core.errors import DomainError

    with pytest.raises(DomainError) as err:
        _urgent(cast, None, code="YY-02")
    assert list(err.value.fields) == ["urgent_days"] and "1小时" in str(err.value)


def test_urgent_on_an_item_in_days_is_unchanged(cast, item):
    case = _urgent(cast, 0, code="SP-01")  # 0 days: that working day
    assert case.committed_days == 0 and case.committed_due_at is None and case.committed_deadline == MON


def test_the_urgent_field_names_both_units():
    from bianmin.cases.actions import AcceptIn

    title = AcceptIn.model_json_schema()["properties"]["urgent_days"]["title"]
    assert "天" in title and "小时" in title


def test_immediate_on_an_item_in_hours_sets_no_moment_ahead(cast, guidance):
    case = receive(cast, code="YY-02", now=ACCEPTED)
    case = svc.accept_immediately(actor=cast["window_a"], number=case.number, now=ACCEPTED,
                                  certificate_number="ZS-1")
    assert case.status == "DECIDED" and case.decided_at == ACCEPTED
    assert case.committed_due_at is None and case.committed_deadline == MON
    cases = Case.objects.filter(pk=case.pk)
    assert on_time_counts(cases, at(MON, 0), at(MON, 24)) == (1, 1)
    content = Notice.objects.get(case=case, kind=NoticeKind.ACCEPTANCE).content
    assert content["committed_deadline"] == "2026年03月02日"


def test_past_the_moment_is_red_in_the_leaders_lists_the_same_day(cast, hourly):
    from bianmin.cases.policies import visible_cases
    from bianmin.cases.selectors import case_desk_counts, deadline_overview, desk_cases, warned_cases

    case = svc.start_case(actor=cast["window_a"], number=_accepted(cast).number, now=at(MON, 10))
    leader, clerk = cast["leader"], cast["window_a"]

    def lists(now):
        overview = deadline_overview(leader, MON, now=now)["totals"]
        return ((overview["red"], overview["yellow"]),
                [c.number for c in warned_cases(leader, MON, "RED", now=now)],
                [c.number for c in warned_cases(leader, MON, "YELLOW", now=now)],
                [c.number for c in desk_cases(visible_cases(clerk), clerk, MON, "red", now=now)],
                [c.number for c in desk_cases(visible_cases(clerk), clerk, MON, "yellow", now=now)],
                case_desk_counts(clerk, MON, ("red", "yellow"), now=now))

    before = lists(at(MON, 12))  # its due day: yellow (the stored yellow day)
    assert before == ((0, 1), [], [case.number], [], [case.number], {"red": 0, "yellow": 1})
    after = lists(DUE + dt.timedelta(minutes=1))
    assert after == ((1, 0), [case.number], [], [case.number], [], {"red": 1, "yellow": 0})


def test_the_leaders_overview_is_still_one_aggregate(cast, hourly, django_assert_max_num_queries):
    from bianmin.cases.selectors import deadline_overview, warned_cases

    svc.start_case(actor=cast["window_a"], number=_accepted(cast).number, now=at(MON, 10))
    list(warned_cases(cast["leader"], MON, "RED", now=at(MON, 14)))  # warm the profile cache
    with django_assert_max_num_queries(1):
        list(warned_cases(cast["leader"], MON, "RED", now=at(MON, 14)))
    with django_assert_max_num_queries(3):
        deadline_overview(cast["leader"], MON, now=at(MON, 14))


@pytest.mark.endpoint("GET", "/api/v1/cases/{number}")
@pytest.mark.endpoint("GET", "/api/v1/cases")
def test_the_staff_api_gives_the_moment(client, cast, hourly, item):
    from conftest import api_token_headers

    hours = _accepted(cast)
    days = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=ACCEPTED)
    headers = api_token_headers(client, cast["window_a"].username)
    one = client.get(f"/api/v1/cases/{hours.number}", headers=headers).json()
    assert dt.datetime.fromisoformat(one["committed_due_at"]) == DUE and one["committed_deadline"] == "2026-03-02"
    assert client.get(f"/api/v1/cases/{days.number}", headers=headers).json()["committed_due_at"] is None
    rows = {r["number"]: r for r in client.get("/api/v1/cases", headers=headers).json()["results"]}
    assert dt.datetime.fromisoformat(rows[hours.number]["committed_due_at"]) == DUE
    assert rows[days.number]["committed_due_at"] is None
