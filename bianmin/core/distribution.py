"""The distribution key (decision in docs/scaling.md, "Citus"): the tables a Citus deployment would shard by county.

A case and every row that belongs to it only (its events, checklist, notices and their lines, pauses, extension,
transfers, return requests, fees, files, comments, refused 补正 attempts) carry ``county_id``, the county of the
receiving unit, copied from the case when the row is written. Each of these tables is distributed on that column and
co-located with ``cases_case``; every table they point to is a reference table (copied to every node), computed by
``reference_tables``. Everything else stays on the coordinator.

A statement is routed to one county's shard only when it says which county: ``missing_key`` finds the statements
that do not, and ``tests/test_distribution_key.py`` runs it over the SQL of the workbench, the case page, receipt,
acceptance and the sweep. The model pieces below keep ordinary ORM access keyed: ``Colocated.save`` updates with
the county in its WHERE clause, and a key between two co-located rows adds it to the queries that follow it
(``case.materials.all()``, ``notice.lines.all()``, ``event.case``, ``case.extension``).

No business rules here: the column's value is the services' business (``county_id=case.county_id``).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import models
from django.db.models.fields.related import lazy_related_operation  # type: ignore[attr-defined]
from django.db.models.fields.related_descriptors import (
    ForwardManyToOneDescriptor,
    ForwardOneToOneDescriptor,
    ReverseManyToOneDescriptor,
    ReverseOneToOneDescriptor,
)
from django.db.models.signals import class_prepared

DISTRIBUTION_COLUMN = "county_id"

# The co-location group, anchor first (``create_distributed_table(..., colocate_with => 'cases_case')``).
# ``tests/test_distribution_key.py`` checks that these are exactly the models with a ``Colocated`` county.
DISTRIBUTED_TABLES: tuple[str, ...] = (
    "cases_case",
    "cases_casematerial",
    "cases_caseevent",
    "cases_notice",
    "cases_supplementline",
    "cases_casepause",
    "cases_extension",
    "cases_transfer",
    "cases_returnrequest",
    "cases_feepayment",
    "cases_casefile",
    "cases_comment",
    "cases_refusedsupplement",
)
_DISTRIBUTED = frozenset(DISTRIBUTED_TABLES)
# Tables no distributed table points to that a distributed statement reads inside itself, so they must be reference
# tables too: the case page's read asks whether the first handler is away today (``org_absence``, small, changed
# when a leave is registered).
JOINED_REFERENCE_TABLES: tuple[str, ...] = ("org_absence",)


# ---- The model side -------------------------------------------------------------------------------------------------

class Colocated(models.Model):
    """A row of a distributed table: saving an existing row updates it with its county in the WHERE clause (what
    routes the statement to one shard), and ``refresh_from_db`` reads it the same way. Subclasses declare
    ``county`` (a key to the county region); the services fill it. A key from one such row to another (a child to
    its case) carries the county both ways (``_key_relations``)."""

    county_id: int

    class Meta:
        abstract = True

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        county = _county_of(self)
        if county is not None:
            base_qs = base_qs.filter(**{DISTRIBUTION_COLUMN: county})
        return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)

    def refresh_from_db(self, using: str | None = None, fields: Any = None, from_queryset: Any = None) -> None:
        county = _county_of(self)
        if from_queryset is None and county is not None:
            from_queryset = type(self)._base_manager.db_manager(using).filter(**{DISTRIBUTION_COLUMN: county})
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)


def _county_of(instance: Any) -> int | None:
    """Return the row's county when it is loaded (never a query: a row read with ``only()`` may defer it)."""
    return instance.__dict__.get(DISTRIBUTION_COLUMN) if instance is not None else None


class _ForwardCounty(ForwardManyToOneDescriptor):
    """``event.case``: the parent read in the child's county."""

    def get_object(self, instance: Any) -> Any:
        county = _county_of(instance)
        if county is None:
            return super().get_object(instance)
        qs = self.get_queryset(instance=instance).filter(**{DISTRIBUTION_COLUMN: county})
        return qs.get(self.field.get_reverse_related_filter(instance))


class _ForwardOneCounty(ForwardOneToOneDescriptor):
    """``extension.case``, as ``_ForwardCounty`` (one definition: its ``get_object``)."""

    def get_object(self, instance: Any) -> Any:
        if _county_of(instance) is None:
            return super().get_object(instance)
        return _ForwardCounty.get_object(self, instance)  # type: ignore[arg-type]


class _ReverseCounty(ReverseManyToOneDescriptor):
    """``case.materials``: the children read in the parent's county (a prefetch over many parents is left as
    Django builds it: those parents may lie in several counties)."""

    @cached_property
    def related_manager_cls(self) -> Any:
        base: Any = super().related_manager_cls

        class CountyRelatedManager(base):
            def _apply_rel_filters(self, queryset: Any) -> Any:
                queryset = super()._apply_rel_filters(queryset)
                county = _county_of(self.instance)
                if county is None:
                    return queryset
                deferred = getattr(queryset, "_deferred_filter", None)
                if deferred is not None and not deferred[0]:  # a plain filter (never an exclude)
                    # Django leaves the relation's filter deferred, built only when the queryset is used (a list
                    # loaded ahead, as prefetch or the case page do, never builds it); the county joins that same
                    # filter rather than forcing it now with a second ``filter()``.
                    negate, args, kwargs = deferred
                    queryset._deferred_filter = (negate, args, {**kwargs, DISTRIBUTION_COLUMN: county})
                    return queryset
                return queryset.filter(**{DISTRIBUTION_COLUMN: county})

        return CountyRelatedManager


class _ReverseOneCounty(ReverseOneToOneDescriptor):
    """``case.extension``: the one child read in the parent's county."""

    def get_queryset(self, **hints: Any) -> Any:
        queryset = super().get_queryset(**hints)
        county = _county_of(hints.get("instance"))
        return queryset.filter(**{DISTRIBUTION_COLUMN: county}) if county is not None else queryset


def _key_relations(sender: type[models.Model], **_kwargs: Any) -> None:
    """When a co-located model is ready, make each of its keys to another co-located model (a child to its case, a
    补正 line to its notice) add the county to the queries that follow it, either way. The keys stay plain
    ``ForeignKey`` / ``OneToOneField`` fields (migrations and type checks see nothing new); only the descriptors
    that build the queries change, once Django has resolved the relation (it sets the reverse one then)."""
    if not issubclass(sender, Colocated) or sender._meta.abstract:
        return
    for field in sender._meta.local_fields:
        if field.is_relation and field.remote_field and (field.many_to_one or field.one_to_one):
            lazy_related_operation(functools.partial(_install, field=field), sender, field.remote_field.model)


def _install(model: type[models.Model], target: type[models.Model], *, field: Any) -> None:
    if not issubclass(target, Colocated):
        return  # the county itself (a region), staff, users, the catalogue: reference tables
    one = bool(field.one_to_one)
    setattr(model, field.name, (_ForwardOneCounty if one else _ForwardCounty)(field))
    related = field.remote_field
    if not related.hidden:
        reverse = (_ReverseOneCounty if one else _ReverseCounty)(related)
        setattr(target._meta.concrete_model, related.get_accessor_name(), reverse)


class_prepared.connect(_key_relations, dispatch_uid="bianmin.core.distribution.key_relations")


# ---- The placement of every table ------------------------------------------------------------------------------------

def reference_tables(models_: Iterable[type[models.Model]] | None = None) -> list[str]:
    """Return the tables that must be reference tables: every table a distributed table points to, the tables a
    distributed statement reads inside itself (``JOINED_REFERENCE_TABLES``), and what those point to in turn (a
    reference table may point only to reference tables), sorted.

    Raises ValueError naming a reference table that points back into a distributed one (Citus refuses it)."""
    from django.apps import apps

    by_table = {m._meta.db_table: m for m in (models_ or apps.get_models(include_auto_created=True))}
    found: set[str] = {t for t in JOINED_REFERENCE_TABLES if t in by_table}
    todo = [by_table[t] for t in (*DISTRIBUTED_TABLES, *JOINED_REFERENCE_TABLES) if t in by_table]
    while todo:
        model = todo.pop()
        for field in model._meta.concrete_fields:
            if not (field.is_relation and field.remote_field and getattr(field, "db_constraint", True)):
                continue
            target = field.remote_field.model._meta.db_table
            if target in _DISTRIBUTED:
                if model._meta.db_table not in _DISTRIBUTED:
                    raise ValueError(f"reference table {model._meta.db_table} points to distributed {target}")
                continue
            if target not in found:
                found.add(target)
                todo.append(by_table[target])
    return sorted(found)


def citus_statements(references: Iterable[str]) -> list[str]:
    """Return the SQL that places the tables on a Citus cluster (run once on the coordinator, after migrate)."""
    out = [f"SELECT create_reference_table('{t}');" for t in references]
    anchor, *colocated = DISTRIBUTED_TABLES
    out.append(f"SELECT create_distributed_table('{anchor}', '{DISTRIBUTION_COLUMN}');")
    out += [f"SELECT create_distributed_table('{t}', '{DISTRIBUTION_COLUMN}', colocate_with => '{anchor}');"
            for t in colocated]
    return out


# ---- The statement check ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Unkeyed:
    """A distributed table named in a statement without the county that routes it."""

    table: str
    sql: str

    def __str__(self) -> str:
        # The column list of a wide SELECT says nothing about routing: shown as "…".
        return f"{self.table}: {_SELECT_LIST.sub('SELECT … FROM', self.sql)}"


_SELECT_LIST = re.compile(r'SELECT (?:(?!\bFROM\b)[^()])+ FROM', re.S)


_SKIP = {"Token.Text.Whitespace", "Token.Text.Whitespace.Newline", "Token.Newline", "Token.Comment.Single",
         "Token.Comment.Multiline"}
_NOT_ALIAS = {"WHERE", "ON", "SET", "ORDER", "GROUP", "LIMIT", "OFFSET", "VALUES", "RETURNING", "FOR", "UNION",
              "HAVING", "WINDOW", "USING", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "JOIN", "AS",
              "DEFAULT", "SELECT", "EXCEPT", "INTERSECT"}


def _tokens(sql: str) -> list[tuple[str, str]]:
    """Return the statement's meaningful tokens as (type, text): no whitespace or comments, every string literal
    reduced to ``''`` (a literal's text, such as an event's opinion, never counts as SQL)."""
    from sqlparse import lexer

    out = []
    for ttype, value in lexer.tokenize(sql):
        kind = str(ttype)
        if kind in _SKIP:
            continue
        if kind.startswith("Token.Literal.String.Single"):
            out.append(("literal", "''"))
        elif kind == "Token.Literal.String.Symbol":
            out.append(("name", value.strip('"').lower()))
        elif kind.startswith("Token.Keyword") or kind == "Token.Name.Builtin":
            out.append(("keyword", " ".join(value.upper().split())))
        elif kind == "Token.Name":
            out.append(("name", value.lower()))
        else:
            out.append((kind, value))
    return out


def _is_ref_keyword(tokens: list[tuple[str, str]], i: int) -> bool:
    kind, text = tokens[i]
    if kind != "keyword":
        return False
    if text in ("FROM", "INTO") or text.endswith("JOIN"):
        return True
    # UPDATE names a table unless it ends a locking clause (FOR UPDATE [OF …] [SKIP LOCKED])
    return text == "UPDATE" and not (i > 0 and tokens[i - 1] == ("keyword", "FOR"))


def _references(tokens: list[tuple[str, str]]) -> Iterator[tuple[str, str, int]]:
    """Yield (table, qualifier, index) for each distributed table the statement names after FROM, JOIN, UPDATE or
    INTO: the qualifier is its alias (Django's ``U0``, ``T3``) or its own name."""
    for i in range(len(tokens) - 1):
        if not _is_ref_keyword(tokens, i):
            continue
        kind, table = tokens[i + 1]
        if kind != "name" or table not in _DISTRIBUTED:
            continue
        if i + 2 < len(tokens) and tokens[i + 2][1] == ".":
            continue  # "IS DISTINCT FROM t.col": a column, not a table
        qualifier, j = table, i + 2
        if j < len(tokens) and tokens[j] == ("keyword", "AS"):
            j += 1
        if j < len(tokens) and tokens[j][0] == "name" and tokens[j][1].upper() not in _NOT_ALIAS:
            qualifier = tokens[j][1]
        yield table, qualifier, i + 1


def _inserted_columns(tokens: list[tuple[str, str]], at: int) -> set[str]:
    """Return the column list of ``INSERT INTO table (…)`` whose table token is at ``at``."""
    if at + 1 >= len(tokens) or tokens[at + 1][1] != "(":
        return set()
    columns, depth = set(), 0
    for kind, text in tokens[at + 1:]:
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth == 0:
                break
        elif kind == "name" and depth == 1:
            columns.add(text)
    return columns


def _is_column(tokens: list[tuple[str, str]], j: int) -> bool:
    """Whether the operand starting at ``j`` is a column (``t."col"`` or a bare name), not a value."""
    return 0 <= j < len(tokens) and tokens[j][0] == "name"


def _keyed_qualifiers(tokens: list[tuple[str, str]]) -> tuple[set[str], bool]:
    """Return the qualifiers whose ``county_id`` is compared with ``=`` or ``IN`` somewhere (``""`` for a bare
    column), and whether any of those comparisons is with a value (a number, a parameter, a list) rather than
    only with another table's county."""
    keyed: set[str] = set()
    valued = False
    for i, (kind, text) in enumerate(tokens):
        if kind != "name" or text != DISTRIBUTION_COLUMN:
            continue
        qualified = i >= 2 and tokens[i - 1][1] == "." and tokens[i - 2][0] == "name"
        qualifier = tokens[i - 2][1] if qualified else ""
        start = i - 2 if qualified else i
        if i + 1 < len(tokens) and tokens[i + 1][1] in ("=", "IN"):  # county_id = x / county_id IN (…)
            keyed.add(qualifier)
            j = i + 2
            while j < len(tokens) and tokens[j][1] == "(":
                j += 1
            valued = valued or tokens[i + 1][1] == "IN" or not _is_column(tokens, j)
            continue
        k = start - 1
        while k >= 0 and tokens[k][1] == "(":
            k -= 1
        if k >= 0 and tokens[k][1] == "=":  # x = county_id
            keyed.add(qualifier)
            operand = k - 1
            if operand >= 2 and tokens[operand][0] == "name" and tokens[operand - 1][1] == ".":
                operand -= 2
            valued = valued or not (_is_column(tokens, operand) or tokens[operand][1] == ")")
    return keyed, valued


def missing_key(sql: str) -> list[Unkeyed]:
    """Return the distributed tables that ``sql`` reads or writes without saying the county.

    A table is keyed when its rows are chosen by ``<it>.county_id = …`` or ``<it>.county_id IN (…)`` (or, joined
    to another keyed table, ``<it>.county_id = <other>.county_id``), and at least one of the comparisons is with a
    value; an INSERT is keyed when it writes the column. A bare ``county_id`` counts only in a statement that names
    a single distributed table. Refuses nothing: it reports.
    """
    tokens = _tokens(sql)
    refs = list(_references(tokens))
    if not refs:
        return []
    keyed, valued = _keyed_qualifiers(tokens)
    missing = []
    for table, qualifier, at in refs:
        if at >= 1 and tokens[at - 1] == ("keyword", "INTO"):
            if DISTRIBUTION_COLUMN not in _inserted_columns(tokens, at):
                missing.append(Unkeyed(table, sql))
            continue
        ok = qualifier in keyed or (len(refs) == 1 and "" in keyed)
        if not (ok and valued):
            missing.append(Unkeyed(table, sql))
    return missing
