"""Sequence numbers per scope (a unit and day, a notice prefix and year) that never hold a lock to commit.

On PostgreSQL each scope has a counter row (created once, race-safely) and a database sequence named after the
row's id; ``nextval`` never waits for other transactions, so concurrent receipts of one unit no longer queue
behind each other. A rolled-back transaction leaves a gap in its scope (docs/decisions/0010). Elsewhere
(SQLite) the counter row is locked and incremented in the caller's transaction: gap-free, and SQLite
serialises writers anyway.
"""
from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from .prepared import _cursor


def next_value(model, **lookup: Any) -> int:
    """Return the next number of the scope ``lookup`` of counter ``model``.

    ``model`` has a ``last`` integer field and a unique constraint over the lookup fields. Call inside the
    transaction that uses the number.
    """
    return next_values(model, [lookup])[0]


def next_values(model, lookups: list[dict[str, Any]]) -> list[int]:
    """Return the next number of each scope in ``lookups`` (distinct scopes), in one statement on PostgreSQL."""
    if connection.vendor == "postgresql":
        return _next_from_sequences(model, lookups)
    return [_next_from_row(model, lookup) for lookup in lookups]


def _next_from_row(model, lookup: dict[str, Any]) -> int:
    counter = model.objects.select_for_update().filter(**lookup).first()
    if counter is None:
        try:
            with transaction.atomic():
                model.objects.create(**lookup, last=0)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        counter = model.objects.select_for_update().get(**lookup)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _prefix(model) -> str:
    return f"{model._meta.db_table}_seq_"


def sequence_name(model, pk: int) -> str:
    """Return the name of the PostgreSQL sequence of the counter row ``pk``."""
    return f"{_prefix(model)}{int(pk)}"


def _scope_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "last")]


def _key(model, values: dict[str, Any]) -> tuple:
    return tuple(values[f] for f in _scope_fields(model))


def _normalised(model, lookup: dict[str, Any]) -> dict[str, Any]:
    """Return ``lookup`` keyed by column attnames (``unit`` -> ``unit_id``)."""
    out = {}
    for name, value in lookup.items():
        field = model._meta.get_field(name)
        out[field.attname] = getattr(value, "pk", value) if field.is_relation else value
    return out


def _draw(model, lookups: list[dict[str, Any]]) -> dict[tuple, tuple[int, int, int | None]]:
    """Return {scope key: (row id, last, next value or None when the row has no sequence yet)}.

    Written as SQL: it runs for every case and notice number, and the ORM's query building cost about as much as
    the statement itself (issue 16)."""
    prefix = _prefix(model)
    fields = _scope_fields(model)
    quote = connection.ops.quote_name
    scopes: list[str] = []
    params: list[Any] = []
    for lookup in lookups:
        values = _normalised(model, lookup)
        scopes.append("(" + " AND ".join(f"{quote(f)} = %s" for f in fields) + ")")
        params.extend(values[f] for f in fields)
    # Only the table-derived names and the row id enter the statement; the scope values are parameters.
    sql = (
        f"SELECT id, last, CASE WHEN to_regclass('{prefix}' || id) IS NULL THEN NULL "  # noqa: S608
        f"ELSE nextval(to_regclass('{prefix}' || id)) END, {', '.join(quote(f) for f in fields)} "
        f"FROM {quote(model._meta.db_table)} WHERE {' OR '.join(scopes)}")
    with _cursor(connection) as cursor:  # prepared: parsed and planned once per connection and shape
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {tuple(row[3:]): (row[0], row[1], row[2]) for row in rows}


def _next_from_sequences(model, lookups: list[dict[str, Any]]) -> list[int]:
    keys = [_key(model, _normalised(model, lookup)) for lookup in lookups]
    drawn = _draw(model, lookups)
    missing = [lookup for lookup, key in zip(lookups, keys, strict=True) if key not in drawn]
    if missing:
        for lookup in missing:
            _create_scope(model, lookup)
        drawn.update(_draw(model, missing))
    values = []
    for key in keys:
        pk, _last, value = drawn[key]
        values.append(value if value is not None else _adopt(model, pk))
    return values


def _create_scope(model, lookup: dict[str, Any]) -> None:
    """Create the counter row of a new scope with its sequence (a concurrent creator waits, then uses ours)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            row = model.objects.create(**lookup, last=0)
            quoted = connection.ops.quote_name(sequence_name(model, row.pk))
            cursor.execute(f"DROP SEQUENCE IF EXISTS {quoted}")  # left over from a table emptied without it
            cursor.execute(f"CREATE SEQUENCE {quoted} START WITH 1")
    except IntegrityError:
        pass


def _adopt(model, pk: int) -> int:
    """Give a row numbered before sequences were used its sequence (after its last number) and draw from it."""
    last = model.objects.select_for_update().values_list("last", flat=True).get(pk=pk)
    name = sequence_name(model, pk)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {connection.ops.quote_name(name)} START WITH {int(last) + 1}")
        cursor.execute("SELECT nextval(%s::regclass)", [name])
        return cursor.fetchone()[0]


def _sequence_positions(model) -> dict[int, tuple[str, int]]:
    """Return {row id: (sequence name, last number drawn)} for the rows of ``model`` that have a sequence."""
    prefix = _prefix(model)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sequencename, COALESCE(last_value, 0) FROM pg_sequences "
                       "WHERE schemaname = current_schema() AND sequencename LIKE %s", [prefix + "%"])
        return {int(name[len(prefix):]): (name, drawn) for name, drawn in cursor.fetchall()
                if name[len(prefix):].isdigit()}


def _sequence_names(model) -> dict[int, str]:
    """Return {row id: sequence name} from the catalogue alone: unlike ``pg_sequences``, which opens every sequence
    to read its position, this cannot fail on a sequence another node drops meanwhile."""
    prefix = _prefix(model)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'S' "
                       "AND relnamespace = current_schema()::regnamespace AND relname LIKE %s", [prefix + "%"])
        return {int(name[len(prefix):]): name for (name,) in cursor.fetchall() if name[len(prefix):].isdigit()}


def settle_counters(model) -> None:
    """Write each scope's sequence position back into its counter row (before numbering in bulk)."""
    if connection.vendor != "postgresql":
        return
    for pk, (_name, drawn) in _sequence_positions(model).items():
        model.objects.filter(pk=pk, last__lt=drawn).update(last=drawn)


def advance_sequences(model) -> None:
    """Move each scope's sequence past its counter row's ``last`` (after numbering in bulk)."""
    if connection.vendor != "postgresql":
        return
    positions = _sequence_positions(model)
    lasts = dict(model.objects.filter(pk__in=positions).values_list("pk", "last"))
    with connection.cursor() as cursor:
        for pk, (name, drawn) in positions.items():
            if pk in lasts and lasts[pk] > drawn:
                cursor.execute("SELECT setval(%s::regclass, %s)", [name, lasts[pk]])


def retire_sequences(model, scope: Q) -> int:
    """Write the position of the sequence of each scope matching ``scope`` into its row and drop the sequence;
    return how many were dropped.

    For scopes that are over (a past day's case numbers), so sequences do not pile up: one per unit and day
    would be ~36,000 a year in a county. Each scope is retired in its own transaction holding its counter row
    (another node retiring at the same time skips it) and its sequence (``ALTER SEQUENCE`` waits for
    transactions that drew from it and holds off new draws until the drop). Should a number of a retired scope
    still be drawn, ``_adopt`` gives it a new sequence after the row's ``last``.
    """
    if connection.vendor != "postgresql":
        return 0
    names = _sequence_names(model)
    pks = list(model.objects.filter(scope, pk__in=list(names)).values_list("pk", flat=True))
    retired = 0
    for pk in pks:
        name = names[pk]
        quoted = connection.ops.quote_name(name)
        with transaction.atomic(), connection.cursor() as cursor:
            if model.objects.select_for_update(skip_locked=True).filter(pk=pk).values_list("pk").first() is None:
                continue  # another node is retiring it
            # A catalogue query sees a drop committed by another node; to_regclass() may answer from a stale cache.
            cursor.execute("SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = %s "
                           "AND relnamespace = current_schema()::regnamespace", [name])
            if cursor.fetchone() is None:
                continue  # already retired
            cursor.execute(f"ALTER SEQUENCE {quoted} NO CYCLE")  # no-op that takes the sequence's lock
            cursor.execute(f"SELECT last_value, is_called FROM {quoted}")  # noqa: S608 - a name we made
            last_value, is_called = cursor.fetchone()
            drawn = last_value if is_called else last_value - 1
            model.objects.filter(pk=pk, last__lt=drawn).update(last=drawn)
            cursor.execute(f"DROP SEQUENCE IF EXISTS {quoted}")
        retired += 1
    return retired
