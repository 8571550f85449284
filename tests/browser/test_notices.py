"""The notice print page in Chromium (issue 12 item 3): printed on A4 it fits one page, and the page has a visible
way back to the case that does not print."""
import pytest

from bianmin.cases import services as svc
from bianmin.cases.models import Notice
from bianmin.cases.tests.pdfpages import page_count
from bianmin.demo.seed import DEMO_PASSWORD, seed_demo
from bianmin.users.models import User
from conftest import NOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ID = "11010519491231002X"
# 食品经营许可 (YX-0002): every material the applicant brings, on paper (the licence is fetched, not asked for).
HANDED = ["食品经营许可申请书", "经营场所平面图、设备布局图及操作流程说明", "保证食品安全的规章制度",
          "食品安全管理人员名单及身份证明"]


@pytest.fixture
def notices(live_server):
    """The demo county, and for one application of 食品经营许可 at window1: a 补正 notice listing every material,
    then, on the resubmission, acceptance with its 受理通知书."""
    seed_demo(NOW)
    clerk = User.objects.get(username="window1")
    rows = [{"material": name, "received_as": "PAPER", "copies": 1} for name in HANDED]
    applicant = {"kind": "PERSON", "name": "李四", "id_type": "RESIDENT_ID", "id_number": ID, "phone": "13800138000",
                 "address": "云溪县城关镇幸福路8号"}
    case = svc.receive_case(actor=clerk, item_code="YX-0002", applicant=applicant, materials=rows, now=NOW)
    for name in HANDED:
        svc.add_supplement_line(actor=clerk, number=case.number, material=name, problem="未签字、未注明日期，页码不全",
                                now=NOW)
    svc.serve_supplement_notice(actor=clerk, number=case.number, now=NOW)
    svc.resubmit(actor=clerk, number=case.number, materials=rows, now=NOW)
    svc.accept_case(actor=clerk, number=case.number, now=NOW)
    return live_server.url, case.number, {n.kind: n.number for n in Notice.objects.filter(case=case)}


def test_a_printed_notice_fits_one_a4_page_and_leads_back_to_the_case(notices, page):
    server, number, issued = notices
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{server}/staff/login/")
    page.fill("#id_username", "window1")
    page.fill("#id_password", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/staff/")

    for kind in ("ACCEPTANCE", "SUPPLEMENT", "RECEIPT"):
        page.goto(f"{server}/staff/notices/{issued[kind]}/")
        back = page.get_by_role("link", name=f"返回办件 {number}")
        assert back.is_visible() and back.get_attribute("href") == f"/staff/cases/{number}/"
        # On paper: A4, one page, the link gone, the organ and the date on the page.
        page.emulate_media(media="print")
        assert not back.is_visible()
        pdf = page.pdf(format="A4", print_background=True)
        assert page_count(pdf) == 1, f"{kind} prints on {page_count(pdf)} pages"
        page.emulate_media(media="screen")

    page.get_by_role("link", name=f"返回办件 {number}").click()
    page.wait_for_url(f"{server}/staff/cases/{number}/")
    assert number in page.locator("h1").inner_text()
