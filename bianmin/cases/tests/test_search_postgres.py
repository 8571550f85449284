"""On PostgreSQL the staff search by a name part and by the last four phone digits is served by indexes (issue 12
item 5): the pg_trgm GIN index of migration 0016 for ``applicant_name LIKE '%…%'`` (three characters or more), the
GIN index of the name's characters of migration 0026 for two characters (decision 0044) and the B-tree of the last-4
column. The figures at 200,000 cases come from ``bench/search_bench.py`` (docs/performance.md)."""
import copy

import pytest
from django.db import connection

from bianmin.cases.lookup_chars import CHARS_INDEX
from bianmin.cases.models import Case
from bianmin.cases.selectors import search_cases
from bianmin.testing.cases import receive

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test table holds a handful of rows, where a sequential scan is always cheapest: forbid it, so the plan
        # shows which index the query can use (with none usable, PostgreSQL would still scan the table).
        # Plain index scans are forbidden too (the scope's unit-path index alone, filtering every row, would do for
        # twenty rows); bitmap scans stay allowed: the match's OR is then one bitmap per branch's index.
        cursor.execute("ANALYZE cases_case")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_trigram_index_exists_and_reads_chinese(postgres_only, db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_applicant_name_trgm_idx'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]
        # Chinese characters make trigrams only under a UTF-8 ctype that classes them as letters (C.UTF-8 does,
        # plain C does not): the index would then be empty of them.
        cursor.execute("SELECT array_length(show_trgm('悦来宾馆'), 1)")
        assert cursor.fetchone()[0] >= 2


@pytest.fixture
def crowd(cast, item):
    """3,000 other cases in window_a's scope (copies of one received case), so that the scope is not selective."""
    base = receive(cast, name="王五", phone="13700000000")
    copies = []
    for n in range(3000):
        case = copy.copy(base)
        case.pk, case.id, case.number = None, None, f"X{n:06d}"
        case.applicant_name, case.applicant_phone_last4 = f"李{n}", f"{n % 9000 + 1000:04d}"
        copies.append(case)
    Case.objects.bulk_create(copies, batch_size=500)
    return base


def test_a_name_part_uses_the_trigram_index(postgres_only, cast, crowd):
    for n in range(20):
        receive(cast, name=f"云溪县悦来宾馆{n}号有限公司", phone=f"1391234{n:04d}")
    qs = search_cases(cast["window_a"], q="悦来宾馆")
    assert qs.count() == 20
    text = plan(qs.values("pk"))
    assert "case_applicant_name_trgm_idx" in text, text


def test_four_digits_use_the_last4_index_and_the_name_index(postgres_only, cast, crowd):
    receive(cast, name="张三", phone="13912345678")
    qs = search_cases(cast["window_a"], q="5678")
    assert qs.count() == 1
    text = plan(qs.values("pk"))
    assert "applicant_phone_last4" in text and "case_applicant_name_trgm_idx" in text, text


def test_the_characters_index_exists_and_splits_chinese_by_character(postgres_only, db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [CHARS_INDEX])
        assert "gin (string_to_array((applicant_name)::text, NULL::text))" in cursor.fetchone()[0]
        cursor.execute("SELECT string_to_array('悦来宾馆', NULL)")
        assert cursor.fetchone()[0] == ["悦", "来", "宾", "馆"]  # as Python's list() of the query


def test_two_characters_use_the_characters_index(postgres_only, cast, crowd):
    for n in range(20):
        receive(cast, name=f"陈明刚{n}", phone=f"1391234{n:04d}")
    receive(cast, name="刚明", phone="13912349999")
    qs = search_cases(cast["window_a"], q="明刚")
    assert qs.count() == 20
    text = plan(qs.values("pk"))
    assert CHARS_INDEX in text and "~~ '%明刚%'" in text, text  # the index finds, the LIKE decides


def test_one_character_or_three_do_not_ask_the_characters_index(postgres_only, cast, crowd):
    for q in ("明", "陈明刚"):
        sql, _params = search_cases(cast["window_a"], q=q).query.sql_with_params()
        assert "string_to_array" not in sql, q


def page_plan(qs) -> str:
    """The plan of the first page of ``qs`` with sorting made as dear as PostgreSQL allows: an index that can give
    the page's order is then always taken."""
    sql, params = qs[:30].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_name_search_sorts_its_matches_instead_of_walking_the_scope_by_date(postgres_only, cast, crowd):
    """A search of three characters or more never reads the scope in received_at order through its index, which
    filtered every case of the scope whenever the planner overestimated the matches (decision 0044)."""
    receive(cast, name="云溪县悦来宾馆", phone="13912340000")
    received_at_index = "cases_case_received_at"
    assert received_at_index in page_plan(search_cases(cast["window_a"]))  # the plain list: newest first, indexed
    for q in ("悦来宾馆", "13912340000"):
        assert received_at_index not in page_plan(search_cases(cast["window_a"], q=q)), q
    qs = search_cases(cast["window_a"], q="悦来宾馆")
    assert [c.applicant_name for c in qs] == ["云溪县悦来宾馆"]
