"""The second factor (issue 11 item 2): who needs it, enrolment, TOTP codes used once, recovery codes used once,
wrong codes counted like wrong passwords."""
import datetime as dt

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bianmin.accounts.models import LoginThrottle
from bianmin.accounts.policies import needs_second_factor
from bianmin.accounts.second_factor import (
    SecondFactorFailed,
    SecondFactorRequired,
    enrol_second_factor,
    new_secret,
    recovery_codes_left,
    verify_second_factor,
)
from bianmin.accounts.services import LoginFailed
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.core.errors import Conflict, DomainError
from conftest import NOW, otp_code

pytestmark = pytest.mark.django_db


def code_for(key: str) -> str:
    return f"{TOTP(bytes.fromhex(key)).token():06d}"


def test_the_administrators_leaders_and_supervisors_need_a_second_factor_window_staff_do_not(cast):
    assert {name for name in ("window_a", "town_window", "agent", "leader", "supervisor", "sysadmin", "secadmin",
                              "auditor", "nobody") if needs_second_factor(cast[name])} == {
        "leader", "supervisor", "sysadmin", "secadmin", "auditor"}


def test_enrolment_binds_the_secret_after_a_right_code_and_gives_ten_recovery_codes(cast):
    user = cast["nobody"]
    key = new_secret()
    with pytest.raises(DomainError) as exc:
        enrol_second_factor(user=user, key=key, code="000000" if code_for(key) != "000000" else "111111", now=NOW)
    assert "code" in exc.value.fields and not TOTPDevice.objects.filter(user=user).exists()
    device, codes = enrol_second_factor(user=user, key=key, code=code_for(key), now=NOW, ip="10.0.0.5")
    assert device.confirmed and device.key == key
    assert len(codes) == 10 and len(set(codes)) == 10 and recovery_codes_left(user) == 10
    assert AuditEntry.objects.get(action=AuditAction.OTP_ENROLLED).actor == user
    with pytest.raises(Conflict):  # only a security administrator's reset removes it
        enrol_second_factor(user=user, key=new_secret(), code="123456", now=NOW)


def test_a_totp_code_works_once(cast):
    leader = cast["leader"]
    code = otp_code(leader)
    assert verify_second_factor(user=leader, code=code, now=NOW).persistent_id.startswith("otp_totp.")
    with pytest.raises(SecondFactorFailed) as exc:
        verify_second_factor(user=leader, code=code, now=NOW)  # replayed
    assert "otp" in exc.value.fields


def test_a_recovery_code_works_once(cast):
    user = cast["nobody"]
    key = new_secret()
    _device, codes = enrol_second_factor(user=user, key=key, code=code_for(key), now=NOW)
    typed = f"{codes[3][:4]}-{codes[3][4:].upper()}"  # as read off paper: grouped, any case
    assert verify_second_factor(user=user, code=typed, now=NOW).persistent_id.startswith("otp_static.")
    assert recovery_codes_left(user) == 9 and not StaticToken.objects.filter(token=codes[3]).exists()
    with pytest.raises(SecondFactorFailed):
        verify_second_factor(user=user, code=codes[3], now=NOW)
    entry = AuditEntry.objects.filter(action=AuditAction.LOGIN).last()
    assert entry.data["device"] == "recovery_code" and entry.data["recovery_codes_left"] == 9


def test_a_missing_code_is_asked_for_not_counted(cast):
    with pytest.raises(SecondFactorRequired) as exc:
        verify_second_factor(user=cast["leader"], code="  ", now=NOW)
    assert "otp" in exc.value.fields and "otp" in exc.value.message
    assert not LoginThrottle.objects.filter(username="leader", failures__gt=0).exists()


def test_wrong_codes_lock_the_account_like_wrong_passwords(cast):
    leader = cast["leader"]
    for i in range(5):
        with pytest.raises(SecondFactorFailed):
            verify_second_factor(user=leader, code="999999" if otp_code(leader) != "999999" else "888888",
                                 now=NOW + dt.timedelta(seconds=i))
    assert LoginThrottle.objects.get(username="leader").locked_until is not None
    with pytest.raises(LoginFailed):  # locked: even the right code is refused
        verify_second_factor(user=leader, code=otp_code(leader), now=NOW + dt.timedelta(minutes=1))
    assert AuditEntry.objects.filter(action=AuditAction.LOCKOUT).count() == 1


def test_a_right_password_does_not_clear_the_failures_of_a_second_factor_user(cast):
    from bianmin.accounts.services import authenticate_staff
    from conftest import PASSWORD

    LoginThrottle.objects.create(username="leader", failures=4)
    authenticate_staff(username="leader", password=PASSWORD, now=NOW)  # the password alone is half a sign-in
    assert LoginThrottle.objects.get(username="leader").failures == 4
    verify_second_factor(user=cast["leader"], code=otp_code(cast["leader"]), now=NOW)
    assert LoginThrottle.objects.get(username="leader").failures == 0
