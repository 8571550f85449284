"""The 工作台's panel "途经本单位的代办件" and the count of hops waiting for the unit's signature (issue 13 item 5)."""
import datetime as dt
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.relay import services as rsvc
from bianmin.testing.factories import MON, at
from bianmin.testing.relays import SENT, county_item, registered
from conftest import api_token_headers, sign_in

pytestmark = pytest.mark.django_db
TILE = re.compile(r'<a href="([^"]+)" data-desk="(\w+)"[^>]*><strong class="desk-count">(\d+)</strong>')
ROW = re.compile(r'<tr class="warn-(\w*)" data-relay="(\w+)">(.*?)</tr>', re.S)
TUE, WED, THU, FRI = (MON + dt.timedelta(days=n) for n in range(1, 5))


@pytest.fixture
def xj(cast, calendar, org):
    return county_item(cast)


def sent_up(cast, n=1):
    """Relays registered and sent from the station to the town on Monday (the hop due Thursday)."""
    relays = []
    for _ in range(n):
        relay = registered(cast)
        rsvc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 10))
        relays.append(relay)
    return relays


def panel(client) -> dict[str, tuple[str, str]]:
    page = client.get("/staff/").content.decode()
    if "途经本单位的代办件" not in page:
        return {}
    table = page.split('<table class="relay-panel">', 1)[1].split("</table>", 1)[0]
    return {number: (mark, re.sub(r"<[^>]+>", "", cells)) for mark, number, cells in ROW.findall(table)}


def tiles(client) -> dict[str, tuple[str, int]]:
    page = client.get("/staff/").content.decode()
    return {key: (html.unescape(href), int(n)) for href, key, n in TILE.findall(page)}


@time_machine.travel(at(TUE), tick=False)
def test_the_town_sees_what_waits_for_its_signature_and_the_count_links_to_the_list(client, cast, xj):
    (relay,) = sent_up(cast)
    sign_in(client, cast["town_window"])
    rows = panel(client)
    assert list(rows) == [relay.number]
    mark, text = rows[relay.number]
    assert mark == "" and "待本单位签收" in text and "2026-03-05" in text and "县级事项" in text
    assert "柳青禾" not in text  # the panel lists the item and the hop, not the applicant
    assert tiles(client)["relays"] == ("/staff/relays/", 1)
    page = client.get("/staff/").content.decode()
    assert 'href="/staff/relays/">全部 1 件' in page and f'href="/staff/relays/{relay.number}/"' in page
    # the API's desk gives the same count and link
    client.logout()
    body = client.get("/api/v1/me/desk", headers=api_token_headers(client, "town_window")).json()
    assert {c["key"]: (c["href"], c["count"]) for c in body["counts"]}["relays"] == ("/staff/relays/", 1)
    # once signed, nothing waits for the town's signature: the relay is the town's to send on
    rsvc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(TUE))
    sign_in(client, cast["town_window"])
    assert tiles(client)["relays"] == ("/staff/relays/", 0)
    assert "待本单位移交" in panel(client)[relay.number][1]


def test_the_hop_deadline_turns_yellow_then_red(client, cast, xj):
    (relay,) = sent_up(cast)
    for day, expected in ((TUE, ""), (WED, "yellow"), (THU, "yellow"), (FRI, "red")):
        with time_machine.travel(at(day), tick=False):
            sign_in(client, cast["agent"])  # the sender sees its hop on the way, with the same marks
            mark, text = panel(client)[relay.number]
            assert mark == expected, day
            assert "已移交 测试镇便民服务中心" in text
            assert ("已超期" in text) == (expected == "red") and ("临近期限" in text) == (expected == "yellow")
    # the agent signs nothing here: no hop waits for the station
    with time_machine.travel(at(FRI), tick=False):
        sign_in(client, cast["agent"])
        assert tiles(client)["relays"] == ("/staff/relays/", 0)


@time_machine.travel(at(TUE), tick=False)
def test_nearest_hop_deadline_first_and_ten_at_most(client, cast, xj):
    late = sent_up(cast)[0]
    with time_machine.travel(at(WED), tick=False):
        later = []
        for _ in range(10):
            relay = registered(cast, now=at(WED))
            rsvc.hand_over(actor=cast["agent"], number=relay.number, now=at(WED, 10))
            later.append(relay)
    sign_in(client, cast["town_window"])
    rows = panel(client)
    assert len(rows) == 10 and list(rows)[0] == late.number
    assert 'href="/staff/relays/">全部 11 件' in client.get("/staff/").content.decode()


@time_machine.travel(at(TUE), tick=False)
def test_only_those_who_may_see_relays_get_the_panel(client, cast, xj):
    sent_up(cast)
    sign_in(client, cast["supervisor"])  # may see relays (none passes the county center yet), signs none
    page = client.get("/staff/").content.decode()
    assert "途经本单位的代办件" in page and "没有途经本单位的代办件" in page and "relays" not in tiles(client)
    client.logout()
    for who in ("sysadmin", "auditor"):
        sign_in(client, cast[who])
        page = client.get("/staff/").content.decode()
        assert "途经本单位的代办件" not in page and 'data-desk="relays"' not in page
        client.logout()


@time_machine.travel(at(WED), tick=False)
def test_the_workbench_costs_the_same_queries_however_many_relays(client, cast, xj):
    sent_up(cast)
    sign_in(client, cast["town_window"])

    def queries() -> int:
        client.get("/staff/")
        with CaptureQueriesContext(connection) as q:
            assert client.get("/staff/").status_code == 200
        return len(q.captured_queries)

    before = queries()
    sent_up(cast, 4)
    assert queries() == before
    assert len(panel(client)) == 5 and tiles(client)["relays"] == ("/staff/relays/", 5)


@time_machine.travel(at(FRI, 18), tick=False)
def test_a_result_back_at_the_station_is_on_the_agents_panel(client, cast, org, xj):
    from bianmin.relay.models import RelayRequest, RelayStatus
    from bianmin.testing.relays import brought_back, opened_at_county

    relay = brought_back(cast, org, opened_at_county(cast))
    RelayRequest.objects.filter(pk=relay.pk).update(status=RelayStatus.AT_STATION, delivered_at=None, closed_at=None)
    sign_in(client, cast["agent"])
    mark, text = panel(client)[relay.number]
    assert "结果已到站，待送达申请人" in text and mark == ""
    assert tiles(client)["relays"] == ("/staff/relays/", 0)  # nothing to sign: the result was signed for


@time_machine.travel(at(FRI), tick=False)
def test_a_result_coming_down_waits_for_the_towns_signature_and_a_review_does_not(client, cast, org, xj):
    from bianmin.accountability.selectors import hops_to_sign
    from bianmin.relay.models import Direction
    from bianmin.testing.relays import hop, opened_at_county

    relay = opened_at_county(cast)
    hop(relay, direction=Direction.DOWN, from_unit=org["center"], to_unit=org["town_center"],
        sender=cast["window_a"].staff_profile, sent_at=at(THU), due_on=FRI + dt.timedelta(days=3))
    assert [h.direction for h in hops_to_sign(cast["town_window"])] == [Direction.DOWN]
    assert not hops_to_sign(cast["window_a"]).exists()  # the sender signs nothing
    relay.hand_overs.filter(direction=Direction.DOWN).update(direction=Direction.REVIEW)
    assert not hops_to_sign(cast["town_window"]).exists()  # a review is the town's own step, not a signature
