"""The notice print page and the decision and delivery on the case page (issue 12 item 3)."""
import re

import pytest
import time_machine

from bianmin.backoffice.views_notices import print_parts
from bianmin.cases import services as svc
from bianmin.cases.models import Case, Notice
from bianmin.cases.pdf import notice_rows
from bianmin.testing.cases import GRANT
from bianmin.testing.factories import ALL_GOOD, applicant, make_item

from .test_case_screens import FROZEN, item  # noqa: F401 - fixture
from .test_views import login

pytestmark = pytest.mark.django_db


def _accepted(cast, code="SP-01"):
    case = svc.receive_case(actor=cast["window_a"], item_code=code, applicant=applicant(), materials=ALL_GOOD,
                            now=FROZEN)
    return svc.accept_case(actor=cast["window_a"], number=case.number, now=FROZEN)


@time_machine.travel(FROZEN, tick=False)
def test_the_print_page_links_back_to_the_case_and_hides_the_link_in_print(client, cast, item):  # noqa: F811
    case = _accepted(cast)
    notice = Notice.objects.get(case=case, kind="ACCEPTANCE")
    login(client, cast["window_a"])
    page = client.get(f"/staff/notices/{notice.number}/").content.decode()
    toolbar = re.search(r'<nav class="no-print toolbar".*?</nav>', page, re.S)[0]
    assert f'href="/staff/cases/{case.number}/"' in toolbar and f"返回办件 {case.number}" in toolbar
    assert ".no-print{display:none!important}" in page.replace(" ", "")  # hidden on paper
    assert "size:A4" in page


@time_machine.travel(FROZEN, tick=False)
def test_the_last_rows_are_kept_with_the_signature_as_in_the_pdf(client, cast, item):  # noqa: F811
    case = _accepted(cast)
    notice = Notice.objects.get(case=case, kind="ACCEPTANCE")
    parts = print_parts(notice.content)
    assert len(parts["rows_tail"]) == 2 and parts["rows_head"] + parts["rows_tail"] == notice_rows(notice.content)
    login(client, cast["window_a"])
    page = client.get(f"/staff/notices/{notice.number}/").content.decode()
    tail = page[page.index('<div class="tail">'):]
    for label, value in parts["rows_tail"]:
        assert f"<th>{label}</th><td>{value}</td>" in tail
    assert tail.index(parts["rows_tail"][-1][0]) < tail.index(notice.content["date"])
    lines = [{"material": f"材料{i}", "problem": "未签字", "standard": ""} for i in range(1, 6)]
    parts = print_parts({**notice.content, "lines": lines})
    assert [n for n, _ in parts["lines_head"]] == [1, 2, 3] and [n for n, _ in parts["lines_tail"]] == [4, 5]
    assert parts["rows_tail"] == []


@time_machine.travel(FROZEN, tick=False)
def test_the_decide_form_asks_for_the_certificate_only_where_one_is_issued(client, cast, org, item):  # noqa: F811
    make_item(cast, org, "RG-01", name="登记事项", result_type="RECORD", result_name="登记备案")
    certificate, record = _accepted(cast), _accepted(cast, code="RG-01")
    for c in (certificate, record):
        svc.start_case(actor=cast["window_a"], number=c.number, now=FROZEN)
    login(client, cast["window_a"])
    assert 'name="certificate_number"' in client.get(f"/staff/cases/{certificate.number}/").content.decode()
    assert 'name="certificate_number"' not in client.get(f"/staff/cases/{record.number}/").content.decode()
    url = f"/staff/cases/{certificate.number}/"
    r = client.post(url, {"action": "decide", "outcome": "GRANTED", "reasons": "符合条件"})
    assert r.status_code == 400 and "请填写证照编号" in r.content.decode()
    r = client.post(url, {"action": "decide", "outcome": "GRANTED", "certificate_number": "JY1"})
    assert r.status_code == 400 and Case.objects.get(pk=certificate.pk).status == "IN_PROGRESS"
    client.post(url, {"action": "decide", "outcome": "GRANTED", "reasons": "符合条件", "certificate_number": "JY1"})
    assert Case.objects.get(pk=certificate.pk).certificate_number == "JY1"


@time_machine.travel(FROZEN, tick=False)
def test_the_case_page_shows_how_and_to_whom_the_result_was_delivered(client, cast, item):  # noqa: F811
    case = _accepted(cast)
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", now=FROZEN, **GRANT)
    login(client, cast["window_a"])
    url = f"/staff/cases/{case.number}/"
    assert 'name="place"' in client.get(url).content.decode()
    client.post(url, {"action": "deliver", "method": "AGENT", "received_by": "王五（代办员）"})
    page = client.get(url).content.decode()
    delivery = re.search(r"<dd data-delivery>(.*?)</dd>", page, re.S)[1]
    assert "代办员送达" in delivery and "签收人：王五（代办员）" in delivery
    notice = Notice.objects.get(case=case, kind="DELIVERY")
    assert f"送达回证 {notice.number}" in page  # listed with the other notices, printable
    assert client.get(f"/staff/notices/{notice.number}/pdf/").content.startswith(b"%PDF")
    printed = client.get(f"/staff/notices/{notice.number}/").content.decode()
    assert "受送达人（签收人）签名" in printed and "送达人签名" in printed
