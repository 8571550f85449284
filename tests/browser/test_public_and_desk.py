"""Issue 12 items 4 and 7 in Chromium at 1366×768: a citizen goes from the public home to the lookup and reads why
the date moved (a special procedure and an extension); the catalogue finds 医保 in the middle of a name; a clerk's
工作台 shows counts that link to the lists of those rows."""
import datetime as dt

import pytest
from django.utils import timezone

from bianmin.accountability.selectors import desk_counts
from bianmin.testing.cases import paused_and_extended
from bianmin.testing.desk import LATE_DAY, busy_center
from bianmin.testing.factories import make_catalog_item
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY = dt.date(2026, 9, 25)


@pytest.fixture
def screen(page):
    page.set_viewport_size({"width": 1366, "height": 768})
    return page


@pytest.fixture
def moved_case(cast, item):
    """A case whose date moved twice: a finished 检测 and an approved extension, then a 检验 still running."""
    return paused_and_extended(cast, DAY, name="王小明")


def test_a_citizen_finds_the_lookup_and_reads_why_the_date_moved(live_server, screen, cast, moved_case):
    make_catalog_item(cast, "YB-01", name="城乡居民医保参保登记")
    make_catalog_item(cast, "YB-02", name="门诊慢特病待遇认定", conditions="参加本县医保且处于正常参保状态")
    make_catalog_item(cast, "GT-01", name="个体工商户登记")
    page = screen
    page.goto(f"{live_server.url}/")
    link = page.locator("#lookup-link")
    assert link.is_visible() and link.bounding_box()["y"] < 768  # on the first screen, no scrolling
    link.click()
    page.wait_for_url(f"{live_server.url}/lookup/")
    page.fill("#number", moved_case.number)
    page.fill("#code", moved_case.query_code)
    page.click("main button[type=submit]")
    pauses = page.locator("#pauses")
    assert pauses.is_visible()
    rows = pauses.locator("tbody tr")
    assert rows.count() == 2
    assert "送检样品至省食品检验所" in rows.nth(0).inner_text() and "2026-10-15" in rows.nth(0).inner_text()
    assert "现场设施须经第三方检验" in rows.nth(1).inner_text() and "进行中" in rows.nth(1).inner_text()
    extension = page.locator("#extension").inner_text()
    assert "延长 10 个工作日" in extension and "需补充现场核查" in extension
    assert "2026-11-03" in page.locator("main").inner_text()  # the committed date the moves explain
    assert "王小明" not in page.content()

    # The catalogue, reached from the navigation, finds 医保 in the middle of a name and in an item's conditions.
    page.click("header nav >> text=办事指南")
    page.fill("#q", "医保")
    page.click("main button[type=submit]")
    names = page.locator("table.items tbody td:nth-child(2)").all_inner_texts()
    assert names == ["城乡居民医保参保登记", "门诊慢特病待遇认定"]
    assert page.locator("main a[href='/lookup/']").is_visible()  # and the lookup is one click away here too


def test_a_clerks_desk_counts_link_to_their_lists(live_server, screen, cast, org, item):
    busy = busy_center(cast, org)
    today = timezone.localdate()
    assert today > LATE_DAY  # the running cases of March 2026 are past due
    expected = {c.key: c.count for c in desk_counts(type(cast["window_a"]).objects.get(pk=cast["window_a"].pk),
                                                    today)}
    assert expected["red"] == 3 and expected["intake"] == 1
    page = screen
    page.goto(f"{live_server.url}/staff/login/")
    page.fill("#id_username", "window_a")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/staff/")
    shown = {}
    for tile in page.locator(".tiles.desk a").all():
        shown[tile.get_attribute("data-desk")] = int(tile.locator(".desk-count").inner_text())
    assert shown == expected
    red = page.locator(".tiles.desk a[data-desk=red]")
    assert red.is_visible() and red.bounding_box()["y"] < 768 and "warn-red" in red.get_attribute("class")

    red.click()
    page.wait_for_url("**/staff/cases/?desk=red")
    listed = page.locator("main table tbody td:first-child a").all_inner_texts()
    assert sorted(listed) == sorted(c.number for c in busy["running"])
    assert page.locator("#desk").input_value() == "red"

    page.goto(f"{live_server.url}/staff/")
    page.locator(".tiles.desk a[data-desk=intake]").click()
    page.wait_for_url("**/staff/cases/?desk=intake")
    assert page.locator("main table tbody td:first-child a").all_inner_texts() == [busy["waiting"].number]

    page.goto(f"{live_server.url}/staff/")
    page.locator(".tiles.desk a[data-desk=inquiries]").click()
    page.wait_for_url("**/staff/inquiries/?status=OPEN&mine=1")
    assert busy["inquiry"].number in page.locator("main").inner_text()
