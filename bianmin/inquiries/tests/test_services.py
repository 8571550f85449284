import datetime as dt

import pytest

from bianmin.audit.models import AuditEntry
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.inquiries import services as svc
from bianmin.inquiries.models import Inquiry, InquiryEvent, InquiryStatus, Outcome
from bianmin.inquiries.policies import get_inquiry_for
from bianmin.inquiries.selectors import open_inquiries_for
from bianmin.org.models import Absence
from bianmin.workdays.services import chinesecalendar_days, import_official
from conftest import NOW

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def calendar(db):
    import_official(*chinesecalendar_days(), now=NOW)


def register(cast, who="window_a", **kw):
    data = {"channel": "WINDOW", "matter": "咨询个体工商户登记需要哪些材料"}
    data.update(kw)
    return svc.register_inquiry(actor=cast[who], now=MONDAY, **data)


def test_phone_inquiry_requires_caller_phone_and_matter(cast):
    with pytest.raises(DomainError) as exc:
        register(cast, channel="PHONE", matter="")
    assert {"visitor_name", "phone", "matter"} <= set(exc.value.fields)
    inquiry = register(cast, channel="PHONE", visitor_name="王五", phone="138 0013 8000")
    assert inquiry.phone == "13800138000" and inquiry.first_responder == cast["window_a"].staff_profile
    assert inquiry.number.startswith("ZC120260302")


def test_answered_on_the_spot_closes(cast):
    inquiry = svc.record_outcome(actor=cast["window_a"], number=register(cast).number, outcome=Outcome.ANSWERED,
                                 result="已告知所需材料清单", now=MONDAY)
    assert inquiry.status == InquiryStatus.CLOSED


def test_internal_referral_is_acknowledged_and_visible_to_both(cast):
    number = register(cast).number
    inquiry = svc.record_outcome(actor=cast["window_a"], number=number, outcome=Outcome.REFERRED_INTERNAL,
                                 to_badge="B-window_b", now=MONDAY)
    assert inquiry.referred_to == cast["window_b"].staff_profile and inquiry.status == InquiryStatus.OPEN
    assert number in [i.number for i in open_inquiries_for(cast["window_a"])]
    assert number in [i.number for i in open_inquiries_for(cast["window_b"])]
    with pytest.raises(Forbidden):
        svc.acknowledge_referral(actor=cast["window_a"], number=number, now=MONDAY)
    svc.acknowledge_referral(actor=cast["window_b"], number=number, now=MONDAY)
    svc.close_inquiry(actor=cast["window_b"], number=number, result="已办理", now=MONDAY)


def test_referral_to_absent_a_goes_to_b(cast, django_user_model):
    from bianmin.accounts.roles import Role
    from conftest import make_user

    make_user(django_user_model, "window_c", Role.WINDOW, cast["window_a"].staff_profile.unit)
    Absence.objects.create(staff=cast["window_a"].staff_profile, kind="LEAVE", start_date=dt.date(2026, 3, 2),
                           end_date=dt.date(2026, 3, 2))
    number = register(cast, who="leader").number
    inquiry = svc.record_outcome(actor=cast["leader"], number=number, outcome=Outcome.REFERRED_INTERNAL,
                                 to_badge="B-window_a", now=MONDAY)
    assert inquiry.referred_to == cast["window_b"].staff_profile


def test_materials_passed_need_names_and_counts(cast):
    number = register(cast).number
    with pytest.raises(DomainError) as exc:
        svc.record_outcome(actor=cast["window_a"], number=number, outcome=Outcome.MATERIALS_PASSED,
                           materials=[{"name": "身份证复印件", "count": 0}], to_badge="B-window_b", now=MONDAY)
    assert "materials" in exc.value.fields
    inquiry = svc.record_outcome(actor=cast["window_a"], number=number, outcome=Outcome.MATERIALS_PASSED,
                                 materials=[{"name": "身份证复印件", "count": 2}], to_badge="B-window_b", now=MONDAY)
    assert inquiry.materials == [{"name": "身份证复印件", "count": 2}]


def _written(number: str):
    """What recording an outcome writes: the inquiry's row, its events and the audit trail."""
    return (list(Inquiry.objects.filter(number=number).values()), InquiryEvent.objects.count(),
            AuditEntry.objects.count())


def test_outside_referral_names_the_authority(cast):
    number = register(cast).number
    with pytest.raises(DomainError):
        svc.record_outcome(actor=cast["window_a"], number=number, outcome=Outcome.REFERRED_OUTSIDE, now=MONDAY)
    inquiry = svc.record_outcome(actor=cast["window_a"], number=number, outcome=Outcome.REFERRED_OUTSIDE,
                                 authority=" 县税务局 ", contact=" 0799-6100000（县城人民路8号） ", now=MONDAY)
    assert inquiry.status == InquiryStatus.CLOSED and inquiry.outside_authority == "县税务局"
    inquiry.refresh_from_db()
    assert (inquiry.outside_authority, inquiry.outside_contact) == ("县税务局", "0799-6100000（县城人民路8号）")


@pytest.mark.parametrize(("details", "fields"), [
    ({"authority": "县税务局"}, {"contact"}),
    ({"authority": "县税务局", "contact": "   "}, {"contact"}),
    ({"authority": "县税务局", "contact": None}, {"contact"}),
    ({"contact": "0799-6100000"}, {"authority"}),
    ({}, {"authority", "contact"}),
], ids=["no-contact", "blank-contact", "none-contact", "no-authority", "neither"])
def test_outside_referral_needs_the_competent_organs_name_and_contact(cast, details, fields):
    """The seed: tell the competent organ's 名称 and 联系方式; a missing one is named and nothing is written."""
    number = register(cast).number
    before = _written(number)
    with pytest.raises(DomainError) as exc:
        svc.record_outcome(actor=cast["window_a"], number=number, outcome=Outcome.REFERRED_OUTSIDE, now=MONDAY,
                           **details)
    assert set(exc.value.fields) == fields and exc.value.status == 400
    assert "联系方式" in exc.value.message
    if "contact" in fields:
        assert exc.value.fields["contact"] == ["请填写主管机关的联系方式（电话或地址）"]
    assert _written(number) == before


def test_research_promises_a_reply_date_in_working_days(cast, calendar):
    inquiry = svc.record_outcome(actor=cast["window_a"], number=register(cast).number, outcome=Outcome.RESEARCH,
                                 reply_days=3, now=MONDAY)
    assert inquiry.promised_reply_date == dt.date(2026, 3, 5) and inquiry.status == InquiryStatus.OPEN


def test_escalation_to_a_leader(cast):
    number = register(cast).number
    with pytest.raises(DomainError):
        svc.record_outcome(actor=cast["window_a"], number=number, outcome=Outcome.ESCALATED, to_badge="B-window_b",
                           now=MONDAY)
    inquiry = svc.record_outcome(actor=cast["window_a"], number=number, outcome=Outcome.ESCALATED,
                                 to_badge="B-leader", now=MONDAY)
    assert inquiry.escalated_to == cast["leader"].staff_profile


def test_not_possible_counts_as_done(cast):
    inquiry = svc.record_outcome(actor=cast["window_a"], number=register(cast).number,
                                 outcome=Outcome.NOT_POSSIBLE, result="不符合办理条件，已说明依据", now=MONDAY)
    assert inquiry.status == InquiryStatus.CLOSED
    with pytest.raises(Conflict):
        svc.close_inquiry(actor=cast["window_a"], number=inquiry.number, result="x", now=MONDAY)


def test_scope_and_roles(cast):
    number = register(cast).number
    with pytest.raises(NotFound):
        get_inquiry_for(cast["town_window"], number)
    with pytest.raises(Forbidden):
        register(cast, who="auditor")
    with pytest.raises(Forbidden):
        svc.record_outcome(actor=cast["window_b"], number=number, outcome=Outcome.ANSWERED, result="x", now=MONDAY)


def test_an_escalated_inquiry_reaches_the_leader_who_may_close_it(cast):
    from bianmin.notifications.models import Message

    number = register(cast).number
    svc.record_outcome(actor=cast["window_a"], number=number, outcome=Outcome.ESCALATED, to_badge="B-leader",
                       now=MONDAY)
    assert [i.number for i in open_inquiries_for(cast["leader"])] == [number]
    message = Message.objects.get(recipient=cast["leader"], kind="INQUIRY_ESCALATED")
    assert number in message.subject and message.link == f"/staff/inquiries/{number}/"
    with pytest.raises(Forbidden):
        svc.close_inquiry(actor=cast["window_b"], number=number, result="x", now=MONDAY)
    inquiry = svc.close_inquiry(actor=cast["leader"], number=number, result="已协调县税务局答复", now=MONDAY)
    assert inquiry.status == InquiryStatus.CLOSED


def test_an_inquiry_is_escalated_only_to_a_leader_above_it(cast, django_user_model):
    from bianmin.accounts.roles import Role
    from conftest import make_user

    make_user(django_user_model, "town_leader", Role.LEADER, cast["town_window"].staff_profile.unit,
              badge="B-town_leader")
    with pytest.raises(DomainError) as exc:
        svc.record_outcome(actor=cast["window_a"], number=register(cast).number, outcome=Outcome.ESCALATED,
                           to_badge="B-town_leader", now=MONDAY)
    assert "to_badge" in exc.value.fields


@pytest.mark.parametrize("count,expected", [("2份", 2), ("２", 2), (" 3 张", 3), (1, 1)])
def test_material_counts_are_read_as_clerks_write_them(cast, count, expected):
    inquiry = svc.record_outcome(actor=cast["window_a"], number=register(cast).number,
                                 outcome=Outcome.MATERIALS_PASSED, materials=[{"name": "户口簿", "count": count}],
                                 to_badge="B-window_b", now=MONDAY)
    assert inquiry.materials == [{"name": "户口簿", "count": expected}]


@pytest.mark.parametrize("count", ["两份", "", "0", "100", None])
def test_material_counts_that_are_not_counts_name_the_field(cast, count):
    with pytest.raises(DomainError) as exc:
        svc.record_outcome(actor=cast["window_a"], number=register(cast).number, outcome=Outcome.MATERIALS_PASSED,
                           materials=[{"name": "户口簿", "count": count}], to_badge="B-window_b", now=MONDAY)
    assert "materials" in exc.value.fields


def test_materials_are_passed_only_inside_the_center(cast):
    with pytest.raises(DomainError) as exc:
        svc.record_outcome(actor=cast["window_a"], number=register(cast).number, outcome=Outcome.MATERIALS_PASSED,
                           materials=[{"name": "户口簿", "count": 1}], to_badge="B-town_window", now=MONDAY)
    assert "to_badge" in exc.value.fields


def test_a_caller_name_longer_than_the_field_is_refused_not_cut(cast):
    with pytest.raises(DomainError) as exc:
        register(cast, channel="PHONE", visitor_name="王" * 65, phone="13800138000")
    assert "64" in exc.value.fields["visitor_name"][0]
    assert not Inquiry.objects.exists()


def test_the_audit_trail_names_inquiry_steps_in_words(cast):
    inquiry = register(cast)
    summary = AuditEntry.objects.get(object_id=str(inquiry.pk), object_type="inquiries.Inquiry").summary
    assert summary.endswith("：登记") and "REGISTER" not in summary
