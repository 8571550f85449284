"""Benchmarks for `make bench`. Prints figures; the latest are kept in docs/performance.md.

1. "Add 20 working days" over 10,000 random dates: Bianmin's indexed calendar vs a loop over
   chinesecalendar.is_workday. Target: <= 2 µs per call and >= 200x faster than the loop.
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

import chinese_calendar  # noqa: E402

from bianmin.workdays.selectors import assemble_calendar  # noqa: E402
from bianmin.workdays.services import chinesecalendar_days  # noqa: E402


def say(*parts) -> None:
    """Write one line of benchmark output."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def loop_add(start: dt.date, n: int) -> dt.date:
    """The straightforward way: step one day at a time asking chinesecalendar."""
    day, left = start, n
    while left:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            left -= 1
    return day


def bench_workdays() -> dict[str, float]:
    days, years = chinesecalendar_days()
    calendar = assemble_calendar(first_year=2004, last_year=2060, official_years=years,
                                 rows=[(d, k, n, "OFFICIAL", None) for d, k, n in days])
    rng = random.Random(20261126)
    span = (dt.date(2026, 11, 1) - dt.date(2004, 1, 1)).days  # results must stay inside chinesecalendar's data
    dates = [dt.date(2004, 1, 1) + dt.timedelta(days=rng.randrange(span)) for _ in range(10_000)]
    add = calendar.add_workdays
    for d in dates[:200]:  # agree before timing
        assert add(d, 20).date == loop_add(d, 20), d
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for d in dates:
            add(d, 20)
        best = min(best, time.perf_counter() - t0)
    ours_us = best / len(dates) * 1e6
    t0 = time.perf_counter()
    for d in dates[:2000]:
        loop_add(d, 20)
    loop_us = (time.perf_counter() - t0) / 2000 * 1e6
    return {"ours_us": ours_us, "loop_us": loop_us, "ratio": loop_us / ours_us}


def main() -> int:
    say(f"Bianmin benchmarks — {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    r = bench_workdays()
    ok = r["ours_us"] <= 2.0 and r["ratio"] >= 200
    say(f"[1] add 20 working days × 10,000 dates: Bianmin {r['ours_us']:.2f} µs/call, "
          f"chinesecalendar loop {r['loop_us']:.1f} µs/call, {r['ratio']:.0f}× faster "
          f"(target ≤ 2 µs and ≥ 200×): {'OK' if ok else 'MISSED'}")
    sys.stdout.flush()
    if os.environ.get("BENCH_SKIP_HTTP") != "1":
        import subprocess

        subprocess.run([sys.executable, str(Path(__file__).parent / "http_bench.py")], check=False)
        subprocess.run([sys.executable, str(Path(__file__).parent / "clock_bench.py")], check=False)
        subprocess.run([sys.executable, str(Path(__file__).parent / "search_bench.py")], check=False)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
