"""Issue 16 item 4 measurements, in-process (run with manage.py shell, DATABASE_URL set, config.settings.bench):

  .venv/bin/python manage.py shell --no-imports -c "exec(open('bench/volume/measure.py').read())"

(a) the sweep as bench/clock_bench.py runs it (now, again, +1 day, +7 days) — inside one transaction that is rolled
    back at the end, so the database stays as seeded for the page benchmarks; (b) the monthly statistics as
    bench/clock_bench.py times them (leader1: by unit / by staff / total, best and worst of 3); (c) sizes of the case and
    event tables and their indexes, the plans of the slowest statements of the idle sweep, the workbench and the case
    page, and in-process CPU per request of those two pages.
"""
import datetime as dt
import os
import time

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.stats.selectors import indicators
from bianmin.sweep.services import run_sweep

OUT = os.environ.get("MEASURE_OUT", "measure.txt")
lines = []


def say(*parts):
    text = " ".join(str(p) for p in parts)
    print(text, flush=True)
    lines.append(text)


def explain(sql, params, label):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [r[0] for r in cursor.fetchall()]
    say(f"    plan of {label}:")
    for row in plan:
        say("      " + row)


def slowest(queries, n, label, only=("cases_case", "cases_caseevent")):
    picked = [q for q in queries if any(t in q["sql"] for t in only) and q["sql"].lstrip().upper().startswith("SELECT")]
    picked.sort(key=lambda q: -float(q["time"]))
    for q in picked[:n]:
        say(f"  {label}: {float(q['time']) * 1000:.1f} ms  {q['sql'][:300]}")
    return picked[:n]


class Rollback(Exception):
    pass


total = Case.objects.count()
say(f"== {connection.settings_dict['NAME']} on port {connection.settings_dict['PORT']}: {total:,} cases, "
    f"{timezone.now():%Y-%m-%d %H:%M %Z}, load {__import__('pathlib').Path('/proc/loadavg').read_text().split()[:3]}")

# (a) the sweep
base = timezone.now()
try:
    with transaction.atomic():
        for label, shift in (("now", 0), ("now again", 0), ("+1 day", 1), ("+7 days", 7)):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                cpu0 = time.process_time()
                counts = run_sweep(now=base + dt.timedelta(days=shift))
                seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            changed = sum(counts.values())
            say(f"[5] sweep over {total:,} cases at {label}: {seconds:.2f} s (python cpu {cpu:.2f} s), "
                f"{len(ctx.captured_queries)} statements, {changed:,} changes "
                f"({', '.join(f'{k} {v}' for k, v in counts.items() if v)})")
            if label == "now again":
                for q in slowest(ctx.captured_queries, 3, "slowest idle-sweep statement"):
                    explain(q["sql"], None, "idle sweep statement")
        raise Rollback
except Rollback:
    say("    (the sweep's changes were rolled back)")

# (b) monthly statistics
leader = get_user_model().objects.get(username="leader1")
end = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
start = end.replace(day=1)
for group in ("unit", "staff", ""):
    times = []
    for _ in range(3):
        user = get_user_model().objects.get(pk=leader.pk)
        reset_queries()  # the sweep logged more than the 9,000 statements Django keeps
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            report = indicators(user, start=start, end=end, group_by=group)
        times.append(time.perf_counter() - t0)
    say(f"[6] monthly statistics {start:%Y-%m} (leader1's county, {total:,} cases in the table), "
        f"group={group or 'total'}: best {min(times):.2f} s, worst {max(times):.2f} s — received "
        f"{report.total.received:,}, decided {report.total.decided:,}, on time {report.total.on_time_rate}")
    if group == "":
        for q in slowest(ctx.captured_queries, 4, "slowest statistics statement", only=("cases_",)):
            explain(q["sql"], None, "statistics statement")

# (c) sizes
with connection.cursor() as cursor:
    cursor.execute("""
        SELECT c.relname, t.relname, pg_relation_size(c.oid), c.relkind
        FROM pg_class c LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid
        WHERE (c.relname IN ('cases_case', 'cases_caseevent', 'cases_casematerial', 'cases_notice')
               OR t.relname IN ('cases_case', 'cases_caseevent'))
        ORDER BY pg_relation_size(c.oid) DESC""")
    rows = cursor.fetchall()
    cursor.execute("SELECT pg_database_size(current_database())")
    say(f"[c] database size {cursor.fetchone()[0] / 2**30:.2f} GiB")
for name, table, size, kind in rows:
    say(f"[c] {'table' if kind == 'r' else 'index'} {name}{' on ' + table if table else ''}: {size / 2**20:,.0f} MiB")

# workbench and case page: statements, plans, CPU per request in-process
window1 = get_user_model().objects.get(username="window1")
client = Client(HTTP_HOST="127.0.0.1")
assert client.post("/staff/login/", {"username": "window1", "password": "Bianmin-Demo-2026"}).status_code == 302
assert client.get("/staff/work/").status_code == 200
number = (Case.objects.filter(first_handler__user=window1, county_id=window1.staff_profile.unit.county_id)
          .order_by("-received_at").values_list("number", flat=True).first())
for label, path in (("workbench", "/staff/work/"), ("case page", f"/staff/cases/{number}/")):
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    say(f"[c] {label} {path}: {len(ctx.captured_queries)} statements, "
        f"{sum(float(q['time']) for q in ctx.captured_queries) * 1000:.1f} ms in the database (as Django timed them)")
    for q in slowest(ctx.captured_queries, 3, f"slowest {label} statement"):
        explain(q["sql"], None, f"{label} statement")
    for _ in range(5):
        client.get(path)
    n, cpu0, t0 = 50, time.process_time(), time.perf_counter()
    for _ in range(n):
        client.get(path)
    say(f"[c] {label}: {(time.process_time() - cpu0) / n * 1000:.1f} ms python CPU, "
        f"{(time.perf_counter() - t0) / n * 1000:.1f} ms wall per request in-process ({n} requests)")

with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print("written", OUT)
