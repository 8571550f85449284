"""The case tables keep one index per way they are read, and no twin (migration 0023, decision 0031): every
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


def test_every_lookup_still_reads_an_index(postgres_only, cast, item):
    case = receive(cast, name="张三", phone="13912345678")
    user = cast["window_a"]
    for q in ("13912345678", ID):  # the blind indexes, through their pattern_ops index
        assert "Index" in plan(search_cases(user, q=q).values("pk")), q
    assert "cases_case_number_key" in plan(Case.objects.filter(number=case.number).order_by().values("pk"))
    assert "unit_path" in plan(Case.objects.filter(county_id=case.county_id, unit_path__startswith=case.unit_path[:3])
                               .values("pk"))
    assert "case_id_" in plan(CaseEvent.objects.filter(case=case).order_by("at"))
