"""Reads of cases: workbench, search, detail, approvals, class counts, public lookup."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DateField, Exists, Expression, F, Field, OuterRef, Q, QuerySet
from django.utils import timezone

from bianmin.core.distribution import DISTRIBUTION_COLUMN
from bianmin.core.errors import NotFound
from bianmin.core.prepared import Arg, ArgList, Prepared, row_loader
from bianmin.org.models import Post, StaffProfile
from bianmin.org.policies import staff_profile_of
from bianmin.org.selectors import absences_on, absent_staff_ids

from .lookup_chars import HasChars
from .models import Case, CaseEvent, CaseMaterial, Notice, Transfer, TransferStatus
from .policies import case_scope, scoped_cases, visible_cases
from .warnings import Warning
from .workflow import RUNNING, CaseClass, Status

if TYPE_CHECKING:
    from bianmin.users.types import AnyUser
    from bianmin.workdays.engine import WorkCalendar

    from .models import Extension, ReturnRequest

LIST_FIELDS = ("item_version__item", "unit__region", "first_handler")
# The columns the workbench tables and their deadline warnings read: loading whole rows (the item version's
# long texts included) cost more than the queries themselves.
DESK_RELATED = ("item_version", "unit__region", "first_handler")
DESK_FIELDS = ("number", "county_id", "status", "urgent", "applicant_name", "received_at", "intake_deadline",
               "committed_deadline", "committed_due_at", "committed_days", "deadline_provisional",
               "deadline_changed_at", "item_version__name", "item_version__committed_limit", "unit__region__code",
               "unit__region__path", "unit__region__level", "first_handler__name", "first_handler__user_id")


# The A's a staff member backs up (their posts' B role): a prepared read (bianmin/core/prepared.py).
_BACKED_UP = Prepared(Post, lambda: Post.objects.filter(b_staff_id=Arg("me")).values_list("a_staff_id"))


def _handlers_for(profile: StaffProfile, today: dt.date) -> list[int]:
    """Return the staff whose cases ``profile`` answers for today: themselves and the absent A's they back up."""
    backs = [a for (a,) in _BACKED_UP.rows(me=profile.pk) if a is not None]
    acting_for = absent_staff_ids(backs, today) if backs else set()
    return [profile.pk, *sorted(acting_for)]


def _workbench_of(county: Any, path: Any, handlers: Any) -> QuerySet[Case]:
    """The workbench's cases in the scope (``county``, ``path``) for ``handlers`` (values, or ``Arg``
    placeholders of the prepared read below: one definition for both)."""
    return (scoped_cases(county, path).filter(first_handler_id__in=handlers,
                                               status__in=[Status.ACCEPTED, Status.IN_PROGRESS, Status.DECIDED])
            .select_related(*DESK_RELATED).only(*DESK_FIELDS).order_by("committed_deadline", "received_at"))


def workbench(user: AnyUser, today: dt.date) -> QuerySet[Case]:
    """Return the open cases the user is first handler of, plus those of absent A's the user backs up,
    nearest committed deadline first."""
    profile = staff_profile_of(user)
    scope = case_scope(user)
    if profile is None or scope is None:
        return Case.objects.none()
    return _workbench_of(*scope, _handlers_for(profile, today))


@dataclass(frozen=True, slots=True)
class DeskRow:
    """One line of the workbench's "my cases" table (read as plain values: no model objects per row)."""

    number: str
    status: str
    item_name: str
    applicant_name: str
    urgent: bool
    committed_deadline: dt.date | None
    deadline_provisional: bool
    deadline_changed_at: dt.datetime | None
    handler_name: str
    handler_user_id: int | None
    warning: Warning
    committed_due_at: dt.datetime | None = None  # a committed limit in hours ends at this moment

    @property
    def status_label(self) -> str:
        return Status(self.status).label


# The case table's own columns only: the item's name and limit, the handler and the unit's region come from what the
# process or the request already holds (``version_facts``, the handlers, the user's unit), so PostgreSQL plans one
# table instead of four on every request (the plan is made with the values: custom plans, for the unit-path prefix).
_DESK_COLUMNS = ("pk", "number", "status", "item_version_id", "applicant_name", "urgent", "committed_deadline",
                 "deadline_provisional", "deadline_changed_at", "first_handler_id", "committed_days", "unit_id",
                 "committed_due_at")


def _workbench_rows_read(handlers: int, limit: int) -> QuerySet[Case, Any]:
    from .models import CasePause

    # Whether a running case's clock is paused comes with its row: one query for the table.
    open_pause = Exists(CasePause.objects.filter(county_id=OuterRef("county_id"), case=OuterRef("pk"),
                                                 ended_at__isnull=True))
    return (_workbench_of(Arg("county"), Arg("path"), ArgList("handlers", handlers))
            .annotate(_paused=open_pause).values_list(*_DESK_COLUMNS, "_paused")[:limit])


# ``workbench`` with the pause flag, compiled once per (number of handlers, limit).
_WORKBENCH_ROWS = Prepared(Case, _workbench_rows_read)


def workbench_rows(user: AnyUser, today: dt.date, limit: int = 30, now: dt.datetime | None = None) -> list[DeskRow]:
    """Return the first ``limit`` cases of ``workbench`` as rows with their warning on ``today`` (a limit in hours:
    at ``now``, the current time when not given).

    One query (the cases, each with whether its clock is paused) plus the regions' calendars, which are cached; the
    item names come from ``version_facts``. Acting for an absent A (or an A's case of another unit) adds one small
    query for their names (or the units' regions).
    """
    from bianmin.catalog.selectors import version_facts
    from bianmin.org.models import Region, Unit
    from bianmin.workdays.selectors import get_calendar

    from .warnings import hour_warning, warning_for

    profile = staff_profile_of(user)
    scope = case_scope(user)
    if profile is None or scope is None:
        return []
    handlers = _handlers_for(profile, today)
    found = _WORKBENCH_ROWS.rows(len(handlers), limit, county=scope[0], path=scope[1], handlers=handlers)
    values = [row[:-1] for row in found]
    running = {v[0] for v in values if v[2] in RUNNING}
    paused = {row[0] for row in found if row[-1] and row[0] in running}
    items = version_facts({v[3] for v in values})
    people = {profile.pk: (profile.name, profile.user_id)}
    others = {v[9] for v in values} - people.keys()  # absent A's the user acts for
    if others:
        people.update((pk, (name, user_id)) for pk, name, user_id in StaffProfile.objects.filter(
            pk__in=others).values_list("pk", "name", "user_id"))
    region_of = {profile.unit_id: profile.unit.region_id}
    units = {v[11] for v in values if v[0] in running and v[12] is None}  # units whose calendar the warnings need
    if units - region_of.keys():
        region_of.update(Unit.objects.filter(pk__in=units - region_of.keys()).values_list("pk", "region_id"))
    needed = {region_of[unit_id] for unit_id in units}
    regions = {profile.unit.region_id: profile.unit.region}
    if needed - regions.keys():
        regions.update(Region.objects.in_bulk(needed - regions.keys()))
    calendars = {region_id: get_calendar(regions[region_id]) for region_id in needed}
    rows = []
    for (pk, number, status, version_id, applicant, urgent, deadline, provisional, changed_at, handler_id,
         committed_days, unit_id, due_at) in values:
        item_name, item_limit = items[version_id]
        handler_name, handler_user_id = people[handler_id]
        warning = Warning.NONE
        if pk in running and due_at is not None:  # a limit in hours (decision 0026 §4)
            warning = hour_warning(due_at=due_at, hours=committed_days or 0, now=now or timezone.now(),
                                   paused=pk in paused)
        elif pk in running:
            warning = warning_for(deadline=deadline, limit_days=committed_days or item_limit, today=today,
                                  calendar=calendars[region_of[unit_id]], paused=pk in paused)
        rows.append(DeskRow(number=number, status=status, item_name=item_name, applicant_name=applicant,
                            urgent=urgent, committed_deadline=deadline, deadline_provisional=provisional,
                            deadline_changed_at=changed_at, handler_name=handler_name or "",
                            handler_user_id=handler_user_id, warning=warning, committed_due_at=due_at))
    return rows


def _intake_queue_of(county: Any, path: Any, unit: Any) -> QuerySet[Case]:
    return (scoped_cases(county, path).filter(unit_id=unit, status__in=[Status.RECEIVED, Status.SUPPLEMENT])
            .select_related("item_version").only("number", "status", "applicant_name", "intake_deadline",
                                                 "received_at", "item_version__name")
            .order_by("intake_deadline", "received_at"))


def intake_queue(user: AnyUser) -> QuerySet[Case]:
    """Return applications of the user's unit awaiting review (received or waiting for 补正)."""
    profile = staff_profile_of(user)
    scope = case_scope(user)
    if profile is None or scope is None:
        return Case.objects.none()
    return _intake_queue_of(*scope, profile.unit_id)


QUEUE_COLUMNS = ("number", "item_version__name", "applicant_name", "status", "intake_deadline")
# Read without the item's table (its name comes from ``version_facts``), as the workbench's rows.
_QUEUE_READ = ("number", "item_version_id", "applicant_name", "status", "intake_deadline")
_INTAKE_ROWS = Prepared(Case, lambda limit: _intake_queue_of(Arg("county"), Arg("path"), Arg("unit"))
                        .values_list(*_QUEUE_READ)[:limit])


def intake_queue_rows(user: AnyUser, limit: int = 20) -> list[tuple[Any, ...]]:
    """Return the first ``limit`` applications of ``intake_queue`` as ``QUEUE_COLUMNS`` tuples (a prepared
    read: the workbench's)."""
    from bianmin.catalog.selectors import version_facts

    profile = staff_profile_of(user)
    scope = case_scope(user)
    if profile is None or scope is None:
        return []
    found = _INTAKE_ROWS.rows(limit, county=scope[0], path=scope[1], unit=profile.unit_id)
    items = version_facts({row[1] for row in found})
    return [(number, items[version_id][0], *rest) for number, version_id, *rest in found]


_LAST4 = re.compile(r"[0-9]{4}")
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


def search_cases(user: AnyUser, q: str = "", status: str = "", case_class: str = "") -> QuerySet[Case]:
    """Search visible cases by number, any part of the applicant's name, the last four digits of the phone (a
    4-digit query), a full ID number or full phone (exact, through the blind indexes: the columns are encrypted),
    credit code; filter by status and class.

    Every branch of the match has an index: the name's pg_trgm index on PostgreSQL (queries of three characters
    or more), the index of its characters for two (``lookup_chars``; one character scans the user's scope), the
    last-4 column, the blind indexes, the number; the credit
    code (not indexed) is only asked for an 18-character query. A search by a full ID or phone is audited by the
    service that runs it (``services.find_cases``); the last four digits are what every list shows already."""
    from bianmin.core.crypto import blind_index

    qs = visible_cases(user).select_related(*LIST_FIELDS)
    q = unicodedata.normalize("NFKC", q).strip()  # full-width digits typed through a Chinese input method
    if q:
        name = Q(applicant_name__contains=q)
        if len(q) == 2:  # below what pg_trgm indexes: the characters' index finds the rows, the LIKE checks them
            name &= Q(HasChars("applicant_name", q))
        match = Q(number=q.upper()) | name
        if _LAST4.fullmatch(q):
            match |= Q(applicant_phone_last4=q)
        if _CREDIT_CODE.fullmatch(q.upper()):
            match |= Q(applicant_credit_code=q.upper())
        for column, kind in (("applicant_id_index", "id"), ("applicant_phone_index", "phone")):
            index = blind_index(kind, q)  # "138 0000 1111", "+86 138…", "…002x" normalised as stored
            if index:
                match |= Q(**{column: index})
        qs = qs.filter(match)
    if status:
        qs = qs.filter(status=status)
    if case_class:
        qs = qs.filter(case_class=case_class)
    if len(q) >= 3:
        # The match's indexes find its rows (the trigram index: exactly, rechecked); they are then sorted, as the
        # count reads them all anyway. Plain "-received_at" let the planner walk the whole scope backwards through
        # the received_at index instead whenever it guessed the name matched a thousand rows where it matched
        # thirty (a LIKE's estimate swings with ANALYZE's sample): 300-450 ms for 30 rows at 200,000 cases. NULLS
        # LAST (the column is never null: the same order) is an order that index cannot give; the id breaks ties,
        # so that pages read with OFFSET neither repeat nor skip a case. Two characters keep the choice: the
        # characters' index finds candidates, not matches (decision 0044).
        return qs.order_by(F("received_at").desc(nulls_last=True), "-id")
    return qs.order_by("-received_at")  # the scope's newest first, read from the index


def _class_counts_of(qs: QuerySet[Case]) -> QuerySet[Case, Any]:
    return qs.order_by().values_list("case_class").annotate(n=Count("*"))  # COUNT(*): index-only scan


# The user's own cases per class (the workbench's badges), prepared.
_OWN_CLASS_COUNTS = Prepared(Case, lambda: _class_counts_of(
    scoped_cases(Arg("county"), Arg("path")).filter(first_handler_id=Arg("me"))))


def class_counts(user: AnyUser, *, whole_scope: bool = False) -> dict[str, int]:
    """Return the number of the user's own cases (first handler) per class, or of all visible cases."""
    counts = {c.value: 0 for c in CaseClass}
    if whole_scope:
        rows = list(_class_counts_of(visible_cases(user)))
    else:
        profile = staff_profile_of(user)
        scope = case_scope(user)
        if profile is None or scope is None:
            return counts
        rows = _OWN_CLASS_COUNTS.rows(county=scope[0], path=scope[1], me=profile.pk)
    counts.update(dict(rows))
    return counts


def case_detail(case: Case) -> Case:
    """Return the case with everything its detail page shows loaded in a fixed number of queries."""
    return _with_staff(_load_related(_DETAIL_RELATED(Case.objects.filter(county_id=case.county_id, pk=case.pk)).get()))


def case_detail_for(user: AnyUser, number: str, today: dt.date) -> Case:
    """Return the case ``number`` as ``case_detail`` does, read once through the user's scope, for reading, and
    whether its first handler is away ``today`` (what ``services.core.acting_ids_for`` asks for that day).

    Its pinned item version (with item and fees) comes from the per-process cache of ``pinned_version``.
    Raises NotFound for a missing and for a forbidden case alike (as ``get_case_for``).
    """
    from bianmin.catalog.selectors import pinned_version

    scope = case_scope(user)
    found = _CASE_BY_NUMBER.objects(county=scope[0], path=scope[1], number=number, on=today) if scope else []
    if not found:
        raise NotFound("办件不存在")
    case = found[0]
    case.item_version = pinned_version(case.item_version_id)
    case.first_handler_away_on = {(today, case.first_handler_id): case.__dict__.pop("_first_handler_away")}
    staff = case.__dict__.pop("_json_staff")
    if staff is None:  # not PostgreSQL: one more read
        _with_staff(case)
    else:
        _set_staff(case, {p.pk: p for p in _rows_from_json("staff", staff, case._state.db or "default")})
    return _load_related(case)


# The case page's reads, prepared (bianmin/core/prepared.py): the case in the user's scope (with which optional
# lists it has, its unit and its staff), its lists. A prepared read is planned once per connection (decision 0036).
# Its first handler, receiver and acceptor come as one JSON column, each row found by its primary key
# (``_StaffJson``): joined, PostgreSQL's plan hashed the whole staff table three times on every read of a small
# county (decision 0038). ``case_detail``'s ORM read reads them apart (``_with_staff``).
# Whether the first handler is away on the given day comes with it (``org_absence``: a reference table,
# docs/scaling.md).
_CASE_BY_NUMBER = Prepared(Case, lambda: _with_presence(
    scoped_cases(Arg("county"), Arg("path")).filter(number=Arg("number"))
    .annotate(_first_handler_away=Exists(absences_on(Arg("on", DateField())).filter(
        staff_id=OuterRef("first_handler_id"))), _json_staff=_StaffJson())
    .select_related("unit__region").order_by("pk")[:1]))
_STAFF = Prepared(StaffProfile, lambda n: StaffProfile.objects.filter(pk__in=ArgList("ids", n)).order_by())


def _case_rows(model: Any, *order: str) -> Prepared:
    def build() -> QuerySet[Any]:
        qs: QuerySet[Any] = model.objects.filter(county_id=Arg("county"), case_id=Arg("case"))
        return qs.order_by(*order) if order else qs
    return Prepared(model, build)


# The lists the detail page always shows (materials, events, notices): on PostgreSQL read with the case itself
# (``_RowsJson``); elsewhere, or for a case read without them, one prepared read each.
_LISTS = {"materials": _case_rows(CaseMaterial), "events": _case_rows(CaseEvent, "at", "id"),
          "notices": _case_rows(Notice)}
_LIST_MODELS: dict[str, Any] = {"materials": CaseMaterial, "events": CaseEvent, "notices": Notice}


def _from_iso_datetime(value: Any) -> Any:
    # In UTC, as Django's own reads give it, whatever time zone the database session wrote the JSON in.
    return None if value is None else dt.datetime.fromisoformat(value).astimezone(dt.UTC)


def _from_iso_date(value: Any) -> Any:
    return None if value is None else dt.date.fromisoformat(value)


# How a column comes out of ``json_build_array`` (PostgreSQL's JSON of the value: a timestamptz as ISO 8601 in the
# connection's time zone), by the field's type (a key: its target's); a list model with a field of another type, or
# with a conversion of its own (``from_db_value``, but a plain JSONField's), fails at import.
_FROM_JSON: dict[str, Any] = {
    "DateTimeField": _from_iso_datetime, "DateField": _from_iso_date, "JSONField": None,
    "BigAutoField": None, "AutoField": None, "CharField": None, "TextField": None,
    "PositiveSmallIntegerField": None, "SmallIntegerField": None, "IntegerField": None, "BigIntegerField": None,
    "BooleanField": None, "FileField": None}  # a file's name: the field's descriptor makes it a FieldFile


class _RowsJson(Expression):
    """The rows of ``model`` that belong to the outer case, in the model's order, as one JSON array of rows (each an
    array of the concrete columns in field order), or NULL on a database other than PostgreSQL (the page then reads
    the list on its own). The rows are in the case's county: the subquery names it, so it stays on the case's shard
    (docs/scaling.md)."""

    def __init__(self, model: Any) -> None:
        super().__init__(output_field=Field())
        self.model = model

    def get_group_by_cols(self) -> list[Any]:
        return []  # a subquery of the row's own key (json has no equality to group by)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "NULL", []

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        qn, meta = connection.ops.quote_name, self.model._meta
        if compiler.query.model is not Case:
            raise TypeError("the lists of a case are read with the case")
        outer = compiler.quote_name_unless_alias(compiler.query.base_table)
        columns = ", ".join(f"r.{qn(f.column)}" for f in meta.concrete_fields)
        order = ", ".join(f"r.{qn(meta.get_field(name.lstrip('-')).column)}{' DESC' if name[0] == '-' else ''}"
                          for name in meta.ordering)
        # Names from the model's metadata, quoted; no value is written into the text.
        return (f"COALESCE((SELECT json_agg(json_build_array({columns}) ORDER BY {order}) FROM {qn(meta.db_table)} r "  # noqa: S608
                f"WHERE r.{qn('county_id')} = {outer}.{qn('county_id')} AND r.{qn('case_id')} = {outer}.{qn('id')}), "
                "'[]')", [])


class _StaffJson(Expression):
    """The outer case's first handler, receiver and acceptor (those it has; one row each, however many roles one
    person holds) as one JSON array of rows, each an array of ``StaffProfile``'s concrete columns in field order, or
    NULL on a database other than PostgreSQL (the caller then reads them, ``_with_staff``). Each row is found by its
    primary key, an index probe whatever the table's size; staff profiles are a reference table (docs/scaling.md)."""

    keys = ("first_handler_id", "received_by_id", "accepted_by_id")

    def __init__(self) -> None:
        super().__init__(output_field=Field())

    def get_group_by_cols(self) -> list[Any]:
        return []

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "NULL", []

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        qn, meta = connection.ops.quote_name, StaffProfile._meta
        if compiler.query.model is not Case:
            raise TypeError("a case's staff are read with the case")
        outer = compiler.quote_name_unless_alias(compiler.query.base_table)
        columns = ", ".join(f"s.{qn(f.column)}" for f in meta.concrete_fields)
        columns_of = {f.attname: f.column for f in Case._meta.concrete_fields}
        keys = ", ".join(f"{outer}.{qn(columns_of[k])}" for k in self.keys)
        # Names from the models' metadata, quoted; no value is written into the text.
        return (f"COALESCE((SELECT json_agg(json_build_array({columns})) FROM {qn(meta.db_table)} s "  # noqa: S608
                f"WHERE s.{qn(meta.pk.column)} IN ({keys})), '[]')", [])


def _json_loader(model: Any) -> tuple[Any, list[tuple[int, Any]]]:
    """The function that makes an instance of ``model`` from a row of its concrete fields, and the converters of the
    columns that need one."""
    fields = model._meta.concrete_fields
    kinds = [(f.target_field if f.is_relation else f).get_internal_type() for f in fields]
    unknown = {kind for kind in kinds if kind not in _FROM_JSON}
    unknown |= {f.name for f in fields if hasattr(f, "from_db_value")
                and not (f.get_internal_type() == "JSONField" and getattr(f, "decoder", None) is None)}
    if unknown:
        raise TypeError(f"{model.__name__}: no JSON reading for {sorted(unknown)}")
    return (row_loader(model),
            [(i, _FROM_JSON[kind]) for i, kind in enumerate(kinds) if _FROM_JSON[kind] is not None])


_JSON_MODELS: dict[str, Any] = {**_LIST_MODELS, "staff": StaffProfile}
_JSON_LOADERS = {name: _json_loader(model) for name, model in _JSON_MODELS.items()}


def _rows_from_json(name: str, found: list[list[Any]] | None, db: str) -> list[Any]:
    load, converters = _JSON_LOADERS[name]
    out = []
    for values in found or ():
        for i, convert in converters:
            values[i] = convert(values[i])
        out.append(load(db, values))
    return out


def _DETAIL_RELATED(qs: QuerySet[Case]) -> QuerySet[Case]:
    # Joining the three staff profiles as well made PostgreSQL spend ~5 ms planning each read (join search
    # over eight tables); they come in one extra indexed query instead (_with_staff).
    return _with_presence(qs.select_related("item_version__item", "unit__region"))  # the extension: _load_related


def _optional_lists() -> dict[str, tuple[Any, Any]]:
    """The lists most cases do not have (name: model, queryset to read it with), read only when present."""
    from .models import CaseFile, CasePause, FeePayment, ReturnRequest

    return {"payments": (FeePayment, lambda: FeePayment.objects.select_related("fee").order_by("id")),
            "files": (CaseFile, lambda: CaseFile.objects.order_by("id")),
            "pauses": (CasePause, CasePause.objects.all),  # the models' own ordering, as prefetch used
            "transfers": (Transfer, lambda: Transfer.objects.select_related(
                "from_handler", "to_handler", "requested_by", "decided_by")),
            "return_requests": (ReturnRequest, lambda: ReturnRequest.objects.select_related(
                "requested_by", "decided_by"))}


def _with_presence(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate each case with whether it has each optional list and an extension (``_has_<name>``): read with the
    case itself, in the case's county, instead of a statement of its own."""
    from .models import Extension

    models = {name: model for name, (model, _qs) in _optional_lists().items()} | {"extension": Extension}
    return qs.annotate(**{f"_has_{name}": Exists(model.objects.filter(county_id=OuterRef("county_id"),
                                                                      case_id=OuterRef("pk")))
                          for name, model in models.items()},
                       **{f"_json_{name}": _RowsJson(model) for name, model in _LIST_MODELS.items()})


def _attach(case: Case, name: str, rows: list[Any]) -> None:
    """Store ``rows`` as the loaded content of ``case.<name>`` (what ``prefetch_related`` stores), so
    ``case.<name>.all()`` reads them without a query.

    The queryset is the one the related manager's ``all()`` gives (its hints, the relation's filter and the case's
    county left deferred until it is ever filtered further, the case as the rows' known parent), made without building
    a related manager (≈ 20 µs a list, eight lists a page). A test compares the two
    (cases/tests/test_selectors.py)."""
    relation: Any = Case._meta.get_field(name).field  # type: ignore[union-attr]  # the child's key to the case
    qs: Any = relation.model._default_manager.get_queryset()
    qs._add_hints(instance=case)
    county = case.__dict__.get(DISTRIBUTION_COLUMN)
    qs._deferred_filter = (False, (), {relation.name: case} if county is None
                           else {relation.name: case, DISTRIBUTION_COLUMN: county})
    qs._known_related_objects = {relation: {case.pk: case}}
    qs._result_cache, qs._prefetch_done = rows, True
    case.__dict__.setdefault("_prefetched_objects_cache", {})[relation.remote_field.cache_name] = qs


def _load_related(case: Case) -> Case:
    """Load the lists the detail page shows: one query each for materials, events and notices, and a query only for
    the payments, files, pauses, transfers and extension the case has (most cases have none: the case's read says
    which, ``_with_presence``). ``prefetch_related`` cost about 2 ms of Python per list; this costs about a third of
    that."""
    from .models import Extension

    key = {"county_id": case.county_id, "case_id": case.pk}  # the county routes each read (docs/scaling.md)
    for name, read in _LISTS.items():
        found = case.__dict__.pop(f"_json_{name}", None)  # read with the case on PostgreSQL ([] for none: COALESCE)
        _attach(case, name, _rows_from_json(name, found, case._state.db or "default") if found is not None
                else read.objects(county=case.county_id, case=case.pk))
    for name, (_model, queryset) in _optional_lists().items():  # present or not: read with the case (_with_presence)
        _attach(case, name, list(queryset().filter(**key)) if getattr(case, f"_has_{name}") else [])
    # The reverse one-to-one's cache: ``case.extension`` then reads no row (or raises DoesNotExist for None).
    Case.extension.related.set_cached_value(
        case, Extension.objects.filter(**key).first() if case._has_extension else None)  # type: ignore[attr-defined]
    return case


def _with_staff(case: Case) -> Case:
    """Attach the first handler, receiver and acceptor to ``case`` from one query."""
    ids = sorted(pk for pk in {case.first_handler_id, case.received_by_id, case.accepted_by_id} if pk is not None)
    return _set_staff(case, {p.pk: p for p in _STAFF.objects(len(ids), ids=ids)} if ids else {})


def _set_staff(case: Case, staff: dict[int, Any]) -> Case:
    """Attach the first handler, receiver and acceptor to ``case`` from ``staff`` (by primary key)."""
    for name in ("first_handler", "received_by", "accepted_by"):
        pk = getattr(case, f"{name}_id")
        if pk is not None:
            setattr(case, name, staff[pk])
    return case


def pending_transfers(user: AnyUser) -> QuerySet[Transfer]:
    """Return transfer requests awaiting a decision on cases the leader can see."""
    return (Transfer.objects.filter(status=TransferStatus.PENDING, case__in=visible_cases(user))
            .select_related("case__item_version", "from_handler", "to_handler", "requested_by")
            .order_by("requested_at"))


@dataclass(frozen=True)
class PublicPause:
    """A special procedure as the applicant sees it: what, why (the basis told in the 特别程序告知书), when."""

    kind: str
    kind_label: str
    basis: str
    expected_days: int
    started_on: dt.date
    ended_on: dt.date | None  # None: still running (进行中), the clock stands still
    paused_working_days: int


@dataclass(frozen=True)
class PublicExtension:
    """The approved extension: how many working days and why (the 延期告知书's reason)."""

    days: int
    reason: str
    approved_at: dt.datetime | None


@dataclass(frozen=True)
class PublicStatus:
    number: str
    item: str
    status: str
    status_label: str
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    committed_deadline: dt.date | None
    legal_deadline: dt.date | None
    provisional: bool  # the committed deadline was counted over a year not yet published
    legal_provisional: bool  # the same for the legal deadline
    unit: str
    handler_name: str
    handler_badge: str
    steps: list[dict[str, Any]]
    deadline_changed_at: dt.datetime | None = None
    deadline_change_reason: str = ""
    pauses: list[PublicPause] = field(default_factory=list)
    extension: PublicExtension | None = None
    committed_due_at: dt.datetime | None = None  # a committed limit in hours: the moment it ends


def public_lookup(number: str, code: str) -> PublicStatus | None:
    """Return a case's public status for the right number and query code; None otherwise (no difference).

    Besides status and deadlines it tells why a date moved: the special procedures (kind, basis, start, end or
    still running) and the approved extension (days, reason). Nothing about the applicant; the handler's name and
    badge are public (上墙公示)."""
    from .models import CasePause, Extension, ExtensionStatus

    case = (Case.objects.select_related("item_version", "unit", "first_handler")
            .filter(number=(number or "").strip().upper()).first())
    if case is None or not code or case.query_code != code.strip().upper():
        return None
    pauses = [PublicPause(kind=p.kind, kind_label=p.get_kind_display(), basis=p.basis, expected_days=p.expected_days,
                          started_on=p.started_on, ended_on=p.ended_on, paused_working_days=p.paused_working_days)
              for p in CasePause.objects.filter(case=case).order_by("started_at", "id")]
    approved = Extension.objects.filter(case=case, status=ExtensionStatus.APPROVED).first()
    extension = (PublicExtension(days=approved.days, reason=approved.reason, approved_at=approved.decided_at)
                 if approved else None)
    # Status changes, and the recomputation of the deadlines that the applicant was told of.
    steps = [{"at": e.at, "step": e.action_label(), "status": Status(e.to_status).label if e.to_status else "",
              "note": e.opinion if e.action == "DEADLINES_RECOMPUTED" else ""}
             for e in case.events.filter(Q(to_status__gt="") | Q(action="DEADLINES_RECOMPUTED")).order_by("at", "id")]
    handler = case.first_handler
    return PublicStatus(number=case.number, item=case.item_version.name, status=case.status,
                        status_label=case.get_status_display(), received_at=case.received_at,
                        accepted_at=case.accepted_at, committed_deadline=case.committed_deadline,
                        legal_deadline=case.legal_deadline, provisional=case.deadline_provisional,
                        legal_provisional=case.legal_deadline_provisional,
                        unit=case.unit.name, handler_name=handler.name if handler else "",
                        handler_badge=handler.badge_number if handler else "", steps=steps,
                        deadline_changed_at=case.deadline_changed_at,
                        deadline_change_reason=case.deadline_change_reason, pauses=pauses, extension=extension,
                        committed_due_at=case.committed_due_at)


def pending_returns(user: AnyUser) -> QuerySet[ReturnRequest]:
    """Return 退件 requests awaiting a leader's decision on cases the leader can see."""
    from .models import ReturnRequest, ReturnRequestStatus

    return (ReturnRequest.objects.filter(status=ReturnRequestStatus.PENDING, case__in=visible_cases(user),
                                         case__status__in=RUNNING)
            .select_related("case__item_version", "case__first_handler", "requested_by").order_by("requested_at"))


def pending_deferred_exceptions(user: AnyUser) -> QuerySet[Case]:
    """Return 补办件 decided but waiting for their 容缺 material, on cases the leader can see (candidates for an
    exception to hand the result over first)."""
    return (visible_cases(user).filter(status=Status.DECIDED, deferred_materials=True,
                                       deferred_supplied_at__isnull=True, deferred_exception_at__isnull=True)
            .select_related("item_version").order_by("deferred_due_date"))


def pending_extensions(user: AnyUser) -> QuerySet[Extension]:
    """Return extension requests awaiting a decision on cases the leader can see."""
    from .models import Extension, ExtensionStatus

    return (Extension.objects.filter(status=ExtensionStatus.PENDING, case__in=visible_cases(user))
            .select_related("case__item_version", "requested_by")
            .prefetch_related("case__item_version__joint_units").order_by("requested_at"))


def extensions_to_decide(user: AnyUser) -> QuerySet[Extension]:
    """Return the pending extensions the leader may decide (``policies.extension_deciders``): the organ's head those
    of items without joint units, the government's head all of them; nobody else any."""
    from bianmin.org.models import HeadOf

    profile = staff_profile_of(user)
    head = getattr(profile, "head_of", "")
    qs = pending_extensions(user)
    if head == HeadOf.GOVERNMENT:
        return qs
    if head == HeadOf.ORGAN:
        return qs.filter(case__item_version__joint_units__isnull=True)
    return qs.none()


def with_warnings(cases: Iterable[Case], today: dt.date, now: dt.datetime | None = None) -> list[Case]:
    """Attach ``warning`` to each running case (one calendar per region, no query per row); a limit in hours is
    warned against ``now`` (the current time when not given)."""
    from bianmin.workdays.selectors import get_calendar

    from .models import CasePause
    from .warnings import Warning, hour_warning, warning_for

    cases = list(cases)
    calendars: dict[int, WorkCalendar] = {}
    paused = set(CasePause.objects.filter(county_id__in=sorted({c.county_id for c in cases}),
                                          case__in=[c.pk for c in cases], ended_at__isnull=True)
                 .values_list("case_id", flat=True)) if cases else set()
    for case in cases:
        if case.status not in RUNNING:
            case.warning = Warning.NONE
            continue
        if case.committed_due_at is not None:
            case.warning = hour_warning(due_at=case.committed_due_at, hours=case.committed_days or 0,
                                        now=now or timezone.now(), paused=case.pk in paused)
            continue
        region_id = case.unit.region_id
        if region_id not in calendars:
            calendars[region_id] = get_calendar(case.unit.region)
        case.warning = warning_for(deadline=case.committed_deadline,
                                   limit_days=case.committed_days or case.item_version.committed_limit,
                                   today=today, calendar=calendars[region_id], paused=case.pk in paused)
    return cases


def with_warning(case: Case, today: dt.date, now: dt.datetime | None = None) -> Case:
    """Attach ``warning`` to one case loaded by ``case_detail``/``case_detail_for`` (its pauses are loaded); a limit
    in hours is warned against ``now`` (the current time when not given)."""
    from bianmin.workdays.selectors import get_calendar

    from .warnings import hour_warning, warning_for

    if case.status not in RUNNING:
        case.warning = Warning.NONE
        return case
    if case.committed_due_at is not None:
        case.warning = hour_warning(due_at=case.committed_due_at, hours=case.committed_days or 0,
                                    now=now or timezone.now(),
                                    paused=any(p.ended_at is None for p in case.pauses.all()))
        return case
    case.warning = warning_for(deadline=case.committed_deadline,
                               limit_days=case.committed_days or case.item_version.committed_limit, today=today,
                               calendar=get_calendar(case.unit.region),
                               paused=any(p.ended_at is None for p in case.pauses.all()))
    return case


def _red(today: dt.date, now: dt.datetime) -> Q:
    """Running cases past their committed deadline: its last day is over, or (a limit in hours) its moment."""
    return Q(committed_deadline__lt=today) | Q(committed_due_at__lt=now)


def _yellow(today: dt.date, now: dt.datetime) -> Q:
    """Running cases near their committed deadline (from the stored yellow day) and not yet past it."""
    return Q(committed_deadline__gte=today, yellow_on__lte=today) & ~Q(committed_due_at__lt=now)


def deadline_overview(user: AnyUser, today: dt.date, now: dt.datetime | None = None) -> dict[str, Any]:
    """The leader's overview of running cases in scope: counts per first handler by warning (red: past the
    committed day, or the committed moment of a limit in hours, by ``now``, the current time when not given).

    One aggregate over the running cases (no joins), one query for the handlers' names and one for the few cases
    whose clock is paused (moved from their colour to "paused"). Uses the stored yellow day, so nothing is
    computed per row.
    """
    from django.db.models import Count

    from .models import CasePause

    now = now or timezone.now()
    running = visible_cases(user).filter(status__in=[Status.ACCEPTED, Status.IN_PROGRESS])
    counts = {r["first_handler_id"]: {**r, "paused": 0} for r in running.values("first_handler_id").annotate(
        total=Count("id"),
        red=Count("id", filter=_red(today, now)),
        yellow=Count("id", filter=_yellow(today, now)),
    ).order_by()}
    for handler_id, deadline, due_at, yellow_on in running.filter(
            pk__in=CasePause.objects.filter(ended_at__isnull=True).values("case_id")).values_list(
            "first_handler_id", "committed_deadline", "committed_due_at", "yellow_on"):
        row = counts[handler_id]
        row["paused"] += 1
        if (deadline and deadline < today) or (due_at and due_at < now):
            row["red"] -= 1
        elif deadline and yellow_on and yellow_on <= today:
            row["yellow"] -= 1
    names = {p.pk: p for p in StaffProfile.objects.filter(pk__in=[k for k in counts if k]).select_related("unit")}
    rows = []
    for handler_id, row in counts.items():
        profile = names.get(handler_id)
        row["first_handler__name"] = profile.name if profile else "—"
        row["first_handler__unit__name"] = profile.unit.name if profile else ""
        rows.append(row)
    rows.sort(key=lambda r: (-r["red"], -r["yellow"], r["first_handler__name"]))
    totals = {k: sum(r[k] for r in rows) for k in ("total", "paused", "red", "yellow")}
    return {"handlers": rows, "totals": totals}


def warned_cases(user: AnyUser, today: dt.date, level: str, now: dt.datetime | None = None) -> QuerySet[Case]:
    """Running cases in scope that are red (overdue: past the committed day, or the committed moment of a limit in
    hours, by ``now``, the current time when not given) or yellow today, nearest deadline first."""
    from django.db.models import Exists, OuterRef

    from .models import CasePause

    qs = (visible_cases(user).filter(status__in=[Status.ACCEPTED, Status.IN_PROGRESS])
          .exclude(Exists(CasePause.objects.filter(county_id=OuterRef("county_id"), case=OuterRef("pk"),
                                                   ended_at__isnull=True))))
    now = now or timezone.now()
    qs = qs.filter(_red(today, now) if level == "RED" else _yellow(today, now))
    return (qs.select_related("item_version", "first_handler")
            .only("number", "county_id", "committed_deadline", "committed_due_at", "deadline_provisional",
                  "item_version__name", "first_handler__name")
            .order_by("committed_deadline", "id"))


# --- the 工作台's case counts (issue 12 item 7) -------------------------------------------------------------------

DESK_CASE_LISTS = ("intake", "yellow", "red")


def desk_cases(qs: QuerySet[Case], user: AnyUser, today: dt.date, kind: str,
               handlers: list[int] | None = None, now: dt.datetime | None = None) -> QuerySet[Case]:
    """Narrow ``qs`` (cases the user may see) to one of the 工作台's lists: ``intake`` the applications of the user's
    unit awaiting review (as ``intake_queue``), ``yellow``/``red`` the running cases the user answers for (as
    ``workbench``) near or past their committed deadline (a limit in hours: its moment, by ``now``, the current
    time when not given), paused ones left out (as ``warned_cases``, from the stored yellow day). Any other kind,
    or a user without a staff profile, gives no rows.

    ``handlers`` (from an earlier call's ``_handlers_for``) saves its two queries when counting several lists."""
    from django.db.models import Exists, OuterRef

    from .models import CasePause

    profile = staff_profile_of(user)
    if profile is None or kind not in DESK_CASE_LISTS:
        return qs.none()
    if kind == "intake":
        return qs.filter(unit_id=profile.unit_id, status__in=[Status.RECEIVED, Status.SUPPLEMENT])
    qs = (qs.filter(first_handler_id__in=handlers if handlers is not None else _handlers_for(profile, today),
                    status__in=[Status.ACCEPTED, Status.IN_PROGRESS])
          .exclude(Exists(CasePause.objects.filter(county_id=OuterRef("county_id"), case=OuterRef("pk"),
                                                   ended_at__isnull=True))))
    now = now or timezone.now()
    return qs.filter(_red(today, now) if kind == "red" else _yellow(today, now))


def case_desk_counts(user: AnyUser, today: dt.date, kinds: Iterable[str],
                     now: dt.datetime | None = None) -> dict[str, int]:
    """Return {kind: how many} for the 工作台 lists ``kinds`` (of ``DESK_CASE_LISTS``): one COUNT each, on the
    intake-queue and workbench indexes, plus one or two queries for whom the user stands in for."""
    now = now or timezone.now()
    profile = staff_profile_of(user)
    kinds = [k for k in kinds if k in DESK_CASE_LISTS]
    if profile is None:
        return dict.fromkeys(kinds, 0)
    handlers = _handlers_for(profile, today) if set(kinds) - {"intake"} else []
    return {kind: desk_cases(visible_cases(user), user, today, kind, handlers, now).order_by().count()
            for kind in kinds}


# --- 按期办结 (one definition for the statistics, the hall's screen and the public board) -------------------------


def decided_with_day(cases: QuerySet[Case], lo: dt.datetime, hi: dt.datetime) -> QuerySet[Case]:
    """Return the accepted ``cases`` decided in [lo, hi), annotated with ``d_day`` (the decision's local date) for
    :data:`LATE_DECISION`."""
    from django.db.models.functions import TruncDate

    return (cases.filter(decided_at__gte=lo, decided_at__lt=hi, accepted_at__isnull=False)
            .annotate(d_day=TruncDate("decided_at")))


# A decision is late (not 按期办结) when its day is after the committed deadline, or, for a limit in hours, its moment
# after the committed time (``committed_due_at``, empty for limits in days); needs ``decided_with_day``.
LATE_DECISION = Q(d_day__gt=F("committed_deadline")) | Q(decided_at__gt=F("committed_due_at"))


def on_time_counts(cases: QuerySet[Case], lo: dt.datetime, hi: dt.datetime) -> tuple[int, int]:
    """Return (decided, decided on time) of ``cases`` in [lo, hi) in one query."""
    row = decided_with_day(cases, lo, hi).aggregate(n=Count("id"), late=Count("id", filter=LATE_DECISION))
    return row["n"] or 0, (row["n"] or 0) - (row["late"] or 0)
