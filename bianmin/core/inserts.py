"""Inserts of new model instances through a statement compiled once per connection and prepared on the server
(issue 16 item 1).

``bulk_create`` and ``save(force_insert=True)`` build their INSERT on every call: Django compiles the text of every
column and row, the driver quotes each value into that text, and PostgreSQL parses and plans it again. For the six
inserts of a 收件并受理 (the case's 73 columns, its checklist, notices, history, audit rows and SMS) that was about a
quarter of the request's CPU. ``insert_rows`` writes the same rows with the same effects on the instances: the
statement of a model and a number of rows is compiled by Django's own insert compiler once per connection (the
cursor of ``core.prepared``: bound and prepared on the server), and each call computes the values as that compiler
does — each field's ``pre_save(obj, add=True)`` then ``get_db_prep_save`` — and sends them as parameters.

``insert_rows(objs)`` is ``Model.objects.bulk_create(objs)``: no signals; the related objects checked and their ids
taken as ``bulk_create`` does; the primary keys (and any other column the database returns) set from ``RETURNING``;
``_state.adding`` False and ``_state.db`` set. ``insert_row(obj)`` is ``obj.save(force_insert=True)`` for a model
without ``pre_save``/``post_save`` receivers (for one with receivers it calls ``save``, so they are sent).

Django's own path is taken instead on SQLite, with ``BIANMIN["SERVER_PREPARED_READS"]`` off (a pooler without
prepared statements), for an instance that already has a primary key, a model whose primary key is not an auto
field, a multi-table model, a model whose ``save`` (or its default manager's ``bulk_create``) is its own, a value
that is an expression (``F()``, ``Now()``, a database default), or a field with a placeholder of its own.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import AutoField, Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

from .prepared import _ONLY_WHEN_ASKED, PREPARED_MAX
from .prepared import _cursor as _preparing_cursor

_CACHE_ATTR = "_bianmin_inserts"  # on each connection wrapper (one per thread): {(model, rows): _Insert}

try:  # PostgreSQL's driver; SQLite needs none of this
    from psycopg._queries import PostgresQuery, _query2pg_nocache

    from .prepared import _PreparingCursor

    class _KeptQuery(PostgresQuery):
        """A statement whose conversion to PostgreSQL's ``$n`` placeholders is kept per process. psycopg keeps it
        only for statements of at most 50 parameters; a case's insert has 73, its checklist's 66, and converting
        them again cost more than half as much as compiling them (a private part of psycopg: should it change,
        ``_cursor`` gives the plain preparing cursor)."""

        _kept: dict[tuple[bytes, str], Any] = {}  # shared by the process: a few statements

        def convert(self, query: Any, vars: Any) -> None:
            query = self._ensure_bytes(query)
            key = (query, self._tx.encoding)
            parts = self._kept.get(key)
            if parts is None:
                parts = self._kept[key] = _query2pg_nocache(query, self._tx.encoding)
            self.query, self._want_formats, self._order, self._parts = parts
            self.dump(vars)

    class _InsertCursor(_PreparingCursor):
        _query_cls = _KeptQuery

    _KEEPS = all(hasattr(PostgresQuery, name) for name in ("_ensure_bytes", "dump", "convert"))
except ImportError:  # pragma: no cover
    _KEEPS = False


def _cursor(connection: Any) -> Any:
    """``core.prepared``'s cursor (bound and prepared on the server, through Django's wrappers), with each
    statement's conversion kept."""
    if not _KEEPS:
        return _preparing_cursor(connection)
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:  # as core.prepared: psycopg prepares exactly what is run with prepare=True
        raw.prepare_threshold = _ONLY_WHEN_ASKED
        raw.prepared_max = PREPARED_MAX
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_InsertCursor(raw))


@dataclass(frozen=True, slots=True)
class _Insert:
    sql: str
    fields: tuple[Any, ...]
    returning: tuple[Any, ...]
    compiler: Any
    converters: dict[int, Any]


def _plain(model: type[Model], connection: Any, *, bulk: bool) -> bool:
    """Whether this module inserts ``model``'s rows on ``connection`` (else Django's own path)."""
    return (connection.vendor == "postgresql" and bool(settings.BIANMIN.get("SERVER_PREPARED_READS", True))
            and connection.features.can_return_rows_from_bulk_insert
            and (_bulk_creates_plainly(model) if bulk else _saves_plainly(model)))


@functools.cache
def _saves_plainly(model: type[Model]) -> bool:
    """Whether ``model`` saves a new row as Django's own models do: no parent table, and neither ``save`` nor what
    it calls to insert (``save_base``, ``_save_table``, ``_do_insert``) replaced."""
    return (_keyed_plainly(model) and all(getattr(model, name) is getattr(Model, name)
                                          for name in ("save", "save_base", "_save_table", "_do_insert")))


@functools.cache
def _bulk_creates_plainly(model: type[Model]) -> bool:
    """Whether ``model``'s default manager bulk-creates as Django's own: no parent table, neither the manager's nor
    its queryset's ``bulk_create`` replaced (a manager made from a queryset class wraps its methods)."""
    manager = model._default_manager
    return (_keyed_plainly(model)
            and getattr(manager, "_queryset_class", QuerySet).bulk_create is QuerySet.bulk_create
            and getattr(type(manager).bulk_create, "__wrapped__", None) is QuerySet.bulk_create)


def _keyed_plainly(model: type[Model]) -> bool:
    """No parent table, and a primary key the database numbers (an auto field: nothing to fill in before)."""
    return not model._meta.parents and isinstance(model._meta.pk, AutoField)


def insert_row(obj: Model) -> None:
    """Insert the new instance ``obj`` as ``obj.save(force_insert=True)`` would (see the module's text)."""
    model = type(obj)
    if (pre_save.has_listeners(model) or post_save.has_listeners(model)
            or not _plain(model, connections[router.db_for_write(model, instance=obj)], bulk=False)):
        obj.save(force_insert=True)
        return
    cast(Any, obj)._prepare_related_fields_for_save(operation_name="save")
    _insert([obj], bulk=False)


def insert_rows(objs: Sequence[Model]) -> None:
    """Insert the new instances ``objs`` of one model in one statement, as ``bulk_create(objs)`` would (see the
    module's text)."""
    if not objs:
        return
    model = type(objs[0])
    if not _plain(model, connections[router.db_for_write(model)], bulk=True):
        model._default_manager.bulk_create(objs)
        return
    for obj in objs:
        cast(Any, obj)._prepare_related_fields_for_save(operation_name="bulk_create")
    _insert(objs, bulk=True)


def _insert(objs: Sequence[Model], *, bulk: bool) -> None:
    model = type(objs[0])
    alias = router.db_for_write(model) if bulk else router.db_for_write(model, instance=objs[0])
    connection = connections[alias]
    fields = _fields(model)
    if any(cast(Any, obj)._is_pk_set() or type(obj) is not model for obj in objs):
        _django(objs, bulk=bulk)
        return
    # The values as SQLInsertCompiler computes them: prepare_value(field, pre_save_val(field, obj)).
    params = []
    for obj in objs:
        for field in fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):  # an expression is compiled into the statement
                _django(objs, bulk=bulk)
                return
            params.append(field.get_db_prep_save(value, connection=connection))
    cache: dict[tuple[type[Model], int], _Insert | None] = connection.__dict__.setdefault(_CACHE_ATTR, {})
    key = (model, len(objs))
    if key not in cache:
        cache[key] = _compile(model, objs, fields, alias)
    compiled = cache[key]
    if compiled is None:  # a field with a placeholder of its own: Django's path, always
        _django(objs, bulk=bulk)
        return
    # As bulk_create's atomic block and save_base do: an error inside a transaction marks it for rollback.
    with transaction.mark_for_rollback_on_error(using=alias), _cursor(connection) as cursor:
        cursor.execute(compiled.sql, params)
        rows: Any = cursor.fetchall()
    if compiled.converters:
        rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
    for obj, row in zip(objs, rows, strict=True):
        for value, field in zip(row, compiled.returning, strict=True):
            setattr(obj, field.attname, value)
        state: ModelState = obj._state
        state.adding, state.db = False, alias


@functools.cache
def _fields(model: type[Model]) -> tuple[Any, ...]:
    """The columns an insert of ``model`` without a primary key writes, as ``bulk_create`` lists them."""
    return tuple(f for f in model._meta.concrete_fields if not f.generated and not isinstance(f, AutoField))


def _django(objs: Sequence[Model], *, bulk: bool) -> None:
    if bulk:
        type(objs[0])._default_manager.bulk_create(objs)
    else:
        objs[0].save(force_insert=True)


def _compile(model: type[Model], objs: Sequence[Model], fields: tuple[Any, ...], alias: str) -> _Insert | None:
    """The INSERT of ``len(objs)`` rows of ``model``, as Django's compiler writes it (values as placeholders)."""
    if any(hasattr(f, "get_placeholder") for f in fields):
        return None
    query = InsertQuery(model)
    # raw: the text only is kept, so the fields' pre_save (run by the caller for the values) is not run again
    query.insert_values(list(fields), list(objs), raw=True)
    compiler = query.get_compiler(using=alias)
    returning = tuple(model._meta.db_returning_fields)
    compiler.returning_fields = returning
    (sql, params), *more = compiler.as_sql()
    if more or len(params) != len(objs) * len(fields) or sql.replace("%%", "").count("%s") != len(params):
        return None
    converters = compiler.get_converters([f.get_col(model._meta.db_table) for f in returning])
    return _Insert(sql=sql, fields=tuple(fields), returning=returning, compiler=compiler, converters=converters)


def forget_inserts(alias: str = "default") -> None:
    """Drop the inserts compiled on this thread's connection ``alias``."""
    connections[alias].__dict__.pop(_CACHE_ATTR, None)


__all__ = ["forget_inserts", "insert_row", "insert_rows"]
