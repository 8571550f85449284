"""Confirmations before destructive actions work in Chromium without inline script (static/js/bianmin.js reads
data-confirm): dismissing keeps the case as it was, accepting goes ahead; the print button prints."""
import pytest

from bianmin.cases import services as svc
from bianmin.cases.models import Case
from bianmin.demo.seed import DEMO_PASSWORD, seed_demo
from bianmin.users.models import User
from conftest import NOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def received(live_server):
    seed_demo(NOW)
    from bianmin.catalog.models import ItemVersion

    version = ItemVersion.objects.filter(is_current=True, default_class="PROMISED").order_by("item__code").first()
    case = svc.receive_case(actor=User.objects.get(username="window1"), item_code=version.item.code,
                            applicant={"kind": "PERSON", "name": "王五", "id_number": "11010519491231002X",
                                       "phone": "13800138000"},
                            materials=[{"material": m.name} for m in version.materials.all()], now=NOW)
    return live_server.url, case.number


def test_a_dismissed_confirmation_changes_nothing_and_an_accepted_one_proceeds(received, page):
    server, number = received
    page.goto(f"{server}/staff/login/")
    page.fill("#id_username", "window1")
    page.fill("#id_password", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/staff/")
    page.goto(f"{server}/staff/cases/{number}/")
    form = "form:has(input[value=withdraw])"
    page.fill(f"{form} input[name=reason]", "申请人当场撤回")
    messages = []
    page.once("dialog", lambda d: (messages.append(d.message), d.dismiss()))
    page.click(f"{form} button")
    page.wait_for_timeout(300)
    assert messages and "撤回" in messages[0]
    assert Case.objects.get(number=number).status == "RECEIVED"
    page.once("dialog", lambda d: d.accept())
    page.click(f"{form} button")
    page.wait_for_load_state()
    assert Case.objects.get(number=number).status == "WITHDRAWN"
