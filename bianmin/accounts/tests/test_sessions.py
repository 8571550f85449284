"""The staff session names its signed-in user (decision 0039); the badge it carries: test_session_badge."""
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from bianmin.accounts.models import StaffSession
from bianmin.accounts.sessions import SessionStore
from bianmin.accounts.tests.test_backends import _sign_in

pytestmark = pytest.mark.django_db


def test_a_saved_session_names_the_user_its_data_holds(cast):
    store = SessionStore()
    store["note"] = 1
    store.save()
    assert StaffSession.objects.get(session_key=store.session_key).user_id is None  # nobody signed in
    store[SESSION_KEY] = str(cast["window_a"].pk)
    store.save()
    assert StaffSession.objects.get(session_key=store.session_key).user_id == cast["window_a"].pk
    store[SESSION_KEY] = "not a number"
    store.save()
    assert StaffSession.objects.get(session_key=store.session_key).user_id is None


def test_signing_in_writes_the_user_on_the_session_row(client, cast):
    _sign_in(client, cast["window_a"])
    row = StaffSession.objects.get(session_key=client.cookies["sessionid"].value)
    assert row.user_id == cast["window_a"].pk
    assert not Session.objects.exists()  # Django's own table is no longer written


def test_the_migration_moves_unexpired_sessions_with_their_user(cast):
    """Nobody signed in is signed out by the upgrade."""
    encode = SessionStore().encode
    later, earlier = timezone.now() + timezone.timedelta(minutes=20), timezone.now() - timezone.timedelta(minutes=1)
    Session.objects.bulk_create([
        Session(session_key="a" * 32, session_data=encode({SESSION_KEY: str(cast["window_a"].pk)}), expire_date=later),
        Session(session_key="b" * 32, session_data=encode({"note": 1}), expire_date=later),
        Session(session_key="c" * 32, session_data="garbage", expire_date=later),
        Session(session_key="d" * 32, session_data=encode({SESSION_KEY: "1"}), expire_date=earlier),
    ])
    migration = importlib.import_module("bianmin.accounts.migrations.0004_staff_session")
    migration.move_sessions(apps, SimpleNamespace(connection=connection))
    moved = dict(StaffSession.objects.values_list("session_key", "user_id"))
    assert moved == {"a" * 32: cast["window_a"].pk, "b" * 32: None, "c" * 32: None}
    assert not Session.objects.exists()  # nothing left behind in the table nothing clears
    assert SessionStore("a" * 32).load() == {SESSION_KEY: str(cast["window_a"].pk)}


def test_the_migration_moves_sessions_back_when_reversed(cast):
    store = SessionStore()
    store[SESSION_KEY] = str(cast["window_a"].pk)
    store.save()
    migration = importlib.import_module("bianmin.accounts.migrations.0004_staff_session")
    migration.move_sessions_back(apps, SimpleNamespace(connection=connection))
    back = Session.objects.get(session_key=store.session_key)
    assert back.session_data == StaffSession.objects.get(session_key=store.session_key).session_data
