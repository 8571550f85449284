"""The public hop chain of a relay request (issue 13 item 5): each hop in words, in order, without personal data."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bianmin.cases import services as case_svc
from bianmin.relay import services as svc
from bianmin.relay.models import Direction, RelayStatus
from bianmin.relay.public import StepKind, public_relay
from bianmin.testing.factories import MON, at
from bianmin.testing.relays import (
    APPLICANT,
    FRI,
    SENT,
    THU,
    TUE,
    WED,
    brought_back,
    county_item,
    hop,
    opened_at_county,
    registered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def xj(cast, calendar, org):
    return county_item(cast)


def words(status):
    return [s.words for s in status.steps]


def test_a_new_relay_shows_its_station_route_agent_and_expected_date(cast, org, xj):
    relay = registered(cast)
    status = public_relay(relay.number, relay.query_code)
    assert status.number == relay.number and status.item == "县级事项"
    assert (status.status, status.status_label) == (RelayStatus.REGISTERED, "已收件（代办站）")
    assert status.route == ["测试村便民服务站", "测试镇便民服务中心", "测试县政务服务中心"]
    assert status.expected_on == relay.expected_on
    assert (status.agent_name, status.agent_badge) == ("agent姓名", cast["agent"].staff_profile.badge_number)
    assert [(s.kind, s.unit, s.words, s.at) for s in status.steps] == [
        (StepKind.RECEIVED, "测试村便民服务站", "测试村便民服务站 已收件", at(MON))]
    assert status.case is None and status.waiting_on is None


def test_the_number_and_code_are_read_loosely_and_a_wrong_code_is_an_unknown_number(cast, xj):
    relay = registered(cast)
    assert public_relay(f" {relay.number.lower()} ", relay.query_code.lower()) is not None
    assert public_relay(relay.number, "WRONG123") is None
    assert public_relay(relay.number, "") is None
    assert public_relay("DBNOPE202600001", relay.query_code) is None


def test_each_hop_up_to_the_case_and_its_acceptance(cast, org, xj):
    relay = registered(cast)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 10))
    waiting = public_relay(relay.number, relay.query_code)
    assert words(waiting)[-1] == "移交 → 测试镇便民服务中心"
    assert waiting.steps[-1].due_on == waiting.waiting_on == dt.date(2026, 3, 5)
    svc.refuse_hand_over(actor=cast["town_window"], number=relay.number, reason="柳青禾的场所平面图少1份",
                         now=at(TUE))
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(TUE, 10))
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(TUE, 11))
    svc.hand_over(actor=cast["town_window"], number=relay.number, now=at(TUE, 14))
    svc.sign_for(actor=cast["window_a"], number=relay.number, materials=SENT, now=at(WED))
    relay.refresh_from_db()
    case_svc.accept_case(actor=cast["window_a"], number=relay.case.number, now=at(WED, 10))
    status = public_relay(relay.number, relay.query_code)
    assert words(status) == [
        "测试村便民服务站 已收件",
        "移交 → 测试镇便民服务中心", "测试镇便民服务中心 拒收（材料退回移交单位）",
        "移交 → 测试镇便民服务中心", "测试镇便民服务中心 已签收",
        "移交 → 测试县政务服务中心", "测试县政务服务中心 已签收",
        "测试县政务服务中心 已受理",
    ]
    assert [s.at for s in status.steps] == sorted(s.at for s in status.steps)
    assert all(s.due_on is None for s in status.steps) and status.waiting_on is None  # nothing waits on a hop
    # the case's own public status: its acceptance and deadlines
    assert status.case.number == relay.case.number and status.case.status == "ACCEPTED"
    assert status.case.committed_deadline is not None and status.case.accepted_at == at(WED, 10)
    assert "柳青禾" not in repr(status)  # the refusal's words are staff's: never shown


def test_the_art43_review_step_shows_its_deadline_then_its_end(cast, org, xj):
    relay = registered(cast)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 10))
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(TUE))
    town = cast["town_window"].staff_profile
    review = hop(relay, direction=Direction.REVIEW, from_unit=org["town_center"], to_unit=org["town_center"],
                 sender=town, sent_at=at(TUE, 10), due_on=dt.date(2026, 3, 30))
    status = public_relay(relay.number, relay.query_code)
    assert status.steps[-1].kind == StepKind.REVIEWING
    assert words(status)[-1] == "测试镇便民服务中心 初审中（期限 2026-03-30）"
    assert status.waiting_on == dt.date(2026, 3, 30)
    review.status, review.signed_at, review.signed_by = "SIGNED", at(THU), town
    review.save()
    assert words(public_relay(relay.number, relay.query_code))[-2:] == [
        "测试镇便民服务中心 已签收", "测试镇便民服务中心 初审完成"]


def test_the_way_back_to_delivery_and_archive(cast, org, xj):
    relay = opened_at_county(cast)
    case_svc.accept_case(actor=cast["window_a"], number=relay.case.number, now=at(WED, 10))
    relay = brought_back(cast, org, relay)
    status = public_relay(relay.number, relay.query_code)
    assert words(status)[-9:] == [
        "测试县政务服务中心 已签收", "测试县政务服务中心 已受理",
        "办理结果回送 → 测试镇便民服务中心", "测试镇便民服务中心 已签收",
        "办理结果回送 → 测试村便民服务站", "测试村便民服务站 已签收",
        "结果已到代办站", "已送达", "已归档"]
    assert status.status_label == "已归档上报" and status.steps[-1].unit == "测试村便民服务站"
    at_station = next(s for s in status.steps if s.kind == StepKind.AT_STATION)
    assert at_station.at == at(dt.date(2026, 3, 6), 14)


def test_a_result_waiting_at_the_station_says_so(cast, org, xj):
    relay = opened_at_county(cast)
    relay = brought_back(cast, org, relay)
    type(relay).objects.filter(pk=relay.pk).update(status=RelayStatus.AT_STATION, delivered_at=None, closed_at=None)
    status = public_relay(relay.number, relay.query_code)
    assert words(status)[-1] == "结果已到代办站，待领取"
    assert status.steps[-1].unit == "测试村便民服务站"


def test_nothing_personal_is_in_the_answer(cast, org, xj):
    relay = brought_back(cast, org, opened_at_county(cast))
    status = public_relay(relay.number, relay.query_code)
    text = repr(dataclasses.asdict(status))
    for value in (APPLICANT["name"], APPLICANT["phone"], APPLICANT["id_number"], APPLICANT["address"],
                  relay.applicant_phone_masked, "town_window", "window_a"):
        assert value not in text, value


def test_the_whole_journey_through_the_services_with_the_art43_review(cast, org, item, dept_window):
    """SP-01 (decided by the department D1) with a lower review at the town: every step through the services."""
    from bianmin.catalog.models import ItemVersion

    version = ItemVersion.objects.get(pk=item.pk)
    version.lower_review_days = 20
    version.save()
    relay = registered(cast, code="SP-01")
    number = relay.number
    svc.hand_over(actor=cast["agent"], number=number, now=at(MON, 10))
    svc.sign_for(actor=cast["town_window"], number=number, materials=SENT, now=at(TUE))
    reviewing = public_relay(number, relay.query_code)
    assert reviewing.status == RelayStatus.REVIEWING and reviewing.steps[-1].kind == StepKind.REVIEWING
    assert reviewing.steps[-1].words.startswith("测试镇便民服务中心 初审中（期限 ")
    svc.review_relay(actor=cast["town_window"], number=number, opinion="经初审，柳青禾符合条件", now=at(WED))
    svc.hand_over(actor=cast["town_window"], number=number, now=at(WED, 11))
    svc.sign_for(actor=dept_window, number=number, materials=SENT, now=at(THU))
    relay.refresh_from_db()
    case_number = relay.case.number
    case_svc.accept_case(actor=dept_window, number=case_number, now=at(THU, 10))
    case_svc.decide_case(actor=dept_window, number=case_number, outcome="GRANTED", reasons="符合法定条件",
                         certificate_number="JY1234567", now=at(THU, 15))
    svc.send_result(actor=dept_window, number=number, method="ROUTE", now=at(THU, 16))
    down = relay.hand_overs.get(direction=Direction.DOWN)
    svc.sign_for(actor=cast["town_window"], number=number, materials=down.materials, now=at(FRI))
    svc.hand_over(actor=cast["town_window"], number=number, now=at(FRI, 10))
    svc.sign_for(actor=cast["agent"], number=number, materials=down.materials, now=at(FRI, 14))
    assert words(public_relay(number, relay.query_code))[-1] == "结果已到代办站，待领取"
    svc.deliver_relay(actor=cast["agent"], number=number, received_by="柳青禾", now=at(FRI, 15))
    svc.follow_up(actor=cast["agent"], number=number, method="CALL", said="柳青禾说很满意", now=at(FRI, 16))
    svc.archive_relay(actor=cast["agent"], number=number, now=at(FRI, 17))
    status = public_relay(number, relay.query_code)
    assert words(status) == [
        "测试村便民服务站 已收件",
        "移交 → 测试镇便民服务中心", "测试镇便民服务中心 已签收", "测试镇便民服务中心 初审完成",
        "移交 → 测试县市场监督管理局", "测试县市场监督管理局 已签收",
        "测试县市场监督管理局 已受理", "测试县市场监督管理局 已办结",
        "办理结果回送 → 测试镇便民服务中心", "测试镇便民服务中心 已签收",
        "办理结果回送 → 测试村便民服务站", "测试村便民服务站 已签收",
        "结果已到代办站", "已送达", "已归档"]
    assert status.status == RelayStatus.CLOSED and status.case.status == "DELIVERED"
    text = repr(dataclasses.asdict(status))
    assert "柳青禾" not in text and "符合条件" not in text and "满意" not in text  # staff's and the applicant's words
