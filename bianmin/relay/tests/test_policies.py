"""Who sees a relay (the units on its route, by stored path) and the list of what passes through a unit."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.accounts.roles import Role
from bianmin.core.errors import NotFound
from bianmin.org.models import Unit, UnitKind
from bianmin.org.services import save_unit
from bianmin.relay import services as svc
from bianmin.relay.policies import get_relay_for, hand_over_refusal, may_register, sign_refusal, visible_relays
from bianmin.relay.selectors import hand_overs_of, passing_through
from bianmin.testing.factories import MON, at
from conftest import make_user

from .helpers import SENT, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_station_agent(org, django_user_model):
    """An agent at a second village station of the same town (a sibling: out of sight of V1's relays)."""
    other = save_unit(Unit(code="V2", name="另一村便民服务站", kind=UnitKind.VILLAGE_STATION, region=org["village"],
                           parent=org["town_center"]))
    return make_user(django_user_model, "agent2", Role.AGENT, other)


def test_the_units_on_the_route_see_a_relay_and_others_get_not_found(cast, item, dept_window, other_station_agent):
    relay = register(cast)
    for who in ("agent", "town_window", "window_a", "leader", "supervisor"):
        assert get_relay_for(cast[who], relay.number).pk == relay.pk, who
    assert get_relay_for(dept_window, relay.number).pk == relay.pk  # the deciding unit
    for who in (other_station_agent, cast["nobody"], cast["sysadmin"], cast["auditor"]):
        with pytest.raises(NotFound) as forbidden:
            get_relay_for(who, relay.number)
        with pytest.raises(NotFound) as missing:
            get_relay_for(who, "DBV1202699999")
        assert str(forbidden.value) == str(missing.value)  # a forbidden relay answers like a missing one
    assert list(visible_relays(other_station_agent)) == []


def test_the_policies_say_why_not(cast, item, dept_window):
    assert may_register(cast["agent"]) and not may_register(cast["town_window"])
    relay = register(cast)
    assert hand_over_refusal(cast["agent"], relay) is None
    assert "当前持件单位" in hand_over_refusal(cast["town_window"], relay)
    assert sign_refusal(cast["town_window"], relay) == "没有等待签收的移交"
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON))
    assert hand_over_refusal(cast["agent"], relay) == "上一次移交尚未签收"
    assert sign_refusal(cast["town_window"], relay) is None
    assert "接收单位" in sign_refusal(dept_window, relay)


def test_what_passes_through_each_unit_with_hop_deadlines(cast, org, item, dept_window):
    waiting, held = register(cast), register(cast)
    svc.hand_over(actor=cast["agent"], number=waiting.number, now=at(MON))
    station = {r.number: r for r in passing_through(cast["agent"])}
    assert station[waiting.number].waiting == "SENT" and station[waiting.number].hop_due_on == dt.date(2026, 3, 5)
    assert station[held.number].waiting == "SEND" and station[held.number].hop_due_on is None
    assert [r.number for r in passing_through(cast["agent"])] == [waiting.number, held.number]  # deadlines first
    town = passing_through(cast["town_window"])
    assert [(r.number, r.waiting, r.hop_to) for r in town] == [(waiting.number, "SIGN", "测试镇便民服务中心")]
    assert passing_through(dept_window) == []
    svc.sign_for(actor=cast["town_window"], number=waiting.number, materials=SENT, now=at(MON))
    svc.hand_over(actor=cast["town_window"], number=waiting.number, now=at(MON))
    assert [r.waiting for r in passing_through(dept_window)] == ["SIGN"]
    assert [h.seq for h in hand_overs_of(waiting)] == [1, 2]
