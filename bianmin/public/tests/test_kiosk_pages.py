"""The ticket kiosk and the citizen's ticket page (issue 18 item 4): a ticket only on a bound kiosk, the check-in of a
booking, the per-kiosk limit, and the public page that follows a ticket without any personal data."""
from __future__ import annotations

import pytest
import time_machine

from bianmin.hall import queue as q
from bianmin.hall.devices import revoke_device
from bianmin.hall.models import Ticket, TicketStatus
from bianmin.hall.tests.queue_helpers import PHONE, T0, booking, kiosk, make_hall, minutes
from bianmin.public.devices import KIOSK_COOKIE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def hall(cast, org):
    return make_hall(cast, org)


@pytest.fixture
def bound(client, cast, hall):
    device, token = kiosk(cast, hall, T0)
    client.cookies[KIOSK_COOKIE] = token
    return device


def test_without_a_kiosk_token_the_pages_say_how_to_activate_and_give_no_ticket(client, hall):
    r = client.get("/kiosk/")
    body = r.content.decode()
    assert r.status_code == 200 and "本设备尚未启用为取号机" in body and 'href="/kiosk/activate/"' in body
    assert "综合受理" not in body
    r = client.post("/kiosk/take/", {"service_type": hall.a.pk})
    assert r.status_code == 403 and "本设备尚未启用为取号机" in r.content.decode()
    client.cookies[KIOSK_COOKIE] = "forged-token"
    assert client.post("/kiosk/take/", {"service_type": hall.a.pk}).status_code == 403
    assert client.post("/kiosk/checkin/", {"number": "YY2603020001", "phone_last4": "8000"}).status_code == 403
    assert not Ticket.objects.exists()


def test_a_revoked_kiosk_gives_no_ticket(client, cast, hall, bound):
    revoke_device(actor=cast["supervisor"], device_id=bound.pk, now=T0)
    assert client.post("/kiosk/take/", {"service_type": hall.a.pk}).status_code == 403
    assert not Ticket.objects.exists()


def test_a_ticket_from_the_kiosk(client, cast, hall, bound):
    q.take_ticket(unit_id=hall.center.pk, service_type_id=hall.a.pk, now=T0, kiosk=True)
    page = client.get("/kiosk/").content.decode()
    assert "综合受理" in page and "不动产登记" in page and "正在等候 1 人" in page
    r = client.post("/kiosk/take/", {"service_type": hall.a.pk})
    ticket = Ticket.objects.get(number="A002")
    assert r.status_code == 302 and r["Location"] == f"/kiosk/tickets/{ticket.pk}/"
    assert ticket.source == "KIOSK" and ticket.unit == hall.center
    body = client.get(r["Location"]).content.decode()
    assert 'id="ticket-number">A002<' in body
    assert "前面还有 <strong>1</strong> 人，预计等候约 <strong>10</strong> 分钟" in body
    assert "/ticket/C1/20260302/A002/" in body and 'src="data:image/svg+xml;base64,' in body
    assert "data-print" in body and 'http-equiv="refresh"' in body


def test_the_kiosk_names_a_wrong_business_type(client, cast, hall, bound, django_user_model):
    from bianmin.hall.tests.queue_helpers import other_county

    far = other_county(django_user_model)
    for value in ("", "abc", str(far["type"].pk)):
        r = client.post("/kiosk/take/", {"service_type": value})
        assert r.status_code == 400 and 'id="kiosk-error"' in r.content.decode()
    assert not Ticket.objects.exists()


def test_a_kiosk_shows_only_its_own_centers_tickets(client, cast, hall, bound, django_user_model):
    from bianmin.hall.tests.queue_helpers import other_county

    far = other_county(django_user_model)
    theirs = q.take_ticket(unit_id=far["center"].pk, service_type_id=far["type"].pk, now=T0, kiosk=True)
    assert client.get(f"/kiosk/tickets/{theirs.pk}/").status_code == 404


def test_tickets_per_kiosk_and_minute_are_limited(client, cast, hall, bound, settings, monday):
    settings.BIANMIN = {**settings.BIANMIN, "HALL": {**settings.BIANMIN["HALL"], "TICKETS_PER_KIOSK_MINUTE": 2}}
    for _ in range(2):
        assert client.post("/kiosk/take/", {"service_type": hall.a.pk}).status_code == 302
    r = client.post("/kiosk/take/", {"service_type": hall.a.pk})
    assert r.status_code == 429 and r["Retry-After"] == "60" and "取号过于频繁" in r.content.decode()
    assert Ticket.objects.count() == 2
    monday.shift(61)
    assert client.post("/kiosk/take/", {"service_type": hall.a.pk}).status_code == 302


def test_check_in_a_booking_at_the_kiosk(client, cast, hall, bound):
    booking(cast, hall, starts=T0 + minutes(30))
    page = client.get("/kiosk/checkin/").content.decode()
    assert 'name="phone_last4"' in page
    r = client.post("/kiosk/checkin/", {"number": "yy2603020001", "phone_last4": "1234"})
    assert r.status_code == 404 and "预约号或手机号后四位不正确" in r.content.decode()
    assert not Ticket.objects.exists()
    r = client.post("/kiosk/checkin/", {"number": "YY2603020001", "phone_last4": PHONE[-4:]})
    ticket = Ticket.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/kiosk/tickets/{ticket.pk}/"
    assert ticket.source == "APPOINTMENT" and ticket.appointment.number == "YY2603020001"
    assert "预约" in client.get(r["Location"]).content.decode()
    r = client.post("/kiosk/checkin/", {"number": "YY2603020001", "phone_last4": PHONE[-4:]})
    assert r.status_code == 409 and Ticket.objects.count() == 1


def test_the_ticket_page_follows_the_ticket(client, cast, hall):
    q.take_ticket(unit_id=hall.center.pk, service_type_id=hall.a.pk, now=T0, kiosk=True)
    mine = q.take_ticket(unit_id=hall.center.pk, service_type_id=hall.a.pk, now=T0, kiosk=True)
    url = "/ticket/C1/20260302/A002/"
    body = client.get(url).content.decode()
    assert "前面还有 <strong>1</strong> 人" in body and 'http-equiv="refresh" content="10"' in body
    q.open_counter(actor=cast["window_a"], window_id=hall.w1.pk, now=T0)
    q.open_counter(actor=cast["window_b"], window_id=hall.w2.pk, now=T0)
    assert "预计等候约 <strong>5</strong> 分钟" in client.get(url).content.decode()
    q.call_next(actor=cast["window_a"], window_id=hall.w1.pk, now=T0)
    q.call_next(actor=cast["window_b"], window_id=hall.w2.pk, now=T0)
    body = client.get(url).content.decode()
    assert "请到02号窗口办理" in body
    q.start(actor=cast["window_b"], ticket_id=mine.pk, now=T0)
    q.finish(actor=cast["window_b"], ticket_id=mine.pk, now=T0)
    body = client.get(url).content.decode()
    assert "已办结" in body and 'http-equiv="refresh"' not in body
    for wrong in ("/ticket/C1/20260302/A009/", "/ticket/C9/20260302/A002/", "/ticket/C1/2026-03-02/A002/",
                  "/ticket/C1/20260230/A002/"):
        assert client.get(wrong).status_code == 404


def test_the_ticket_page_is_limited_per_address(client, cast, hall, monkeypatch):
    monkeypatch.setattr(q, "TICKET_VIEWS_PER_ADDRESS_MINUTE", 2)
    q.take_ticket(unit_id=hall.center.pk, service_type_id=hall.a.pk, now=T0, kiosk=True)
    assert [client.get("/ticket/C1/20260302/A001/").status_code for _ in range(3)] == [200, 200, 429]


def test_a_dropped_ticket_says_where_to_go(client, cast, hall):
    ticket = q.take_ticket(unit_id=hall.center.pk, service_type_id=hall.a.pk, now=T0, kiosk=True)
    q.call_next(actor=cast["window_a"], window_id=hall.w1.pk, now=T0)
    q.drop(actor=cast["window_a"], ticket_id=ticket.pk, now=T0)
    assert Ticket.objects.get().status == TicketStatus.NO_SHOW
    assert "请到咨询台重新排队" in client.get("/ticket/C1/20260302/A001/").content.decode()
