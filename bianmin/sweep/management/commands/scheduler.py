"""The long-running scheduler: sweep, staff digests, the outbox, retiring past days' number sequences and anchoring
the audit chain's head, every few minutes until stopped.

    manage.py scheduler [--interval SECONDS] [--once]

Run one per site (running two is safe: every step skips rows the other holds). Stop with Ctrl-C or SIGTERM;
the current round finishes first. Each job of a round runs on its own: one that fails is logged with its traceback
and retried next round, and the jobs after it still run (decision 0004).
"""
from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from bianmin.audit.anchors import anchor_audit_head
from bianmin.cases.services import retire_case_counters
from bianmin.core.timeutils import now
from bianmin.notifications.backends import SmsBackend
from bianmin.notifications.services import build_digests, deliver_due
from bianmin.sweep.services import run_sweep

logger = logging.getLogger("bianmin.scheduler")


def _jobs(*, now: dt.datetime, batch: int | None, backend: SmsBackend | None) -> list[tuple[str, Callable[[], Any]]]:
    """Return a round's jobs in order, by the name their result is reported under."""
    sizes = {"batch": batch} if batch else {}
    return [
        ("sweep", lambda: run_sweep(now=now, **sizes)),
        ("digests", lambda: build_digests(now=now)),
        ("sent", lambda: deliver_due(now=now, backend=backend, **sizes)),
        ("retired", lambda: retire_case_counters(now)),
        ("anchor", lambda: anchor_audit_head(now=now)),
    ]


def run_round(*, now: dt.datetime, batch: int | None = None, backend: SmsBackend | None = None) -> dict[str, Any]:
    """Run one round: the sweep, staff digests, due messages, retiring old number sequences, then a signed anchor
    of the audit chain's head (decision 0017). Safe on several nodes at once (tested in sweep/tests).

    Each job is isolated: one that raises is logged with its traceback, reported as None with its error under
    ``errors`` (job name → repr), and the others still run. Each job commits its own work, so a failure leaves
    nothing half-written for the next job to trip over.
    """
    done: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, job in _jobs(now=now, batch=batch, backend=backend):
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
        parser.add_argument("--interval", type=int, default=None, help="两轮之间的间隔（秒）")
        parser.add_argument("--once", action="store_true", help="只执行一轮")

    def handle(self, *args: Any, interval: int | None = None, once: bool = False, **options: Any) -> None:
        interval = interval or settings.BIANMIN["SCHEDULER_INTERVAL_SECONDS"]
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"调度进程已启动，每 {interval} 秒一轮（Ctrl-C 停止）")
        while not stop.is_set():
            try:
                self._report(run_round(now=now()))
            except Exception as exc:  # e.g. the database is unreachable: wait for the next round
                logger.exception("scheduler round failed")
                self.stderr.write(f"本轮出错，下一轮重试：{exc!r}")
            if once:
                break
            stop.wait(interval)
            close_old_connections()  # a connection the database dropped meanwhile is opened afresh
        self.stdout.write("调度进程已停止")

    def _report(self, done: dict[str, Any]) -> None:
        anchor = done["anchor"]
        self.stdout.write(f"[{now():%Y-%m-%d %H:%M:%S}] 巡检 {done['sweep']}；汇总提醒 {done['digests']}；"
                          f"消息 {done['sent']}"
                          + (f"；清理过期编号序列 {done['retired']} 个" if done["retired"] else "")
                          + (f"；审计锚点 第{anchor.seq}条" if anchor else ""))
        for name, error in done["errors"].items():
            self.stderr.write(f"作业 {name} 出错（已记录日志，下一轮重试）：{error}")
