"""Sign-in limits per client address as well as per username, and a locked account answering as slowly as a wrong
password (issue 11 item 7)."""
import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import override_settings

from bianmin.accounts.models import AddressThrottle, LoginThrottle
from bianmin.accounts.services import LoginFailed, LoginThrottled, authenticate_staff
from bianmin.audit.models import AuditAction, AuditEntry
from conftest import NOW, PASSWORD

pytestmark = pytest.mark.django_db
HALL = "10.20.30.40"


def fail(username, ip=HALL, now=NOW):
    with pytest.raises(LoginFailed):
        authenticate_staff(username=username, password="wrong", now=now, ip=ip)


def test_twenty_failures_from_one_address_refuse_it_for_15_minutes(cast):
    for i in range(20):
        fail(f"guess{i}")  # a different username each time: no username is locked
    with pytest.raises(LoginThrottled) as exc:
        authenticate_staff(username="window_a", password=PASSWORD, now=NOW, ip=HALL)
    assert exc.value.status == 429
    assert authenticate_staff(username="window_a", password=PASSWORD, now=NOW, ip="10.9.9.9")  # another address
    assert authenticate_staff(username="window_a", password=PASSWORD, now=NOW + dt.timedelta(minutes=16), ip=HALL)
    assert AuditEntry.objects.filter(action=AuditAction.LOCKOUT, data__address=HALL).count() == 1


def test_successful_sign_ins_from_a_shared_address_are_not_counted(cast):
    for _ in range(30):  # a whole hall behind one NAT address signs in all morning
        assert authenticate_staff(username="window_a", password=PASSWORD, now=NOW, ip=HALL)
    fail("window_b")
    assert AddressThrottle.objects.get(address=HALL).failures == 1


@override_settings(BIANMIN={**__import__("django.conf").conf.settings.BIANMIN, "LOGIN_ADDRESS_FAILURES": 3})
def test_the_address_limit_is_a_setting(cast):
    for i in range(3):
        fail(f"guess{i}")
    with pytest.raises(LoginThrottled):
        authenticate_staff(username="guess9", password="x", now=NOW, ip=HALL)
    assert not LoginThrottle.objects.filter(username="guess9", failures__gt=0).exists()  # refused before counting


def _hashings(username, password):
    with (mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode) as enc,
          pytest.raises(LoginFailed)):
        authenticate_staff(username=username, password=password, now=NOW + dt.timedelta(minutes=1))
    return enc.call_count


def test_a_locked_account_costs_the_same_hashing_as_a_wrong_password(cast):
    wrong = _hashings("window_a", "wrong")
    unknown = _hashings("ghost", "wrong")
    LoginThrottle.objects.filter(username="window_a").update(locked_until=NOW + dt.timedelta(minutes=30))
    locked = _hashings("window_a", PASSWORD)
    assert wrong == unknown == locked >= 1


def test_the_login_page_refuses_an_address_over_its_limit(client, cast):
    for i in range(20):
        client.post("/staff/login/", {"username": f"guess{i}", "password": "x"}, REMOTE_ADDR=HALL)
    r = client.post("/staff/login/", {"username": "window_a", "password": PASSWORD}, REMOTE_ADDR=HALL)
    assert r.status_code == 429 and "登录失败次数过多" in r.content.decode()
    assert "_auth_user_id" not in client.session
