"""Issue 13 item 5 in Chromium: the applicant types the relay number and code from the 代办受理回执 into /lookup/ on
a phone (360×740) and reads where the request is, hop by hop, with the deciding organ's acceptance below; on a
hall PC (1366×768) the chain is on the first screen."""
import pytest

from bianmin.cases import services as svc
from bianmin.testing.factories import MON, at
from bianmin.testing.relays import APPLICANT, county_item, opened_at_county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHAIN = ["测试村便民服务站 已收件", "移交 → 测试镇便民服务中心", "测试镇便民服务中心 已签收",
         "移交 → 测试县政务服务中心", "测试县政务服务中心 已签收", "测试县政务服务中心 已受理"]


@pytest.fixture
def relay(cast, calendar, org):
    county_item(cast)
    relay = opened_at_county(cast)  # registered, handed over and signed twice through the relay services
    svc.accept_case(actor=cast["window_a"], number=relay.case.number, now=at(MON.replace(day=4), 10))
    return relay


def look_up(page, url, number, code):
    page.goto(f"{url}/lookup/")
    page.fill("#number", number)
    page.fill("#code", code)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_the_hop_chain_reads_on_a_phone(live_server, page, relay):
    page.set_viewport_size({"width": 360, "height": 740})
    look_up(page, live_server.url, relay.number, relay.query_code.lower())
    hops = page.locator("#hops li")
    assert hops.count() == len(CHAIN)
    assert [t.split("\n")[0].strip() for t in hops.all_inner_texts()] == CHAIN
    current = page.locator("#hops li.current")
    assert current.count() == 1 and "已受理" in current.inner_text()
    # one column: nothing wider than the phone, every step readable without zooming
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for i in range(hops.count()):
        box = hops.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    body = page.locator("main").inner_text()
    assert "测试村便民服务站 → 测试镇便民服务中心 → 测试县政务服务中心" in body and "代办免费" in body
    assert page.locator("#case-status").is_visible() and relay.case.number in body  # the case's own status
    content = page.content()
    for value in (APPLICANT["name"], APPLICANT["phone"], APPLICANT["id_number"], APPLICANT["address"]):
        assert value not in content


def test_a_wrong_code_on_a_hall_pc_says_only_that_it_is_wrong(live_server, page, relay):
    page.set_viewport_size({"width": 1366, "height": 768})
    look_up(page, live_server.url, relay.number, "WRONG123")
    assert "不正确" in page.locator("main [role=alert]").inner_text()
    assert page.locator("#hops").count() == 0
    look_up(page, live_server.url, relay.number, relay.query_code)
    first = page.locator("#hops li").first
    assert first.is_visible() and first.bounding_box()["y"] < 768  # the chain starts on the first screen
