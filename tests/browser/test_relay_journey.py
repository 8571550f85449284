"""Issue 13's acceptance journey in Chromium: one demo request carried from 青石村 to the county and back.

The agent of 青石村便民服务站 (agent1) works on a phone (360×740, touch); the window staff of 青石镇便民服务中心
(town_window1) and of the county center (window1) at 1366×768. Every step goes through the pages; the database is
only read, to check each hop's record (from/to unit, materials, due date = the hop's limit in working days from the
day it was sent, on the region's calendar), and the public lookup is checked on the agent's phone after the hops:
the relay number, the hop chain, the waiting hop's deadline, and no personal data."""
import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone

from bianmin.catalog.models import ItemVersion
from bianmin.demo.seed import seed_demo
from bianmin.relay.models import Direction, HandOver, RelayFollowUp, RelayRequest
from bianmin.workdays.selectors import get_calendar
from conftest import NOW

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# 乡村建设规划许可证核发（村民建房）: a county item (县自然资源局) with the town's 初审 when it has one.
ITEM = "YX-0021"
NAME, ID, PHONE = "赵德明", "11010519491231002X", "13812345678"
PHONE_VIEW = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
DESK_VIEW = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}


@pytest.fixture
def demo_server(live_server):
    seed_demo(NOW)
    return live_server.url


@pytest.fixture
def contexts(browser):
    made = []

    def open_page(view):
        context = browser.new_context(**view)
        made.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield open_page
    for context in made:
        context.close()


def hop_limit(kind: str) -> int:
    return int(settings.BIANMIN["RELAY_HOP_WORKING_DAYS"][kind])


def check_hop(number: str, seq: int, *, direction: str, from_code: str, to_code: str, materials=None,
              days: int | None = None) -> HandOver:
    """Assert the relay's hop ``seq`` as recorded and return it: its units, materials and due date (the sender's
    hop limit in working days from the day it was sent, on the sending unit's calendar)."""
    hop = HandOver.objects.select_related("from_unit__region", "to_unit", "from_staff").get(relay__number=number,
                                                                                             seq=seq)
    assert (hop.direction, hop.from_unit.code, hop.to_unit.code) == (direction, from_code, to_code)
    if materials is not None:
        assert hop.materials == materials
    limit = days if days is not None else hop_limit(hop.from_unit.kind)
    sent_on = timezone.localtime(hop.sent_at).date()
    assert hop.due_on == get_calendar(hop.from_unit.region).add_workdays(sent_on, limit).date
    return hop


def lines(hop: HandOver) -> str:
    """The count typed on the signing form: one material a line, "名称 N份"."""
    return "\n".join(f"{m['name']} {m['copies']}份" for m in hop.materials)


def act(page, action: str, fields: dict | None = None, *, confirm: bool = False) -> None:
    """Fill and submit the relay page's form for ``action`` and wait for the page it answers with."""
    form = page.locator(f"form:has(input[name=action][value={action}])")
    for name, value in (fields or {}).items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    if confirm:
        page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert not page.locator(".errorlist").count(), page.locator(".errorlist").all_inner_texts()


def lookup(page, server: str, relay: RelayRequest, *shown: str, due: dt.date | None = None) -> str:
    """Open the public lookup on the agent's phone and assert the hop chain, the waiting deadline and that no
    personal data is shown; return the text of the hop chain."""
    page.goto(f"{server}/lookup/?n={relay.number}&c={relay.query_code}")
    chain = page.locator("#hops")
    chain.wait_for()
    text = page.locator("#relay").inner_text()
    assert relay.number in text
    for words in shown:
        assert words in text, (words, text)
    if due is not None:
        assert f"{due:%Y-%m-%d}" in text
    steps = chain.inner_text()
    content = page.content()
    assert NAME not in content and PHONE not in content and ID not in content and PHONE[-4:] not in content
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360  # no sideways scrolling on the phone
    return steps


def test_relay_journey_from_the_village_to_the_county_and_back(demo_server, contexts):
    server = demo_server
    version = ItemVersion.objects.select_related("item").get(item__code=ITEM, is_current=True)
    agent, town, county = contexts(PHONE_VIEW), contexts(DESK_VIEW), contexts(DESK_VIEW)
    login(agent, server, "agent1")
    login(town, server, "town_window1")
    login(county, server, "window1")

    # 1. The agent registers the request at the station, with every material of the checklist and the 委托书
    # signed on the screen, and opens the 代办受理回执.
    agent.goto(f"{server}/staff/relays/new/?item={ITEM}")
    agent.fill("[name=applicant_name]", NAME)
    agent.fill("[name=applicant_id_number]", ID)
    agent.fill("[name=applicant_phone]", PHONE)
    agent.fill("[name=applicant_address]", "云溪县青石镇青石村3组12号")
    agent.check("input[name=mandate][value=SCREEN]")
    assert agent.evaluate("document.scrollingElement.scrollWidth") <= 360
    with agent.expect_navigation():
        agent.click("form[data-relay-draft] button[type=submit]")
    agent.wait_for_url(re.compile(r"/staff/relays/DBV01\d{9}/"))
    number = re.search(r"/staff/relays/(DB[^/]+)/", agent.url)[1]
    relay = RelayRequest.objects.select_related("origin_unit", "deciding_unit").get(number=number)
    assert (relay.origin_unit.code, relay.deciding_unit.code, relay.status) == ("V01", "C01", "REGISTERED")
    assert relay.applicant_name == NAME and relay.mandate_signed_on_screen
    registered = {m.name: m.copies for m in relay.materials.all()}
    assert registered and all(registered.values())
    receipt = agent.request.get(f"{server}/staff/relays/{number}/receipt.pdf")
    assert receipt.status == 200 and receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")

    # 2. The agent hands the materials over to the town: a hop due in the station's limit.
    agent.goto(f"{server}/staff/relays/{number}/")
    act(agent, "hand_over")
    up1 = check_hop(number, 1, direction=Direction.UP, from_code="V01", to_code="T01",
                    materials=[{"name": k, "copies": v} for k, v in registered.items()])
    assert up1.from_staff.user.username == "agent1" and up1.status == "SENT"
    lookup(agent, server, relay, "青石村便民服务站 已收件", "移交 → 青石镇便民服务中心", due=up1.due_on)

    # 3. The town counts and signs; it becomes the 代理责任人. Where the item has a 初审, the town records it.
    town.goto(f"{server}/staff/relays/{number}/")
    act(town, "sign", {"materials": lines(up1)})
    up1.refresh_from_db()
    assert up1.status == "SIGNED" and up1.signed_by.user.username == "town_window1"
    relay.refresh_from_db()
    assert relay.responsible.user.username == "town_window1"
    seq = 2
    if version.lower_review_days:
        assert relay.status == "REVIEWING"
        check_hop(number, seq, direction=Direction.REVIEW, from_code="T01", to_code="T01",
                  days=version.lower_review_days)
        town.goto(f"{server}/staff/relays/{number}/")
        act(town, "review", {"opinion": "经实地踏勘，建房位置符合村庄规划，四邻无异议，同意上报"})
        assert HandOver.objects.get(relay=relay, seq=seq).opinion.startswith("经实地踏勘")
        seq += 1
    else:
        assert relay.status == "AT_TOWN"

    # 4. The town hands over up to the county (the 初审意见 goes with the materials).
    town.goto(f"{server}/staff/relays/{number}/")
    act(town, "hand_over")
    up2 = check_hop(number, seq, direction=Direction.UP, from_code="T01", to_code="C01", materials=up1.materials)
    if version.lower_review_days:
        assert up2.opinion.startswith("初审意见：经实地踏勘")

    # 5. The county window signs: the case opens there, its Art. 32 clock running from the signature.
    county.goto(f"{server}/staff/relays/{number}/")
    act(county, "sign", {"materials": lines(up2)})
    relay.refresh_from_db()
    case = relay.case
    assert relay.status == "OPENED" and case is not None and case.unit.code == "C01" and case.status == "RECEIVED"
    assert case.received_by.user.username == "window1"
    lookup(agent, server, relay, "青石镇便民服务中心 已签收", "云溪县政务服务中心 已签收")

    # 6. The county accepts and decides the case on its case page.
    county.goto(f"{server}/staff/cases/{case.number}/")
    with county.expect_navigation():
        county.click("text=受理（A）")
    case.refresh_from_db()
    assert case.status == "ACCEPTED"
    decide = county.locator("form:has(input[name=action][value=decide])")
    decide.locator("[name=outcome]").select_option("GRANTED")
    decide.locator("[name=reasons]").fill("申请材料齐全，符合村庄规划和建房条件")
    if version.issues_certificate:
        decide.locator("[name=certificate_number]").fill("XC2026000123")
    county.once("dialog", lambda dialog: dialog.accept())
    with county.expect_navigation():
        decide.locator("button[type=submit]").click()
    case.refresh_from_db()
    assert case.status == "DECIDED"

    # 7. The county sends the result back by the route.
    county.goto(f"{server}/staff/relays/{number}/")
    act(county, "send_result", {"method": "ROUTE"})
    seq += 1
    down1 = check_hop(number, seq, direction=Direction.DOWN, from_code="C01", to_code="T01")
    assert len(down1.materials) == 1 and down1.materials[0]["copies"] == 1
    lookup(agent, server, relay, "云溪县政务服务中心 已受理", "办理结果回送 → 青石镇便民服务中心", due=down1.due_on)

    # 8. The town signs for the result and hands it down to the station.
    town.goto(f"{server}/staff/relays/{number}/")
    act(town, "sign", {"materials": lines(down1)})
    act(town, "hand_over")
    seq += 1
    down2 = check_hop(number, seq, direction=Direction.DOWN, from_code="T01", to_code="V01",
                      materials=down1.materials)

    # 9. The agent signs at the station, delivers it to the applicant and opens the 送达回证.
    agent.goto(f"{server}/staff/relays/{number}/")
    act(agent, "sign", {"materials": lines(down2)})
    relay.refresh_from_db()
    assert relay.status == "AT_STATION"
    lookup(agent, server, relay, "结果已到代办站，待领取")
    agent.goto(f"{server}/staff/relays/{number}/")
    act(agent, "deliver", {"received_by": NAME}, confirm=True)
    relay.refresh_from_db()
    case.refresh_from_db()
    assert relay.status == "DELIVERED" and relay.delivery_method == "AGENT" and relay.delivered_to == NAME
    assert case.status == "DELIVERED" and case.delivery_method == "AGENT"
    href = agent.locator("a", has_text="打印送达回证").get_attribute("href")
    assert href == f"/staff/relays/{number}/delivery.pdf"
    proof = agent.request.get(f"{server}{href}")
    assert proof.status == 200 and proof.headers["content-type"] == "application/pdf"

    # 10. 回访, then 归档上报.
    act(agent, "follow_up", {"method": "CALL", "said": "许可证已收到，代办员送到村里，很满意"})
    visit = RelayFollowUp.objects.get(relay=relay)
    assert visit.method == "CALL" and visit.by.user.username == "agent1"
    act(agent, "archive", confirm=True)
    relay.refresh_from_db()
    assert relay.status == "CLOSED" and relay.closed_at is not None
    assert agent.evaluate("document.scrollingElement.scrollWidth") <= 360

    # The whole chain, in order, on the public lookup: no personal data, every hop signed.
    assert not HandOver.objects.filter(relay=relay, status="SENT").exists()
    assert HandOver.objects.filter(relay=relay).count() == seq
    steps = lookup(agent, server, relay, "已送达", "已归档")
    order = ["青石村便民服务站 已收件", "移交 → 青石镇便民服务中心", "青石镇便民服务中心 已签收",
             "移交 → 云溪县政务服务中心", "云溪县政务服务中心 已签收", "办理结果回送 → 青石镇便民服务中心",
             "办理结果回送 → 青石村便民服务站", "青石村便民服务站 已签收", "已送达", "已归档"]
    positions = [steps.index(words) for words in order]
    assert positions == sorted(positions), steps
