"""The 首问 page: an outside referral asks for the competent organ's name and contact (issue 10 item 7)."""
import datetime as dt

import pytest
import time_machine

from bianmin.inquiries import services as inq
from bianmin.inquiries.models import Inquiry, InquiryEvent

from .test_views import login

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@time_machine.travel(FROZEN, tick=False)
def test_outside_referral_on_the_page_needs_the_contact_and_keeps_what_was_typed(client, cast):
    inquiry = inq.register_inquiry(actor=cast["window_a"], channel="WINDOW", matter="咨询个税汇算", now=FROZEN)
    url = f"/staff/inquiries/{inquiry.number}/"
    login(client, cast["window_a"])
    page = client.get(url).content.decode()
    assert "主管机关联系方式（告知向其他机关咨询时必填）" in page and 'name="contact"' in page

    r = client.post(url, {"action": "outcome", "outcome": "REFERRED_OUTSIDE", "authority": "县<税务>局",
                          "result": "个税由税务机关办理"})
    assert r.status_code == 400
    page = r.content.decode()
    beside_contact = page.split('name="contact"', 1)[1].split('class="form-row"', 1)[0]
    assert "请填写主管机关的联系方式（电话或地址）" in beside_contact
    assert 'value="县&lt;税务&gt;局"' in page and "个税由税务机关办理</textarea>" in page  # typed input kept
    assert '<option value="REFERRED_OUTSIDE" selected>' in page
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.outcome, inquiry.outside_authority) == ("OPEN", "", "")
    assert not InquiryEvent.objects.filter(inquiry=inquiry, action__startswith="OUTCOME_").exists()

    r = client.post(url, {"action": "outcome", "outcome": "REFERRED_OUTSIDE", "authority": "县税务局",
                          "contact": "0799-6100000",
                          "result": "个税由税务机关办理"})
    assert r.status_code == 302
    inquiry = Inquiry.objects.get(pk=inquiry.pk)
    assert (inquiry.status, inquiry.outside_authority, inquiry.outside_contact) == ("CLOSED", "县税务局",
                                                                                   "0799-6100000")
    page = client.get(url).content.decode()
    assert "<dt>主管机关</dt><dd>县税务局</dd>" in page
    assert "<dt>主管机关联系方式</dt><dd>0799-6100000</dd>" in page
