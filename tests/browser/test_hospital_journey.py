"""The hospital's 便民服务中心 (issue 14's acceptance) in Chromium, on the demo county's hospital desk.

1. A family member (李四) asks at the desk for a 转院: the desk's window (yy_window1, 1366×768) receives the 转院协调
   case on a form that says 患者/家属, accepts it and records the patient (father, diagnosis, ward). The case page never
   shows the diagnosis or the ward; "查看诊断和病区" does, and writes one PERSONAL_DATA_VIEW audit row.
2. The desk coordinates with two 科室 from the case page: 心内科 (reply in 4 hours) and 医务科 (2 hours).
3. 心内科 (yy_xnk1) finds the request in 科室协调 and answers in time. 医务科's clock is moved past its due time (the
   ORM, no sleeping) and the sweep runs: 医务科 (yy_ywk1) sees the request marked 超时 and answers; the request shows it
   was late and one COORDINATION_LATE violation is on record, against 医务科's 首席责任人.
4. The desk tells the family each answer (with the SMS, which carries no health content), decides and hands over.
5. The family finds the case on the public lookup with the number and query code from the receipt (no health
   content there), follows its rating link and rates 满意, naming 心内科 as the 科室 concerned.

Each part runs in a ``step`` that names itself when it fails (with the page it was on).
"""
import contextlib
import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bianmin.accountability.models import Violation, ViolationKind
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.cases.models import Case
from bianmin.demo.seed import seed_demo
from bianmin.hospital import sweep
from bianmin.hospital.models import CoordinationRequest, PatientRecord, RequestStatus
from bianmin.notifications.models import Message
from bianmin.org.models import Unit
from bianmin.ratings.models import Rating
from conftest import NOW

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True, "locale": "zh-CN"}
DESK_CODE, ITEM = "YY1", "YX-0037"  # 云溪县人民医院便民服务中心; 转院协调
CARDIO, MEDICAL = ("YY1K01", "心内科"), ("YY1K05", "医务科")
FAMILY, FAMILY_ID, FAMILY_PHONE = "李四", "11010519491231002X", "13800138000"
PATIENT, DIAGNOSIS, WARD = "李德福", "急性前壁心肌梗死，PCI术后", "心内科二病区12床"
WAIT = 15_000


@pytest.fixture
def demo_server(live_server):
    seed_demo(NOW)
    return live_server.url


@pytest.fixture
def contexts(browser):
    """Open browser contexts (one per person), closed at the end."""
    opened = []

    def new_page(**options):
        context = browser.new_context(**options)
        opened.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        return page

    expect.set_options(timeout=WAIT)
    yield new_page
    expect.set_options(timeout=5_000)  # Playwright's default, for the tests that follow
    for context in opened:
        context.close()


@contextlib.contextmanager
def step(name: str, *pages):
    """Name the journey's step (and the pages' addresses) on any failure inside it."""
    try:
        yield
    except BaseException as exc:
        where = "; ".join(p.url for p in pages if not p.is_closed())
        exc.add_note(f"hospital journey, step {name!r} (page: {where or '—'})")
        raise


def _action_form(page, name: str):
    """The form of the catalogued case action ``name`` (backoffice/_action_form.html)."""
    return page.locator(f"form:has(input[name=action][value={name}])")


def _request(number: str, department: str) -> CoordinationRequest:
    return CoordinationRequest.objects.get(case__number=number, department__code=department)


def _health_reads(number: str) -> int:
    case = Case.objects.get(number=number)
    return AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW, object_type=case._meta.label,
                                     object_id=str(case.pk)).count()


def _assert_no_health(page) -> None:
    text = page.content()
    assert DIAGNOSIS not in text and WARD not in text, "the diagnosis or ward is on a page that must not show it"


def test_a_family_asks_for_a_transfer_the_desk_coordinates_two_departments_one_late_and_the_family_rates(
        demo_server, contexts):
    server = demo_server
    desk = contexts(**DESK)
    with step("the demo hospital", desk):
        hospital = Unit.objects.get(code=DESK_CODE)
        assert hospital.is_hospital_desk and hospital.name == "云溪县人民医院便民服务中心"
        medical_chief = Unit.objects.get(code=MEDICAL[0]).chief_responsible
        assert medical_chief is not None and medical_chief.user.username == "yy_ywk1"

    number = _receive_and_accept(desk, server)
    _record_patient_and_read_health(desk, server, number)
    _send_two_requests(desk, server, number)
    _cardiology_answers_in_time(contexts(**DESK), server, number)
    _medical_office_answers_late(contexts(**DESK), server, number, medical_chief)
    code = _tell_family_decide_and_deliver(desk, server, number)
    _family_rates(contexts(**PHONE), server, number, code)


def _receive_and_accept(page, server: str) -> str:
    """李四 asks for a 转院 at the desk: yy_window1 receives the 转院协调 case and accepts it; return its number."""
    with step("receive the 转院协调 case (患者/家属 words)", page):
        login(page, server, "yy_window1")
        page.goto(f"{server}/staff/cases/new/?item={ITEM}")
        expect(page.locator("h1")).to_contain_text("转院协调")
        expect(page.locator("form[data-receive] fieldset legend").first).to_have_text("患者/家属")
        assert "申请人</legend>" not in page.content()
        page.fill("#id_name", FAMILY)
        page.fill("#id_id_number", FAMILY_ID)
        page.fill("#id_phone", FAMILY_PHONE)
        page.click("[data-receive-all]")
        page.get_by_role("button", name="确认收件（R）").click()
        expect(page.locator("main")).to_contain_text("已收件")
        number = page.locator("h1 small").inner_text().strip()
        assert Case.objects.get(number=number).unit.code == DESK_CODE
        # The case page says 患者/家属 for the applicant too.
        expect(page.locator("dl.fields dt", has_text="患者/家属")).to_have_count(1)

    with step("accept the case (hours-based promise)", page):
        page.get_by_role("button", name="受理（A）").click()
        expect(page.locator("dl.fields").first).to_contain_text("承诺办结时间")
        case = Case.objects.get(number=number)
        assert case.status == "ACCEPTED" and case.committed_due_at is not None
    return number


def _record_patient_and_read_health(page, server: str, number: str) -> None:
    with step("record the patient on the case page", page):
        form = page.locator("#patient-form")
        expect(form).to_be_visible()
        form.locator("input[name=patient_name]").fill(PATIENT)
        form.locator("select[name=relation]").select_option("PARENT")
        form.locator("textarea[name=diagnosis]").fill(DIAGNOSIS)
        form.locator("input[name=ward]").fill(WARD)
        form.get_by_role("button", name="保存患者信息").click()
        expect(page.locator("#patient")).to_contain_text(PATIENT)
        expect(page.locator("#patient")).to_contain_text("父母")
        expect(page.locator("#patient-form")).to_have_count(0)  # corrections only on the audited read's page
        patient = PatientRecord.objects.get(case__number=number)
        assert (patient.patient_name, patient.relation, patient.diagnosis, patient.ward) == (
            PATIENT, "PARENT", DIAGNOSIS, WARD)

    with step("the case page hides the diagnosis until 查看诊断和病区", page):
        page.reload()
        expect(page.locator("#patient")).to_contain_text(PATIENT)
        _assert_no_health(page)
        assert _health_reads(number) == 0
        page.locator("#hospital-panel").get_by_role("button", name="查看诊断和病区").click()
        health = page.locator("#health")
        expect(health).to_contain_text(DIAGNOSIS)
        expect(health).to_contain_text(WARD)
        assert _health_reads(number) == 1
        page.get_by_role("link", name=f"返回办件 {number}").click()
        expect(page.locator("#hospital-panel")).to_be_visible()
        _assert_no_health(page)
        assert _health_reads(number) == 1  # coming back reads nothing


def _send_two_requests(page, server: str, number: str) -> None:
    asks = ((CARDIO, 4, "患者家属要求转往市第一人民医院心内科，请评估转运风险并开具转诊单"),
            (MEDICAL, 2, "请联系市第一人民医院医务部对接床位，确认接收时间"))
    for (code, name), hours, question in asks:
        with step(f"send a coordination request to {name} ({hours} h)", page):
            form = page.locator("#send-form")
            form.locator("select[name=department]").select_option(label=name)
            form.locator("select[name=topic]").select_option("TRANSFER")
            form.locator("textarea[name=question]").fill(question)
            form.locator("input[name=reply_hours]").fill(str(hours))
            form.get_by_role("button", name="发出协调").click()
            expect(page.locator("#coordination tbody tr", has_text=name)).to_have_count(1)
            sent = _request(number, code)
            assert (sent.status, sent.reply_hours, sent.topic) == (RequestStatus.OPEN, hours, "TRANSFER")
            assert sent.due_at - sent.sent_at == dt.timedelta(hours=hours)
            assert DIAGNOSIS not in sent.question
    expect(page.locator("#coordination tbody tr")).to_have_count(2)


def _cardiology_answers_in_time(page, server: str, number: str) -> None:
    sent = _request(number, CARDIO[0])
    with step("心内科 finds the request in 科室协调 and answers in time", page):
        login(page, server, "yy_xnk1")
        page.get_by_role("link", name="科室协调").first.click()
        page.wait_for_url(f"{server}/staff/hospital/requests/")
        row = page.locator("#requests tbody tr", has_text=sent.number)
        expect(row).to_have_count(1)
        expect(row).not_to_contain_text("超时")
        assert page.locator("#requests tbody tr", has_text=_request(number, MEDICAL[0]).number).count() == 0
        row.get_by_role("link", name=sent.number).click()
        page.wait_for_url(f"{server}/staff/hospital/requests/{sent.pk}/")
        _assert_no_health(page)
        form = page.locator("#answer-form")
        form.locator("textarea[name=answer]").fill("已评估，患者生命体征平稳，可在医护陪同下转运，转诊单已开具")
        page.once("dialog", lambda dialog: dialog.accept())  # 确认提交答复？
        form.get_by_role("button", name="提交答复").click()
        expect(page.locator("h1 small")).to_have_text("科室已答复")
        expect(page.locator("#answer-form")).to_have_count(0)
        answered = _request(number, CARDIO[0])
        assert answered.status == RequestStatus.ANSWERED and not answered.late
        assert answered.answered_by is not None and answered.answered_by.user.username == "yy_xnk1"


def _medical_office_answers_late(page, server: str, number: str, chief) -> None:
    sent = _request(number, MEDICAL[0])
    with step("医务科's reply time passes and the sweep records it", page):
        moment = timezone.now()
        CoordinationRequest.objects.filter(pk=sent.pk).update(sent_at=moment - dt.timedelta(hours=3),
                                                              due_at=moment - dt.timedelta(hours=1))
        assert sweep.run(timezone.now())["coordination_late"] >= 1
        assert _request(number, MEDICAL[0]).late
        assert sweep.run(timezone.now())["coordination_late"] == 0  # once only

    with step("医务科 sees the request marked 超时 and answers", page):
        login(page, server, "yy_ywk1")
        page.get_by_role("link", name="科室协调").first.click()
        page.wait_for_url(f"{server}/staff/hospital/requests/")
        row = page.locator("#requests tbody tr", has_text=sent.number)
        expect(row).to_contain_text("超时")
        row.get_by_role("link", name=sent.number).click()
        page.wait_for_url(f"{server}/staff/hospital/requests/{sent.pk}/")
        expect(page.locator("#due")).to_contain_text("超时答复（已记录）")
        form = page.locator("#answer-form")
        form.locator("textarea[name=answer]").fill("已与市第一人民医院医务部联系，明日上午9时有床位，可接收")
        page.once("dialog", lambda dialog: dialog.accept())  # 确认提交答复？
        form.get_by_role("button", name="提交答复").click()
        expect(page.locator("h1 small")).to_have_text("科室已答复")

    with step("the request shows it was late; one COORDINATION_LATE violation on 医务科's chief", page):
        expect(page.locator("#due")).to_contain_text("超时答复（已记录）")
        expect(page.locator("#steps tbody tr", has_text="超时记录")).to_have_count(1)
        answered = _request(number, MEDICAL[0])
        assert answered.status == RequestStatus.ANSWERED and answered.late
        late = Violation.objects.filter(kind=ViolationKind.COORDINATION_LATE, case__number=number)
        assert late.count() == 1
        assert late.get().staff_id == chief.pk and sent.number in late.get().description
        assert Violation.objects.filter(kind=ViolationKind.COORDINATION_LATE, staff=chief).count() == 1
        assert DIAGNOSIS not in late.get().description


def _tell_family_decide_and_deliver(page, server: str, number: str) -> str:
    """The desk tells the family each answer (with the SMS), decides and hands over; return the query code the
    family holds (printed on the receipt, shown on the case page)."""
    for code, name in (CARDIO, MEDICAL):
        sent = _request(number, code)
        with step(f"tell the family what {name} answered (with the SMS)", page):
            page.goto(f"{server}/staff/cases/{number}/")
            page.locator("#coordination").get_by_role("link", name=sent.number).click()
            page.wait_for_url(f"{server}/staff/hospital/requests/{sent.pk}/")
            form = page.locator("#tell-form")
            form.locator("textarea[name=note]").fill(f"已电话告知患者儿子李四{name}的答复，家属表示同意")
            form.locator("input[name=send_sms]").check()
            page.once("dialog", lambda dialog: dialog.accept())  # 确认已告知…？
            form.get_by_role("button", name="记录告知并办结").click()
            expect(page.locator("h1 small")).to_have_text("已告知患者/家属")
            assert _request(number, code).status == RequestStatus.TOLD
            sms = Message.objects.get(kind="COORDINATION_TOLD", cause=f"coordination:{sent.pk}")
            assert sms.phone == FAMILY_PHONE and number in sms.body
            assert DIAGNOSIS not in sms.body and WARD not in sms.body and PATIENT not in sms.body

    with step("decide the case (no certificate number for this item)", page):
        page.goto(f"{server}/staff/cases/{number}/")
        statuses = page.locator("#coordination tbody tr td:nth-child(4)").all_inner_texts()
        assert statuses == ["已告知患者/家属", "已告知患者/家属"]
        form = _action_form(page, "decide")
        expect(form).to_be_visible()
        assert form.locator("input[name=certificate_number]").count() == 0
        form.locator("select[name=outcome]").select_option("GRANTED")
        form.locator("textarea[name=reasons]").fill("已联系市第一人民医院，明日上午9时转院，救护车已安排")
        page.once("dialog", lambda dialog: dialog.accept())
        form.get_by_role("button", name="决定").click()
        expect(page.locator("dl.fields").first).to_contain_text("已办结")

    with step("deliver the result to the family at the window", page):
        form = _action_form(page, "deliver")
        form.locator("select[name=method]").select_option("PICKUP")
        form.locator("input[name=received_by]").fill(FAMILY)
        page.once("dialog", lambda dialog: dialog.accept())
        form.get_by_role("button", name="送达").click()
        expect(page.locator("[data-delivery]")).to_contain_text(FAMILY)
        case = Case.objects.get(number=number)
        assert case.status == "DELIVERED"
        code = page.locator("dt:text-is('查询码') + dd").inner_text().strip()
        assert code == case.query_code
    return code


def _family_rates(page, server: str, number: str, code: str) -> None:
    with step("the family looks the case up (no health content) and follows the rating link", page):
        page.goto(f"{server}/lookup/")
        page.fill("#number", number)
        page.fill("#code", code)
        page.get_by_role("button", name="查询").click()
        link = page.locator("#rate-link")
        expect(link).to_be_visible()
        _assert_no_health(page)
        assert PATIENT not in page.content()
        link.get_by_role("button", name="评价本次服务").click()
        expect(page.locator("#rate-target")).to_contain_text(number)

    with step("the family rates 满意 and names 心内科", page):
        departments = page.locator("#rate-department")
        expect(departments).to_be_visible()
        expect(page.locator("label[for=rate-department]")).to_contain_text("涉及科室")
        departments.select_option(label=CARDIO[1])
        levels = page.locator("button[name=level]")
        expect(levels).to_have_count(5)
        assert levels.nth(1).inner_text().strip() == "满意"
        levels.nth(1).tap()
        expect(page.locator("#rate-done")).to_contain_text("满意")
        rating = Rating.objects.get(case__number=number)
        assert rating.level == 4 and rating.department is not None and rating.department.code == CARDIO[0]
        assert rating.staff.user.username == "yy_window1"
