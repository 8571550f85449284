"""The hall's benchmarks (issue 18): the big screen's data endpoint at 100 screens polling, and the queue's "call
next" under 20 windows, reported as CPU per request (app + database, from /proc) and the requests one core sustains,
side by side with the workbench measured in the same run. Called by http_bench.py with its server running."""
from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int, *, reaped: bool = False) -> tuple[int, float] | None:
    """Return (ppid, cpu seconds) of a process, or None when it is gone; ``reaped`` adds the CPU of its children
    that have ended (a backend or worker that exits takes its own count with it, and its parent keeps it)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    own = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if reaped else 0)
    return int(fields[1]), own / TICK


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


_POSTMASTER: list[int] = []


def watch_postmaster(pid: int) -> None:
    """Count only this PostgreSQL cluster (its postmaster and the backends it forks) in ``cpu_seconds``: other
    clusters on a shared machine are not the benchmark's."""
    _POSTMASTER[:] = [pid]


def postmaster_of(database_url: str) -> int | None:
    """Return the postmaster's pid of the cluster behind ``database_url`` (read from its data directory), or None."""
    import psycopg

    try:
        with psycopg.connect(database_url) as conn:
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]
        return int(Path(data_dir, "postmaster.pid").read_text().split()[0])
    except Exception:  # unreadable: fall back to every postgres process
        return None


def cpu_seconds(server_pid: int) -> float:
    """Return the CPU seconds used so far by the gunicorn master ``server_pid``, its workers and the benchmark's
    PostgreSQL cluster (``watch_postmaster``; else every PostgreSQL process on the machine)."""
    pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
    masters = {server_pid, *_POSTMASTER}
    stats = {pid: s for pid in pids if (s := _stat(pid, reaped=pid in masters)) is not None}
    app = {server_pid} | {pid for pid, (ppid, _) in stats.items() if ppid == server_pid}
    total = sum(stats[pid][1] for pid in app if pid in stats)
    if _POSTMASTER:
        master = _POSTMASTER[0]
        total += sum(cpu for pid, (ppid, cpu) in stats.items() if pid == master or ppid == master)
    else:
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


def line(label: str, cpu_ms: float, count: int, failed: int, floor_ms: float | None = None, *,
         unit: str = "request") -> str:
    per_core = 1000 / cpu_ms if cpu_ms and cpu_ms == cpu_ms else 0
    ratio = f", {cpu_ms / floor_ms:.2f}× the workbench page" if floor_ms else ""
    return (f"{label}: {cpu_ms:.2f} CPU ms per {unit} (app + database), one core sustains ≈ {per_core:,.0f} {unit}s/s"
            f"{ratio}; {count:,} {unit}s, {failed} failed")


_SETUP = """
import datetime as dt
from django.utils import timezone
from bianmin.hall.devices import activate_device, issue_device
from bianmin.hall.models import ServiceType, Ticket, TicketCounter
from bianmin.org.models import StaffProfile, Unit, Window
now = timezone.now()
center = Unit.objects.get(code="C01")
windows = [Window.objects.get_or_create(unit=center, number=f"{{n:02d}}", defaults={{"name": f"压测窗口{{n}}"}})[0]
           for n in range(31, 31 + {windows})]
st, _ = ServiceType.objects.get_or_create(unit=center, letter="Z", defaults={{"name": "压测业务", "position": 99}})
st.windows.set(windows)
day = timezone.localtime(now).date()
start = TicketCounter.objects.filter(service_type=st, day=day).values_list("last", flat=True).first() or 0
Ticket.objects.bulk_create([Ticket(unit=center, service_type=st, day=day, seq=start + i, number=f"Z{{start + i:05d}}",
                                   source="KIOSK", priority=1, issued_at=now, ready_at=now)
                            for i in range(1, {tickets} + 1)], batch_size=5000)
TicketCounter.objects.update_or_create(service_type=st, day=day, defaults={{"last": start + {tickets}}})
supervisor = StaffProfile.objects.get(user__username="supervisor1").user
device, code = issue_device(actor=supervisor, unit_id=center.pk, kind="SCREEN", label="压测大屏", now=now)
device, token = activate_device(code=code, now=now, kind="SCREEN")
print(token + " " + ",".join(str(w.pk) for w in windows))
"""
# [9]-[11] in make bench: 20 windows and 60,000 tickets waiting; row [11] alone (main below): one window, 2,000.
SETUP = _SETUP.format(windows=20, tickets=60000)



def run(*, manage: Callable[..., str], env: dict, server_pid: int, client: Callable[[], object], token: str,
        say: Callable[..., None]) -> None:
    """[9]–[11]: the workbench, the big screen's poll and "call next", CPU per request in one run."""
    device_token, window_ids = manage(env, "shell", "-c", SETUP).split()
    windows = [int(w) for w in window_ids.split(",")]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    clients = [client() for _ in range(20)]
    for c in clients[:8]:
        c.login("window1", "Bianmin-Demo-2026")
    work_ms, work_n, work_bad = measure(server_pid, 8, 10, lambda n: clients[n].request("GET", "/staff/work/")[0])
    say(line("[9] workbench /staff/work/ (reference, same run), 8 clients", work_ms, work_n, work_bad))

    def call_cycle(n: int) -> int:
        c = clients[n]
        status, body = c.request("POST", f"/api/v1/hall/windows/{windows[n]}/call-next", "{}", auth)
        if status != 200:
            return status
        ticket = json.loads(body or b"{}").get("ticket") or json.loads(body or b"{}")
        ticket_id = ticket.get("id") if isinstance(ticket, dict) else None
        if ticket_id is None:
            return 200
        return c.request("POST", f"/api/v1/hall/tickets/{ticket_id}/finish", "{}", auth)[0]

    fresh = [client() for _ in range(20)]
    clients[:] = fresh
    call_ms, call_n, call_bad = measure(server_pid, 20, 15, call_cycle)
    say(line("[10] queue: 20 windows calling at once, each call next then finish (2 requests a cycle)",
             call_ms, call_n, call_bad, work_ms, unit="cycle"))

    for period in (None, 2.0):  # as fast as answered (comparable with earlier runs), then at a screen's own rate
        poll_row(server_pid=server_pid, client=client, device_token=device_token, window=windows[0], auth=auth,
                 say=say, work_ms=work_ms, period=period)


def poll_row(*, server_pid: int, client: Callable[[], object], device_token: str, window: int, auth: dict,
             say: Callable[..., None], work_ms: float | None = None, seconds: float = 15, changes: bool = True,
             period: float | None = None) -> float:
    """[11]: 100 screens polling with their ETags while a window calls and finishes a ticket about every second.
    Without ``period`` the 10 threads poll as fast as they are answered (closed loop: the fewer polls the machine
    answers, the more of them are the first after a change, and the more the changes' own CPU weighs on each);
    with ``period`` each screen polls once every ``period`` seconds, as a screen does (``changes=False``: nothing
    changes, every poll but the first of each screen is a 304). Prints the row with how many polls were answered
    200 and 304 and the calls made, and returns the CPU ms per poll."""
    etags: dict[int, str] = {}
    screens = [client() for _ in range(10)]
    changer_stop = [False]
    answered = {200: 0, 304: 0}
    cycles = [0]
    started = time.monotonic()
    rounds = [0] * 10

    def changer() -> None:  # about one call a second somewhere in the hall, as a busy hall has
        c = client()
        while not changer_stop[0]:
            call_cycle_on(c)
            time.sleep(1)

    def call_cycle_on(c) -> None:
        status, body = c.request("POST", f"/api/v1/hall/windows/{window}/call-next", "{}", auth)
        if status == 200:
            cycles[0] += 1
            data = json.loads(body or b"{}")
            ticket = data.get("ticket") or data
            if isinstance(ticket, dict) and ticket.get("id"):
                c.request("POST", f"/api/v1/hall/tickets/{ticket['id']}/finish", "{}", auth)

    def poll(n: int) -> int:
        if period is None:
            screen = n * 10 + int(time.monotonic() * 1000) % 10  # 10 threads × 10 screens = 100 screens
        else:  # thread n polls its 10 screens in turn, screen s at started + (s / 100 + m) × period
            m, i = divmod(rounds[n], 10)
            rounds[n] += 1
            screen = n * 10 + i
            time.sleep(max(0.0, started + (screen / 100 + m) * period - time.monotonic()))
        headers = {"X-Device-Token": device_token}
        if screen in etags:
            headers["If-None-Match"] = etags[screen]
        c = screens[n]
        status, _body = c.request("GET", "/api/v1/hall/screen", None, headers)
        tag = c.last_headers.get("ETag")
        if tag:
            etags[screen] = tag
        if status in answered:
            answered[status] += 1  # counted by the 10 threads without a lock: a tally, not a measurement
        return status if status != 304 else 200

    worker = threading.Thread(target=changer)
    if changes:
        worker.start()
    try:
        poll_ms, poll_n, poll_bad = measure(server_pid, 10, seconds, poll)
    finally:
        changer_stop[0] = True
        if changes:
            worker.join()
    what = "a change about every second (includes the changes' own call + finish)" if changes else \
        "nothing changing (all 304 but the first)"
    if period is None:
        label = f"[11{'' if changes else 'b'}] big screen data poll, 100 screens with their ETags as fast as answered, {what}"
        share = f"100 screens polling every 2 s cost ≈ {50 * poll_ms / 10:.1f} % of one core"
    else:
        label = f"[11{'r' if changes else 'q'}] big screen data poll, 100 screens each every {period:g} s, {what}"
        share = f"{poll_ms * poll_n / seconds / 10:.1f} % of one core ({poll_n / seconds:.0f} polls/s)"
    say(line(label, poll_ms, poll_n, poll_bad, work_ms)
        + f"; {share}; {answered[200]:,} answered 200, {answered[304]:,} 304; {cycles[0]} calls")
    return poll_ms


POLL_SETUP = _SETUP.format(windows=1, tickets=2000)


def main() -> int:
    """Row [11] alone against a migrated and seeded database (``seed_demo``): gunicorn as in http_bench.py, then the
    poll with changes and without. DATABASE_URL=… [BENCH_SETTINGS=…] .venv/bin/python bench/hall_bench.py"""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from http_bench import Client, manage, say, start_gunicorn

    url = os.environ["DATABASE_URL"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("BENCH_SETTINGS", "config.settings.bench")}
    device_token, window = manage(env, "shell", "-c", POLL_SETUP).split()
    workers = os.environ.get("BENCH_GUNICORN", "-w 2").split()
    server = start_gunicorn(env, workers)
    try:
        master = postmaster_of(url)
        if master:
            watch_postmaster(master)
        _s, body = Client().json("POST", "/api/v1/auth/token", {"username": "window1",
                                                                  "password": "Bianmin-Demo-2026"})
        auth = {"Authorization": f"Bearer {body['token']}", "Content-Type": "application/json"}
        seconds = float(os.environ.get("BENCH_POLL_SECONDS", "15"))
        say(f"load average before: {os.getloadavg()[0]:.2f}")
        for period, changes in ((None, True), (None, False), (2.0, True), (2.0, False)):
            poll_row(server_pid=server.pid, client=Client, device_token=device_token, window=int(window), auth=auth,
                     say=say, seconds=seconds, changes=changes, period=period)
        say(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
