"""The COPY text of the tables seed_volume fills, with each table's column list derived from its model.

A generator writes the columns it knows, in its own order; every other concrete field of the model is written with
the field's default. A field with neither (a new NOT NULL column such as a foreign key) raises ``MissingColumn``, so
a column added to a model later is never silently left out of the bulk load.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import models

NULL = "\\N"
_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_ESCAPED = re.compile(r"\\(.)")


class MissingColumn(Exception):
    """A column that has no default and that the generator does not write."""


def esc(value: str) -> str:
    """Return ``value`` escaped for PostgreSQL's COPY text format."""
    return _SPECIAL.sub(lambda m: _ESCAPES[m.group()], value) if _SPECIAL.search(value) else value


def unesc(cell: str) -> str:
    """Return the text a COPY text field stands for (the inverse of ``esc``)."""
    return _ESCAPED.sub(lambda m: _UNESCAPES.get(m.group(1), m.group(1)), cell) if "\\" in cell else cell


def text(value: Any) -> str:
    """Return a Python value as a COPY text field (``\\N`` for None)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        return esc(json.dumps(value, ensure_ascii=False))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return esc(str(value))


@dataclass(frozen=True)
class TableFormat:
    """How the lines of one table are written: the generator's columns, then the defaults (``tail``)."""

    model: type[models.Model]
    columns: tuple[str, ...]  # attnames the generator writes, in its order
    defaults: tuple[str, ...]  # attnames written with the field's default, after them
    tail: str  # those defaults as COPY text ("\t"-prefixed) and the line's end
    scope: tuple[str, ...]  # the unit's columns among ``columns`` (unit, unit path, county), filled per unit

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def db_columns(self) -> list[str]:
        fields = {f.attname: f for f in self.model._meta.concrete_fields}
        return [fields[name].column for name in (*self.columns, *self.defaults)]

    def copy_sql(self, quote) -> str:
        """Return the COPY statement (``quote`` quotes an identifier; the names come from the model)."""
        return f"COPY {quote(self.table)} ({', '.join(quote(c) for c in self.db_columns())}) FROM STDIN"

    def db_rows(self, connection, data: str) -> list[list[Any]]:
        """Return the lines of ``data`` as rows of database values for ``connection`` (SQLite's path).

        Text, encrypted and JSON columns are stored as written (the ciphertext and the JSON text are already what
        the column holds); other columns go through the field's own conversion."""
        fields = {f.attname: f for f in self.model._meta.concrete_fields}
        converters = [_converter(fields[name], connection) for name in (*self.columns, *self.defaults)]
        rows = []
        for line in data.split("\n"):
            if line:
                rows.append([convert(cell) for convert, cell in zip(converters, line.split("\t"), strict=True)])
        return rows


def _converter(field: models.Field, connection):
    as_written = isinstance(field, models.CharField | models.TextField | models.JSONField)

    def convert(cell: str) -> Any:
        if cell == NULL:
            return None
        value = unesc(cell)
        return value if as_written else field.get_db_prep_save(field.to_python(value), connection)

    return convert


def table_format(model: type[models.Model], columns: tuple[str, ...], *,
                 scope_candidates: tuple[str, ...] = ()) -> TableFormat:
    """Return the format of ``model``'s lines: ``columns`` (attnames), then each of ``scope_candidates`` the model
    has, written by the generator from the case's unit, then every other concrete field's default. An
    auto-incremented primary key not in ``columns`` is left to the database.

    Raises MissingColumn for a field that is in neither list and has no default (nor allows NULL)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    scope = tuple(name for name in scope_candidates if name in fields and name not in columns)
    written = (*columns, *scope)
    unknown = [name for name in written if name not in fields]
    if unknown:
        raise ValueError(f"{model._meta.db_table} has no column {', '.join(unknown)}")
    defaults, tail = [], []
    for name, field in fields.items():
        if name in written or (field.primary_key and isinstance(field, models.AutoField | models.BigAutoField)):
            continue
        value = field.get_default()
        if value is None and not field.null:
            raise MissingColumn(f"{model._meta.db_table}.{field.column}")
        defaults.append(name)
        tail.append("\t" + text(value))
    return TableFormat(model=model, columns=written, defaults=tuple(defaults), tail="".join(tail) + "\n",
                       scope=scope)
