"""The audit administrator's page checks the whole audit chain on request (issue 11 item 4)."""
import pytest
from django.db import connection
from django.utils import timezone

from bianmin.audit.anchors import anchor_audit_head
from bianmin.audit.guards import append_only_lifted
from bianmin.audit.models import AuditAction
from bianmin.audit.services import record
from conftest import sign_in as login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    path = tmp_path / "audit-anchors.jsonl"
    settings.BIANMIN = {**settings.BIANMIN, "AUDIT_ANCHOR_FILE": str(path), "AUDIT_ANCHOR_KEY": "page-test-key"}
    return path


def write(n):
    for i in range(n):
        record(action=AuditAction.CONFIG_UPDATE, summary=f"修改配置 {i}", actor_username="sysadmin",
               now=timezone.now())


def test_the_page_offers_the_check_and_reports_an_intact_chain(client, cast):
    write(3)
    anchor_audit_head(now=timezone.now())
    login(client, cast["auditor"])
    page = client.get("/staff/audit/").content.decode()
    assert "校验审计链" in page and "审计链完整" not in page  # the check runs only when asked
    page = client.get("/staff/audit/", {"verify": "1"}).content.decode()
    assert "审计链完整：共" in page and "与 1 个锚点一致" in page


def test_the_page_names_the_first_bad_row(client, cast):
    write(5)
    anchor_audit_head(now=timezone.now())
    with append_only_lifted(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET summary = %s WHERE seq = 2", ["篡改"])
    login(client, cast["auditor"])
    page = client.get("/staff/audit/", {"verify": "1", "action": "CONFIG_UPDATE"}).content.decode()
    assert "审计链校验失败" in page and "第一条有问题的记录：第 2 条" in page
    assert "第 2 条的内容与其哈希不符" in page
    assert page.count("修改配置") >= 4  # the filtered list is still shown below


def test_only_the_auditor_may_run_it(client, cast):
    login(client, cast["sysadmin"])
    assert client.get("/staff/audit/", {"verify": "1"}).status_code == 403
