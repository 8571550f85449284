"""The big screen's payload and its poll (decision 0025 §4): the last calls, who is at each window, today's counts and
the month's on-time rate, bulletins in their period, nothing personal; an unchanged poll is a 304 after at most two
queries and never builds the payload; one build per change for all the center's screens; a revoked screen is
refused; a screen of one center never sees another's."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache

from bianmin.cases import services as svc
from bianmin.cases.models import Case
from bianmin.hall import screen as screen_module
from bianmin.hall.devices import revoke_device
from bianmin.hall.models import Bulletin, BulletinKind, TicketStatus
from bianmin.hall.screen import cached_payload, etag_matches, screen_etag, screen_payload
from bianmin.org.models import Window
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import ID, MON, at

from .screen_helpers import NOON, changed, open_counter, screen_for, service_type, ticket

pytestmark = pytest.mark.django_db
COOKIE = "bianmin_screen"


@pytest.fixture
def hall(cast, org):
    """The county center's hall at noon: window 01 open (window_a), window 02 open (window_b), window 03 closed;
    A001–A010 called in turn (A010 twice, serving none), A011 served at 02, A012–A013 waiting, A000 done."""
    center = org["center"]
    w1 = cast["post"].window
    w2 = Window.objects.create(unit=center, number="02", name="不动产窗口")
    w3 = Window.objects.create(unit=center, number="03", name="社保窗口")
    open_counter(w1, cast["window_a"].staff_profile)
    open_counter(w2, cast["window_b"].staff_profile)
    kind = service_type(center)
    ticket(kind, 0, status=TicketStatus.DONE, window=w3, called_at=at(MON, 9), calls=1)
    for seq in range(1, 10):
        ticket(kind, seq, status=TicketStatus.DONE, window=w1, calls=1,
               called_at=at(MON, 10) + dt.timedelta(minutes=seq))
    ticket(kind, 10, status=TicketStatus.CALLED, window=w1, calls=2, called_at=at(MON, 11) + dt.timedelta(minutes=50))
    ticket(kind, 11, status=TicketStatus.SERVING, window=w2, calls=1, called_at=at(MON, 11) + dt.timedelta(minutes=40))
    ticket(kind, 12)
    ticket(kind, 13)
    changed(center)
    return {"center": center, "w1": w1, "w2": w2, "w3": w3, "kind": kind}


def bulletin(cast, unit, title, starts_on, ends_on, **extra):
    return Bulletin.objects.create(unit=unit, kind=BulletinKind.POLICY, title=title, body="正文", starts_on=starts_on,
                                   ends_on=ends_on, created_by=cast["supervisor"], created_at=at(MON, 8), **extra)


# --- the payload -------------------------------------------------------------------------------------------------


def test_the_payload_shows_the_calls_the_windows_and_the_counts(cast, hall):
    data = screen_payload(hall["center"], NOON)
    assert data["version"] == 1 and data["unit"] == "测试县政务服务中心" and data["date"] == "2026-03-02"
    assert data["etag"] == screen_etag(1, NOON) == '"1-202603021200"'
    calls = data["calls"]
    assert len(calls) == 8  # the last eight calls, newest first
    assert [c["number"] for c in calls] == ["A010", "A011", "A009", "A008", "A007", "A006", "A005", "A004"]
    assert calls[0] == {"key": calls[0]["key"], "number": "A010", "window": "01", "window_name": "综合窗口",
                        "at": "11:50", "calls": 2}
    assert calls[1]["window"] == "02" and calls[1]["calls"] == 1 and calls[1]["at"] == "11:40"
    assert data["windows"] == [
        {"number": "01", "name": "综合窗口", "staff": "window_a姓名", "badge": "B-window_a", "title": "",
         "ticket": "A010", "ticket_state": "CALLED", "ticket_state_label": "已呼叫"},
        {"number": "02", "name": "不动产窗口", "staff": "window_b姓名", "badge": "B-window_b", "title": "",
         "ticket": "A011", "ticket_state": "SERVING", "ticket_state_label": "办理中"},
    ]  # window 03 has no open counter
    assert data["counts"] == {"taken": 14, "served": 10, "waiting": 2, "cases_received": 0,
                              "cases_decided_month": 0, "on_time_rate": None}
    assert data["bulletins"] == []


def test_a_recall_changes_the_newest_calls_key(cast, hall):
    before = screen_payload(hall["center"], NOON)["calls"][0]
    t = hall["kind"].tickets.get(number="A010")
    t.call_count, t.last_called_at = 3, NOON
    t.save()
    after = screen_payload(hall["center"], NOON)["calls"][0]
    assert after["number"] == "A010" and after["calls"] == 3 and after["key"] != before["key"]


def test_a_window_without_a_current_ticket_waits(cast, org):
    open_counter(cast["post"].window, cast["window_a"].staff_profile)
    data = screen_payload(org["center"], NOON)
    assert data["windows"][0]["ticket"] == "" and data["windows"][0]["ticket_state"] is None
    assert data["calls"] == []


def test_cases_received_today_and_the_months_on_time_rate(cast, org, item):
    on_time = receive(cast, now=at(MON, 9))
    late = receive(cast, now=at(MON, 9))
    receive(cast, now=at(MON - dt.timedelta(days=3), 9))  # last week: neither received today nor decided
    for case in (on_time, late):
        svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON, 9))
        svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON, 10))
    Case.objects.filter(pk=late.pk).update(committed_deadline=MON - dt.timedelta(days=1))
    counts = screen_payload(org["center"], NOON)["counts"]
    assert counts["cases_received"] == 2 and counts["cases_decided_month"] == 2 and counts["on_time_rate"] == 0.5
    tuesday = NOON + dt.timedelta(days=1)
    counts = screen_payload(org["center"], tuesday)["counts"]
    assert counts["cases_received"] == 0 and counts["cases_decided_month"] == 2  # still March
    april = screen_payload(org["center"], at(dt.date(2026, 4, 1), 9))["counts"]
    assert april["cases_decided_month"] == 0 and april["on_time_rate"] is None


def test_only_bulletins_in_their_period_and_not_withdrawn(cast, org):
    center = org["center"]
    bulletin(cast, center, "关于调整办公时间的公示", MON - dt.timedelta(days=3), MON + dt.timedelta(days=4))
    bulletin(cast, center, "今天最后一天", MON - dt.timedelta(days=7), MON)
    bulletin(cast, center, "尚未开始", MON + dt.timedelta(days=1), MON + dt.timedelta(days=8))
    bulletin(cast, center, "已经结束", MON - dt.timedelta(days=9), MON - dt.timedelta(days=1))
    bulletin(cast, center, "已撤回", MON - dt.timedelta(days=1), MON + dt.timedelta(days=7),
             withdrawn_at=at(MON, 9), withdrawn_by=cast["supervisor"], withdraw_reason="有误")
    bulletin(cast, org["town_center"], "镇中心的公示", MON, MON + dt.timedelta(days=7))
    titles = [b["title"] for b in screen_payload(center, NOON)["bulletins"]]
    assert titles == ["关于调整办公时间的公示", "今天最后一天"]


def test_the_payload_holds_nothing_personal(cast, org, item, hall):
    case = receive(cast, now=at(MON, 9))  # 张三, 13800138000, a resident ID
    text = json.dumps(screen_payload(org["center"], NOON), ensure_ascii=False)
    for secret in ("张三", "13800138000", ID, case.number, case.query_code, "测试县测试路"):
        assert secret not in text
    assert "window_a姓名" in text and "B-window_a" in text  # staff on duty are public (上墙公示)


def test_etag_matching():
    etag = '"7-202603021200"'
    assert etag_matches(etag, etag) and etag_matches(f'W/{etag}', etag) and etag_matches(f'"1-x", {etag}', etag)
    assert etag_matches("*", etag)
    assert not etag_matches(None, etag) and not etag_matches("", etag) and not etag_matches('"7-202603021155"', etag)


def test_the_etag_moves_with_the_version_and_every_few_minutes():
    assert screen_etag(3, NOON) == screen_etag(3, NOON + dt.timedelta(minutes=4, seconds=59))
    assert screen_etag(3, NOON) != screen_etag(3, NOON + dt.timedelta(minutes=5))
    assert screen_etag(3, NOON) != screen_etag(4, NOON)
    assert screen_etag(3, at(MON, 23) + dt.timedelta(minutes=59)) != screen_etag(3, at(MON + dt.timedelta(days=1), 0))


# --- the cache ----------------------------------------------------------------------------------------------------


def test_one_build_per_change_for_all_the_centers_screens(cast, hall, monkeypatch, django_assert_num_queries):
    builds = []
    real = screen_module.screen_payload
    monkeypatch.setattr(screen_module, "screen_payload", lambda *a, **k: builds.append(1) or real(*a, **k))
    first = cached_payload(hall["center"], NOON, version=1)
    with django_assert_num_queries(0):  # 99 more screens: the cache
        for _ in range(99):
            assert cached_payload(hall["center"], NOON + dt.timedelta(seconds=30), version=1) == first
    assert len(builds) == 1
    changed(hall["center"])
    second = cached_payload(hall["center"], NOON, version=2)
    assert second["version"] == 2 and len(builds) == 2
    cache.clear()  # another node's process, or the shared cache emptied: this process keeps its copy
    with django_assert_num_queries(0):
        assert cached_payload(hall["center"], NOON, version=2) is second
    assert len(builds) == 2
    screen_module._local.clear()  # a process that never had it: the shared cache is empty, so it is built
    cached_payload(hall["center"], NOON)  # the version read when not given
    assert len(builds) == 3


def test_each_process_takes_the_payload_from_the_shared_cache_once_and_keeps_its_copy(cast, hall,
                                                                                     django_assert_num_queries):
    first = cached_payload(hall["center"], NOON, version=1)
    with django_assert_num_queries(0):
        assert cached_payload(hall["center"], NOON, version=1) is first
    screen_module._local.clear()  # another worker of the node: one read of the shared cache, then its own copy
    with django_assert_num_queries(0 if "locmem" in settings.CACHES["default"]["BACKEND"] else 1):
        again = cached_payload(hall["center"], NOON, version=1)
    assert again == first
    with django_assert_num_queries(0):
        assert cached_payload(hall["center"], NOON, version=1) is again


# --- the poll ------------------------------------------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_an_unchanged_poll_is_a_304_after_at_most_two_queries(client, cast, hall, monkeypatch,
                                                              django_assert_max_num_queries):
    _, token = screen_for(cast, hall["center"])
    client.cookies[COOKIE] = token
    first = client.get("/screen/data/")
    assert first.status_code == 200 and first["ETag"] == '"1-202603021200"'
    assert first.json()["calls"][0]["number"] == "A010"

    def no_build(*args, **kwargs):
        raise AssertionError("an unchanged poll built the payload")

    monkeypatch.setattr(screen_module, "screen_payload", no_build)
    cache.clear()  # so that taking the payload, even from the cache, would build it
    for _ in range(3):
        with django_assert_max_num_queries(2):
            r = client.get("/screen/data/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert r.status_code == 304 and r.content == b"" and r["ETag"] == first["ETag"]


@time_machine.travel(NOON, tick=False)
def test_a_change_is_seen_at_the_next_poll(client, cast, hall):
    _, token = screen_for(cast, hall["center"])
    client.cookies[COOKIE] = token
    etag = client.get("/screen/data/")["ETag"]
    called = ticket(hall["kind"], 12 + 100, status=TicketStatus.CALLED, window=hall["w2"], calls=1, called_at=NOON)
    changed(hall["center"])  # the queue raises the version with the call
    r = client.get("/screen/data/", HTTP_IF_NONE_MATCH=etag)
    assert r.status_code == 200 and r["ETag"] != etag and r.json()["version"] == 2
    assert r.json()["calls"][0]["number"] == called.number


@time_machine.travel(NOON, tick=False)
def test_a_revoked_screen_is_refused(client, cast, hall):
    device, token = screen_for(cast, hall["center"])
    client.cookies[COOKIE] = token
    etag = client.get("/screen/data/")["ETag"]
    revoke_device(actor=cast["supervisor"], device_id=device.pk, now=NOON)
    r = client.get("/screen/data/", HTTP_IF_NONE_MATCH=etag)
    assert r.status_code == 401 and r.json() == {"active": False}
    client.cookies[COOKIE] = "made-up"
    assert client.get("/screen/data/").status_code == 401


@time_machine.travel(NOON, tick=False)
def test_a_kiosk_token_is_no_screen(client, cast, org):
    _, token = screen_for(cast, org["center"], kind="KIOSK")
    client.cookies[COOKIE] = token
    assert client.get("/screen/data/").status_code == 401


@time_machine.travel(NOON, tick=False)
def test_a_screen_of_one_center_never_sees_another(client, cast, org, hall):
    town = org["town_center"]
    town_window = Window.objects.create(unit=town, number="01", name="镇综合窗口")
    open_counter(town_window, cast["town_window"].staff_profile)
    town_kind = service_type(town, "B", "镇综合受理")
    ticket(town_kind, 1, status=TicketStatus.CALLED, window=town_window, calls=1, called_at=NOON)
    bulletin(cast, town, "镇中心的公示", MON, MON + dt.timedelta(days=7))
    changed(town)
    _, county_token = screen_for(cast, hall["center"], label="县中心屏")
    _, town_token = screen_for(cast, town, label="镇中心屏")
    client.cookies[COOKIE] = county_token
    county = client.get("/screen/data/")
    client.cookies[COOKIE] = town_token
    town_data = client.get("/screen/data/")
    county_text, town_text = county.content.decode(), town_data.content.decode()
    assert "B001" not in county_text and "镇中心的公示" not in county_text and "town_window姓名" not in county_text
    assert "A010" not in town_text and "window_a姓名" not in town_text
    assert town_data.json()["unit"] == "测试镇便民服务中心" and town_data.json()["calls"][0]["number"] == "B001"
    assert town_data.json()["counts"]["taken"] == 1
    # The same version number at two centers is two entries of the cache, never one.
    assert county.json()["version"] == town_data.json()["version"] == 1
    assert county.json()["unit"] == "测试县政务服务中心"


def test_a_ticket_put_back_and_called_again_is_a_new_call(cast, hall):
    t = hall["kind"].tickets.get(number="A010")
    before = screen_payload(hall["center"], NOON)["calls"][0]["key"]
    t.call_count, t.last_called_at = 2, NOON  # requeued (calls back to 0), then called twice again at noon
    t.save()
    assert screen_payload(hall["center"], NOON)["calls"][0]["key"] != before
