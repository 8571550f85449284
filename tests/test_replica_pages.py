"""The pages and endpoints that read from the replica (decision 0027), with the replica simulated on SQLite: the lag
note on the staff pages, ``X-Replica-Lag`` on the answers, and a user's own change keeping their pages on the
primary. (Without a real replica no router is installed, so every query still runs on the one database: these tests
cover the plumbing; tests/replica/test_replica.py proves where the queries go.)"""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from bianmin.core import replica
from bianmin.core.replica import LAG_HEADER, STICKY_COOKIE, Health
from bianmin.hall.models import TicketStatus
from bianmin.hall.tests.screen_helpers import NOON, changed, open_counter, screen_for, service_type, ticket
from conftest import sign_in

pytestmark = pytest.mark.django_db
NOTE = "数据来自只读副本"
STATS = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def fake_replica(monkeypatch):
    """A configured replica 3.2 s behind (the router is not installed: the reads still run on the test database)."""
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "_probe", lambda: Health(True, 3.2, replica.ON_REPLICA))
    replica.forget_health()
    yield
    replica.forget_health()


def signed_in(user) -> Client:
    client = Client()
    sign_in(client, user)  # no POST: this browser has changed nothing
    return client


@time_machine.travel(NOON, tick=False)
def test_statistics_overview_and_export_read_the_replica_and_say_so(fake_replica, cast):
    leader = signed_in(cast["leader"])
    for url in ("/staff/stats/", "/staff/overview/"):
        r = leader.get(url)
        assert r.status_code == 200 and r[LAG_HEADER] == "3.2"
        assert '<p class="muted" id="replica-lag">数据来自只读副本，约 3 秒前</p>' in r.content.decode()
    r = leader.get("/staff/stats/export.xlsx", STATS)
    assert r.content[:2] == b"PK" and r[LAG_HEADER] == "3.2"
    # Pages that do not read from the replica say nothing.
    r = leader.get("/staff/")
    assert LAG_HEADER not in r and NOTE not in r.content.decode()


@time_machine.travel(NOON, tick=False)
def test_a_users_own_change_keeps_their_reads_on_the_primary_for_five_seconds(fake_replica, cast):
    supervisor, leader = signed_in(cast["supervisor"]), signed_in(cast["leader"])
    badge = cast["window_b"].staff_profile.badge_number
    r = supervisor.post("/staff/accountability/new/", {
        "action": "record_violation", "staff": badge, "kind": "ATTITUDE", "occurred_on": "2026-03-02",
        "description": "对群众态度生硬"})
    assert r.status_code == 302 and STICKY_COOKIE in r.cookies
    r = supervisor.get("/staff/stats/", STATS)
    assert LAG_HEADER not in r and NOTE not in r.content.decode() and "过错类型" in r.content.decode()
    assert NOTE in leader.get("/staff/stats/", STATS).content.decode()  # another user's browser is not held back
    with time_machine.travel(NOON + dt.timedelta(seconds=6), tick=False):
        assert NOTE in supervisor.get("/staff/stats/", STATS).content.decode()


@time_machine.travel(NOON, tick=False)
def test_a_refused_post_does_not_hold_the_user_back(fake_replica, cast):
    supervisor = signed_in(cast["supervisor"])
    r = supervisor.post("/staff/accountability/new/", {"action": "record_violation", "kind": "ATTITUDE"})
    assert r.status_code == 400 and STICKY_COOKIE not in r.cookies
    assert NOTE in supervisor.get("/staff/stats/").content.decode()


@pytest.mark.endpoint("GET", "/api/v1/stats")
@pytest.mark.endpoint("GET", "/api/v1/stats/relays")
@time_machine.travel(NOON, tick=False)
def test_the_statistics_api_names_the_lag_in_a_header(fake_replica, cast):
    from conftest import api_token_headers

    headers = api_token_headers(Client(), "leader")  # the token's POST was another client's
    api = Client()
    assert api.get("/api/v1/stats", STATS, headers=headers)[LAG_HEADER] == "3.2"
    assert api.get("/api/v1/stats/relays", STATS, headers=headers)[LAG_HEADER] == "3.2"
    assert LAG_HEADER not in api.get("/api/v1/cases", headers=headers)


@pytest.mark.endpoint("POST", "/api/v1/messages/{pk}/read")
@time_machine.travel(NOON, tick=False)
def test_an_api_clients_own_change_keeps_its_api_reads_on_the_primary_without_cookies(fake_replica, cast):
    from bianmin.notifications.services import enqueue_inapp
    from conftest import api_token_headers

    message = enqueue_inapp(recipient=cast["leader"], kind="TEST", subject="通知", text="请查看", now=NOON)
    headers = api_token_headers(Client(), "leader")
    api = Client()
    assert api.get("/api/v1/stats", STATS, headers=headers)[LAG_HEADER] == "3.2"  # signing in changed nothing
    r = Client().post(f"/api/v1/messages/{message.pk}/read", headers=headers)  # a client that keeps no cookies
    assert r.status_code == 200
    assert LAG_HEADER not in Client().get("/api/v1/stats", STATS, headers=headers)  # read on the primary
    other = api_token_headers(Client(), "supervisor")
    assert Client().get("/api/v1/stats", STATS, headers=other)[LAG_HEADER] == "3.2"
    with time_machine.travel(NOON + dt.timedelta(seconds=6), tick=False):
        assert Client().get("/api/v1/stats", STATS, headers=headers)[LAG_HEADER] == "3.2"


@time_machine.travel(NOON, tick=False)
def test_the_public_catalogue_reads_the_replica(fake_replica, item):
    public = Client()
    for url in ("/items/", "/items/SP-01/", "/items/SP-01/v1/"):
        r = public.get(url)
        assert r.status_code == 200 and r[LAG_HEADER] == "3.2", url
        assert NOTE not in r.content.decode()  # the lag is shown on staff pages only
    assert LAG_HEADER not in public.get("/")


@pytest.mark.endpoint("GET", "/api/v1/hall/screen")
@time_machine.travel(NOON, tick=False)
def test_the_big_screen_reads_its_payload_from_the_replica(fake_replica, cast, org):
    center = org["center"]
    open_counter(cast["post"].window, cast["window_a"].staff_profile)
    ticket(service_type(center), 1, status=TicketStatus.CALLED, window=cast["post"].window, calls=1, called_at=NOON)
    changed(center)
    _, token = screen_for(cast, center)
    screen = Client()
    screen.cookies["bianmin_screen"] = token
    r = screen.get("/screen/data/")
    assert r.status_code == 200 and r[LAG_HEADER] == "3.2" and r.json()["calls"][0]["number"] == "A001"
    unchanged = screen.get("/screen/data/", headers={"If-None-Match": r["ETag"]})
    assert unchanged.status_code == 304 and LAG_HEADER not in unchanged  # one query on the primary, nothing else
    assert screen.get("/screen/")[LAG_HEADER] == "3.2"
    r = Client().get("/api/v1/hall/screen", headers={"X-Device-Token": token})
    assert r.status_code == 200 and r[LAG_HEADER] == "3.2"


@time_machine.travel(NOON, tick=False)
def test_without_a_replica_nothing_changes(cast, monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: False)  # as without DATABASE_REPLICA_URL
    supervisor = signed_in(cast["supervisor"])
    r = supervisor.post("/staff/accountability/new/", {
        "action": "record_violation", "staff": cast["window_b"].staff_profile.badge_number, "kind": "ATTITUDE",
        "occurred_on": "2026-03-02", "description": "对群众态度生硬"})
    assert r.status_code == 302 and STICKY_COOKIE not in r.cookies
    r = supervisor.get("/staff/stats/")
    assert LAG_HEADER not in r and NOTE not in r.content.decode()
