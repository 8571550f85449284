"""Which indexes of the case tables the product's hot paths read (run with manage.py shell, DATABASE_URL of a seeded
database, config.settings.bench; the sweep is rolled back, the pages only read):

  .venv/bin/python manage.py shell --no-imports -c "exec(open('bench/volume/index_usage.py').read())"

Resets the database's statistics counters, runs as window1 and leader1 the workbench, the case page, the staff search
(name part, last four digits, a full phone, a number), the statistics page and the overview, the public lookup, the
API list, the monthly statistics of every grouping and the sweep (now and +7 days), then prints each index of the
case tables with its number of scans. An index with 0 scans served none of these statements (a statement that could
use an index the planner found cheaper shows the index it chose)."""
import datetime as dt
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.stats.selectors import indicators
from bianmin.sweep.services import run_sweep

TABLES = ("cases_case", "cases_caseevent", "cases_casematerial", "cases_notice", "cases_casepause",
          "cases_extension")


class Rollback(Exception):
    pass


with connection.cursor() as c:
    c.execute("SELECT pg_stat_reset()")
window1 = get_user_model().objects.get(username="window1")
county = window1.staff_profile.unit.county_id
mine = (Case.objects.filter(first_handler__user=window1, county_id=county).order_by("-received_at")
        .values_list("number", "query_code", "applicant_name", "applicant_phone_last4")[:3])
number, code, name, last4 = mine[0]
for username in ("window1", "leader1"):
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.post("/staff/login/", {"username": username, "password": "Bianmin-Demo-2026"}).status_code == 302
    for path in ("/staff/work/", f"/staff/cases/{number}/", f"/staff/cases/?q={name[:3]}", f"/staff/cases/?q={last4}",
                 f"/staff/cases/?q={number}", "/staff/cases/?q=13800138000", "/staff/cases/", "/staff/stats/",
                 "/staff/overview/", "/api/v1/cases"):
        status = client.get(path).status_code
        print(f"{username} {path}: {status}", flush=True)
public = Client(HTTP_HOST="127.0.0.1")
print("lookup", public.post("/lookup/", {"number": number, "code": code}).status_code)
leader = get_user_model().objects.get(username="leader1")
end = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
for group in ("unit", "staff", ""):
    indicators(leader, start=end.replace(day=1), end=end, group_by=group)
try:
    with transaction.atomic():
        for shift in (0, 7):
            run_sweep(now=timezone.now() + dt.timedelta(days=shift))
        raise Rollback
except Rollback:
    pass
connection.close()  # the counters of this backend reach the statistics when it ends
time.sleep(2)
with connection.cursor() as c:
    c.execute("""SELECT relname, indexrelname, idx_scan, pg_relation_size(indexrelid) FROM pg_stat_user_indexes
                 WHERE relname = ANY(%s) ORDER BY relname, idx_scan DESC, indexrelname""", [list(TABLES)])
    for table, index, scans, size in c.fetchall():
        print(f"{table:22} {index:50} {scans:8,} scans {size / 2**20:8.1f} MiB")
