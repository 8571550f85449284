"""Where seed_volume's time goes, per side (run with manage.py shell, DATABASE_URL of a seeded demo database,
config.settings.bench; nothing is kept: the COPY runs in a transaction that is rolled back):

  BATCHES=20 .venv/bin/python manage.py shell --no-imports -c "exec(open('bench/volume/profile_seed.py').read())"

(a) Python: CPU seconds per 10,000 cases of ``generate`` in this process, and the bytes of each table;
(b) PostgreSQL: the backend's CPU (from /proc) to COPY the same text with the secondary indexes dropped, per table;
(c) the backend's CPU to build each dropped index of the case and event tables over what was loaded.
"""
import os
import time
from pathlib import Path

from django.db import connection, transaction

from bianmin.cases.models import Case, CaseCounter
from bianmin.demo.volume import generate as gen
from bianmin.demo.volume.context import build_context, plan_batches
from bianmin.demo.volume.load import PostgresLoader

N = int(os.environ.get("BATCHES", "20"))
DAYS = 365
ctx = build_context(seed=7, days=DAYS, cases=N * 10_000)
last = {(u, d): n for u, d, n in CaseCounter.objects.filter(day__gte=ctx.first_day).values_list("unit_id", "day", "last")}
batches, _ = plan_batches(ctx, cases=N * 10_000, days=DAYS, batch=10_000, first_ids=dict.fromkeys(gen.IDS_PER_CASE, 10**9), last_numbers=last)
t0 = time.process_time()
parts = [gen.generate(ctx, b) for b in batches]
py = time.process_time() - t0
cases = sum(b.cases for b in batches)
sizes = {name: sum(len(p[name]) for p in parts) for name in gen.TABLES}
print(f"(a) generate: {py:.2f} s CPU for {cases:,} cases = {py / cases * 1e6:.1f} µs a case "
      f"({cases / py:,.0f} cases/s on one core); MB: "
      + ", ".join(f"{k} {v / 1e6:.0f}" for k, v in sizes.items()), flush=True)


def backend_cpu(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Rollback(Exception):
    pass


try:
    with transaction.atomic():
        with connection.cursor() as c:
            c.execute("SELECT pg_backend_pid()")
            pid = c.fetchone()[0]
        loader = PostgresLoader(connection, ctx.formats)
        loader.start(rebuild=True)
        with connection.cursor() as c:
            c.execute(f"SET LOCAL maintenance_work_mem = '{os.environ.get('MWM', '1GB')}'")
            if os.environ.get("PMW"):
                c.execute(f"SET LOCAL max_parallel_maintenance_workers = {int(os.environ['PMW'])}")
        spent = dict.fromkeys(gen.TABLES, 0.0)
        perf = None
        if os.environ.get("PERF"):  # perf record of the backend during the COPY (a file name)
            import signal
            import subprocess
            perf = subprocess.Popen(["perf", "record", "-q", "-p", str(pid), "-o", os.environ["PERF"]])
            time.sleep(1)
        wall0 = time.perf_counter()
        for p in parts:
            for name in gen.TABLES:
                c0 = backend_cpu(pid)
                loader.write({name: p[name]})
                spent[name] += backend_cpu(pid) - c0
        wall = time.perf_counter() - wall0
        if perf is not None:
            perf.send_signal(signal.SIGINT)
            perf.wait()
        total = sum(spent.values())
        print(f"(b) COPY: backend {total:.2f} s CPU = {total / cases * 1e6:.1f} µs a case ({cases / total:,.0f} cases/s "
              f"on one core), wall {wall:.1f} s; " + ", ".join(f"{k} {v:.2f}" for k, v in spent.items()), flush=True)
        quote = connection.ops.quote_name
        builds = []
        with connection.cursor() as c:
            for item in ([] if os.environ.get("NO_BUILD") else loader.dropped):
                if item.kind == "foreign key":
                    continue
                c0, w0 = backend_cpu(pid), time.perf_counter()
                if item.kind == "index":
                    c.execute(item.definition)
                else:
                    c.execute(f"ALTER TABLE {quote(item.table)} ADD CONSTRAINT {quote(item.name)} {item.definition}")
                builds.append((backend_cpu(pid) - c0, time.perf_counter() - w0, item.table, item.name))
        builds.sort(reverse=True)
        print(f"(c) index builds: backend {sum(b[0] for b in builds):.1f} s CPU, "
              f"wall {sum(b[1] for b in builds):.1f} s; by CPU:")
        for cpu, w, table, name in builds:
            print(f"    {cpu:6.2f} s cpu {w:6.2f} s wall  {table}.{name}")
        raise Rollback
except Rollback:
    print("rolled back;", Case.objects.count(), "cases in the table")
