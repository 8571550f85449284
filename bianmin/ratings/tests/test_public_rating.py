"""Rating by number + query code (扫码评价, 短信评价; issue 17 item 1, decision 0024): the page and the public API, the
lookup's throttle, a wrong code answered as an unknown number, and the SMS after delivery with the link."""
from __future__ import annotations

import re

import pytest
import time_machine

from bianmin.cases import services as svc
from bianmin.notifications.models import Message
from bianmin.ratings.models import BadRatingFollowUp, Channel, Rating
from bianmin.ratings.public import find_rateable
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, at

pytestmark = pytest.mark.django_db
LATER = at(MON, 12)
CITIZEN = "198.51.100.20"


def delivered(cast):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON, 9))
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON, 10))
    return svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="张三",
                            now=at(MON, 11))


@time_machine.travel(LATER, tick=False)
def test_the_qr_page_rates_by_number_and_code(client, cast, item):
    case = delivered(cast)
    page = client.get(f"/rate/?n={case.number}")
    assert page.status_code == 200 and case.number in page.content.decode() and 'name="code"' in page.content.decode()
    shown = client.post("/rate/", {"number": case.number, "code": case.query_code}).content.decode()
    assert case.item_version.name in shown and "window_a姓名" in shown and "B-window_a" in shown
    assert "张三" not in shown and "13800138000" not in shown  # nothing about the applicant
    r = client.post("/rate/", {"number": case.number, "code": case.query_code.lower(), "level": "1",
                               "comment": "态度差"}, REMOTE_ADDR=CITIZEN)
    assert r.status_code == 200 and "感谢您的评价" in r.content.decode()
    rating = Rating.objects.get()
    assert (rating.case, rating.channel, rating.level, rating.comment) == (case, Channel.QR, 1, "态度差")
    assert rating.staff == cast["window_a"].staff_profile and rating.window is None
    assert rating.real_name and rating.evaluator_name == "张三" and rating.evaluator_phone == "13800138000"
    assert BadRatingFollowUp.objects.filter(rating=rating).exists()
    again = client.post("/rate/", {"number": case.number, "code": case.query_code, "level": "5"})
    assert again.status_code == 409 and "已经评价过" in again.content.decode()
    assert Rating.objects.count() == 1
    # Shown again with the right code, the page says it was rated and offers no levels.
    page = client.post("/rate/", {"number": case.number, "code": case.query_code}).content.decode()
    assert 'id="rate-already"' in page and 'name="level"' not in page


@time_machine.travel(LATER, tick=False)
def test_the_sms_link_rates_through_the_sms_channel(client, cast, item):
    case = delivered(cast)
    r = client.post("/rate/", {"number": case.number, "code": case.query_code, "src": "sms", "level": "5"})
    assert r.status_code == 200
    assert Rating.objects.get().channel == Channel.SMS


@time_machine.travel(LATER, tick=False)
def test_a_wrong_code_answers_as_an_unknown_number(client, cast, item):
    case = delivered(cast)
    wrong = client.post("/rate/", {"number": case.number, "code": "WRONG123", "level": "5"})
    unknown = client.post("/rate/", {"number": "C1-NOPE-0001", "code": "WRONG123", "level": "5"})
    assert wrong.status_code == unknown.status_code == 404
    def plain(response, number):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode().replace(number, "N"))

    assert plain(wrong, case.number) == plain(unknown, "C1-NOPE-0001")
    assert case.item_version.name not in wrong.content.decode()
    assert not Rating.objects.exists()
    assert find_rateable(case.number, "") is None


@time_machine.travel(LATER, tick=False)
def test_a_case_not_yet_delivered_cannot_be_rated(client, cast, item):
    case = receive(cast)
    r = client.post("/rate/", {"number": case.number, "code": case.query_code, "level": "5"})
    assert r.status_code == 409 and "送达" in r.content.decode()
    assert not Rating.objects.exists()


@time_machine.travel(LATER, tick=False)
def test_the_rating_page_shares_the_lookup_throttle(client, cast, item):
    case = delivered(cast)
    for n in range(5):
        assert client.get("/lookup/", {"n": f"X{n}", "c": "WRONG123"}).status_code == 200
    for n in range(5):
        assert client.post("/rate/", {"number": f"Y{n}", "code": "WRONG123"}).status_code == 404
    r = client.post("/rate/", {"number": case.number, "code": case.query_code, "level": "5"})
    assert r.status_code == 429 and r["Retry-After"] == "60"
    assert not Rating.objects.exists()


def test_the_delivery_sms_carries_the_rating_link(cast, item, settings):
    settings.BIANMIN = {**settings.BIANMIN, "PUBLIC_BASE_URL": "https://zwfw.example.gov.cn/"}
    case = delivered(cast)
    sms = Message.objects.get(kind="CASE_DELIVER")
    assert f"https://zwfw.example.gov.cn/rate/?n={case.number}&src=sms" in sms.body
    assert case.query_code in sms.body


@time_machine.travel(LATER, tick=False)
def test_the_lookup_result_leads_to_the_rating(client, cast, item):
    case = delivered(cast)
    page = client.get("/lookup/", {"n": case.number, "c": case.query_code}).content.decode()
    assert 'action="/rate/"' in page and "评价本次服务" in page
    assert case.query_code not in page.split('action="/rate/"')[0].rsplit("<form", 1)[-1]  # not in a link


@time_machine.travel(at(MON.replace(day=9), 10), tick=False)
def test_a_delivered_relay_is_rated_by_its_db_number(client, cast, org, calendar):
    from bianmin.testing.relays import brought_back, county_item, opened_at_county

    county_item(cast)
    relay = brought_back(cast, org, opened_at_county(cast))
    r = client.post("/rate/", {"number": relay.number, "code": relay.query_code, "level": "5"})
    assert r.status_code == 200, r.content.decode()
    rating = Rating.objects.get()
    assert rating.relay == relay and rating.staff == cast["agent"].staff_profile
    assert rating.evaluator_name == relay.applicant_name and rating.channel == Channel.QR


@time_machine.travel(LATER, tick=False)
def test_after_the_result_of_a_bad_rating_is_told_the_qr_page_takes_the_one_follow_up_rating(client, cast, item):
    case = delivered(cast)
    client.post("/rate/", {"number": case.number, "code": case.query_code, "level": "1"})
    first = Rating.objects.get()
    BadRatingFollowUp.objects.filter(rating=first).update(status="TOLD")  # 回访, 整改 and 告知 done (R1's services)
    page = client.post("/rate/", {"number": case.number, "code": case.query_code}).content.decode()
    assert "追评" in page and 'name="level"' in page
    r = client.post("/rate/", {"number": case.number, "code": case.query_code, "level": "4"})
    assert r.status_code == 200, r.content.decode()
    again = Rating.objects.get(parent=first)
    assert again.level == 4 and again.channel == Channel.QR
