"""Joint meetings (issue 4 item 9): agenda collected from the period, decisions tracked to done, minutes."""
import datetime as dt

import pytest
import time_machine

from bianmin.accountability.models import Violation
from bianmin.cases import services as svc
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.meetings import services as mtg
from bianmin.meetings.models import ActionItem, AgendaItem, Meeting
from bianmin.meetings.policies import get_meeting_for
from bianmin.meetings.selectors import default_period, open_actions_for
from bianmin.notifications.models import Message
from bianmin.org.models import Cadence
from bianmin.sweep.services import run_sweep
from bianmin.testing.factories import ALL_GOOD, applicant
from conftest import sign_in

pytestmark = pytest.mark.django_db
FRIDAY = dt.datetime(2026, 9, 25, 1, 0, tzinfo=dt.UTC)
NOV = dt.datetime(2026, 11, 5, 2, 0, tzinfo=dt.UTC)


def login(client, user):
    sign_in(client, user)  # the session start time and, for enrolled roles, the second factor passed


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def october(cast, item):
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=FRIDAY)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=FRIDAY)  # deadline 10/15
    run_sweep(now=dt.datetime(2026, 10, 16, 1, 0, tzinfo=dt.UTC))
    return case


def test_default_period_is_the_previous_week_month_or_quarter():
    assert default_period(dt.date(2026, 11, 5)) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert default_period(dt.date(2026, 1, 10)) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert default_period(dt.date(2026, 11, 5), Cadence.QUARTERLY) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert default_period(dt.date(2026, 2, 1), Cadence.QUARTERLY) == (dt.date(2025, 10, 1),
                                                                         dt.date(2025, 12, 31))
    # Thursday 5 November: the previous Monday-to-Sunday week; on a Monday, the week that just ended.
    assert default_period(dt.date(2026, 11, 5), Cadence.WEEKLY) == (dt.date(2026, 10, 26), dt.date(2026, 11, 1))
    assert default_period(dt.date(2026, 11, 2), Cadence.WEEKLY) == (dt.date(2026, 10, 26), dt.date(2026, 11, 1))


@time_machine.travel(NOV, tick=False)
def test_agenda_decisions_and_tracking(cast, october):
    leader = fresh(cast["leader"])
    meeting = mtg.create_meeting(actor=leader, held_on=dt.date(2026, 11, 5), chair="中心主任", attendees="各窗口负责人",
                                 now=NOV, extra_topics=["窗口排班", " "])
    assert (meeting.period_start, meeting.period_end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    kinds = list(meeting.agenda.values_list("kind", "title"))
    assert kinds[0] == ("OVERDUE_CASE", f"办件{october.number}（食品经营许可）超期")
    assert kinds[1][0] == "VIOLATION" and kinds[2] == ("OTHER", "窗口排班") and len(kinds) == 3
    # Only the period's violation (the sweep may also record earlier ones, e.g. a late hand-over in September).
    assert AgendaItem.objects.get(kind="VIOLATION").violation == Violation.objects.get(occurred_on__month=10)
    badge = cast["window_a"].staff_profile.badge_number
    with pytest.raises(DomainError) as exc:
        mtg.add_decision(actor=leader, meeting_id=meeting.pk, decision="整改", owner="NOPE",
                         due_date=dt.date(2026, 11, 20), now=NOV)
    assert "owner" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        mtg.add_decision(actor=leader, meeting_id=meeting.pk, decision="整改", owner=badge,
                         due_date=dt.date(2026, 11, 1), now=NOV)
    assert "due_date" in exc.value.fields
    action = mtg.add_decision(actor=leader, meeting_id=meeting.pk, decision="一周内办结并说明原因", owner=badge,
                              due_date=dt.date(2026, 11, 12), now=NOV,
                              agenda_item_id=meeting.agenda.first().pk)
    assert Message.objects.filter(recipient=cast["window_a"], kind="MEETING_ACTION").count() == 1
    assert list(open_actions_for(fresh(cast["window_a"]))) == [action]
    with pytest.raises(NotFound):  # not the owner and not overseeing: like a missing item
        mtg.complete_action(actor=fresh(cast["window_b"]), action_id=action.pk, note="x", now=NOV)
    with pytest.raises(DomainError):
        mtg.complete_action(actor=fresh(cast["window_a"]), action_id=action.pk, note=" ", now=NOV)
    mtg.complete_action(actor=fresh(cast["window_a"]), action_id=action.pk, note="已办结", now=NOV)
    with pytest.raises(Conflict):
        mtg.complete_action(actor=fresh(cast["window_a"]), action_id=action.pk, note="again", now=NOV)
    assert ActionItem.objects.get().status == "DONE"


def test_only_overseers_hold_meetings_and_scope_applies(cast, october):
    with pytest.raises(Forbidden):
        mtg.create_meeting(actor=fresh(cast["window_a"]), held_on=dt.date(2026, 11, 5), chair="x", attendees="y",
                           now=NOV)
    with pytest.raises(DomainError) as exc:
        mtg.create_meeting(actor=fresh(cast["leader"]), held_on=dt.date(2026, 11, 5), chair="x", attendees=" ",
                           now=NOV)
    assert "attendees" in exc.value.fields and not Meeting.objects.exists()
    meeting = mtg.create_meeting(actor=fresh(cast["supervisor"]), held_on=dt.date(2026, 11, 5), chair="x",
                                 attendees="y", now=NOV)
    with pytest.raises(NotFound):
        get_meeting_for(fresh(cast["window_a"]), meeting.pk)


@time_machine.travel(NOV, tick=False)
def test_meeting_screens_and_printable_minutes(client, cast, october):
    login(client, cast["leader"])
    r = client.post("/staff/meetings/new/", {"action": "create", "held_on": "2026-11-05", "period_start": "2026-10-01",
                                             "period_end": "2026-10-31", "chair": "主任", "attendees": "全体",
                                             "extra_topics": "其他事项"})
    meeting = Meeting.objects.get()
    assert r["Location"] == f"/staff/meetings/{meeting.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert october.number in page and "其他事项" in page
    client.post(r["Location"], {"action": "decision", "decision": "限期整改",
                                "owner": cast["window_a"].staff_profile.badge_number, "due_date": "2026-11-12"})
    client.post(r["Location"], {"action": "minutes", "minutes": "会议要求各窗口严格执行限时办结制。"})
    minutes = client.get(f"/staff/meetings/{meeting.pk}/minutes/").content.decode()
    assert "联席会议纪要" in minutes and "限期整改" in minutes and "严格执行限时办结制" in minutes
    client.logout()
    login(client, cast["window_a"])
    assert client.get(f"/staff/meetings/{meeting.pk}/").status_code == 403  # the meeting is the leaders'
    assert "限期整改" in client.get("/staff/meetings/actions/").content.decode()  # but the owner's task is theirs
    client.post("/staff/meetings/actions/", {"action": "done", "item": ActionItem.objects.get().pk, "note": "已整改"})
    assert ActionItem.objects.get().status == "DONE"
    assert "没有待办的议定事项" in client.get("/staff/meetings/actions/").content.decode()
