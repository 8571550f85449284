"""The signed-in user is reused for a few seconds per process; changes made here take effect at once."""
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, user):
    r = client.post("/staff/login/", {"username": user.username, "password": PASSWORD})
    assert r.status_code == 302


def _later(monkeypatch, seconds: float) -> None:
    monkeypatch.setattr("bianmin.core.ttlcache._clock", lambda: time.monotonic() + seconds)


def _user_reads(client) -> int:
    with CaptureQueriesContext(connection) as q:
        assert client.get("/staff/acting/").status_code == 200
    return sum('FROM "users_user"' in x["sql"] for x in q.captured_queries)


def test_the_signed_in_user_is_read_once_within_the_cache_seconds(client, cast, monkeypatch):
    _sign_in(client, cast["window_a"])
    _user_reads(client)
    assert _user_reads(client) == 0
    _later(monkeypatch, 6)
    assert _user_reads(client) == 1  # expired: read again


def test_deactivating_a_user_here_ends_their_session_at_once(client, cast):
    user = cast["window_a"]
    _sign_in(client, user)
    assert client.get("/staff/acting/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    r = client.get("/staff/acting/")
    assert r.status_code == 302 and "/staff/login/" in r["Location"]


def test_deactivation_elsewhere_takes_effect_within_the_cache_seconds(client, cast, django_user_model, monkeypatch):
    user = cast["window_a"]
    _sign_in(client, user)
    assert client.get("/staff/acting/").status_code == 200
    django_user_model.objects.filter(pk=user.pk).update(is_active=False)  # as another process would, no signal
    _later(monkeypatch, 6)
    r = client.get("/staff/acting/")
    assert r.status_code == 302 and "/staff/login/" in r["Location"]


def test_each_request_gets_its_own_user_object(client, cast):
    from bianmin.accounts.backends import StaffBackend

    backend = StaffBackend()
    first, second = backend.get_user(cast["window_a"].pk), backend.get_user(cast["window_a"].pk)
    assert first == second and first is not second
    first._per_request = 1
    assert not hasattr(second, "_per_request")


def test_a_password_changed_in_another_process_keeps_this_session(client, cast, django_user_model):
    from django.contrib.auth import HASH_SESSION_KEY
    from django.contrib.auth.hashers import make_password

    user = cast["window_a"]
    _sign_in(client, user)
    assert client.get("/staff/acting/").status_code == 200  # the user is now cached here
    # Another process saves the new password (no signal here) and updates this session's hash, as the
    # password-change view does with update_session_auth_hash.
    django_user_model.objects.filter(pk=user.pk).update(password=make_password("Another-Passw0rd-2026"))
    session = client.session
    session[HASH_SESSION_KEY] = django_user_model.objects.get(pk=user.pk).get_session_auth_hash()
    session.save()
    assert client.get("/staff/acting/").status_code == 200  # still signed in


def test_an_api_request_after_the_absolute_limit_leaves_no_session_behind(client, cast):
    from bianmin.accounts.middleware import SESSION_STARTED_KEY
    from bianmin.accounts.models import StaffSession as Session

    _sign_in(client, cast["window_a"])
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 13 * 3600
    session.save()
    client.get("/api/v1/workdays/2026-03-02")
    assert Session.objects.count() == 0
