"""The rating pad (issue 17 item 1, decision 0024): issue, activate, revoke; the clerk on duty; 请评价 → rate → a second
rating refused; nothing on the pad prompts a score."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from bianmin.cases import services as svc
from bianmin.core.errors import Conflict, Forbidden, NotFound
from bianmin.inquiries import services as inq
from bianmin.org.models import Absence, AbsenceKind
from bianmin.ratings.models import BadRatingFollowUp, Channel, Rating, RatingInvite, RatingPad
from bianmin.ratings.pads import activate_pad, invite_rating, issue_pad, on_duty, pad_for_token, revoke_pad
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, at
from conftest import sign_in

pytestmark = pytest.mark.django_db
NOON = at(MON, 12)
PAD_COOKIE = "bianmin_pad"


def delivered(cast):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON, 9))
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON, 10))
    return svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="张三",
                            now=at(MON, 11))


@pytest.fixture
def window(cast):
    return cast["post"].window


@pytest.fixture
def active_pad(cast, window):
    pad, code = issue_pad(actor=cast["supervisor"], window_id=window.pk, label="1号窗口平板", now=NOON)
    pad, token = activate_pad(code=code, ip="192.0.2.1", now=NOON)
    return pad, token


def pad_client(client, token):
    client.cookies[PAD_COOKIE] = token
    return client


# --- issue, activate, revoke ---------------------------------------------------------------------------------------


def test_issue_stores_only_digests_and_the_code_works_once(cast, window):
    pad, code = issue_pad(actor=cast["supervisor"], window_id=window.pk, label="1号窗口平板", now=NOON)
    assert len(code) == 10 and code not in (pad.activation_hash, pad.token_hash)
    assert pad.activation_expires_at == NOON + dt.timedelta(hours=24)
    activated, token = activate_pad(code=code.lower(), ip=None, now=NOON + dt.timedelta(hours=1))
    assert activated.pk == pad.pk and activated.activation_hash == "" and token not in activated.token_hash
    assert pad_for_token(token, now=NOON).pk == pad.pk
    with pytest.raises(NotFound) as refused:  # the code is void once used
        activate_pad(code=code, ip=None, now=NOON + dt.timedelta(hours=1))
    assert "code" in refused.value.fields


def test_an_expired_code_and_a_wrong_code_are_refused_alike(cast, window):
    _, code = issue_pad(actor=cast["supervisor"], window_id=window.pk, label="平板", now=NOON)
    with pytest.raises(NotFound) as late:
        activate_pad(code=code, ip=None, now=NOON + dt.timedelta(hours=24, seconds=1))
    with pytest.raises(NotFound) as wrong:
        activate_pad(code="ABCDEFGHJK", ip=None, now=NOON)
    assert late.value.message == wrong.value.message


def test_only_supervisors_of_the_scope_issue_and_revoke(cast, window, org):
    with pytest.raises(Forbidden):
        issue_pad(actor=cast["window_a"], window_id=window.pk, label="平板", now=NOON)
    with pytest.raises(Forbidden):
        issue_pad(actor=cast["leader"], window_id=window.pk, label="平板", now=NOON)
    from bianmin.org.models import Window
    far = Window.objects.create(unit=org["town_center"], number="09", name="镇窗口")
    from django.contrib.auth import get_user_model

    from bianmin.accounts.roles import Role
    from conftest import make_user
    town_supervisor = make_user(get_user_model(), "town_sup", Role.SUPERVISOR, org["town_center"])
    with pytest.raises(NotFound) as out_of_scope:
        issue_pad(actor=town_supervisor, window_id=window.pk, label="平板", now=NOON)
    assert "window" in out_of_scope.value.fields
    issue_pad(actor=cast["supervisor"], window_id=far.pk, label="平板", now=NOON)  # a window below the county
    county_pad, _ = issue_pad(actor=cast["supervisor"], window_id=window.pk, label="平板", now=NOON)
    with pytest.raises(NotFound):
        revoke_pad(actor=town_supervisor, pad_id=county_pad.pk, now=NOON)
    assert RatingPad.objects.get(pk=county_pad.pk).revoked_at is None


def test_a_revoked_token_is_refused_and_the_pad_goes_to_activation(client, cast, active_pad):
    pad, token = active_pad
    pad_client(client, token)
    with time_machine.travel(NOON, tick=False):
        assert client.get("/pad/").status_code == 200
        revoke_pad(actor=cast["supervisor"], pad_id=pad.pk, now=NOON)
        assert pad_for_token(token, now=NOON) is None
        r = client.get("/pad/")
        assert r.status_code == 302 and r["Location"] == "/pad/activate/"
        assert client.get("/pad/state/").status_code == 401
        assert client.post("/pad/rate/", {"invite": "1", "level": "5"}).status_code == 302
    with pytest.raises(Conflict):
        revoke_pad(actor=cast["supervisor"], pad_id=pad.pk, now=NOON)


def test_unknown_token_goes_to_activation(client, db):
    client.cookies[PAD_COOKIE] = "made-up"
    r = client.get("/pad/")
    assert r.status_code == 302 and r["Location"] == "/pad/activate/"


@time_machine.travel(NOON, tick=False)
def test_activation_page_sets_a_strict_httponly_cookie(client, cast, window):
    _, code = issue_pad(actor=cast["supervisor"], window_id=window.pk, label="平板", now=NOON)
    r = client.post("/pad/activate/", {"code": "WRONGWRONG"})
    assert r.status_code == 404 and "激活码不正确" in r.content.decode()
    r = client.post("/pad/activate/", {"code": code})
    assert r.status_code == 302 and r["Location"] == "/pad/"
    cookie = r.cookies[PAD_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and int(cookie["max-age"]) > 365 * 86400
    assert RatingPad.objects.get().token_hash != cookie.value  # only the digest is stored
    assert client.get("/pad/").status_code == 200
    assert client.post("/pad/activate/", {"code": code}).status_code == 404  # the code is void


@time_machine.travel(NOON, tick=False)
def test_activation_is_throttled_per_address(client, db):
    for _ in range(10):
        assert client.post("/pad/activate/", {"code": "GUESS12345"}).status_code == 404
    assert client.post("/pad/activate/", {"code": "GUESS12345"}).status_code == 429


# --- the clerk on duty -----------------------------------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_the_pad_shows_the_clerk_on_duty_and_the_b_when_a_is_away(client, cast, active_pad, window):
    _, token = active_pad
    pad_client(client, token)
    page = client.get("/pad/").content.decode()
    assert "window_a姓名" in page and "B-window_a" in page and "window_b姓名" not in page
    assert "/static/js/rating_pad.js" in page and "<script>" not in page  # the CSP: no inline script
    Absence.objects.create(staff=cast["window_a"].staff_profile, kind=AbsenceKind.LEAVE, start_date=MON,
                           end_date=MON)
    assert on_duty(window, MON) == [cast["window_b"].staff_profile]
    page = client.get("/pad/").content.decode()
    assert "window_b姓名" in page and "window_a姓名" not in page
    state = client.get("/pad/state/").json()
    assert state == {"active": True, "invite": None, "duty": str(cast["window_b"].staff_profile.pk)}


# --- 请评价 → rate → a second rating ---------------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_invite_then_rate_on_the_pad_then_a_second_rating_is_409(client, cast, item, active_pad):
    pad, token = active_pad
    case = delivered(cast)
    staff = client_for(cast["window_a"])
    page = staff.get(f"/staff/cases/{case.number}/").content.decode()
    assert "请评价" in page
    r = staff.post("/staff/rating-invite/", {"subject": "CASE", "number": case.number})
    assert r.status_code == 302 and r["Location"] == f"/staff/cases/{case.number}/"
    invite = RatingInvite.objects.get()
    assert invite.staff == cast["window_a"].staff_profile and invite.window == pad.window
    assert invite.expires_at == NOON + dt.timedelta(minutes=10)

    pad_client(client, token)
    assert client.get("/pad/state/").json()["invite"] == invite.pk
    page = client.get("/pad/").content.decode()
    assert case.item_version.name in page and "张三" not in page  # nothing about the applicant on the pad
    r = client.post("/pad/rate/", {"invite": invite.pk, "level": "2", "comment": "等候太久"})
    assert r.status_code == 200 and "感谢您的评价" in r.content.decode()
    rating = Rating.objects.get()
    assert (rating.channel, rating.level, rating.staff, rating.window) == (
        Channel.PAD, 2, cast["window_a"].staff_profile, pad.window)
    assert rating.real_name and rating.evaluator_name == "张三" and rating.evaluator_phone == "13800138000"
    assert BadRatingFollowUp.objects.filter(rating=rating, status="VISIT").exists()  # a real-name 差评
    assert client.get("/pad/state/").json()["invite"] is None

    second = client.post("/pad/rate/", {"invite": invite.pk, "level": "5"})  # a double tap, or a replay
    assert second.status_code == 409 and "已经评价过" in second.content.decode()
    assert Rating.objects.count() == 1
    # ...and the clerk's button is gone: the service was rated.
    assert "rating-invite" not in staff.get(f"/staff/cases/{case.number}/").content.decode()
    with pytest.raises(Conflict):
        invite_rating(actor=cast["window_a"], subject="CASE", number=case.number, now=NOON)


@time_machine.travel(NOON, tick=False)
def test_nothing_on_the_pad_prompts_a_score(client, cast, item, active_pad):
    _, token = active_pad
    case = delivered(cast)
    invite_rating(actor=cast["window_a"], subject="CASE", number=case.number, now=NOON)
    page = pad_client(client, token).get("/pad/").content.decode()
    buttons = re.findall(r"<button[^>]*>[^<]*</button>", page)
    levels = [b for b in buttons if 'name="level"' in b]
    assert [re.sub(r"<[^>]+>", "", b) for b in levels] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    classes = {re.search(r'class="([^"]*)"', b).group(1) for b in levels}
    assert classes == {"rating-level"}  # drawn alike: one class for all five
    for b in levels:
        assert not re.search(r"checked|autofocus|selected|aria-pressed|default|primary|highlight", b), b
    assert "autofocus" not in page and "checked" not in page


def test_invite_is_refused_before_delivery_without_a_pad_or_for_others(cast, item, window):
    case = receive(cast)
    with pytest.raises(Conflict):  # not delivered: nothing to rate yet
        invite_rating(actor=cast["window_a"], subject="CASE", number=case.number, now=NOON)
    case = delivered(cast)
    with pytest.raises(Conflict) as no_pad:
        invite_rating(actor=cast["window_a"], subject="CASE", number=case.number, now=NOON)
    assert "评价器" in no_pad.value.message
    with pytest.raises(NotFound):  # a case out of sight
        invite_rating(actor=cast["town_window"], subject="CASE", number=case.number, now=NOON)


@time_machine.travel(NOON, tick=False)
def test_an_expired_invite_and_another_windows_invite_are_refused(client, cast, item, active_pad):
    _, token = active_pad
    case = delivered(cast)
    invite = invite_rating(actor=cast["window_a"], subject="CASE", number=case.number, now=NOON)
    pad_client(client, token)
    with time_machine.travel(NOON + dt.timedelta(minutes=11), tick=False):
        assert "pad-form" not in client.get("/pad/").content.decode()
        r = client.post("/pad/rate/", {"invite": invite.pk, "level": "5"})
        assert r.status_code == 409 and "已过期" in r.content.decode()
    assert client.post("/pad/rate/", {"invite": invite.pk + 99, "level": "5"}).status_code == 404
    assert client.post("/pad/rate/", {"invite": invite.pk, "level": "9"}).status_code == 400
    assert not Rating.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_an_answered_inquiry_is_rated_on_the_pad_with_the_visitor(client, cast, active_pad):
    _, token = active_pad
    inquiry = inq.register_inquiry(actor=cast["window_a"], now=NOON, channel="WINDOW", matter="咨询社保转移",
                                   visitor_name="李四", phone="13900139000")
    inq.record_outcome(actor=cast["window_a"], number=inquiry.number, outcome="ANSWERED", result="已答复", now=NOON)
    inquiry.refresh_from_db()
    assert inquiry.status == "CLOSED"
    staff = client_for(cast["window_a"])
    assert "请评价" in staff.get(f"/staff/inquiries/{inquiry.number}/").content.decode()
    assert staff.post("/staff/rating-invite/", {"subject": "INQUIRY", "number": inquiry.number}).status_code == 302
    invite = RatingInvite.objects.get()
    r = pad_client(client, token).post("/pad/rate/", {"invite": invite.pk, "level": "4"})
    assert r.status_code == 200
    rating = Rating.objects.get()
    assert rating.inquiry == inquiry and rating.evaluator_name == "李四" and rating.channel == Channel.PAD


# --- the supervisor's page ------------------------------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_the_supervisor_issues_and_revokes_on_the_pads_page(cast, window):
    page = client_for(cast["supervisor"])
    assert window.name in page.get("/staff/pads/").content.decode()
    r = page.post("/staff/pads/", {"action": "issue", "window": window.pk, "label": "1号窗口平板"})
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    code = re.search(r'id="activation-code">([A-Z0-9]+)<', r.content.decode()).group(1)
    pad = RatingPad.objects.get()
    assert activate_pad(code=code, ip=None, now=NOON)[0] == pad
    assert code not in page.get("/staff/pads/").content.decode()  # shown once
    r = page.post("/staff/pads/", {"action": "issue", "window": window.pk, "label": ""})
    assert r.status_code == 400 and "设备名称" in r.content.decode()
    r = page.post("/staff/pads/", {"action": "revoke", "pad": pad.pk})
    assert r.status_code == 302
    assert RatingPad.objects.get().revoked_at == NOON
    assert client_for(cast["window_a"]).post("/staff/pads/", {"action": "revoke", "pad": pad.pk}).status_code == 403


def client_for(user):
    from django.test import Client

    c = Client()
    sign_in(c, user)
    return c


def test_the_invite_button_agrees_with_the_refusal_and_asks_nothing_of_a_service_ended_another_day(
        cast, item, active_pad, django_assert_num_queries):
    """``may_invite`` (the case page's button) is ``invite_refusal is None``; its no-query condition comes first."""
    from bianmin.cases.models import Case
    from bianmin.ratings.pads import invite_refusal, may_invite

    running = receive(cast)
    case = Case.objects.get(pk=delivered(cast).pk)
    for actor in (cast["window_a"], cast["town_window"], cast["supervisor"]):
        for instance in (running, case):
            for day in (MON, MON + dt.timedelta(days=1)):
                assert may_invite(actor, "CASE", instance, today=day) == (
                    invite_refusal(actor, "CASE", instance, today=day) is None), (actor, instance.status, day)
    assert may_invite(cast["window_a"], "CASE", case, today=MON)
    with django_assert_num_queries(0):
        assert not may_invite(cast["window_a"], "CASE", case, today=MON + dt.timedelta(days=1))
        assert not may_invite(cast["window_a"], "CASE", running, today=MON)
