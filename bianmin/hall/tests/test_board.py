"""上墙公示 (issue 18 item 1; decision 0025 §5): the rules' sanitizer and versions, the bulletins' period, the public's
comments (only during the period, throttled, phone checked) and their handling (once), and the board's reads."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditEntry
from bianmin.cases.lookup import TooManyRequests
from bianmin.catalog.services import create_item
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.core.models import RateCounter
from bianmin.hall import board
from bianmin.hall.models import BoardRules, Bulletin, BulletinComment, HallState
from bianmin.notifications.models import Message
from bianmin.org.models import Absence, AbsenceKind, Post, Unit, Window
from bianmin.testing.factories import MATERIALS, NOW, at, item_content
from conftest import make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)  # NOW is 17:00 on Monday 2026-03-02 in Beijing
PHONE = "13912345678"
NAME = "柳如烟"


def publish(cast, org, *, start=TODAY, days=7, now=NOW, **extra):
    values = {"kind": "SERVICE", "title": "关于调整办公时间的公示", "body": "自下月起周六上午办公。",
              "accepts_comments": True} | extra
    return board.publish_bulletin(actor=cast["leader"], unit_id=org["center"].pk, starts_on=start,
                                  ends_on=start + dt.timedelta(days=days - 1), now=now, **values)


def comment(bulletin, *, ip="10.0.0.1", now=NOW, **extra):
    values = {"kind": "OBJECTION", "text": "周六只开半天不够", "name": NAME, "phone": PHONE} | extra
    return board.submit_comment(bulletin_id=bulletin.pk, ip=ip, now=now, **values)


# --- 制度上墙 ----------------------------------------------------------------------------------------------------


def test_the_sanitizer_keeps_the_safelist_and_strips_scripts_and_handlers():
    html = ('<h2 onclick="x()">首问负责制</h2><p style="color:red" class="c">内容<script>alert(1)</script>'
            '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">链接</a></p>'
            '<table><tr><td colspan="2" onmouseover="y()">跨列</td><td rowspan="abc">格</td></tr></table>'
            '<style>p{display:none}</style><iframe src="//evil"></iframe><!-- 注释 -->')
    cleaned = board.clean_rich_text(html)
    for bad in ("<script", "alert(1)", "onclick", "onerror", "onmouseover", "style", "class=", "<img", "<a ",
                "javascript", "<iframe", "注释", "display:none"):
        assert bad not in cleaned, bad
    assert cleaned.startswith("<h2>首问负责制</h2><p>内容") and "链接" in cleaned
    assert '<td colspan="2">跨列</td>' in cleaned and "<td>格</td>" in cleaned  # a span that is no number goes


def test_rules_are_versioned_sanitized_and_audited(cast, org):
    sysadmin, center = cast["sysadmin"], org["center"]
    first = board.save_rules(actor=sysadmin, unit_id=center.pk, title="服务制度", body_html="<p>首问负责</p>",
                             note="", now=NOW)
    second = board.save_rules(actor=sysadmin, unit_id=center.pk, title="服务制度",
                              body_html='<p onclick="x()">一次告知</p><script>alert(1)</script>', note="补充",
                              now=NOW + dt.timedelta(hours=1))
    assert (first.version, second.version) == (1, 2)
    assert BoardRules.objects.get(pk=second.pk).body_html == "<p>一次告知</p>"
    assert board.current_rules(center) == second
    assert [r.version for r in board.rules_history(center)] == [2, 1]
    other = board.save_rules(actor=sysadmin, unit_id=org["town_center"].pk, title="镇制度", body_html="<p>x</p>",
                             note="", now=NOW)
    assert other.version == 1  # numbered per unit
    assert AuditEntry.objects.filter(object_type="hall.BoardRules").count() == 3


@pytest.mark.parametrize("who", ["leader", "window_a", "supervisor", "secadmin"])
def test_only_the_system_administrator_edits_rules(cast, org, who):
    with pytest.raises(Forbidden):
        board.save_rules(actor=cast[who], unit_id=org["center"].pk, title="t", body_html="<p>x</p>", note="",
                         now=NOW)
    assert not BoardRules.objects.exists()


def test_rules_refuse_an_empty_body_and_long_fields_naming_them(cast, org):
    with pytest.raises(DomainError) as exc:
        board.save_rules(actor=cast["sysadmin"], unit_id=org["center"].pk, title="", note="x" * 256,
                         body_html="<script>alert(1)</script><p> </p>", now=NOW)
    assert set(exc.value.fields) == {"title", "body_html", "note"}
    with pytest.raises(DomainError) as exc:
        board.save_rules(actor=cast["sysadmin"], unit_id=org["center"].pk, title="t" * 129, note="",
                         body_html="<p>x</p>" * 10_000, now=NOW)
    assert set(exc.value.fields) == {"title", "body_html"} and "128" in exc.value.fields["title"][0]
    assert not BoardRules.objects.exists() and not AuditEntry.objects.exists()


def test_rules_only_for_a_unit_with_a_board_in_scope(cast, org, django_user_model):
    with pytest.raises(NotFound):  # a department has no board
        board.save_rules(actor=cast["sysadmin"], unit_id=org["dept"].pk, title="t", body_html="<p>x</p>", note="",
                         now=NOW)
    town_admin = make_user(django_user_model, "town_admin", Role.SYSADMIN, org["town_center"])
    with pytest.raises(NotFound):  # above the administrator's unit
        board.save_rules(actor=town_admin, unit_id=org["center"].pk, title="t", body_html="<p>x</p>", note="",
                         now=NOW)


# --- 公示 -----------------------------------------------------------------------------------------------------------


def test_a_bulletin_needs_the_minimum_period(cast, org):
    with pytest.raises(DomainError) as exc:
        publish(cast, org, days=6)
    assert set(exc.value.fields) == {"ends_on"} and "7" in exc.value.fields["ends_on"][0]
    assert "2026-03-08" in exc.value.fields["ends_on"][0]  # the earliest end named
    bulletin = publish(cast, org, days=7)
    assert (bulletin.starts_on, bulletin.ends_on) == (TODAY, dt.date(2026, 3, 8))


def test_the_minimum_period_is_a_setting(cast, org, settings):
    settings.BIANMIN = {**settings.BIANMIN, "HALL": {**settings.BIANMIN["HALL"], "BULLETIN_MIN_DAYS": 10}}
    with pytest.raises(DomainError) as exc:
        publish(cast, org, days=9)
    assert "ends_on" in exc.value.fields
    publish(cast, org, days=10)


def test_a_bulletin_may_not_start_in_the_past_nor_end_before_it_starts(cast, org):
    with pytest.raises(DomainError) as exc:
        publish(cast, org, start=TODAY - dt.timedelta(days=1))
    assert set(exc.value.fields) == {"starts_on"}
    with pytest.raises(DomainError) as exc:
        board.publish_bulletin(actor=cast["leader"], unit_id=org["center"].pk, kind="NOPE", title="", body="",
                               starts_on="2026-03-10", ends_on="2026-03-09", accepts_comments=True, now=NOW)
    assert set(exc.value.fields) == {"kind", "title", "body", "ends_on"}
    with pytest.raises(DomainError) as exc:
        board.publish_bulletin(actor=cast["leader"], unit_id=org["center"].pk, kind="OTHER", title="t", body="b",
                               starts_on="3月10日", ends_on="", accepts_comments=True, now=NOW)
    assert set(exc.value.fields) == {"starts_on", "ends_on"}
    assert not Bulletin.objects.exists()


def test_publishing_is_for_leaders_audited_and_tells_the_big_screen(cast, org):
    for who in ("window_a", "supervisor", "sysadmin"):
        with pytest.raises(Forbidden):
            board.publish_bulletin(
                actor=cast[who], unit_id=org["center"].pk, kind="OTHER", title="t", body="b", starts_on=TODAY,
                ends_on=TODAY + dt.timedelta(days=7), accepts_comments=True, now=NOW)
    bulletin = publish(cast, org)
    assert HallState.objects.get(unit=org["center"]).version == 1
    entry = AuditEntry.objects.get(object_type="hall.Bulletin")
    assert entry.actor == cast["leader"] and "发布公示" in entry.summary
    board.withdraw_bulletin(actor=cast["leader"], bulletin_id=bulletin.pk, reason="内容有误", now=NOW)
    assert HallState.objects.get(unit=org["center"]).version == 2


def test_withdrawing_needs_a_reason_once_and_keeps_it_in_the_archive(cast, org):
    bulletin = publish(cast, org)
    with pytest.raises(DomainError) as exc:
        board.withdraw_bulletin(actor=cast["leader"], bulletin_id=bulletin.pk, reason=" ", now=NOW)
    assert set(exc.value.fields) == {"reason"}
    board.withdraw_bulletin(actor=cast["leader"], bulletin_id=bulletin.pk, reason="内容有误", now=NOW)
    with pytest.raises(Conflict):
        board.withdraw_bulletin(actor=cast["leader"], bulletin_id=bulletin.pk, reason="再撤", now=NOW)
    assert list(board.open_bulletins(org["center"], TODAY)) == []
    archived = list(board.bulletin_archive(org["center"], TODAY))
    assert archived == [bulletin] and archived[0].withdraw_reason == "内容有误"


def test_a_leader_of_another_scope_does_not_see_the_bulletin(cast, org, django_user_model):
    bulletin = publish(cast, org)
    town_leader = make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"])
    with pytest.raises(NotFound):
        board.withdraw_bulletin(actor=town_leader, bulletin_id=bulletin.pk, reason="x", now=NOW)
    with pytest.raises(NotFound):
        board.publish_bulletin(actor=town_leader, unit_id=org["center"].pk, kind="OTHER", title="t", body="b",
                               starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=7), accepts_comments=True, now=NOW)


# --- 意见和异议 -----------------------------------------------------------------------------------------------------


def test_a_comment_is_kept_encrypted_audited_without_identity_and_told_to_the_leader(cast, org):
    bulletin = publish(cast, org)
    c = comment(bulletin)
    stored = BulletinComment.objects.get(pk=c.pk)
    assert stored.name == NAME and stored.phone == PHONE and stored.phone_masked == "139****5678"
    raw = BulletinComment.objects.filter(pk=c.pk).values_list("name", "phone").get()
    assert NAME not in str(raw) and PHONE not in str(raw)
    entry = AuditEntry.objects.get(object_type="hall.BulletinComment")
    assert entry.actor_username == "citizen" and NAME not in str(entry.data) + entry.summary
    assert PHONE not in str(entry.data) + entry.summary
    message = Message.objects.get(kind=board.COMMENT_KIND)
    assert message.recipient == cast["leader"] and NAME not in message.body and PHONE not in message.body


@pytest.mark.parametrize("when, why", [
    (dt.date(2026, 3, 9), "已结束"),  # the day after the period (2 → 8 March)
    (dt.date(2026, 4, 1), "已结束"),
])
def test_a_comment_outside_the_period_is_refused_and_nothing_is_written(cast, org, when, why):
    bulletin = publish(cast, org)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(Conflict) as exc:
        comment(bulletin, now=at(when, 10))
    assert exc.value.status == 409 and why in exc.value.message
    assert not BulletinComment.objects.exists() and AuditEntry.objects.count() == audit_before
    assert not RateCounter.objects.exists()  # a refused comment does not count against the address


def test_the_last_day_of_the_period_counts_in_beijing_time(cast, org):
    bulletin = publish(cast, org)
    # 23:30 on 8 March in Beijing is 15:30 UTC: still the period; 00:30 on 9 March (16:30 UTC on the 8th) is not.
    comment(bulletin, now=dt.datetime(2026, 3, 8, 15, 30, tzinfo=dt.UTC))
    with pytest.raises(Conflict):
        comment(bulletin, now=dt.datetime(2026, 3, 8, 16, 30, tzinfo=dt.UTC))


def test_no_comment_before_the_start_withdrawn_or_closed_to_comments(cast, org):
    later = publish(cast, org, start=TODAY + dt.timedelta(days=3))
    with pytest.raises(NotFound):  # not published yet: the public cannot see it
        comment(later)
    closed = publish(cast, org, accepts_comments=False)
    with pytest.raises(Conflict):
        comment(closed)
    withdrawn = publish(cast, org)
    board.withdraw_bulletin(actor=cast["leader"], bulletin_id=withdrawn.pk, reason="有误", now=NOW)
    with pytest.raises(Conflict):
        comment(withdrawn)
    with pytest.raises(NotFound):
        board.submit_comment(bulletin_id=999_999, kind="COMMENT", text="x", name="x", phone=PHONE, ip=None, now=NOW)
    assert not BulletinComment.objects.exists()


def test_comments_are_throttled_per_address(cast, org, settings):
    bulletin = publish(cast, org)
    limit = settings.BIANMIN["HALL"]["COMMENTS_PER_ADDRESS_HOUR"]
    for i in range(limit):
        comment(bulletin, now=NOW + dt.timedelta(minutes=i))
    with pytest.raises(TooManyRequests) as exc:
        comment(bulletin, now=NOW + dt.timedelta(minutes=limit))
    assert exc.value.status == 429 and exc.value.retry_after == 3600
    assert BulletinComment.objects.count() == limit
    comment(bulletin, ip="10.0.0.2", now=NOW + dt.timedelta(minutes=limit))  # another address
    comment(bulletin, now=NOW + dt.timedelta(minutes=61))  # the first one has left the hour
    assert BulletinComment.objects.count() == limit + 2


def test_a_comment_names_its_bad_fields_and_writes_nothing(cast, org):
    bulletin = publish(cast, org)
    with pytest.raises(DomainError) as exc:
        comment(bulletin, phone="010-12345678", name=" ", kind="SPAM", text="")
    assert set(exc.value.fields) == {"phone", "name", "kind", "text"}
    assert "手机" in exc.value.fields["phone"][0]
    with pytest.raises(DomainError) as exc:
        comment(bulletin, phone="")
    assert set(exc.value.fields) == {"phone"}
    assert not BulletinComment.objects.exists() and not RateCounter.objects.exists()
    assert comment(bulletin, phone="+86 139-1234-5678").phone == PHONE  # normalised


def test_a_comment_is_handled_once_by_a_leader(cast, org, django_user_model):
    bulletin = publish(cast, org)
    c = comment(bulletin)
    assert list(board.comments_to_handle(cast["leader"])) == [c]
    assert list(board.comments_to_handle(cast["window_a"])) == []
    with pytest.raises(Forbidden):
        board.handle_comment(actor=cast["window_a"], comment_id=c.pk, handling="已答复", now=NOW)
    town_leader = make_user(django_user_model, "town_leader", Role.LEADER, org["town_center"])
    with pytest.raises(NotFound):
        board.handle_comment(actor=town_leader, comment_id=c.pk, handling="已答复", now=NOW)
    with pytest.raises(DomainError) as exc:
        board.handle_comment(actor=cast["leader"], comment_id=c.pk, handling="  ", now=NOW)
    assert set(exc.value.fields) == {"handling"}
    handled = board.handle_comment(actor=cast["leader"], comment_id=c.pk, handling="周六全天办公", now=NOW)
    assert handled.handled_at == NOW and handled.handled_by == cast["leader"]
    with pytest.raises(Conflict):
        board.handle_comment(actor=cast["leader"], comment_id=c.pk, handling="改口", now=NOW)
    assert BulletinComment.objects.get(pk=c.pk).handling == "周六全天办公"
    assert list(board.comments_to_handle(cast["leader"])) == []
    shown = board.open_bulletins(org["center"], TODAY).get()
    assert [x.handling for x in getattr(shown, "handled_comments")] == ["周六全天办公"]  # noqa: B009 - a prefetch


# --- the board ---------------------------------------------------------------------------------------------------


def test_the_board_shows_who_stands_in_for_an_absent_a(cast, org):
    post = cast["post"]
    today = board.board_for(org["center"], TODAY)
    assert [(a.post, a.staff, a.is_backup) for a in today.duty] == [(post, post.a_staff, False)]
    Absence.objects.create(staff=post.a_staff, kind=AbsenceKind.LEAVE, start_date=TODAY, end_date=TODAY)
    today = board.board_for(org["center"], TODAY)
    acting = today.duty[0]
    assert acting.staff == post.b_staff and acting.is_backup and acting.a_absent
    assert today.staff_ids == {post.a_staff_id, post.b_staff_id}
    tomorrow = board.board_for(org["center"], TODAY + dt.timedelta(days=1))
    assert tomorrow.duty[0].staff == post.a_staff


def test_the_board_lists_the_items_offered_there_with_fees_and_the_phone(cast, org, calendar, settings):
    center, town = org["center"], org["town_center"]
    Window.objects.create(unit=center, number="02", name="市场监管窗口", department=org["dept"])
    create_item(actor=cast["sysadmin"], code="SP-01", basic_code="1",
                content=item_content(implementing_unit=org["dept"]), materials=MATERIALS,
                fees=[{"name": "工本费", "amount": Decimal("10.00"), "basis": "文件", "waivable": True}], faqs=[],
                now=NOW, publish=True)
    create_item(actor=cast["sysadmin"], code="TW-01", basic_code="2",
                content=item_content(name="最低生活保障申请", level="TOWN", implementing_unit=None,
                                     committed_limit_town=15), materials=MATERIALS, fees=[], faqs=[], now=NOW,
                publish=True)
    at_center = board.board_for(center, TODAY)
    assert [i.code for i in at_center.items] == ["SP-01"]
    assert [f.name for f in at_center.items[0].fees] == ["工本费"]
    at_town = board.board_for(town, TODAY)
    assert [(i.code, i.committed_limit) for i in at_town.items] == [("TW-01", 15)]
    assert at_center.complaint_phone == settings.BIANMIN["HOTLINE"]
    Unit.objects.filter(pk=center.pk).update(complaint_phone="0799-6123400")
    assert board.board_for(Unit.objects.get(pk=center.pk), TODAY).complaint_phone == "0799-6123400"


def test_the_board_costs_the_same_queries_whatever_its_size(cast, org, calendar, django_user_model):
    center = org["center"]
    board.save_rules(actor=cast["sysadmin"], unit_id=center.pk, title="制度", body_html="<p>x</p>", note="", now=NOW)
    b = publish(cast, org)
    board.handle_comment(actor=cast["leader"], comment_id=comment(b).pk, handling="已处理", now=NOW)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            built = board.board_for(Unit.objects.get(pk=center.pk), TODAY)
            for acting in built.duty:
                _ = (acting.post.window.number, acting.post.a_staff.name, acting.post.b_staff and
                     acting.post.b_staff.name)
            for bulletin in built.bulletins:
                _ = [c.handling for c in getattr(bulletin, "handled_comments")]  # noqa: B009 - a prefetch
        return len(ctx.captured_queries)

    small = count()
    for n in range(2, 6):
        window = Window.objects.create(unit=center, number=f"{n:02d}", name=f"窗口{n}")
        a = make_user(django_user_model, f"a{n}", Role.WINDOW, center).staff_profile
        bb = make_user(django_user_model, f"b{n}", Role.WINDOW, center).staff_profile
        Post.objects.create(window=window, name="受理岗", a_staff=a, b_staff=bb)
        Absence.objects.create(staff=a, kind=AbsenceKind.LEAVE, start_date=TODAY, end_date=TODAY)
        more = publish(cast, org, title=f"公示{n}")
        board.handle_comment(actor=cast["leader"], comment_id=comment(more, ip=f"10.0.1.{n}").pk, handling="已处理",
                             now=NOW)
    assert count() == small


def test_the_archive_holds_ended_and_withdrawn_bulletins_not_future_ones(cast, org):
    ended = publish(cast, org, start=TODAY - dt.timedelta(days=20), now=NOW - dt.timedelta(days=21))
    current = publish(cast, org)
    future = publish(cast, org, start=TODAY + dt.timedelta(days=5))
    assert list(board.bulletin_archive(org["center"], TODAY)) == [ended]
    assert list(board.open_bulletins(org["center"], TODAY)) == [current]
    with pytest.raises(NotFound):
        board.public_bulletin(org["center"], future.pk, TODAY)
    with pytest.raises(NotFound):  # another unit's
        board.public_bulletin(org["town_center"], current.pk, TODAY)
    assert board.public_bulletin(org["center"], ended.pk, TODAY) == ended


def test_only_active_service_places_have_a_board(org):
    assert board.board_unit("C1") == org["center"] and board.board_unit("V1") == org["station"]
    with pytest.raises(NotFound):
        board.board_unit("D1")
    Unit.objects.filter(pk=org["town_center"].pk).update(is_active=False)
    with pytest.raises(NotFound):
        board.board_unit("T1")
    with pytest.raises(NotFound):
        board.board_unit("NOPE")


# --- 便民活动 (issue 14 item 3, decision 0026 §7) --------------------------------------------------------------------


@pytest.fixture
def hospital(org, cast, django_user_model):
    from bianmin.testing.hospital import hospital_cast

    return hospital_cast(org, django_user_model, make_user)


def test_the_board_shows_published_cancelled_and_held_events_not_planned_ones(hospital):
    from bianmin.testing.care_events import ATTENDANCE, CANCEL_REASON, board_events

    events = board_events(hospital)
    shown = board.board_for(hospital["desk"], TODAY, now=NOW).events
    # In time order: held five days ago, then the coming talk, then the cancelled one; planned and old ones are not.
    assert [e.pk for e in shown] == [events["held"].pk, events["published"].pk, events["cancelled"].pk]
    held, published, cancelled = shown
    assert held.status == "HELD" and held.attendance == ATTENDANCE
    assert [d.name for d in held.departments.all()] == ["心内科", "医务科"]
    assert published.status == "PUBLISHED" and [d.name for d in published.departments.all()] == ["心内科"]
    assert cancelled.status == "CANCELLED" and cancelled.cancel_reason == CANCEL_REASON
    # Fresh at each read (the board is not cached): the talk, once cancelled, shows its reason at once.
    from bianmin.hospital import services as hs

    hs.cancel_event(actor=hospital["desk_a"], event_id=published.pk, reason="主讲专家临时出诊", now=NOW)
    again = {e.pk: e for e in board.board_for(hospital["desk"], TODAY, now=NOW).events}
    assert again[published.pk].status == "CANCELLED" and again[published.pk].cancel_reason == "主讲专家临时出诊"
    # Another unit's board shows none of them; a 科室 has no board of its own.
    assert board.board_for(Unit.objects.get(pk=hospital["desk"].parent_id), TODAY, now=NOW).events == []
    with pytest.raises(NotFound):
        board.board_unit(hospital["k1"].code)


def test_the_board_shows_events_until_they_end_and_held_ones_for_30_days(hospital):
    from bianmin.testing.care_events import board_events

    events = board_events(hospital)
    desk = hospital["desk"]
    after_the_talk = NOW + dt.timedelta(days=2, hours=4)  # the talk (3 hours) ended an hour ago
    titles = {e.pk for e in board.board_for(desk, TODAY + dt.timedelta(days=2), now=after_the_talk).events}
    assert events["published"].pk not in titles and events["cancelled"].pk in titles
    month_later = NOW + dt.timedelta(days=26)
    assert [e.pk for e in board.board_for(desk, month_later.date(), now=month_later).events] == []
    # Without ``now`` the board reads the events as at the start of ``today``.
    assert {e.pk for e in board.board_for(desk, TODAY).events} == {
        events["held"].pk, events["published"].pk, events["cancelled"].pk}


def test_the_events_cost_the_same_queries_whatever_their_number(hospital):
    from bianmin.hospital import services as hs
    from bianmin.testing.care_events import board_events

    board_events(hospital)
    desk = hospital["desk"]

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            for e in board.board_for(Unit.objects.get(pk=desk.pk), TODAY, now=NOW).events:
                _ = [d.name for d in e.departments.all()]
        return len(ctx.captured_queries)

    small = count()
    for n in range(3):
        e = hs.plan_event(actor=hospital["desk_a"], kind="FREE_CLINIC", title=f"义诊{n}", place="广场",
                          starts_at=NOW + dt.timedelta(days=4 + n), ends_at=NOW + dt.timedelta(days=4 + n, hours=2),
                          department_ids=[hospital["k1"].pk, hospital["k2"].pk], now=NOW - dt.timedelta(hours=1))
        hs.publish_event(actor=hospital["desk_a"], event_id=e.pk, now=NOW - dt.timedelta(minutes=30))
    assert count() == small
