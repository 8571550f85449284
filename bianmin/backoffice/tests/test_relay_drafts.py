"""登记代办 sent again after a dropped connection (issue 13 item 7): the draft's key registers one relay however
often the form is re-sent, a re-post while the first still runs gets the "正在处理" page, the key sent with another
form is refused naming it, and a refused post gives the key back for the corrected draft."""
import datetime as dt

import pytest
import time_machine

from bianmin.accounts.roles import Role
from bianmin.backoffice.relay_drafts import fingerprint
from bianmin.core import idempotency
from bianmin.core.models import IdempotentRequest
from bianmin.relay.models import RelayRequest
from conftest import make_user

from .test_relay_screens import _form
from .test_views import login

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing
KEY = "3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b"


def _draft(item, **overrides):
    return {**_form(item), "idempotency_key": KEY, "csrfmiddlewaretoken": "a-token-of-this-page-load", **overrides}


@time_machine.travel(FROZEN, tick=False)
def test_the_page_keeps_a_draft_per_user_with_its_key(client, cast, item):
    login(client, cast["agent"])
    page = client.get("/staff/relays/new/?item=SP-01").content.decode()
    assert 'data-relay-draft data-draft-user="agent"' in page
    assert '<input type="hidden" name="idempotency_key" value="">' in page  # the script fills it
    assert "js/relay_draft.js" in page and "已恢复未提交的草稿" in page and "放弃草稿" in page
    assert "<script>" not in page  # no inline script under the CSP


@time_machine.travel(FROZEN, tick=False)
def test_a_re_sent_draft_registers_one_relay(client, cast, item):
    login(client, cast["agent"])
    first = client.post("/staff/relays/new/", _draft(item))
    relay = RelayRequest.objects.get()
    assert first.status_code == 302 and first["Location"] == f"/staff/relays/{relay.number}/?sent={KEY}"
    page = client.get(first["Location"]).content.decode()
    assert f'data-relay-draft-done="{KEY}" data-draft-user="agent"' in page  # the script clears the draft
    # The same draft again (the answer was lost on the way), from a reloaded page with another CSRF token.
    again = client.post("/staff/relays/new/", _draft(item, csrfmiddlewaretoken="another-token"))
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert RelayRequest.objects.count() == 1
    assert "这份草稿已经登记过，没有重复登记" in client.get(again["Location"]).content.decode()
    # The same key with another form: refused naming the key, nothing registered.
    other = client.post("/staff/relays/new/", _draft(item, applicant_name="李四"))
    assert other.status_code == 422 and "这份草稿已经提交过，其间内容有改动" in other.content.decode()
    assert RelayRequest.objects.count() == 1
    # Keys are the account's: another agent's draft with the same key is its own.
    other_agent = make_user(django_user_model=type(cast["agent"]), username="agent2", role=Role.AGENT,
                            unit=cast["agent"].staff_profile.unit)
    client.logout()
    login(client, other_agent)
    assert client.post("/staff/relays/new/", _draft(item)).status_code == 302
    assert RelayRequest.objects.count() == 2


@time_machine.travel(FROZEN, tick=False)
def test_a_re_post_while_the_first_still_runs_gets_the_pending_page(client, cast, item, rf):
    login(client, cast["agent"])
    request = rf.post("/staff/relays/new/", _draft(item))
    running = idempotency.begin(account_id=cast["agent"].pk, key=KEY, method="POST", path="/staff/relays/new/",
                                fingerprint=fingerprint(request), now=FROZEN)
    assert isinstance(running, idempotency.Run)
    r = client.post("/staff/relays/new/", _draft(item))
    assert r.status_code == 409 and r["Retry-After"] == "2" and "正在处理" in r.content.decode()
    assert not RelayRequest.objects.exists()


@time_machine.travel(FROZEN, tick=False)
def test_a_refused_draft_keeps_its_key_for_the_corrected_post(client, cast, item):
    login(client, cast["agent"])
    r = client.post("/staff/relays/new/", _draft(item, mandate=""))
    assert r.status_code == 400 and "授权委托书" in r.content.decode()
    assert f'name="idempotency_key" value="{KEY}"' in r.content.decode()  # the same draft goes on with its key
    assert not IdempotentRequest.objects.exists()  # given back
    r = client.post("/staff/relays/new/", _draft(item))
    assert r.status_code == 302 and RelayRequest.objects.count() == 1


@time_machine.travel(FROZEN, tick=False)
def test_a_malformed_key_is_refused_naming_it_and_no_key_registers_as_before(client, cast, item):
    login(client, cast["agent"])
    r = client.post("/staff/relays/new/", _draft(item, idempotency_key="键 with spaces"))
    assert r.status_code == 400 and "提交标识无效" in r.content.decode() and not RelayRequest.objects.exists()
    r = client.post("/staff/relays/new/", _draft(item, idempotency_key=""))
    assert r.status_code == 302 and "?sent" not in r["Location"] and RelayRequest.objects.count() == 1
    page = client.get(f"/staff/relays/{RelayRequest.objects.get().number}/?sent=bad%20key").content.decode()
    assert "data-relay-draft-done" not in page


@time_machine.travel(FROZEN, tick=False)
def test_a_failure_after_the_registration_rolls_it_back_with_the_key_and_the_retry_registers_once(
        client, cast, item, monkeypatch):
    """Decision 0032 for the drafts: the registration, its claim and its kept answer are one transaction, so a
    failure between the registration and the kept answer (a 500) leaves neither, and the re-post registers once."""
    from bianmin.backoffice import relay_drafts

    login(client, cast["agent"])
    real, calls = relay_drafts.idempotency.finish, []

    def fails_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the node died while keeping the answer")
        return real(*args, **kwargs)

    monkeypatch.setattr(relay_drafts.idempotency, "finish", fails_once)
    client.raise_request_exception = False
    assert client.post("/staff/relays/new/", _draft(item)).status_code == 500
    assert not RelayRequest.objects.exists() and not IdempotentRequest.objects.exists()
    r = client.post("/staff/relays/new/", _draft(item))
    assert r.status_code == 302 and RelayRequest.objects.count() == 1
    again = client.post("/staff/relays/new/", _draft(item))
    assert again["Location"] == r["Location"] and RelayRequest.objects.count() == 1 and len(calls) == 2
