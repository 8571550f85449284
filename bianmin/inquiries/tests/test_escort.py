"""信访陪同 (issue 13 item 6): an inquiry outcome that assigns a staff member to accompany the visitor to an upper
department on a date, tells them in-app, and closes or keeps the inquiry open once the result is recorded."""
import datetime as dt

import pytest

from bianmin.audit.models import AuditEntry
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.inquiries import services as svc
from bianmin.inquiries.actions import INQUIRY_ACTIONS
from bianmin.inquiries.models import EscortVisit, InquiryEvent, InquiryStatus, Outcome
from bianmin.inquiries.policies import (
    close_refusal,
    escort_result_refusal,
    get_inquiry_for,
    outcome_refusal,
    pending_escort,
)
from bianmin.inquiries.selectors import escort_destinations, open_inquiries_for, search_inquiries
from bianmin.notifications.models import Message
from bianmin.org.models import Absence, StaffProfile

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing
WEDNESDAY = dt.date(2026, 3, 4)


def register(cast, who="town_window"):
    return svc.register_inquiry(actor=cast[who], channel="WINDOW", matter="咨询低保申请政策", visitor_name="李四",
                                now=MONDAY)


def escort(cast, number, who="town_window", **kw):
    data = {"to_badge": "B-agent", "visit_date": WEDNESDAY, "destination": "D1", "result": "陪同咨询低保政策"}
    data.update(kw)
    return svc.record_outcome(actor=cast[who], number=number, outcome=Outcome.ESCORTED, now=MONDAY, **data)


def test_the_upper_departments_are_the_organs_above_and_the_departments_attached(org):
    assert [u.code for u in escort_destinations(org["town_center"])] == ["D1", "C1"]
    assert [u.code for u in escort_destinations(org["station"])] == ["D1", "T1", "C1"]
    assert [u.code for u in escort_destinations(org["center"])] == ["D1"]  # the county's bureaus


def test_assigning_an_escort_keeps_the_inquiry_open_tells_the_escort_and_is_audited(cast):
    number = register(cast).number
    audit_before = AuditEntry.objects.count()
    inquiry = escort(cast, number)
    assert (inquiry.status, inquiry.outcome) == (InquiryStatus.OPEN, Outcome.ESCORTED)
    visit = EscortVisit.objects.get(inquiry=inquiry)
    assert (visit.escort, visit.visit_date, visit.destination.code, visit.organ, visit.purpose) == (
        cast["agent"].staff_profile, WEDNESDAY, "D1", "", "陪同咨询低保政策")
    assert visit.destination_name == "测试县市场监督管理局" and visit.result_at is None
    message = Message.objects.get(kind="INQUIRY_ESCORT")
    assert message.recipient == cast["agent"]
    assert "2026-03-04" in message.body and "测试县市场监督管理局" in message.body
    assert message.link == f"/staff/inquiries/{number}/"
    event = InquiryEvent.objects.get(inquiry=inquiry, action="OUTCOME_ESCORTED")
    assert event.action_label() == "处理方式：指派专人陪同到上级部门咨询"
    assert event.data["visit_date"] == "2026-03-04" and event.data["escort"] == cast["agent"].staff_profile.name
    assert AuditEntry.objects.count() == audit_before + 1
    # The escort works at a station below the town center, and now sees the inquiry and finds it among theirs.
    assert get_inquiry_for(cast["agent"], number) == inquiry
    assert [i.number for i in open_inquiries_for(cast["agent"])] == [number]
    assert [i.number for i in search_inquiries(cast["agent"], mine=True)] == [number]


def test_the_escort_sees_only_the_inquiries_they_escort(cast):
    other = register(cast).number
    number = register(cast).number
    escort(cast, number)
    with pytest.raises(NotFound):
        get_inquiry_for(cast["agent"], other)


def test_an_outside_organ_is_named_in_words_and_the_date_may_be_a_rest_day(cast):
    saturday = dt.date(2026, 3, 7)
    inquiry = escort(cast, register(cast).number, destination="", organ="市信访局", visit_date=saturday,
                     to_badge="B-town_window")
    visit = EscortVisit.objects.get(inquiry=inquiry)
    assert (visit.destination, visit.organ, visit.visit_date, visit.destination_name) == (None, "市信访局", saturday,
                                                                                          "市信访局")
    assert not Message.objects.filter(kind="INQUIRY_ESCORT").exists()  # the first responder escorts: nobody to tell


@pytest.mark.parametrize(("change", "fields"), [
    ({"to_badge": "", "visit_date": None, "destination": ""}, {"to_badge", "visit_date", "destination"}),
    ({"to_badge": "无此人"}, {"to_badge"}),
    ({"to_badge": "B-window_a"}, {"to_badge"}),  # the county center is above the town: not the town's to send
    ({"to_badge": "B-supervisor"}, {"to_badge"}),  # does not handle inquiries
    ({"visit_date": dt.date(2026, 3, 1)}, {"visit_date"}),  # yesterday
    ({"destination": "V1"}, {"destination"}),  # a station below is not an upper department
    ({"destination": "T1"}, {"destination"}),  # nor the town center itself
    ({"destination": "D1", "organ": "市信访局"}, {"organ"}),  # one or the other
], ids=["nothing", "unknown-badge", "unit-above", "no-inquiry-permission", "past-date", "station-below",
        "own-center", "both-destinations"])
def test_a_bad_escort_names_the_field_and_writes_nothing(cast, change, fields):
    number = register(cast).number
    with pytest.raises(DomainError) as exc:
        escort(cast, number, **change)
    assert set(exc.value.fields) == fields
    inquiry = get_inquiry_for(cast["town_window"], number)
    assert (inquiry.outcome, inquiry.escorts.count()) == ("", 0)
    assert not Message.objects.exists() and not InquiryEvent.objects.filter(action__startswith="OUTCOME_").exists()


def test_an_inactive_or_absent_escort_is_refused(cast):
    number = register(cast).number
    profile = cast["agent"].staff_profile
    Absence.objects.create(staff=profile, kind="LEAVE", start_date=WEDNESDAY, end_date=WEDNESDAY)
    with pytest.raises(DomainError) as exc:
        escort(cast, number)
    assert "2026-03-04已登记不在岗" in exc.value.fields["to_badge"][0]
    escort(cast, number, visit_date=dt.date(2026, 3, 5))  # the day after the leave
    StaffProfile.objects.filter(pk=profile.pk).update(is_active=False)
    with pytest.raises(DomainError) as exc:
        escort(cast, register(cast).number)
    assert set(exc.value.fields) == {"to_badge"}


def test_only_the_first_responder_assigns_an_escort(cast):
    number = register(cast).number
    with pytest.raises(NotFound):  # the agent cannot see the town's inquiry before being assigned
        escort(cast, number, who="agent")


def test_while_the_visit_awaits_its_result_no_other_outcome_nor_close(cast):
    number = register(cast).number
    escort(cast, number)
    inquiry = get_inquiry_for(cast["town_window"], number)
    for refusal in (outcome_refusal, close_refusal):
        assert isinstance(refusal(cast["town_window"], inquiry), Conflict)
    with pytest.raises(Conflict, match="请先登记陪同结果"):
        escort(cast, number)
    with pytest.raises(Conflict):
        svc.close_inquiry(actor=cast["town_window"], number=number, result="已办结", now=MONDAY)
    assert escort_result_refusal(cast["agent"], inquiry) is None
    assert escort_result_refusal(cast["town_window"], inquiry) is None
    assert isinstance(escort_result_refusal(cast["leader"], get_inquiry_for(cast["leader"], number)), Forbidden)
    allowed = {s.name for s in INQUIRY_ACTIONS.available(cast["town_window"], inquiry)}
    assert allowed == {"escort_result"}
    assert {s.name for s in INQUIRY_ACTIONS.available(cast["agent"], inquiry)} == {"escort_result"}


def test_the_result_keeps_the_inquiry_open_for_the_next_step_or_closes_it(cast):
    number = register(cast).number
    escort(cast, number)
    with pytest.raises(DomainError) as exc:
        svc.record_escort_result(actor=cast["agent"], number=number, result="  ", close=False, now=MONDAY)
    assert set(exc.value.fields) == {"result"}
    with pytest.raises(Forbidden):
        svc.record_escort_result(actor=cast["leader"], number=number, result="问过了", close=True, now=MONDAY)
    audit_before = AuditEntry.objects.count()
    at = dt.datetime(2026, 3, 4, 8, 0, tzinfo=dt.UTC)
    inquiry = svc.record_escort_result(actor=cast["agent"], number=number, result="市场监管局答复：需补充收入证明",
                                       close=False, now=at)
    assert inquiry.status == InquiryStatus.OPEN and AuditEntry.objects.count() == audit_before + 1
    visit = EscortVisit.objects.get()
    assert (visit.result, visit.result_by, visit.result_at) == ("市场监管局答复：需补充收入证明", cast["agent"], at)
    assert pending_escort(inquiry) is None
    assert InquiryEvent.objects.get(action="ESCORT_RESULT").action_label() == "登记陪同结果"
    with pytest.raises(Conflict, match="没有待登记结果的陪同"):
        svc.record_escort_result(actor=cast["agent"], number=number, result="再登记", close=False, now=at)
    # The first responder goes on: a second visit, whose result closes the inquiry.
    escort(cast, number, visit_date=dt.date(2026, 3, 9), destination="C1")
    inquiry = svc.record_escort_result(actor=cast["town_window"], number=number, result="县中心答复：符合条件，已受理",
                                       close=True, now=at)
    assert (inquiry.status, inquiry.result, inquiry.closed_at) == (InquiryStatus.CLOSED, "县中心答复：符合条件，已受理",
                                                                   at)
    assert list(InquiryEvent.objects.filter(inquiry=inquiry).values_list("action", flat=True))[-2:] == [
        "ESCORT_RESULT", "CLOSE"]
    assert EscortVisit.objects.filter(result_at__isnull=True).count() == 0
    assert open_inquiries_for(cast["agent"]).count() == 0

