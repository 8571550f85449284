"""Ready for Citus (issue 16 item 5): every statement of the hot paths that touches a distributed table names the
county it belongs to (``bianmin.core.distribution``; docs/scaling.md, "Citus").

The workbench, a case page, receipt (the staff form and ``POST /api/v1/cases``), acceptance (the case page's button
and the API; receipt and acceptance in one request from both) run through Django's test client, and the sweep's
services over a day on which cases in two counties change, while every statement is captured; any statement on a
distributed table without its county fails the test with the statement. The negative tests prove the check bites:
the same pages with the county filter taken out of ``visible_cases`` fail it, and hand-written statements without
the key are reported.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.accounts.roles import Role
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent, RefusedSupplement
from bianmin.core.distribution import (
    DISTRIBUTED_TABLES,
    Colocated,
    Unkeyed,
    citus_statements,
    missing_key,
    reference_tables,
)
from bianmin.core.prepared import forget_prepared
from bianmin.org.models import Region, RegionLevel, Unit, UnitKind
from bianmin.org.services import save_region, save_unit
from bianmin.sweep.services import run_sweep
from bianmin.testing.cases import GRANT, receive
from bianmin.testing.factories import ALL_GOOD, ID, at, make_item, receive_form
from conftest import api_token_headers, make_user, sign_in

pytestmark = pytest.mark.django_db
MON = dt.date(2026, 3, 2)
FROZEN = at(MON)
SWEEP_DAY = dt.date(2026, 3, 17)  # SP-01's 10 working days from Monday 3/2 end on 3/16


@contextmanager
def keyed(label: str) -> Iterator[CaptureQueriesContext]:
    """Capture every statement of the block; fail naming the statements on distributed tables without the key."""
    with CaptureQueriesContext(connection) as captured:
        yield captured
    bad = [miss for query in captured.captured_queries for miss in missing_key(query["sql"])]
    assert not bad, f"{label}: {len(bad)} statement(s) on distributed tables without the county:\n" + "\n\n".join(
        str(b) for b in bad)


def touched(captured: CaptureQueriesContext) -> set[str]:
    """Return the distributed tables the captured statements name (so a test can show it exercised them)."""
    return {t for q in captured.captured_queries for t in DISTRIBUTED_TABLES if f'"{t}"' in q["sql"]}


@pytest.fixture
def far(org, django_user_model):
    """A second county (102) with its center C2 and window clerk ``far_window``."""
    county = save_region(Region(code="102", name="邻县", level=RegionLevel.COUNTY))
    center = save_unit(Unit(code="C2", name="邻县政务服务中心", kind=UnitKind.COUNTY_CENTER, region=county))
    return {"county": county, "center": center,
            "clerk": make_user(django_user_model, "far_window", Role.WINDOW, center)}


# ---- the hot paths ------------------------------------------------------------------------------------------------

@time_machine.travel(FROZEN, tick=False)
def test_receive_accept_workbench_and_case_page_say_the_county(client, cast, item, org):
    sign_in(client, cast["window_a"])
    with keyed("receive (staff form)") as c:
        r = client.post("/staff/cases/new/", receive_form(item))
    assert r.status_code == 302, r.content.decode()[:500]
    assert {"cases_case", "cases_casematerial", "cases_caseevent"} <= touched(c)
    number = r["Location"].rstrip("/").rsplit("/", 1)[-1]
    case = Case.objects.get(number=number)
    assert case.county_id == org["county"].pk == org["center"].county_id
    assert set(case.materials.values_list("county_id", flat=True)) == {org["county"].pk}

    with keyed("accept (case page)") as c:
        r = client.post(f"/staff/cases/{number}/", {"action": "accept"})
    assert r.status_code == 302 and Case.objects.get(number=number).status == "ACCEPTED"
    assert {"cases_case", "cases_notice", "cases_caseevent"} <= touched(c)

    with keyed("workbench") as c:
        r = client.get("/staff/work/")
    assert r.status_code == 200 and number in r.content.decode()
    assert "cases_case" in touched(c)

    with keyed("case page") as c:
        r = client.get(f"/staff/cases/{number}/")
    assert r.status_code == 200 and number in r.content.decode()
    assert {"cases_case", "cases_casematerial", "cases_caseevent", "cases_notice", "cases_extension"} <= touched(c)

    headers = api_token_headers(client, "window_a")
    body = {"item": "SP-01", "applicant": {"kind": "PERSON", "name": "李四", "id_number": ID, "phone": "13800138001"},
            "materials": [{"material": "申请书", "received_as": "PAPER"}, {"material": "场所平面图"}]}
    with keyed("receive (API)"):
        r = client.post("/api/v1/cases", body, content_type="application/json", headers=headers)
    assert r.status_code == 201, r.content
    second = r.json()["number"]
    with keyed("accept (API)"):
        r = client.post(f"/api/v1/cases/{second}/accept", {}, content_type="application/json", headers=headers)
    assert r.status_code == 200, r.content
    with keyed("case (API)"):
        assert client.get(f"/api/v1/cases/{second}", headers=headers).status_code == 200
    with keyed("receive and accept in one request (API)"):
        r = client.post("/api/v1/cases", {**body, "accept": {}}, content_type="application/json", headers=headers)
    assert r.status_code == 201 and r.json()["status"] == "ACCEPTED", r.content
    with keyed("receive and accept in one request (staff form)"):
        r = client.post("/staff/cases/new/", {**receive_form(item), "accept": "1"})
    assert r.status_code == 302
    assert Case.objects.get(number=r["Location"].rstrip("/").rsplit("/", 1)[-1]).status == "ACCEPTED"


def test_a_case_page_with_every_list_says_the_county(client, cast, item):
    """A case with a finished and a running pause, an approved extension, a fee, a comment and a transfer request:
    the page reads each list, keyed."""
    from bianmin.testing.cases import paused_and_extended

    day = dt.date(2026, 9, 25)
    case = paused_and_extended(cast, day)
    clerk = cast["window_a"]
    fee = item.fees.get()
    svc.record_fee(actor=clerk, number=case.number, fee_id=fee.pk, amount="10.00", receipt_number="PJ-0001",
                   now=at(dt.date(2026, 10, 20)))
    svc.add_comment(actor=clerk, number=case.number, text="已电话联系申请人", now=at(dt.date(2026, 10, 20)))
    svc.request_transfer(actor=clerk, number=case.number, to_badge="B-window_b", reason="岗位调整",
                         now=at(dt.date(2026, 10, 20)))
    sign_in(client, clerk)
    with time_machine.travel(at(dt.date(2026, 10, 20), 10), tick=False), keyed("case page (every list)") as c:
        r = client.get(f"/staff/cases/{case.number}/")
    assert r.status_code == 200
    assert {"cases_casepause", "cases_extension", "cases_feepayment", "cases_transfer"} <= touched(c)


def _day_of_changes(cast, org, far) -> dict[str, Case]:
    """Cases of both counties that the sweep on SWEEP_DAY changes: overdue and never started (one per county), an
    application never reviewed (deemed accepted), a yellow one, a refused further 补正, a 补办件 past its due
    date, a case decided late, one decided and not delivered, and one without its yellow day (bulk-loaded)."""
    make_item(cast, org, "RQ-01", name="容缺事项", deferred_due_days=3)
    clerk, far_clerk = cast["window_a"], far["clerk"]
    cases = {"overdue": receive(cast, day=MON), "far": receive({**cast, "far": far_clerk}, who="far", day=MON)}
    for case in cases.values():
        svc.accept_case(actor=case.received_by.user, number=case.number, now=at(MON))
    cases["deemed"] = receive(cast, day=dt.date(2026, 3, 9))
    cases["yellow"] = receive(cast, day=dt.date(2026, 3, 6))
    svc.accept_case(actor=clerk, number=cases["yellow"].number, now=at(dt.date(2026, 3, 6)))
    svc.start_case(actor=clerk, number=cases["yellow"].number, now=at(dt.date(2026, 3, 6), 10))
    cases["refused"] = receive(cast, day=SWEEP_DAY - dt.timedelta(days=1))
    RefusedSupplement.objects.create(case=cases["refused"], county_id=cases["refused"].county_id, at=at(MON),
                                     actor=clerk, reason="未说明理由", attempted=["申请书"])
    cases["deferred"] = receive(cast, code="RQ-01", materials=ALL_GOOD[:1], day=dt.date(2026, 3, 9))
    svc.accept_case(actor=clerk, number=cases["deferred"].number, now=at(dt.date(2026, 3, 9)))
    cases["late"] = receive(cast, day=MON)
    svc.accept_case(actor=clerk, number=cases["late"].number, now=at(MON))
    svc.start_case(actor=clerk, number=cases["late"].number, now=at(MON, 10))
    svc.decide_case(actor=clerk, number=cases["late"].number, outcome="GRANTED", now=at(SWEEP_DAY, 8), **GRANT)
    cases["untold"] = receive(cast, day=MON)  # the result is due 10 working days after the decision: 3/16
    svc.accept_case(actor=clerk, number=cases["untold"].number, now=at(MON))
    svc.start_case(actor=clerk, number=cases["untold"].number, now=at(MON, 10))
    svc.decide_case(actor=clerk, number=cases["untold"].number, outcome="GRANTED", now=at(MON, 11), **GRANT)
    cases["unstamped"] = receive(cast, day=dt.date(2026, 3, 11))
    svc.accept_case(actor=clerk, number=cases["unstamped"].number, now=at(dt.date(2026, 3, 11)))
    Case.objects.filter(pk=cases["unstamped"].pk).update(yellow_on=None)
    return cases


def test_the_sweep_names_the_county_of_every_row_in_both_counties(cast, item, org, far):
    cases = _day_of_changes(cast, org, far)
    with keyed("sweep") as c:
        counts = run_sweep(now=at(SWEEP_DAY))
    changed = {name for name, n in counts.items() if isinstance(n, int) and n}
    assert {"overdue", "deemed_accepted", "unjustified_supplements", "yellow", "not_started", "deferred_overdue",
            "late_decisions", "result_not_told", "stamped"} <= changed, counts
    assert counts["overdue"] >= 2  # one in each county: the sweep went through both
    assert Case.objects.get(pk=cases["far"].pk).warning_level == "RED"
    assert {"cases_case", "cases_caseevent", "cases_casepause", "cases_refusedsupplement"} <= touched(c)
    assert CaseEvent.objects.filter(action="OVERDUE", county_id=far["county"].pk).count() == 1
    with keyed("sweep again"):
        again = run_sweep(now=at(SWEEP_DAY, 10))
    assert not any(n for n in again.values() if isinstance(n, int)), again


# ---- the check itself ---------------------------------------------------------------------------------------------

def test_taking_the_county_out_of_the_scope_fails_the_check(client, cast, item, monkeypatch):
    """The filter that ``visible_cases`` (``scoped_cases``) adds is what keeps the workbench and the case page
    keyed: without it the same requests fail."""
    from bianmin.cases import policies, selectors
    from bianmin.org.policies import scope_path

    case = receive(cast)
    svc.accept_case(actor=cast["window_a"], number=case.number, now=at(MON))

    def unkeyed_scope(user):
        return Case.objects.filter(unit_path__startswith=scope_path(user))

    def unkeyed(county, path):
        return Case.objects.filter(unit_path__startswith=path)

    monkeypatch.setattr(policies, "visible_cases", unkeyed_scope)
    monkeypatch.setattr(selectors, "visible_cases", unkeyed_scope)
    monkeypatch.setattr(policies, "scoped_cases", unkeyed)  # what the prepared reads are built from
    monkeypatch.setattr(selectors, "scoped_cases", unkeyed)
    forget_prepared()  # compiled by earlier tests with the county
    sign_in(client, cast["window_a"])
    for url in ("/staff/work/", f"/staff/cases/{case.number}/"):
        with CaptureQueriesContext(connection) as captured, time_machine.travel(FROZEN, tick=False):
            assert client.get(url).status_code == 200
        found = [m for q in captured.captured_queries for m in missing_key(q["sql"])]
        assert "cases_case" in {m.table for m in found}, (url, found)


@pytest.mark.parametrize(("sql", "tables"), [
    ('SELECT "cases_case"."id" FROM "cases_case" WHERE "cases_case"."number" = \'C1202603020001\'', ["cases_case"]),
    ('UPDATE "cases_case" SET "warning_level" = \'RED\' WHERE "cases_case"."id" IN (1, 2)', ["cases_case"]),
    ('DELETE FROM "cases_caseevent" WHERE "cases_caseevent"."case_id" = 1', ["cases_caseevent"]),
    ('INSERT INTO "cases_caseevent" ("case_id", "at") VALUES (1, \'county_id = 1\')', ["cases_caseevent"]),
    # keyed case, unkeyed join (Citus cannot route the extension: it is not joined on the county)
    ('SELECT 1 FROM "cases_case" LEFT OUTER JOIN "cases_extension" ON ("cases_case"."id" = '
     '"cases_extension"."case_id") WHERE "cases_case"."county_id" = 1', ["cases_extension"]),
    # a subquery under its own alias needs its own county
    ('SELECT 1 FROM "cases_case" WHERE "cases_case"."county_id" = 1 AND EXISTS(SELECT 1 FROM "cases_casepause" U0 '
     'WHERE U0."case_id" = ("cases_case"."id"))', ["cases_casepause"]),
    # counties joined to each other but none chosen: every shard
    ('SELECT 1 FROM "cases_casepause" U0 JOIN "cases_case" V0 ON U0."county_id" = V0."county_id"',
     ["cases_casepause", "cases_case"]),
    # a bare county_id counts for a statement naming one table only
    ('SELECT EXISTS (SELECT 1 FROM "cases_feepayment" WHERE county_id = 1), EXISTS (SELECT 1 FROM "cases_casefile" '
     'WHERE case_id = 1)', ["cases_feepayment", "cases_casefile"]),
    ('SELECT 1 FROM "cases_case" FOR UPDATE', ["cases_case"]),
])
def test_statements_without_the_county_are_reported(sql, tables):
    assert [m.table for m in missing_key(sql)] == tables


@pytest.mark.parametrize("sql", [
    'SELECT "cases_case"."id" FROM "cases_case" WHERE ("cases_case"."county_id" = 7 AND "cases_case"."number" = %s)',
    'SELECT 1 FROM "cases_case" WHERE "cases_case"."county_id" IN (1, 2) FOR UPDATE OF "cases_case" SKIP LOCKED',
    'UPDATE "cases_case" SET "version" = 2 WHERE ("cases_case"."county_id" = 1 AND "cases_case"."id" = 3)',
    'INSERT INTO "cases_caseevent" ("case_id", "county_id", "at") VALUES (1, 1, \'2026-03-02\')',
    'SELECT 1 FROM "cases_case" WHERE ("cases_case"."county_id" = 1 AND NOT EXISTS(SELECT 1 AS "a" FROM '
    '"cases_casepause" U0 WHERE (U0."county_id" = ("cases_case"."county_id") AND U0."case_id" = ("cases_case"."id"))))',
    'SELECT 1 FROM "cases_notice" WHERE %s = "cases_notice"."county_id"',
    # not distributed: counters, the audit trail, a literal that mentions a case table
    'UPDATE "cases_casecounter" SET "last" = 3 WHERE "cases_casecounter"."id" = 1',
    'INSERT INTO "audit_auditentry" ("summary") VALUES (\'FROM "cases_case" WHERE id = 1\')',
])
def test_keyed_and_undistributed_statements_pass(sql):
    assert missing_key(sql) == []


def test_unkeyed_is_readable():
    assert str(Unkeyed("cases_case", 'SELECT "a", "b" FROM "cases_case"')) == 'cases_case: SELECT … FROM "cases_case"'


# ---- the placement of the tables ----------------------------------------------------------------------------------

def test_the_distributed_tables_are_the_colocated_models():
    colocated = {m._meta.db_table for m in apps.get_models() if issubclass(m, Colocated)}
    assert colocated == set(DISTRIBUTED_TABLES)
    assert DISTRIBUTED_TABLES[0] == "cases_case"  # the anchor of the co-location group


def test_every_table_a_distributed_one_points_to_is_a_reference_table():
    references = reference_tables()  # raises if a reference table pointed back into a distributed one
    assert {"org_region", "org_unit", "org_staffprofile", "users_user", "catalog_itemversion"} <= set(references)
    assert "org_absence" in references  # read inside the case page's read (JOINED_REFERENCE_TABLES)
    assert not set(references) & set(DISTRIBUTED_TABLES)
    ddl = citus_statements(references)
    assert "SELECT create_distributed_table('cases_case', 'county_id');" in ddl
    assert ("SELECT create_distributed_table('cases_caseevent', 'county_id', colocate_with => 'cases_case');"
            in ddl)
    assert "SELECT create_reference_table('org_region');" in ddl


def test_a_unit_with_cases_keeps_its_county(cast, item, org, far):
    from bianmin.core.errors import DomainError

    receive(cast, who="town_window")
    town = org["town_center"]
    town.parent, town.region = None, far["county"]
    Unit.objects.filter(parent=town).update(parent=None)  # leave it no units below: only its cases hold it
    with pytest.raises(DomainError) as exc:
        save_unit(town)
    assert "已有办件" in exc.value.fields["region"][0]
