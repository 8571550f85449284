"""Reads compiled once per process and shape, then run with fresh arguments (issue 16 item 1, decision 0034).

Building a queryset (``filter`` resolving names into joins) and compiling it to SQL cost more app CPU than running
it on the hottest pages: about 1 ms of Python for a 0.2 ms query. A ``Prepared`` read keeps the ORM definition —
the selector still writes ``Case.objects.filter(…)`` with the same policies — but the values that change from one
request to the next are ``Arg`` (and ``ArgList``) placeholders. The first call compiles it for its *shape* (what
changes the SQL text: how many handlers an ``IN`` lists, a ``LIMIT``) and keeps the SQL, the parameter slots and
the result converters on the database connection; later calls fill the slots and run it.

A read gives ``values_list`` rows (``rows``) or model instances with their ``select_related`` objects
(``objects``), the ORM's converters applied. Nothing about the data is cached: every call runs the statement.
"""
from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Expression, F, Model, Q, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor, ImageFileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.lookups import StartsWith
from django.db.models.query import ModelIterable, ValuesListIterable
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

try:  # PostgreSQL's driver; SQLite needs none of this
    import psycopg

    class _PreparingCursor(psycopg.Cursor[Any]):
        """A server-binding cursor whose every statement is prepared (a named statement per connection)."""

        binds_on_server = True  # bianmin.core.pgbackend composes its statement for the query log

        def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None,
                    binary: bool | None = None) -> Any:
            return super().execute(query, params, prepare=True, binary=binary)
except ImportError:  # pragma: no cover
    pass

# Django's cursors bind on the client and never prepare; with this threshold psycopg prepares exactly the
# statements run with prepare=True (these reads).
_ONLY_WHEN_ASKED = 2**31 - 1
# How many prepared statements psycopg keeps per connection (its default: 100). A statement is prepared per text
# and per types of its values (an int's size, None), so an insert of one model may take a few; past the limit psycopg
# deallocates the oldest, which would push out the hot reads.
PREPARED_MAX = 512
_CACHE_ATTR = "_bianmin_prepared"  # on each connection wrapper (one per thread): its compiled reads


class _Slot:
    """The place of an argument's value in a compiled statement's parameters (``index``: an item of a list;
    ``pattern``: the value is a prefix sent as a LIKE pattern)."""

    __slots__ = ("field", "index", "name", "pattern")

    def __init__(self, name: str, index: int | None = None, field: Any = None, pattern: bool = False) -> None:
        self.name, self.index, self.field, self.pattern = name, index, field, pattern

    def value(self, args: dict[str, Any], connection: Any) -> Any:
        """The argument's value as the ORM would send it: through its ``output_field`` when it has one (as a
        lookup on that field would), else dates, times and decimals adapted by the backend."""
        value = args[self.name] if self.index is None else args[self.name][self.index]
        if self.pattern:  # as Django's startswith prepares a value: LIKE's wildcards escaped, then "%"
            return connection.ops.prep_for_like_query(value) + "%"
        if self.field is not None:
            return self.field.get_db_prep_value(value, connection, prepared=False)
        ops = connection.ops
        if isinstance(value, dt.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.date):
            return ops.adapt_datefield_value(value)
        if isinstance(value, dt.time):
            return ops.adapt_timefield_value(value)
        if isinstance(value, Decimal):
            return ops.adapt_decimalfield_value(value)
        return value

    def __repr__(self) -> str:
        return f"<slot {self.name}[{self.index}]>"


class Arg(Expression):
    """A named argument of a prepared read: one placeholder, its value given on each run."""

    def __init__(self, name: str, output_field: Any = None) -> None:
        super().__init__(output_field=output_field)
        self.name, self.prep_field = name, output_field

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [_Slot(self.name, field=self.prep_field)]


class ArgList(Expression):
    """A named list argument of ``count`` items for an ``__in`` lookup: ``(%s, %s, …)``; the count is part of the
    read's shape, the list is given on each run."""

    def __init__(self, name: str, count: int, output_field: Any = None) -> None:
        if count < 1:
            raise ValueError("an empty list matches nothing: do not run the read")
        super().__init__(output_field=output_field)
        self.name, self.count, self.prep_field = name, count, output_field

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        slots = [_Slot(self.name, i, self.prep_field) for i in range(self.count)]
        return "(" + ", ".join(["%s"] * self.count) + ")", slots


class _StartsWithArg(StartsWith):
    """``startswith`` with an ``Arg`` for the prefix, sent as one LIKE pattern parameter (the prefix escaped as
    Django escapes a value). Django's own ``startswith`` with an expression builds the pattern in SQL
    (``LIKE REPLACE(REPLACE(REPLACE($1, …))) || '%'``), which a generic plan evaluates on every row."""

    def process_rhs(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        rhs: Arg = self.rhs
        return "%s", [_Slot(rhs.name, pattern=True)]

    def get_rhs_op(self, connection: Any, rhs: str) -> str:
        return connection.operators[self.lookup_name] % rhs


def starts_with(field: str, prefix: Any) -> Q | _StartsWithArg:
    """The filter "``field`` starts with ``prefix``" for a value or an ``Arg`` (one definition for both)."""
    if isinstance(prefix, Arg):
        return _StartsWithArg(F(field), prefix)
    return Q(**{f"{field}__startswith": prefix})


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    compiler: Any
    converters: dict[int, Any]


_PLACEHOLDER = re.compile(r"%[%s]")


def _literal(value: Any) -> str | None:
    """``value`` as an SQL literal, for the plain values a statement's text may carry (None for any other)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value >= 0:  # choices (IntegerChoices) included: their value
        return str(int(value))
    if isinstance(value, str):
        text = str.__str__(value)  # a plain copy (a choice's value), whatever the subclass defines
        if "\0" in text or "\\" in text:  # a backslash's meaning depends on standard_conforming_strings
            return None
        return "'" + text.replace("'", "''") + "'"
    return None


def _inline_constants(sql: str, params: list[Any]) -> tuple[str, tuple[Any, ...]]:
    """Write the read's fixed values (a status list, a kind: whatever is not an ``Arg``) into its text, leaving
    only the arguments as parameters. PostgreSQL then plans the prepared statement once for all arguments (a
    generic plan) with the values it needs to see: a partial index's ``status IN (…)`` matches only constants."""
    values = iter(params)
    kept: list[Any] = []

    def place(match: re.Match[str]) -> str:
        if match.group() == "%%":
            return "%%"
        value = next(values)
        literal = None if isinstance(value, _Slot) else _literal(value)
        if literal is None:
            kept.append(value)
            return "%s"
        return literal.replace("%", "%%")

    written = _PLACEHOLDER.sub(place, sql)
    if next(values, _END) is not _END:
        raise ValueError("a prepared read's statement has fewer placeholders than values")
    return written, tuple(kept)


_END = object()


# The descriptors that, on a new instance, only store the value in its ``__dict__`` (a file's is wrapped when read;
# a foreign key's only drops a cached object that a new instance does not have; an image's updates its dimensions
# only when it had a file before).
_STORING = (DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor, ImageFileDescriptor)


def row_loader(model: type[Model]) -> Callable[[str, Any], Any]:
    """A function ``(db, values)`` that makes the instance ``model.from_db(db, attnames, values)`` makes from a row of
    all its concrete fields in field order (a list read with the case, bianmin/cases/selectors.py).

    ``Model.__init__`` sets each value through its field's descriptor and sends ``pre_init``/``post_init``, about
    15 µs a row; when every field's descriptor only stores the value (``_STORING``), the model overrides neither
    ``__init__`` nor ``from_db``, and nothing listens to those signals, this stores the values directly (≈ 3 µs).
    Otherwise it is ``from_db`` itself; the signals are checked on every call, so a receiver connected later is
    honoured."""
    attnames = [f.attname for f in model._meta.concrete_fields]
    own_from_db: Any = model.__dict__.get("from_db") or getattr(model.from_db, "__func__", None)
    storing = (all(type(inspect.getattr_static(model, a, None)) in _STORING for a in attnames)
               and model.__init__ is Model.__init__ and own_from_db is Model.from_db.__func__)  # type: ignore[attr-defined]

    def load(db: str, values: Any) -> Any:
        if not storing or pre_init.receivers or post_init.receivers:
            return model.from_db(db, attnames, values)
        obj = Model.__new__(model)
        state = obj.__dict__["_state"] = ModelState()
        state.adding, state.db = False, db
        obj.__dict__.update(zip(attnames, values, strict=True))
        return obj

    return load


def forget_prepared(alias: str = "default") -> None:
    """Drop the reads compiled on this thread's connection ``alias`` (a test that swaps the code a read is built
    from)."""
    connections[alias].__dict__.pop(_CACHE_ATTR, None)


def _cursor(connection: Any) -> Any:
    """A cursor of ``connection`` (through Django's wrappers: query logging and execute wrappers see it). On
    PostgreSQL it binds on the server and prepares the statement on the connection, so PostgreSQL parses it once
    and may keep one plan (Django turns psycopg's automatic preparation off; only these reads use it). With
    ``BIANMIN["SERVER_PREPARED_READS"]`` off (behind a pooler without prepared-statement support) they are sent
    like Django's own statements."""
    if connection.vendor != "postgresql" or not settings.BIANMIN.get("SERVER_PREPARED_READS", True):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:  # Django's "never": psycopg then ignores prepare=True as well
        raw.prepare_threshold = _ONLY_WHEN_ASKED
        raw.prepared_max = PREPARED_MAX
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparingCursor(raw))


class Prepared:
    """A read of ``model`` built by ``build(*shape)`` as a ``values_list`` queryset with ``Arg`` placeholders."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet[Any, Any]], *, write: bool = False) -> None:
        """``write``: the read locks rows (``select_for_update``) and goes to the database writes go to."""
        self.model, self.build, self.write = model, build, write

    def rows(self, *shape: Hashable, **args: Any) -> list[tuple[Any, ...]]:
        """Run the read of this ``shape`` with ``args`` (one value per ``Arg`` name) and return its rows (a
        ``values_list`` read)."""
        _compiled, found = self._run(shape, args)
        return [tuple(row) for row in found]  # the compiler selects the columns in the order asked for

    def objects(self, *shape: Hashable, **args: Any) -> list[Any]:
        """Run the read of this ``shape`` and return model instances, with their ``select_related`` objects and
        annotations, as the queryset itself would (a read of model instances, not ``values_list``)."""
        from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

        compiled, found = self._run(shape, args)
        compiler = compiled.compiler
        klass_info, select, db = compiler.klass_info, compiler.select, compiler.using
        model_cls = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [f[0].target.attname for f in select[start:end]]
        populators = get_related_populators(klass_info, select, db)
        annotations = compiler.annotation_col_map
        out = []
        for row in found:
            obj = model_cls.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in (annotations or {}).items():
                setattr(obj, name, row[position])
            out.append(obj)
        return out

    def _run(self, shape: tuple[Hashable, ...], args: dict[str, Any]) -> tuple[_Compiled, Any]:
        connection = connections[(router.db_for_write if self.write else router.db_for_read)(self.model)]
        if self.write and not connection.in_atomic_block:
            raise TypeError("a locking read runs inside a transaction")
        cache: dict[tuple[Prepared, tuple[Hashable, ...]], _Compiled] = connection.__dict__.setdefault(_CACHE_ATTR, {})
        compiled = cache.get((self, shape))
        if compiled is None:
            compiled = cache[(self, shape)] = self._compile(shape, connection.alias)
        params = [p.value(args, connection) if type(p) is _Slot else p for p in compiled.params]
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            found: Any = cursor.fetchall()
        if compiled.converters:
            found = list(compiled.compiler.apply_converters(found, compiled.converters))
        return compiled, found

    def sql(self, *shape: Hashable) -> str:
        """Return the statement of ``shape`` (for tests and EXPLAIN)."""
        connection = connections[router.db_for_read(self.model)]
        return self._compile(shape, connection.alias).sql

    def _compile(self, shape: tuple[Hashable, ...], alias: str) -> _Compiled:
        queryset = self.build(*shape)
        if queryset._iterable_class not in (ValuesListIterable, ModelIterable):  # values_list: not flat or named
            raise TypeError("a prepared read gives model instances or values_list() rows")
        if getattr(queryset, "_known_related_objects", None) or getattr(queryset, "_prefetch_related_lookups", ()):
            raise TypeError("a prepared read does not prefetch or keep related objects")
        if queryset.query.distinct or queryset.query.extra_select:
            raise TypeError("a prepared read does not select DISTINCT or extra columns")
        if queryset.query.select_for_update and not self.write:
            raise TypeError("a locking read is declared with write=True")
        query = queryset.query
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if compiler.connection.vendor == "postgresql":
            sql, params = _inline_constants(sql, params)
        converters = compiler.get_converters([s[0] for s in compiler.select[0:compiler.col_count]])
        return _Compiled(sql=sql, params=tuple(params), compiler=compiler, converters=converters)
