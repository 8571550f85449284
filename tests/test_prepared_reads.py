"""Prepared reads (bianmin/core/prepared.py): compiled once per shape, the same rows as the queryset itself.

Tested here on the org models, which bianmin.core may not import."""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import CharField, Count, F
from django.test.utils import CaptureQueriesContext

from bianmin.core.prepared import (
    PREPARED_MAX,
    Arg,
    ArgList,
    Prepared,
    _inline_constants,
    _literal,
    _Slot,
    starts_with,
)
from bianmin.org.models import Region, RegionLevel, Unit

pytestmark = pytest.mark.django_db


def _subtree(path, kinds):  # one definition, run with values or with placeholders
    return Unit.objects.filter(path__startswith=path, kind__in=kinds).order_by("code")


UNITS = Prepared(Unit, lambda n: _subtree(Arg("path", CharField()), ArgList("kinds", n)).values_list("code", "name"))


def test_rows_are_the_querysets_rows_for_each_set_of_arguments(org):
    for path, kinds in ((org["center"].path, ["TOWN_CENTER", "DEPARTMENT"]), (org["town_center"].path,
                                                                                ["VILLAGE_STATION"]),
                        (org["center"].path, ["COUNTY_CENTER"]), ("/nowhere/", ["DEPARTMENT"])):
        expected = list(_subtree(path, kinds).values_list("code", "name"))
        assert UNITS.rows(len(kinds), path=path, kinds=kinds) == expected
    found = UNITS.rows(2, path=org["center"].path, kinds=["TOWN_CENTER", "DEPARTMENT"])
    assert found == [("D1", org["dept"].name), ("T1", org["town_center"].name)]


def test_a_pattern_argument_is_a_prefix_not_a_pattern(org):
    """LIKE's own characters in an argument match themselves (the ORM's escaping of startswith)."""
    assert UNITS.rows(1, path="%", kinds=["DEPARTMENT"]) == []
    assert UNITS.rows(1, path="_", kinds=["DEPARTMENT"]) == []


def test_it_compiles_once_per_shape_and_runs_every_time(org):
    calls = []
    read = Prepared(Unit, lambda n: calls.append(n) or _subtree(Arg("path"), ArgList("kinds", n)).values_list("code"))
    for _ in range(3):
        read.rows(1, path="/", kinds=["DEPARTMENT"])
        read.rows(2, path="/", kinds=["DEPARTMENT", "TOWN_CENTER"])
    assert calls == [1, 2]
    with CaptureQueriesContext(connection) as queries:  # the statement runs (nothing of the data is kept)
        assert read.rows(1, path="/", kinds=["DEPARTMENT"]) == [("D1",)]
    assert len(queries) == 1 and "LIKE" in queries[0]["sql"]


def test_values_list_with_annotations_keeps_the_order_asked_for(org):
    read = Prepared(Unit, lambda: Unit.objects.filter(code=Arg("code")).annotate(upper=F("code"), n=Count("children"))
                    .values_list("n", "code", "upper"))
    assert read.rows(code="C1") == list(Unit.objects.filter(code="C1").annotate(upper=F("code"), n=Count("children"))
                                        .values_list("n", "code", "upper"))
    assert read.rows(code="C1")[0][1:] == ("C1", "C1")


def test_objects_come_with_their_related_objects_and_converted_values(org):
    read = Prepared(Unit, lambda: Unit.objects.filter(code=Arg("code")).select_related("region", "parent__region"))
    [unit] = read.objects(code="T1")
    with CaptureQueriesContext(connection) as queries:
        assert (unit.pk, unit.region.name, unit.parent.code, unit.parent.region.code) == (
            org["town_center"].pk, "测试镇", "C1", "101")
    assert len(queries) == 0
    assert unit._state.adding is False and unit._state.db == "default"
    unit.name = "改名"
    unit.save(update_fields=["name"])  # a loaded instance like any other
    assert Unit.objects.get(code="T1").name == "改名"


def test_datetimes_are_converted_as_the_orm_converts_them(db):
    at = dt.datetime(2026, 12, 6, 8, 30, tzinfo=dt.UTC)
    Session.objects.create(session_key="k" * 32, session_data="x", expire_date=at)
    read = Prepared(Session, lambda: Session.objects.filter(session_key=Arg("key")).values_list("expire_date"))
    assert read.rows(key="k" * 32) == [(at,)] == list(Session.objects.values_list("expire_date"))
    [session] = Prepared(Session, lambda: Session.objects.filter(expire_date__gte=Arg("at"))).objects(at=at)
    assert session.expire_date == at


def test_what_it_does_not_prepare_is_refused(org):
    with pytest.raises(TypeError):
        Prepared(Unit, lambda: Unit.objects.values_list("code", flat=True)).rows()
    with pytest.raises(TypeError):
        Prepared(Unit, lambda: Unit.objects.prefetch_related("children")).objects()
    with pytest.raises(TypeError):
        Prepared(Unit, lambda: Unit.objects.distinct().values_list("kind")).rows()
    with pytest.raises(ValueError):
        ArgList("kinds", 0)


def test_an_argument_with_an_output_field_is_converted_by_it(org):
    """As a lookup on the field would: an int given for a text column is sent as text (PostgreSQL would refuse
    ``varchar = smallint``; SQLite would not notice)."""
    read = Prepared(Region, lambda: Region.objects.filter(code=Arg("code", CharField())).values_list("name"))
    assert read.rows(code=101) == [("测试县",)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side prepared statements are PostgreSQL's")
def test_behind_a_pooler_without_prepared_statements_they_can_be_turned_off(org, settings):
    settings.BIANMIN = {**settings.BIANMIN, "SERVER_PREPARED_READS": False}
    read = Prepared(Region, lambda: Region.objects.filter(code=Arg("code")).filter(level=Arg("level"))
                    .values_list("name"))
    assert read.rows(code="101", level="COUNTY") == [("测试县",)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['%"org_region"."level" = ($%'])
        assert cursor.fetchone()[0] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side prepared statements are PostgreSQL's")
def test_on_postgresql_the_statement_is_prepared_once_on_the_connection(org):
    read = Prepared(Region, lambda: Region.objects.filter(code=Arg("code")).values_list("name"))
    for code, name in (("101", "测试县"), ("10101", "测试镇"), ("101", "测试县")):
        with CaptureQueriesContext(connection) as queries:
            assert read.rows(code=code) == [(name,)]
        # the query log has the statement with its values, as for any other (bianmin.core.pgbackend)
        assert len(queries) == 1 and f"= ('{code}')" in queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['%FROM "org_region" WHERE "org_region"."code" = ($1)%'])
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement NOT LIKE %s", ["%($1)%"])
        others = cursor.fetchone()[0]
    # Django's own statements are not prepared (client-side binding): only the reads that ask for it are.
    Region.objects.filter(code="101").count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement NOT LIKE %s", ["%($1)%"])
        assert cursor.fetchone()[0] == others


def test_starts_with_an_argument_matches_as_startswith_with_the_value(org):
    """``starts_with`` (one definition of "under this path" for values and placeholders): the prefix is sent as
    one LIKE pattern, LIKE's own characters escaped as the ORM escapes a value."""
    odd = save_unit_named("/%_\\x/")
    read = Prepared(Unit, lambda: Unit.objects.filter(starts_with("path", Arg("path"))).order_by("code")
                    .values_list("code"))
    for prefix in (org["center"].path, org["town_center"].path, "/", "%", "_", "/%", "/%_\\", odd.path, "/nowhere/"):
        expected = list(Unit.objects.filter(starts_with("path", prefix)).order_by("code").values_list("code"))
        assert expected == list(Unit.objects.filter(path__startswith=prefix).order_by("code").values_list("code"))
        assert read.rows(path=prefix) == expected, prefix
    assert read.rows(path="/%_\\") == [(odd.code,)]
    assert "REPLACE" not in read.sql().upper()  # a generic plan would evaluate it on every row


def save_unit_named(path):
    """A unit whose stored path has LIKE's special characters (written directly: real paths are codes)."""
    unit = Unit.objects.order_by("pk").first()
    return Unit.objects.create(code="ODD", name="特殊", kind=unit.kind, region=unit.region, path=path,
                               county_id=unit.county_id)


def test_plain_values_become_literals_and_anything_else_stays_a_parameter():
    assert _literal("RECEIVED") == "'RECEIVED'"
    assert _literal("O'Brien 100%") == "'O''Brien 100%'"
    assert _literal(True) == "true" and _literal(False) == "false"
    assert _literal(7) == "7" and _literal(-7) is None  # a sign could join an operator before it
    assert _literal("a\0b") is None
    assert _literal("a\\b") is None  # a backslash's meaning depends on standard_conforming_strings: a parameter

    class Sly(str):
        def replace(self, *args):
            return str(self)

    assert _literal(Sly("a'b")) == "'a''b'"
    assert _literal(dt.date(2026, 1, 1)) is None and _literal(None) is None and _literal(1.5) is None
    assert _literal(RegionLevel.COUNTY) == "'COUNTY'"  # choices: their value, not their name


def test_inlining_keeps_the_percent_signs_and_the_order_of_the_arguments():
    slot_a, slot_b = _Slot("a"), _Slot("b")
    sql, params = _inline_constants("x LIKE '100%%' AND a = %s AND k IN (%s, %s) AND b = %s AND d = %s",
                                    [slot_a, "K'1", "50%", slot_b, dt.date(2026, 1, 1)])
    assert sql == "x LIKE '100%%' AND a = %s AND k IN ('K''1', '50%%') AND b = %s AND d = %s"
    assert params == (slot_a, slot_b, dt.date(2026, 1, 1))
    with pytest.raises(ValueError, match="fewer placeholders"):
        _inline_constants("a = %s", [1, 2])


@pytest.mark.django_db(transaction=True)
def test_a_locking_read_is_declared_and_runs_in_a_transaction(org):
    from django.db import transaction

    build = lambda: Region.objects.select_for_update().filter(code=Arg("code")).values_list("name")  # noqa: E731
    with pytest.raises(TypeError, match="write=True"):
        Prepared(Region, build).rows(code="101")
    locking = Prepared(Region, build, write=True)
    with pytest.raises(TypeError, match="inside a transaction"):
        locking.rows(code="101")
    with transaction.atomic():
        assert locking.rows(code="101") == [("测试县",)]


def test_fixed_values_give_the_same_rows_as_the_queryset(org):
    Region.objects.filter(code="10101").update(name="测'试%_\\镇")
    build = lambda: Region.objects.filter(name="测'试%_\\镇", level__in=[RegionLevel.TOWN, RegionLevel.VILLAGE],  # noqa: E731
                                          code__startswith=Arg("code")).values_list("code")
    read = Prepared(Region, build)
    assert read.rows(code="101") == [("10101",)]
    assert read.rows(code="9") == []
    if connection.vendor == "postgresql":
        assert "'测''试" not in read.sql()  # a backslash in it: sent as a parameter
        assert "'TOWN'" in read.sql()
    plain = Prepared(Region, lambda: Region.objects.filter(name="测'试%_镇", code__startswith=Arg("code"))
                     .values_list("code"))
    Region.objects.filter(code="10101").update(name="测'试%_镇")
    assert plain.rows(code="101") == [("10101",)]
    if connection.vendor == "postgresql":
        assert "'测''试%%_镇'" in plain.sql()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side prepared statements are PostgreSQL's")
def test_on_postgresql_a_prepared_read_is_planned_once_for_all_its_arguments(org):
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
    Prepared(Region, lambda: Region.objects.filter(code=Arg("code")).values_list("name")).rows(code="101")
    assert connection.connection.prepared_max == PREPARED_MAX >= 512  # not psycopg's 100: the hot reads stay
    read = Prepared(Unit, lambda: Unit.objects.filter(starts_with("path", Arg("path")), kind__in=["DEPARTMENT"])
                    .values_list("code"))
    for _ in range(3):
        assert read.rows(path=org["center"].path) == [("D1",)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['%"org_unit"."kind" IN (\'DEPARTMENT\')%'])
        assert cursor.fetchall() == [(3, 0)]
