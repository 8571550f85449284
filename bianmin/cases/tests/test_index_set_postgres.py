"""The case tables keep one index per way they are read, and no twin (migrations 0023 and 0024, decision 0031): every
lookup the pages make still has an index, and the indexes no query read are gone (each one cost every write and the
bulk load of ``seed_volume``)."""
import pytest
from django.db import connection

from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.selectors import search_cases
from bianmin.testing.cases import receive
from bianmin.testing.factories import ID

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")


def indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def single_column(table: str, column: str) -> list[str]:
    """Return the definitions of ``table``'s single-column B-tree indexes on ``column``."""
    ends = (f"({column})", f"({column} varchar_pattern_ops)")
    return sorted(d for d in indexes(table).values() if "USING btree" in d and d.endswith(ends))


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
        cursor.execute("ANALYZE cases_caseevent")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small: show which index can serve
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_no_twin_indexes_are_left(postgres_only):
    names = set(indexes("cases_case"))
    assert not names & {"case_workbench_idx", "case_scope_status_idx"}
    for column in ("applicant_id_index", "applicant_phone_index", "applicant_phone_last4", "unit_path"):
        assert [d for d in single_column("cases_case", column) if "varchar_pattern_ops" in d], column
        assert [d for d in single_column("cases_case", column) if "varchar_pattern_ops" not in d] == [], column
    assert single_column("cases_case", "applicant_name") == []
    assert "gin_trgm_ops" in indexes("cases_case")["case_applicant_name_trgm_idx"]
    for table in ("cases_case", "cases_notice"):
        assert [d for d in single_column(table, "number") if "UNIQUE" in d], table
        assert [d for d in single_column(table, "number") if "varchar_pattern_ops" in d] == [], table
    assert single_column("cases_caseevent", "case_id") == []
    assert any("(case_id, at)" in d for d in indexes("cases_caseevent").values())


# Foreign keys whose own index no query reads (migration 0024, decision 0031 session 14): accounts and staff profiles
# are deactivated, not deleted, and the deletion's check (Django's PROTECT, the database's key) is their only reader.
UNINDEXED_KEYS = [("cases_case", "accepted_by_id"), ("cases_case", "deferred_exception_by_id"),
                  ("cases_caseevent", "actor_id"), ("cases_notice", "created_by_id")]
# Foreign keys that keep theirs: read by the pages, the statistics or the sweep (received_by, first_handler, unit), or
# checked when a draft item version or a draft's material is deleted in the admin, a routine edit of the catalogue
# that must not scan every case or checklist line (item_version, material).
INDEXED_KEYS = [("cases_case", "received_by_id"), ("cases_case", "first_handler_id"), ("cases_case", "unit_id"),
                ("cases_case", "item_version_id"), ("cases_casematerial", "material_id"),
                ("cases_casematerial", "case_id"), ("cases_notice", "case_id")]


def test_account_keys_have_no_index_of_their_own(postgres_only):
    for table, column in UNINDEXED_KEYS:
        assert not [d for d in indexes(table).values() if f"({column}" in d], (table, column)
        with connection.cursor() as cursor:  # the foreign key itself stays
            cursor.execute("""SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = %s::regclass
                              AND pg_get_constraintdef(oid) LIKE %s""", [table, f"FOREIGN KEY ({column})%"])
            assert cursor.fetchone()[0] == 1, (table, column)
    for table, column in INDEXED_KEYS:
        assert single_column(table, column), (table, column)


def test_every_lookup_still_reads_an_index(postgres_only, cast, item):
    case = receive(cast, name="张三", phone="13912345678")
    user = cast["window_a"]
    for q in ("13912345678", ID):  # the blind indexes, through their pattern_ops index
        assert "Index" in plan(search_cases(user, q=q).values("pk")), q
    assert "cases_case_number_key" in plan(Case.objects.filter(number=case.number).order_by().values("pk"))
    assert "unit_path" in plan(Case.objects.filter(county_id=case.county_id, unit_path__startswith=case.unit_path[:3])
                               .values("pk"))
    assert "case_id_" in plan(CaseEvent.objects.filter(case=case).order_by("at"))
