"""API tokens and sessions end (issue 11 item 3): logout, password change, reset, role change, lock, deactivation."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from bianmin.accounts.models import ApiToken, ResetKind
from bianmin.accounts.roles import Role
from bianmin.accounts.services import (
    LoginFailed,
    authenticate_staff,
    change_password,
    grant_role,
    issue_api_token,
    request_reset,
    revoke_api_token,
    revoke_role,
    user_for_token,
)
from bianmin.audit.models import AuditAction, AuditEntry
from bianmin.core.errors import NotFound
from conftest import NOW, PASSWORD, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(cast):
    raw = issue_api_token(username="window_a", password=PASSWORD, now=NOW)
    assert user_for_token(raw, now=NOW) == cast["window_a"]  # now cached in this process too
    return raw


def ended(raw) -> bool:
    return user_for_token(raw, now=NOW + dt.timedelta(minutes=1)) is None


def test_logout_ends_the_token(token):
    revoke_api_token(raw=token, now=NOW, ip="10.0.0.1")
    assert ended(token) and not ApiToken.objects.exists()
    entry = AuditEntry.objects.filter(action=AuditAction.LOGOUT).get()
    assert entry.data == {"channel": "api"} and entry.actor.username == "window_a"
    with pytest.raises(NotFound):
        revoke_api_token(raw=token, now=NOW)


def test_a_password_change_ends_every_token(cast, token):
    change_password(user=cast["window_a"], old_password=PASSWORD, new_password="Qingshi#Xiao-9261", now=NOW)
    assert ended(token)


def test_a_password_reset_ends_every_token(cast, token):
    request_reset(actor=cast["secadmin"], target=cast["window_a"], kind=ResetKind.PASSWORD, reason="遗忘", now=NOW)
    assert ended(token)


@pytest.mark.parametrize("change", ["grant", "revoke"])
def test_a_role_change_ends_every_token(cast, token, change):
    if change == "grant":
        grant_role(actor=cast["secadmin"], target=cast["window_a"], role=Role.AGENT, now=NOW)
    else:
        revoke_role(actor=cast["secadmin"], target=cast["window_a"], role=Role.WINDOW, now=NOW)
    assert ended(token)
    assert AuditEntry.objects.filter(action__in=[AuditAction.ROLE_GRANT, AuditAction.ROLE_REVOKE]).get().data[
        "tokens_ended"] == 1


def test_a_lock_ends_every_token(cast, token):
    for i in range(5):
        with pytest.raises(LoginFailed):
            authenticate_staff(username="window_a", password="wrong", now=NOW + dt.timedelta(seconds=i))
    assert ended(token)
    assert AuditEntry.objects.get(action=AuditAction.LOCKOUT).data["tokens_ended"] == 1


def test_deactivation_in_the_admin_ends_every_token(client, cast, token):
    sign_in(client, cast["sysadmin"])
    user = cast["window_a"]
    r = client.post(f"/admin/users/user/{user.pk}/change/", {"username": "window_a", "full_name": "window_a",
                                                             "email": ""})  # "is_active" unticked
    assert r.status_code == 302, r.content.decode()[:800]
    assert not get_user_model().objects.get(pk=user.pk).is_active
    assert not ApiToken.objects.exists() and ended(token)


def test_the_token_lifetime_stays_12_hours(cast, token):
    assert user_for_token(token, now=NOW + dt.timedelta(hours=11, minutes=59)) is not None
    assert user_for_token(token, now=NOW + dt.timedelta(hours=12, minutes=1)) is None


@pytest.mark.parametrize("change", ["role", "lock", "reset", "second_factor_reset"])
def test_every_session_of_the_user_ends(client, cast, change):
    user = cast["leader"]
    sign_in(client, user)
    assert client.get("/staff/").status_code == 200
    if change == "role":
        grant_role(actor=cast["secadmin"], target=user, role=Role.SUPERVISOR, now=NOW)
    elif change == "lock":
        for _ in range(5):
            with pytest.raises(LoginFailed):
                authenticate_staff(username="leader", password="wrong", now=NOW)
    else:
        kind = ResetKind.PASSWORD if change == "reset" else ResetKind.SECOND_FACTOR
        request_reset(actor=cast["secadmin"], target=user, kind=kind, reason="当面核实", now=NOW)
    r = client.get("/staff/")
    assert r.status_code == 302 and "/staff/login/" in r["Location"]


def test_a_password_change_keeps_the_current_session_and_ends_the_others(client, cast):
    from django.test import Client

    other = Client()
    sign_in(other, cast["window_a"])
    sign_in(client, cast["window_a"])
    r = client.post("/staff/password/", {"old_password": PASSWORD, "new_password": "Qingshi#Xiao-9261",
                                         "new_password2": "Qingshi#Xiao-9261"})
    assert r.status_code == 302
    assert client.get("/staff/").status_code == 200
    r = other.get("/staff/")
    assert r.status_code == 302 and "/staff/login/" in r["Location"]
