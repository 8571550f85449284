import pytest

from bianmin.demo.seed import DEMO_PASSWORD, seed_demo
from conftest import NOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_server(live_server):
    seed_demo(NOW)
    return live_server.url


def test_public_guide_page_then_window1_logs_in(demo_server, page):
    page.goto(f"{demo_server}/items/")
    page.fill("#q", "个体工商户")
    page.keyboard.press("Enter")
    page.click("text=个体工商户登记")
    assert page.locator("h1").inner_text().startswith("个体工商户登记")
    assert page.locator("text=申请材料").count() >= 1
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()  # the print layout hides the navigation
    page.emulate_media(media="screen")

    page.goto(f"{demo_server}/staff/login/")
    page.fill("#id_username", "window1")
    page.fill("#id_password", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{demo_server}/staff/")
    assert "工作台" in page.locator("h1").inner_text()
    assert "陈晓东" in page.content() and "窗口工作人员" in page.content()


def test_wrong_password_shows_generic_error(demo_server, page):
    page.goto(f"{demo_server}/staff/login/")
    page.fill("#id_username", "window1")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.locator("[role=alert]").inner_text()
