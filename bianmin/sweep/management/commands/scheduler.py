"""The long-running scheduler: sweep, staff digests, the outbox, retiring past days' number sequences and anchoring
the audit chain's head, every few minutes until stopped.

    manage.py scheduler [--interval SECONDS] [--once]

Run one per site (running two is safe: every step skips rows the other holds). Stop with Ctrl-C or SIGTERM;
the current round finishes first.
"""
import datetime as dt
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from bianmin.audit.anchors import anchor_audit_head
from bianmin.cases.services.core import retire_case_counters
from bianmin.core.timeutils import now
from bianmin.notifications.services import build_digests, deliver_due
from bianmin.sweep.services import run_sweep


def run_round(*, now: dt.datetime, batch: int | None = None, backend=None) -> dict:
    """Run one round: the sweep, staff digests, due messages, retiring old number sequences, then a signed anchor
    of the audit chain's head (decision 0017). Safe on several nodes at once (tested in sweep/tests)."""
    sizes = {"batch": batch} if batch else {}
    return {"sweep": run_sweep(now=now, **sizes), "digests": build_digests(now=now),
            "sent": deliver_due(now=now, backend=backend, **sizes), "retired": retire_case_counters(now),
            "anchor": anchor_audit_head(now=now)}


class Command(BaseCommand):
    help = "常驻调度进程：定时执行时限巡检、汇总提醒和消息发送"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=None, help="两轮之间的间隔（秒）")
        parser.add_argument("--once", action="store_true", help="只执行一轮")

    def handle(self, *args, interval=None, once=False, **options):
        interval = interval or settings.BIANMIN["SCHEDULER_INTERVAL_SECONDS"]
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"调度进程已启动，每 {interval} 秒一轮（Ctrl-C 停止）")
        while not stop.is_set():
            try:
                done = run_round(now=now())
                anchor = done["anchor"]
                self.stdout.write(f"[{now():%Y-%m-%d %H:%M:%S}] 巡检 {done['sweep']}；汇总提醒 {done['digests']}；"
                                  f"消息 {done['sent']}"
                                  + (f"；清理过期编号序列 {done['retired']} 个" if done["retired"] else "")
                                  + (f"；审计锚点 第{anchor.seq}条" if anchor else ""))
            except Exception as exc:
                self.stderr.write(f"本轮出错，下一轮重试：{exc!r}")
            if once:
                break
            stop.wait(interval)
        self.stdout.write("调度进程已停止")
