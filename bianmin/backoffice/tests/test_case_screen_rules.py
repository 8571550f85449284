"""Issue 10 on the staff screens: the same services as the API, buttons from the same policy."""
import pytest
import time_machine

from bianmin.cases import services as svc
from bianmin.cases.models import Case, ReturnRequest
from bianmin.testing.cases import GRANT
from bianmin.testing.factories import ALL_GOOD, MATERIALS, applicant
from bianmin.testing.factories import item_content as _content

from .test_case_screens import FROZEN, item  # noqa: F401 - fixture
from .test_views import login

pytestmark = pytest.mark.django_db


def _accepted(cast, materials=ALL_GOOD, code="SP-01", who="window_a"):
    case = svc.receive_case(actor=cast[who], item_code=code, applicant=applicant(), materials=materials,
                            now=FROZEN)
    return svc.accept_case(actor=cast[who], number=case.number, now=FROZEN)


@time_machine.travel(FROZEN, tick=False)
def test_the_handler_asks_and_the_leader_approves_a_return(client, cast, item):  # noqa: F811
    case = _accepted(cast)
    url = f"/staff/cases/{case.number}/"
    login(client, cast["window_a"])
    page = client.get(url).content.decode()
    assert "申请退件（须领导批准）" in page and 'value="return"' not in page  # no direct 退件 after acceptance
    r = client.post(url, {"action": "return_request", "reason": ""})
    assert r.status_code == 400 and not ReturnRequest.objects.exists()
    client.post(url, {"action": "return_request", "reason": "经核实不符合条件"})
    request = ReturnRequest.objects.get()
    assert "待领导审批" in client.get(url).content.decode()
    login(client, cast["leader"])
    page = client.get("/staff/approvals/").content.decode()
    assert "待审批的退件申请" in page and "经核实不符合条件" in page
    client.post("/staff/approvals/",
                {"subject": "return_request", "id": request.pk, "action": "approve", "note": "同意"})
    assert Case.objects.get(pk=case.pk).status == "RETURNED"


@time_machine.travel(FROZEN, tick=False)
def test_outside_powers_keeps_what_was_typed_and_names_the_contact(client, cast, item):  # noqa: F811
    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=FROZEN)
    login(client, cast["window_a"])
    url = f"/staff/cases/{case.number}/"
    r = client.post(url, {"action": "reject", "kind": "OUTSIDE_POWERS", "reason": "省级事项",
                          "competent_organ": "省市场监督管理局"})
    page = r.content.decode()
    assert r.status_code == 400 and "联系方式" in page and "省市场监督管理局" in page
    assert Case.objects.get(pk=case.pk).status == "RECEIVED"


@time_machine.travel(FROZEN, tick=False)
def test_the_decision_form_of_a_reported_case_asks_for_the_higher_organ(client, cast, org, item):  # noqa: F811
    from bianmin.catalog.services import create_item

    create_item(actor=cast["sysadmin"], code="SB-01", basic_code="9", content=_content(
        name="最低生活保障", kind="BENEFIT", default_class="REPORTED", special_procedures=[],
        implementing_unit=org["dept"]), materials=MATERIALS, fees=[], faqs=[], now=FROZEN, publish=True)
    reported, ordinary = _accepted(cast, code="SB-01"), _accepted(cast)
    login(client, cast["window_a"])
    page = client.get(f"/staff/cases/{reported.number}/").content.decode()
    assert "上报件" in page and 'name="decided_by_organ"' in page and '<option value="D1">' in page
    assert 'name="decided_by_organ"' not in client.get(f"/staff/cases/{ordinary.number}/").content.decode()
    r = client.post(f"/staff/cases/{reported.number}/", {"action": "decide", "outcome": "GRANTED",
                                                           "reasons": "上级机关已批准"})
    assert r.status_code == 400 and "上级机关" in r.content.decode()
    assert Case.objects.get(pk=reported.pk).status == "ACCEPTED"
    home = client.get("/staff/work/").content.decode()
    assert "上报件" in home


@time_machine.travel(FROZEN, tick=False)
def test_deferred_materials_on_the_case_page(client, cast, item):  # noqa: F811
    case = _accepted(cast, materials=ALL_GOOD[:1])
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=FROZEN)
    url = f"/staff/cases/{case.number}/"
    login(client, cast["window_a"])
    page = client.get(url).content.decode()
    assert "补交后即可领取办理结果" in page and "补交补办材料" in page
    r = client.post(url, {"action": "deliver", "method": "PICKUP", "received_by": "张三"})
    assert r.status_code == 400 and Case.objects.get(pk=case.pk).status == "DECIDED"
    login(client, cast["leader"])
    assert case.number in client.get("/staff/approvals/").content.decode()
    client.post(url, {"action": "deferred_exception", "reason": "申请人住院"})
    assert Case.objects.get(pk=case.pk).deferred_exception_at is not None
    login(client, cast["window_a"])
    client.post(url, {"action": "deliver", "method": "PICKUP", "received_by": "张三"})
    assert Case.objects.get(pk=case.pk).status == "DELIVERED"


def test_the_home_page_names_the_centers_chief(client, cast, org):
    from bianmin.org.models import Unit

    Unit.objects.filter(pk=org["center"].pk).update(chief_responsible=cast["leader"].staff_profile)
    login(client, cast["town_window"])  # the town names none: the county center's chief answers for it
    page = client.get("/staff/").content.decode()
    assert "首席责任人" in page and "leader姓名" in page


@time_machine.travel(FROZEN, tick=False)
def test_a_typed_word_where_a_number_belongs_is_a_400_not_a_500(client, cast, item):  # noqa: F811
    case = _accepted(cast)
    login(client, cast["window_a"])
    r = client.post(f"/staff/cases/{case.number}/", {"action": "fee", "fee": "abc", "amount": "1",
                                                      "receipt_number": "X1"})
    assert r.status_code == 400
    r = client.post(f"/staff/cases/{case.number}/", {"action": "pause_start", "kind": "TESTING", "basis": "送检",
                                                      "expected_days": "三天"})
    assert r.status_code == 400
    from conftest import sign_in

    sign_in(client, cast["leader"])
    for subject in ("transfer", "return_request", "extension"):
        r = client.post("/staff/approvals/", {"subject": subject, "id": "abc", "action": "approve"})
        assert r.status_code == 302


@time_machine.travel(FROZEN, tick=False)
def test_the_reveal_button_is_offered_only_to_who_may_reveal(client, cast, item):  # noqa: F811
    from conftest import sign_in

    case = _accepted(cast)
    login(client, cast["window_a"])
    assert "查看完整号码" in client.get(f"/staff/cases/{case.number}/").content.decode()
    sign_in(client, cast["leader"])  # leaders approve; they do not reveal (VIEW_FULL_PERSONAL_DATA)
    assert "查看完整号码" not in client.get(f"/staff/cases/{case.number}/").content.decode()
