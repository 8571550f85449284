"""Put back what a large load dropped, from the ledger it wrote in its own transaction (``PendingRebuild``).

The load commits its rows, its drops and the ledger together, with its primary-key and unique constraints built
again and its foreign keys re-added ``NOT VALID`` (``load.PostgresLoader.finish``); what is left is plain indexes
and the foreign keys' validation. This runs after the commit, on ``connections_wanted`` connections at once (two by
default: the index builds are the part of a large load that a second core can share; decision 0031, session 16).
Each takes the next item, the largest table's first (its GIN indexes, never built in parallel, first of a table), and
puts it back in its own transaction, which also deletes its ledger row: an interruption leaves the ledger exactly as
long as what is still missing, and the next ``seed_volume`` (or ``seed_volume --finish``) completes it first. Rows
are claimed with ``FOR UPDATE SKIP LOCKED``, so two runs finishing the same ledger never build an item twice.

In rounds, each waiting for the one before: the indexes; the constraints (none after a load, which puts them back
before it commits: for a ledger left otherwise); the foreign keys (``VALIDATE CONSTRAINT``, or added whole if
missing), whose checks use the indexes above. An item already back only has its ledger row deleted.

Inside a caller's transaction (the load's rows not committed yet, so no other connection can see them) the items
are put back on this connection, one after the other, each under a savepoint.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection, connections, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.expressions import RawSQL

from bianmin.demo.models import PendingRebuild

Kind = PendingRebuild.Kind
ROUNDS: tuple[tuple[str, Q], ...] = (
    ("索引", Q(kind=Kind.INDEX)),
    ("唯一约束", Q(kind=Kind.CONSTRAINT)),
    ("外键验证", Q(kind=Kind.FOREIGN_KEY)),
)
# Each build connection's session. Two connections keep both cores busy, so PostgreSQL's parallel maintenance workers
# would only add CPU and processes: at 1 M cases two connections took 16–18 s (28–32 s of CPU) without them, 27–29 s
# (40–47 s) with one or two each, one connection with two 22–25 s (33–34 s); decision 0031, session 16.
SESSION = ("SET maintenance_work_mem = '1GB'",)
SESSION_SHARED = ("SET max_parallel_maintenance_workers = 0",)


def pending() -> int:
    """How many ledger items are waiting (0 on a database without the ledger's rows, SQLite included)."""
    return PendingRebuild.objects.count() if connection.vendor == "postgresql" else 0


def complete(connections_wanted: int = 2, say: Callable[[str], None] = lambda _l: None) -> int:
    """Put back every item of the ledger; return how many there were. Raises the first failure (the items not put
    back stay in the ledger)."""
    if connection.vendor != "postgresql":
        return 0
    total = PendingRebuild.objects.count()
    if not total:
        return 0
    spent: list[tuple[str, str, float]] = []  # (table, round's label, seconds)
    for label, which in ROUNDS:
        waiting = PendingRebuild.objects.filter(which).count()
        if not waiting:
            continue
        if connection.in_atomic_block or connections_wanted <= 1 or waiting == 1:
            _drain(which, label, spent, threading.Event(), shared=False)
        else:
            _in_threads(min(connections_wanted, waiting), which, label, spent)
    times: dict[tuple[str, str], list[float]] = {}
    for table, label, seconds in spent:
        times.setdefault((table, label), []).append(seconds)
    for (table, label), each in times.items():
        say(f"  {table}：{len(each)} 个{label}，{sum(each):.1f} 秒（最长 {max(each):.1f} 秒）")
    return total


def _in_threads(n: int, which: Q, label: str, spent: list[tuple[str, str, float]]) -> None:
    """Drain the items ``which`` selects on ``n`` connections of their own (one a thread); re-raise the first
    failure once all have stopped."""
    failures: list[BaseException] = []
    stop = threading.Event()

    def work() -> None:
        try:
            _drain(which, label, spent, stop, shared=True)
        except BaseException as exc:  # handed to the caller's thread, which re-raises it
            failures.append(exc)
            stop.set()
        finally:
            connections.close_all()  # this thread's own connection

    # Daemon threads: an interrupt ends the command, and the server rolls back the builds in progress.
    threads = [threading.Thread(target=work, name=f"rebuild-{k}", daemon=True) for k in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def _drain(which: Q, label: str, spent: list[tuple[str, str, float]], stop: threading.Event, *,
           shared: bool) -> None:
    """Put back the items ``which`` selects one at a time, each in its own transaction, until none is left to
    claim: the largest table's first (what takes longest starts first, so the connections end together), the GIN
    indexes (the name's trigrams and characters: never built in parallel) first within their table."""
    conn = connections["default"]  # this thread's
    quote = conn.ops.quote_name
    if not conn.in_atomic_block:  # inside the load's transaction its settings hold
        with conn.cursor() as cursor:
            for statement in (*SESSION, *SESSION_SHARED) if shared else SESSION:
                cursor.execute(statement)
    claim = (PendingRebuild.objects.using(conn.alias).select_for_update(skip_locked=True).filter(which)
             .annotate(size=RawSQL('COALESCE(pg_relation_size(to_regclass(quote_ident("table"))), 0)', ()),
                       gin=ExpressionWrapper(Q(definition__contains=" USING gin "), output_field=BooleanField()))
             .order_by("-size", "-gin", "name"))
    while not stop.is_set():
        with transaction.atomic(using=conn.alias):
            item = claim.first()
            if item is None:
                return
            t0 = time.monotonic()
            with conn.cursor() as cursor:
                _put_back(cursor, quote, item)
        spent.append((item.table, label, time.monotonic() - t0))


def _put_back(cursor, quote, item: PendingRebuild) -> None:
    """Build, add or validate ``item`` unless the table already has it so, and delete its ledger row."""
    table, name = quote(item.table), quote(item.name)
    if item.kind == Kind.INDEX:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if not cursor.fetchone()[0]:
            cursor.execute(item.definition)
    else:
        cursor.execute("SELECT convalidated FROM pg_constraint WHERE conrelid = to_regclass(%s) AND conname = %s",
                       [table, item.name])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {item.definition}")
        elif not row[0]:
            cursor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")
    PendingRebuild.objects.using(cursor.db.alias).filter(pk=item.pk).delete()
