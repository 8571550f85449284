"""The leader's overview in Chromium: red cases per first handler, then the violation as the supervisor sees it."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from bianmin.cases import services as svc
from bianmin.catalog.selectors import current_version_by_code
from bianmin.core.timeutils import now
from bianmin.demo.seed import seed_demo
from bianmin.sweep.services import run_sweep
from conftest import NOW

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def overdue_case(live_server):
    seed_demo(NOW)
    window1 = get_user_model().objects.get(username="window1")
    version = current_version_by_code("YX-0003")
    materials = [{"material": m.name, "received_as": "PAPER", "copies": 1} for m in version.materials.all()]
    applicant = {"kind": "PERSON", "name": "陈明", "id_type": "RESIDENT_ID", "id_number": "11010519491231002X",
                 "phone": "13800138000"}
    accepted_at = now() - dt.timedelta(days=60)  # a 10-working-day case from two months ago: overdue today
    case = svc.receive_case(actor=window1, item_code="YX-0003", applicant=applicant, materials=materials,
                            now=accepted_at)
    svc.accept_case(actor=window1, number=case.number, now=accepted_at)
    run_sweep(now=now())
    return live_server.url, case.number


def test_leader_overview_and_supervisor_record(overdue_case, page):
    server, number = overdue_case
    login(page, server, "leader1")
    page.click("nav >> text=时限总览")
    page.wait_for_url(f"{server}/staff/overview/")
    assert page.locator(".cards .warn-red strong").inner_text() == "1"
    row = page.locator("#by-handler tbody tr.warn-red")
    assert row.count() == 1 and "1" in row.locator("td").nth(3).inner_text()
    page.locator("#warned a", has_text=number).click()
    page.wait_for_url(f"{server}/staff/cases/{number}/")
    assert "红色预警" in page.content()
    page.goto(f"{server}/staff/overview/?level=YELLOW")
    assert number not in page.locator("#warned").inner_text()

    page.context.clear_cookies()
    login(page, server, "supervisor1")
    page.click("nav >> text=过错追究")
    assert "办件超期" in page.locator("#violations").inner_text()
    page.locator("#violations a").first.click()
    assert number in page.content()
