"""verify_audit and the anchors (issue 11 item 4): an edited byte is found at its row; deleted tail rows and a
chain recomputed after an edit are found through the signed anchors kept outside the table; a forged anchor line
is reported; retention purges leave a chain that still verifies."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import Error, connection, transaction
from django.utils import timezone

from bianmin.audit.anchors import anchor_audit_head, read_anchors
from bianmin.audit.guards import append_only_lifted
from bianmin.audit.models import AuditAction, AuditEntry, AuditHead
from bianmin.audit.services import audited_atomic, entry_digest, purge_audit_before, record, verify_chain
from bianmin.audit.verification import verify_audit
from bianmin.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    """Real time: the database triggers judge a row's age by the database clock."""
    return timezone.now()


def write(now, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        record(action=AuditAction.CONFIG_UPDATE, summary=f"修改配置 {i}", actor_username="sysadmin",
               now=now + dt.timedelta(minutes=i), data={"i": i})


def run(sql: str, params=()) -> None:
    """Run SQL as somebody who owns the table and lifts the append-only triggers first."""
    with append_only_lifted(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


def recompute_from(seq: int) -> None:
    """What a careful forger does after an edit: rehash every row from ``seq`` and move the head."""
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for row in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        digest = entry_digest(seq=row.seq, at=row.at, actor_username=row.actor_username, action=row.action,
                              object_type=row.object_type, object_id=row.object_id, summary=row.summary,
                              data=row.data, ip=row.ip, prev_hash=prev)
        run("UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, row.seq])
        prev = digest
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


def verify_command() -> str:
    """Run ``manage.py verify_audit``; return its failure message (the command must fail)."""
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))  # noqa: SIM115
    return str(failure.value)


def test_intact_trail_verifies_with_its_anchors(now, capsys):
    write(now, 3)
    anchor_audit_head(now=now)
    write(now, 2, start=3)
    anchor_audit_head(now=now + dt.timedelta(minutes=5))
    result = verify_audit()
    assert result.ok, result.problems
    assert (result.rows, result.first_seq, result.last_seq, result.anchors_matched) == (5, 1, 5, 2)
    assert result.latest_anchor.seq == 5
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "审计链完整：共 5 条" in out and "Audit chain intact: 5 rows" in out


@pytest.mark.parametrize("seq", [1, 4, 7])
def test_an_edited_byte_is_reported_at_its_seq(now, seq):
    write(now, 7)
    anchor_audit_head(now=now)
    original = AuditEntry.objects.get(seq=seq).summary
    run("UPDATE audit_auditentry SET summary = %s WHERE seq = %s", [original[:-1] + "8", seq])
    result = verify_audit()
    assert result.first_bad_seq == seq
    assert f"第 {seq} 条的内容与其哈希不符" in str(result.problems[0])
    message = verify_command()
    assert f"第 {seq} 条" in message and f"seq {seq}" in message


def test_deleted_tail_rows_are_found_through_the_anchor(now):
    write(now, 6)
    anchor_audit_head(now=now)
    tail = AuditEntry.objects.get(seq=4)
    run("DELETE FROM audit_auditentry WHERE seq >= 4")
    AuditHead.objects.filter(pk=1).update(seq=3, last_hash=tail.prev_hash)  # the forger moves the head back
    assert verify_chain() is None  # what is left is a perfect chain
    result = verify_audit()
    assert result.first_bad_seq == 4
    assert "末尾记录被删除" in str(result.problems[0]) and "seq 6" in str(result.problems[0])
    assert "第 4 条" in verify_command()


def test_deleted_tail_rows_without_moving_the_head_are_found_even_without_anchors(now):
    write(now, 4)
    run("DELETE FROM audit_auditentry WHERE seq = 4")
    assert verify_chain() == 4
    assert verify_audit(anchors=False).first_bad_seq == 4


def test_a_chain_recomputed_after_an_edit_is_found_through_the_anchors(now):
    write(now, 3)
    anchor_audit_head(now=now)  # anchors seq 3
    write(now, 3, start=3)
    anchor_audit_head(now=now + dt.timedelta(minutes=10))  # anchors seq 6
    run("UPDATE audit_auditentry SET summary = %s WHERE seq = 5", ["篡改"])
    recompute_from(5)
    assert verify_chain() is None  # the table alone looks intact
    result = verify_audit()
    assert not result.ok
    assert result.first_bad_seq == 4  # between the last anchor that holds (3) and the one that fails (6)
    assert "第 6 条的哈希与" in str(result.problems[0]) and "第 4–6 条" in str(result.problems[0])
    assert "seq 6" in verify_command()


def test_a_forged_anchor_line_is_reported_and_not_trusted(now, anchor_file):
    write(now, 3)
    anchor_audit_head(now=now)
    line = json.loads(anchor_file.read_text().splitlines()[-1])
    forged = {**line, "seq": 9, "hash": "f" * 64}  # claims rows that never existed, keeps the old HMAC
    with anchor_file.open("a") as fh:
        fh.write(json.dumps(forged) + "\n")
        fh.write("not json\n")
    result = verify_audit()
    assert [str(p) for p in result.problems] == [
        "锚点文件第 2 行：签名（HMAC）不符，锚点被伪造或改动 / anchor file line 2: HMAC mismatch: forged or altered",
        "锚点文件第 3 行：不是有效的锚点记录 / anchor file line 3: not an anchor record"]
    assert result.latest_anchor.seq == 3  # the forged line was not used
    assert "FAILED" in verify_command()


def test_anchor_signed_with_another_key_is_rejected_unless_that_key_is_a_fallback(now, settings):
    write(now, 2)
    anchor_audit_head(now=now)
    settings.BIANMIN = {**settings.BIANMIN, "AUDIT_ANCHOR_KEY": "new-key"}
    assert "HMAC" in str(verify_audit().problems[0])
    settings.BIANMIN = {**settings.BIANMIN, "AUDIT_ANCHOR_KEY_FALLBACKS": ["test-anchor-key"]}
    assert verify_audit().ok


def test_without_a_key_the_anchor_is_keyed_by_the_secret_key(now, settings):
    settings.BIANMIN = {**settings.BIANMIN, "AUDIT_ANCHOR_KEY": ""}
    write(now, 1)
    anchor_audit_head(now=now)
    assert verify_audit().ok
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    assert not verify_audit().ok


def test_anchor_is_written_when_the_head_moved(now, anchor_file, caplog):
    caplog.set_level("INFO", logger="bianmin.audit.anchor")
    assert anchor_audit_head(now=now).seq == 0  # an empty trail is anchored too
    write(now, 2)
    anchor = anchor_audit_head(now=now)
    assert (anchor.seq, anchor.hash) == (2, AuditEntry.objects.get(seq=2).hash)
    assert anchor_audit_head(now=now) is None  # unchanged: no new line
    assert anchor_audit_head(now=now, force=True).seq == 2
    assert [a.seq for a in read_anchors(anchor_file).anchors] == [0, 2, 2]
    assert caplog.text.count("audit anchor") == 3  # and each line went to the log


def test_no_anchor_file_is_a_note_not_a_failure(now, anchor_file):
    write(now, 2)
    result = verify_audit()
    assert result.ok and "未找到锚点文件" in result.notes[0]


def test_the_walk_reads_in_chunks_with_one_query(now, django_assert_max_num_queries):
    with audited_atomic():
        write(now, 2500)
    with django_assert_max_num_queries(2):  # the chain head, then one (server-side / chunked) cursor
        result = verify_audit(chunk_size=1000)
    assert result.ok and result.rows == 2500


def test_the_scheduler_round_anchors_the_head(now, anchor_file):
    write(now, 2)
    call_command("scheduler", once=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [(a.kind, a.seq) for a in read_anchors(anchor_file).anchors][-1] == ("head", AuditHead.objects.get().seq)


# --- append-only and retention at the database -------------------------------------------------------------------

def sql_refused(sql: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except Error:
        return True
    return False


def test_the_database_refuses_updates_and_deletes_of_recent_rows(now):
    write(now, 2)
    assert sql_refused("UPDATE audit_auditentry SET summary = 'x' WHERE seq = 1")
    assert sql_refused("DELETE FROM audit_auditentry WHERE seq = 2")
    assert sql_refused("DELETE FROM audit_auditentry")
    if connection.vendor == "postgresql":
        assert sql_refused("TRUNCATE audit_auditentry")
    assert AuditEntry.objects.count() == 2 and verify_chain() is None


def test_the_database_lets_only_rows_past_retention_be_deleted():
    real_now = timezone.now()
    record(action=AuditAction.CONFIG_UPDATE, summary="旧", now=real_now - dt.timedelta(days=185))
    record(action=AuditAction.CONFIG_UPDATE, summary="较新", now=real_now - dt.timedelta(days=183))
    assert sql_refused("UPDATE audit_auditentry SET summary = 'x' WHERE seq = 1")  # never an update
    assert sql_refused("DELETE FROM audit_auditentry WHERE seq = 2")
    assert not sql_refused("DELETE FROM audit_auditentry WHERE seq = 1")


def test_purge_refuses_anything_younger_than_184_days(now):
    write(now, 2)
    limit = timezone.localdate(now) - dt.timedelta(days=184)
    with pytest.raises(DomainError, match="至少保存184天"):
        purge_audit_before(before=limit + dt.timedelta(days=1), now=now)
    with pytest.raises(CommandError, match="清理日期最晚为"):
        call_command("purge_audit", "--before", (timezone.localdate() - dt.timedelta(days=183)).isoformat())
    assert AuditEntry.objects.count() == 2


def test_longer_retention_in_settings_is_respected(now, settings):
    settings.BIANMIN = {**settings.BIANMIN, "AUDIT_RETENTION_DAYS": 365}
    with pytest.raises(DomainError, match="至少保存365天"):
        purge_audit_before(before=timezone.localdate(now) - dt.timedelta(days=200), now=now)


def test_purge_removes_old_rows_and_the_chain_still_verifies(anchor_file):
    real_now = timezone.now()
    for days in (400, 300, 190, 10, 1):
        record(action=AuditAction.CONFIG_UPDATE, summary=f"{days}天前", now=real_now - dt.timedelta(days=days))
    anchor_audit_head(now=real_now)
    before = timezone.localdate(real_now) - dt.timedelta(days=184)
    assert purge_audit_before(before=before, now=real_now, actor_username="dba") == 3
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [4, 5, 6]
    purge = AuditEntry.objects.get(seq=6)
    assert (purge.action, purge.actor_username, purge.data["deleted"]) == (AuditAction.CONFIG_DELETE, "dba", 3)
    result = verify_audit()
    assert result.ok, result.problems
    assert "第 1–3 条已按保存期清理" in result.notes[0]
    # …but rows removed at the start without a signed purge record are reported
    anchor_file.write_text("")
    assert verify_audit().first_bad_seq == 1


def test_rows_deleted_at_the_start_without_a_purge_are_reported(now):
    write(now, 4)
    run("DELETE FROM audit_auditentry WHERE seq <= 2")
    result = verify_audit()
    assert result.first_bad_seq == 1 and "第 1–2 条缺失" in str(result.problems[0])
