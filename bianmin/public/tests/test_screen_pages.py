"""The big screen's pages and the activation of screens and kiosks (decision 0025 §4): no login, a device cookie
(HttpOnly, SameSite=Lax, Secure in production), the screen drawn server-side and polled by static/js/hall_screen.js,
a revoked device sent back to activation."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import RequestFactory

from bianmin.hall.devices import activate_device, issue_device, revoke_device
from bianmin.hall.models import DeviceKind, HallDevice, TicketStatus
from bianmin.hall.tests.screen_helpers import NOON, changed, open_counter, screen_for, service_type, ticket
from bianmin.public.devices import kiosk_device
from bianmin.testing.factories import MON, at

pytestmark = pytest.mark.django_db
SCREEN, KIOSK = "bianmin_screen", "bianmin_kiosk"


def issue(cast, org, kind=DeviceKind.SCREEN):
    return issue_device(actor=cast["supervisor"], unit_id=org["center"].pk, kind=kind, label="设备", now=NOON)


@time_machine.travel(NOON, tick=False)
def test_without_a_device_the_screen_goes_to_activation(client, db):
    r = client.get("/screen/")
    assert r.status_code == 302 and r["Location"] == "/screen/activate/"
    client.cookies[SCREEN] = "made-up"
    r = client.get("/screen/")
    assert r.status_code == 302 and r["Location"] == "/screen/activate/" and r.cookies[SCREEN].value == ""
    page = client.get("/screen/activate/")
    assert page.status_code == 200 and "启用大厅显示屏" in page.content.decode()


@time_machine.travel(NOON, tick=False)
def test_activation_sets_an_httponly_lax_cookie_and_the_code_works_once(client, cast, org):
    _, code = issue(cast, org)
    r = client.post("/screen/activate/", {"code": "WRONGWRONG"})
    assert r.status_code == 404 and "激活码不正确" in r.content.decode()
    r = client.post("/screen/activate/", {"code": code})
    assert r.status_code == 302 and r["Location"] == "/screen/"
    cookie = r.cookies[SCREEN]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert int(cookie["max-age"]) > 365 * 86400 and not cookie["secure"]
    assert HallDevice.objects.get().token_hash != cookie.value  # only the digest is stored
    assert client.get("/screen/").status_code == 200
    assert client.post("/screen/activate/", {"code": code}).status_code == 404  # the code is void


@time_machine.travel(NOON, tick=False)
def test_the_cookie_is_secure_in_production(client, cast, org, settings):
    settings.SESSION_COOKIE_SECURE = True  # as config/settings/prod.py
    _, code = issue(cast, org)
    assert client.post("/screen/activate/", {"code": code}).cookies[SCREEN]["secure"]


@time_machine.travel(NOON, tick=False)
def test_a_kiosk_code_on_the_screen_page_says_where_it_belongs(client, cast, org):
    _, code = issue(cast, org, DeviceKind.KIOSK)
    r = client.post("/screen/activate/", {"code": code})
    assert r.status_code == 400 and "/kiosk/activate/" in r.content.decode() and SCREEN not in r.cookies
    assert HallDevice.objects.get().activated_at is None  # still usable on the kiosk


@time_machine.travel(NOON, tick=False)
def test_the_kiosk_is_bound_and_found_by_the_helper(client, cast, org):
    device, code = issue(cast, org, DeviceKind.KIOSK)
    page = client.get("/kiosk/activate/").content.decode()
    assert "启用取号机" in page
    r = client.post("/kiosk/activate/", {"code": code})
    assert r.status_code in (200, 302) and r.cookies[KIOSK]["httponly"] and r.cookies[KIOSK]["samesite"] == "Lax"
    if r.status_code == 200:  # the kiosk's own pages are not routed yet
        assert "已启用" in r.content.decode() and "测试县政务服务中心" in r.content.decode()
    request = RequestFactory().get("/kiosk/", HTTP_COOKIE=f"{KIOSK}={r.cookies[KIOSK].value}")
    found = kiosk_device(request, NOON)
    assert found is not None and found.pk == device.pk and found.unit == org["center"]
    assert kiosk_device(RequestFactory().get("/kiosk/"), NOON) is None
    screen_request = RequestFactory().get("/", HTTP_COOKIE=f"{KIOSK}={r.cookies[KIOSK].value}")
    revoke_device(actor=cast["supervisor"], device_id=device.pk, now=NOON)
    assert kiosk_device(screen_request, NOON) is None


@time_machine.travel(NOON, tick=False)
def test_activation_is_throttled_per_address(client, db):
    for _ in range(10):
        assert client.post("/kiosk/activate/", {"code": "GUESS12345"}).status_code == 404
    r = client.post("/screen/activate/", {"code": "GUESS12345"})
    assert r.status_code == 429 and r["Retry-After"] == "60"


@time_machine.travel(NOON, tick=False)
def test_the_screen_page_draws_the_data_and_loads_its_script(client, cast, org):
    center = org["center"]
    window = cast["post"].window
    open_counter(window, cast["window_a"].staff_profile)
    kind = service_type(center)
    ticket(kind, 1, status=TicketStatus.DONE, window=window, calls=1, called_at=at(MON, 10))
    ticket(kind, 2, status=TicketStatus.CALLED, window=window, calls=2, called_at=at(MON, 11))
    ticket(kind, 3)
    changed(center)
    _, token = screen_for(cast, center)
    client.cookies[SCREEN] = token
    r = client.get("/screen/")
    page = r.content.decode()
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    assert "/static/js/hall_screen.js" in page and "<script>" not in page  # the CSP: no inline script
    assert 'data-screen-url="/screen/data/"' in page and 'data-screen-etag="&quot;1-202603021200&quot;"' in page
    called = kind.tickets.get(seq=2)
    assert f'data-screen-call="{called.pk}-2-{int(called.last_called_at.timestamp())}"' in page
    assert 'class="hs-current-number">A002<' in page and "请到 01号窗口" in page
    assert "A001" in page and "window_a姓名" in page and "B-window_a" in page
    assert "测试县政务服务中心" in page and 'data-count="taken">3<' in page and 'data-count="waiting">1<' in page
    assert "网络中断，显示的是 %s 的数据" in page  # the offline words, for the script
    assert "暂无公示" in page
    assert "Content-Security-Policy" in r and "script-src 'self'" in r["Content-Security-Policy"]


@time_machine.travel(NOON, tick=False)
def test_the_data_answers_with_an_etag_then_304(client, cast, org):
    _, token = screen_for(cast, org["center"])
    client.cookies[SCREEN] = token
    r = client.get("/screen/data/")
    assert r.status_code == 200 and r["ETag"] == '"0-202603021200"' and r.json()["calls"] == []
    assert "no-store" in r["Cache-Control"]
    again = client.get("/screen/data/", HTTP_IF_NONE_MATCH=r["ETag"])
    assert again.status_code == 304 and again.content == b""
    with time_machine.travel(NOON + dt.timedelta(minutes=5), tick=False):  # the figures are renewed every 5 minutes
        assert client.get("/screen/data/", HTTP_IF_NONE_MATCH=r["ETag"]).status_code == 200


@time_machine.travel(NOON, tick=False)
def test_a_revoked_screen_goes_back_to_activation(client, cast, org):
    device, code = issue(cast, org)
    _, token = activate_device(code=code, now=NOON)
    client.cookies[SCREEN] = token
    assert client.get("/screen/").status_code == 200
    revoke_device(actor=cast["supervisor"], device_id=device.pk, now=NOON)
    r = client.get("/screen/")
    assert r.status_code == 302 and r["Location"] == "/screen/activate/"
    assert client.get("/screen/data/").status_code == 401


def test_the_script_polls_with_the_etag_chimes_and_says_when_offline():
    from django.conf import settings

    script = (settings.BASE_DIR / "static" / "js" / "hall_screen.js").read_text(encoding="utf-8")
    assert "If-None-Match" in script and "response.status === 304" in script
    assert "createOscillator" in script and ".mp3" not in script and ".wav" not in script  # a generated chime
    assert "data-t-" in script and "innerHTML" not in script  # text only, never HTML from the server
