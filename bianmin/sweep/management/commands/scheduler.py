"""The long-running scheduler: sweep, staff digests, the outbox, retiring past days' number sequences, deleting expired
sessions and anchoring the audit chain's head, every few minutes until stopped.

    manage.py scheduler [--interval SECONDS] [--outbox-interval SECONDS] [--once]

Between two full rounds (every ``SCHEDULER_INTERVAL_SECONDS``, default 300) it sends due messages every
``OUTBOX_INTERVAL_SECONDS`` (default 30): an in-app message or SMS goes out within about half a minute of its cause,
while the sweep keeps its own pace. Run one per site (running two is safe: every step skips rows the other holds).
Stop with Ctrl-C or SIGTERM; the current round finishes first. Each job of a round runs on its own: one that fails is
logged with its traceback and retried next round, and the jobs after it still run (decision 0004).
"""
from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
from collections.abc import Callable, Collection
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from bianmin.accounts.sessions import clear_expired_sessions
from bianmin.audit.anchors import anchor_audit_head
from bianmin.cases.services import retire_case_counters
from bianmin.core.timeutils import now
from bianmin.hospital.services import retire_request_counters
from bianmin.notifications.backends import SmsBackend
from bianmin.notifications.services import build_digests, deliver_due
from bianmin.sweep.services import run_sweep

logger = logging.getLogger("bianmin.scheduler")

# The jobs of the short rounds between two full ones: due messages (and digests, sent only in working hours).
OUTBOX_JOBS = frozenset({"digests", "sent"})
DEFAULT_OUTBOX_INTERVAL = 30


def _jobs(*, now: dt.datetime, batch: int | None, backend: SmsBackend | None) -> list[tuple[str, Callable[[], Any]]]:
    """Return a round's jobs in order, by the name their result is reported under."""
    sizes = {"batch": batch} if batch else {}
    return [
        ("sweep", lambda: run_sweep(now=now, **sizes)),
        ("digests", lambda: build_digests(now=now)),
        ("sent", lambda: deliver_due(now=now, backend=backend, **sizes)),
        ("retired", lambda: retire_case_counters(now) + retire_request_counters(now)),
        ("sessions", lambda: clear_expired_sessions(now)),
        ("anchor", lambda: anchor_audit_head(now=now)),
    ]


def run_round(*, now: dt.datetime, batch: int | None = None, backend: SmsBackend | None = None,
              only: Collection[str] | None = None) -> dict[str, Any]:
    """Run one round: the sweep, staff digests, due messages, retiring old number sequences, deleting expired
    sessions, then a signed anchor
    of the audit chain's head (decision 0017); with ``only``, just the jobs of those names (``OUTBOX_JOBS``: a short
    round). Safe on several nodes at once (tested in sweep/tests).

    Each job is isolated: one that raises is logged with its traceback, reported as None with its error under
    ``errors`` (job name → repr), and the others still run. Each job commits its own work, so a failure leaves
    nothing half-written for the next job to trip over.
    """
    done: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, job in _jobs(now=now, batch=batch, backend=backend):
        if only is not None and name not in only:
            continue
        try:
            done[name] = job()
        except Exception as exc:
            logger.exception("scheduler job %s failed; the round goes on and the next round retries it", name)
            done[name], errors[name] = None, repr(exc)[:500]
    done["errors"] = errors
    return done


class Command(BaseCommand):
    help = "常驻调度进程：定时执行时限巡检、汇总提醒和消息发送"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=int, default=None, help="完整一轮（巡检、汇总、发送、锚点）的间隔（秒）")
        parser.add_argument("--outbox-interval", type=int, default=None,
                            help="两轮之间发送到期消息的间隔（秒），默认30")
        parser.add_argument("--once", action="store_true", help="只执行一轮")

    def handle(self, *args: Any, interval: int | None = None, outbox_interval: int | None = None, once: bool = False,
               **options: Any) -> None:
        interval = interval or settings.BIANMIN["SCHEDULER_INTERVAL_SECONDS"]
        outbox_interval = min(interval, outbox_interval or settings.BIANMIN.get("OUTBOX_INTERVAL_SECONDS",
                                                                                 DEFAULT_OUTBOX_INTERVAL))
        stop = threading.Event()
        # Put back on the way out: a handler left behind would outlive the command in its process (a caller's, a
        # test run's), and a process forked from it later could no longer be stopped by SIGTERM.
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self._run(stop, interval, outbox_interval, once)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _run(self, stop: threading.Event, interval: int, outbox_interval: int, once: bool) -> None:
        self.stdout.write(f"调度进程已启动，每 {interval} 秒一轮，每 {outbox_interval} 秒发送到期消息（Ctrl-C 停止）")
        next_full = time.monotonic()
        while not stop.is_set():
            full = time.monotonic() >= next_full
            if full:
                next_full = time.monotonic() + interval
            try:
                done = run_round(now=now(), only=None if full else OUTBOX_JOBS)
                if full:
                    self._report(done)
                else:
                    self._report_outbox(done)
            except Exception as exc:  # e.g. the database is unreachable: wait for the next round
                logger.exception("scheduler round failed")
                self.stderr.write(f"本轮出错，下一轮重试：{exc!r}")
            if once:
                break
            stop.wait(max(0.0, min(outbox_interval, next_full - time.monotonic())))
            close_old_connections()  # a connection the database dropped meanwhile is opened afresh
        self.stdout.write("调度进程已停止")

    def _report(self, done: dict[str, Any]) -> None:
        anchor = done["anchor"]
        self.stdout.write(f"[{now():%Y-%m-%d %H:%M:%S}] 巡检 {done['sweep']}；汇总提醒 {done['digests']}；"
                          f"消息 {done['sent']}"
                          + (f"；清理过期编号序列 {done['retired']} 个" if done["retired"] else "")
                          + (f"；审计锚点 第{anchor.seq}条" if anchor else ""))
        self._report_errors(done)

    def _report_outbox(self, done: dict[str, Any]) -> None:
        """Report a short round only when it did something (it runs every half minute)."""
        sent = done.get("sent") or {}
        if done.get("digests") or any(sent.values()):
            self.stdout.write(f"[{now():%Y-%m-%d %H:%M:%S}] 汇总提醒 {done.get('digests')}；消息 {sent}")
        self._report_errors(done)

    def _report_errors(self, done: dict[str, Any]) -> None:
        for name, error in done["errors"].items():
            self.stderr.write(f"作业 {name} 出错（已记录日志，下一轮重试）：{error}")
