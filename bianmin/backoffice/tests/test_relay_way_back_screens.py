"""全程代理 pages on the way back (issue 13 items 3–4): each unit sees exactly the step it may take (初审,
回送结果, 签收, 送达, 回访, 归档上报) from the relay catalogue, the list says what waits, and the 送达回证 prints at
the station."""
import datetime as dt

import pytest

from bianmin.cases import services as cases
from bianmin.catalog.models import ItemVersion
from bianmin.relay import services as svc
from bianmin.relay.models import RelayStatus
from bianmin.relay.tests.helpers import SENT, register
from bianmin.testing.factories import MON, at

from .test_views import login

pytestmark = pytest.mark.django_db
TUE, WED, THU = MON + dt.timedelta(days=1), MON + dt.timedelta(days=2), MON + dt.timedelta(days=3)


@pytest.fixture
def dept_window(org, django_user_model):
    from bianmin.accounts.roles import Role
    from conftest import make_user

    return make_user(django_user_model, "dept_window", Role.WINDOW, org["dept"])


def _buttons(client, number: str) -> set[str]:
    page = client.get(f"/staff/relays/{number}/").content.decode()
    return {name for name in ("hand_over", "sign", "refuse", "review", "send_result", "deliver", "follow_up",
                              "archive") if f'name="action" value="{name}"' in page}


def test_each_unit_sees_its_step_and_the_station_prints_the_delivery_receipt(client, cast, item, dept_window):
    version = ItemVersion.objects.get(pk=item.pk)
    version.lower_review_days = 20
    version.save()
    relay = register(cast)
    number, url = relay.number, f"/staff/relays/{relay.number}/"
    svc.hand_over(actor=cast["agent"], number=number, now=at(MON, 10))
    svc.sign_for(actor=cast["town_window"], number=number, materials=SENT, now=at(TUE))
    login(client, cast["town_window"])
    assert _buttons(client, number) == {"review"}
    listed = client.get("/staff/relays/").content.decode()
    assert "初审中" in listed and "初审期限" in listed
    r = client.post(url, {"action": "review", "opinion": ""})
    assert r.status_code == 400 and "初审意见" in r.content.decode()
    assert client.post(url, {"action": "review", "opinion": "符合条件，同意上报"}).status_code == 302
    assert "初审意见：符合条件，同意上报" in client.get(url).content.decode()
    assert _buttons(client, number) == {"hand_over"}
    client.post(url, {"action": "hand_over", "materials": ""})
    client.logout()

    svc.sign_for(actor=dept_window, number=number, materials=SENT, now=at(THU))
    relay.refresh_from_db()
    case = relay.case.number
    login(client, dept_window)
    assert _buttons(client, number) == set()  # nothing to send back before the decision
    assert "办理中，办结后回送结果" in client.get("/staff/relays/").content.decode()
    cases.accept_case(actor=dept_window, number=case, now=at(THU, 10))
    cases.decide_case(actor=dept_window, number=case, outcome="GRANTED", reasons="符合", certificate_number="JY9",
                      now=at(THU, 11))
    assert _buttons(client, number) == {"send_result"}
    assert client.post(url, {"action": "send_result", "method": "ROUTE"}).status_code == 302
    client.logout()

    down = [{"name": row["name"], "copies": row["copies"]} for row in relay.hand_overs.last().materials]
    svc.sign_for(actor=cast["town_window"], number=number, materials=down, now=at(THU, 15))
    svc.hand_over(actor=cast["town_window"], number=number, now=at(THU, 16))
    login(client, cast["agent"])
    assert _buttons(client, number) == {"sign", "refuse"}
    lines = "\n".join(f"{row['name']} {row['copies']}份" for row in down)
    assert client.post(url, {"action": "sign", "materials": lines}).status_code == 302
    assert _buttons(client, number) == {"deliver"}
    assert "结果已到站，待送达申请人" in client.get("/staff/relays/").content.decode()
    assert client.get(f"/staff/relays/{number}/delivery.pdf").status_code == 404  # not delivered yet
    assert client.post(url, {"action": "deliver", "received_by": "张三"}).status_code == 302
    pdf = client.get(f"/staff/relays/{number}/delivery.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "打印送达回证" in client.get(url).content.decode()
    assert _buttons(client, number) == {"follow_up"}
    assert client.post(url, {"action": "follow_up", "method": "CALL", "said": "已领证，满意"}).status_code == 302
    assert _buttons(client, number) == {"follow_up", "archive"}
    assert client.post(url, {"action": "archive"}).status_code == 302
    relay.refresh_from_db()
    assert relay.status == RelayStatus.CLOSED
    page = client.get(url).content.decode()
    assert "已领证，满意" in page and "已归档上报" in page


def test_the_delivery_receipt_of_a_relay_out_of_sight_is_not_found(client, cast, item, org, django_user_model):
    from bianmin.accounts.roles import Role
    from bianmin.org.models import Unit, UnitKind
    from conftest import make_user, save_unit

    relay = register(cast)
    other = save_unit(Unit(code="V2", name="别村便民服务站", kind=UnitKind.VILLAGE_STATION, region=org["village"],
                           parent=org["town_center"]))
    login(client, make_user(django_user_model, "agent2", Role.AGENT, other))
    assert client.get(f"/staff/relays/{relay.number}/delivery.pdf").status_code == 404
    assert client.get(f"/staff/relays/{relay.number}/").status_code == 404
