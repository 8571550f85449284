"""The window's rating pad in Chromium at a tablet viewport (issue 17 item 1): the clerk presses 请评价 on a delivered
case; the pad (a second browser context, activated with the supervisor's one-time code) shows the clerk and the five
levels; the citizen taps 不满意 and a real-name 差评 is recorded with its follow-up open.

Then the follow-up runs to the 追评 (issue 17's acceptance journey): the window's leader opens 评价管理 at 1366×768,
finds the 差评 (the evaluator shown only as 已实名, never by name or phone) and records the 回访, the 整改情况 and
告知结果 through the page's forms; the citizen, on a phone (360×740), opens /rate/ with the case number and query code
and gives the one 追评; a second 追评 is refused; the supervisor's 评价管理 shows the 追评."""
import pytest
from django.utils import timezone

from bianmin.cases import services as svc
from bianmin.cases.models import Case
from bianmin.demo.seed import seed_demo
from bianmin.org.models import Post
from bianmin.ratings.models import BadRatingFollowUp, Channel, FollowUpStatus, Rating
from bianmin.ratings.pads import issue_pad
from bianmin.ratings.policies import may_see_instance
from bianmin.users.models import User
from conftest import NOW

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ID = "11010519491231002X"
HANDED = ["食品经营许可申请书", "经营场所平面图、设备布局图及操作流程说明", "保证食品安全的规章制度",
          "食品安全管理人员名单及身份证明"]
TABLET = {"viewport": {"width": 800, "height": 1280}, "has_touch": True, "is_mobile": True, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True, "locale": "zh-CN"}
DESK = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}
APPLICANT_NAME, APPLICANT_PHONE = "李四", "13800138000"
VISIT_NOTE = "电话回访评价人：反映窗口排队时间过长，解释不够耐心"
RECTIFICATION = "已对窗口人员进行服务规范培训，高峰时段增开一个窗口"
TOLD_NOTE = "已电话告知评价人整改结果，评价人表示认可"
AGAIN_COMMENT = "整改后服务态度明显好转"


@pytest.fixture
def delivered(live_server):
    """The demo county; a 食品经营许可 case at window1's desk decided and delivered today; a pad issued for
    window1's window by supervisor1 (its one-time code returned)."""
    seed_demo(NOW)
    clerk = User.objects.get(username="window1")
    rows = [{"material": name, "received_as": "PAPER", "copies": 1} for name in HANDED]
    applicant = {"kind": "PERSON", "name": APPLICANT_NAME, "id_type": "RESIDENT_ID", "id_number": ID,
                 "phone": APPLICANT_PHONE,
                 "address": "云溪县城关镇幸福路8号"}
    case = svc.receive_case(actor=clerk, item_code="YX-0002", applicant=applicant, materials=rows, now=NOW)
    svc.accept_case(actor=clerk, number=case.number, now=NOW)
    svc.decide_case(actor=clerk, number=case.number, outcome="GRANTED", reasons="材料齐全，符合法定条件",
                    certificate_number="JY-2026-0001", now=NOW)
    # Delivered at the live server's clock: the pad may only be used on the day of the service.
    svc.deliver_case(actor=clerk, number=case.number, method="PICKUP", received_by=APPLICANT_NAME,
                     now=timezone.now())
    window = Post.objects.filter(a_staff__user=clerk).select_related("window").first().window
    _, code = issue_pad(actor=User.objects.get(username="supervisor1"), window_id=window.pk, label="1号窗口平板",
                        now=timezone.now())  # the live server's clock: the code is valid for 24 hours from now
    return live_server.url, case.number, code, clerk.staff_profile


def test_a_citizen_rates_dissatisfied_on_the_pad_and_the_follow_up_runs_to_the_rating_again(delivered, browser):
    server, number, code, clerk = delivered
    tablet = browser.new_context(**TABLET)
    pad = tablet.new_page()
    pad.set_default_timeout(15_000)
    desk_context = browser.new_context(**DESK)
    desk = desk_context.new_page()
    desk.set_default_timeout(15_000)
    try:
        # The tablet is bound with the one-time code; it then shows the clerk on duty and waits.
        pad.goto(f"{server}/pad/")
        pad.wait_for_url(f"{server}/pad/activate/")
        pad.fill("#code", code)
        pad.get_by_role("button", name="启用").tap()
        pad.wait_for_url(f"{server}/pad/")
        assert clerk.name in pad.locator("#clerks").inner_text()
        assert clerk.badge_number in pad.locator("#clerks").inner_text()
        assert pad.locator("#pad-idle").is_visible() and pad.locator("button[name=level]").count() == 0

        # The clerk presses 请评价 on the delivered case.
        login(desk, server, "window1")
        desk.goto(f"{server}/staff/cases/{number}/")
        desk.locator("#rating-invite button").click()
        desk.wait_for_url(f"{server}/staff/cases/{number}/")
        assert "评价器上评价" in desk.content()

        # The pad notices it by polling (static JS) and shows the five levels, none chosen or highlighted.
        pad.wait_for_selector("#pad-form", timeout=15_000)
        levels = pad.locator("button[name=level]")
        assert levels.all_inner_texts() == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
        boxes = [levels.nth(i).bounding_box() for i in range(5)]
        assert len({(round(b["width"]), round(b["height"])) for b in boxes}) == 1  # equal size
        colours = {levels.nth(i).evaluate("e => getComputedStyle(e).backgroundColor") for i in range(5)}
        assert len(colours) == 1  # one colour for all
        assert pad.evaluate("document.activeElement.name") != "level"  # nothing focused
        assert boxes[0]["height"] >= 60  # big enough to touch
        assert clerk.name in pad.locator("#clerks").inner_text()

        assert levels.nth(3).inner_text() == "不满意"
        levels.nth(3).tap()
        pad.wait_for_selector("#pad-thanks")
        rating = Rating.objects.get(case__number=number)
        assert (rating.level, rating.channel, rating.staff_id) == (2, Channel.PAD, clerk.pk)
        assert rating.real_name and rating.evaluator_name == "李四"
        follow_up = BadRatingFollowUp.objects.get(rating=rating)
        assert follow_up.status == "VISIT" and follow_up.visited_at is None
        # The pad returns to waiting on its own.
        pad.wait_for_url(f"{server}/pad/", timeout=15_000)
        pad.wait_for_selector("#pad-idle")
    finally:
        tablet.close()
        desk_context.close()

    _follow_up_in_the_backoffice(browser, server, number, rating)
    _rate_again_on_a_phone(browser, server, number, rating)
    _the_supervisor_sees_the_rating_again(browser, server, number, rating)


def _action_form(page, name: str):
    """The form of the catalogued action ``name`` on a staff page (backoffice/_action_form.html)."""
    return page.locator(f"form:has(input[name=action][value={name}])")


def _assert_evaluator_hidden(page) -> None:
    text = page.content()
    assert APPLICANT_NAME not in text and APPLICANT_PHONE not in text


def _follow_up_in_the_backoffice(browser, server: str, number: str, rating: Rating) -> None:
    """The window's leader (APPROVE, the rated unit in scope: ``policies.follower_refusal``) runs the follow-up."""
    context = browser.new_context(**DESK)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, server, "leader1")
        page.get_by_role("link", name="评价管理").first.click()
        page.wait_for_url(f"{server}/staff/ratings/")
        page.get_by_label("只看差评").check()
        page.select_option("#follow_up", "VISIT")
        page.get_by_role("button", name="查询").click()
        page.wait_for_url(lambda url: "bad=1" in url and "follow_up=VISIT" in url)
        rows = page.locator("table:not(#department-figures) tbody tr")  # not the 按科室 figures (issue 14)
        assert rows.count() == 1
        row = rows.filter(has=page.locator(f"a[href='/staff/ratings/{rating.pk}/']"))
        cells = row.locator("td").all_inner_texts()
        assert cells[2].strip() == rating.staff.name
        # The county's scope holds the hospital desk: the 涉及科室 column (issue 14) comes before the level.
        assert cells[3].strip() == "—"  # a government window's rating names no 科室
        assert cells[4].strip() == "不满意" and cells[6].strip() == "已实名" and cells[7].strip() == "待回访"
        _assert_evaluator_hidden(page)
        # The case number would name the applicant who rated: shown only where the policy allows it.
        leader = User.objects.get(username="leader1")
        assert (number in cells[1]) == may_see_instance(leader, rating)

        row.get_by_role("link").first.click()
        page.wait_for_url(f"{server}/staff/ratings/{rating.pk}/")
        assert "已实名" in page.locator("dl").first.inner_text()
        _assert_evaluator_hidden(page)
        assert page.locator("form[action$='/evaluator/']").count() == 0  # a leader may not reveal who rated
        assert _action_form(page, "rectify").count() == 0 and _action_form(page, "tell").count() == 0

        # 回访 with a note.
        form = _action_form(page, "visit")
        form.locator("textarea[name=note]").fill(VISIT_NOTE)
        form.get_by_role("button", name="登记回访").click()
        page.wait_for_selector("text=已登记回访，请在整改期限内完成整改")
        assert VISIT_NOTE in page.content()
        assert _action_form(page, "visit").count() == 0

        # 整改情况.
        form = _action_form(page, "rectify")
        form.locator("textarea[name=rectification]").fill(RECTIFICATION)
        form.get_by_role("button", name="登记整改情况").click()
        page.wait_for_selector("text=已登记整改情况，请将整改结果反馈评价人")
        assert RECTIFICATION in page.content()

        # 告知结果 (the button asks for confirmation first).
        form = _action_form(page, "tell")
        form.locator("textarea[name=note]").fill(TOLD_NOTE)
        page.once("dialog", lambda dialog: dialog.accept())
        form.get_by_role("button", name="已告知评价人").click()
        page.wait_for_selector("text=已反馈，评价人可以追评一次")
        assert TOLD_NOTE in page.content()
        assert _action_form(page, "tell").count() == 0
        _assert_evaluator_hidden(page)
    finally:
        context.close()
    follow_up = BadRatingFollowUp.objects.get(rating=rating)
    assert follow_up.status == FollowUpStatus.TOLD
    assert (follow_up.visit_note, follow_up.rectification, follow_up.told_note) == (VISIT_NOTE, RECTIFICATION,
                                                                                   TOLD_NOTE)
    assert follow_up.visited_by.user.username == "leader1"


def _open_rating_page(page, server: str, number: str, code: str) -> None:
    page.goto(f"{server}/rate/")
    page.fill("#number", number)
    page.fill("#code", code)
    page.get_by_role("button", name="下一步").tap()
    page.wait_for_selector("#rate-target")


def _rate_again_on_a_phone(browser, server: str, number: str, rating: Rating) -> None:
    """The citizen gives the one 追评 on /rate/ with the number and query code; a second one (the form still open in
    another tab) is refused."""
    code = Case.objects.get(number=number).query_code
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    second = context.new_page()
    second.set_default_timeout(15_000)
    try:
        _open_rating_page(page, server, number, code)
        assert "欢迎您再次评价（追评）" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # fits the phone, no sideways scroll
        _open_rating_page(second, server, number, code)  # the same form, open in a second tab

        page.fill("textarea[name=comment]", AGAIN_COMMENT)
        levels = page.locator("button[name=level]")
        assert levels.all_inner_texts() == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
        levels.nth(1).tap()
        page.wait_for_selector("#rate-done")
        assert "满意" in page.locator("#rate-done").inner_text()

        again = Rating.objects.get(parent=rating)
        assert (again.level, again.comment, again.channel) == (4, AGAIN_COMMENT, Channel.QR)
        assert (again.case_id, again.staff_id, again.real_name) == (rating.case_id, rating.staff_id, True)
        assert BadRatingFollowUp.objects.get(rating=rating).status == FollowUpStatus.CLOSED

        # A second 追评 is refused with a clear message, and nothing is recorded.
        second.locator("button[name=level]").nth(0).tap()
        second.wait_for_selector("[role=alert]")
        assert second.locator("[role=alert]").inner_text().strip() == "已经追评过（只能追评一次）"
        assert second.locator("#rate-done").count() == 0
        assert Rating.objects.filter(case__number=number).count() == 2

        # Opening the page again shows it was rated: no levels any more.
        _open_rating_page(second, server, number, code)
        assert second.locator("#rate-already").is_visible() and second.locator("button[name=level]").count() == 0
    finally:
        context.close()


def _the_supervisor_sees_the_rating_again(browser, server: str, number: str, rating: Rating) -> None:
    """On the supervisor's 评价管理 the 追评 is listed, and the 差评's page shows it with its comment."""
    context = browser.new_context(**DESK)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, server, "supervisor1")
        page.get_by_role("link", name="评价管理").first.click()
        page.wait_for_url(f"{server}/staff/ratings/")
        again = Rating.objects.get(parent=rating)
        again_row = page.locator("tbody tr").filter(has=page.locator(f"a[href='/staff/ratings/{again.pk}/']"))
        assert again_row.locator("small", has_text="追评").count() == 1
        assert again_row.locator("td").nth(4).inner_text().strip() == "满意"  # after 涉及科室 (issue 14)
        bad_row = page.locator("tbody tr").filter(has=page.locator(f"a[href='/staff/ratings/{rating.pk}/']"))
        assert bad_row.locator("small", has_text="追评").count() == 0
        assert bad_row.locator("td").nth(7).inner_text().strip() == "已追评"
        supervisor = User.objects.get(username="supervisor1")
        assert may_see_instance(supervisor, rating)  # so the supervisor sees which case both ratings are about
        assert number in bad_row.inner_text() and number in again_row.inner_text()
        _assert_evaluator_hidden(page)

        bad_row.get_by_role("link").first.click()
        page.wait_for_url(f"{server}/staff/ratings/{rating.pk}/")
        shown = page.locator("dl dt", has_text="追评").locator("xpath=following-sibling::dd[1]")
        assert shown.locator("a").inner_text().strip() == "满意" and AGAIN_COMMENT in shown.inner_text()
        assert page.locator("dl dt", has_text="状态").locator("xpath=following-sibling::dd[1]").inner_text() == "已追评"
        _assert_evaluator_hidden(page)  # shown only after the supervisor's audited 查看评价人
    finally:
        context.close()
