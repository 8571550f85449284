"""The development web server and the scheduler as one command (what ``make run`` starts).

    manage.py serve [ADDRPORT] [--interval SECONDS] [--outbox-interval SECONDS] [--noreload]

Starts ``manage.py runserver ADDRPORT`` and ``manage.py scheduler`` as child processes of one process group
(``bianmin.sweep.runner``): messages are delivered without a second terminal, and Ctrl-C, SIGTERM or either child
ending stops both. The scheduler is its own process, so the runserver autoreloader restarting the web server never
runs a job twice. Production runs gunicorn and the scheduler as two services instead (README, Operations).
"""
from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from bianmin.sweep.runner import ChildCommand, run_together


def child_commands(addrport: str, *, interval: int | None = None, outbox_interval: int | None = None,
                   noreload: bool = False) -> list[ChildCommand]:
    """Return the web server's and the scheduler's command lines (this interpreter, this project's manage.py)."""
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    web = [*manage, "runserver", addrport, *(["--noreload"] if noreload else [])]
    scheduler = [*manage, "scheduler", *([f"--interval={interval}"] if interval else []),
                 *([f"--outbox-interval={outbox_interval}"] if outbox_interval else [])]
    return [ChildCommand("网站服务（runserver）", web), ChildCommand("调度进程（scheduler）", scheduler)]


class Command(BaseCommand):
    help = "同时启动开发网站服务和调度进程（消息发送、时限巡检），Ctrl-C 一并停止"
    requires_system_checks: list[str] = []  # runserver runs them itself
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="监听地址和端口")
        parser.add_argument("--interval", type=int, default=None, help="调度进程完整一轮（巡检等）的间隔（秒）")
        parser.add_argument("--outbox-interval", type=int, default=None, help="调度进程发送到期消息的间隔（秒）")
        parser.add_argument("--noreload", action="store_true", help="网站服务不自动重新加载代码")

    def handle(self, *args: Any, addrport: str, interval: int | None = None, outbox_interval: int | None = None,
               noreload: bool = False, **options: Any) -> None:
        code = run_together(child_commands(addrport, interval=interval, outbox_interval=outbox_interval,
                                           noreload=noreload), out=sys.stdout)
        self.stdout.write("网站服务和调度进程均已停止")
        if code:
            sys.exit(code)
