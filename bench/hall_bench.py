"""The hall's benchmarks (issue 18): the big screen's data endpoint at 100 screens polling, and the queue's "call
next" under 20 windows, reported as CPU per request (app + database, from /proc) and the requests one core sustains,
side by side with the workbench measured in the same run. Called by http_bench.py with its server running."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """Return (ppid, cpu seconds) of a process, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_seconds(server_pid: int) -> float:
    """Return the CPU seconds used so far by the gunicorn master ``server_pid``, its workers and every PostgreSQL
    process on the machine (the benchmark's cluster is the only one running)."""
    pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
    stats = {pid: s for pid in pids if (s := _stat(pid)) is not None}
    app = {server_pid} | {pid for pid, (ppid, _) in stats.items() if ppid == server_pid}
    total = sum(stats[pid][1] for pid in app if pid in stats)
    total += sum(cpu for pid, (_pp, cpu) in stats.items()
                 if pid not in app and _cmdline(pid).startswith("postgres"))
    return total


def measure(server_pid: int, threads: int, seconds: float, step: Callable[[int], int]) -> tuple[float, int, int]:
    """Run ``step(n)`` (one request; returns its HTTP status) in ``threads`` threads for ``seconds``; return the CPU
    ms per request (app + database), the requests done and the failures (status ≥ 400)."""
    done, failed = [0], [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(n: int) -> None:
        ok = bad = 0
        while time.monotonic() < stop_at:
            status = step(n)
            if status >= 400:
                bad += 1
            else:
                ok += 1
        with lock:
            done[0] += ok
            failed[0] += bad

    before = cpu_seconds(server_pid)
    pool = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    used = cpu_seconds(server_pid) - before
    count = done[0] + failed[0]
    return (used * 1000 / count if count else float("nan")), done[0], failed[0]


def line(label: str, cpu_ms: float, count: int, failed: int, floor_ms: float | None = None) -> str:
    per_core = 1000 / cpu_ms if cpu_ms and cpu_ms == cpu_ms else 0
    ratio = f", {cpu_ms / floor_ms:.2f}× the workbench" if floor_ms else ""
    return (f"{label}: {cpu_ms:.2f} CPU ms per request (app + database), one core sustains ≈ {per_core:,.0f}/s"
            f"{ratio}; {count:,} requests, {failed} failed")
