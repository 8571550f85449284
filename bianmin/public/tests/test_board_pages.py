"""上墙公示 pages (issue 18 item 1): the board shows today's A/B and who stands in, the bulletin page takes comments
during the period and never shows who sent them, the print layout fits A4 or A3, the photos are served only for the
staff on the board, and the board's queries do not grow with its size."""
from __future__ import annotations

import datetime as dt
import struct
import zlib

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.accounts.roles import Role
from bianmin.cases import services as svc
from bianmin.hall import board
from bianmin.hall.models import BoardRules, BulletinComment
from bianmin.org.models import Absence, AbsenceKind, Post, Unit, Window
from bianmin.ratings.models import Channel, Subject
from bianmin.ratings.services import record_rating
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import MON, NOW, at
from conftest import make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)
NAME, PHONE = "柳如烟", "13912345678"


@pytest.fixture(autouse=True)
def _clock():
    """The pages read the clock: 17:00 on Monday 2026-03-02 in Beijing."""
    with time_machine.travel(NOW, tick=False):
        yield


def publish(cast, org, **extra):
    values = {"kind": "SERVICE", "title": "关于调整办公时间的公示", "body": "自下月起周六上午办公。",
              "starts_on": TODAY, "ends_on": TODAY + dt.timedelta(days=6), "accepts_comments": True} | extra
    return board.publish_bulletin(actor=cast["leader"], unit_id=org["center"].pk, now=NOW, **values)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_the_board_shows_today_s_a_and_b(client, cast):
    page = client.get("/board/C1/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "window_a姓名" in html and "window_b姓名" in html and "B-window_a" in html and "B-window_b" in html
    assert "<strong>window_a姓名</strong>（A角）" in html and "代 A角" not in html


def test_the_board_shows_who_stands_in_when_a_is_absent(client, cast):
    Absence.objects.create(staff=cast["window_a"].staff_profile, kind=AbsenceKind.LEAVE, start_date=TODAY,
                           end_date=TODAY + dt.timedelta(days=2))
    html = client.get("/board/C1/").content.decode()
    assert "<strong>window_b姓名</strong>（B角）" in html
    assert "B角 window_b姓名 代 A角 window_a姓名 在岗" in html and "今日离岗" in html


def test_the_board_names_the_chief_the_phone_the_rules_and_the_items(client, cast, org, item):
    Unit.objects.filter(pk=org["center"].pk).update(chief_responsible=cast["leader"].staff_profile,
                                                    complaint_phone="0799-6123400")
    Window.objects.create(unit=org["center"], number="02", name="市场监管窗口", department=org["dept"])
    board.save_rules(actor=cast["sysadmin"], unit_id=org["center"].pk, title="首问负责制",
                     body_html="<p>首问责任人负责到底</p>", note="", now=NOW)
    html = client.get("/board/C1/").content.decode()
    chief = html[html.index('id="chief"'):]
    assert "leader姓名" in chief[:600] and "B-leader" in chief[:600]
    assert "0799-6123400" in html and "首问负责制" in html and "<p>首问责任人负责到底</p>" in html
    assert 'href="/items/SP-01/"' in html and "工本费 10.00 元" in html


def test_rules_are_sanitized_again_when_shown(client, cast, org):
    BoardRules.objects.create(unit=org["center"], version=1, title="制度", edited_by=cast["sysadmin"], edited_at=NOW,
                              body_html='<p onclick="steal()">正文</p><script>alert(1)</script>')
    html = client.get("/board/C1/").content.decode()
    assert "<p>正文</p>" in html and "steal()" not in html and "alert(1)" not in html


def test_the_board_shows_the_month_s_on_time_rate_and_good_rate(client, cast, item):
    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON, 9))
    svc.decide_case(actor=cast["window_a"], number=case.number, outcome="GRANTED", **GRANT, now=at(MON, 10))
    case = svc.deliver_case(actor=cast["window_a"], number=case.number, method="PICKUP", received_by="张三",
                            now=at(MON, 11))
    record_rating(subject=Subject.CASE, instance=case, level=5, channel=Channel.QR, now=at(MON, 12))
    html = client.get("/board/C1/").content.decode()
    figures = html[html.index('id="figures"'):]
    assert "2026年2月" in figures and "2026年3月" in figures and "截至今日" in figures
    assert figures.count("100.00%") == 2 and "办结 1 件，按期 1 件" in figures and "评价 1 次，好评 1 次" in figures
    assert figures.count("—") == 2  # February: nothing decided, nothing rated


def test_only_a_service_place_has_a_board(client, org):
    assert client.get("/board/D1/").status_code == 404  # a department
    assert client.get("/board/NOPE/").status_code == 404
    assert client.get("/board/V1/").status_code == 200  # a village station has one
    Unit.objects.filter(pk=org["town_center"].pk).update(is_active=False)
    assert client.get("/board/T1/").status_code == 404


def test_the_home_page_links_each_center_to_its_board(client, org):
    html = client.get("/").content.decode()
    assert 'href="/board/C1/"' in html and 'href="/board/T1/"' in html


def test_a_comment_and_its_handling_are_public_but_never_who_sent_it(client, cast, org):
    bulletin = publish(cast, org)
    url = f"/board/C1/bulletins/{bulletin.pk}/"
    form = client.get(url).content.decode()
    assert "意见内容及处理情况将公开，姓名和电话不公开" in form and 'name="csrfmiddlewaretoken"' in form
    r = client.post(url, {"kind": "OBJECTION", "text": "周六只开半天不够", "name": NAME, "phone": PHONE})
    assert r.status_code == 302 and r["Location"].startswith(url)
    c = BulletinComment.objects.get()
    board.handle_comment(actor=cast["leader"], comment_id=c.pk, handling="改为周六全天办公", now=NOW)
    pages = {path: client.get(path) for path in ("/board/C1/", url, "/board/C1/print/?size=A3", "/board/C1/archive/")}
    for path, page in pages.items():
        html = page.content.decode()
        assert page.status_code == 200, path
        assert NAME not in html and PHONE not in html and "139****5678" not in html and "柳" not in html, path
    for path in ("/board/C1/", url):
        html = pages[path].content.decode()
        assert "周六只开半天不够" in html and "改为周六全天办公" in html and "异议" in html


def test_an_unhandled_comment_is_not_shown(client, cast, org):
    bulletin = publish(cast, org)
    board.submit_comment(bulletin_id=bulletin.pk, kind="COMMENT", text="尚未处理的意见", name=NAME, phone=PHONE,
                         ip="10.0.0.1", now=NOW)
    assert "尚未处理的意见" not in client.get(f"/board/C1/bulletins/{bulletin.pk}/").content.decode()


def test_the_comment_form_names_bad_fields_and_writes_nothing(client, cast, org):
    bulletin = publish(cast, org)
    r = client.post(f"/board/C1/bulletins/{bulletin.pk}/", {"kind": "COMMENT", "text": "意见", "name": "",
                                                            "phone": "12345"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "请填写姓名" in html and "手机号码应为以1开头的11位数字" in html
    assert not BulletinComment.objects.exists()


def test_no_comment_after_the_period_and_the_form_is_gone(client, cast, org):
    bulletin = publish(cast, org)
    url = f"/board/C1/bulletins/{bulletin.pk}/"
    with time_machine.travel(at(TODAY + dt.timedelta(days=7), 10), tick=False):
        page = client.get(url).content.decode()
        assert 'id="comment-form"' not in page and "公示期已结束" in page
        r = client.post(url, {"kind": "COMMENT", "text": "晚了", "name": NAME, "phone": PHONE})
        assert r.status_code == 409
        archive = client.get("/board/C1/archive/").content.decode()
        assert bulletin.title in archive and "公示期满" in archive
    assert not BulletinComment.objects.exists()


def test_comments_from_one_address_are_throttled(client, cast, org, settings):
    bulletin = publish(cast, org)
    url = f"/board/C1/bulletins/{bulletin.pk}/"
    limit = settings.BIANMIN["HALL"]["COMMENTS_PER_ADDRESS_HOUR"]
    for i in range(limit):
        r = client.post(url, {"kind": "COMMENT", "text": f"意见{i}", "name": NAME, "phone": PHONE})
        assert r.status_code == 302
    r = client.post(url, {"kind": "COMMENT", "text": "再一条", "name": NAME, "phone": PHONE})
    assert r.status_code == 429 and r["Retry-After"] == "3600"
    assert BulletinComment.objects.count() == limit


def test_a_withdrawn_bulletin_leaves_the_board_for_the_archive(client, cast, org):
    bulletin = publish(cast, org)
    assert bulletin.title in client.get("/board/C1/").content.decode()
    board.withdraw_bulletin(actor=cast["leader"], bulletin_id=bulletin.pk, reason="内容有误", now=NOW)
    assert bulletin.title not in client.get("/board/C1/").content.decode()
    assert "已撤回" in client.get("/board/C1/archive/").content.decode()
    page = client.get(f"/board/C1/bulletins/{bulletin.pk}/").content.decode()
    assert "内容有误" in page and 'id="comment-form"' not in page


def test_a_bulletin_of_another_board_or_not_yet_started_is_not_found(client, cast, org):
    bulletin = publish(cast, org)
    later = publish(cast, org, title="下周起的公示", starts_on=TODAY + dt.timedelta(days=2),
                    ends_on=TODAY + dt.timedelta(days=9))
    assert client.get(f"/board/T1/bulletins/{bulletin.pk}/").status_code == 404
    assert client.get(f"/board/C1/bulletins/{later.pk}/").status_code == 404
    assert later.title not in client.get("/board/C1/").content.decode()


def test_the_print_view_fits_the_paper(client, cast):
    a3 = client.get("/board/C1/print/?size=A3").content.decode()
    assert "@page { size: A3 portrait;" in a3 and "size: A4" not in a3.split("<style>")[1].split("</style>")[0]
    assert "window_a姓名" in a3 and 'data-print' in a3
    a4 = client.get("/board/C1/print/").content.decode()
    assert "@page { size: A4 portrait;" in a4
    assert "@page { size: A4 portrait;" in client.get("/board/C1/print/?size=a4").content.decode()
    r = client.get("/board/C1/print/?size=Letter")
    assert r.status_code == 400 and "A3" in r.content.decode()


def test_the_archive_pages(client, cast, org):
    for i in range(23):
        b = publish(cast, org, title=f"公示{i:02d}")
        board.withdraw_bulletin(actor=cast["leader"], bulletin_id=b.pk, reason="测试", now=NOW)
    first = client.get("/board/C1/archive/").content.decode()
    assert first.count("已撤回") == 20 and "第 1 / 2 页" in first
    assert client.get("/board/C1/archive/?page=2").content.decode().count("已撤回") == 3
    assert client.get("/board/C1/archive/?page=x").status_code == 400


def test_photos_only_of_the_staff_on_the_board(client, cast, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for who in ("window_a", "leader"):
        cast[who].staff_profile.photo.save(f"{who}.png", ContentFile(png()))
    a = cast["window_a"].staff_profile
    html = client.get("/board/C1/").content.decode()
    assert f'src="/board/C1/photo/{a.pk}/"' in html
    r = client.get(f"/board/C1/photo/{a.pk}/")
    assert r.status_code == 200 and r["X-Content-Type-Options"] == "nosniff"
    assert b"".join(r.streaming_content).startswith(b"\x89PNG")
    leader = cast["leader"].staff_profile
    assert client.get(f"/board/C1/photo/{leader.pk}/").status_code == 404  # not on the board
    assert client.get(f"/board/T1/photo/{a.pk}/").status_code == 404  # not on that board
    assert client.get(f"/board/C1/photo/{cast['window_b'].staff_profile.pk}/").status_code == 404  # no photo
    Unit.objects.filter(pk=org["center"].pk).update(chief_responsible=leader)
    assert client.get(f"/board/C1/photo/{leader.pk}/").status_code == 200  # the 首席责任人 is on it


def test_the_board_page_costs_the_same_queries_whatever_its_size(client, cast, org, django_user_model):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/board/C1/").status_code == 200
        return len(ctx.captured_queries)

    b = publish(cast, org)
    c = board.submit_comment(bulletin_id=b.pk, kind="COMMENT", text="x", name=NAME, phone=PHONE, ip="10.0.0.1",
                             now=NOW)
    board.handle_comment(actor=cast["leader"], comment_id=c.pk, handling="y", now=NOW)
    small = count()
    for n in range(2, 6):
        window = Window.objects.create(unit=org["center"], number=f"{n:02d}", name=f"窗口{n}")
        a = make_user(django_user_model, f"a{n}", Role.WINDOW, org["center"]).staff_profile
        bb = make_user(django_user_model, f"b{n}", Role.WINDOW, org["center"]).staff_profile
        Post.objects.create(window=window, name="受理岗", a_staff=a, b_staff=bb)
        Absence.objects.create(staff=a, kind=AbsenceKind.LEAVE, start_date=TODAY, end_date=TODAY)
        more = publish(cast, org, title=f"公示{n}")
        c = board.submit_comment(bulletin_id=more.pk, kind="COMMENT", text="x", name=NAME, phone=PHONE,
                                 ip=f"10.0.1.{n}", now=NOW)
        board.handle_comment(actor=cast["leader"], comment_id=c.pk, handling="y", now=NOW)
    assert count() == small
    assert small <= 15


def test_the_board_publishes_the_planned_outreach_visits(client, cast, org, calendar):
    from bianmin.hall import promises

    promises.plan_outreach(actor=cast["leader"], unit_id=org["center"].pk, region_id=org["village"].pk,
                           place="测试村村委会", topic="社保上门办理", starts_at=at(dt.date(2026, 3, 4), 9),
                           ends_at=at(dt.date(2026, 3, 4), 12), now=NOW,
                           team_staff_ids=[cast["window_a"].staff_profile.pk, cast["town_window"].staff_profile.pk])
    page = client.get(f"/board/{org['center'].code}/").content.decode()
    assert "组团服务" in page and "测试村村委会" in page and "社保上门办理" in page


def test_the_board_shows_the_desk_s_care_events(client, cast, org, django_user_model):
    """便民活动 (issue 14 item 3): coming ones with time, place and 科室, a cancelled one with its reason, a held one
    with the attendance; a planned one is not on the board, nor another unit's."""
    from bianmin.testing.care_events import ATTENDANCE, CANCEL_REASON, board_events
    from bianmin.testing.hospital import hospital_cast

    h = hospital_cast(org, django_user_model, make_user)
    events = board_events(h)
    page = client.get("/board/YY1/")
    assert page.status_code == 200
    html = page.content.decode()
    section = html[html.index('id="care-events-title"'):html.index("</section>", html.index('id="care-events-title"'))]
    assert "便民活动" in section
    assert "高血压和糖尿病的家庭管理" in section and "门诊楼前广场" in section and "心内科" in section
    assert "2026-03-04 17:00" in section  # Beijing time: NOW (17:00) two days on
    assert CANCEL_REASON in section and "已取消" in section
    assert f"参加人数 {ATTENDANCE} 人" in section and "心脑血管病专家义诊" in section
    assert events["planned"].title not in html and events["old"].title not in html
    assert "近期没有便民活动" in client.get("/board/C1/").content.decode()
    printed = client.get("/board/YY1/print/").content.decode()
    assert CANCEL_REASON in printed and f"参加 {ATTENDANCE} 人" in printed
