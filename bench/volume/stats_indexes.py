import datetime as dt
import os
import time

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bianmin.stats.selectors import indicators

INDEXES = os.environ.get("TRY_INDEXES", "")
leader = get_user_model().objects.get(username="leader1")
end = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
start = end.replace(day=1)

class Rollback(Exception):
    pass

def run(label):
    for group in ("unit", "staff", ""):
        times = []
        for _ in range(3):
            user = get_user_model().objects.get(pk=leader.pk)
            reset_queries()
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                report = indicators(user, start=start, end=end, group_by=group)
            times.append(time.perf_counter() - t0)
        print(f"{label} group={group or 'total'}: best {min(times):.2f} s worst {max(times):.2f} s "
              f"received {report.total.received} decided {report.total.decided}", flush=True)
    qs = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
    for q in qs[:8]:
        print(f"   {float(q['time'])*1000:7.1f} ms  {q['sql'][:160]}", flush=True)
    if os.environ.get("EXPLAIN"):
        with connection.cursor() as c:
            for q in qs[:int(os.environ["EXPLAIN"])]:
                c.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                print("\n".join("      " + r[0] for r in c.fetchall()), flush=True)

try:
    with transaction.atomic():
        run("as is")
        with connection.cursor() as c:
            c.execute("SET LOCAL jit = off")
        run("jit off")
        with connection.cursor() as c:
            c.execute("SET LOCAL jit = on")
        if INDEXES:
            with connection.cursor() as c:
                for i, cols in enumerate(INDEXES.split(";")):
                    t0 = time.perf_counter()
                    c.execute(f"CREATE INDEX try_idx_{i} ON cases_case ({cols})")
                    print(f"created ({cols}) in {time.perf_counter() - t0:.1f} s", flush=True)
                c.execute("ANALYZE cases_case")
            run("with indexes")
            with connection.cursor() as c:
                c.execute("SET LOCAL jit = off")
            run("with indexes, jit off")
        raise Rollback
except Rollback:
    print("rolled back")
