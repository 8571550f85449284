"""The restore drill (issue 11 item 11): back up, restore into a fresh database with `manage.py restore` in another
process, verify the audit chain there against the anchors, and compare row counts and a sample of cases.

SQLite runs in the normal suite (a file database under tmp_path); PostgreSQL runs when DATABASE_URL points at it
(CI's second pass) and restores into a database of its own, dropped afterwards.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from bianmin.audit.anchors import anchor_audit_head
from bianmin.cases import services as svc
from bianmin.core.backup import BackupError, restore_database
from bianmin.testing.factories import ALL_GOOD, MONDAY, applicant

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(settings.BASE_DIR)
ANCHOR_KEY = "restore-drill-anchor-key"
SAMPLE = 10


def snapshot() -> dict:
    """Row counts of every table and a sample of cases, as JSON-ready values (run on both databases)."""
    counts = {m._meta.db_table: m._default_manager.count() for m in apps.get_models()
              if m._meta.managed and not m._meta.proxy}
    cases = apps.get_model("cases", "Case").objects.order_by("pk")
    sample = [*cases.values()[:SAMPLE], *cases.reverse().values()[:SAMPLE]]
    return json.loads(json.dumps({"counts": counts, "cases": sample}, cls=DjangoJSONEncoder, sort_keys=True))


def manage(*args: str, database_url: str, anchors: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url,
           "BIANMIN_AUDIT_ANCHOR_FILE": str(anchors), "BIANMIN_AUDIT_ANCHOR_KEY": ANCHOR_KEY}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=300)


@pytest.fixture
def drill_data(settings, tmp_path, cast, item):
    """A few cases in several states, their audit rows, and an anchor of the head kept in tmp_path."""
    anchors = tmp_path / "audit-anchors.jsonl"
    settings.BIANMIN = {**settings.BIANMIN, "AUDIT_ANCHOR_FILE": str(anchors), "AUDIT_ANCHOR_KEY": ANCHOR_KEY}
    for i in range(12):
        case = svc.receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(name=f"申请人{i}"),
                                materials=ALL_GOOD, now=MONDAY)
        if i % 3:
            svc.accept_case(actor=cast["window_a"], number=case.number, now=MONDAY)
    anchor_audit_head(now=MONDAY)
    return anchors


def drill(tmp_path: Path, anchors: Path, database_url: str) -> None:
    before = snapshot()
    assert before["counts"]["cases_case"] == 12 and before["counts"]["audit_auditentry"] > 12
    backup = tmp_path / "bianmin.backup"
    call_command("backup", "--output", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert backup.stat().st_size > 0 and (tmp_path / "bianmin.backup.sha256").exists()

    with pytest.raises(BackupError, match="不是空库"):
        restore_database(source=backup)  # never over a database that holds anything (here: the live one)

    restored = manage("manage.py", "restore", "--input", str(backup), "--skip-checks", database_url=database_url,
                      anchors=anchors)
    assert restored.returncode == 0, restored.stderr
    script = ("import json, django; django.setup(); from django.core.management import call_command; "
              "call_command('verify_audit'); from tests.test_backup_restore import snapshot; "
              "print('SNAPSHOT', json.dumps(snapshot()))")
    checked = manage("-c", script, database_url=database_url, anchors=anchors)
    assert checked.returncode == 0, checked.stderr
    report, data = checked.stdout.split("SNAPSHOT ")
    assert "审计链完整" in report and "与 1 个锚点一致" in report  # the chain and the anchor written before the backup
    assert json.loads(data) == before

def test_restore_drill_on_sqlite(drill_data, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite drill; the PostgreSQL one runs below")
    drill(tmp_path, drill_data, f"sqlite:///{tmp_path / 'restored.sqlite3'}")


@pytest.mark.postgres
def test_restore_drill_on_postgresql(drill_data, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs the suite again with DATABASE_URL set)")
    target = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    s = connection.settings_dict
    credentials = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    try:
        drill(tmp_path, drill_data, f"postgres://{credentials}@{s['HOST']}:{s['PORT'] or 5432}/{target}")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_a_damaged_backup_is_refused(drill_data, tmp_path):
    backup = tmp_path / "bianmin.backup"
    call_command("backup", "--output", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    with backup.open("r+b") as fh:
        fh.seek(200)
        fh.write(b"\x00\xff")
    with pytest.raises(BackupError, match="校验和"):
        restore_database(source=backup)
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", "--input", str(tmp_path / "missing.backup"))
