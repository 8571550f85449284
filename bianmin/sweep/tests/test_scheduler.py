"""The scheduler isolates its jobs (decision 0004 §8): a job that raises is logged with its traceback, and the other
jobs of the same round still run."""
import datetime as dt
import io
import logging

import pytest
from django.core.management import call_command

from bianmin.audit.anchors import read_anchors
from bianmin.notifications.backends import LocmemBackend
from bianmin.notifications.models import Message, MessageStatus
from bianmin.notifications.services import enqueue_sms
from bianmin.sweep.management.commands import scheduler
from bianmin.sweep.models import SweepRun

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Beijing: SMS may go out
# result name → the function the scheduler calls
JOBS = {"sweep": "run_sweep", "digests": "build_digests", "sent": "deliver_due", "retired": "retire_case_counters",
        "sessions": "clear_expired_sessions", "anchor": "anchor_audit_head"}


@pytest.fixture
def anchor_file(settings, tmp_path):
    path = tmp_path / "audit-anchors.jsonl"
    settings.BIANMIN = {**settings.BIANMIN, "AUDIT_ANCHOR_FILE": str(path), "AUDIT_ANCHOR_KEY": "scheduler-test"}
    return path


def failing(*_args, **_kwargs):
    raise RuntimeError("job broke")


@pytest.mark.parametrize("broken", list(JOBS))
def test_a_failing_job_is_logged_and_the_others_still_run(broken, monkeypatch, caplog, anchor_file):
    ran: list[str] = []

    def spy(name: str, real):
        def call(*args, **kwargs):
            ran.append(name)
            return real(*args, **kwargs)
        return call

    for name, function in JOBS.items():
        monkeypatch.setattr(scheduler, function, failing if name == broken else spy(name, getattr(scheduler, function)))

    with caplog.at_level(logging.ERROR, logger="bianmin.scheduler"):
        done = scheduler.run_round(now=NOW)

    assert ran == [name for name in JOBS if name != broken]  # every other job, in order
    assert done[broken] is None
    assert done["errors"] == {broken: "RuntimeError('job broke')"}
    [logged] = [r for r in caplog.records if r.name == "bianmin.scheduler"]
    assert broken in logged.getMessage() and logged.exc_info is not None  # with the traceback
    assert logged.exc_info[0] is RuntimeError


def test_a_failing_sweep_does_not_stop_the_outbox_or_the_anchor(monkeypatch, anchor_file):
    """The real jobs after a failure: a due SMS is sent and the audit head anchored although the sweep broke."""
    LocmemBackend.sent.clear()
    message = enqueue_sms(phone="13800138000", kind="CASE_ACCEPTED", text="您的申请已受理", cause="case:1", now=NOW)
    monkeypatch.setattr(scheduler, "run_sweep", failing)

    done = scheduler.run_round(now=NOW)

    assert done["errors"] == {"sweep": "RuntimeError('job broke')"}
    assert not SweepRun.objects.exists()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and done["sent"]["sent"] == 1
    assert [m["reference"] for m in LocmemBackend.sent] == [f"BM{message.pk}"]
    assert done["anchor"] is not None and read_anchors(anchor_file).anchors


def test_the_command_reports_the_failed_job_and_finishes_the_round(monkeypatch, anchor_file):
    monkeypatch.setattr(scheduler, "deliver_due", failing)
    monkeypatch.setattr(scheduler, "now", lambda: NOW)
    out, err = io.StringIO(), io.StringIO()

    call_command("scheduler", once=True, stdout=out, stderr=err)

    assert "作业 sent 出错" in err.getvalue() and "job broke" in err.getvalue()
    assert "巡检" in out.getvalue() and "审计锚点" in out.getvalue()  # the round went on after the outbox
    assert SweepRun.objects.count() == 1 and read_anchors(anchor_file).anchors
    assert not Message.objects.filter(status=MessageStatus.SENT).exists()


def test_the_command_puts_back_the_signal_handlers_it_found(anchor_file):
    """Its Ctrl-C/SIGTERM handlers last only while it runs: left behind, they outlived the command in its process
    (a test run's), and a worker forked from that process later ignored its pool's SIGTERM."""
    import signal

    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    call_command("scheduler", once=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert {sig: signal.getsignal(sig) for sig in before} == before


def test_a_round_deletes_the_expired_sessions_only(anchor_file):
    from bianmin.accounts.models import StaffSession

    for key, expires in (("gone", NOW - dt.timedelta(seconds=1)), ("live", NOW + dt.timedelta(hours=1))):
        StaffSession.objects.create(session_key=key, session_data="", expire_date=expires)
    assert scheduler.run_round(now=NOW, only={"sessions"}) == {"sessions": 1, "errors": {}}
    assert list(StaffSession.objects.values_list("session_key", flat=True)) == ["live"]
