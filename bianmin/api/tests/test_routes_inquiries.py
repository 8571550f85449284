"""One test per 首问 endpoint that had none (issue 15 item 6): the success path's status and body, and a refusal."""
import datetime as dt

import pytest
import time_machine

from bianmin.inquiries import services as svc
from conftest import api_token_headers

pytestmark = pytest.mark.django_db
TUESDAY = dt.datetime(2026, 3, 3, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing


def post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", headers=headers)


def registered(cast, matter="咨询个体工商户登记", who="window_a"):
    return svc.register_inquiry(actor=cast[who], channel="WINDOW", matter=matter, now=TUESDAY)


def referred(cast):
    inquiry = registered(cast)
    return svc.record_outcome(actor=cast["window_a"], number=inquiry.number, outcome="REFERRED_INTERNAL",
                              to_badge="B-window_b", result="转综合窗口B角", now=TUESDAY)


@pytest.mark.endpoint("GET", "/api/v1/inquiries")
@time_machine.travel(TUESDAY, tick=False)
def test_my_open_inquiries(client, cast):
    open_one = registered(cast)
    closed = registered(cast, matter="咨询办事时间")
    svc.record_outcome(actor=cast["window_a"], number=closed.number, outcome="ANSWERED", result="工作日办理",
                       now=TUESDAY)
    r = client.get("/api/v1/inquiries", headers=api_token_headers(client, "window_a"))
    assert r.status_code == 200
    body = r.json()
    assert [i["number"] for i in body] == [open_one.number]
    assert (body[0]["status"], body[0]["channel"], body[0]["matter"], body[0]["first_responder"]) == (
        "OPEN", "WINDOW", "咨询个体工商户登记", "window_a姓名")
    # Another clerk's list does not show them.
    assert client.get("/api/v1/inquiries", headers=api_token_headers(client, "window_b")).json() == []
    assert client.get("/api/v1/inquiries").status_code == 401


@pytest.mark.endpoint("POST", "/api/v1/inquiries/{number}/acknowledge")
@time_machine.travel(TUESDAY, tick=False)
def test_the_receiver_acknowledges_a_referral(client, cast):
    inquiry = referred(cast)
    r = post(client, f"/api/v1/inquiries/{inquiry.number}/acknowledge", {}, api_token_headers(client, "window_a"))
    assert r.status_code == 403  # only the receiver confirms
    h = api_token_headers(client, "window_b")
    r = post(client, f"/api/v1/inquiries/{inquiry.number}/acknowledge", {}, h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["number"], body["outcome"], body["referred_to"], body["status"]) == (
        inquiry.number, "REFERRED_INTERNAL", "window_b姓名", "OPEN")
    assert post(client, f"/api/v1/inquiries/{inquiry.number}/acknowledge", {}, h).status_code == 409


@pytest.mark.endpoint("POST", "/api/v1/inquiries/{number}/close")
@time_machine.travel(TUESDAY, tick=False)
def test_the_receiver_closes_a_referred_inquiry(client, cast):
    inquiry = referred(cast)
    h = api_token_headers(client, "window_b")
    r = post(client, f"/api/v1/inquiries/{inquiry.number}/close", {"result": " "}, h)
    assert r.status_code == 400 and "result" in r.json()["error"]["fields"]
    r = post(client, f"/api/v1/inquiries/{inquiry.number}/close", {"result": "已电话答复申请人"}, h)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["status"], body["result"]) == ("CLOSED", "已电话答复申请人")
    r = post(client, f"/api/v1/inquiries/{inquiry.number}/close", {"result": "再次办结"}, h)
    assert r.status_code == 409


def test_inquiry_channels_match_the_model():
    import typing

    from bianmin.api.routes_inquiries import InquiryChannel
    from bianmin.inquiries.models import Channel

    assert set(typing.get_args(InquiryChannel)) == set(Channel.values)
