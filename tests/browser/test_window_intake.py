"""Issue 12 in Chromium at 1366×768: the intake form starts with nothing received and fits the screen (item 2),
the lookup cannot be locked by a stranger (item 1), and the small things of item 8 a clerk sees."""
import datetime as dt

import pytest

from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseMaterial
from bianmin.core.timeutils import now, today
from bianmin.demo.seed import seed_demo
from bianmin.users.models import User
from conftest import NOW

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ID = "11010519491231002X"


@pytest.fixture
def demo_server(live_server):
    seed_demo(NOW)
    return live_server.url


@pytest.fixture
def desk(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_intake_form_starts_empty_skips_organisation_fields_and_fits_the_screen(demo_server, desk):
    page = desk
    login(page, demo_server, "window1")
    page.goto(f"{demo_server}/staff/cases/new/?item=YX-0003")  # 公共场所卫生许可: 7 materials
    rows = page.locator("table.checklist tbody tr")
    assert rows.count() == 7
    # Nothing is assumed handed in: every row 未提交, no copies, not ticked — except the 营业执照 the government
    # supplies itself (共享获取, ticked).
    assert page.locator("select[name$=_how]").evaluate_all("els => els.map(e => e.value)").count("SHARED") == 1
    assert set(page.locator("select[name$=_how]").evaluate_all("els => els.map(e => e.value)")) == {"MISSING", "SHARED"}
    assert set(page.locator("input.copies").evaluate_all("els => els.map(e => e.value)")) == {""}
    assert page.locator("table.checklist input[type=checkbox]:checked").count() == 1
    # The whole form fits 1366×768 without a long scroll.
    assert page.evaluate("document.documentElement.scrollHeight") <= 1300

    # The keyboard path of a private person: name → phone → address → ID type → ID number → the agent fold,
    # never through the credit code or the legal representative.
    assert page.evaluate("document.activeElement.name") == "name"
    visited = []
    for _ in range(5):
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.name || document.activeElement.tagName"))
    assert visited == ["phone", "address", "id_type", "id_number", "SUMMARY"]
    assert not page.locator("#id_credit_code").is_visible()
    page.select_option("#id_applicant_kind", "ORGANISATION")
    assert page.locator("#id_credit_code").is_visible() and not page.locator("#id_id_number").is_visible()
    page.select_option("#id_applicant_kind", "PERSON")

    # Marking a row received fills the copies the checklist asks for and ticks 符合要求; a clerk's untick survives
    # a change between 纸质 and 电子.
    first = rows.first
    first.locator("select").select_option("PAPER")
    assert first.locator("input.copies").input_value() == first.get_attribute("data-copies")
    assert first.locator("input[type=checkbox]").is_checked()
    first.locator("input[type=checkbox]").uncheck()
    first.locator("select").select_option("ELECTRONIC")
    assert not first.locator("input[type=checkbox]").is_checked()
    first.locator("select").select_option("MISSING")
    assert first.locator("input.copies").input_value() == "" and not first.locator("input[type=checkbox]").is_checked()

    # "必要材料均已收取" marks the required rows only; the optional ones stay not received.
    page.click("[data-receive-all]")
    page.fill("#id_name", "王五")
    page.fill("#id_id_number", ID)
    page.fill("#id_phone", "13800138000")
    page.click("text=确认收件（R）")
    assert "已收件" in page.content()
    case = Case.objects.get(applicant_name="王五")
    lines = {m.necessity: set() for m in CaseMaterial.objects.filter(case=case)}
    for m in CaseMaterial.objects.filter(case=case):
        lines[m.necessity].add(m.received_as)
    assert lines["REQUIRED"] == {"PAPER", "SHARED"}  # the 营业执照 stays fetched, not "handed in on paper"
    assert lines.get("OPTIONAL", {"MISSING"}) == {"MISSING"}


def test_an_overlong_name_is_refused_with_a_message_and_an_empty_phone_is_named(demo_server, desk):
    page = desk
    login(page, demo_server, "window1")
    page.goto(f"{demo_server}/staff/cases/new/?item=YX-0003")
    page.fill("#id_name", "云溪县" + "悦来宾馆" * 40)
    page.fill("#id_id_number", ID)
    page.click("text=确认收件（R）")
    text = page.locator("form.receive").inner_text()
    assert "不能超过128个字" in text and "请填写联系电话" in text
    assert page.locator("#id_name").input_value().endswith("悦来宾馆" * 3)  # kept as typed, not cut
    assert not Case.objects.exists()


def test_a_stranger_cannot_lock_a_citizen_out_of_the_lookup(demo_server, desk):
    page = desk
    clerk = User.objects.get(username="window1")
    case = svc.receive_case(actor=clerk, item_code="YX-0003", now=now(),
                            applicant={"name": "赵六", "id_number": ID, "phone": "13800138000"})
    page.goto(f"{demo_server}/")
    page.click("a[href='/lookup/']")
    for i in range(6):  # a stranger's wrong codes on the citizen's number
        page.fill("input[name=number]", case.number)
        page.fill("input[name=code]", f"WRONG{i}")
        page.click("main button[type=submit]")
    assert "输错次数过多" in page.content()
    page.fill("input[name=number]", case.number)
    page.fill("input[name=code]", case.query_code)
    page.click("main button[type=submit]")
    assert "赵六" not in page.content() and "公共场所卫生许可" in page.content()  # the right code answers


def test_small_things_a_clerk_sees(demo_server, desk):
    page = desk
    login(page, demo_server, "window1")
    # The absence form starts on today's date in a form the date picker reads; a past day is refused.
    page.goto(f"{demo_server}/staff/acting/")
    assert page.locator("input[name=start_date]").input_value() == f"{today():%Y-%m-%d}"
    page.fill("input[name=start_date]", f"{today() - dt.timedelta(days=3):%Y-%m-%d}")
    page.click("form:has(input[name=start_date]) button[type=submit]")
    assert "不能早于今天" in page.content()

    # A revealed landline is written with its area code.
    clerk = User.objects.get(username="window1")
    case = svc.receive_case(actor=clerk, item_code="YX-0003", now=now(),
                            applicant={"name": "赵六", "id_number": ID, "phone": "07996667788"})
    page.goto(f"{demo_server}/staff/cases/{case.number}/")
    page.click("summary:text('查看完整号码')")
    page.fill("input[name=reason]", "电话通知申请人")
    page.click("details.inline button[type=submit]")
    assert "0799-6667788" in page.content()

    # The 补正 materials are pre-marked on resubmission.
    svc.add_supplement_line(actor=clerk, number=case.number, material=case.materials.first().name, problem="未签字",
                            now=now())
    svc.serve_supplement_notice(actor=clerk, number=case.number, now=now())
    page.goto(f"{demo_server}/staff/cases/{case.number}/")
    checked = page.locator("form:has(input[value=resubmit]) input[type=checkbox]:checked")
    assert checked.count() == 1 and checked.get_attribute("value") == case.materials.first().name

    # The audit trail speaks words, not codes.
    page.context.clear_cookies()
    login(page, demo_server, "auditor1")
    page.goto(f"{demo_server}/staff/audit/?q={case.number}")
    text = page.locator("table").inner_text()
    assert "已收件→待补正" in text and "SUPPLEMENT" not in text
