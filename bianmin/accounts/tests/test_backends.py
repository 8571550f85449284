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
