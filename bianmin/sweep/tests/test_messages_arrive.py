"""Messages arrive without a manual command (issue 12 item 6): the scheduler that ``make run`` starts sends due
messages every half minute between its full rounds, and a leader finds the request in the inbox and the API."""
from __future__ import annotations

import datetime as dt
import io
import os
import signal

import pytest
from django.core.management import call_command

from bianmin.cases import services as case_svc
from bianmin.notifications.models import Message, MessageStatus
from bianmin.sweep.management.commands import scheduler
from bianmin.testing.cases import receive
from bianmin.testing.factories import MON, at
from conftest import api_token_headers, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def restore_signals():
    """The scheduler command installs its own SIGINT/SIGTERM handlers in this process: put pytest's back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_between_full_rounds_the_scheduler_sends_due_messages(monkeypatch, restore_signals):
    rounds: list[object] = []

    def fake_round(*, now: dt.datetime, only=None, **_kwargs):
        rounds.append(only)
        if len(rounds) == 3:
            os.kill(os.getpid(), signal.SIGTERM)  # stops the loop as Ctrl-C or the runner would
        return {"sweep": 0, "digests": 0, "sent": {"sent": 0}, "retired": 0, "anchor": None, "errors": {}}

    monkeypatch.setattr(scheduler, "run_round", fake_round)
    out = io.StringIO()
    call_command("scheduler", interval=3600, outbox_interval=1, stdout=out)

    assert rounds == [None, scheduler.OUTBOX_JOBS, scheduler.OUTBOX_JOBS]  # one full round, then the outbox
    assert {"digests", "sent"} == scheduler.OUTBOX_JOBS
    assert "每 1 秒发送到期消息" in out.getvalue() and "调度进程已停止" in out.getvalue()


def test_the_outbox_interval_defaults_to_half_a_minute(monkeypatch, restore_signals):
    monkeypatch.setattr(scheduler, "run_round", lambda **_kw: {"sweep": 0, "digests": 0, "sent": {}, "retired": 0,
                                                                "anchor": None, "errors": {}})
    out = io.StringIO()
    call_command("scheduler", once=True, stdout=out)
    assert "每 300 秒一轮，每 30 秒发送到期消息" in out.getvalue()


def test_a_leader_finds_a_transfer_request_in_the_inbox_after_the_schedulers_round(client, cast, item):
    case = receive(cast)
    case_svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))
    case_svc.request_transfer(actor=cast["window_a"], number=case.number, to_badge="B-window_b", reason="调岗",
                              now=at(MON, 10))
    message = Message.objects.get(kind="TRANSFER_REQUESTED", recipient=cast["leader"])
    sign_in(client, cast["leader"])
    assert "待审批：办件移交" not in client.get("/staff/messages/").content.decode()  # queued, not yet sent

    done = scheduler.run_round(now=at(MON, 10), only=scheduler.OUTBOX_JOBS)  # the half-minute round

    assert done["errors"] == {} and done["sent"]["sent"] >= 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at == at(MON, 10)
    page = client.get("/staff/messages/").content.decode()
    assert "待审批：办件移交" in page and case.number in page and "/staff/approvals/" in page
    listed = client.get("/api/v1/messages", headers=api_token_headers(client, "leader")).json()
    assert [m["subject"] for m in listed] == ["待审批：办件移交"]
    assert case.number in listed[0]["body"] and listed[0]["link"] == "/staff/approvals/"
