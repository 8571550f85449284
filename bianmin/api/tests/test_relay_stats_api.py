"""全程代理 statistics through the API (issue 13 item 8): ``GET /api/v1/stats/relays``."""
import datetime as dt

import pytest
import time_machine

from bianmin.accounts.roles import Role
from bianmin.stats.tests import relay_scenario as scenario
from conftest import api_token_headers, make_user

pytestmark = pytest.mark.django_db
MAR31 = dt.datetime(2026, 3, 31, 2, 0, tzinfo=dt.UTC)  # Tuesday 10:00 in Beijing
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def march(cast, org, item, django_user_model):
    return scenario.build(cast, org, django_user_model)


@pytest.mark.endpoint("GET", "/api/v1/stats/relays")
@time_machine.travel(MAR31, tick=False)
def test_relay_stats_endpoint(client, cast, org, march, django_user_model):
    r = client.get("/api/v1/stats/relays", MARCH, headers=api_token_headers(client, "leader"))
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["unit"], body["from"], body["to"]) == (None, "2026-03-01", "2026-03-31")
    hops = {h["key"]: (h["sent"], h["on_time"], h["late"], h["refused"], h["on_time_rate"]) for h in body["hops"]}
    assert hops == {"VILLAGE_UP": (4, 3, 1, 1, 0.75), "TOWN_UP": (1, 0, 1, 0, 0.0), "REVIEW": (1, 1, 0, 0, 1.0),
                    "DOWN": (1, 0, 1, 0, 0.0)}
    assert body["hop_total"]["sent"] == 7 and body["hop_total"]["key"] == ""
    agent = next(a for a in body["agents"] if a["key"] == "B-agent")
    assert (agent["registered"], agent["hops_sent"], agent["hop_on_time_rate"], agent["delivered_on_time"]) == (
        3, 3, 0.6667, 1)
    stations = {s["key"]: (s["registered"], s["in_transit"], s["delivered"], s["archived"], s["on_time_rate"])
                for s in body["stations"]}
    assert stations == {"V1": (3, 2, 1, 1, 0.3333), "V2": (1, 1, 0, 0, 0.0)}
    assert body["station_total"]["registered"] == 4

    # A town leader sees its own villages only; a unit out of sight is a 404.
    make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"])
    h = api_token_headers(client, "town_leader")
    body = client.get("/api/v1/stats/relays", MARCH, headers=h).json()
    assert [s["key"] for s in body["stations"]] == ["V1"] and body["hops"][0]["sent"] == 3
    assert client.get("/api/v1/stats/relays", {**MARCH, "unit": "T2"}, headers=h).status_code == 404
    narrowed = client.get("/api/v1/stats/relays", {**MARCH, "unit": "V1"}, headers=h).json()
    assert narrowed["unit"] == "V1" and narrowed["station_total"]["registered"] == 3


@time_machine.travel(MAR31, tick=False)
def test_relay_stats_refusals(client, cast, march):
    # Window staff and agents do not read statistics.
    for who in ("window_a", "agent"):
        r = client.get("/api/v1/stats/relays", MARCH, headers=api_token_headers(client, who))
        assert r.status_code == 403
    h = api_token_headers(client, "supervisor")
    r = client.get("/api/v1/stats/relays", {"from": "2026-03-31", "to": "2026-03-01"}, headers=h)
    assert r.status_code == 400 and "to" in r.json()["error"]["fields"]
    r = client.get("/api/v1/stats/relays", {"from": "2025-01-01", "to": "2026-03-31"}, headers=h)
    assert r.status_code == 400 and "from" in r.json()["error"]["fields"]
    doc = client.get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/stats/relays"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"unit", "from", "to"}
    assert "RelayStatsOut" in operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
