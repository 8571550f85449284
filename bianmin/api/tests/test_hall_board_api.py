"""上墙公示 endpoints (issue 18 item 1): the public board and the comment (throttled: 429), a leader's bulletins and
comments, the system administrator's rules — and no public answer carries a commenter's name or phone."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bianmin.hall import board
from bianmin.hall.models import BoardRules, Bulletin, BulletinComment
from bianmin.org.models import Absence, AbsenceKind
from bianmin.testing.factories import NOW, assert_error
from conftest import api_token_headers

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)
NAME, PHONE = "柳如烟", "13912345678"
JSON = "application/json"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def publish(cast, org, **extra):
    values = {"kind": "SAFETY", "title": "消防通道整改公示", "body": "内容", "starts_on": TODAY,
              "ends_on": TODAY + dt.timedelta(days=6), "accepts_comments": True} | extra
    return board.publish_bulletin(actor=cast["leader"], unit_id=org["center"].pk, now=NOW, **values)


@pytest.mark.endpoint("GET", "/api/v1/public/board/{code}")
def test_the_public_board(client, cast, org):
    Absence.objects.create(staff=cast["window_a"].staff_profile, kind=AbsenceKind.LEAVE, start_date=TODAY,
                           end_date=TODAY)
    board.save_rules(actor=cast["sysadmin"], unit_id=org["center"].pk, title="制度", body_html="<p>首问</p>",
                     note="", now=NOW)
    b = publish(cast, org)
    c = board.submit_comment(bulletin_id=b.pk, kind="OBJECTION", text="通道仍被占用", name=NAME, phone=PHONE,
                             ip="10.0.0.1", now=NOW)
    board.handle_comment(actor=cast["leader"], comment_id=c.pk, handling="已清理", now=NOW)
    r = client.get("/api/v1/public/board/C1")
    assert r.status_code == 200
    body = r.json()
    assert body["unit"]["code"] == "C1" and body["date"] == "2026-03-02" and body["complaint_phone"] == "12345"
    post = body["posts"][0]
    assert post["a"]["name"] == "window_a姓名" and post["a"]["badge_number"] == "B-window_a"
    assert post["a_absent"] and post["on_duty"] == "B"
    assert post["stand_in"] == "B角 window_b姓名 代 A角 window_a姓名 在岗"
    assert body["rules"]["body_html"] == "<p>首问</p>" and body["rules"]["version"] == 1
    [bulletin] = body["bulletins"]
    assert bulletin["comments"] == [{"kind": "OBJECTION", "kind_label": "异议", "received_on": "2026-03-02",
                                     "text": "通道仍被占用", "handling": "已清理", "handled_on": "2026-03-02"}]
    assert NAME not in r.content.decode() and PHONE not in r.content.decode() and "5678" not in r.content.decode()
    assert [f["month"] for f in body["figures"]] == ["2026-02-01", "2026-03-01"] and body["outreach"] == []
    assert body["figures"][1]["partial"] and body["figures"][1]["on_time_rate"] is None
    assert_error(client.get("/api/v1/public/board/D1"), 404)
    assert_error(client.get("/api/v1/public/board/NOPE"), 404)


@pytest.mark.endpoint("GET", "/api/v1/public/board/{code}")
def test_the_public_board_lists_the_desk_s_care_events(client, cast, org, django_user_model):
    """便民活动 (issue 14 item 3): published, cancelled with the reason, held with the attendance; never a planned
    one, and the fields of one status empty on the others."""
    from bianmin.testing.care_events import ATTENDANCE, CANCEL_REASON, board_events
    from bianmin.testing.hospital import hospital_cast
    from conftest import make_user

    events = board_events(hospital_cast(org, django_user_model, make_user))
    r = client.get("/api/v1/public/board/YY1")
    assert r.status_code == 200
    shown = r.json()["events"]
    assert [e["id"] for e in shown] == [events["held"].pk, events["published"].pk, events["cancelled"].pk]
    held, published, cancelled = shown
    assert held["status"] == "HELD" and held["attendance"] == ATTENDANCE and held["summary"]
    assert held["departments"] == ["心内科", "医务科"] and held["cancel_reason"] == ""
    assert published == {
        "id": events["published"].pk, "kind": "HEALTH_TALK", "kind_label": "健康讲座",
        "title": "高血压和糖尿病的家庭管理", "description": "心内科主任讲解家庭血压测量", "place": "门诊楼前广场",
        "starts_at": "2026-03-04T09:00:00Z",
        "ends_at": "2026-03-04T12:00:00Z", "departments": ["心内科"], "capacity": 120, "status": "PUBLISHED",
        "status_label": "已发布", "cancel_reason": "", "attendance": None, "summary": ""}
    assert cancelled["status"] == "CANCELLED" and cancelled["cancel_reason"] == CANCEL_REASON
    assert cancelled["attendance"] is None
    assert client.get("/api/v1/public/board/C1").json()["events"] == []


def test_board_reads_are_throttled_per_address(client, org, monkeypatch):
    from bianmin.api import routes_hall_board

    monkeypatch.setattr(routes_hall_board, "BOARD_READS_PER_MINUTE", 2)
    assert [client.get("/api/v1/public/board/C1").status_code for _ in range(2)] == [200, 200]
    r = client.get("/api/v1/public/board/C1")
    assert_error(r, 429)
    assert r["Retry-After"] == "60"
    assert client.get("/api/v1/public/board/C1", REMOTE_ADDR="10.9.9.9").status_code == 200


@pytest.mark.endpoint("POST", "/api/v1/public/bulletins/{bulletin_id}/comments")
def test_a_comment_through_the_api(client, cast, org, settings):
    b = publish(cast, org)
    url = f"/api/v1/public/bulletins/{b.pk}/comments"
    body = {"kind": "COMMENT", "text": "建议延长公示", "name": NAME, "phone": PHONE}
    r = client.post(url, body, content_type=JSON)
    assert r.status_code == 201 and "姓名和电话不公开" in r.json()["notice"]
    assert NAME not in r.content.decode() and PHONE not in r.content.decode()
    assert_error(client.post(url, body | {"phone": "12345"}, content_type=JSON), 400, "phone")
    assert_error(client.post(url, body | {"name": " "}, content_type=JSON), 400, "name")
    assert_error(client.post("/api/v1/public/bulletins/999999/comments", body, content_type=JSON), 404)
    closed = publish(cast, org, accepts_comments=False)
    assert_error(client.post(f"/api/v1/public/bulletins/{closed.pk}/comments", body, content_type=JSON), 409)
    for _ in range(settings.BIANMIN["HALL"]["COMMENTS_PER_ADDRESS_HOUR"] - 1):
        assert client.post(url, body, content_type=JSON).status_code == 201
    r = client.post(url, body, content_type=JSON)
    assert_error(r, 429)
    assert r["Retry-After"] == "3600"
    assert BulletinComment.objects.count() == settings.BIANMIN["HALL"]["COMMENTS_PER_ADDRESS_HOUR"]


@pytest.mark.endpoint("GET", "/api/v1/public/board/{code}/bulletins/{bulletin_id}")
@pytest.mark.endpoint("GET", "/api/v1/public/board/{code}/archive")
def test_a_bulletin_and_the_archive_with_their_handled_comments(client, cast, org):
    b = publish(cast, org)
    c = board.submit_comment(bulletin_id=b.pk, kind="OBJECTION", text="通道仍被占用", name=NAME, phone=PHONE,
                             ip="10.0.0.1", now=NOW)
    board.handle_comment(actor=cast["leader"], comment_id=c.pk, handling="已清理", now=NOW)
    r = client.get(f"/api/v1/public/board/C1/bulletins/{b.pk}")
    assert r.status_code == 200 and r.json()["comments"][0]["handling"] == "已清理"
    assert NAME not in r.content.decode() and PHONE not in r.content.decode()
    assert client.get("/api/v1/public/board/C1/archive").json() == {"count": 0, "results": []}
    with time_machine.travel(NOW + dt.timedelta(days=30), tick=False):  # ended: in the archive, still readable
        archive = client.get("/api/v1/public/board/C1/archive").json()
        assert archive["count"] == 1 and archive["results"][0]["comments"][0]["text"] == "通道仍被占用"
        assert client.get(f"/api/v1/public/board/C1/bulletins/{b.pk}").status_code == 200
    assert_error(client.get(f"/api/v1/public/board/T1/bulletins/{b.pk}"), 404)  # another unit's number


def test_a_comment_after_the_period_is_409_and_writes_nothing(client, cast, org):
    b = publish(cast, org)
    with time_machine.travel(NOW + dt.timedelta(days=7), tick=False):
        r = client.post(f"/api/v1/public/bulletins/{b.pk}/comments",
                        {"kind": "COMMENT", "text": "晚了", "name": NAME, "phone": PHONE}, content_type=JSON)
    assert_error(r, 409)
    assert not BulletinComment.objects.exists()


@pytest.mark.endpoint("POST", "/api/v1/hall/bulletins")
@pytest.mark.endpoint("GET", "/api/v1/hall/bulletins")
@pytest.mark.endpoint("POST", "/api/v1/hall/bulletins/{bulletin_id}/withdraw")
def test_a_leader_publishes_lists_and_withdraws(client, cast, org):
    leader = api_token_headers(client, "leader")
    clerk = api_token_headers(client, "window_a")
    body = {"unit": "C1", "kind": "POLICY", "title": "政策公示", "body": "内容", "starts_on": "2026-03-02",
            "ends_on": "2026-03-07"}
    assert_error(client.post("/api/v1/hall/bulletins", body, content_type=JSON, headers=leader), 400, "ends_on")
    assert_error(client.post("/api/v1/hall/bulletins", body | {"starts_on": "2026-03-01", "ends_on": "2026-03-09"},
                             content_type=JSON, headers=leader), 400, "starts_on")
    assert_error(client.post("/api/v1/hall/bulletins", body | {"ends_on": "2026-03-08"}, content_type=JSON,
                             headers=clerk), 403)
    assert_error(client.post("/api/v1/hall/bulletins", body | {"unit": "D1", "ends_on": "2026-03-08"},
                             content_type=JSON, headers=leader), 404)
    r = client.post("/api/v1/hall/bulletins", body | {"ends_on": "2026-03-08"}, content_type=JSON, headers=leader)
    assert r.status_code == 201 and r.json()["accepts_comments"] is True and r.json()["unit"] == "C1"
    pk = r.json()["id"]
    listed = client.get("/api/v1/hall/bulletins", headers=leader)
    assert listed.status_code == 200 and [b["id"] for b in listed.json()] == [pk]
    assert client.get("/api/v1/hall/bulletins", headers=clerk).json() == []
    url = f"/api/v1/hall/bulletins/{pk}/withdraw"
    assert_error(client.post(url, {"reason": ""}, content_type=JSON, headers=leader), 400, "reason")
    assert_error(client.post(url, {"reason": "x"}, content_type=JSON, headers=clerk), 403)
    r = client.post(url, {"reason": "政策调整"}, content_type=JSON, headers=leader)
    assert r.status_code == 200 and r.json()["withdraw_reason"] == "政策调整" and r.json()["withdrawn_at"]
    assert_error(client.post(url, {"reason": "再撤"}, content_type=JSON, headers=leader), 409)
    assert_error(client.post("/api/v1/hall/bulletins/999999/withdraw", {"reason": "x"}, content_type=JSON,
                             headers=leader), 404)
    assert Bulletin.objects.count() == 1


@pytest.mark.endpoint("GET", "/api/v1/hall/comments")
@pytest.mark.endpoint("POST", "/api/v1/hall/comments/{comment_id}/handle")
def test_a_leader_handles_a_comment_once(client, cast, org):
    b = publish(cast, org)
    c = board.submit_comment(bulletin_id=b.pk, kind="OBJECTION", text="异议内容", name=NAME, phone=PHONE,
                             ip="10.0.0.1", now=NOW)
    leader = api_token_headers(client, "leader")
    clerk = api_token_headers(client, "window_a")
    listed = client.get("/api/v1/hall/comments", headers=leader)
    assert listed.status_code == 200 and [x["id"] for x in listed.json()] == [c.pk]
    assert listed.json()[0]["phone_masked"] == "139****5678" and PHONE not in listed.content.decode()
    assert client.get("/api/v1/hall/comments", headers=clerk).json() == []
    url = f"/api/v1/hall/comments/{c.pk}/handle"
    assert_error(client.post(url, {"handling": " "}, content_type=JSON, headers=leader), 400, "handling")
    assert_error(client.post(url, {"handling": "x"}, content_type=JSON, headers=clerk), 403)
    r = client.post(url, {"handling": "已答复"}, content_type=JSON, headers=leader)
    assert r.status_code == 200 and r.json()["handling"] == "已答复" and r.json()["handled_at"]
    assert_error(client.post(url, {"handling": "再答"}, content_type=JSON, headers=leader), 409)
    assert_error(client.post("/api/v1/hall/comments/999999/handle", {"handling": "x"}, content_type=JSON,
                             headers=leader), 404)


@pytest.mark.endpoint("POST", "/api/v1/hall/rules/{unit_code}")
def test_the_system_administrator_saves_rules(client, cast, org):
    admin = api_token_headers(client, "sysadmin")
    leader = api_token_headers(client, "leader")
    body = {"title": "服务制度", "body_html": '<p onclick="x()">一次告知</p><script>alert(1)</script>', "note": "首版"}
    r = client.post("/api/v1/hall/rules/C1", body, content_type=JSON, headers=admin)
    assert r.status_code == 201 and r.json()["body_html"] == "<p>一次告知</p>" and r.json()["version"] == 1
    assert client.post("/api/v1/hall/rules/C1", body, content_type=JSON, headers=admin).json()["version"] == 2
    assert_error(client.post("/api/v1/hall/rules/C1", body | {"body_html": "<script>x</script>"}, content_type=JSON,
                             headers=admin), 400, "body_html")
    assert_error(client.post("/api/v1/hall/rules/C1", body, content_type=JSON, headers=leader), 403)
    assert_error(client.post("/api/v1/hall/rules/D1", body, content_type=JSON, headers=admin), 404)
    assert BoardRules.objects.count() == 2
