"""Run several long-lived commands as one: the web server and the scheduler of ``manage.py serve`` (``make run``).

The children share one process group of their own (the first child leads it), so a signal reaches each of them and
whatever they start (the runserver autoreloader's server process) exactly once, from here: Ctrl-C, SIGTERM or SIGHUP
to the runner is forwarded to the whole group, and when any child ends the others are asked to stop (SIGTERM, then
SIGKILL after a grace period). On Linux each child also receives SIGTERM if the runner itself is killed outright, so
no orphan is left behind. Nothing here knows Django: the tests drive it with plain commands.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class ChildCommand:
    """A command to keep running, under a name used in messages."""

    name: str
    argv: Sequence[str]


def _die_with_parent(parent: int) -> Callable[[], None]:
    """Return a pre-exec hook that makes the child receive SIGTERM when the runner dies (Linux; a no-op elsewhere)."""
    def hook() -> None:
        if sys.platform.startswith("linux"):
            with contextlib.suppress(OSError, AttributeError):
                libc = ctypes.CDLL(None, use_errno=True)
                libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the runner died before the hook ran
            os._exit(1)
    return hook


def run_together(commands: Sequence[ChildCommand], *, grace: float = 10.0, poll: float = 0.2,
                 out: TextIO | None = None, env: dict[str, str] | None = None) -> int:
    """Start every command, wait until one ends or the runner is signalled, then stop them all.

    The children read nothing from the terminal (stdin is /dev/null: they are not in its foreground group) and write
    to the runner's stdout and stderr. Returns 0 when stopped by a signal (Ctrl-C, SIGTERM, SIGHUP), else the exit
    code of the first child that ended (1 if it ended with 0: a child of this runner is not meant to end on its own).
    A second signal while stopping kills the group at once. Must run in the main thread (it installs signal
    handlers, restored on return).

    Raises OSError when a command cannot be started (those already started are stopped first).
    """
    out = out or sys.stderr
    received: list[int] = []
    wake = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        received.append(signum)
        wake.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in FORWARDED}
    children: list[tuple[ChildCommand, subprocess.Popen[bytes]]] = []
    group = _Group()
    try:
        for command in commands:
            process = subprocess.Popen(list(command.argv), env=env, stdin=subprocess.DEVNULL,  # noqa: S603
                                       process_group=group.pgid or 0,
                                       preexec_fn=_die_with_parent(os.getpid()))  # safe: no threads here
            group.pgid = group.pgid or process.pid
            children.append((command, process))
            out.write(f"已启动 {command.name}（进程 {process.pid}）\n")
        out.flush()
        ended: tuple[ChildCommand, int] | None = None
        while not received and ended is None:
            ended = next(((command, code) for command, process in children
                          if (code := process.poll()) is not None), None)
            if ended is None:
                wake.wait(poll)
        if received:
            out.write(f"收到停止信号，正在停止 {'、'.join(c.name for c, _ in children)}\n")
            group.send(signal.SIGTERM if received[0] == signal.SIGHUP else received[0])
            result = 0
        else:
            assert ended is not None
            out.write(f"{ended[0].name} 已退出（退出码 {ended[1]}），正在停止其余进程\n")
            group.send(signal.SIGTERM)
            result = ended[1] or 1
        out.flush()
        return result
    finally:
        if not group.sent:  # a command failed to start
            group.send(signal.SIGTERM)
        _wait_for(children, group, grace, poll, received)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _Group:
    """The children's process group: its id (the first child's pid) and whether it was told to stop."""

    def __init__(self) -> None:
        self.pgid: int | None = None
        self.sent = False

    def send(self, sig: int) -> None:
        self.sent = True
        if self.pgid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pgid, sig)

    def alive(self) -> bool:
        """Whether any process of the group remains (a zombie child counts until it is reaped)."""
        if self.pgid is None:
            return False
        try:
            os.killpg(self.pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def _wait_for(children: list[tuple[ChildCommand, subprocess.Popen[bytes]]], group: _Group, grace: float,
              poll: float, received: list[int]) -> None:
    """Reap the children as they end; kill the group after ``grace`` seconds, or at once on a further signal."""
    signals_before = len(received)
    deadline = time.monotonic() + grace
    while group.alive():
        for _, process in children:
            process.poll()
        if not group.alive():
            break
        if time.monotonic() >= deadline or len(received) > signals_before:
            group.send(signal.SIGKILL)
            break
        time.sleep(poll)
    for _, process in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
