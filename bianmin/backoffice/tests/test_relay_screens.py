"""全程代理 pages (issue 13 items 1–2): the agent registers a relay at the station and prints the receipt, the
town counts and signs on the relay page (a differing count keeps the form with the error), lists show the hop
deadlines, and a relay out of sight is a 404."""
import datetime as dt

import pytest
import time_machine

from bianmin.accounts.roles import Role
from bianmin.relay.models import HandOver, RelayRequest
from bianmin.testing.factories import ID
from conftest import make_user

from .test_views import login

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


def _form(item):
    data = {"item": "SP-01", "applicant_kind": "PERSON", "applicant_name": "张三", "applicant_id_number": ID,
            "applicant_phone": "13800138000", "mandate": "SCREEN"}
    for m in item.materials.all():
        data[f"m{m.pk}_copies"] = "0" if m.source == "GOVERNMENT" else "1"
    return data


@time_machine.travel(FROZEN, tick=False)
def test_a_relay_is_registered_handed_over_and_signed_on_the_pages(client, cast, item):
    login(client, cast["agent"])
    page = client.get("/staff/relays/new/?item=SP-01").content.decode()
    assert 'name="mandate" value="SCREEN"' in page and "代办免费（仅收取法定费用）" in page
    r = client.post("/staff/relays/new/", {**_form(item), "mandate": ""})
    assert r.status_code == 400 and "授权委托书" in r.content.decode() and not RelayRequest.objects.exists()
    assert 'value="张三"' in r.content.decode()  # kept as typed
    r = client.post("/staff/relays/new/", _form(item))
    relay = RelayRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/staff/relays/{relay.number}/"
    page = client.get(r["Location"]).content.decode()
    assert "测试村便民服务站 → 测试镇便民服务中心 → 测试县市场监督管理局" in page
    assert 'name="action" value="hand_over"' in page and 'value="sign"' not in page
    receipt = client.get(f"/staff/relays/{relay.number}/receipt.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    r = client.post(f"/staff/relays/{relay.number}/", {"action": "hand_over", "materials": ""})
    assert r.status_code == 302 and HandOver.objects.get().to_unit.code == "T1"

    client.logout()
    login(client, cast["town_window"])
    listed = client.get("/staff/relays/").content.decode()
    assert relay.number in listed and "待本单位签收" in listed and "2026-03-05" in listed
    url = f"/staff/relays/{relay.number}/"
    r = client.post(url, {"action": "sign", "materials": "申请书 1份\n场所平面图 2份"})
    assert r.status_code == 400 and "场所平面图" in r.content.decode()
    assert HandOver.objects.get().status == "SENT"
    r = client.post(url, {"action": "sign", "materials": "申请书 1份\n场所平面图 1份"})
    assert r.status_code == 302
    relay.refresh_from_db()
    assert relay.responsible == cast["town_window"].staff_profile
    assert "town_window姓名" in client.get(url).content.decode()


@time_machine.travel(FROZEN, tick=False)
def test_a_relay_out_of_sight_is_not_found(client, cast, item, org, django_user_model):
    from bianmin.org.models import Unit, UnitKind
    from bianmin.org.services import save_unit
    from bianmin.relay import services as svc
    from bianmin.testing.factories import applicant

    relay = svc.register_relay(actor=cast["agent"], item_code="SP-01", applicant=applicant(),
                               materials=[{"material": "申请书", "copies": 1}], mandate="SCREEN", now=FROZEN)
    other = save_unit(Unit(code="V2", name="另一村便民服务站", kind=UnitKind.VILLAGE_STATION, region=org["village"],
                           parent=org["town_center"]))
    login(client, make_user(django_user_model, "agent2", Role.AGENT, other))
    assert client.get(f"/staff/relays/{relay.number}/").status_code == 404
    assert client.get(f"/staff/relays/{relay.number}/receipt.pdf").status_code == 404
    assert client.get("/staff/relays/DBV1202699999/").status_code == 404
    login(client, cast["window_a"])  # window staff cannot register
    assert client.get("/staff/relays/new/").status_code == 403


@time_machine.travel(FROZEN, tick=False)
def test_the_page_and_the_api_refuse_a_relay_step_alike(client, cast, item):
    from django.test import Client

    from bianmin.relay import services as svc
    from bianmin.testing.factories import applicant
    from conftest import api_token_headers

    relay = svc.register_relay(actor=cast["agent"], item_code="SP-01", applicant=applicant(),
                               materials=[{"material": "申请书", "copies": 1}], mandate="SCREEN", now=FROZEN)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=FROZEN)
    headers = api_token_headers(client, "town_window")
    screen = Client()
    login(screen, cast["town_window"])
    url = f"/staff/relays/{relay.number}/"
    for action, api_body, screen_body, field in (
            ("sign", {"materials": [{"name": "申请书", "copies": 2}]}, {"materials": "申请书 2份"}, "materials.申请书"),
            ("refuse", {"reason": " "}, {"reason": " "}, "reason")):
        api = client.post(f"/api/v1/relays/{relay.number}/{action}", api_body, content_type="application/json",
                          headers=headers)
        page = screen.post(url, {"action": action, **screen_body})
        assert api.status_code == page.status_code == 400, action
        message = api.json()["error"]["fields"][field][0]
        assert message in page.content.decode(), action
    assert HandOver.objects.get().status == "SENT"
