"""The big screen's API (decision 0025 §4): the screen's data with a device token (header or cookie) and an ETag (304
when unchanged); the supervisor's endpoints to list, issue and revoke screens and kiosks of the centers in scope."""
from __future__ import annotations

import json

import pytest
import time_machine
from django.contrib.auth import get_user_model
from ninja.responses import NinjaJSONEncoder

from bianmin.accounts.roles import Role
from bianmin.api.routes_hall_screen import HallScreenOut
from bianmin.hall.devices import activate_device
from bianmin.hall.models import DeviceKind, HallDevice, TicketStatus
from bianmin.hall.screen import cached_payload
from bianmin.hall.tests.screen_helpers import NOON, changed, open_counter, screen_for, service_type, ticket
from bianmin.testing.factories import MON, at
from conftest import api_token_headers, make_user

pytestmark = pytest.mark.django_db
SCREEN_API = "/api/v1/hall/screen"


@pytest.mark.endpoint("GET", "/api/v1/hall/screen")
@time_machine.travel(NOON, tick=False)
def test_the_screen_reads_its_data_with_the_device_token_and_an_etag(client, cast, org, django_assert_max_num_queries):
    center = org["center"]
    window = cast["post"].window
    open_counter(window, cast["window_a"].staff_profile)
    kind = service_type(center)
    ticket(kind, 1, status=TicketStatus.CALLED, window=window, calls=1, called_at=at(MON, 11))
    changed(center)
    _, token = screen_for(cast, center)
    r = client.get(SCREEN_API, headers={"X-Device-Token": token})
    assert r.status_code == 200 and r["ETag"] == '"1-202603021200"'
    data = r.json()
    assert data["version"] == 1 and data["etag"] == r["ETag"] and data["calls"][0]["number"] == "A001"
    assert data["windows"][0]["staff"] == "window_a姓名" and data["windows"][0]["ticket_state"] == "CALLED"
    assert data["counts"]["taken"] == 1 and data["counts"]["on_time_rate"] is None
    with django_assert_max_num_queries(2):
        again = client.get(SCREEN_API, headers={"X-Device-Token": token, "If-None-Match": r["ETag"]})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == r["ETag"]
    client.cookies["bianmin_screen"] = token  # the screen's own page calls with its cookie
    assert client.get(SCREEN_API).status_code == 200


@time_machine.travel(NOON, tick=False)
def test_a_changed_poll_is_the_schemas_json_encoded_once_per_process(client, cast, org, django_assert_num_queries):
    center = org["center"]
    open_counter(cast["post"].window, cast["window_a"].staff_profile)
    ticket(service_type(center), 1, status=TicketStatus.CALLED, window=cast["post"].window, calls=1,
           called_at=at(MON, 11))
    changed(center)
    _, token = screen_for(cast, center)
    first = client.get(SCREEN_API, headers={"X-Device-Token": token})
    assert first.status_code == 200 and first["Content-Type"] == "application/json; charset=utf-8"
    assert first["Cache-Control"] == "no-cache, private"
    payload = cached_payload(center, NOON, version=1)
    assert first.json() == json.loads(json.dumps(HallScreenOut.model_validate(payload).model_dump(),
                                                 cls=NinjaJSONEncoder))
    assert first.json()["windows"][0]["ticket_state"] == "CALLED" and first.json()["date"] == "2026-03-02"
    with django_assert_num_queries(1):  # another screen of the center with an older ETag: the device, nothing else
        again = client.get(SCREEN_API, headers={"X-Device-Token": token, "If-None-Match": '"0-202603021200"'})
    assert again.status_code == 200 and again.content == first.content and again["ETag"] == first["ETag"]
    changed(center)  # the next version is another body
    moved = client.get(SCREEN_API, headers={"X-Device-Token": token, "If-None-Match": first["ETag"]})
    assert moved.status_code == 200 and moved.json()["version"] == 2 and moved["ETag"] == '"2-202603021200"'


@time_machine.travel(NOON, tick=False)
def test_two_centers_at_the_same_etag_get_their_own_bodies(client, cast, org):
    """The process keeps a body per center and ETag: the same version at two centers is two bodies, never one."""
    from bianmin.org.models import Window

    county, town = org["center"], org["town_center"]
    open_counter(cast["post"].window, cast["window_a"].staff_profile)
    ticket(service_type(county), 1, status=TicketStatus.CALLED, window=cast["post"].window, calls=1, called_at=NOON)
    town_window = Window.objects.create(unit=town, number="01", name="镇综合窗口")
    open_counter(town_window, cast["town_window"].staff_profile)
    ticket(service_type(town, "B", "镇综合受理"), 1, status=TicketStatus.CALLED, window=town_window, calls=1,
           called_at=NOON)
    changed(county)
    changed(town)
    _, county_token = screen_for(cast, county, label="县中心屏")
    _, town_token = screen_for(cast, town, label="镇中心屏")
    first = client.get(SCREEN_API, headers={"X-Device-Token": county_token})
    second = client.get(SCREEN_API, headers={"X-Device-Token": town_token})
    assert first["ETag"] == second["ETag"] == '"1-202603021200"'
    assert first.json()["calls"][0]["number"] == "A001" and second.json()["calls"][0]["number"] == "B001"
    assert first.json()["unit"] == county.name and second.json()["unit"] == town.name


@time_machine.travel(NOON, tick=False)
def test_an_unknown_or_revoked_token_is_refused_and_then_throttled(client, cast, org):
    device, token = screen_for(cast, org["center"])
    headers = api_token_headers(client, "supervisor")
    assert client.post(f"/api/v1/hall/devices/{device.pk}/revoke", headers=headers).status_code == 200
    r = client.get(SCREEN_API, headers={"X-Device-Token": token})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    _, kiosk_token = screen_for(cast, org["center"], kind=DeviceKind.KIOSK)
    assert client.get(SCREEN_API, headers={"X-Device-Token": kiosk_token}).status_code == 401
    for _ in range(28):
        assert client.get(SCREEN_API, headers={"X-Device-Token": "made-up"}).status_code == 401
    r = client.get(SCREEN_API)
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_requests" and r["Retry-After"] == "60"


@pytest.mark.endpoint("GET", "/api/v1/hall/devices")
@pytest.mark.endpoint("POST", "/api/v1/hall/devices")
@pytest.mark.endpoint("POST", "/api/v1/hall/devices/{device_id}/revoke")
@time_machine.travel(NOON, tick=False)
def test_a_supervisor_issues_lists_and_revokes_devices(client, cast, org):
    headers = api_token_headers(client, "supervisor")
    r = client.post("/api/v1/hall/devices", {"unit": org["center"].pk, "kind": "SCREEN", "label": "一楼大厅显示屏"},
                    content_type="application/json", headers=headers)
    assert r.status_code == 201
    issued = r.json()
    assert issued["activate_path"] == "/screen/activate/" and len(issued["code"]) == 10
    device = issued["device"]
    assert (device["unit"], device["kind"], device["label"], device["activated_at"]) == (
        "C1", "SCREEN", "一楼大厅显示屏", None)
    assert device["issued_by"] == "supervisor" and device["activation_expires_at"] is not None
    listed = client.get("/api/v1/hall/devices", headers=headers)
    assert listed.status_code == 200 and [d["id"] for d in listed.json()] == [device["id"]]
    assert issued["code"] not in listed.content.decode()  # the code is shown once
    activate_device(code=issued["code"], now=NOON)
    assert client.get("/api/v1/hall/devices", headers=headers).json()[0]["activated_at"] is not None
    revoked = client.post(f"/api/v1/hall/devices/{device['id']}/revoke", headers=headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    twice = client.post(f"/api/v1/hall/devices/{device['id']}/revoke", headers=headers)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_revoked"


@time_machine.travel(NOON, tick=False)
def test_only_supervisors_in_scope_and_bad_input_names_the_field(client, cast, org):
    clerk = api_token_headers(client, "window_a")
    body = {"unit": org["center"].pk, "kind": "KIOSK", "label": "取号机"}
    r = client.post("/api/v1/hall/devices", body, content_type="application/json", headers=clerk)
    assert r.status_code == 403
    make_user(get_user_model(), "town_sup", Role.SUPERVISOR, org["town_center"])
    town = api_token_headers(client, "town_sup")
    r = client.post("/api/v1/hall/devices", body, content_type="application/json", headers=town)
    assert r.status_code == 404 and "unit" in r.json()["error"]["fields"]
    supervisor = api_token_headers(client, "supervisor")
    r = client.post("/api/v1/hall/devices", {**body, "label": " "}, content_type="application/json",
                    headers=supervisor)
    assert r.status_code == 400 and "label" in r.json()["error"]["fields"]
    county, _ = screen_for(cast, org["center"])
    assert client.post(f"/api/v1/hall/devices/{county.pk}/revoke", headers=town).status_code == 404
    assert client.get("/api/v1/hall/devices", headers=town).json() == []
    assert HallDevice.objects.get(pk=county.pk).revoked_at is None
    assert client.get("/api/v1/hall/devices").status_code == 401
