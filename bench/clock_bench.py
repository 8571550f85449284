"""Issue 4 benchmarks on PostgreSQL with a county of 1,000,000 cases (BENCH_CLOCK_CASES to change):

[5] the sweep over all cases — once with nothing to do, then one and seven days later (its cost follows the
    cases that change, not the cases there are) — target ≤ 10 s each;
[6] the monthly statistics of the county (last full month, by center and by staff) — target ≤ 2 s;
[7] the leader's overview /staff/overview/ over HTTP, gunicorn, 8 clients — target p95 ≤ 300 ms.

Uses DATABASE_URL when set (seeding only what is missing), else a throwaway PostgreSQL cluster.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from http_bench import (
    Client,
    bench_database,
    prepare_database,
    report_latency,
    run_clients,
    say,
    start_gunicorn,
)


def in_process(url: str):
    """Set Django up against the bench database in this process (for the sweep and statistics timings)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    import django

    django.setup()


def bench_sweep() -> None:
    from django.utils import timezone

    from bianmin.cases.models import Case
    from bianmin.sweep.services import run_sweep

    total = Case.objects.count()
    base = timezone.now()
    for label, shift in (("now", 0), ("now again", 0), ("+1 day", 1), ("+7 days", 7)):
        t0 = time.perf_counter()
        counts = run_sweep(now=base + dt.timedelta(days=shift))
        seconds = time.perf_counter() - t0
        changed = sum(counts.values())
        say(f"[5] sweep over {total:,} cases at {label}: {seconds:.2f} s, {changed:,} changes "
            f"({', '.join(f'{k} {v}' for k, v in counts.items() if v)}) (target ≤ 10 s): "
            f"{'OK' if seconds <= 10 else 'MISSED'}")


def bench_stats() -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bianmin.cases.models import Case
    from bianmin.stats.selectors import indicators

    leader = get_user_model().objects.get(username="leader1")
    end = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    start = end.replace(day=1)
    total = Case.objects.count()
    for group in ("unit", "staff", ""):
        times = []
        for _ in range(3):
            user = get_user_model().objects.get(pk=leader.pk)  # no per-request caches carried over
            t0 = time.perf_counter()
            report = indicators(user, start=start, end=end, group_by=group)
            times.append(time.perf_counter() - t0)
        best = min(times)
        say(f"[6] monthly statistics {start:%Y-%m} of the county ({total:,} cases), group={group or 'total'}: "
            f"best {best:.2f} s, worst {max(times):.2f} s — received {report.total.received:,}, decided "
            f"{report.total.decided:,}, on time {report.total.on_time_rate} (target ≤ 2 s): "
            f"{'OK' if max(times) <= 2 else 'MISSED'}")


def bench_overview(env: dict) -> None:
    workers = os.environ.get("BENCH_GUNICORN", "-w 3").split()
    server = start_gunicorn(env, workers)
    try:
        from bianmin.demo.totp import current_code

        leader = Client()
        leader.login("leader1", "Bianmin-Demo-2026", otp=current_code())  # a TOTP code is accepted once

        def worker(n, stop_at):
            c, out = Client(), []
            c.share_session(leader)
            paths = ("/staff/overview/", "/staff/overview/?level=YELLOW")
            i = n
            while time.monotonic() < stop_at:
                t = time.monotonic()
                status, _ = c.request("GET", paths[i % 2])
                out.append((status, time.monotonic() - t))
                i += 1
            return out

        report_latency(f"[7] leader's overview /staff/overview/, 8 clients, gunicorn {' '.join(workers)}",
                       run_clients(worker, 15), 300)
    finally:
        server.terminate()
        server.wait(10)


def main() -> int:
    cases = int(os.environ.get("BENCH_CLOCK_CASES", "1000000"))
    url, pg = bench_database(port_offset=1)
    if not url:
        say("[5-7] skipped: no DATABASE_URL and no PostgreSQL server binaries (initdb)")
        return 0
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    try:
        prepare_database(env, cases, label="cases with pauses, extensions and violations", distinct_seed=True)
        in_process(url)
        bench_sweep()
        bench_stats()
        bench_overview(env)
    finally:
        if pg:
            pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
