"""The window journey in Chromium: inquiry → application → 补正 notice printed → resubmission → acceptance →
receipt printed."""
import pytest

from bianmin.cases.models import Case
from bianmin.demo.seed import DEMO_PASSWORD, seed_demo
from conftest import NOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ID = "11010519491231002X"


@pytest.fixture
def demo_server(live_server):
    seed_demo(NOW)
    return live_server.url


def test_window_journey(demo_server, page):
    page.goto(f"{demo_server}/staff/login/")
    page.fill("#id_username", "window1")
    page.fill("#id_password", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{demo_server}/staff/")

    # 首问: a visitor asks at the window.
    page.goto(f"{demo_server}/staff/inquiries/new/")
    page.select_option("#id_channel", "WINDOW")
    page.fill("#id_visitor_name", "李四")
    page.fill("#id_matter", "想开一家小吃店，办理食品经营许可需要什么材料？")
    page.click("main button[type=submit]")
    assert "首问" in page.locator("h1").inner_text()
    page.select_option("form:has(input[value=outcome]) select[name=outcome]", "ANSWERED")
    page.fill("form:has(input[value=outcome]) textarea[name=result]", "已一次性告知材料清单，申请人当场提交申请")
    page.click("form:has(input[value=outcome]) button[type=submit]")
    assert "已办结" in page.locator("h1").inner_text()

    # Application: 食品经营许可 with the application form missing.
    page.goto(f"{demo_server}/staff/cases/new/?q=食品经营")
    page.locator("a.button", has_text="选择").first.click()
    page.fill("#id_name", "李四")
    page.fill("#id_id_number", ID)
    page.fill("#id_phone", "13800138000")
    page.click("[data-receive-all]")  # the required materials handed in on paper …
    page.locator("select[name$=_how]").first.select_option("MISSING")  # … except the application form
    page.click("text=确认收件（R）")
    assert "已收件" in page.content()
    number = page.locator("h1 small").inner_text().strip()

    # 补正: one notice listing the missing form, served and printed.
    page.select_option("select[name=material]", index=1)  # the first material (a required choice starts blank)
    page.fill("input[name=problem]", "未提交申请书")
    page.click("form:has(input[value=supplement_line]) button")
    page.once("dialog", lambda d: d.accept())
    page.click("form:has(input[value=supplement_serve]) button")
    assert "待补正" in page.content()
    href = page.locator("a:text('打印')").first.get_attribute("href")
    page.goto(f"{demo_server}{href}")
    assert "补正通知书" in page.content() and "未提交申请书" in page.content()
    page.go_back()

    # Resubmission and acceptance.
    page.locator("form:has(input[value=resubmit]) input[type=checkbox]").first.check()
    page.once("dialog", lambda d: d.accept())  # the clerk confirms the resubmission
    page.click("form:has(input[value=resubmit]) button")
    assert "已收件" in page.content()
    page.click("text=受理（A）")
    assert Case.objects.get(number=number).status == "ACCEPTED"

    # The 首办 receipt names the first handler and the limit.
    receipt = page.locator("li:has-text('首办负责') a:text('打印')").get_attribute("href")
    page.goto(f"{demo_server}{receipt}")
    text = page.content()
    assert "首办负责制回执" in text and "陈晓东" in text and "承诺办结日期" in text
