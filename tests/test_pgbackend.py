"""The PostgreSQL engine `bianmin.core.pgbackend`: small bulk inserts are plain VALUES, large ones UNNEST."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.audit.models import AuditEntry
from bianmin.core.pgbackend.compiler import UNNEST_FROM

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="the engine is PostgreSQL's")]
AT = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def rows(n: int, start: int) -> list[AuditEntry]:
    return [AuditEntry(seq=start + i, at=AT, actor_username="x", action="CONFIG_UPDATE", summary=f'"引号"\\{i}',
                       data={"k": ['"', "\\"]}, prev_hash="0" * 64, hash=f"{start + i:064d}") for i in range(n)]


def test_every_postgresql_alias_uses_the_engine():
    from django.conf import settings

    assert settings.DATABASES["default"]["ENGINE"] == "bianmin.core.pgbackend"
    assert connection.ops.compiler_module == "bianmin.core.pgbackend.compiler"


def test_a_few_rows_go_as_values_and_a_batch_as_unnest_with_the_same_content():
    with CaptureQueriesContext(connection) as small:
        AuditEntry.objects.bulk_create(rows(3, 1))
    with CaptureQueriesContext(connection) as large:
        AuditEntry.objects.bulk_create(rows(UNNEST_FROM, 10))
    assert "UNNEST" not in small.captured_queries[-1]["sql"] and "VALUES" in small.captured_queries[-1]["sql"]
    assert "UNNEST" in large.captured_queries[-1]["sql"]
    stored = list(AuditEntry.objects.order_by("seq").values_list("summary", "data"))
    assert stored[0] == ('"引号"\\0', {"k": ['"', "\\"]}) and stored[3] == ('"引号"\\0', {"k": ['"', "\\"]})
    assert len(stored) == 3 + UNNEST_FROM


def test_jit_is_off_for_the_applications_connections():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"  # decision 0029: it cost up to 1.6 s on the statistics at 10 M
