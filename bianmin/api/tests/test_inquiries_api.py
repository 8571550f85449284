"""首问 through the API: an outside referral names the competent organ and its contact (issue 10 item 7)."""
import datetime as dt

import pytest
import time_machine

from bianmin.audit.models import AuditEntry
from bianmin.inquiries.models import Inquiry, InquiryEvent

from .test_cases_api import post, token

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing


def registered(client, h) -> str:
    r = post(client, "/api/v1/inquiries", {"channel": "WINDOW", "matter": "咨询个人所得税汇算"}, h)
    assert r.status_code == 201
    return r.json()["number"]


@time_machine.travel(FROZEN, tick=False)
@pytest.mark.parametrize(("body", "fields"), [
    ({"authority": "县税务局"}, {"contact"}),
    ({"authority": "县税务局", "contact": "  "}, {"contact"}),
    ({"contact": "0799-6100000"}, {"authority"}),
    ({}, {"authority", "contact"}),
], ids=["no-contact", "blank-contact", "no-authority", "neither"])
def test_outside_referral_without_name_or_contact_is_400_and_writes_nothing(client, cast, body, fields):
    h = token(client, "window_a")
    number = registered(client, h)
    before = (list(Inquiry.objects.values()), InquiryEvent.objects.count(), AuditEntry.objects.count())
    r = post(client, f"/api/v1/inquiries/{number}/outcome", {"outcome": "REFERRED_OUTSIDE", **body}, h)
    assert r.status_code == 400
    error = r.json()["error"]
    assert set(error["fields"]) == fields and "联系方式" in error["message"]
    if "contact" in fields:
        assert error["fields"]["contact"] == ["请填写主管机关的联系方式（电话或地址）"]
    assert (list(Inquiry.objects.values()), InquiryEvent.objects.count(), AuditEntry.objects.count()) == before


@time_machine.travel(FROZEN, tick=False)
def test_outside_referral_shows_the_organ_and_its_contact(client, cast):
    h = token(client, "window_a")
    number = registered(client, h)
    r = post(client, f"/api/v1/inquiries/{number}/outcome",
             {"outcome": "REFERRED_OUTSIDE", "authority": "县税务局", "contact": "0799-6100000",
              "result": "个税汇算由税务机关办理"}, h)
    assert r.status_code == 200
    body = r.json()
    assert (body["status"], body["outside_authority"], body["outside_contact"]) == ("CLOSED", "县税务局",
                                                                                  "0799-6100000")
    # Other outcomes carry the two fields empty.
    other = registered(client, h)
    body = post(client, f"/api/v1/inquiries/{other}/outcome", {"outcome": "ANSWERED", "result": "已解答"}, h).json()
    assert (body["outside_authority"], body["outside_contact"]) == ("", "")
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"outside_authority", "outside_contact"} <= set(schema["InquiryOut"]["required"])
