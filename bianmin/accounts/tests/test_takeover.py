"""三权分立 (issue 11 item 1): the system administrator cannot set passwords; the security administrator resets them,
never clearing the second factor; resets of administrators need a second security administrator (双人复核)."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from bianmin.accounts.models import ResetKind, ResetRequest, ResetStatus
from bianmin.accounts.policies import roles_of
from bianmin.accounts.roles import Role
from bianmin.accounts.services import (
    LoginFailed,
    approve_reset,
    authenticate_staff,
    create_account,
    grant_role,
    reject_reset,
    request_reset,
)
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.core.errors import Conflict, DomainError, Forbidden
from conftest import NOW, PASSWORD, make_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def secadmin2(cast, django_user_model, org):
    return make_user(django_user_model, "secadmin2", Role.SECADMIN, org["center"])


def actions():
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_the_takeover_sequence_fails_at_its_first_step(client, cast):
    """The system administrator can no longer set the security administrator's password in the admin."""
    target = cast["secadmin"]
    sign_in(client, cast["sysadmin"])
    url = f"/admin/users/user/{target.pk}/password/"
    assert client.get(url).status_code == 403
    taken = "Taken-Over-Passw0rd!"
    assert client.post(url, {"password1": taken, "password2": taken}).status_code == 403
    # Nor through the change form (it has no password field; a posted one is ignored).
    client.post(f"/admin/users/user/{target.pk}/change/", {
        "username": "secadmin", "full_name": "secadmin", "email": "", "is_active": "on",
        "password": "md5$x$y"})
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and not target.check_password(taken)
    assert not AuditEntry.objects.filter(action=AuditAction.PASSWORD_RESET).exists()


def test_new_accounts_from_the_admin_have_no_password_the_system_administrator_knows(client, cast):
    sign_in(client, cast["sysadmin"])
    r = client.post("/admin/users/user/add/", {"username": "newcomer", "full_name": "新同事"})
    assert r.status_code == 302, r.content.decode()[:800]
    user = get_user_model().objects.get(username="newcomer")
    assert not user.has_usable_password() and user.must_change_password


def test_only_the_security_administrator_resets(cast):
    for actor in ("sysadmin", "auditor", "leader", "window_a"):
        with pytest.raises(Forbidden):
            request_reset(actor=cast[actor], target=cast["window_b"], kind=ResetKind.PASSWORD, reason="遗忘密码",
                          now=NOW)
    with pytest.raises(Forbidden):  # not one's own either
        request_reset(actor=cast["secadmin"], target=cast["secadmin"], kind=ResetKind.PASSWORD, reason="遗忘",
                      now=NOW)
    with pytest.raises(DomainError) as exc:
        request_reset(actor=cast["secadmin"], target=cast["window_b"], kind=ResetKind.PASSWORD, reason="", now=NOW)
    assert "reason" in exc.value.fields


def test_a_reset_gives_a_one_time_temporary_password_audited_as_a_reset(cast):
    outcome = request_reset(actor=cast["secadmin"], target=cast["window_a"], kind=ResetKind.PASSWORD,
                            reason="本人遗忘密码，已当面核实", now=NOW)
    temporary = outcome.temporary_password
    assert len(temporary) == 19 and outcome.pending is None
    user = get_user_model().objects.get(pk=cast["window_a"].pk)
    assert user.must_change_password and user.check_password(temporary) and not user.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_RESET)
    assert entry.actor == cast["secadmin"] and entry.object_id == str(user.pk)
    assert entry.data["reason"] == "本人遗忘密码，已当面核实" and temporary not in str(entry.data)
    assert not AuditEntry.objects.filter(action=AuditAction.CONFIG_UPDATE).exists()
    assert authenticate_staff(username="window_a", password=temporary, now=NOW + dt.timedelta(minutes=59))
    with pytest.raises(LoginFailed) as exc:  # valid for 60 minutes
        authenticate_staff(username="window_a", password=temporary, now=NOW + dt.timedelta(minutes=61))
    assert exc.value.code == "temporary_password_expired"


def test_a_reset_never_clears_the_second_factor(cast):
    leader = cast["leader"]
    device = TOTPDevice.objects.get(user=leader)
    outcome = request_reset(actor=cast["secadmin"], target=leader, kind=ResetKind.PASSWORD, reason="遗忘密码",
                            now=NOW)
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert AuditEntry.objects.get(action=AuditAction.PASSWORD_RESET).data["second_factor_kept"] is True
    from bianmin.accounts.services import issue_api_token

    with pytest.raises(DomainError) as exc:  # the temporary password alone opens nothing
        issue_api_token(username="leader", password=outcome.temporary_password, now=NOW)
    assert exc.value.code == "otp_required" and "otp" in exc.value.fields


def test_resetting_an_administrator_needs_a_second_security_administrator(cast, secadmin2):
    target = cast["sysadmin"]
    outcome = request_reset(actor=cast["secadmin"], target=target, kind=ResetKind.PASSWORD,
                            reason="本人遗忘密码", now=NOW)
    assert outcome.pending is not None and outcome.temporary_password == ""
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and not target.must_change_password  # nothing happened yet
    with pytest.raises(Forbidden):
        approve_reset(actor=cast["secadmin"], request_id=outcome.pending.pk, now=NOW)  # not by the requester
    with pytest.raises(Forbidden):
        approve_reset(actor=cast["sysadmin"], request_id=outcome.pending.pk, now=NOW)  # nor by anyone else
    with pytest.raises(Conflict):  # one pending request per account and kind
        request_reset(actor=secadmin2, target=target, kind=ResetKind.PASSWORD, reason="重复", now=NOW)
    done = approve_reset(actor=secadmin2, request_id=outcome.pending.pk, now=NOW + dt.timedelta(minutes=5))
    target.refresh_from_db()
    assert target.check_password(done.temporary_password) and target.must_change_password
    assert ResetRequest.objects.get().status == ResetStatus.APPROVED
    assert actions()[-3:] == [AuditAction.RESET_REQUESTED, AuditAction.RESET_APPROVED, AuditAction.PASSWORD_RESET]
    assert AuditEntry.objects.get(action=AuditAction.RESET_APPROVED).actor == secadmin2
    with pytest.raises(Conflict):
        approve_reset(actor=secadmin2, request_id=outcome.pending.pk, now=NOW)


def test_a_security_administrator_cannot_approve_their_own_reset(cast, secadmin2):
    pending = request_reset(actor=secadmin2, target=cast["secadmin"], kind=ResetKind.SECOND_FACTOR,
                            reason="手机遗失", now=NOW).pending
    with pytest.raises(Forbidden):
        approve_reset(actor=cast["secadmin"], request_id=pending.pk, now=NOW)  # the account itself
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database says so too
        ResetRequest.objects.filter(pk=pending.pk).update(status=ResetStatus.APPROVED, decided_by=secadmin2)


def test_second_factor_reset_of_an_administrator_is_approved_then_removes_the_device(cast, secadmin2):
    target = cast["auditor"]
    pending = request_reset(actor=cast["secadmin"], target=target, kind=ResetKind.SECOND_FACTOR,
                            reason="手机遗失", now=NOW).pending
    assert TOTPDevice.objects.filter(user=target).exists()
    approve_reset(actor=secadmin2, request_id=pending.pk, now=NOW)
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert target.check_password(PASSWORD)  # the password stays
    assert AuditAction.OTP_RESET in actions()


def test_non_administrators_are_reset_by_one_security_administrator(cast):
    request_reset(actor=cast["secadmin"], target=cast["leader"], kind=ResetKind.SECOND_FACTOR, reason="换手机",
                  now=NOW)
    assert not TOTPDevice.objects.filter(user=cast["leader"]).exists()
    assert not ResetRequest.objects.exists()


def test_a_pending_request_expires_and_can_be_withdrawn_or_rejected(cast, secadmin2):
    first = request_reset(actor=cast["secadmin"], target=cast["sysadmin"], kind=ResetKind.PASSWORD, reason="遗忘",
                          now=NOW).pending
    with pytest.raises(Conflict):
        approve_reset(actor=secadmin2, request_id=first.pk, now=NOW + dt.timedelta(hours=25))
    second = request_reset(actor=cast["secadmin"], target=cast["sysadmin"], kind=ResetKind.PASSWORD,
                           reason="遗忘", now=NOW + dt.timedelta(hours=26)).pending
    reject_reset(actor=cast["secadmin"], request_id=second.pk, now=NOW + dt.timedelta(hours=26))  # withdrawn
    third = request_reset(actor=cast["secadmin"], target=cast["sysadmin"], kind=ResetKind.PASSWORD,
                          reason="遗忘", now=NOW + dt.timedelta(hours=27)).pending
    reject_reset(actor=secadmin2, request_id=third.pk, now=NOW + dt.timedelta(hours=27))
    assert list(ResetRequest.objects.order_by("pk").values_list("status", flat=True)) == [
        ResetStatus.EXPIRED, ResetStatus.REJECTED, ResetStatus.REJECTED]
    assert cast["sysadmin"].check_password(PASSWORD)


def test_a_new_administrator_gets_a_first_password_from_one_security_administrator(cast):
    account = create_account(username="sysadmin_new", full_name="新管理员", now=NOW)
    grant_role(actor=cast["secadmin"], target=account, role=Role.SYSADMIN, now=NOW)
    outcome = request_reset(actor=cast["secadmin"], target=account, kind=ResetKind.PASSWORD, reason="首次发放",
                            now=NOW)
    assert outcome.temporary_password and outcome.pending is None
    assert AuditEntry.objects.get(action=AuditAction.PASSWORD_RESET).data["first_issue"] is True


def test_create_security_admin_creates_exactly_one_with_no_other_role(db, monkeypatch):
    monkeypatch.setenv("BIANMIN_SECADMIN_PASSWORD", "Qingshi#Xiao-9261")
    call_command("create_security_admin", "anquan", "--full-name", "韩思远", "--no-input")
    user = get_user_model().objects.get(username="anquan")
    assert roles_of(user) == {Role.SECADMIN} and not user.is_superuser and not user.is_staff
    assert user.check_password("Qingshi#Xiao-9261")
    with pytest.raises(CommandError, match="已有安全管理员"):
        call_command("create_security_admin", "anquan2", "--no-input")
    call_command("create_security_admin", "anquan2", "--no-input", "--force-another")
    entry = AuditEntry.objects.filter(action=AuditAction.ROLE_GRANT).order_by("seq").last()
    assert entry.data["force_another"] is True and entry.data["existing"] == ["anquan"]
    monkeypatch.setenv("BIANMIN_SECADMIN_PASSWORD", "Admin@123456")
    with pytest.raises(CommandError, match="密码"):
        call_command("create_security_admin", "anquan3", "--no-input", "--force-another")
