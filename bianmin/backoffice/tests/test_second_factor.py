"""The second factor on the staff pages (issue 11 item 2) and the security administrator's reset page (item 1)."""
import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bianmin.accounts.models import ResetRequest
from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditAction, AuditEntry
from conftest import PASSWORD, make_user, otp_code, sign_in

pytestmark = pytest.mark.django_db


def password_step(client, username, password=PASSWORD, next_url=""):
    url = "/staff/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": password})


@pytest.mark.parametrize("username", ["leader", "supervisor", "sysadmin", "secadmin", "auditor"])
def test_web_sign_in_asks_for_the_code_and_nothing_else_is_reachable_before(client, cast, username):
    r = password_step(client, username)
    assert r.status_code == 302 and r["Location"] == "/staff/otp/"
    for url in ("/staff/", "/staff/audit/", "/staff/roles/", "/staff/password/", "/admin/", "/staff/cases/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"] == "/staff/otp/", url
    page = client.get("/staff/otp/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "动态验证码" in page.content.decode()
    r = client.post("/staff/otp/", {"code": "12345"})
    assert r.status_code == 200 and "不正确" in r.content.decode()
    r = client.post("/staff/otp/", {"code": otp_code(cast[username])})
    assert r.status_code == 302 and r["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_window_staff_sign_in_with_the_password_alone(client, cast):
    r = password_step(client, "window_a")
    assert r["Location"] == "/staff/" and client.get("/staff/").status_code == 200
    assert client.get("/staff/otp/")["Location"] == "/staff/"  # nothing to do there


def test_the_code_step_keeps_next_and_a_new_password_sign_in_asks_again(client, cast):
    password_step(client, "leader", next_url="/staff/approvals/")
    r = client.post("/staff/otp/", {"code": otp_code(cast["leader"])})
    assert r["Location"] == "/staff/approvals/"
    password_step(client, "leader")  # signing in again in the same browser
    assert client.get("/staff/")["Location"] == "/staff/otp/"


def test_a_forced_session_without_the_code_is_held_back(client, cast):
    from django_otp import DEVICE_ID_SESSION_KEY

    sign_in(client, cast["supervisor"])  # any other way a session could be signed in, without the code
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    r = client.get("/staff/overview/")
    assert r.status_code == 302 and r["Location"] == "/staff/otp/"


def test_enrolment_by_qr_code_then_ten_recovery_codes_shown_once(client, cast):
    leader = cast["leader"]
    TOTPDevice.objects.filter(user=leader).delete()  # not enrolled yet
    password_step(client, "leader")
    r = client.get("/staff/otp/")
    assert r.status_code == 302 and r["Location"] == "/staff/otp/enrol/"
    assert client.get("/staff/")["Location"] == "/staff/otp/"  # still held back
    page = client.get("/staff/otp/enrol/")
    html = page.content.decode()
    assert page["Cache-Control"] == "no-store" and 'src="data:image/svg+xml;base64,' in html
    assert "<script" not in html.split("</head>")[1]  # no inline script (a CSP is coming)
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    key = __import__("base64").b32decode(secret)
    assert client.post("/staff/otp/enrol/", {"code": "000000" if TOTP(key).token() else "111111"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=leader).exists()
    r = client.post("/staff/otp/enrol/", {"code": f"{TOTP(key).token():06d}"})
    html = r.content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", html)
    assert r.status_code == 200 and len(codes) == 10 and r["Cache-Control"] == "no-store"
    assert TOTPDevice.objects.get(user=leader).key == key.hex()
    assert client.get("/staff/").status_code == 200  # this session passed the second factor
    assert AuditEntry.objects.filter(action=AuditAction.OTP_ENROLLED, actor=leader).exists()
    assert client.get("/staff/otp/enrol/")["Location"] == "/staff/"  # enrolled: no second secret ever shown

    client.post("/staff/logout/")
    password_step(client, "leader")
    r = client.post("/staff/otp/", {"code": codes[0]})
    assert r["Location"] == "/staff/"
    client.post("/staff/logout/")
    password_step(client, "leader")
    assert client.post("/staff/otp/", {"code": codes[0]}).status_code == 200  # used up
    assert client.get("/staff/")["Location"] == "/staff/otp/"


def test_five_wrong_codes_lock_and_end_the_sign_in(client, cast):
    password_step(client, "auditor")
    for _ in range(4):
        assert client.post("/staff/otp/", {"code": "000001"}).status_code == 200
    r = client.post("/staff/otp/", {"code": "000001"})
    r = client.post("/staff/otp/", {"code": otp_code(cast["auditor"])})
    assert r.status_code == 302 and r["Location"].startswith("/staff/login/")
    assert client.get("/staff/").status_code == 302


def test_the_forced_change_after_a_reset_comes_after_the_second_factor(client, cast):
    from bianmin.accounts.models import ResetKind
    from bianmin.accounts.services import request_reset
    from bianmin.core.timeutils import now

    temporary = request_reset(actor=cast["secadmin"], target=cast["leader"], kind=ResetKind.PASSWORD,
                              reason="遗忘密码", now=now()).temporary_password
    password_step(client, "leader", temporary)
    assert client.get("/staff/password/")["Location"] == "/staff/otp/"  # the temporary password alone: no
    client.post("/staff/otp/", {"code": otp_code(cast["leader"])})
    assert client.get("/staff/")["Location"] == "/staff/password/"
    r = client.post("/staff/password/", {"old_password": temporary, "new_password": "Qingshi#Xiao-9261",
                                         "new_password2": "Qingshi#Xiao-9261"})
    assert r.status_code == 302 and client.get("/staff/").status_code == 200


def test_the_reset_page_shows_the_temporary_password_once(client, cast):
    sign_in(client, cast["secadmin"])
    r = client.post("/staff/resets/", {"username": "window_a", "kind": "PASSWORD", "reason": "本人遗忘密码"})
    html = r.content.decode()
    temporary = re.search(r'id="temporary-password">([^<]+)<', html).group(1)
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    assert get_user_model().objects.get(username="window_a").check_password(temporary)
    assert temporary not in client.get("/staff/resets/").content.decode()


def test_the_reset_page_asks_a_second_security_administrator_for_an_administrator(client, cast, org,
                                                                                  django_user_model):
    second = make_user(django_user_model, "secadmin2", Role.SECADMIN, org["center"])
    sign_in(client, cast["secadmin"])
    r = client.post("/staff/resets/", {"username": "auditor", "kind": "PASSWORD", "reason": "遗忘密码"})
    assert r.status_code == 302
    pending = ResetRequest.objects.get()
    page = client.get("/staff/resets/").content.decode()
    assert "待另一名安全管理员复核" in page and 'value="approve"' not in page
    r = client.post("/staff/resets/", {"op": "approve", "request": pending.pk}, follow=True)
    assert "双人复核" in r.content.decode() and cast["auditor"].check_password(PASSWORD)
    sign_in(client, second)
    r = client.post("/staff/resets/", {"op": "approve", "request": pending.pk})
    temporary = re.search(r'id="temporary-password">([^<]+)<', r.content.decode()).group(1)
    assert get_user_model().objects.get(username="auditor").check_password(temporary)


def test_only_the_security_administrator_has_the_reset_page(client, cast):
    for name in ("sysadmin", "auditor", "leader", "window_a"):
        sign_in(client, cast[name])
        assert client.get("/staff/resets/").status_code == 403
        assert client.post("/staff/resets/", {"username": "window_b", "kind": "PASSWORD",
                                              "reason": "x"}).status_code == 403
