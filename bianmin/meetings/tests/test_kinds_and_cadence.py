"""Meeting kinds (联席会议, 工作例会, 专题会议) and the per-unit-kind cadence (issue 10 item 10)."""
import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.core.errors import DomainError, Forbidden
from bianmin.meetings import services as mtg
from bianmin.meetings.models import AgendaItem, Meeting, MeetingKind
from bianmin.meetings.selectors import default_period_for
from bianmin.org.models import Cadence, MeetingCadence, UnitKind
from conftest import make_user

from .test_meetings import NOV, fresh, login, october  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
HELD = dt.date(2026, 11, 5)  # a Thursday


def hold(actor, **kwargs):
    values = {"held_on": HELD, "chair": "中心主任", "attendees": "各成员单位领导", "now": NOV} | kwargs
    return mtg.create_meeting(actor=fresh(actor), **values)


@pytest.fixture
def town_leader(org, cast, django_user_model):
    return make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"])


def test_an_existing_style_call_holds_a_joint_meeting(cast):
    meeting = hold(cast["leader"])
    assert meeting.kind == MeetingKind.JOINT and meeting.topic == ""
    assert str(meeting) == "2026-11-05 联席会议"


def test_joint_meeting_period_follows_the_unit_kinds_cadence(cast):
    assert hold(cast["leader"]).period_start == dt.date(2026, 10, 1)  # county center: monthly by default
    MeetingCadence.objects.filter(unit_kind=UnitKind.COUNTY_CENTER).update(joint_cadence=Cadence.QUARTERLY)
    meeting = hold(cast["leader"])
    assert (meeting.period_start, meeting.period_end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert default_period_for(fresh(cast["leader"]), MeetingKind.JOINT, HELD) == (dt.date(2026, 7, 1),
                                                                                     dt.date(2026, 9, 30))


def test_town_center_holds_a_weekly_regular_meeting_by_default(cast, town_leader):
    meeting = hold(town_leader, kind=MeetingKind.REGULAR)
    assert meeting.kind == MeetingKind.REGULAR and meeting.unit.kind == UnitKind.TOWN_CENTER
    assert (meeting.period_start, meeting.period_end) == (dt.date(2026, 10, 26), dt.date(2026, 11, 1))
    joint = hold(town_leader)  # and a monthly joint meeting
    assert (joint.period_start, joint.period_end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    entry = AuditEntry.objects.filter(action=AuditAction.MEETING).order_by("seq").first()
    assert entry.summary.startswith("工作例会 2026-11-05") and entry.data == {"kind": "REGULAR"}


def test_regular_meeting_collects_the_previous_week(cast, october):  # noqa: F811
    MeetingCadence.objects.filter(unit_kind=UnitKind.COUNTY_CENTER).update(regular_cadence=Cadence.WEEKLY)
    meeting = hold(cast["leader"], kind=MeetingKind.REGULAR, held_on=dt.date(2026, 10, 22))
    assert (meeting.period_start, meeting.period_end) == (dt.date(2026, 10, 12), dt.date(2026, 10, 18))
    assert meeting.agenda.filter(case=october).exists()  # its deadline, 15 October, fell in that week


def test_regular_meeting_refused_where_no_regular_meeting_is_set_up(cast):
    with pytest.raises(DomainError) as exc:
        hold(cast["leader"], kind=MeetingKind.REGULAR)  # county center: no 工作例会 by default
    assert "kind" in exc.value.fields and "未建立工作例会制度" in exc.value.fields["kind"][0]
    assert not Meeting.objects.exists()


def test_unknown_kind_refused(cast):
    with pytest.raises(DomainError) as exc:
        hold(cast["leader"], kind="DAILY")
    assert exc.value.fields == {"kind": ["会议类别只能是联席会议、工作例会或专题会议"]}


def test_special_meeting_requires_a_topic_and_takes_no_period(cast):
    with pytest.raises(DomainError) as exc:
        hold(cast["leader"], kind=MeetingKind.SPECIAL, topic="  ")
    assert "topic" in exc.value.fields and "专题会议须填写会议主题" in exc.value.fields["topic"][0]
    with pytest.raises(DomainError) as exc:
        hold(cast["leader"], kind=MeetingKind.SPECIAL, topic="暴雨后集中办理", period_start=dt.date(2026, 10, 1),
             period_end=dt.date(2026, 10, 31))
    assert "period_start" in exc.value.fields
    with pytest.raises(Forbidden):  # 由中心主任、副主任召开
        hold(cast["supervisor"], kind=MeetingKind.SPECIAL, topic="暴雨后集中办理")
    assert not Meeting.objects.exists()


def test_special_meeting_agenda_is_by_hand_and_may_link_cases(cast, october):  # noqa: F811
    with pytest.raises(DomainError) as exc:
        hold(cast["leader"], kind=MeetingKind.SPECIAL, topic="食品经营许可积压", case_numbers=["NOPE-1"])
    assert exc.value.fields == {"case_numbers": ["办件NOPE-1不存在或不在本单位范围内"]}
    meeting = hold(cast["leader"], kind=MeetingKind.SPECIAL, topic=" 食品经营许可积压 ",
                   case_numbers=[october.number, october.number], extra_topics=["现场核查安排"],
                   held_on=dt.date(2026, 11, 7))  # any day: a Saturday
    assert meeting.topic == "食品经营许可积压" and meeting.period_start is None and meeting.period_end is None
    # Nothing collected from a period (the overdue case and its violation are not added by themselves).
    assert list(meeting.agenda.values_list("kind", "case")) == [("CASE", october.pk), ("OTHER", None)]
    assert AgendaItem.objects.get(kind="CASE").title == f"办件{october.number}（食品经营许可）"


def test_database_refuses_a_special_meeting_without_topic_or_a_periodic_one_without_period(cast):
    meeting = hold(cast["leader"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(kind=MeetingKind.SPECIAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(period_start=None)


@time_machine.travel(NOV, tick=False)
def test_screens_take_and_show_the_kind(client, cast, october, town_leader):  # noqa: F811
    login(client, cast["leader"])
    page = client.get("/staff/meetings/new/?kind=SPECIAL").content.decode()
    assert 'name="topic"' in page and 'name="period_start"' not in page and "新建专题会议记录" in page
    page = client.get("/staff/meetings/new/").content.decode()
    assert 'name="topic"' not in page and 'value="2026-10-01"' in page
    r = client.post("/staff/meetings/new/", {"action": "create", "kind": "SPECIAL", "topic": "",
                                             "held_on": "2026-11-05", "chair": "主任", "attendees": "全体"})
    assert r.status_code == 400 and "专题会议须填写会议主题" in r.content.decode()
    r = client.post("/staff/meetings/new/", {"action": "create", "kind": "SPECIAL", "topic": "食品经营许可积压",
                                             "held_on": "2026-11-05", "chair": "主任", "attendees": "全体",
                                             "case_numbers": october.number, "extra_topics": "现场核查安排"})
    meeting = Meeting.objects.get()
    assert r["Location"] == f"/staff/meetings/{meeting.pk}/" and meeting.kind == MeetingKind.SPECIAL
    page = client.get(r["Location"]).content.decode()
    assert "专题会议 2026-11-05：食品经营许可积压" in page and october.number in page
    minutes = client.get(f"/staff/meetings/{meeting.pk}/minutes/").content.decode()
    assert "专题会议纪要" in minutes and "联席会议纪要" not in minutes and "食品经营许可积压" in minutes
    listing = client.get("/staff/meetings/").content.decode()
    assert "专题会议：食品经营许可积压" in listing
    client.logout()
    login(client, town_leader)
    page = client.get("/staff/meetings/new/?kind=REGULAR").content.decode()
    assert "新建工作例会记录" in page and 'value="2026-10-26"' in page and 'value="2026-11-01"' in page
