import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from bianmin.accounts.roles import Role, group_name
from bianmin.cases import services as svc
from bianmin.cases.models import Case, CaseEvent, CaseMaterial, Notice
from bianmin.cases.workflow import CaseClass, Status
from bianmin.core.crypto import blind_index
from bianmin.core.validators import id_check_char
from bianmin.demo.models import PendingRebuild
from bianmin.demo.seed import seed_demo
from bianmin.demo.volume import generate, rows
from bianmin.demo.volume.context import formats
from bianmin.demo.volume.province import ensure_counties
from bianmin.org.models import Region, RegionLevel, StaffProfile, Unit
from bianmin.testing.factories import ID
from bianmin.workdays.selectors import get_calendar
from conftest import NOW

pytestmark = pytest.mark.django_db

TABLES = ("cases_case", "cases_caseevent", "cases_casematerial", "cases_notice", "cases_casepause",
          "cases_extension", "accountability_violation")


def test_seed_volume_makes_consistent_history_and_numbering_continues(django_user_model):
    seed_demo(NOW)
    call_command("seed_volume", "--cases", "300", "--days", "60", "--batch", "120")
    cases = list(Case.objects.all())
    assert len(cases) == 300 and len({c.number for c in cases}) == 300
    assert all(c.received_at.date() < timezone.localdate() for c in cases)
    statuses = {c.status for c in cases}
    assert Status.ARCHIVED in statuses and len(statuses) >= 5
    for case in cases[:50]:
        path = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("to_status", flat=True))
        assert path[0] == "RECEIVED" and path[-1] == case.status
        if case.accepted_at:
            assert case.first_handler_id and case.committed_deadline and case.case_class != CaseClass.PENDING
    # Real receipts after the bulk load get fresh numbers on any day.
    window1 = django_user_model.objects.get(username="window1")
    day = Case.objects.filter(unit__code="C01").order_by("received_at").first().received_at
    case = svc.receive_case(actor=window1, item_code="YX-0002", now=day + dt.timedelta(hours=1),
                            applicant={"name": "张三", "id_number": ID, "phone": "13800138000"})
    assert Case.objects.filter(number=case.number).count() == 1


def test_seed_volume_leaves_the_state_the_sweep_would_have_left(django_user_model):
    from bianmin.accountability.models import Violation
    from bianmin.cases.models import CasePause, Extension
    from bianmin.sweep.services import run_sweep

    seed_demo(NOW)
    call_command("seed_volume", "--cases", "3000", "--days", "200", "--batch", "1000", "--seed", "7")
    assert CasePause.objects.exists() and Extension.objects.exists()
    assert Violation.objects.filter(kind="OVERDUE_CASE").count() == Case.objects.filter(warning_level="RED").count()
    running = Case.objects.filter(status__in=["ACCEPTED", "IN_PROGRESS"])
    assert running.exists() and not running.filter(yellow_on__isnull=True).exists()
    assert not Case.objects.filter(decided_at__date__gte=timezone.localdate()).exists()
    assert not CasePause.objects.filter(started_on__gte=timezone.localdate()).exists()
    for pause in CasePause.objects.select_related("case__item_version")[:50]:
        assert pause.kind in pause.case.item_version.special_procedures
    counts = run_sweep(now=timezone.now())
    assert counts["overdue"] == counts["late_decisions"] == counts["stamped"] == 0, counts


def test_chinese_text_reaches_every_table_as_written():
    """The generator holds text as UTF-8 bytes in one-byte strings (``generate.wire``): every Chinese column reads
    back as the same text it was made from (the catalogue's, the staff's, the applicant's and the generator's own)."""
    from bianmin.accountability.models import Violation
    from bianmin.cases.models import CasePause, Extension
    from bianmin.catalog.models import Material
    from bianmin.demo.volume.context import GIVEN, SURNAMES

    seed_demo(NOW)
    call_command("seed_volume", "--cases", "3000", "--days", "200", "--batch", "1000", "--seed", "7")
    assert {n.content["title"] for n in Notice.objects.all()} == {"补正材料通知书", "受理通知书"}
    notice = Notice.objects.select_related("case").filter(kind="ACCEPTANCE").first()
    assert notice.content["case_number"] == notice.case.number and notice.number == f"SL-V-{notice.case.number}"
    names = dict(Material.objects.values_list("pk", "name"))
    assert not [m for m in CaseMaterial.objects.all() if m.name != names[m.material_id]]
    staff = {p.user_id: p.name for p in StaffProfile.objects.all()}
    assert not [e for e in CaseEvent.objects.all() if e.actor_name != staff[e.actor_id]]
    for case in Case.objects.order_by("?")[:50]:
        name = case.applicant_name
        assert len(name) == 3 and name[0] in SURNAMES and name[1] in GIVEN and name[2] in GIVEN, name
    delivered = Case.objects.filter(status__in=["DELIVERED", "ARCHIVED"])
    assert delivered.exists() and not delivered.exclude(delivered_to=F("applicant_name")).exists()
    assert set(CasePause.objects.values_list("basis", flat=True)) == {"依法需检验检测"}
    assert set(CasePause.objects.filter(ended_on__isnull=False).values_list("result", flat=True)) == {"合格"}
    assert set(Extension.objects.values_list("reason", flat=True)) == {"情况复杂，需进一步核查"}
    overdue = Violation.objects.filter(kind="OVERDUE_CASE").first()
    case = Case.objects.get(pk=overdue.dedupe_key.rsplit(":", 1)[1])
    assert overdue.description == f"办件{case.number}承诺办结日期为{case.committed_deadline:%Y-%m-%d}，超期"
    assert overdue.evidence == [{"label": f"办件 {case.number}", "url": f"/staff/cases/{case.number}/"}]


def test_every_row_carries_its_case_county_and_applicants_are_sealed_and_reused():
    seed_demo(NOW)
    call_command("seed_volume", "--cases", "2000", "--days", "30", "--batch", "500")
    assert not Case.objects.exclude(county_id=F("unit__county_id")).exists()
    for model in (CaseEvent, CaseMaterial, Notice):
        assert model.objects.exists() and not model.objects.exclude(county_id=F("case__county_id")).exists()
    # A pool of sealed people, each applying more than once; every copy decrypts and matches its blind index.
    assert Case.objects.values("applicant_id_index").distinct().count() < 2000
    for case in Case.objects.order_by("?")[:20]:
        plain = case.applicant_id_number
        assert plain[17] == id_check_char(plain[:17]) and case.applicant_id_index == blind_index("id", plain)
        assert case.applicant_phone_masked.endswith(case.applicant_phone[-4:])


def test_step_times_follow_each_other_and_end_before_today():
    seed_demo(NOW)
    call_command("seed_volume", "--cases", "1500", "--days", "60", "--batch", "500")
    cases = Case.objects.all()
    assert not cases.filter(decided_at__lt=F("received_at")).exists()
    assert not cases.filter(accepted_at__lt=F("received_at")).exists()
    delivered = cases.filter(status__in=["DELIVERED", "ARCHIVED"])
    assert delivered.exists() and not delivered.filter(delivered_at__isnull=True).exists()
    assert not delivered.filter(Q(delivered_at__lt=F("decided_at")) | ~Q(closed_at=F("delivered_at"))).exists()
    assert not cases.filter(status__in=["NOT_ACCEPTED", "RETURNED", "WITHDRAWN"], closed_at__isnull=True).exists()
    assert not cases.filter(status__in=["ACCEPTED", "IN_PROGRESS", "DECIDED"], closed_at__isnull=False).exists()
    start_of_today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    assert not CaseEvent.objects.filter(at__gte=start_of_today).exists()
    assert not CaseEvent.objects.filter(action="DECIDE").exclude(at=F("case__decided_at")).exists()
    assert not CaseEvent.objects.filter(action="DELIVER").exclude(at=F("case__delivered_at")).exists()
    for case in cases.order_by("?")[:30]:
        times = list(case.events.order_by("id").values_list("at", flat=True))
        assert times == sorted(times)


def test_worker_processes_load_every_case_once():
    seed_demo(NOW)
    call_command("seed_volume", "--cases", "1500", "--days", "40", "--batch", "100", "--workers", "2")
    assert Case.objects.count() == 1500 and Case.objects.values("number").distinct().count() == 1500
    assert CaseEvent.objects.values("case_id").distinct().count() == 1500


def test_batches_made_in_worker_processes_arrive_byte_for_byte_and_leave_no_file(tmp_path, monkeypatch):
    """The workers hand each batch over as a file (``generate.generate_to_file``): the parent gets, table by table,
    exactly the COPY text the same batch has when made in its own process, and the files are gone afterwards."""
    from bianmin.demo.management.commands.seed_volume import Command
    from bianmin.demo.volume.context import build_context, plan_batches

    seed_demo(NOW)
    ctx = build_context(seed=3, days=30, cases=600)
    first_ids = dict.fromkeys(generate.IDS_PER_CASE, 1)
    batches, _last = plan_batches(ctx, cases=600, days=30, batch=100, first_ids=first_ids, last_numbers={})
    monkeypatch.setattr("bianmin.demo.management.commands.seed_volume.SHARED_MEMORY", str(tmp_path))
    in_process = [(n, dict(parts)) for n, parts in Command._produce(ctx, batches, workers=0)]
    handed = [(n, {name: bytes(data) for name, data in parts.items()})
              for n, parts in Command._produce(ctx, batches, workers=2)]
    assert handed == in_process and len(handed) == len(batches) > 2
    assert list(in_process[0][1]) == list(generate.TABLES) and in_process[0][1]["event"]
    assert list(tmp_path.iterdir()) == []


def test_ids_written_with_the_rows_are_unique_and_live_rows_get_fresh_ones(django_user_model):
    """Cases, events, materials and notices get their ids from blocks reserved up front (``IDS_PER_CASE`` a case,
    a block a batch); rows written afterwards take ids after them."""
    seed_demo(NOW)
    call_command("seed_volume", "--cases", "900", "--days", "30", "--batch", "200")
    for model in (CaseEvent, CaseMaterial, Notice):
        ids = list(model.objects.values_list("id", flat=True))
        assert len(ids) == len(set(ids)) and model.objects.exists()
    # Each case's events in the order they happened (ids within a case ascend with the steps).
    for case in Case.objects.order_by("?")[:20]:
        by_id = list(case.events.order_by("id").values_list("to_status", flat=True))
        assert by_id[0] == "RECEIVED" and by_id[-1] == case.status
    last = {model: model.objects.order_by("-id").values_list("id", flat=True).first()
            for model in (Case, CaseEvent, Notice)}
    window1 = django_user_model.objects.get(username="window1")
    case = svc.receive_case(actor=window1, item_code="YX-0002", now=timezone.now(),
                            applicant={"name": "张三", "id_number": ID, "phone": "13800138000"})
    assert case.pk > last[Case] and case.events.get().pk > last[CaseEvent]


def test_live_numbering_continues_after_seeding_into_days_that_already_have_receipts(django_user_model):
    seed_demo(NOW)
    window1 = django_user_model.objects.get(username="window1")
    center = Unit.objects.get(code="C01")
    calendar = get_calendar(center.region)
    day = timezone.localdate() - dt.timedelta(days=1)
    while not calendar.is_workday(day):  # the last working day before today
        day -= dt.timedelta(days=1)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    applicant = {"name": "张三", "id_number": ID, "phone": "13800138000"}
    first = svc.receive_case(actor=window1, item_code="YX-0002", now=at, applicant=applicant)
    call_command("seed_volume", "--cases", "400", "--days", "6", "--batch", "100")
    seeded = list(Case.objects.filter(unit=center, received_at__date=day).exclude(pk=first.pk)
                  .values_list("number", flat=True))
    assert seeded and all(n > first.number for n in seeded)  # numbered after the live receipt
    later = svc.receive_case(actor=window1, item_code="YX-0002", now=at + dt.timedelta(hours=6),
                             applicant=applicant)
    assert later.number == f"{first.number[:-4]}{len(seeded) + 2:04d}"  # no number skipped, none reused


@pytest.mark.postgres
@pytest.mark.parametrize("rebuild_from", ["0", "1000"])  # a large load (indexes dropped, rebuilt), a small one
def test_a_load_leaves_every_index_and_key_as_the_database_defined_them_and_no_key_dangling(rebuild_from):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")
    seed_demo(NOW)
    before = _schema()
    call_command("seed_volume", "--cases", "600", "--days", "30", "--batch", "200", "--rebuild-from", rebuild_from)
    assert Case.objects.count() == 600
    assert _schema() == before
    assert _dangling_keys() == []


@pytest.mark.postgres
def test_a_failed_large_load_leaves_no_rows_and_every_index_in_place(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")
    seed_demo(NOW)
    before = _schema()
    real, calls = generate.generate, []

    def failing(ctx, batch):
        calls.append(batch.index)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(ctx, batch)

    monkeypatch.setattr(generate, "generate", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        call_command("seed_volume", "--cases", "600", "--days", "30", "--batch", "200", "--rebuild-from", "0")
    assert calls == [0, 1] and not Case.objects.exists()
    assert _schema() == before
    assert not PendingRebuild.objects.exists()  # the ledger went with the drops


@pytest.mark.postgres
def test_the_ledger_is_written_in_the_loads_transaction_with_every_drop(monkeypatch):
    """While the rows go in, every index and key the load dropped has its ledger row (same transaction); after the
    load nothing is left in it."""
    from bianmin.demo.volume.load import PostgresLoader

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")
    seed_demo(NOW)
    before = _schema()
    seen = []
    real = PostgresLoader.write

    def write(self, parts):
        if not seen:
            now = _schema()
            gone = {(t, n) for t, n, _d in before["indexes"]} - {(t, n) for t, n, _d in now["indexes"]}
            gone |= {(t, n) for t, n, *_r in before["constraints"]} - {(t, n) for t, n, *_r in now["constraints"]}
            seen.append((gone, set(PendingRebuild.objects.values_list("table", "name"))))
        return real(self, parts)

    monkeypatch.setattr(PostgresLoader, "write", write)
    call_command("seed_volume", "--cases", "600", "--days", "30", "--batch", "200", "--rebuild-from", "0")
    gone, ledger = seen[0]
    assert gone and ledger == gone
    assert _schema() == before and not PendingRebuild.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_stopped_after_the_commit_is_completed_by_the_next_run_and_warned_about_until_then(monkeypatch):
    """The load commits, the rebuild on two connections of its own fails part way: the rows stay, what is missing
    stays in the ledger, ``check`` warns; ``--finish`` puts everything back, and a later load first completes a
    ledger left again."""
    from django.core import checks

    from bianmin.demo.volume import rebuild

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")
    seed_demo(NOW)
    before = _schema()
    real, calls = rebuild._put_back, []

    def failing(cursor, quote, item):
        calls.append(item.name)
        if len(calls) == 5:
            raise RuntimeError("connection lost")
        return real(cursor, quote, item)

    monkeypatch.setattr(rebuild, "_put_back", failing)
    with pytest.raises(RuntimeError, match="connection lost"):
        call_command("seed_volume", "--cases", "600", "--days", "30", "--batch", "200", "--rebuild-from", "0")
    assert Case.objects.count() == 600  # committed
    left = set(PendingRebuild.objects.values_list("table", "name"))
    assert left and _schema() != before
    # Every primary key, unique constraint and foreign key is back from the commit on (the keys' old rows not yet
    # validated): only plain indexes and validations are left.
    assert {c[:2] for c in _schema()["constraints"]} == {c[:2] for c in before["constraints"]}
    assert set(PendingRebuild.objects.values_list("kind", flat=True)) <= {"index", "foreign key"}
    warnings = [w for w in checks.run_checks(databases=["default"]) if w.id == "demo.W001"]
    assert len(warnings) == 1 and f"仍有 {len(left)} 项索引或外键验证未完成" in warnings[0].msg
    assert "seed_volume --finish" in warnings[0].hint

    monkeypatch.setattr(rebuild, "_put_back", real)
    call_command("seed_volume", "--finish")
    assert not PendingRebuild.objects.exists() and _schema() == before and _dangling_keys() == []
    assert not [w for w in checks.run_checks(databases=["default"]) if w.id == "demo.W001"]

    # Stopped again; the next load finishes the ledger before it drops anything.
    calls.clear()
    monkeypatch.setattr(rebuild, "_put_back", failing)
    with pytest.raises(RuntimeError, match="connection lost"):
        call_command("seed_volume", "--cases", "600", "--days", "30", "--batch", "200", "--rebuild-from", "0",
                     "--seed", "2")
    monkeypatch.setattr(rebuild, "_put_back", real)
    call_command("seed_volume", "--cases", "600", "--days", "30", "--batch", "200", "--rebuild-from", "0",
                 "--seed", "3")
    assert Case.objects.count() == 1800 and Case.objects.values("number").distinct().count() == 1800
    assert not PendingRebuild.objects.exists() and _schema() == before and _dangling_keys() == []


def test_check_warns_while_the_ledger_has_items():
    """``manage.py check --database default`` (and ``migrate``) warn; a check without a database does not read it."""
    from django.core import checks

    assert not [w for w in checks.run_checks(databases=["default"]) if w.id == "demo.W001"]
    PendingRebuild.objects.create(table="cases_case", name="cases_case_received_at_6c788240", kind="index",
                                  definition="CREATE INDEX …")
    (warning,) = [w for w in checks.run_checks(databases=["default"]) if w.id == "demo.W001"]
    assert not [w for w in checks.run_checks() if w.id == "demo.W001"]
    assert "仍有 1 项索引或外键验证未完成（cases_case.cases_case_received_at_6c788240）" in warning.msg
    PendingRebuild.objects.all().delete()
    assert not [w for w in checks.run_checks(databases=["default"]) if w.id == "demo.W001"]


def test_a_column_the_generator_does_not_write_stops_the_command():
    assert generate.QUERY_ALPHABET == svc.QUERY_ALPHABET  # query codes drawn as receipt draws them
    fmt = formats()["case"]
    assert "county_id" in fmt.scope and "unit_id" in fmt.scope  # filled from the case's unit
    with pytest.raises(rows.MissingColumn, match="cases_case.item_version_id"):
        rows.table_format(Case, tuple(c for c in fmt.columns if c != "item_version_id"))


def test_counties_are_added_once_with_their_centers_and_window_staff():
    seed_demo(NOW)
    assert ensure_counties(3) == {"counties": 2, "units": 8, "staff": 40}
    assert ensure_counties(3) == {"counties": 0, "units": 0, "staff": 0}
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    assert counties.count() == 3
    new = Unit.objects.filter(code__startswith="X002")
    assert {u.county_id for u in new} == {Region.objects.get(code="369902").pk}
    assert StaffProfile.objects.filter(unit__in=new, user__groups__name=group_name(Role.WINDOW)).count() == 20
    call_command("seed_volume", "--cases", "600", "--days", "20", "--batch", "200")
    assert Case.objects.values("county_id").distinct().count() == 3


def _schema() -> dict[str, list]:
    """Return every index definition and constraint of the loaded tables, as the catalogue states them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                       "ORDER BY 1, 2", [list(TABLES)])
        indexes = cursor.fetchall()
        # Their own constraints, and other tables' foreign keys to them (a load may drop and re-add those too).
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated "
                       "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) "
                       "OR confrelid::regclass::text = ANY(%s) ORDER BY 1, 2", [list(TABLES), list(TABLES)])
        constraints = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM pg_index WHERE NOT (indisvalid AND indisready) "
                       "AND indrelid::regclass::text = ANY(%s)", [list(TABLES)])
        invalid = cursor.fetchone()[0]
    return {"indexes": indexes, "constraints": constraints, "invalid": [invalid]}


def _dangling_keys() -> list[str]:
    """Return the foreign keys of the loaded tables that some row breaks (the load does not check them row by
    row: it checks them here)."""
    broken = []
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.conname, c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)""", [list(TABLES)])
        for name, table, column, target, key in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '  # noqa: S608
                           f'(SELECT 1 FROM "{target}" r WHERE r."{key}" = t."{column}")')
            if cursor.fetchone()[0]:
                broken.append(name)
    return broken


def test_seed_volume_refuses_outside_demo_mode(settings):
    """Like seed_demo: it writes demo accounts and synthetic cases, never into a real county's database."""
    from django.core.management.base import CommandError

    settings.BIANMIN = {**settings.BIANMIN, "DEMO_MODE": False}
    with pytest.raises(CommandError, match="演示模式"):
        call_command("seed_volume", "--cases", "10")


def test_batches_go_to_the_tmpfs_only_when_it_has_room_for_them(tmp_path):
    """A container's small /dev/shm is passed over for the system's temporary directory (the batches in flight would
    not fit)."""
    from bianmin.demo.management.commands.seed_volume import _room_for

    assert _room_for(str(tmp_path), 1)
    assert not _room_for(str(tmp_path / "absent"), 1)
    assert not _room_for(str(tmp_path), 10**15)  # more than any disk


def test_finish_takes_no_cases_and_cases_or_finish_is_needed(settings):
    from django.core.management.base import CommandError

    settings.BIANMIN = {**settings.BIANMIN, "DEMO_MODE": True}
    with pytest.raises(CommandError, match="--finish"):
        call_command("seed_volume", "--finish", "--cases", "10")
    with pytest.raises(CommandError, match="--cases"):
        call_command("seed_volume")



def _sigterm_handler(_task: object) -> str:
    import signal

    return str(signal.getsignal(signal.SIGTERM))  # in the worker


def test_the_workers_end_on_the_pools_sigterm_whatever_this_process_does_with_it():
    """A consumer that stops early ends the pool with SIGTERM (``Pool.terminate``). A forked worker inherits this
    process's handlers, and one that only took note of SIGTERM kept the pool waiting forever (seen once in CI, after
    another command had left its handler behind): the workers start with the default handler."""
    import signal

    from bianmin.demo.management.commands.seed_volume import _workers

    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        pool = _workers(2)
        try:
            found = set(pool.map(_sigterm_handler, [0, 1], chunksize=1))
        finally:
            pool.close()  # ended by their queue, not by a signal: no wait on a regression
            pool.join()
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert found == {str(signal.SIG_DFL)}
