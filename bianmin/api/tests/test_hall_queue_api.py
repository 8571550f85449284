"""取号叫号 through the API (issue 18 item 4): the public ticket, the kiosk's tickets (device token), the window's
calls, the link to a case or an inquiry, the console's state and the waiting-time statistics."""
from __future__ import annotations

import pytest
import time_machine

from bianmin.hall import queue as q
from bianmin.hall.models import Ticket, TicketStatus
from bianmin.hall.tests.queue_helpers import PHONE, T0, booking, kiosk, make_hall, other_county
from bianmin.inquiries import services as inq
from bianmin.testing.cases import receive
from bianmin.testing.factories import assert_error
from conftest import api_token_headers

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def hall(cast, org):
    return make_hall(cast, org)


def take(hall, kind=None):
    return q.take_ticket(unit_id=hall.center.pk, service_type_id=(kind or hall.a).pk, now=T0, kiosk=True)


def post(client, path, headers, body=None):
    return client.post(f"{API}{path}", body or {}, content_type="application/json", headers=headers)


@pytest.mark.endpoint("GET", "/api/v1/public/tickets/{unit_code}/{day}/{number}")
def test_the_public_ticket(client, cast, hall):
    take(hall)
    take(hall)
    r = client.get(f"{API}/public/tickets/C1/20260302/A002")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["number"], body["status"], body["ahead"], body["wait_minutes"], body["window"]) == (
        "A002", "WAITING", 1, 10, None)
    assert body["path"] == "/ticket/C1/20260302/A002/" and body["service_type"] == "综合受理"
    q.call_next(actor=cast["window_a"], window_id=hall.w1.pk, now=T0)
    body = client.get(f"{API}/public/tickets/C1/20260302/A001").json()
    assert (body["status"], body["window"], body["ahead"]) == ("CALLED", "01", None)
    for wrong in ("C1/20260302/A009", "C9/20260302/A001", "C1/2026-03-02/A001"):
        assert_error(client.get(f"{API}/public/tickets/{wrong}"), 404)


def test_the_public_ticket_is_limited_per_address(client, cast, hall, monkeypatch):
    from bianmin.hall import queue

    monkeypatch.setattr(queue, "TICKET_VIEWS_PER_ADDRESS_MINUTE", 1)
    take(hall)
    assert client.get(f"{API}/public/tickets/C1/20260302/A001").status_code == 200
    r = client.get(f"{API}/public/tickets/C1/20260302/A001")
    assert_error(r, 429)
    assert r["Retry-After"] == "60"


@pytest.mark.endpoint("POST", "/api/v1/hall/kiosk/tickets")
@pytest.mark.endpoint("POST", "/api/v1/hall/kiosk/check-in")
def test_the_kiosk_takes_tickets_with_its_device_token(client, cast, hall):
    _device, token = kiosk(cast, hall, T0)
    device = {"X-Device-Token": token}
    assert_error(post(client, "/hall/kiosk/tickets", {}, {"service_type": hall.a.pk}), 401)
    assert_error(post(client, "/hall/kiosk/tickets", {"X-Device-Token": "forged"}, {"service_type": hall.a.pk}), 401)
    assert not Ticket.objects.exists()
    r = post(client, "/hall/kiosk/tickets", device, {"service_type": hall.a.pk})
    assert r.status_code == 201, r.content
    assert (r.json()["number"], r.json()["ahead"], r.json()["unit"]) == ("A001", 0, "C1")
    assert_error(post(client, "/hall/kiosk/tickets", device, {"service_type": 999999}), 400, "service_type")
    booking(cast, hall, starts=T0)
    assert_error(post(client, "/hall/kiosk/check-in", device, {"number": "YY2603020001", "phone_last4": "0000"}),
                 404, "number")
    r = post(client, "/hall/kiosk/check-in", device, {"number": "YY2603020001", "phone_last4": PHONE[-4:]})
    assert r.status_code == 201 and r.json()["number"] == "A002"
    assert_error(post(client, "/hall/kiosk/check-in", device, {"number": "YY2603020001", "phone_last4": PHONE[-4:]}),
                 409)
    assert Ticket.objects.get(number="A002").source == "APPOINTMENT"


def test_tickets_per_kiosk_and_minute_are_limited(client, cast, hall, settings):
    settings.BIANMIN = {**settings.BIANMIN, "HALL": {**settings.BIANMIN["HALL"], "TICKETS_PER_KIOSK_MINUTE": 1}}
    _device, token = kiosk(cast, hall, T0)
    device = {"X-Device-Token": token}
    assert post(client, "/hall/kiosk/tickets", device, {"service_type": hall.a.pk}).status_code == 201
    assert_error(post(client, "/hall/kiosk/tickets", device, {"service_type": hall.a.pk}), 429)
    assert Ticket.objects.count() == 1


@pytest.mark.endpoint("POST", "/api/v1/hall/windows/{window_id}/open")
@pytest.mark.endpoint("POST", "/api/v1/hall/windows/{window_id}/close")
@pytest.mark.endpoint("POST", "/api/v1/hall/windows/{window_id}/call-next")
@pytest.mark.endpoint("POST", "/api/v1/hall/tickets/{ticket_id}/recall")
@pytest.mark.endpoint("POST", "/api/v1/hall/tickets/{ticket_id}/start")
@pytest.mark.endpoint("POST", "/api/v1/hall/tickets/{ticket_id}/finish")
@pytest.mark.endpoint("GET", "/api/v1/hall/queue")
def test_a_window_calls_through_the_api(client, cast, hall):
    first, second = take(hall), take(hall)
    h = api_token_headers(client, "window_a")
    r = post(client, f"/hall/windows/{hall.w1.pk}/open", h)
    assert r.status_code == 200 and r.json()["open"] is True and r.json()["staff"] == "window_a姓名"
    r = post(client, f"/hall/windows/{hall.w1.pk}/call-next", h)
    assert r.status_code == 200 and r.json()["ticket"]["number"] == "A001"
    assert r.json()["message"] == "请A001号到01号窗口办理"
    assert_error(post(client, f"/hall/windows/{hall.w1.pk}/call-next", h), 409, "ticket")
    for calls in (2, 3):
        r = post(client, f"/hall/tickets/{first.pk}/recall", h)
        assert r.status_code == 200 and r.json()["call_count"] == calls
    assert_error(post(client, f"/hall/tickets/{first.pk}/recall", h), 409)
    r = post(client, f"/hall/tickets/{first.pk}/start", h)
    assert r.json()["status"] == "SERVING"
    r = client.get(f"{API}/hall/queue", {"window": hall.w1.pk}, headers=h)
    assert r.status_code == 200
    body = r.json()
    assert body["current"]["number"] == "A001" and body["window"]["open"] is True
    assert {w["waiting"] for w in body["waiting"] if w["letter"] == "A"} == {1}
    assert [w["number"] for w in body["windows"]] == ["01", "02", "03"]
    assert client.get(f"{API}/hall/queue", headers=h).json()["current"] is None
    r = post(client, f"/hall/windows/{hall.w1.pk}/call-next", h)
    assert r.json()["ticket"]["number"] == "A002"
    assert Ticket.objects.get(pk=first.pk).status == TicketStatus.DONE
    assert post(client, f"/hall/tickets/{second.pk}/finish", h).json()["status"] == "DONE"
    r = post(client, f"/hall/windows/{hall.w1.pk}/call-next", h)
    assert r.json() == {"ticket": None, "message": "当前没有等候的号"}
    r = post(client, f"/hall/windows/{hall.w1.pk}/close", h)
    assert r.status_code == 200 and r.json()["open"] is False
    assert_error(post(client, f"/hall/windows/{hall.w1.pk}/close", h), 409)


@pytest.mark.endpoint("POST", "/api/v1/hall/tickets/{ticket_id}/skip")
@pytest.mark.endpoint("POST", "/api/v1/hall/tickets/{ticket_id}/drop")
@pytest.mark.endpoint("POST", "/api/v1/hall/tickets/{ticket_id}/requeue")
def test_skip_drop_and_requeue(client, cast, hall):
    first, second = take(hall), take(hall)
    h = api_token_headers(client, "window_a")
    post(client, f"/hall/windows/{hall.w1.pk}/call-next", h)
    assert post(client, f"/hall/tickets/{first.pk}/skip", h).json()["status"] == "SKIPPED"
    post(client, f"/hall/windows/{hall.w1.pk}/call-next", h)
    assert post(client, f"/hall/tickets/{second.pk}/drop", h).json()["status"] == "NO_SHOW"
    body = client.get(f"{API}/hall/queue", {"window": hall.w1.pk}, headers=h).json()
    assert sorted(t["number"] for t in body["set_aside"]) == ["A001", "A002"]
    r = post(client, f"/hall/tickets/{first.pk}/requeue", h)
    assert r.status_code == 200 and (r.json()["status"], r.json()["window"], r.json()["call_count"]) == (
        "WAITING", None, 0)
    assert_error(post(client, f"/hall/tickets/{first.pk}/requeue", h), 409, "ticket")


def test_another_countys_windows_and_tickets_are_not_found(client, cast, hall, django_user_model):
    far = other_county(django_user_model)
    theirs = q.take_ticket(unit_id=far["center"].pk, service_type_id=far["type"].pk, now=T0, kiosk=True)
    q.call_next(actor=far["clerk"], window_id=far["window"].pk, now=T0)
    h = api_token_headers(client, "window_a")
    for path in (f"/hall/windows/{far['window'].pk}/open", f"/hall/windows/{far['window'].pk}/call-next",
                 f"/hall/tickets/{theirs.pk}/recall", f"/hall/tickets/{theirs.pk}/drop"):
        assert_error(post(client, path, h), 404)
    assert_error(client.get(f"{API}/hall/queue", {"window": far["window"].pk}, headers=h), 404, "window")
    assert_error(post(client, "/hall/tickets", h, {"unit": far["center"].pk, "service_type": far["type"].pk}), 404)
    assert_error(post(client, f"/hall/windows/{hall.w1.pk}/call-next", api_token_headers(client, "supervisor")),
                 403)
    theirs.refresh_from_db()
    assert (theirs.status, theirs.call_count) == (TicketStatus.CALLED, 1)


@pytest.mark.endpoint("POST", "/api/v1/hall/tickets")
def test_a_clerk_takes_a_ticket_for_a_citizen(client, cast, hall):
    take(hall)
    h = api_token_headers(client, "window_a")
    r = post(client, "/hall/tickets", h, {"unit": hall.center.pk, "service_type": hall.a.pk})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["ticket"]["number"], body["ticket"]["source"], body["ahead"], body["wait_minutes"]) == (
        "A002", "STAFF", 1, 10)
    assert body["path"] == "/ticket/C1/20260302/A002/"
    assert_error(post(client, "/hall/tickets", h, {"unit": hall.center.pk, "service_type": 0}), 400, "service_type")


@pytest.mark.endpoint("POST", "/api/v1/hall/tickets/{ticket_id}/link")
def test_link_a_ticket_to_its_case_or_inquiry(client, cast, hall, item):
    ticket = take(hall)
    case = receive(cast)
    inquiry = inq.register_inquiry(actor=cast["window_a"], channel="WINDOW", matter="咨询", now=T0)
    h = api_token_headers(client, "window_a")
    assert_error(post(client, f"/hall/tickets/{ticket.pk}/link", h, {"case_number": case.number}), 409, "ticket")
    post(client, f"/hall/windows/{hall.w1.pk}/call-next", h)
    assert_error(post(client, f"/hall/tickets/{ticket.pk}/link", h, {}), 400, "case_number")
    assert_error(post(client, f"/hall/tickets/{ticket.pk}/link", h, {"case_number": "NOPE"}), 404, "case_number")
    r = post(client, f"/hall/tickets/{ticket.pk}/link", h, {"case_number": case.number})
    assert r.status_code == 200, r.content
    assert (r.json()["case"], r.json()["status"]) == (case.number, "SERVING")
    r = post(client, f"/hall/tickets/{ticket.pk}/link", h, {"inquiry_number": inquiry.number})
    assert (r.json()["case"], r.json()["inquiry"]) == (case.number, inquiry.number)
    assert_error(post(client, f"/hall/tickets/{ticket.pk}/link", h, {"case_number": case.number}), 409)


@pytest.mark.endpoint("GET", "/api/v1/stats/queue")
def test_the_waiting_time_statistics(client, cast, hall):
    first = take(hall)
    q.call_next(actor=cast["window_a"], window_id=hall.w1.pk, now=T0)
    q.finish(actor=cast["window_a"], ticket_id=first.pk, now=T0)
    take(hall, hall.b)
    h = api_token_headers(client, "leader")
    r = client.get(f"{API}/stats/queue", {"from": "2026-03-01", "to": "2026-03-31"}, headers=h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["unit"], body["from"], body["to"]) == (None, "2026-03-01", "2026-03-31")
    assert (body["total"]["tickets"], body["total"]["served"], body["total"]["waited"]) == (2, 1, 1)
    assert [t["key"] for t in body["types"]] == ["C1-A", "C1-B"] and [w["key"] for w in body["windows"]] == ["C1-01"]
    assert body["hours"][0]["key"] == "09"
    assert_error(client.get(f"{API}/stats/queue", {"from": "2026-03-01", "to": "2026-03-31", "unit": "C9"},
                            headers=h), 404)
    assert_error(client.get(f"{API}/stats/queue", {"from": "2026-03-01", "to": "2026-03-31"},
                            headers=api_token_headers(client, "window_a")), 403)
