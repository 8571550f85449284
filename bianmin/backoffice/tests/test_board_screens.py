"""上墙公示 staff screens (issue 18 item 1): the system administrator's rules editor (preview, versions), a leader's
bulletins (publish, withdraw with confirmation) and the comments to handle; the nav shows each to its role."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bianmin.accounts.roles import Role
from bianmin.hall import board
from bianmin.hall.models import BoardRules, Bulletin, BulletinComment
from bianmin.testing.factories import NOW
from conftest import make_user, sign_in

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)
NAME, PHONE = "柳如烟", "13912345678"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def publish(cast, org, **extra):
    values = {"kind": "POLICY", "title": "医保政策调整公示", "body": "内容", "starts_on": TODAY,
              "ends_on": TODAY + dt.timedelta(days=6), "accepts_comments": True} | extra
    return board.publish_bulletin(actor=cast["leader"], unit_id=org["center"].pk, now=NOW, **values)


def test_the_nav_shows_the_board_screens_to_their_roles(client, cast):
    sign_in(client, cast["leader"])
    html = client.get("/staff/").content.decode()
    assert 'href="/staff/board/bulletins/"' in html and 'href="/staff/board/rules/"' not in html
    sign_in(client, cast["sysadmin"])
    html = client.get("/staff/").content.decode()
    assert 'href="/staff/board/rules/"' in html and 'href="/staff/board/bulletins/"' not in html
    sign_in(client, cast["window_a"])
    html = client.get("/staff/").content.decode()
    assert "/staff/board/" not in html


def test_the_rules_editor_previews_saves_versions_and_lists_them(client, cast, org):
    sign_in(client, cast["sysadmin"])
    page = client.get("/staff/board/rules/?unit=T1")
    assert page.status_code == 200 and "测试镇便民服务中心" in page.content.decode()
    body = '<h2>首问负责制</h2><p onclick="x()">内容</p><script>alert(1)</script>'
    r = client.post("/staff/board/rules/", {"unit": "C1", "title": "服务制度", "body_html": body, "note": "",
                                            "action": "preview"})
    html = r.content.decode()
    assert r.status_code == 200 and not BoardRules.objects.exists()
    preview = html[html.index('id="rules-preview"'):]
    assert "<h2>首问负责制</h2><p>内容</p>" in preview and "alert(1)" not in preview and "onclick" not in preview
    r = client.post("/staff/board/rules/", {"unit": "C1", "title": "服务制度", "body_html": body, "note": "首版",
                                            "action": "save"})
    assert r.status_code == 302 and r["Location"] == "/staff/board/rules/?unit=C1"
    client.post("/staff/board/rules/", {"unit": "C1", "title": "服务制度", "body_html": "<p>二版</p>", "note": "改",
                                        "action": "save"})
    assert list(BoardRules.objects.filter(unit=org["center"]).values_list("version", flat=True)) == [2, 1]
    html = client.get("/staff/board/rules/?unit=C1").content.decode()
    assert "第 2 版" in html and "第 1 版" in html and "&lt;p&gt;二版&lt;/p&gt;" in html  # the textarea, escaped


def test_the_rules_editor_names_the_empty_body_and_hides_other_units(client, cast, org):
    sign_in(client, cast["sysadmin"])
    r = client.post("/staff/board/rules/", {"unit": "C1", "title": "t", "body_html": "<script>x</script>",
                                            "note": "", "action": "save"})
    assert r.status_code == 400 and "请填写制度正文" in r.content.decode()
    assert client.get("/staff/board/rules/?unit=D1").status_code == 404  # a department has no board
    assert client.post("/staff/board/rules/", {"unit": "NOPE", "title": "t", "body_html": "<p>x</p>",
                                               "action": "save"}).status_code == 404
    assert not BoardRules.objects.exists()


def test_a_leader_publishes_and_withdraws_a_bulletin(client, cast, org):
    sign_in(client, cast["leader"])
    form = client.get("/staff/board/bulletins/new/").content.decode()
    assert 'value="2026-03-02"' in form and 'value="2026-03-08"' in form  # the minimum period proposed
    data = {"unit": "C1", "kind": "POLICY", "title": "医保政策调整公示", "body": "内容", "starts_on": "2026-03-02",
            "ends_on": "2026-03-07", "accepts_comments": "on"}
    r = client.post("/staff/board/bulletins/new/", data)
    assert r.status_code == 400 and "公示期不少于7天" in r.content.decode() and not Bulletin.objects.exists()
    r = client.post("/staff/board/bulletins/new/", data | {"ends_on": "2026-03-08"})
    assert r.status_code == 302
    bulletin = Bulletin.objects.get()
    assert bulletin.accepts_comments and bulletin.created_by == cast["leader"]
    listing = client.get("/staff/board/bulletins/").content.decode()
    assert "医保政策调整公示" in listing and "公示中" in listing and "data-confirm" in listing
    r = client.post(f"/staff/board/bulletins/{bulletin.pk}/withdraw/", {"reason": ""})
    assert r.status_code == 302 and Bulletin.objects.get().withdrawn_at is None
    r = client.post(f"/staff/board/bulletins/{bulletin.pk}/withdraw/", {"reason": "政策有变"})
    assert r.status_code == 302 and Bulletin.objects.get().withdraw_reason == "政策有变"
    assert "已撤回" in client.get("/staff/board/bulletins/").content.decode()


def test_withdraw_and_handle_are_404_out_of_scope_and_403_without_the_role(client, cast, org, django_user_model):
    bulletin = publish(cast, org)
    c = board.submit_comment(bulletin_id=bulletin.pk, kind="COMMENT", text="意见", name=NAME, phone=PHONE,
                             ip="10.0.0.1", now=NOW)
    town_leader = make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"])
    sign_in(client, town_leader)
    assert client.post(f"/staff/board/bulletins/{bulletin.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert client.post(f"/staff/board/comments/{c.pk}/handle/", {"handling": "x"}).status_code == 404
    assert client.get("/staff/board/comments/").content.decode().count('data-comment="') == 0
    sign_in(client, cast["window_a"])
    assert client.post(f"/staff/board/bulletins/{bulletin.pk}/withdraw/", {"reason": "x"}).status_code == 403
    assert client.post(f"/staff/board/comments/{c.pk}/handle/", {"handling": "x"}).status_code == 403
    assert client.get(f"/staff/board/bulletins/{bulletin.pk}/withdraw/").status_code in (403, 405)
    assert Bulletin.objects.get().withdrawn_at is None and BulletinComment.objects.get().handled_at is None


def test_a_leader_handles_a_comment_once(client, cast, org):
    bulletin = publish(cast, org)
    c = board.submit_comment(bulletin_id=bulletin.pk, kind="OBJECTION", text="材料要求不合理", name=NAME,
                             phone=PHONE, ip="10.0.0.1", now=NOW)
    sign_in(client, cast["leader"])
    assert "待处理意见 1 条" in client.get("/staff/board/bulletins/").content.decode()
    html = client.get("/staff/board/comments/").content.decode()
    assert "材料要求不合理" in html and "139****5678" in html and PHONE not in html  # the phone masked
    r = client.post(f"/staff/board/comments/{c.pk}/handle/", {"handling": " "})
    assert r.status_code == 302 and BulletinComment.objects.get().handled_at is None
    r = client.post(f"/staff/board/comments/{c.pk}/handle/", {"handling": "已删除该项材料要求"})
    assert r.status_code == 302 and BulletinComment.objects.get().handling == "已删除该项材料要求"
    client.post(f"/staff/board/comments/{c.pk}/handle/", {"handling": "改口"})
    assert BulletinComment.objects.get().handling == "已删除该项材料要求"
    assert "没有待处理的意见" in client.get("/staff/board/comments/").content.decode()
