"""HTTP benchmarks on PostgreSQL behind gunicorn with 8 concurrent clients (issue 3, item 13).

1. receive + accept (two requests per case): cases per second, nothing lost, no duplicate numbers.
2. with BENCH_CASES (default 200,000) cases in the database: the first handler's workbench page and a case's
   detail page, p50/p95 latency.
12–14. (issue 16) CPU per request (app + database) of the floor page, the workbench, the case page and receive +
   accept, with the ratios to the floor and the targets (bench/cpu_bench.py), measured first.
9–11. (issue 18) CPU per request (app + database, from /proc) of the workbench, of the queue's call next + finish
   under 20 windows, and of the big screen's poll at 100 screens, in the same run (bench/hall_bench.py).
8. (no target; for sizing) the same two pages under an open load: requests arrive at BENCH_OPEN_RATE per second
   (default 25, Poisson arrivals, half of each page) instead of 8 clients asking again as soon as they are answered.
   Latency counts from the planned arrival, so a request that has to wait for a free client is counted too.

Uses DATABASE_URL when set; otherwise starts a throwaway PostgreSQL (initdb + pg_ctl) on loopback, like CI.
BENCH_SETTINGS names another settings module (to compare a setting); BENCH_GUNICORN the worker options.
"""
from __future__ import annotations

import http.client
import json
import os
import queue
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8765"))
CLIENTS = 8
ID = "11010519491231002X"


def say(*parts) -> None:
    """Write one line of benchmark output."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def _pg_bin() -> Path | None:
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin")):
        if (d / "initdb").exists():
            return d
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class ThrowawayPostgres:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="bianmin-bench-pg."))
        self.port = 55499
        self.bin = _pg_bin()

    def _as_postgres(self, cmd: str) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", cmd], check=True, stdout=subprocess.DEVNULL)
        else:
            subprocess.run(["/bin/sh", "-c", cmd], check=True, stdout=subprocess.DEVNULL)

    def start(self) -> str:
        data = self.dir / "data"
        self._as_postgres(f"'{self.bin}/initdb' -D '{data}' -U postgres -A trust -E UTF8 --locale=C.UTF-8")
        # wal_level=minimal (no replica reads this cluster): index builds, such as seed_volume's after a large load,
        # write no WAL (decision 0031, session 16). CI's cluster keeps wal_level=replica: it tests a replica.
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB "
                "-c wal_level=minimal -c max_wal_senders=0")
        self._as_postgres(f"'{self.bin}/pg_ctl' -D '{data}' -o \"{opts}\" -l '{self.dir}/log' -w start")
        subprocess.run([f"{self.bin}/psql", "-h", HOST, "-p", str(self.port), "-U", "postgres", "-c",
                        "CREATE DATABASE bianmin_bench"], check=True, stdout=subprocess.DEVNULL)
        return f"postgres://postgres@{HOST}:{self.port}/bianmin_bench"

    def stop(self) -> None:
        self._as_postgres(f"'{self.bin}/pg_ctl' -D '{self.dir / 'data'}' -m fast stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def manage(env: dict, *args: str) -> str:
    if args and args[0] == "shell":
        args = ("shell", "--no-imports", *args[1:])
    out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True).stdout
    return out.strip().splitlines()[-1] if args[0] == "shell" and out.strip() else out


class Client:
    """A keep-alive HTTP client with cookies (enough for the session login and the API)."""

    def __init__(self, port: int = PORT):
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        self.last_headers = resp.headers
        for value in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return resp.status, data

    def json(self, method: str, path: str, payload=None, token: str = "", headers=None):
        headers = {"Content-Type": "application/json", **(headers or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        status, data = self.request(method, path, json.dumps(payload or {}), headers)
        return status, json.loads(data or b"{}")

    def _post_form(self, path: str, fields: dict) -> int:
        _s, page = self.request("GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urlencode({"csrfmiddlewaretoken": token, **fields})
        status, _ = self.request("POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{HOST}:{self.port}{path}"})
        return status

    def login(self, username: str, password: str, otp: str = "") -> None:
        """Sign in on the staff page; ``otp`` for the roles with a second factor (a TOTP code is accepted once:
        sign in once and share the session cookie, ``share_session``, rather than in parallel)."""
        assert self._post_form("/staff/login/", {"username": username, "password": password}) == 302
        if otp:
            assert self._post_form("/staff/otp/", {"code": otp}) == 302

    def share_session(self, other: Client) -> None:
        """Use ``other``'s signed-in session on this connection."""
        self.cookies = dict(other.cookies)


def bench_database(port_offset: int = 0) -> tuple[str, ThrowawayPostgres | None]:
    """Return DATABASE_URL when set, else the URL of a started throwaway cluster (and the cluster, to stop);
    ("", None) when neither is possible."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url, None
    if _pg_bin() is None:
        return "", None
    pg = ThrowawayPostgres()
    pg.port += port_offset
    return pg.start(), pg


def case_count(env: dict) -> int:
    return int(manage(env, "shell", "-c", "from bianmin.cases.models import Case; print(Case.objects.count())"))


SEED_TARGET = 20_000  # issue 16 item 4: cases with their history per second, end to end


def seeding_line(n: int, label: str, seconds: float, out: str) -> str:
    """The seeding row: the rate end to end beside the rate of the same run's COPY phase (the rows going in, with no
    index but the partial ones and the cases' key to keep up: what "COPY from generated rows" costs by itself).
    The ratio moves less between hosts than the rates do (decision 0042: 1.65–1.92× in one session, while nearly
    the same code measured 9,765 to 20,853 cases/s on this project's machines)."""
    line = f"      seed_volume: {n:,} {label} in {seconds:.0f} s = {n / max(seconds, 1e-6):,.0f}/s end to end"
    load = re.search(r"载入用时 ([0-9.]+) 秒", out)
    if load and float(load.group(1)) > 0:
        copy = float(load.group(1))
        line += (f"; COPY phase {copy:.1f} s = {n / copy:,.0f}/s; end to end {seconds / copy:.2f}× the COPY phase")
    met = n / max(seconds, 1e-6) >= SEED_TARGET
    return line + f" (item 4: {SEED_TARGET:,}/s end to end — {'met' if met else 'NOT MET'})"


def prepare_database(env: dict, cases: int, *, label: str, distinct_seed: bool = False) -> None:
    """Migrate, load the demo county and seed cases up to ``cases`` (only what is missing), then VACUUM ANALYZE."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "--no-history")  # the cases come from seed_volume below
    have = case_count(env)
    if have < cases:
        t0 = time.monotonic()
        seed = ["--seed", str(have + 1)] if distinct_seed else []
        out = subprocess.run([PY, "manage.py", "seed_volume", "--cases", str(cases - have), *seed], cwd=ROOT,
                             env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
        say(seeding_line(cases - have, label, time.monotonic() - t0, out))
    # As autovacuum would have by the time a real county reached this size: index-only scans stay index-only.
    manage(env, "shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')")


def run_clients(worker, seconds: float) -> list:
    results: list = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(n: int):
        local = worker(n, stop_at)
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def start_gunicorn(env: dict, workers: list[str]) -> subprocess.Popen:
    """Start gunicorn on HOST:PORT and wait until it answers."""
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"{HOST}:{PORT}", *workers,
                               "--log-level", "warning"], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            http.client.HTTPConnection(HOST, PORT, timeout=1).request("GET", "/api/v1/openapi.json")
            break
        except OSError:
            time.sleep(0.2)
    time.sleep(1)
    return server


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


# Closed-loop req/s and p95 with the load generator, PostgreSQL and the app on the same two shared cores measure the
# box, not the code: the product owner replaced those targets of the window issue by CPU per request beside the floor
# (rows 12–14, issue 16 item 1). They are still printed, as figures.
REPLACED = "reported; its target is replaced by CPU per request, rows 12–14"


def report_latency(prefix: str, results: list, target_ms: int | None) -> None:
    """Print p50/p95 of (status, seconds) results against a p95 target (None: reported only); non-200 answers count
    as failures."""
    times = [t for s, t in results if s == 200]
    bad = len(results) - len(times)
    p95 = pct(times, 0.95)
    verdict = (f"target p95 ≤ {target_ms} ms): {'OK' if p95 <= target_ms and not bad else 'MISSED'}"
               if target_ms is not None else f"{REPLACED}){': FAILED' if bad else ''}")
    say(f"{prefix}: p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95:.0f} ms over {len(times)} requests, "
        f"{bad} non-200 ({verdict}")


def open_load(rate: float, seconds: float, paths: dict) -> dict[str, list[float]]:
    """Send requests at Poisson arrival times (``rate`` per second) for ``seconds``, each to one of ``paths``
    (label -> function of a Random giving a path), from a pool of signed-in clients. Returns seconds per label,
    counted from the planned arrival; a non-200 answer is recorded as infinity."""
    pool: queue.Queue = queue.Queue()
    for _ in range(16):
        c = Client()
        c.login("window1", "Bianmin-Demo-2026")
        pool.put(c)
    rng = random.Random(8)
    labels = sorted(paths)
    times: dict[str, list[float]] = {label: [] for label in labels}
    lock = threading.Lock()

    def one(label: str, path: str, planned: float) -> None:
        c = pool.get()
        try:
            status, _ = c.request("GET", path)
        finally:
            pool.put(c)
        with lock:
            times[label].append(time.monotonic() - planned if status == 200 else float("inf"))

    with ThreadPoolExecutor(max_workers=16) as ex:
        start = at = time.monotonic()
        while at < start + seconds:
            at += rng.expovariate(rate)
            label = rng.choice(labels)
            path = paths[label](rng)
            time.sleep(max(0.0, at - time.monotonic()))
            ex.submit(one, label, path, at)
    return times


def main() -> int:
    cases = int(os.environ.get("BENCH_CASES", "200000"))
    url, pg = bench_database()
    if not url:
        say("[2-4] HTTP benchmarks skipped: no DATABASE_URL and no PostgreSQL server binaries (initdb)")
        return 0
    env = {**os.environ, "DATABASE_URL": url,
           "DJANGO_SETTINGS_MODULE": os.environ.get("BENCH_SETTINGS", "config.settings.bench")}
    server = None
    try:
        prepare_database(env, cases, label="cases")
        workers = os.environ.get("BENCH_GUNICORN", "-w 2").split()
        server = start_gunicorn(env, workers)
        # 12-14 (issue 16): CPU per request beside the floor page, on the seeded database before the writes below
        from cpu_bench import run as cpu_run
        from hall_bench import postmaster_of, watch_postmaster

        master = postmaster_of(url)
        if master:
            watch_postmaster(master)
        cpu_run(env=env, manage=manage, client_class=Client, port=PORT, workers=workers, say=say,
                server_pid=server.pid)
        # 1. receive + accept
        _s, body = Client().json("POST", "/api/v1/auth/token", {"username": "window1",
                                                                  "password": "Bianmin-Demo-2026"})
        token = body["token"]
        before = case_count(env)

        def receive_accept(n, stop_at):
            c, out = Client(), []
            while time.monotonic() < stop_at:
                t0 = time.monotonic()
                s1, created = c.json("POST", "/api/v1/cases", {
                    "item": "YX-0002", "applicant": {"name": f"压测{n}", "id_number": ID, "phone": "13800138000"},
                    "materials": [{"material": "食品经营许可申请书"},
                                  {"material": "经营场所平面图、设备布局图及操作流程说明"},
                                  {"material": "食品安全管理人员名单及身份证明"}]}, token)
                if s1 != 201:
                    out.append(("error", s1, created))
                    continue
                s2, accepted = c.json("POST", f"/api/v1/cases/{created['number']}/accept", {}, token)
                out.append(("ok" if s2 == 200 else "error", created["number"], time.monotonic() - t0))
            return out

        t0 = time.monotonic()
        results = run_clients(receive_accept, 20)
        elapsed = time.monotonic() - t0
        ok = [r for r in results if r[0] == "ok"]
        errors = [r for r in results if r[0] == "error"]
        after = case_count(env)
        numbers = [r[1] for r in ok]
        rate = len(ok) / elapsed
        sound = not errors and after - before == len(ok) and len(numbers) == len(set(numbers))
        say(f"[2] receive + accept over HTTP, 8 clients, gunicorn {' '.join(workers)}, PostgreSQL: {rate:.0f} cases/s "
              f"(p95 pair {pct([r[2] for r in ok], 0.95):.0f} ms), {len(errors)} errors, "
              f"{after - before - len(ok)} lost/extra, {len(numbers) - len(set(numbers))} duplicate numbers "
              f"({REPLACED}){'' if sound else ': FAILED'}")
        if errors:
            say("      first error:", errors[0][:3])
        # 2/3. workbench and case detail with the volume in place
        sample = manage(env, "shell", "-c", "from bianmin.cases.models import Case;"
                        "print(' '.join(Case.objects.filter(unit__code='C01').order_by('?')"
                        ".values_list('number', flat=True)[:500]))").split()

        def pages(path_for):
            def worker(n, stop_at):
                c, out = Client(), []
                c.login("window1", "Bianmin-Demo-2026")
                rng = random.Random(n)
                while time.monotonic() < stop_at:
                    t = time.monotonic()
                    status, _ = c.request("GET", path_for(rng))
                    out.append((status, time.monotonic() - t))
                return out
            return worker

        for label, path_for, index in (("first handler's workbench /staff/work/", lambda rng: "/staff/work/", 3),
                                       ("case detail /staff/cases/N/",
                                        lambda rng: f"/staff/cases/{rng.choice(sample)}/", 4)):
            report_latency(f"[{index}] {label} with {after:,} cases, 8 clients", run_clients(pages(path_for), 15), None)
        rate = float(os.environ.get("BENCH_OPEN_RATE", "25"))
        found = open_load(rate, 20, {"workbench": lambda rng: "/staff/work/",
                                     "detail": lambda rng: f"/staff/cases/{rng.choice(sample)}/"})
        say(f"[8] open load, {rate:g} requests/s arriving at random (half workbench, half detail), {after:,} cases "
            "(no target; what a user waits at that load): " + "; ".join(
                f"{label} p50 {statistics.median(v) * 1000:.0f} ms, p95 {pct(v, 0.95):.0f} ms over {len(v)}"
                + (f", {sum(1 for t in v if t == float('inf'))} non-200" if float("inf") in v else "")
                for label, v in found.items()))
        # 9-11. the hall (issue 18): CPU per request of the big screen's poll and of "call next", beside the
        # workbench's in the same run
        from hall_bench import run as hall_run

        hall_run(manage=manage, env=env, server_pid=server.pid, client=Client, token=token, say=say)
    finally:
        if server:
            server.terminate()
            server.wait(10)
        if pg:
            pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
