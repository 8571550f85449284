"""``manage.py serve`` (what ``make run`` starts): the web server and the scheduler as one command, stopped together
(issue 12 item 6). The runner is driven as a real process: signals, process groups and orphans are what is tested."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from bianmin.sweep.management.commands.serve import child_commands

PY = sys.executable
SLEEPER = [PY, "-c", "import time; time.sleep(60)"]


def _state(pid: int) -> str | None:
    """Return the process's state letter (``Z`` for a zombie), or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def _running(pid: int) -> bool:
    return _state(pid) not in (None, "Z")


def _group_members(pgid: int) -> list[int]:
    """Return the live (not zombie) processes of the process group ``pgid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


class Runner:
    """A runner process whose output is read line by line in the background."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,  # noqa: S603
                                        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
                                        cwd=settings.BASE_DIR)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def finish(self, timeout: float = 10.0) -> int:
        """Wait for the runner to end and for the last of its output; return its exit code."""
        code = self.process.wait(timeout=timeout)
        self.reader.join(timeout=5)
        return code

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((line for line in self.lines if text in line), None)
            if found is not None:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no line with {text!r} in:\n" + "\n".join(self.lines))

    def child_pids(self, count: int) -> list[int]:
        self.wait_for("已启动")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            started = [line for line in self.lines if line.startswith("已启动")]
            if len(started) == count:
                return [int(line.rsplit("进程 ", 1)[1].rstrip("）")) for line in started]
            time.sleep(0.05)
        raise AssertionError("\n".join(self.lines))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _runner(children: list[tuple[str, list[str]]], grace: float = 5.0) -> Runner:
    script = ("import sys\nfrom bianmin.sweep.runner import ChildCommand, run_together\n"
              f"sys.exit(run_together([ChildCommand(n, a) for n, a in {children!r}], grace={grace}, poll=0.05))")
    return Runner([PY, "-c", script])


def _wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _gone(pgid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _group_members(pgid):
            return True
        time.sleep(0.05)
    return False


def test_sigterm_stops_both_children_and_leaves_nothing_behind():
    runner = _runner([("web", SLEEPER), ("scheduler", SLEEPER)])
    try:
        web, scheduler = runner.child_pids(2)
        assert _running(web) and _running(scheduler)
        assert os.getpgid(web) == os.getpgid(scheduler) == web  # one process group of their own
        assert os.getpgid(web) != os.getpgid(runner.process.pid)  # the terminal's Ctrl-C is forwarded once, by it

        runner.process.send_signal(signal.SIGTERM)

        assert runner.finish() == 0
        assert _gone(web) and not _running(web) and not _running(scheduler)
        runner.wait_for("收到停止信号")
    finally:
        runner.stop()


def test_ctrl_c_is_forwarded_to_the_children():
    # Each child reports the signal it got and ends: the runner forwarded SIGINT itself.
    reporter = [PY, "-c", "import os, signal, sys, time\n"
                "signal.signal(signal.SIGINT, lambda *_: (os.write(1, b'SIGINT\\n'), sys.exit(0)))\n"
                "os.write(1, b'ready\\n')\ntime.sleep(60)"]
    runner = _runner([("web", reporter), ("scheduler", reporter)])
    try:
        web, _scheduler = runner.child_pids(2)
        _wait_until(lambda: runner.lines.count("ready") == 2)  # both handlers installed
        runner.process.send_signal(signal.SIGINT)
        assert runner.finish() == 0
        assert runner.lines.count("SIGINT") == 2
        assert _gone(web)
    finally:
        runner.stop()


def test_when_one_child_dies_the_other_is_stopped_and_its_exit_code_returned():
    dies = [PY, "-c", "import time, sys; time.sleep(0.5); sys.exit(3)"]
    runner = _runner([("web", SLEEPER), ("scheduler", dies)])
    try:
        web, scheduler = runner.child_pids(2)
        assert runner.finish() == 3
        assert _gone(web) and not _running(web) and not _running(scheduler)
        runner.wait_for("scheduler 已退出（退出码 3）")
    finally:
        runner.stop()


def test_a_child_that_ignores_sigterm_is_killed_after_the_grace_period():
    stubborn = [PY, "-c", "import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                "os.write(1, b'ready\\n')\ntime.sleep(60)"]
    runner = _runner([("web", stubborn), ("scheduler", SLEEPER)], grace=1.0)
    try:
        web, _ = runner.child_pids(2)
        _wait_until(lambda: "ready" in runner.lines)
        runner.process.send_signal(signal.SIGTERM)
        assert runner.finish() == 0
        assert _gone(web)
    finally:
        runner.stop()


def test_the_children_end_when_the_runner_is_killed_outright():
    runner = _runner([("web", SLEEPER), ("scheduler", SLEEPER)])
    try:
        web, _ = runner.child_pids(2)
        runner.process.kill()  # SIGKILL: the runner cannot forward anything; the kernel tells the children
        runner.process.wait(timeout=5)
        assert _gone(web)
    finally:
        runner.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_runserver_and_the_scheduler_and_stops_both(tmp_path):
    """The real command: runserver (with its autoreloader, so three processes) and the scheduler, on a free port."""
    port = _free_port()
    runner = Runner([PY, "manage.py", "serve", f"127.0.0.1:{port}", "--interval=3600"],
                    env={"DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
                         "BIANMIN_AUDIT_ANCHOR_FILE": str(tmp_path / "anchors.jsonl"),
                         "DJANGO_SETTINGS_MODULE": "config.settings.test"})
    try:
        web, scheduler = runner.child_pids(2)
        runner.wait_for("调度进程已启动", timeout=15)
        deadline, answered = time.monotonic() + 15, False
        while not answered and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/items/", timeout=2)
                answered = True
            except urllib.error.HTTPError:
                answered = True  # any HTTP answer (the empty database gives a 500) means the server runs
            except OSError:
                time.sleep(0.1)
        assert answered, "\n".join(runner.lines)
        assert _running(web) and _running(scheduler)
        assert len(_group_members(web)) == 3  # the autoreloader's server process is in the group too

        runner.process.send_signal(signal.SIGTERM)

        assert runner.finish(15) == 0
        assert _gone(web)
        runner.wait_for("调度进程已停止")
    finally:
        runner.stop()


def test_serve_starts_this_projects_runserver_and_scheduler():
    web, scheduler = child_commands("127.0.0.1:8123", interval=60, outbox_interval=10)
    assert web.argv[1:] == [str(settings.BASE_DIR / "manage.py"), "runserver", "127.0.0.1:8123"]
    assert scheduler.argv[2:] == ["scheduler", "--interval=60", "--outbox-interval=10"]
