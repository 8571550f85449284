"""Load generated COPY text into the database, inside the caller's transaction.

PostgreSQL: the tables are locked against other writers (so the ids reserved up front stay ours), lines are
streamed with COPY, and for a large load the tables' full indexes (unique ones and the primary keys no loaded table
refers to included, see ``INDEXES_SQL``, with the other tables' foreign keys that rely on those) and, without the
right to skip their checks, their foreign keys are dropped first. Checking a foreign key row by row costs ~7 µs a
check; validating it afterwards is one join. Partial indexes stay: they hold few rows (the sweep's, the open
cases'), so keeping them up costs a predicate test a row, while rebuilding each would read the whole table again.

What is dropped is written, in the same transaction as the drops and the rows, into a ledger (``PendingRebuild``:
the definitions the catalogue gave, ``pg_get_indexdef`` and ``pg_get_constraintdef``), so an error, an interrupt
or a killed process before the commit rolls back the rows, the drops and the ledger alike. Before the commit the
primary-key and unique constraints are built again and the foreign keys re-added ``NOT VALID`` (``finish``): from
the commit on, every constraint holds for every new row. After it ``bianmin.demo.volume.rebuild`` builds the plain
indexes and validates the foreign keys from the ledger on two connections, each item in its own transaction, so
nothing dropped is ever forgotten (decision 0031, session 16). SQLite: plain inserts of the same lines.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bianmin.demo.models import PendingRebuild

from .rows import TableFormat

# The catalogue's own definitions. A primary key that a loaded table's foreign key relies on stays (the cases'
# own: checking 50 M event, material and notice rows against it again would cost more than keeping it up); the
# other loaded tables' primary keys go with the rest, together with the few foreign keys of other tables (files,
# supplement lines, statements…) that rely on them, re-added and checked afterwards. Keeping a primary key up
# during COPY costs ~1 µs a row (a B-tree insertion and its WAL record each), building it ~0.3 µs a row, in
# parallel. Any other index a foreign key relies on stays, and so do partial indexes.
INDEXES_SQL = """
SELECT ci.relname, pg_get_indexdef(i.indexrelid), con.conname, pg_get_constraintdef(con.oid)
FROM pg_index i
JOIN pg_class ci ON ci.oid = i.indexrelid
LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
  AND con.contype IN ('p', 'u', 'x')
WHERE i.indrelid = %(table)s::regclass AND i.indpred IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid
                  AND (NOT i.indisprimary OR f.conrelid = ANY(%(loaded)s::regclass[])))
ORDER BY ci.relname
"""
# Foreign keys of other tables that rely on a primary key dropped for the load (they are re-added after it).
RELYING_KEYS_SQL = """
SELECT f.conrelid::regclass::text, f.conname, pg_get_constraintdef(f.oid) FROM pg_constraint f
WHERE f.contype = 'f' AND f.conindid = (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass
                                         AND conname = %s AND contype = 'p')
ORDER BY 1, 2
"""
FOREIGN_KEYS_SQL = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname
"""


@dataclass(frozen=True)
class Dropped:
    """An index or constraint taken off a table for the load, with the statement that puts it back."""

    table: str
    name: str
    kind: str  # "index", "constraint" (unique, exclusion) or "foreign key": ``PendingRebuild.Kind``'s values
    definition: str  # CREATE INDEX statement, or the constraint's definition

    def ledger_row(self) -> PendingRebuild:
        return PendingRebuild(table=self.table, name=self.name, kind=self.kind, definition=self.definition)


class Loader:
    """Write batches of COPY text; see the module docstring. Use inside ``transaction.atomic()``."""

    def __init__(self, connection, formats: dict[str, TableFormat], say: Callable[[str], None] = lambda _l: None):
        self.connection = connection
        self.formats = formats
        self.say = say
        self.dropped: list[Dropped] = []
        self.unchecked = False  # foreign keys kept but not checked row by row (session_replication_role)

    def start(self, *, rebuild: bool) -> None:
        """Lock the tables; for a large load (``rebuild``) also drop their indexes and foreign keys."""

    def finish(self) -> None:
        """End the load (call it once the rows are in, inside the same transaction)."""

    def reserve_ids(self, name: str, n: int) -> int:
        """Return the first of ``n`` consecutive ids of table ``name`` (a ``formats`` key) nobody else will use."""
        raise NotImplementedError

    def write(self, parts: Mapping[str, bytes | memoryview]) -> None:
        """Load one batch: COPY text (UTF-8) per table name (``formats``' keys)."""
        raise NotImplementedError


class PostgresLoader(Loader):
    def _tables(self) -> list[str]:
        return [fmt.table for fmt in self.formats.values()]

    def start(self, *, rebuild: bool) -> None:
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            # Other writers wait (readers do not): the reserved ids stay ours and the data stay consistent.
            cursor.execute(f"LOCK TABLE {', '.join(quote(t) for t in self._tables())} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                # As pg_restore --disable-triggers: the foreign keys stay, unchecked for this transaction's rows
                # (~7 µs a check; the generator writes only keys it read from the database, and the tests check
                # every key of a load). Without the right to, a large load drops and re-adds them instead.
                cursor.execute("SET LOCAL session_replication_role = replica")
                self.unchecked = True
            if not rebuild:
                return
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            tables = self._tables()
            for table in tables:
                if not self.unchecked:
                    cursor.execute(FOREIGN_KEYS_SQL, [table])
                    self.dropped += [Dropped(table, name, "foreign key", definition)
                                     for name, definition in cursor.fetchall()]
                cursor.execute(INDEXES_SQL, {"table": table, "loaded": tables})
                for index, indexdef, constraint, condef in cursor.fetchall():
                    self.dropped.append(Dropped(table, constraint, "constraint", condef) if constraint
                                        else Dropped(table, index, "index", indexdef))
                    if condef and condef.startswith("PRIMARY KEY"):
                        cursor.execute(RELYING_KEYS_SQL, [table, constraint])
                        self.dropped += [Dropped(other, name, "foreign key", definition)
                                         for other, name, definition in cursor.fetchall()
                                         if (other, name) not in {(d.table, d.name) for d in self.dropped}]
            # Foreign keys first: a primary key cannot go while a foreign key relies on it.
            self.dropped.sort(key=lambda d: d.kind != "foreign key")
            PendingRebuild.objects.bulk_create([d.ledger_row() for d in self.dropped])  # with the drops, or neither
            for item in self.dropped:
                if item.kind == "index":
                    cursor.execute(f"DROP INDEX {quote(item.name)}")
                else:
                    cursor.execute(f"ALTER TABLE {quote(item.table)} DROP CONSTRAINT {quote(item.name)}")
        keys = sum(d.kind == "foreign key" for d in self.dropped)
        self.say(f"已暂时删除 {len(self.dropped) - keys} 个索引" + (f"和 {keys} 个外键约束" if keys else "")
                 + "（已记入待重建清单，按数据库原定义重建：唯一约束和外键在提交前，其余索引在提交后；部分索引保留）"
                 + ("；外键保留，本事务不逐行检查（同 pg_restore --disable-triggers）" if self.unchecked else ""))

    def reserve_ids(self, name: str, n: int) -> int:
        table = self.formats[name].table
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            cursor.execute("SELECT nextval(%s)", [sequence])
            (first,) = cursor.fetchone()
            if n > 1:
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
        return first

    def write(self, parts: Mapping[str, bytes | memoryview]) -> None:
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for name, data in parts.items():
                if data:
                    with cursor.cursor.copy(self.formats[name].copy_sql(quote)) as copy:
                        copy.write(data)

    def finish(self) -> None:
        """Before the commit, put back what keeps the data right while others use the tables: the primary-key and
        unique constraints (built from their definitions), then the foreign keys, ``NOT VALID`` (checked for every
        new row at once; the rows already there are validated after the commit, their ledger rows kept for that).
        Plain indexes stay in the ledger, to be built after the commit (``bianmin.demo.volume.rebuild``)."""
        quote = self.connection.ops.quote_name
        spent: dict[tuple[str, str], list[float]] = {}
        with self.connection.cursor() as cursor:
            if self.unchecked:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
                self.unchecked = False
            done = []
            for item in sorted((d for d in self.dropped if d.kind != "index"), key=lambda d: d.kind == "foreign key"):
                t0 = time.monotonic()
                cursor.execute(f"ALTER TABLE {quote(item.table)} ADD CONSTRAINT {quote(item.name)} {item.definition}"
                               + (" NOT VALID" if item.kind == "foreign key" else ""))
                if item.kind != "foreign key":
                    done.append((item.table, item.name))
                spent.setdefault((item.table, "外键（暂不验证）" if item.kind == "foreign key" else "唯一约束"),
                                 []).append(time.monotonic() - t0)
        for table, name in done:
            PendingRebuild.objects.filter(table=table, name=name).delete()
        for (table, kind), times in spent.items():
            self.say(f"  {table}：{len(times)} 个{kind}，{sum(times):.1f} 秒（最长 {max(times):.1f} 秒）")
        self.dropped = [d for d in self.dropped if d.kind == "index"]


class SqliteLoader(Loader):
    def reserve_ids(self, name: str, n: int) -> int:
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {quote(self.formats[name].table)}")  # noqa: S608
            return cursor.fetchone()[0]

    def write(self, parts: Mapping[str, bytes | memoryview]) -> None:
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for name, data in parts.items():
                fmt = self.formats[name]
                rows = fmt.db_rows(self.connection, bytes(data).decode())
                if rows:
                    columns = fmt.db_columns()
                    sql = (f"INSERT INTO {quote(fmt.table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                           f"VALUES ({', '.join(['%s'] * len(columns))})")  # names from the model
                    cursor.executemany(sql, rows)


def loader_for(connection, formats: dict[str, TableFormat], say: Callable[[str], None]) -> Loader:
    """Return the loader for ``connection``'s database."""
    cls = PostgresLoader if connection.vendor == "postgresql" else SqliteLoader
    return cls(connection, formats, say)
