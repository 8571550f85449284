"""Workbench rows: the same cases, order and warnings as the model queryset, in a fixed number of queries."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.cases import services as svc
from bianmin.cases.selectors import case_detail_for, with_warning, with_warnings, workbench, workbench_rows
from bianmin.cases.warnings import Warning
from bianmin.testing.factories import ALL_GOOD, MONDAY, applicant

pytestmark = pytest.mark.django_db


def _accepted(cast, n: int) -> list[str]:
    numbers = []
    for _ in range(n):
        case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                                now=MONDAY)
        numbers.append(svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY).number)
    return numbers


def _queries(user, today) -> int:
    from bianmin.catalog.selectors import forget_pinned_versions

    forget_pinned_versions()  # the items' names read cold: one query for all of them, whatever the rows
    with CaptureQueriesContext(connection) as q:
        workbench_rows(user, today)
    return len(q.captured_queries)


@pytest.mark.parametrize("today", [dt.date(2026, 3, 3), dt.date(2026, 3, 13), dt.date(2026, 3, 20)])
def test_rows_match_the_model_queryset(cast, item, today):
    numbers = _accepted(cast, 3)
    svc.start_pause(actor=cast["window_a"], number=numbers[1], kind="TESTING", basis="检测", expected_days=3,
                    now=MONDAY + dt.timedelta(hours=2))
    user = cast["window_a"]
    expected = with_warnings(workbench(user, today), today)
    rows = workbench_rows(user, today)
    assert [(r.number, r.warning, r.status_label) for r in rows] == [
        (c.number, c.warning, c.get_status_display()) for c in expected]
    assert {r.number: r.warning for r in rows}[numbers[1]] == Warning.PAUSED
    if today == dt.date(2026, 3, 20):
        assert {r.warning for r in rows} == {Warning.RED, Warning.PAUSED}
    detail = with_warning(case_detail_for(user, numbers[1], today), today)
    assert detail.warning == Warning.PAUSED


def test_rows_cost_the_same_queries_for_one_or_many_running_cases(cast, item):
    _accepted(cast, 1)
    one = _queries(cast["window_a"], dt.date(2026, 3, 13))
    _accepted(cast, 4)
    assert _queries(cast["window_a"], dt.date(2026, 3, 13)) == one


def test_detail_lists_are_all_loaded_in_order_and_read_without_queries(cast, item, django_assert_num_queries):
    from bianmin.cases.models import Case, CaseFile

    number = _accepted(cast, 1)[0]
    actor = cast["window_a"]
    svc.record_fee(actor=actor, number=number, fee_id=item.fees.get().pk, amount="10", receipt_number="R1",
                   now=MONDAY)
    svc.request_transfer(actor=actor, number=number, to_badge="B-window_b", reason="调岗", now=MONDAY)
    svc.start_pause(actor=actor, number=number, kind="TESTING", basis="检测", expected_days=3, now=MONDAY)
    case = Case.objects.get(number=number)
    for name in ("b.pdf", "a.pdf"):
        CaseFile.objects.create(case=case, county_id=case.county_id, file=f"cases/{name}", original_name=name, size=10,
                                uploaded_by=actor, uploaded_at=MONDAY)
    expected = {name: [o.pk for o in getattr(case, name).all()] for name in
                ("materials", "events", "notices", "pauses", "transfers")}
    expected["payments"] = list(case.payments.order_by("id").values_list("pk", flat=True))
    expected["files"] = list(case.files.order_by("id").values_list("pk", flat=True))
    detail, fee = case_detail_for(actor, number, MONDAY.date()), item.fees.get()
    with django_assert_num_queries(0):
        loaded = {name: [o.pk for o in getattr(detail, name).all()] for name in expected}
        assert detail.transfers.all()[0].to_handler.name and detail.payments.all()[0].fee.name
        assert detail.item_version.fees.all()[0].pk == fee.pk
    assert loaded == expected and all(loaded.values())


def test_a_case_without_optional_lists_is_read_in_four_statements(cast, item, django_assert_num_queries):
    """The case (with which optional lists and extension it has, and its staff), its materials, events and notices:
    nothing read for the lists it lacks, no statement of its own to ask which it has. The API's ``case_detail``
    reads the staff apart (five statements: its read is planned each time, decision 0036). On PostgreSQL the three
    lists and the staff come with the case's own read (one statement; two for ``case_detail``); elsewhere the page's
    read also reads the staff apart (decision 0038)."""
    from bianmin.cases.models import Case, Extension
    from bianmin.cases.selectors import case_detail
    from bianmin.catalog.selectors import pinned_version

    number = _accepted(cast, 1)[0]
    pinned_version(Case.objects.get(number=number).item_version_id)  # the version: per process, read before
    lists = 0 if connection.vendor == "postgresql" else 3
    with django_assert_num_queries(1 + lists + (connection.vendor != "postgresql")):
        detail = case_detail_for(cast["window_a"], number, MONDAY.date())
    case = Case.objects.get(number=number)
    with django_assert_num_queries(2 + lists):  # the API's read: the same lists, the item version joined
        again = case_detail(case)
    staff = {name: getattr(case, name) for name in ("first_handler", "received_by", "accepted_by")}
    with django_assert_num_queries(0):
        for name, profile in staff.items():
            assert getattr(detail, name) == getattr(again, name) == profile
            assert getattr(detail, name).name == profile.name and profile.name
    with django_assert_num_queries(0):
        for case in (detail, again):
            assert not (case.payments.all() or case.files.all() or case.pauses.all() or case.transfers.all()
                        or case.return_requests.all())
            with pytest.raises(Extension.DoesNotExist):
                case.extension  # noqa: B018 - read from the cache the detail read filled


@pytest.mark.parametrize("q", ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000",
                               "１３８００１３８０００", "张三", "11010519491231002x"])
def test_search_finds_a_phone_however_it_is_typed(cast, item, q):
    from bianmin.cases.selectors import search_cases

    case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(), materials=ALL_GOOD,
                            now=MONDAY)
    assert [c.number for c in search_cases(cast["window_a"], q=q)] == [case.number]


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the lists are read with the case on PostgreSQL only")
@pytest.mark.parametrize("reader", ["case_detail_for", "case_detail"])
def test_lists_read_with_the_case_equal_their_own_reads(cast, item, reader):
    """Materials, events and notices decoded from the case read's JSON (``_RowsJson``) equal, field for field and in
    order, the rows the separate prepared reads give: text with quotes, backslashes and every script, JSON content,
    timestamps with microseconds and NULLs, an empty list."""
    from bianmin.cases.models import Case, CaseEvent, CaseMaterial, Notice
    from bianmin.cases.selectors import _LISTS, case_detail

    number = _accepted(cast, 2)[0]
    case = Case.objects.get(number=number)
    odd = 'a"b\\c\'d \\x00 \u00e9 𠀀 ' + "\u200b<>&"
    CaseMaterial.objects.filter(case=case).update(problem=odd, standard=odd * 3)
    at = dt.datetime(2026, 3, 2, 1, 2, 3, 456789, tzinfo=dt.UTC)
    tied = [CaseEvent.objects.create(case=case, county_id=case.county_id, at=at, actor_name=odd, action="NOTE",
                                     opinion=odd, data={"k": [1, 2.5, None, True, odd], "嵌套": {"x": odd}})
            for _ in range(3)]  # equal times: the id orders them
    # Made last but earlier than every other step (the model's order is the time, not the id), and the first tied
    # row rewritten (on PostgreSQL it moves to the end of the table): neither the id nor the storage order is the
    # order asked for.
    CaseEvent.objects.create(case=case, county_id=case.county_id, at=at - dt.timedelta(days=1), action="NOTE",
                             data=[odd, 7, False])
    CaseEvent.objects.filter(pk=tied[0].pk).update(opinion=odd + "!")
    Notice.objects.create(case=case, county_id=case.county_id, kind="SUPPLEMENT", created_at=at - dt.timedelta(days=1),
                          created_by=cast["window_a"], content={"lines": [odd]}, justification=odd, issued_at=None,
                          served_at=at)
    CaseMaterial.objects.filter(pk=CaseMaterial.objects.filter(case=case).order_by("pk")[0].pk).update(problem="!")

    def read_of(case):
        return case_detail_for(cast["window_a"], case.number, MONDAY.date()) if reader == "case_detail_for" \
            else case_detail(case)

    read = read_of(case)
    for name, prepared in _LISTS.items():
        expected = prepared.objects(county=case.county_id, case=case.pk)
        got = list(getattr(read, name).all())
        assert [type(o) for o in got] == [type(o) for o in expected] and expected
        assert [_fields(o) for o in got] == [_fields(o) for o in expected], name
        order = [tuple(getattr(o, f) for f in o._meta.ordering) for o in got]
        assert order == sorted(order) and len(got) > 1, name  # the model's order, whatever the ids and storage
        assert all(o._state.db == e._state.db and not o._state.adding for o, e in zip(got, expected, strict=True))
    other = Case.objects.exclude(number=number).get()
    CaseEvent.objects.filter(case=other).delete()
    empty = read_of(other)
    assert list(empty.events.all()) == [] and list(empty.materials.all())


@pytest.mark.parametrize("acceptor", ["none", "same", "other"])
def test_the_staff_read_with_the_case_equal_their_own_read(cast, item, acceptor):
    """The first handler, receiver and acceptor that come with the case page's read (as JSON on PostgreSQL,
    ``_StaffJson``; read apart elsewhere) equal, field for field, the staff profiles read on their own: a case not yet
    accepted, one person in two roles, three people; text with quotes and every script; and no join of the staff
    table in the statement (decision 0038)."""
    from bianmin.cases.models import Case
    from bianmin.cases.selectors import _CASE_BY_NUMBER
    from bianmin.org.models import StaffProfile

    number = _accepted(cast, 1)[0]
    odd = 'a"b\\c\'d é 𠀀 <>&'
    other = cast["window_b"].staff_profile
    StaffProfile.objects.filter(pk=other.pk).update(name=odd, title=odd)
    if acceptor == "none":
        Case.objects.filter(number=number).update(accepted_by=None, first_handler=None)
    elif acceptor == "other":
        Case.objects.filter(number=number).update(first_handler=other)
    case = case_detail_for(cast["window_a"], number, MONDAY.date())
    stored = Case.objects.get(number=number)
    for name in ("first_handler", "received_by", "accepted_by"):
        pk = getattr(stored, f"{name}_id")
        assert getattr(case, f"{name}_id") == pk
        if pk is None:
            assert getattr(case, name) is None
            continue
        got, expected = getattr(case, name), StaffProfile.objects.get(pk=pk)
        assert Case._meta.get_field(name).is_cached(case)  # came with the read: no query when shown
        assert type(got) is StaffProfile and _fields(got) == _fields(expected) and not got._state.adding
    if connection.vendor == "postgresql":
        sql = _CASE_BY_NUMBER.sql()
        assert "JOIN \"org_staffprofile\"" not in sql and "FROM \"org_staffprofile\" s WHERE" in sql


@pytest.mark.parametrize("away", [False, True])
def test_the_first_handlers_absence_comes_with_the_case_for_its_day(cast, item, away, django_assert_num_queries):
    """``case_detail_for`` reads whether the first handler is away on the given day with the case (the rule of
    ``org.selectors.absences_on``); ``acting_ids_for`` then asks the database only for the posts of an absent A, and
    for any other day it asks as before."""
    from bianmin.cases.services.core import acting_ids_for
    from bianmin.org.models import Absence

    number = _accepted(cast, 1)[0]
    day = MONDAY.date() + dt.timedelta(days=1)
    handler = cast["window_a"].staff_profile
    if away:  # from Monday to that Tuesday inclusive: the last day of an absence still counts
        Absence.objects.create(staff=handler, kind="LEAVE", start_date=MONDAY.date(), end_date=day)
    Absence.objects.create(staff=handler, kind="LEAVE", start_date=day + dt.timedelta(days=1),
                           end_date=day + dt.timedelta(days=3))  # not that day
    detail = case_detail_for(cast["window_a"], number, day)
    assert detail.first_handler_id == handler.pk and detail.first_handler_away_on == {(day, handler.pk): away}
    with django_assert_num_queries(1 if away else 0):  # the B's of the absent A's posts
        acting = acting_ids_for(detail, day)
    assert acting == ({cast["window_b"].staff_profile.pk} if away else set())
    with django_assert_num_queries(2):  # another day: its absence, then the posts (away then)
        assert acting_ids_for(detail, day + dt.timedelta(days=2)) == {cast["window_b"].staff_profile.pk}
    detail.first_handler_id = cast["window_b"].staff_profile.pk  # another handler: what was read does not answer
    with django_assert_num_queries(1):  # the new handler's absence (not away: no posts to read)
        assert acting_ids_for(detail, day) == set()


def test_an_attached_list_is_the_related_managers_queryset(cast, item):
    """The lists ``case_detail_for`` attaches behave as ``case.<name>.all()`` would: filtered further, each reads
    the same statement (the relation and the case's county) and finds that case's rows only; the rows know their case.
    """
    from bianmin.cases.models import Case, CaseMaterial
    from bianmin.cases.selectors import _LISTS, _optional_lists

    numbers = _accepted(cast, 2)
    detail = case_detail_for(cast["window_a"], numbers[0], MONDAY.date())
    fresh = Case.objects.get(number=numbers[0])
    for name in [*_LISTS, *_optional_lists()]:
        attached, managed = getattr(detail, name).all(), getattr(fresh, name).all()
        assert type(attached) is type(managed) and attached._hints == managed._hints, name
        # What the manager leaves for later, compared before either queryset's filter is applied.
        for attribute in ("_db", "_sticky_filter", "_for_write", "_fields", "_iterable_class"):
            assert getattr(attached, attribute) == getattr(managed, attribute), (name, attribute)
        assert attached._query.filter_is_sticky == managed._query.filter_is_sticky, name
        (negate, args, kwargs), (m_negate, m_args, m_kwargs) = attached._deferred_filter, managed._deferred_filter
        assert (negate, args, sorted(kwargs)) == (m_negate, m_args, sorted(m_kwargs)), name
        assert kwargs["county_id"] == m_kwargs["county_id"] and kwargs["case"].pk == m_kwargs["case"].pk, name
        assert str(attached.filter(pk__gte=0).query) == str(managed.filter(pk__gte=0).query), name
        assert "county_id" in str(attached.filter(pk__gte=0).query), name
        assert [(f, list(known)) for f, known in attached._known_related_objects.items()] == [
            (f, list(known)) for f, known in managed._known_related_objects.items()], name
    mine = list(CaseMaterial.objects.filter(case__number=numbers[0]).order_by("pk").values_list("pk", flat=True))
    assert list(detail.materials.order_by("pk").values_list("pk", flat=True)) == mine and mine
    assert all(m.case is detail for m in detail.materials.filter(pk__in=mine))  # the known parent, no query


def test_row_loader_makes_what_from_db_makes_and_gives_way_to_init_receivers(cast, item):
    """``row_loader`` stores a row's values as ``Model.from_db`` would (fields, state, the parent by its key); a
    ``post_init`` receiver connected after the loader was made sends the row through ``from_db``, for a list model
    and for the case (whose encrypted fields' descriptor is not one that only stores)."""
    from django.db.models.signals import post_init

    from bianmin.cases.models import Case, CaseMaterial
    from bianmin.core.prepared import row_loader

    number = _accepted(cast, 1)[0]
    material = CaseMaterial.objects.filter(case__number=number).first()
    values = [getattr(material, f.attname) for f in CaseMaterial._meta.concrete_fields]
    made, expected = row_loader(CaseMaterial)("default", list(values)), CaseMaterial.from_db(
        "default", [f.attname for f in CaseMaterial._meta.concrete_fields], list(values))
    assert _fields(made) == _fields(expected) == _fields(material) and made == material
    assert (made._state.db, made._state.adding) == ("default", False) and made.case.number == number
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=CaseMaterial)
    try:
        again = row_loader(CaseMaterial)("default", list(values))
    finally:
        post_init.disconnect(receiver, sender=CaseMaterial)
    assert seen == [again] and _fields(again) == _fields(material)
    case = Case.objects.get(number=number)
    seen.clear()
    post_init.connect(receiver, sender=Case)
    try:
        loaded = row_loader(Case)("default", [getattr(case, f.attname) for f in Case._meta.concrete_fields])
    finally:
        post_init.disconnect(receiver, sender=Case)
    assert seen == [loaded] and _fields(loaded) == _fields(case)


def test_row_loader_gives_way_to_a_model_that_makes_its_own_instances(cast, item, monkeypatch):
    """A model that overrides ``__init__`` or ``from_db`` gets its rows through them."""
    from django.db.models import Model

    from bianmin.cases.models import CaseMaterial
    from bianmin.core.prepared import row_loader

    number = _accepted(cast, 1)[0]
    material = CaseMaterial.objects.filter(case__number=number).first()
    values = [getattr(material, f.attname) for f in CaseMaterial._meta.concrete_fields]
    made = []

    def init(self, *args, **kwargs):
        Model.__init__(self, *args, **kwargs)
        made.append(self)

    with monkeypatch.context() as patch:
        patch.setattr(CaseMaterial, "__init__", init)
        loaded = row_loader(CaseMaterial)("default", list(values))
    assert made == [loaded] and _fields(loaded) == _fields(material)
    with monkeypatch.context() as patch:
        patch.setattr(CaseMaterial, "from_db", classmethod(lambda cls, db, names, row: ("own", db, len(row))))
        assert row_loader(CaseMaterial)("default", list(values)) == ("own", "default", len(values))
