"""The hall (issue 18's acceptance) in Chromium.

1. A citizen books online at the county center, reads the SMS code and confirms; on the day of the appointment the
   citizen checks in at the kiosk (booking number + last 4 digits of the phone) after a walk-in took a ticket, is
   called first at window 01, the big screen (1920×1080) shows the number and the window within 3 seconds, and the
   clerk receives the case from the ticket (the ticket is linked to the case).
2. A bulletin collects an objection and shows its handling, never the objector's name or phone.
3. The notice board shows today's A and B of window 01, and B standing in once A registers an absence.
"""
import datetime as dt
import re
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bianmin.cases.models import Case
from bianmin.demo.seed import seed_demo
from bianmin.hall.booking import bookable_window, open_slots
from bianmin.hall.models import (
    Appointment,
    AppointmentStatus,
    Bulletin,
    BulletinComment,
    CommentKind,
    HallDevice,
    Slot,
    Ticket,
    TicketSource,
    TicketStatus,
)
from bianmin.notifications.models import Message
from bianmin.org.models import Absence, Post, StaffProfile, Unit, Window
from bianmin.users.models import User
from conftest import NOW

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}
PHONE_VIEW = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True, "locale": "zh-CN"}
KIOSK_VIEW = {"viewport": {"width": 1080, "height": 1920}, "has_touch": True, "locale": "zh-CN"}
SCREEN_VIEW = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}
CITIZEN, CITIZEN_ID, CITIZEN_PHONE = "张晓明", "11010519491231002X", "13912345678"
CENTER = "云溪县政务服务中心"


@pytest.fixture
def demo_server(live_server):
    seed_demo(NOW)
    return live_server.url


@pytest.fixture
def contexts(browser):
    """Open browser contexts (one per person or device), closed at the end."""
    opened = []

    def new_page(**options):
        context = browser.new_context(**options)
        opened.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield new_page
    for context in opened:
        context.close()


# --- 1. book, SMS, ticket on arrival, called first, big screen, case from the ticket ------------------------------


def _open_slots() -> Slot:
    """The county center's organisation manager opens 09:00–10:00 on every bookable working day (the demo seed
    opens none); return the first."""
    moment = timezone.now()  # the live server's clock: the bookable window is counted from today
    center = Unit.objects.get(code="C01")
    first, last = bookable_window(center, moment)
    slots = open_slots(actor=User.objects.get(username="sysadmin1"), unit_id=center.pk, first_date=first,
                       last_date=last, times=[(dt.time(9), dt.time(10))], capacity=5, now=moment)
    assert slots
    return min(slots, key=lambda s: s.date)


def _book_and_confirm(page, server: str) -> Appointment:
    page.goto(f"{server}/")
    page.click("#booking-link")
    page.locator("#booking-centers a", has_text=CENTER).click()
    page.wait_for_selector("#booking-form")
    page.locator("#booking-form input[name=slot]:not([disabled])").first.check()
    page.fill("#b-name", CITIZEN)
    page.fill("#b-id", CITIZEN_ID)
    page.fill("#b-phone", CITIZEN_PHONE)
    page.fill("#b-matter", "办理食品经营许可")
    page.get_by_role("button", name="提交预约").click()
    page.wait_for_selector("#code-sent")
    number = page.locator("#held-number").inner_text().strip()
    assert number.startswith("YYC01")
    assert CITIZEN_PHONE not in page.content() and CITIZEN_PHONE[-4:] in page.locator("#code-sent").inner_text()

    # The SMS the citizen receives holds the six-digit code.
    sms = Message.objects.get(cause=number, kind="APPOINTMENT_CODE")
    assert sms.phone == CITIZEN_PHONE
    code = re.search(r"确认码为(\d{6})", sms.body).group(1)
    page.fill("#c-code", code)
    page.get_by_role("button", name="确认预约").click()
    page.wait_for_selector("#booking-done")
    assert page.locator("#done-number").inner_text().strip() == number
    assert CENTER in page.locator("#done-place").inner_text()
    appointment = Appointment.objects.get(number=number)
    assert appointment.status == AppointmentStatus.BOOKED
    return appointment


def _make_it_the_day(appointment: Appointment) -> None:
    """The day of the appointment: the slot (and the booking) moved to today, starting in two minutes."""
    local = timezone.localtime()
    start = min(local + dt.timedelta(minutes=2), local.replace(hour=23, minute=57, second=0, microsecond=0))
    end = min(start + dt.timedelta(hours=1), local.replace(hour=23, minute=59, second=59, microsecond=0))
    Slot.objects.filter(pk=appointment.slot_id).update(date=local.date(), starts_at=start.time().replace(microsecond=0),
                                                        ends_at=end.time().replace(microsecond=0))
    Appointment.objects.filter(pk=appointment.pk).update(date=local.date())


def _issue_devices(page, server: str) -> tuple[str, str]:
    """supervisor1 issues a kiosk and a big screen for the county center at 大厅设备; return their codes."""
    login(page, server, "supervisor1")
    page.get_by_role("link", name="大厅设备").first.click()
    page.wait_for_url(f"{server}/staff/devices/")
    codes = []
    for kind, label in (("KIOSK", "一楼大厅取号机"), ("SCREEN", "一楼大厅显示屏")):
        page.select_option("#unit", label=CENTER)
        page.select_option("#kind", kind)
        page.fill("#label", label)
        page.get_by_role("button", name="发放设备").click()
        page.wait_for_selector("#activation-code")
        assert label in page.locator("#issued").inner_text()
        codes.append(page.locator("#activation-code").inner_text().strip())
    assert HallDevice.objects.filter(unit__code="C01", activated_at__isnull=True).count() == 2
    return codes[0], codes[1]


def _activate(page, server: str, path: str, code: str) -> None:
    page.goto(f"{server}{path}")
    page.fill("#code", code)
    page.get_by_role("button", name="启用").click()


def test_a_booking_is_called_first_shown_on_the_big_screen_and_becomes_a_case(demo_server, contexts):
    server = demo_server
    _open_slots()

    # The citizen books online, gets the SMS code and confirms.
    citizen = contexts(**PHONE_VIEW)
    appointment = _book_and_confirm(citizen, server)
    _make_it_the_day(appointment)

    # The supervisor issues a kiosk and a big screen.
    supervisor = contexts(**DESK)
    kiosk_code, screen_code = _issue_devices(supervisor, server)

    # The kiosk is bound with its code; a walk-in takes a ticket of 综合受理 first.
    kiosk = contexts(**KIOSK_VIEW)
    _activate(kiosk, server, "/kiosk/activate/", kiosk_code)
    kiosk.wait_for_url(f"{server}/kiosk/")
    kiosk.locator("#kiosk-types button", has_text="综合受理").click()
    kiosk.wait_for_selector("#slip")
    walk_in_number = kiosk.locator("#ticket-number").inner_text().strip()
    assert walk_in_number == "A001"
    walk_in_link = kiosk.locator(".slip-link").inner_text().strip()
    assert urlparse(walk_in_link).path == f"/ticket/C01/{timezone.localdate():%Y%m%d}/{walk_in_number}/"
    walk_in = Ticket.objects.get(unit__code="C01", number=walk_in_number)
    assert walk_in.source == TicketSource.KIOSK and walk_in.status == TicketStatus.WAITING

    # The citizen arrives and checks in with the booking number and the last 4 digits of the phone.
    kiosk.get_by_role("link", name="完成").click()
    kiosk.wait_for_url(f"{server}/kiosk/")
    kiosk.click("#kiosk-check-in")
    kiosk.wait_for_selector("#kiosk-check-in-form")
    kiosk.fill("#number", appointment.number)
    kiosk.fill("#phone_last4", CITIZEN_PHONE[-4:])
    kiosk.get_by_role("button", name="签到取号").click()
    kiosk.wait_for_selector("#slip")
    number = kiosk.locator("#ticket-number").inner_text().strip()
    assert number == "A002" and "预约" in kiosk.locator(".slip-type").inner_text()
    # Nobody is ahead of the appointment: it overtakes the walk-in who came earlier.
    assert "前面没有人等候" in kiosk.locator("#ticket-wait").inner_text()
    ticket = Ticket.objects.get(unit__code="C01", number=number)
    assert ticket.appointment_id == appointment.pk and ticket.source == TicketSource.APPOINTMENT
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.ARRIVED

    # The walk-in follows the ticket on a phone: one person (the appointment) is now ahead, with the estimated wait.
    walker = contexts(**PHONE_VIEW)
    # (the slip's link names the configured public address; here the live server's)
    walker.goto(server + urlparse(walk_in_link).path)
    wait_text = walker.locator("#ticket-wait").inner_text()
    assert re.search(r"前面还有\s*1\s*人，预计等候约\s*\d+\s*分钟", wait_text), wait_text

    # The big screen (a TV at 1920×1080) is bound with its code and shows nobody called yet.
    screen = contexts(**SCREEN_VIEW)
    _activate(screen, server, "/screen/activate/", screen_code)
    screen.wait_for_url(f"{server}/screen/")
    expect(screen.locator("#hs-unit")).to_have_text(CENTER)
    expect(screen.locator("#hs-current .hs-idle")).to_be_visible()

    # window1 opens the queue console at window 01 and presses 下一位: the appointment is called first.
    clerk = contexts(**DESK)
    login(clerk, server, "window1")
    clerk.get_by_role("link", name="叫号台").first.click()
    clerk.wait_for_url(lambda url: "/staff/queue/" in url)
    window = Window.objects.get(unit__code="C01", number="01")
    clerk.select_option("#window", str(window.pk))
    clerk.get_by_role("button", name="切换窗口").click()
    clerk.wait_for_url(lambda url: f"window={window.pk}" in url)
    clerk.wait_for_selector("#queue-next")
    clerk.click("#queue-next")
    # Within 3 seconds of the click the big screen shows the number and the window.
    expect(screen.locator("#hs-current .hs-current-number")).to_have_text(number, timeout=3000)
    expect(screen.locator("#hs-current .hs-current-window")).to_contain_text("01号窗口", timeout=3000)
    clerk.wait_for_selector("#queue-current-number")
    assert clerk.locator("#queue-current-number").inner_text().strip() == number
    assert "预约" in clerk.locator("#queue-current").inner_text()
    called = Ticket.objects.get(pk=ticket.pk)
    assert (called.status, called.window_id) == (TicketStatus.CALLED, window.pk)
    assert Ticket.objects.get(pk=walk_in.pk).status == TicketStatus.WAITING
    # The screen's window card shows who serves there and the number.
    clerk_profile = StaffProfile.objects.get(user__username="window1")
    cards = screen.locator("#hs-windows .hs-window", has_text="01号窗口")
    expect(cards.first).to_contain_text(clerk_profile.name)
    expect(cards.first).to_contain_text(number)
    assert CITIZEN not in screen.content() and appointment.number not in screen.content()

    # The citizen's phone would say where to go (the public ticket page of the appointment's ticket).
    citizen.goto(f"{server}/ticket/C01/{called.day:%Y%m%d}/{number}/")
    assert "请到01号窗口办理" in citizen.locator("#ticket-call").inner_text()

    # 受理办件 from the console: the receipt form carries the ticket; the case received is linked to it.
    clerk.click("#queue-receive")
    clerk.wait_for_selector("#receive-ticket")
    clerk.locator("tr", has_text="YX-0003").get_by_role("link", name="选择").click()
    clerk.wait_for_selector("form.receive")
    assert number in clerk.locator("#receive-ticket").inner_text()
    clerk.fill("#id_name", CITIZEN)
    clerk.fill("#id_id_number", CITIZEN_ID)
    clerk.fill("#id_phone", CITIZEN_PHONE)
    clerk.click("[data-receive-all]")
    clerk.click("text=确认收件（R）")
    clerk.wait_for_url(re.compile(r"/staff/cases/[A-Z0-9]+/$"))
    assert "已收件" in clerk.content()
    case = Case.objects.get(applicant_name=CITIZEN)
    linked = Ticket.objects.get(pk=ticket.pk)
    assert linked.case_id == case.pk and linked.status == TicketStatus.SERVING
    assert Ticket.objects.get(pk=walk_in.pk).case_id is None

    # Back at the console the ticket at the window shows the case it became.
    clerk.goto(f"{server}/staff/queue/?window={window.pk}")
    expect(clerk.locator("#queue-case")).to_have_text(case.number)
    assert clerk.locator("#queue-receive").count() == 0
    # The big screen counts the case received today.
    expect(screen.locator("[data-count=cases_received]")).to_have_text("1", timeout=5000)


# --- 2. a bulletin collects an objection and shows its handling ---------------------------------------------------

TITLE = "云溪县2027年城乡居民医疗保险缴费标准调整公示"
BODY = "拟将城乡居民医疗保险个人缴费标准调整为每人每年400元。"
OBJECTION = "缴费标准上调幅度较大，建议对低保户给予全额补助"
HANDLING = "经研究，低保户个人缴费部分由县财政全额补助，已写入实施方案"
OBJECTOR, OBJECTOR_PHONE = "王建国", "13712345678"


def test_a_bulletin_collects_an_objection_and_shows_its_handling(demo_server, contexts):
    server = demo_server
    leader = contexts(**DESK)
    login(leader, server, "leader1")
    leader.get_by_role("link", name="上墙公示").first.click()
    leader.wait_for_url(f"{server}/staff/board/bulletins/")
    leader.get_by_role("link", name="发布公示").first.click()
    leader.wait_for_selector("#bulletin-form")
    leader.select_option("#b-unit", "C01")
    leader.select_option("#b-kind", "POLICY")
    leader.fill("#b-title", TITLE)
    leader.fill("#b-body", BODY)
    today = timezone.localdate()
    leader.fill("#b-start", f"{today:%Y-%m-%d}")
    leader.fill("#b-end", f"{today + dt.timedelta(days=9):%Y-%m-%d}")
    assert leader.locator("input[name=accepts_comments]").is_checked()
    leader.get_by_role("button", name="发布").click()
    leader.wait_for_url(f"{server}/staff/board/bulletins/")
    bulletin = Bulletin.objects.get(title=TITLE)
    assert (bulletin.unit.code, bulletin.starts_on, (bulletin.ends_on - bulletin.starts_on).days) == ("C01", today, 9)

    # The citizen opens the center's board, follows the bulletin and sends an objection with name and phone.
    citizen = contexts(**PHONE_VIEW)
    citizen.goto(f"{server}/board/C01/")
    article = citizen.locator(f"article[data-bulletin='{bulletin.pk}']")
    expect(article).to_contain_text(BODY)
    article.get_by_role("link", name=TITLE).click()
    citizen.wait_for_url(f"{server}/board/C01/bulletins/{bulletin.pk}/")
    assert "意见内容及处理情况将公开，姓名和电话不公开" in citizen.locator("#publicity-notice").inner_text()
    citizen.check(f"#comment-form input[name=kind][value={CommentKind.OBJECTION}]")
    citizen.fill("#c-text", OBJECTION)
    citizen.fill("#c-name", OBJECTOR)
    citizen.fill("#c-phone", OBJECTOR_PHONE)
    citizen.get_by_role("button", name="提交").click()
    citizen.wait_for_selector("text=已收到您的意见")
    comment = BulletinComment.objects.get(bulletin=bulletin)
    assert (comment.kind, comment.text, comment.name, comment.phone) == (CommentKind.OBJECTION, OBJECTION, OBJECTOR,
                                                                         OBJECTOR_PHONE)
    expect(citizen.locator("div.comment")).to_have_count(0)  # shown once handled

    # The leader handles it (the page names the objector, the phone masked, for a call back).
    leader.goto(f"{server}/staff/board/bulletins/")
    expect(leader.locator(f"tr[data-bulletin='{bulletin.pk}']")).to_contain_text("待处理 1")
    leader.click("#to-handle")
    leader.wait_for_url(f"{server}/staff/board/comments/")
    card = leader.locator(f"[data-comment='{comment.pk}']")
    expect(card).to_contain_text(OBJECTION)
    expect(card).to_contain_text(OBJECTOR)
    assert OBJECTOR_PHONE not in card.inner_text()
    card.locator("textarea[name=handling]").fill(HANDLING)
    leader.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="登记处理情况").click()
    leader.wait_for_selector("#nothing-to-handle")
    comment.refresh_from_db()
    assert comment.handling == HANDLING and comment.handled_by.username == "leader1"

    # The public bulletin page shows the objection and its handling, never the name or the phone.
    citizen.goto(f"{server}/board/C01/bulletins/{bulletin.pk}/")
    shown = citizen.locator("div.comment")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text("异议")
    expect(shown).to_contain_text(OBJECTION)
    expect(shown).to_contain_text(HANDLING)
    html = citizen.content()
    assert OBJECTOR not in html and OBJECTOR_PHONE not in html and OBJECTOR_PHONE[-4:] not in html
    # The board itself shows the handling under the bulletin too.
    citizen.goto(f"{server}/board/C01/")
    expect(citizen.locator(f"article[data-bulletin='{bulletin.pk}'] ul.comments")).to_contain_text(HANDLING)
    html = citizen.content()
    assert OBJECTOR not in html and OBJECTOR_PHONE not in html


# --- 3. the notice board shows today's A/B ------------------------------------------------------------------------


def test_the_board_shows_todays_a_and_b_and_b_standing_in(demo_server, contexts):
    server = demo_server
    a_role = StaffProfile.objects.get(user__username="window1")
    b_role = StaffProfile.objects.get(user__username="window2")
    post = Post.objects.get(window__unit__code="C01", window__number="01")
    assert (post.a_staff_id, post.b_staff_id) == (a_role.pk, b_role.pk)

    citizen = contexts(**DESK)
    citizen.goto(f"{server}/")
    citizen.locator("tr", has_text=CENTER).locator("a.board-link").click()
    citizen.wait_for_url(f"{server}/board/C01/")
    row = citizen.locator(f"#duty tr[data-post='{post.pk}']")
    cells = row.locator("td")
    expect(cells.nth(0)).to_contain_text("01")
    expect(cells.nth(2)).to_contain_text(a_role.name)
    expect(cells.nth(2)).to_contain_text(a_role.badge_number)
    expect(cells.nth(3)).to_contain_text(b_role.name)
    expect(cells.nth(4)).to_have_text(f"{a_role.name}（A角）")
    assert row.locator(".badge", has_text="今日离岗").count() == 0

    # window1 registers an absence for today on 今日AB角.
    clerk = contexts(**DESK)
    login(clerk, server, "window1")
    clerk.get_by_role("link", name="今日AB角").first.click()
    clerk.wait_for_url(f"{server}/staff/acting/")
    today = timezone.localdate()
    assert clerk.locator("input[name=start_date]").input_value() == f"{today:%Y-%m-%d}"
    clerk.fill("input[name=end_date]", f"{today:%Y-%m-%d}")
    clerk.fill("input[name=note]", "参加业务培训")
    clerk.click("form:has(input[name=start_date]) button[type=submit]")
    clerk.wait_for_selector(f"text=已登记{a_role.name}离岗")
    assert Absence.objects.filter(staff=a_role, start_date=today, end_date=today).exists()

    # The board now shows B standing in for A.
    citizen.reload()
    row = citizen.locator(f"#duty tr[data-post='{post.pk}']")
    cells = row.locator("td")
    expect(cells.nth(2).locator(".badge")).to_have_text("今日离岗")
    expect(cells.nth(4)).to_contain_text(f"{b_role.name}（B角）")
    expect(cells.nth(4).locator(".stand-in")).to_have_text(f"B角 {b_role.name} 代 A角 {a_role.name} 在岗")
