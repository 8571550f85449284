"""Sequence numbers per scope (a unit and day, a notice prefix and year) that never hold a lock to commit.

On PostgreSQL each scope has a counter row (created once, race-safely) and a database sequence named after it;
``nextval`` never waits for other transactions, so concurrent receipts of one unit no longer queue behind each
other. A rolled-back transaction leaves a gap in its scope (decision 0010). Elsewhere (SQLite) the counter row
is locked and incremented in the caller's transaction: gap-free, and SQLite serialises writers anyway.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL

_NEXTVAL = "CASE WHEN to_regclass(%s) IS NULL THEN NULL ELSE nextval(to_regclass(%s)) END"


def next_value(model, **lookup: Any) -> int:
    """Return the next number of the scope ``lookup`` of counter ``model``.

    ``model`` has a ``last`` integer field and a unique constraint over the lookup fields. Call inside the
    transaction that uses the number.
    """
    if connection.vendor == "postgresql":
        return _next_from_sequence(model, lookup)
    return _next_from_row(model, lookup)


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


def sequence_name(model, **lookup: Any) -> str:
    """Return the name of the PostgreSQL sequence of one scope (lower case, at most 63 characters)."""
    parts = [str(getattr(value, "pk", value)) for _key, value in sorted(lookup.items())]
    name = re.sub(r"[^a-z0-9_]", "", f"{model._meta.db_table}_seq_{'_'.join(parts)}".lower().replace("-", ""))
    if len(name) > 63:
        name = f"{name[:46]}_{hashlib.sha256(name.encode()).hexdigest()[:16]}"
    return name


def _with_next(qs, name: str):
    """Return (last, next value of the scope's sequence or None when it has none) in one statement."""
    return qs.annotate(_next=RawSQL(_NEXTVAL, (name, name))).values_list("last", "_next")  # noqa: S611 bound


def _next_from_sequence(model, lookup: dict[str, Any]) -> int:
    name = sequence_name(model, **lookup)
    quoted = connection.ops.quote_name(name)
    qs = model.objects.filter(**lookup)
    row = _with_next(qs, name).first()
    if row is None:
        # First number of the scope: the row and its sequence are created together (a stale sequence left by a
        # deleted row is replaced). A concurrent creator waits on the row's unique key, then uses ours.
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                model.objects.create(**lookup, last=0)
                cursor.execute(f"DROP SEQUENCE IF EXISTS {quoted}")
                cursor.execute(f"CREATE SEQUENCE {quoted} START WITH 1")
        except IntegrityError:
            pass
        row = _with_next(qs, name).get()
    if row[1] is not None:
        return row[1]
    # A row numbered before sequences were used: continue after its last number, once, under its lock.
    last = qs.select_for_update().values_list("last", flat=True).get()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {quoted} START WITH {int(last) + 1}")
        cursor.execute("SELECT nextval(%s::regclass)", [name])
        return cursor.fetchone()[0]


def _sequence_positions(model) -> dict[int, tuple[str, int]]:
    """Return {row id: (sequence name, last number drawn)} for the rows of ``model`` that have a sequence."""
    prefix = f"{model._meta.db_table}_seq_"
    with connection.cursor() as cursor:
        cursor.execute("SELECT sequencename, COALESCE(last_value, 0) FROM pg_sequences "
                       "WHERE schemaname = current_schema() AND sequencename LIKE %s", [prefix + "%"])
        drawn = dict(cursor.fetchall())
    if not drawn:
        return {}
    fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "last")]
    out = {}
    for row in model.objects.all():
        name = sequence_name(model, **{f: getattr(row, model._meta.get_field(f).attname) for f in fields})
        if name in drawn:
            out[row.pk] = (name, drawn[name])
    return out


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
            if lasts[pk] > drawn:
                cursor.execute("SELECT setval(%s::regclass, %s)", [name, lasts[pk]])
