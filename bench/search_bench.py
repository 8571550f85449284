"""Issue 12 benchmark on PostgreSQL with a county of 200,000 cases (BENCH_SEARCH_CASES to change):

[8] the staff case search (``cases.selectors.search_cases``, what /staff/cases/?q= and GET /api/v1/cases run: the
    count and the first page of 30) by a part of the applicant's name (three characters: the pg_trgm index; two
    characters, below what pg_trgm indexes: the GIN index of the name's characters, decision 0044) and by the last four phone digits —
    as a window clerk (their unit) and as the county leader (the whole county). Target: p95 ≤ 100 ms [ours].

Uses DATABASE_URL when set (seeding only what is missing), else a throwaway PostgreSQL cluster.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from http_bench import bench_database, prepare_database, say

TARGET_MS = 100.0
QUERIES = 60


def in_process(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    import django

    django.setup()


def plan_of(qs) -> str:
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return " ".join(row[0] for row in cursor.fetchall())


def bench_search() -> None:
    from django.contrib.auth import get_user_model

    from bianmin.cases.lookup_chars import CHARS_INDEX
    from bianmin.cases.models import Case
    from bianmin.cases.selectors import search_cases

    total = Case.objects.count()
    rng = random.Random(20261205)
    sample = list(Case.objects.order_by("?").values_list("applicant_name", "applicant_phone_last4")[:QUERIES])
    kinds = {
        "name part, 3 characters": [name[-3:] if len(name) >= 3 else name for name, _ in sample],
        "name part, 2 characters": [name[1:3] for name, _ in sample],
        "phone last 4": [last4 or f"{rng.randrange(10_000):04d}" for _, last4 in sample],
    }
    for username in ("window1", "leader1"):
        user = get_user_model().objects.get(username=username)
        for label, queries in kinds.items():
            times, found = [], []
            for q in queries:
                t0 = time.perf_counter()
                qs = search_cases(user, q=q)
                count = qs.count()
                list(qs[:30])  # the first page, as the screen and the API read it
                times.append((time.perf_counter() - t0) * 1000)
                found.append(count)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            plan = plan_of(search_cases(user, q=queries[0]).values("pk"))
            indexes = sorted({i for i in ("case_applicant_name_trgm_idx", CHARS_INDEX, "applicant_phone_last4")
                              if i in plan})
            say(f"[8] staff search by {label} as {username} ({total:,} cases): median "
                f"{statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms; "
                f"{statistics.median(found):.0f} found (median); plan uses {', '.join(indexes) or 'no search index'} "
                f"(target p95 ≤ {TARGET_MS:.0f} ms): {'OK' if p95 <= TARGET_MS else 'MISSED'}")


def main() -> int:
    cases = int(os.environ.get("BENCH_SEARCH_CASES", "200000"))
    url, pg = bench_database(port_offset=3)
    if not url:
        say("[8] skipped: no DATABASE_URL and no PostgreSQL server binaries (initdb)")
        return 0
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    try:
        prepare_database(env, cases, label="cases")
        in_process(url)
        bench_search()
    finally:
        if pg:
            pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
