"""Time the post-load rebuild alone, on a seeded database, under different schedules (decision 0031, session 16).

  DJANGO_SETTINGS_MODULE=config.settings.bench DATABASE_URL=postgres://postgres@127.0.0.1:PORT/DB \\
      python bench/volume/rebuild_variants.py --datadir D/data 1:2 2:0 2:1 ...

Each variant ``connections:parallel_workers`` drops what a large load drops (``PostgresLoader.start``, which writes
the ledger, committed without loading anything), then completes the ledger with ``connections`` connections and
``max_parallel_maintenance_workers = parallel_workers`` on each, and prints the wall time and the CPU of every
process of the cluster (``--datadir``: the postmaster's pid), with the load average. The database keeps its rows;
the indexes are back after each variant.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "volume"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from seed_cpu import loadavg, tree_cpu  # noqa: E402

from bianmin.demo.volume import rebuild  # noqa: E402
from bianmin.demo.volume.context import formats  # noqa: E402
from bianmin.demo.volume.load import PostgresLoader  # noqa: E402


def wal_position() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datadir", required=True)
    ap.add_argument("variants", nargs="+")
    args = ap.parse_args()
    from django.conf import settings

    if not settings.BIANMIN.get("DEMO_MODE"):  # as seed_volume: it drops and rebuilds the case tables' indexes
        raise SystemExit("rebuild_variants.py 只能在演示模式（BIANMIN['DEMO_MODE']）的数据库上运行")
    postmaster = int(Path(args.datadir, "postmaster.pid").read_text().split()[0])
    for variant in args.variants:
        conns, workers = (int(x) for x in variant.split(":"))
        with transaction.atomic():
            PostgresLoader(connection, formats()).start(rebuild=True)
        rebuild.SESSION = ("SET maintenance_work_mem = '1GB'", f"SET max_parallel_maintenance_workers = {workers}")
        rebuild.SESSION_SHARED = ()
        before = loadavg()
        lsn0 = wal_position()
        cpu0, t0 = tree_cpu(postmaster), time.monotonic()
        lines: list[str] = []
        rebuild.complete(conns, lines.append)
        wall, cpu = time.monotonic() - t0, tree_cpu(postmaster) - cpu0
        print(f"{conns} connection(s), {workers} parallel worker(s): wall {wall:.1f} s, postgres CPU {cpu:.1f} s "
              f"({cpu / wall:.2f} cores), WAL {wal_position() - lsn0:,} bytes; load {before} -> {loadavg()}",
              flush=True)
        for line in lines[:6]:
            print("   ", line)


if __name__ == "__main__":
    main()
