"""信访陪同 on the inquiry page (issue 13 item 6): the outcome form offers the upper departments, a refusal keeps
what was typed, the visit is listed, and the escort records the result on the same page."""
import datetime as dt

import pytest
import time_machine

from bianmin.inquiries import services as inq
from bianmin.inquiries.models import EscortVisit, Inquiry

from .test_views import login

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


@time_machine.travel(FROZEN, tick=False)
def test_the_escort_is_assigned_and_reports_on_the_inquiry_page(client, cast):
    inquiry = inq.register_inquiry(actor=cast["town_window"], channel="WINDOW", matter="咨询低保政策", now=FROZEN)
    url = f"/staff/inquiries/{inquiry.number}/"
    login(client, cast["town_window"])
    page = client.get(url).content.decode()
    assert '<option value="ESCORTED">指派专人陪同到上级部门咨询</option>' in page
    assert '<option value="D1">测试县市场监督管理局</option>' in page and '<option value="C1">' in page
    assert '<option value="V1">' not in page and 'name="visit_date"' in page and 'type="date"' in page

    r = client.post(url, {"action": "outcome", "outcome": "ESCORTED", "to_badge": "B-agent",
                          "visit_date": "2026-03-01", "destination": "D1", "result": "陪同咨询"})
    assert r.status_code == 400
    page = r.content.decode()
    assert "陪同日期不能早于今天（2026-03-02）" in page.split('name="visit_date"', 1)[1]
    assert 'value="B-agent"' in page and '<option value="D1" selected>' in page  # typed input kept
    assert not EscortVisit.objects.exists()

    r = client.post(url, {"action": "outcome", "outcome": "ESCORTED", "to_badge": "B-agent",
                          "visit_date": "2026-03-04", "destination": "D1", "result": "陪同咨询"})
    assert r.status_code == 302
    page = client.get(url).content.decode()
    assert "<dt>处理方式</dt><dd>指派专人陪同到上级部门咨询</dd>" in page
    assert "2026-03-04" in page and "agent姓名（B-agent，测试村便民服务站）" in page and "待陪同" in page
    assert 'value="escort_result"' in page and 'value="outcome"' not in page and 'value="close"' not in page

    login(client, cast["agent"])  # the escort, at the station below, opens it from the message
    page = client.get(url).content.decode()
    assert 'value="escort_result"' in page and "同时办结本首问登记" in page
    r = client.post(url, {"action": "escort_result", "result": "", "close": "on"})
    assert r.status_code == 400
    r = client.post(url, {"action": "escort_result", "result": "市场监管局答复：需补充收入证明"})
    assert r.status_code == 302
    assert Inquiry.objects.get(pk=inquiry.pk).status == "OPEN"
    page = client.get(r["Location"]).content.decode()
    assert "已登记陪同结果" in page and "市场监管局答复：需补充收入证明" in page

    login(client, cast["town_window"])
    page = client.get(url).content.decode()
    assert 'value="outcome"' in page and 'value="close"' in page  # the first responder goes on


@time_machine.travel(dt.datetime(2026, 3, 5, 1, 0, tzinfo=dt.UTC), tick=False)
def test_a_visit_past_its_date_without_a_result_is_flagged_on_the_page(client, cast):
    inquiry = inq.register_inquiry(actor=cast["town_window"], channel="WINDOW", matter="咨询低保政策", now=FROZEN)
    inq.record_outcome(actor=cast["town_window"], number=inquiry.number, outcome="ESCORTED", now=FROZEN,
                       to_badge="B-agent", visit_date=dt.date(2026, 3, 4), organ="市信访局")
    login(client, cast["town_window"])
    page = client.get(f"/staff/inquiries/{inquiry.number}/").content.decode()
    assert "陪同日期已过，尚未登记陪同结果" in page and "市信访局" in page
