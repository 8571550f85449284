"""Django's PostgreSQL compilers, with bulk inserts of a few rows written as plain VALUES.

Django 5.2 inserts two or more rows through `UNNEST` of one array per column, which saves PostgreSQL planning
time on large batches. With client-side binding psycopg writes each array as a quoted literal, escaping every
element with a regular expression: for the two to five rows a service writes (a case's notices and events,
its materials, a transaction's audit rows, their JSON content included) that cost about 2 ms of the
application's CPU per receive + accept, more than the planning it saves (measured in `bench/cpu_bench.py`,
issue 16). Batches of `UNNEST_FROM` rows or more (seeding, the sweep) keep `UNNEST`."""
import django.db.backends.postgresql.compiler as pg  # type: ignore[import-untyped]
from django.db.models.sql.compiler import SQLInsertCompiler as PlainInsertCompiler

SQLAggregateCompiler = pg.SQLAggregateCompiler
SQLCompiler = pg.SQLCompiler
SQLDeleteCompiler = pg.SQLDeleteCompiler
SQLUpdateCompiler = pg.SQLUpdateCompiler

__all__ = ["SQLAggregateCompiler", "SQLCompiler", "SQLDeleteCompiler", "SQLInsertCompiler", "SQLUpdateCompiler",
           "UNNEST_FROM"]

UNNEST_FROM = 50


class SQLInsertCompiler(pg.SQLInsertCompiler):
    def assemble_as_sql(self, fields, value_rows):
        if len(value_rows) < UNNEST_FROM:
            return PlainInsertCompiler.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)
