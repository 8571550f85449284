"""Two checkouts' staff pages side by side with the floor, interleaved in one run (decision 0038).

  DATABASE_URL=… .venv/bin/python bench/compare_pages.py --old /path/to/old/checkout [--new .] [--page case]

On a shared machine the floor drifts by 2× between runs, so a before/after comparison of two `cpu_bench.py` runs says
little. This serves the floor (this checkout's `config.settings.floor`) and the same page from both checkouts, each
on its own gunicorn (2 sync workers) against the same database, and measures them in turn — floor, old, new, floor,
new, old, floor — for ``--rounds`` rounds, with `cpu_bench.py`'s accounting (CPU of the gunicorn master and workers
and of the benchmark's PostgreSQL cluster, from /proc; 8 clients, ``--seconds`` a row). The database must carry the
newer checkout's migrations (an older checkout ignores columns it does not know). Each checkout needs its .venv.
The case pages are 500 random cases of unit C01 (a new sample each run), taken in turn by both checkouts' rows, so
each row sees other cases: the interleaving (and more rounds) is what evens that out.
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cpu_bench
import hall_bench
from http_bench import Client, manage

PAGES = {"case": None, "work": "/staff/work/", "messages": "/staff/messages/"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", required=True, type=Path)
    parser.add_argument("--new", default=Path(__file__).resolve().parent.parent, type=Path)
    parser.add_argument("--page", choices=sorted(PAGES), default="case")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    facts = manage(env, "shell", "-c", (
        "from bianmin.cases.models import Case;"
        "n = list(Case.objects.filter(unit__code='C01').order_by('?').values_list('number', flat=True)[:500]);"
        "print(str(Case.objects.order_by('-pk').values_list('pk', flat=True).first()) + ' ' + ','.join(n))")).split()
    top, sample = int(facts[-2]), facts[-1].split(",")
    master = hall_bench.postmaster_of(url)
    if master:
        hall_bench.watch_postmaster(master)
    workers = ["-w", "2"]
    started = []

    def serve(root: Path, port: int, settings: str):
        cpu_bench.ROOT = root  # cpu_bench.start runs that checkout's gunicorn in its directory
        server = cpu_bench.start(env, port, settings, workers)
        started.append(server)
        return server

    try:
        floor = serve(args.new, 8811, "config.settings.floor")
        servers = {"old": serve(args.old, 8812, "config.settings.bench"),
                   "new": serve(args.new, 8813, "config.settings.bench")}
        ports = {"old": 8812, "new": 8813}
        floor_clients = [Client(port=8811) for _ in range(8)]
        clients = {name: [Client(port=ports[name]) for _ in range(8)] for name in servers}
        for name in clients:
            for client in clients[name]:
                client.login("window1", "Bianmin-Demo-2026")
        picks = itertools.cycle(sample)

        def page_step(name: str):
            fixed = PAGES[args.page]
            return lambda i: clients[name][i].request(
                "GET", fixed or f"/staff/cases/{next(picks)}/")[0]

        rows = {"floor": (floor.pid, lambda i: floor_clients[i].request("GET", f"/floor/{top - 1000 * i}/")[0]),
                "old": (servers["old"].pid, page_step("old")), "new": (servers["new"].pid, page_step("new"))}
        found: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for name in ("floor", "old", "new", "floor", "new", "old", "floor"):
                pid, step = rows[name]
                ms, done, failed = hall_bench.measure(pid, 8, args.seconds, step)
                found.setdefault(name, []).append(ms)
                load = Path("/proc/loadavg").read_text().split()[0]
                print(f"{name:5} {ms:6.2f} CPU ms per request ({done:,} requests, {failed} failed; load {load})",
                      flush=True)
        base = sum(found["floor"]) / len(found["floor"])
        for name in ("floor", "old", "new"):
            mean = sum(found[name]) / len(found[name])
            print(f"{name:5} mean {mean:6.2f} ms, {mean / base:.2f}× the floor ({args.page} page)")
    finally:
        for server in started:
            cpu_bench.stop(server)


if __name__ == "__main__":
    main()
