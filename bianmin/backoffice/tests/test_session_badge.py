"""The unread badge of every staff page comes with the session's read, exact on every request (decision 0039)."""
from types import SimpleNamespace

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from bianmin.accounts.models import StaffSession
from bianmin.accounts.sessions import SessionStore, session_figure
from bianmin.backoffice.tests.test_views import login
from bianmin.cases.models import Case
from bianmin.core import replica
from bianmin.core.replica import DEFAULT, REPLICA, ReplicaRouter, replica_reads
from bianmin.core.timeutils import now
from bianmin.notifications.models import Message
from bianmin.notifications.selectors import unread_count
from bianmin.notifications.services import deliver_due, enqueue_inapp

pytestmark = pytest.mark.django_db

BADGE = '<span class="badge warn-red" title="未读消息">'


def _message_to(user, subject="测试"):
    enqueue_inapp(recipient=user, kind="TEST", subject=subject, text="一条消息", now=now())
    deliver_due(now=now())


def _page(client, url="/staff/acting/"):
    """The page's HTML and the statements that read messages on their own (not inside the session's read)."""
    with CaptureQueriesContext(connection) as queries:
        r = client.get(url)
    assert r.status_code == 200
    alone = [q["sql"] for q in queries.captured_queries
             if 'FROM "notifications_message"' in q["sql"] and 'FROM "accounts_staffsession"' not in q["sql"]]
    return r.content.decode(), alone


def _badge(html):
    if BADGE not in html:
        return 0
    return int(html.split(BADGE, 1)[1].split("<", 1)[0])


def test_the_badge_comes_with_the_session_and_is_exact_on_every_page(client, cast):
    """No statement of its own on a GET, and no copy kept between requests: a message delivered or read in between
    shows on the next page."""
    user = cast["window_a"]
    login(client, user)
    html, alone = _page(client)
    assert _badge(html) == 0 and alone == []
    _message_to(user)
    html, alone = _page(client)
    assert _badge(html) == 1 and alone == []
    _message_to(user, "第二条")
    assert _badge(_page(client)[0]) == 2
    message = user.messages.order_by("id").first()
    r = client.post("/staff/messages/", {"message": message.pk})
    assert r.status_code == 302
    html, alone = _page(client)
    assert _badge(html) == 1 and alone == []


def test_another_users_message_does_not_count(client, cast):
    login(client, cast["window_a"])
    _message_to(cast["window_b"])
    assert _badge(_page(client)[0]) == 0


def test_a_session_that_does_not_name_its_user_counts_apart(client, cast):
    """A session moved from before the column, until its next save: the count is read by itself, still exact."""
    user = cast["window_a"]
    login(client, user)
    _message_to(user)
    StaffSession.objects.filter(session_key=client.cookies["sessionid"].value).update(user_id=None)
    html, alone = _page(client)
    assert _badge(html) == 1 and len(alone) == 1


def test_the_figure_holds_only_for_a_safe_request_of_the_sessions_own_user(cast, rf):
    """A POST may have changed the count before its page is drawn; the session's figure is its own user's only (a
    sign-in in between, or a page asking about someone else, reads afresh)."""
    a, b = cast["window_a"], cast["window_b"]

    def loaded_session():
        store = SessionStore()
        store[SESSION_KEY] = str(a.pk)
        store.save()
        loaded = SessionStore(store.session_key)
        loaded.load()
        return loaded

    _message_to(a)
    loaded = loaded_session()

    def request(method, user=a):
        made = getattr(rf, method)("/staff/")
        made.session, made.user = loaded, user
        return made

    assert session_figure(request("get"), "unread", a) == 1
    assert session_figure(request("head"), "unread", a) == 1
    assert session_figure(request("post"), "unread", a) is None
    assert session_figure(request("get"), "unread", b) is None  # another user's figure is never a's
    assert session_figure(request("get", b), "unread", b) is None
    assert session_figure(request("get"), "no such figure", a) is None
    assert unread_count(b, request("get")) == 0 and unread_count(a, request("get")) == 1
    loaded.cycle_key()
    assert session_figure(request("get"), "unread", a) is None
    loaded = loaded_session()
    loaded.flush()  # a sign-out
    assert session_figure(request("get"), "unread", a) is None
    assert session_figure(SimpleNamespace(method="GET", user=a), "unread", a) is None  # no session


def test_the_session_is_read_from_the_primary(monkeypatch):
    from bianmin.core.tests.test_replica import FakeReplica

    FakeReplica(monkeypatch)  # a healthy replica: other reads in the block go there
    monkeypatch.setattr(connections[DEFAULT], "in_atomic_block", False)  # (the test's own transaction)
    try:
        with replica_reads(None):
            assert ReplicaRouter().db_for_read(StaffSession) == DEFAULT
            assert ReplicaRouter().db_for_read(Message) == DEFAULT  # the count it carries
            assert ReplicaRouter().db_for_read(Case) == REPLICA
    finally:
        replica.forget_health()
