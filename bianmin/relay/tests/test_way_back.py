"""The lower organ's 初审 (行政许可法第43条), the result coming back down the route, delivery with the case's 送达回证,
回访 and archive (decision 0023 §2–§3)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.audit.models import AuditEntry
from bianmin.cases import services as cases
from bianmin.cases.models import Case, NoticeKind
from bianmin.cases.workflow import Action
from bianmin.catalog.models import ItemVersion
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.notifications.models import Message
from bianmin.relay import services as svc
from bianmin.relay.models import Direction, HandOver, RelayFollowUp, RelayStatus
from bianmin.relay.receipt import delivery_receipt_pdf
from bianmin.relay.selectors import passing_through
from bianmin.testing.factories import MON, at

from .helpers import SENT, register

pytestmark = pytest.mark.django_db
TUE, WED, THU = MON + dt.timedelta(days=1), MON + dt.timedelta(days=2), MON + dt.timedelta(days=3)


def _opened(cast, dept_window):
    """A relay carried up to the department D1 and its case opened there (Mon–Wed)."""
    relay = register(cast)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 10))
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(TUE))
    svc.hand_over(actor=cast["town_window"], number=relay.number, now=at(TUE, 11))
    svc.sign_for(actor=dept_window, number=relay.number, materials=SENT, now=at(WED))
    relay.refresh_from_db()
    return relay


def _decided(cast, dept_window, outcome: str = "GRANTED"):
    relay = _opened(cast, dept_window)
    number = relay.case.number
    cases.accept_case(actor=dept_window, number=number, now=at(WED, 10))
    cases.decide_case(actor=dept_window, number=number, outcome=outcome, reasons="符合法定条件",
                      certificate_number="JY1234567" if outcome == "GRANTED" else "", now=at(THU, 10))
    relay.refresh_from_db()
    return relay


def _set_review(version: ItemVersion, days: int = 20) -> None:
    version = ItemVersion.objects.get(pk=version.pk)
    version.lower_review_days = days
    version.save()  # the catalogue's signal forgets the pinned copy


# ---- Art. 43: the lower organ reviews first ----

def test_a_lower_review_is_its_own_step_with_its_own_limit_and_its_opinion_goes_up(cast, org, item, dept_window):
    _set_review(item)
    relay = register(cast)
    assert "初审（行政许可法第四十三条），20个工作日内完成" in relay.receipt["body"]
    # 3 + 20 review + 3 working days, then 10 committed (Mon 2 Mar → …), later than without the review
    assert relay.expected_on > dt.date(2026, 3, 24)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 10))
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(TUE))
    relay.refresh_from_db()
    assert relay.status == RelayStatus.REVIEWING
    review = HandOver.objects.get(relay=relay, direction=Direction.REVIEW)
    assert review.from_unit == review.to_unit == org["town_center"] and review.status == "SENT"
    assert review.due_on == dt.date(2026, 3, 31)  # 20 working days from Tue 3 Mar
    # nothing goes up, nobody signs for a review, and the agent cannot record it
    with pytest.raises(Conflict):
        svc.hand_over(actor=cast["town_window"], number=relay.number, now=at(WED))
    with pytest.raises(Conflict):  # a review is not signed for (409, not 403)
        svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(WED))
    with pytest.raises(Forbidden):
        svc.review_relay(actor=cast["agent"], number=relay.number, opinion="同意", now=at(WED))
    with pytest.raises(DomainError) as err:
        svc.review_relay(actor=cast["town_window"], number=relay.number, opinion="  ", now=at(WED))
    assert set(err.value.fields) == {"opinion"}
    svc.review_relay(actor=cast["town_window"], number=relay.number, opinion="经实地核查，符合条件，同意上报",
                     now=at(WED))
    relay.refresh_from_db()
    assert relay.status == RelayStatus.AT_TOWN
    up = svc.hand_over(actor=cast["town_window"], number=relay.number, now=at(WED, 11))
    assert up.to_unit == org["dept"] and up.opinion == "初审意见：经实地核查，符合条件，同意上报"
    svc.sign_for(actor=dept_window, number=relay.number, materials=SENT, now=at(THU))
    relay.refresh_from_db()
    assert relay.status == RelayStatus.OPENED and relay.case.unit == org["dept"]


def test_no_review_for_a_town_item_even_when_set(cast, org, town_item):
    _set_review(town_item)
    relay = register(cast, code="ZJ-01")
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON))
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(TUE))
    relay.refresh_from_db()
    assert relay.status == RelayStatus.OPENED and not relay.hand_overs.filter(direction="REVIEW").exists()


def test_the_town_cannot_decide_a_case_it_only_carried(cast, item, dept_window):
    relay = _opened(cast, dept_window)
    with pytest.raises(NotFound):  # the case is the department's: out of the town's sight
        cases.accept_case(actor=cast["town_window"], number=relay.case.number, now=at(WED, 10))


# ---- the way back ----

def test_the_result_comes_down_each_hop_signed_then_delivered_followed_up_and_archived(cast, org, item,
                                                                                      dept_window):
    relay = _decided(cast, dept_window)
    number = relay.number
    with pytest.raises(Forbidden):  # the town cannot send the department's result
        svc.send_result(actor=cast["town_window"], number=number, method="ROUTE", now=at(THU, 11))
    svc.send_result(actor=dept_window, number=number, method="ROUTE", now=at(THU, 11))
    relay.refresh_from_db()
    down = relay.hand_overs.get(direction=Direction.DOWN)
    assert relay.status == RelayStatus.RETURNING and down.to_unit == org["town_center"]
    assert down.materials == [{"name": "食品经营许可证（编号：JY1234567）", "copies": 1}]
    with pytest.raises(Conflict):  # sent once
        svc.send_result(actor=dept_window, number=number, method="ROUTE", now=at(THU, 12))
    with pytest.raises(DomainError) as err:  # counted wrong: named, nothing written
        svc.sign_for(actor=cast["town_window"], number=number, materials=[], now=at(MON + dt.timedelta(days=7)))
    assert "materials.食品经营许可证（编号：JY1234567）" in err.value.fields
    svc.sign_for(actor=cast["town_window"], number=number, materials=down.materials, now=at(THU, 15))
    relay.refresh_from_db()
    assert relay.status == RelayStatus.RETURNING and relay.holder_unit == org["town_center"]
    assert [r.waiting for r in passing_through(cast["town_window"]) if r.number == number] == ["SEND"]
    last = svc.hand_over(actor=cast["town_window"], number=number, now=at(THU, 16))
    assert last.direction == Direction.DOWN and last.to_unit == org["station"] and last.materials == down.materials
    with pytest.raises(Conflict):  # the result is not at the station yet
        svc.deliver_relay(actor=cast["agent"], number=number, received_by="张三", now=at(THU, 17))
    svc.sign_for(actor=cast["agent"], number=number, materials=down.materials, now=at(THU + dt.timedelta(days=1)))
    relay.refresh_from_db()
    assert relay.status == RelayStatus.AT_STATION
    sms = Message.objects.filter(kind="RELAY_AT_STATION", cause=f"relay:{number}")
    assert sms.count() == 1 and "测试村便民服务站" in sms.get().body
    # the applicant had SMS at acceptance and decision from the case itself (same phone)
    assert set(Message.objects.filter(cause=f"case:{relay.case.number}").values_list("kind", flat=True)) >= {
        "CASE_ACCEPT", "CASE_DECIDE"}
    assert [r.waiting for r in passing_through(cast["agent"]) if r.number == number] == ["DELIVER"]
    with pytest.raises(Conflict):  # no 回访 before delivery
        svc.follow_up(actor=cast["agent"], number=number, method="CALL", said="满意", now=at(THU, 18))
    with pytest.raises(DomainError) as err:
        svc.deliver_relay(actor=cast["agent"], number=number, received_by=" ", now=at(THU, 18))
    assert set(err.value.fields) == {"received_by"}
    svc.deliver_relay(actor=cast["agent"], number=number, received_by="张三", now=at(THU + dt.timedelta(days=1), 15))
    relay.refresh_from_db()
    case = relay.case
    assert relay.status == RelayStatus.DELIVERED and relay.delivered_to == "张三" and relay.delivery_method == "AGENT"
    assert case.status == "DELIVERED" and case.delivery_method == "AGENT" and case.delivered_to == "张三"
    sd = case.notices.get(kind=NoticeKind.DELIVERY)
    assert sd.content["received_by"] == "张三" and "测试村便民服务站" in sd.content["delivery_place"]
    assert delivery_receipt_pdf(relay, lookup_url="https://x.test/lookup/").startswith(b"%PDF")
    with pytest.raises(Conflict):  # archive waits for the 回访
        svc.archive_relay(actor=cast["agent"], number=number, now=at(THU + dt.timedelta(days=2)))
    with pytest.raises(DomainError) as err:
        svc.follow_up(actor=cast["agent"], number=number, method="EMAIL", said="", now=at(THU, 18))
    assert set(err.value.fields) == {"method", "said"}
    # the 代理责任人 (the town's signer) may call too
    visit = svc.follow_up(actor=cast["town_window"], number=number, method="CALL", said="已领证，很满意",
                          now=at(MON + dt.timedelta(days=8)))
    assert RelayFollowUp.objects.get(relay=relay) == visit and visit.by == cast["town_window"].staff_profile
    svc.archive_relay(actor=cast["agent"], number=number, now=at(MON + dt.timedelta(days=8), 10))
    relay.refresh_from_db()
    assert relay.status == RelayStatus.CLOSED and relay.closed_at is not None
    assert not [r for r in passing_through(cast["agent"]) if r.number == number]
    with pytest.raises(Conflict):
        svc.archive_relay(actor=cast["agent"], number=number, now=at(MON + dt.timedelta(days=8), 11))
    steps = list(AuditEntry.objects.filter(object_type="relay.RelayRequest", object_id=str(relay.pk))
                 .values_list("summary", flat=True))
    assert any("结果回送" in s for s in steps) and any("送达申请人" in s for s in steps)
    assert any("回访" in s for s in steps) and any("归档上报" in s for s in steps)


def test_result_by_post_delivers_the_case_from_the_deciding_unit(cast, item, dept_window):
    relay = _decided(cast, dept_window)
    with pytest.raises(DomainError) as err:
        svc.send_result(actor=dept_window, number=relay.number, method="FAX", now=at(THU, 11))
    assert set(err.value.fields) == {"method"}
    svc.send_result(actor=dept_window, number=relay.number, method="POST", place="测试村1组5号", now=at(THU, 11))
    relay.refresh_from_db()
    assert relay.status == RelayStatus.DELIVERED and relay.delivery_method == "POST"
    assert relay.case.status == "DELIVERED" and relay.case.delivery_method == "POST"
    assert not relay.hand_overs.filter(direction=Direction.DOWN).exists()


def test_nothing_goes_back_before_the_case_is_decided(cast, item, dept_window):
    relay = _opened(cast, dept_window)
    with pytest.raises(Conflict):
        svc.send_result(actor=dept_window, number=relay.number, method="ROUTE", now=at(WED, 12))
    assert [r.waiting for r in passing_through(dept_window) if r.number == relay.number] == ["RESULT"]


def test_a_refused_result_hop_stays_on_the_way_back_and_is_sent_again(cast, item, dept_window):
    relay = _decided(cast, dept_window)
    svc.send_result(actor=dept_window, number=relay.number, method="ROUTE", now=at(THU, 11))
    svc.refuse_hand_over(actor=cast["town_window"], number=relay.number, reason="证书编号与清单不符", now=at(THU, 12))
    relay.refresh_from_db()
    assert relay.status == RelayStatus.RETURNING and relay.holder_unit == relay.deciding_unit
    again = svc.hand_over(actor=dept_window, number=relay.number, now=at(THU, 13))
    assert again.direction == Direction.DOWN and again.seq == 4


def test_a_denial_comes_back_too(cast, item, dept_window):
    relay = _decided(cast, dept_window, outcome="DENIED")
    svc.send_result(actor=dept_window, number=relay.number, method="ROUTE", now=at(THU, 11))
    down = relay.hand_overs.get(direction=Direction.DOWN)
    assert down.materials[0]["name"].startswith("不予许可决定书")


def test_a_result_taken_at_the_deciding_window_is_only_recorded_on_the_relay(cast, item, dept_window):
    relay = _decided(cast, dept_window)
    cases.deliver_case(actor=dept_window, number=relay.case.number, method="PICKUP", received_by="张三",
                       now=at(THU, 11))
    svc.send_result(actor=dept_window, number=relay.number, method="ROUTE", now=at(THU, 12))
    relay.refresh_from_db()
    assert relay.status == RelayStatus.DELIVERED and relay.delivery_method == "WINDOW"
    assert relay.delivered_to == "张三" and not relay.hand_overs.filter(direction=Direction.DOWN).exists()


def test_the_case_page_names_the_relay_and_the_review_opinion(cast, item, dept_window):
    from bianmin.relay.selectors import relay_of_case

    relay = _opened(cast, dept_window)
    case = Case.objects.get(pk=relay.case.pk)
    assert case.via_relay  # marked when the deciding organ received it
    found = relay_of_case(case)
    assert found is not None and found.number == relay.number and found.station == "测试村便民服务站"
    case.via_relay = False  # a case not received through 全程代理: no relay, and no query asked
    with CaptureQueriesContext(connection) as queries:
        assert relay_of_case(case) is None
    assert len(queries) == 0


def test_the_migration_marks_the_cases_relays_opened(cast, item, dept_window):
    import importlib

    from django.apps import apps

    relay = _opened(cast, dept_window)
    Case.objects.update(via_relay=False)  # as before the migration
    importlib.import_module("bianmin.relay.migrations.0004_mark_relayed_cases").mark(apps, None)
    assert list(Case.objects.filter(via_relay=True).values_list("pk", flat=True)) == [relay.case_id]


# ---- review fixes: the relay never gets stuck, the clock stops with the result sent, notices served ----

def test_a_result_by_post_returns_the_relay_to_its_station_for_follow_up_and_archive(cast, org, item, dept_window):
    relay = _decided(cast, dept_window)
    svc.send_result(actor=dept_window, number=relay.number, method="POST", place="测试村1组5号", now=at(THU, 11))
    relay.refresh_from_db()
    assert relay.holder_unit == org["station"]
    assert [r.waiting for r in passing_through(cast["agent"]) if r.number == relay.number] == ["FOLLOW_UP"]
    svc.follow_up(actor=cast["agent"], number=relay.number, method="CALL", said="收到了", now=at(THU, 15))
    svc.archive_relay(actor=cast["agent"], number=relay.number, now=at(THU, 16))
    with pytest.raises(Conflict):  # an archived file is closed
        svc.follow_up(actor=cast["agent"], number=relay.number, method="CALL", said="再次回访", now=at(THU, 17))


def test_sending_by_route_stops_the_result_clock(cast, org, item, dept_window):
    relay = _decided(cast, dept_window)
    assert relay.case.result_due_on is not None
    svc.send_result(actor=dept_window, number=relay.number, method="ROUTE", now=at(THU, 11))
    relay.case.refresh_from_db()
    assert relay.case.result_due_on is None
    assert relay.case.events.filter(action="RESULT_RELAYED").exists()
    down = relay.hand_overs.get(direction=Direction.DOWN).materials
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=down, now=at(THU, 15))
    svc.hand_over(actor=cast["town_window"], number=relay.number, now=at(THU, 16))
    svc.sign_for(actor=cast["agent"], number=relay.number, materials=down, now=at(THU, 17))
    relay.refresh_from_db()
    assert relay.deliver_due_on == dt.date(2026, 3, 10)  # 3 working days from Thu 5 Mar


def test_a_refused_result_is_sent_again_as_the_result_not_the_application(cast, item, dept_window):
    relay = _decided(cast, dept_window)
    svc.send_result(actor=dept_window, number=relay.number, method="ROUTE", now=at(THU, 11))
    first = relay.hand_overs.get(direction=Direction.DOWN)
    svc.refuse_hand_over(actor=cast["town_window"], number=relay.number, reason="编号看不清", now=at(THU, 12))
    again = svc.hand_over(actor=dept_window, number=relay.number, now=at(THU, 13))
    assert again.materials == first.materials and again.opinion == first.opinion


def test_the_case_opens_on_the_version_the_receipt_promised(cast, item, dept_window):
    from bianmin.catalog.services import new_draft, publish_version

    relay = register(cast)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 10))
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(TUE))
    svc.hand_over(actor=cast["town_window"], number=relay.number, now=at(TUE, 11))
    draft = new_draft(actor=cast["sysadmin"], item=item.item, now=at(TUE, 12))
    publish_version(actor=cast["sysadmin"], version=draft, now=at(TUE, 13))
    svc.sign_for(actor=dept_window, number=relay.number, materials=SENT, now=at(WED))
    relay.refresh_from_db()
    assert relay.case.item_version_id == relay.item_version_id == item.pk


def test_a_relayed_deferred_result_is_not_sent_while_the_material_is_due(cast, item, dept_window):
    relay = _decided(cast, dept_window)
    type(relay.case).objects.filter(pk=relay.case.pk).update(deferred_materials=True,
                                                            deferred_due_date=dt.date(2026, 3, 20))
    with pytest.raises(Conflict):
        svc.send_result(actor=dept_window, number=relay.number, method="ROUTE", now=at(THU, 11))


def test_a_refusal_notice_is_served_at_the_station_with_its_delivery_receipt(cast, item, dept_window):
    relay = _opened(cast, dept_window)
    cases.refuse_case(actor=dept_window, number=relay.case.number, action=Action.REJECT, reason="不符合受理条件",
                      now=at(WED, 10))
    svc.send_result(actor=dept_window, number=relay.number, method="ROUTE", now=at(WED, 11))
    down = relay.hand_overs.get(direction=Direction.DOWN).materials
    assert down[0]["name"].startswith("不予受理通知书")
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=down, now=at(WED, 15))
    svc.hand_over(actor=cast["town_window"], number=relay.number, now=at(WED, 16))
    svc.sign_for(actor=cast["agent"], number=relay.number, materials=down, now=at(THU))
    svc.deliver_relay(actor=cast["agent"], number=relay.number, received_by="张三", now=at(THU, 10))
    sd = relay.case.notices.get(kind=NoticeKind.DELIVERY)
    assert sd.content["delivered_document"].startswith("不予受理通知书") and sd.content["received_by"] == "张三"


def test_a_town_agent_cannot_start_a_review_it_cannot_do(cast, item, town_agent):
    _set_review(item)
    relay = register(cast)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 10))
    with pytest.raises(Forbidden):
        svc.sign_for(actor=town_agent, number=relay.number, materials=SENT, now=at(TUE))
