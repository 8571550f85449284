"""监督投诉 in Chromium: a citizen files a complaint on the online form; the supervisor transfers it to the town
center (still in the county's sight), investigates, handles, replies late with the reason, the sweep records the
late reply, and the supervisor confirms it into a violation; the citizen follows it with number + code."""
import datetime as dt

import pytest
from django.utils import timezone

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.complaints.models import Complaint
from bianmin.complaints.sweep import sweep_complaint_replies
from bianmin.demo.seed import seed_demo
from bianmin.org.models import StaffProfile
from conftest import NOW

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NAME, PHONE = "网民孙八", "13533334444"


@pytest.fixture
def demo_server(live_server):
    seed_demo(NOW)
    return live_server.url


def accept_next_dialog(page):
    page.once("dialog", lambda d: d.accept())


def test_complaint_journey(demo_server, page):
    page.set_viewport_size({"width": 1366, "height": 768})
    badge = StaffProfile.objects.get(user__username="window1").badge_number

    # The citizen files a complaint online, a script in the text.
    page.goto(f"{demo_server}/")
    page.click("#complaint-link")
    form = "#complaint-form"
    page.select_option(f"{form} select[name=unit]", "C01")
    page.select_option(f"{form} select[name=kind]", "ATTITUDE")
    page.select_option(f"{form} select[name=subject_type]", "STAFF")
    page.fill(f"{form} input[name=staff]", badge)
    page.fill(f"{form} textarea[name=matter]", "<script>window.pwned=1</script>窗口人员态度生硬")
    page.fill(f"{form} input[name=name]", NAME)
    page.fill(f"{form} input[name=phone]", PHONE)
    page.click(f"{form} button[type=submit]")
    number = page.locator("#done-number").inner_text().strip()
    code = page.locator("#done-code").inner_text().strip()
    assert number.startswith("TSC01") and len(code) == 8

    # The supervisor finds it in the 登记簿 and transfers it to the town center.
    login(page, demo_server, "supervisor1")
    page.goto(f"{demo_server}/staff/complaints/?q={number}")
    page.click(f"text={number}")
    assert page.evaluate("window.pwned") is None and "<script>window.pwned=1</script>" in page.inner_text("#matter")
    assert NAME not in page.content()
    transfer = "form:has(input[value=transfer])"
    page.select_option(f"{transfer} select[name=unit]", "T01")
    page.fill(f"{transfer} textarea[name=note]", "涉及镇中心窗口，属镇中心职责")
    accept_next_dialog(page)
    page.click(f"{transfer} button[type=submit]")
    assert "已转办" in page.inner_text("#status")

    page.fill("form:has(input[value=investigate]) textarea[name=notes]", "调取录像，确有态度生硬")
    page.click("form:has(input[value=investigate]) button[type=submit]")
    page.fill("form:has(input[value=handle]) input[name=nature]", "属实")
    page.fill("form:has(input[value=handle]) textarea[name=opinion]", "批评教育，向投诉人道歉")
    page.click("form:has(input[value=handle]) button[type=submit]")
    assert "已处置" in page.inner_text("#status")

    # Time passes beyond the reply date: the late reply needs its reason.
    Complaint.objects.filter(number=number).update(reply_due_on=timezone.localdate() - dt.timedelta(days=2))
    page.reload()
    reply = "form:has(input[value=reply])"
    page.fill(f"{reply} textarea[name=reply]", "经查属实，已批评教育，特此致歉")
    page.click(f"{reply} button[type=submit]")
    assert "请写明逾期原因" in page.content()
    page.fill(f"{reply} textarea[name=reply]", "经查属实，已批评教育，特此致歉")
    page.fill(f"{reply} textarea[name=late_reason]", "转办后需调取镇中心录像")
    page.click(f"{reply} button[type=submit]")
    assert "已反馈" in page.inner_text("#status")

    # The sweep records the late reply against the handler.
    assert sweep_complaint_replies(timezone.now()) == 1
    late = Violation.objects.get(kind=ViolationKind.COMPLAINT_REPLY_LATE)
    assert late.staff.user.username == "supervisor1"

    # The supervisor confirms it: one violation of the clerk complained about.
    accept_next_dialog(page)
    page.click("form:has(input[value=confirm]) button[type=submit]")
    assert "过错记录" in page.content()
    confirmed = Violation.objects.get(kind=ViolationKind.CONFIRMED_COMPLAINT)
    assert confirmed.staff.badge_number == badge and NAME not in confirmed.description

    # The citizen follows it with number + code.
    page.goto(f"{demo_server}/complaints/follow/")
    page.fill("#number", number)
    page.fill("#code", code)
    page.click("main button[type=submit]")
    assert "已反馈" in page.inner_text("#follow-status")
    assert "特此致歉" in page.inner_text("#follow-reply")
    steps = page.inner_text("#follow-steps")
    assert "转办" in steps and "调取录像" not in steps and "冯玉兰" not in steps
