import datetime as dt
import time

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bianmin.accounts.middleware import SESSION_STARTED_KEY
from bianmin.accounts.models import LoginThrottle
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.audit.services import record
from conftest import NOW, PASSWORD, otp_code, sign_in

pytestmark = pytest.mark.django_db
PUBLIC_STAFF_URLS = {"backoffice:login", "backoffice:logout", "backoffice:password_change", "backoffice:second_factor",
                     "backoffice:second_factor_enrol"}
EVERY_ROLE = {"window_a", "window_b", "town_window", "agent", "leader", "supervisor", "sysadmin", "secadmin", "auditor"}
WORKBENCH = EVERY_ROLE - {"auditor"}  # the auditor holds only the read-audit permission (issue 11)
# url name -> cast members allowed; everyone else with a role gets 403, anonymous is sent to the login page.
ALLOWED = {
    "backoffice:home": {"window_a", "window_b", "town_window", "agent", "leader", "supervisor", "sysadmin",
                        "secadmin", "auditor"},
    "backoffice:acting": WORKBENCH,
    "backoffice:audit": {"auditor"},
    "backoffice:roles": {"secadmin"},
    "backoffice:resets": {"secadmin"},
    "backoffice:calendar": {"sysadmin"},
    "backoffice:my_work": WORKBENCH,
    "backoffice:cases": WORKBENCH,
    "backoffice:receive": {"window_a", "window_b", "town_window"},
    "backoffice:inquiry_new": {"window_a", "window_b", "town_window", "agent", "leader"},
    "backoffice:inquiries": {"window_a", "window_b", "town_window", "agent", "leader", "supervisor"},
    "backoffice:approvals": {"leader"},
    "backoffice:overview": {"leader", "supervisor"},
    "backoffice:stats": {"leader", "supervisor"},
    "backoffice:stats_export": {"leader", "supervisor"},
    "backoffice:meetings": {"leader", "supervisor"},
    "backoffice:meeting_new": {"leader", "supervisor"},
    "backoffice:commend": {"leader", "supervisor"},
    "backoffice:violation_new": {"supervisor"},
    "backoffice:violations": WORKBENCH,
    "backoffice:my_record": WORKBENCH,
    "backoffice:messages": WORKBENCH,
    "backoffice:my_actions": WORKBENCH,
    "backoffice:relays": {"window_a", "window_b", "town_window", "agent", "leader", "supervisor"},
    "backoffice:relay_new": {"agent"},
    "backoffice:complaints": {"leader", "supervisor"},
    "backoffice:complaint_new": {"window_a", "window_b", "town_window", "supervisor"},
    "backoffice:pads": {"supervisor"},
    "backoffice:devices": {"supervisor"},
    "backoffice:ratings": {"leader", "supervisor"},
    "backoffice:my_ratings": WORKBENCH,
    "backoffice:board_rules": {"sysadmin"},
    "backoffice:bulletins": {"leader"},
    "backoffice:bulletin_new": {"leader"},
    "backoffice:bulletin_comments": {"leader"},
    "backoffice:queue": {"window_a", "window_b", "town_window", "agent", "leader"},
    "backoffice:queue_state": {"window_a", "window_b", "town_window", "agent", "leader"},
    "backoffice:appointments": {"window_a", "window_b", "town_window", "agent", "leader"},
    "backoffice:appointment_new": {"window_a", "window_b", "town_window", "agent", "leader"},
    "backoffice:appointment_slots": {"sysadmin"},
    "backoffice:joints": {"window_a", "window_b", "town_window", "leader", "supervisor"},
    "backoffice:joint_new": {"window_a", "window_b", "town_window", "leader"},
    "backoffice:outreach_list": WORKBENCH,
    "backoffice:outreach_new": {"leader"},
    "backoffice:hospital_requests": WORKBENCH,  # scoped lists (decision 0026): empty outside a hospital's scope
    "backoffice:hospital_events": WORKBENCH,
    "backoffice:hospital_event_new": {"window_a", "window_b", "town_window"},
}
# URLs that need an object: checked with real objects in bianmin/backoffice/tests/test_case_screens.py
OBJECT_URLS = {"backoffice:case", "backoffice:notice", "backoffice:notice_pdf", "backoffice:inquiry",
               "backoffice:case_file", "backoffice:violation", "backoffice:meeting", "backoffice:meeting_minutes",
               "backoffice:relay", "backoffice:relay_receipt",  # relays: test_relay_screens.py
               "backoffice:relay_delivery_receipt"}  # test_relay_way_back_screens.py
OBJECT_URLS |= {"backoffice:relay_files", "backoffice:relay_file"}  # relay photos: test_relay_files_screens.py
OBJECT_URLS |= {"backoffice:rating", "backoffice:rating_reveal"}  # bianmin/ratings/tests/test_rating_screens.py
OBJECT_URLS |= {"backoffice:complaint", "backoffice:complaint_reveal"}  # complaints/tests/test_screens.py
OBJECT_URLS |= {"backoffice:case_completion", "backoffice:joint", "backoffice:outreach"}  # test_promise_screens.py
OBJECT_URLS |= {"backoffice:bulletin_withdraw", "backoffice:bulletin_comment_handle"}  # test_board_screens.py
OBJECT_URLS |= {"backoffice:rating_invite"}  # POST only, for a case or inquiry: bianmin/ratings/tests/test_pads.py
OBJECT_URLS |= {"backoffice:hospital_request", "backoffice:hospital_patient", "backoffice:hospital_health",
                "backoffice:hospital_send", "backoffice:hospital_event"}  # test_hospital_views.py


def staff_url_names():
    resolver = get_resolver()
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "backoffice":
            names += [f"backoffice:{p.name}" for p in pattern.url_patterns if isinstance(p, URLPattern)]
    return names


def login(client, user):
    sign_in(client, user)  # the session start time and, for enrolled roles, the second factor passed


def test_every_staff_url_is_in_the_permission_table():
    assert set(staff_url_names()) - PUBLIC_STAFF_URLS - OBJECT_URLS == set(ALLOWED)


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_permission_on_every_staff_url(client, cast, name):
    url = reverse(name)
    r = client.get(url)
    assert r.status_code == 302 and "/staff/login/" in r["Location"]
    for member in ["window_a", "town_window", "agent", "leader", "supervisor", "sysadmin", "secadmin", "auditor",
                   "nobody"]:
        login(client, cast[member])
        status = client.get(url).status_code
        assert status == (200 if member in ALLOWED[name] else 403), (name, member, status)
        client.logout()


def test_admin_site_only_for_system_admin(client, cast):
    login(client, cast["window_a"])
    assert client.get("/admin/").status_code == 302  # admin's own login page: not staff
    login(client, cast["sysadmin"])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/catalog/itemversion/").status_code == 200
    assert client.get("/admin/org/unit/").status_code == 200


def test_login_page_flow_and_audit(client, cast):
    r = client.post("/staff/login/", {"username": "window_a", "password": "wrong"})
    assert r.status_code == 200 and "用户名或密码不正确" in r.content.decode()
    r = client.post("/staff/login/?next=/staff/acting/", {"username": "window_a", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/staff/acting/"
    assert client.get("/staff/").status_code == 200
    r = client.post("/staff/logout/")
    assert r.status_code == 302
    assert list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)) == [
        AuditAction.LOGIN_FAILED, AuditAction.LOGIN, AuditAction.LOGOUT]


def test_login_open_redirect_refused(client, cast):
    r = client.post("/staff/login/?next=https://evil.example/", {"username": "window_a", "password": PASSWORD})
    assert r["Location"] == "/staff/"


def test_login_rotates_session_key(client, cast):
    client.get("/staff/login/")
    client.cookies["sessionid"] = "attacker-chosen"
    client.post("/staff/login/", {"username": "window_a", "password": PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen"


def test_absolute_session_limit(client, cast):
    login(client, cast["window_a"])
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 13 * 3600
    session.save()
    r = client.get("/staff/")
    assert r.status_code == 302 and "/staff/login/" in r["Location"]


def test_idle_timeout_is_30_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 1800


def test_activity_pushes_the_idle_expiry_at_most_once_a_minute(client, cast):
    from bianmin.accounts.middleware import SESSION_SEEN_KEY
    from bianmin.accounts.models import StaffSession as Session

    login(client, cast["window_a"])
    client.get("/staff/")
    key = client.cookies["sessionid"].value
    first = Session.objects.get(session_key=key).expire_date
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)):
        client.get("/staff/")
    assert Session.objects.get(session_key=key).expire_date == first  # no write within the minute
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=90)):
        client.get("/staff/")
        assert Session.objects.get(session_key=key).expire_date > first
        assert client.session[SESSION_SEEN_KEY] > time.time() - 5


def test_a_session_idle_for_30_minutes_is_over(client, cast):
    login(client, cast["window_a"])
    assert client.get("/staff/").status_code == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=31)):
        r = client.get("/staff/")
    assert r.status_code == 302 and "/staff/login/" in r["Location"]


def test_forced_password_change(client, cast):
    user = cast["window_a"]
    user.must_change_password = True
    user.save()
    login(client, user)
    r = client.get("/staff/")
    assert r.status_code == 302 and r["Location"] == reverse("backoffice:password_change")
    r = client.post(reverse("backoffice:password_change"), {"old_password": PASSWORD, "new_password": "short",
                                                            "new_password2": "short"})
    assert r.status_code == 200 and "12" in r.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)  # nothing changed
    r = client.post(reverse("backoffice:password_change"), {"old_password": PASSWORD,
                                                            "new_password": "Brand-New-Passw0rd",
                                                            "new_password2": "Brand-New-Passw0rd"})
    assert r.status_code == 302
    assert client.get("/staff/").status_code == 200  # session survives the change


def test_audit_view_filters(client, cast):
    record(action=AuditAction.CONFIG_UPDATE, summary="修改窗口", actor=cast["sysadmin"], now=NOW)
    record(action=AuditAction.LOGIN, summary="登录：window_a", actor=cast["window_a"], now=NOW)
    login(client, cast["auditor"])
    page = client.get("/staff/audit/", {"action": "CONFIG_UPDATE"}).content.decode()
    assert "修改窗口" in page and "登录：window_a" not in page
    page = client.get("/staff/audit/", {"actor": "window_a"}).content.decode()
    assert "登录：window_a" in page and "修改窗口" not in page


def test_roles_page_grants_and_shows_errors(client, cast):
    login(client, cast["secadmin"])
    r = client.post("/staff/roles/", {"username": "nobody", "role": "SUPERVISOR", "op": "grant"})
    assert r.status_code == 302
    assert cast["nobody"].groups.filter(name="监督员").exists()
    r = client.post("/staff/roles/", {"username": "sysadmin", "role": "AUDITOR", "op": "grant"})
    assert r.status_code == 200 and "互斥" in r.content.decode()
    r = client.post("/staff/roles/", {"username": "secadmin", "role": "LEADER", "op": "grant"})
    assert "不能给自己" in r.content.decode()


def test_roles_page_unlocks(client, cast):
    LoginThrottle.objects.create(username="window_a", failures=5, locked_until=NOW.replace(year=2099))
    login(client, cast["secadmin"])
    assert "window_a" in client.get("/staff/roles/").content.decode()
    client.post("/staff/roles/", {"username": "window_a", "unlock": "1"})
    assert LoginThrottle.objects.get(username="window_a").locked_until is None


def test_acting_page_shows_b_when_a_is_away(client, cast):
    import datetime as dt

    from bianmin.core.timeutils import today
    from bianmin.org.models import Absence

    Absence.objects.create(staff=cast["window_a"].staff_profile, kind="LEAVE", start_date=today(),
                           end_date=today() + dt.timedelta(days=1))
    login(client, cast["leader"])
    page = client.get("/staff/acting/").content.decode()
    assert "B角代岗" in page and "window_b姓名" in page


def test_home_navigation_follows_roles(client, cast):
    login(client, cast["auditor"])
    page = client.get("/staff/").content.decode()
    assert "审计记录" in page and "角色授权" not in page
    login(client, cast["secadmin"])
    page = client.get("/staff/").content.decode()
    assert "角色授权" in page and "审计记录" not in page


def test_navigation_markup_is_built_once_escaped_and_counts_unread_only_when_shown(cast, rf, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from bianmin.backoffice.context import _NavHtml, navigation

    request = rf.get("/staff/")
    request.user = cast["window_a"]
    context = navigation(request)
    with django_assert_num_queries(0):
        navigation(request)  # building the context reads nothing (roles are cached, the count is deferred)
    html = str(context["staff_nav_html"])
    assert html.startswith('<a href="/staff/" accesskey="h">工作台</a>') and html.count("accesskey") == 1
    assert '<a href="/staff/messages/">消息</a>' in html and "角色授权" not in html
    assert [label for label, _url in context["staff_nav"]][:2] == ["工作台", "我的办件"]
    with django_assert_num_queries(0):
        assert str(context["staff_nav_html"]) is html  # kept for the rest of the request
    markup = _NavHtml(request, cast["window_a"], [("<b>x</b>", '/a"b/')], "/staff/messages/").__html__()
    assert markup == '<a href="/a&quot;b/" accesskey="h">&lt;b&gt;x&lt;/b&gt;</a>'
    request.user = AnonymousUser()
    assert navigation(request) == {}


def test_the_kept_bar_carries_each_users_own_unread_count(cast, rf):
    """The bar's links are kept per set of items; the unread badge is each request's own (issue 16 item 1)."""
    from bianmin.backoffice.context import _kept_bars, navigation
    from bianmin.core.timeutils import now
    from bianmin.notifications.models import MessageStatus
    from bianmin.notifications.services import deliver_due, enqueue_inapp

    _kept_bars.clear()
    enqueue_inapp(recipient=cast["window_a"], kind="TEST", subject="测试", text="一条消息", now=now())
    deliver_due(now=now())
    assert cast["window_a"].messages.get().status == MessageStatus.SENT
    bars = {}
    for who in ("window_a", "window_b", "window_a"):
        request = rf.get("/staff/")
        request.user = cast[who]
        bars.setdefault(who, []).append(str(navigation(request)["staff_nav_html"]))
    assert len(_kept_bars) == 1  # the two clerks hold the same permissions: one kept bar
    badge = '<a href="/staff/messages/">消息 <span class="badge warn-red" title="未读消息">1</span></a>'
    assert badge in bars["window_a"][0] and bars["window_a"][0] == bars["window_a"][1]
    assert '<a href="/staff/messages/">消息</a>' in bars["window_b"][0] and "badge" not in bars["window_b"][0]
    unread = ' <span class="badge warn-red" title="未读消息">1</span>'
    assert bars["window_a"][0].replace(unread, "") == bars["window_b"][0]


def test_the_bars_links_follow_each_users_permissions_when_kept(cast, rf):
    """The links are kept per ``permission_key`` (issue 16 item 1): users with the same permissions share them, a
    change of roles or a deactivated user gets the links ``can`` allows now."""
    from bianmin.accounts.policies import can, permission_key
    from bianmin.accounts.roles import Perm, Role, group_name
    from bianmin.backoffice.context import NAV, _kept_items, _urls, navigation

    def links(user):
        request = rf.get("/staff/")
        request.user = user
        return [label for label, _url in navigation(request)["staff_nav"]]

    def expected(user):
        out = [str(label) for label, _name, perm in NAV
               if any(can(user, p) for p in (perm if isinstance(perm, tuple) else (perm,)))]
        return out + (["系统管理"] if user.is_staff else [])

    _kept_items.clear()
    for who in ("window_a", "window_b", "leader", "sysadmin", "window_a"):
        assert links(cast[who]) == expected(cast[who]), who
    assert permission_key(cast["window_a"]) == permission_key(cast["window_b"])
    assert len(_kept_items) == len({permission_key(cast[w]) for w in ("window_a", "leader", "sysadmin")})
    clerk = type(cast["window_a"]).objects.get(pk=cast["window_a"].pk)  # a fresh object: roles read again
    clerk.groups.add(clerk.groups.model.objects.get_or_create(name=group_name(Role.LEADER))[0])
    clerk = type(clerk).objects.get(pk=clerk.pk)
    assert can(clerk, Perm.APPROVE) and "审批" in links(clerk) and "审批" not in links(cast["window_b"])
    clerk.is_active = False
    assert permission_key(clerk) == (False, False, frozenset()) and links(clerk) == expected(clerk)
    assert _urls()["backoffice:approvals"] == "/staff/approvals/"


def test_admin_offers_no_password_setting(client, cast):
    # 三权分立 (issue 11): only the security administrator resets passwords (工作台 → 凭据重置).
    login(client, cast["sysadmin"])
    user = cast["window_a"]
    assert client.get(f"/admin/users/user/{user.pk}/password/").status_code == 403
    r = client.post(f"/admin/users/user/{user.pk}/password/", {"password1": "Reset-Passw0rd-99",
                                                                "password2": "Reset-Passw0rd-99"})
    assert r.status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert "/password/" not in client.get(f"/admin/users/user/{user.pk}/change/").content.decode()


def test_admin_changes_are_audited(client, cast, org):
    login(client, cast["sysadmin"])
    r = client.post(f"/admin/org/unit/{org['dept'].pk}/change/", {
        "code": "D1", "name": "改名后的部门", "short_name": "", "kind": "DEPARTMENT", "region": org["county"].pk,
        "parent": org["center"].pk, "address": "", "phone": "", "complaint_phone": "", "hours": "", "is_active": "on"})
    assert r.status_code == 302, r.content.decode()[:800]
    entry = AuditEntry.objects.get(action=AuditAction.CONFIG_UPDATE, object_type="org.Unit")
    assert entry.actor == cast["sysadmin"] and "改名后的部门" in entry.summary


def test_calendar_notice_page_finalises_a_year(client, cast):
    from bianmin.workdays.models import CalendarDay, CalendarYear

    login(client, cast["sysadmin"])
    page = client.get("/staff/calendar/").content.decode()
    assert "休 元旦" in page  # prefilled from the provisional rule
    bad = client.post("/staff/calendar/", {"year": 2027, "notice": "国办发明电〔2026〕9号",
                                           "days": "2027-01-01 休 元旦\n2027-01-04 班 调休"})
    assert bad.status_code == 200 and "周一至周五" in bad.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()  # nothing half-written
    bad = client.post("/staff/calendar/", {"year": 2027, "notice": "x", "days": "2027-13-01 休 元旦"})
    assert "第1行" in bad.content.decode()
    ok = client.post("/staff/calendar/", {"year": 2027, "notice": "国办发明电〔2026〕9号",
                                          "days": "2027-01-01 休 元旦\n2027-02-07 班 春节调休"})
    assert ok.status_code == 302
    assert CalendarYear.objects.get(year=2027).finalized_by == cast["sysadmin"]
    assert CalendarDay.objects.filter(date__year=2027, region__isnull=True).count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.CALENDAR_CHANGE).exists()


def test_leader_is_warned_when_a_and_b_are_both_away(client, cast):
    from bianmin.core.timeutils import today
    from bianmin.org.models import Absence

    for who in ("window_a", "window_b"):
        Absence.objects.create(staff=cast[who].staff_profile, kind="LEAVE", start_date=today(), end_date=today())
    login(client, cast["leader"])
    assert "A角和B角当日均不在岗" in client.get("/staff/").content.decode()
    login(client, cast["window_a"])
    assert "A角和B角当日均不在岗" not in client.get("/staff/").content.decode()


def test_admin_login_goes_through_the_staff_login(client, cast):
    r = client.get("/admin/login/?next=/admin/org/unit/")
    assert r.status_code == 302 and r["Location"].startswith("/staff/login/?next=%2Fadmin%2Forg%2Funit%2F")
    r = client.post(r["Location"], {"username": "sysadmin", "password": PASSWORD})
    assert r["Location"] == "/staff/otp/"  # the system administrator passes the second factor first
    r = client.post("/staff/otp/", {"code": otp_code(cast["sysadmin"])})
    assert r["Location"] == "/admin/org/unit/"
    assert client.get("/admin/org/unit/").status_code == 200  # the session carries the sign-in time


def test_absence_form_dates_start_in_the_format_a_date_picker_reads(client, cast):
    from bianmin.core.timeutils import today

    login(client, cast["window_a"])
    page = client.get("/staff/acting/").content.decode()
    assert f'type="date" name="start_date" value="{today():%Y-%m-%d}"' in page
