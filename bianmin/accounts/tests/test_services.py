import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings

from bianmin.accounts.models import ApiToken, LoginThrottle
from bianmin.accounts.policies import can, roles_of
from bianmin.accounts.roles import ADMIN_ROLES, ROLE_PERMS, Perm, Role, group_name
from bianmin.accounts.services import (
    GENERIC_LOGIN_ERROR,
    LoginFailed,
    authenticate_staff,
    change_password,
    grant_role,
    issue_api_token,
    password_expired,
    revoke_role,
    sync_roles,
    unlock_account,
    user_for_token,
)
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.core.errors import DomainError, Forbidden, NotFound
from conftest import NOW, PASSWORD

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_login_success_audits_and_resets_failures(cast):
    LoginThrottle.objects.create(username="window_a", failures=3)
    user = authenticate_staff(username="window_a", password=PASSWORD, now=NOW, ip="10.0.0.1")
    assert user == cast["window_a"]
    assert LoginThrottle.objects.get(username="window_a").failures == 0
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert entry.actor == user and entry.ip == "10.0.0.1"


def test_five_failures_lock_the_username_for_30_minutes(cast):
    for i in range(5):
        with pytest.raises(LoginFailed) as exc:
            authenticate_staff(username="window_a", password="wrong", now=NOW + dt.timedelta(seconds=i))
        assert exc.value.message == GENERIC_LOGIN_ERROR
    throttle = LoginThrottle.objects.get(username="window_a")
    assert throttle.locked_until == NOW + dt.timedelta(seconds=4, minutes=30)
    # Locked: even the right password fails with the same message.
    with pytest.raises(LoginFailed) as exc:
        authenticate_staff(username="window_a", password=PASSWORD, now=NOW + dt.timedelta(minutes=10))
    assert exc.value.message == GENERIC_LOGIN_ERROR
    assert actions().count(AuditAction.LOGIN_FAILED) == 6
    assert actions().count(AuditAction.LOCKOUT) == 1
    # After 30 minutes the right password works again.
    assert authenticate_staff(username="window_a", password=PASSWORD, now=NOW + dt.timedelta(minutes=35))


def test_lockout_is_per_username_not_per_ip(cast):
    for _ in range(5):
        with pytest.raises(LoginFailed):
            authenticate_staff(username="window_a", password="wrong", now=NOW, ip="10.0.0.9")
    assert authenticate_staff(username="window_b", password=PASSWORD, now=NOW, ip="10.0.0.9") == cast["window_b"]


def test_unknown_username_gets_the_same_generic_error(cast):
    with pytest.raises(LoginFailed) as exc:
        authenticate_staff(username="ghost", password="x", now=NOW)
    assert exc.value.message == GENERIC_LOGIN_ERROR


def test_security_admin_unlocks_and_others_cannot(cast):
    LoginThrottle.objects.create(username="window_a", failures=5, locked_until=NOW + dt.timedelta(minutes=30))
    with pytest.raises(Forbidden):
        unlock_account(actor=cast["sysadmin"], username="window_a", now=NOW)
    unlock_account(actor=cast["secadmin"], username="window_a", now=NOW)
    assert LoginThrottle.objects.get(username="window_a").locked_until is None
    assert AuditAction.UNLOCK in actions()
    with pytest.raises(NotFound):
        unlock_account(actor=cast["secadmin"], username="never-failed", now=NOW)


def test_roles_hold_exactly_their_permissions(cast):
    for role, perms in ROLE_PERMS.items():
        group = Group.objects.get(name=group_name(role))
        codes = {f"accounts.{p.codename}" for p in group.permissions.filter(content_type__app_label="accounts")}
        assert codes == {str(p) for p in perms}, role
    assert can(cast["auditor"], Perm.VIEW_AUDIT) and not can(cast["auditor"], Perm.MANAGE_ORG)
    assert not can(cast["nobody"], Perm.USE_WORKBENCH)


def test_sysadmin_group_gets_model_permissions_for_admin_pages(cast):
    assert cast["sysadmin"].has_perm("catalog.change_itemversion")
    assert cast["sysadmin"].has_perm("org.add_unit")
    assert not cast["secadmin"].has_perm("org.add_unit")


def test_sync_roles_is_idempotent(db):
    sync_roles()
    sync_roles()
    assert Group.objects.filter(name=group_name(Role.WINDOW)).count() == 1


def test_grant_and_revoke_role_audited(cast):
    target = cast["nobody"]
    grant_role(actor=cast["secadmin"], target=target, role=Role.SUPERVISOR, now=NOW)
    assert roles_of(target) == {Role.SUPERVISOR}
    revoke_role(actor=cast["secadmin"], target=target, role=Role.SUPERVISOR, now=NOW)
    assert roles_of(target) == set()
    assert actions()[-2:] == [AuditAction.ROLE_GRANT, AuditAction.ROLE_REVOKE]


@pytest.mark.parametrize("held", sorted(ADMIN_ROLES))
@pytest.mark.parametrize("wanted", sorted(ADMIN_ROLES))
def test_admin_roles_are_mutually_exclusive(cast, held, wanted):
    target = cast["nobody"]
    grant_role(actor=cast["secadmin"], target=target, role=Role(held), now=NOW)
    with pytest.raises(DomainError) as exc:
        grant_role(actor=cast["secadmin"], target=target, role=Role(wanted), now=NOW)
    assert "role" in exc.value.fields


def test_nobody_grants_roles_to_themselves_and_only_secadmin_grants(cast):
    with pytest.raises(Forbidden):
        grant_role(actor=cast["secadmin"], target=cast["secadmin"], role=Role.LEADER, now=NOW)
    with pytest.raises(Forbidden):
        grant_role(actor=cast["sysadmin"], target=cast["nobody"], role=Role.LEADER, now=NOW)
    assert not AuditEntry.objects.filter(action=AuditAction.ROLE_GRANT).exists()


def test_granting_sysadmin_gives_admin_site_access(cast):
    grant_role(actor=cast["secadmin"], target=cast["nobody"], role=Role.SYSADMIN, now=NOW)
    cast["nobody"].refresh_from_db()
    assert cast["nobody"].is_staff


@pytest.mark.parametrize("password,field_error", [
    ("short1A!", "new_password"),            # too short
    ("alllowercaseletters", "new_password"),  # one class only
    ("Password12345", "new_password"),       # common
    ("a" * 120 + "Bb1!" * 3, "new_password"),  # over 128
])
def test_password_rules(cast, password, field_error):
    with pytest.raises(DomainError) as exc:
        change_password(user=cast["window_a"], old_password=PASSWORD, new_password=password, now=NOW)
    assert field_error in exc.value.fields


def test_change_password_wrong_old_names_the_field(cast):
    with pytest.raises(DomainError) as exc:
        change_password(user=cast["window_a"], old_password="nope", new_password="Fresh-Passw0rd-1", now=NOW)
    assert "old_password" in exc.value.fields


def test_change_password_clears_forced_change(cast):
    user = cast["window_a"]
    user.must_change_password = True
    assert password_expired(user, now=NOW)
    change_password(user=user, old_password=PASSWORD, new_password="Fresh-Passw0rd-1", now=NOW)
    user.refresh_from_db()
    assert not password_expired(user, now=NOW)
    assert password_expired(user, now=NOW + dt.timedelta(days=91))
    assert user.check_password("Fresh-Passw0rd-1")


def test_api_token_issue_and_lookup(cast):
    raw = issue_api_token(username="window_a", password=PASSWORD, now=NOW)
    assert user_for_token(raw, now=NOW + dt.timedelta(hours=1)) == cast["window_a"]
    assert user_for_token(raw, now=NOW + dt.timedelta(hours=13)) is None
    assert user_for_token("forged", now=NOW) is None
    assert not ApiToken.objects.filter(key_hash=raw).exists()  # only the hash is stored


def test_token_lookup_is_reused_briefly_and_forgotten_on_changes(cast, django_assert_num_queries):
    raw = issue_api_token(username="window_a", password=PASSWORD, now=NOW)
    first = user_for_token(raw, now=NOW)
    with django_assert_num_queries(0):
        again = user_for_token(raw, now=NOW)
    assert again == first and again is not first and roles_of(again) == {Role.WINDOW}
    user = cast["window_a"]
    user.is_active = False
    user.save()  # deactivation (like any change to users, roles, profiles or tokens) empties the cache
    assert user_for_token(raw, now=NOW) is None


def test_cached_token_lookup_still_honours_expiry_and_revoked_roles(cast):
    raw = issue_api_token(username="window_a", password=PASSWORD, now=NOW)
    assert user_for_token(raw, now=NOW) is not None
    assert user_for_token(raw, now=NOW + dt.timedelta(hours=13)) is None
    user_for_token(raw, now=NOW)
    revoke_role(actor=cast["secadmin"], target=cast["window_a"], role=Role.WINDOW, now=NOW)
    assert roles_of(user_for_token(raw, now=NOW)) == set()


def test_api_token_refused_while_password_change_pending(cast):
    cast["window_a"].must_change_password = True
    cast["window_a"].save()
    with pytest.raises(DomainError) as exc:
        issue_api_token(username="window_a", password=PASSWORD, now=NOW)
    assert exc.value.code == "password_change_required"


@override_settings(BIANMIN={**__import__("django.conf").conf.settings.BIANMIN, "LOCKOUT_FAILURES": 2})
def test_lockout_threshold_is_a_setting(cast):
    for _ in range(2):
        with pytest.raises(LoginFailed):
            authenticate_staff(username="window_a", password="wrong", now=NOW)
    assert LoginThrottle.objects.get(username="window_a").locked_until is not None


def test_roles_are_shared_across_requests_briefly_and_forgotten_on_grants(cast, django_assert_num_queries):
    user_model = type(cast["supervisor"])
    roles_of(user_model.objects.get(pk=cast["window_a"].pk))
    fresh = user_model.objects.get(pk=cast["window_a"].pk)  # a later request's user object
    with django_assert_num_queries(0):
        assert roles_of(fresh) == {Role.WINDOW}
    grant_role(actor=cast["secadmin"], target=cast["window_a"], role=Role.SUPERVISOR, now=NOW)
    assert roles_of(user_model.objects.get(pk=cast["window_a"].pk)) == {Role.WINDOW, Role.SUPERVISOR}
