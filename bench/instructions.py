"""Instructions per request of the floor, the least staff page and the case page, counted by callgrind (decision 0038).

  DATABASE_URL=… .venv/bin/python bench/instructions.py [--code /path/to/checkout] [--requests 40]

CPU time on a shared 2-core machine moves with the load; the number of instructions a process runs does not. This
runs the checkout's gunicorn (one sync worker) under valgrind's callgrind with counting off, warms each page up with
30 requests, counts the next ``--requests`` (``callgrind_control -i on/off`` around them, ``-d`` to dump), and
prints the app's instructions per request and their ratio to the floor's. It counts user-space instructions of the
app only: the database, the kernel's work (a statement's send and receive, the context switches) and cache misses
are not in it — which is what comparing it with `cpu_bench.py`'s CPU time shows (a page at 1.2× the floor's
instructions measured 1.6–2.0× its CPU time). The time-based caches (the signed-in user's 5 s, the session's
refresh) are what a normal-speed run would see; under valgrind a request takes ~50× longer, so a handful of
requests may refresh them (runs of the same code differ by up to ~2 %). The floor and the least staff page repeat
their few paths; each counted case page is a case not shown before by that worker. Needs valgrind (Debian's
package); slow: a few minutes.
"""
from __future__ import annotations

import argparse
import glob
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_bench import Client

HOST = "127.0.0.1"
WARM_UP = 30


def serve(code: Path, settings: str, port: int, out: str, env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--trace-children=yes", "--instr-atstart=no",
         f"--callgrind-out-file={out}.%p", str(code / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"{HOST}:{port}",
         "-w", "1", "--timeout", "600", "--log-level", "warning"],
        cwd=code, env={**env, "DJANGO_SETTINGS_MODULE": settings}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            Client(port=port).request("GET", "/")
            return server
        except OSError:
            time.sleep(1)
    server.kill()
    raise SystemExit(f"gunicorn on {port} did not start under valgrind")


def count(server: subprocess.Popen, port: int, paths: list[str], requests: int, out: str, login: bool) -> float:
    """Instructions per request of the worker(s) over ``requests`` requests after the warm-up."""
    client = Client(port=port)
    if login:
        client.login("window1", "Bianmin-Demo-2026")
    for path in paths[:WARM_UP]:
        assert client.request("GET", path)[0] == 200, path
    workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    if len(workers) != 1:
        raise SystemExit(f"expected one gunicorn worker under valgrind, found {workers}")
    for pid in workers:
        subprocess.run(["callgrind_control", "-z", pid], capture_output=True, check=True)
        subprocess.run(["callgrind_control", "-i", "on", pid], capture_output=True, check=True)
    for i in range(requests):
        assert client.request("GET", paths[WARM_UP + i % (len(paths) - WARM_UP)])[0] == 200
    before = set(glob.glob(out + ".*"))
    for pid in workers:
        subprocess.run(["callgrind_control", "-i", "off", pid], capture_output=True, check=True)
        subprocess.run(["callgrind_control", "-d", pid], capture_output=True, check=True)
    for _ in range(60):
        dumped = set(glob.glob(out + ".*")) - before
        if len(dumped) >= len(workers):
            break
        time.sleep(1)
    total = 0
    for name in dumped:
        for line in Path(name).read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                total = max(total, int(line.split()[1]))
    if not total:
        raise SystemExit(f"callgrind dumped nothing for {paths[0]} (files: {sorted(dumped)})")
    return total / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", default=Path(__file__).resolve().parent.parent, type=Path)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    facts = subprocess.run(
        [str(args.code / ".venv/bin/python"), "manage.py", "shell", "--no-imports", "-c",
         "from bianmin.cases.models import Case;"
         "n = list(Case.objects.filter(unit__code='C01').order_by('pk').values_list('number', flat=True));"
         "print(str(Case.objects.order_by('-pk').values_list('pk', flat=True).first()) + ' ' + ','.join(n))"],
        cwd=args.code, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}, check=True,
        capture_output=True, text=True).stdout.split()
    top, numbers = int(facts[-2]), facts[-1].split(",")
    random.seed(11)
    sample = random.sample(numbers, min(200, len(numbers)))
    with tempfile.TemporaryDirectory(prefix="bianmin-callgrind-") as directory:
        out = f"{directory}/floor"
        server = serve(args.code, "config.settings.floor", 8891, out, env)
        try:
            floor = count(server, 8891, [f"/floor/{top - 1000 * (i % 8)}/" for i in range(200)], args.requests, out,
                          login=False)
        finally:
            server.terminate()
            server.wait()
        out = f"{directory}/staff"
        server = serve(args.code, "config.settings.bench", 8892, out, env)
        try:
            least = count(server, 8892, ["/staff/messages/"] * 200, args.requests, out, login=True)
            case = count(server, 8892, [f"/staff/cases/{n}/" for n in sample], args.requests, out, login=True)
        finally:
            server.terminate()
            server.wait()
    print(f"floor {floor / 1e6:.2f} M instructions a request; least staff page {least / 1e6:.2f} M "
          f"({least / floor:.2f}×); case page {case / 1e6:.2f} M ({case / floor:.2f}×)")


if __name__ == "__main__":
    main()
