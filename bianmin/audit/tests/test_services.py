"""The append-only, hash-chained audit trail (SECURITY.md "Audit trail")."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import Error, connection, transaction
from django.utils import timezone

from bianmin.audit.guards import append_only_lifted
from bianmin.audit.models import AuditAction, AuditEntry, AuditHead
from bianmin.audit.services import GENESIS, record, verify_chain

pytestmark = pytest.mark.django_db


def write_three(now):
    return [record(action=AuditAction.CONFIG_UPDATE, summary=f"修改配置 {i}", actor_username="sysadmin",
                   now=now + dt.timedelta(minutes=i), data={"i": i}) for i in range(3)]


def test_rows_are_numbered_and_chained(now):
    entries = write_three(now)
    rows = list(AuditEntry.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3]
    assert [r.pk for r in rows] == [e.pk for e in entries]
    assert rows[0].prev_hash == GENESIS
    assert rows[1].prev_hash == rows[0].hash
    assert rows[2].prev_hash == rows[1].hash
    assert len({r.hash for r in rows}) == 3
    assert all(len(r.hash) == 64 for r in rows)
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.last_hash) == (3, rows[2].hash)


def test_intact_trail_verifies(now):
    assert verify_chain() is None  # empty trail
    write_three(now)
    assert verify_chain() is None


def test_record_fills_actor_and_object(now, cast):
    user = cast["sysadmin"]
    entry = record(action=AuditAction.ROLE_GRANT, summary="授予角色", actor=user, obj=user, now=now)
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_username, entry.object_type, entry.object_id) == (
        user, "sysadmin", user._meta.label, str(user.pk))
    assert verify_chain() is None


def test_unusual_values_still_verify(now):
    """Dates in data, a local-time ``now`` with microseconds and an over-long summary all verify."""
    beijing = dt.timezone(dt.timedelta(hours=8))
    record(action=AuditAction.PERSONAL_DATA_VIEW, summary="查看" * 400, ip="192.0.2.1",
           now=dt.datetime(2026, 3, 2, 17, 0, 0, 123456, tzinfo=beijing),
           data={"on": dt.date(2026, 3, 2), "名": "张三", "n": [1, 2.5, None]})
    entry = AuditEntry.objects.get()
    assert len(entry.summary) == 500
    assert entry.data == {"on": "2026-03-02", "名": "张三", "n": [1, 2.5, None]}
    assert verify_chain() is None


@pytest.mark.parametrize("ip", ["2001:db8::1", "2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0001"])
def test_ipv6_addresses_verify(now, ip):
    """An IPv6 REMOTE_ADDR in any spelling must not make an intact trail look tampered."""
    record(action=AuditAction.LOGIN, summary="登录", actor_username="window_a", now=now, ip=ip)
    assert verify_chain() is None


@pytest.mark.parametrize("seq", [1, 2, 3])
def test_edited_row_is_found_exactly(now, seq):
    write_three(now)
    with pytest.raises(Error), transaction.atomic():  # a trigger rejects the update, on both databases
        AuditEntry.objects.filter(seq=seq).update(summary="篡改")
    assert verify_chain() is None
    with append_only_lifted(connection):  # somebody who owns the table and lifts the trigger
        assert AuditEntry.objects.filter(seq=seq).update(summary="篡改") == 1
    assert verify_chain() == seq


def test_deleted_row_is_found_exactly():
    write_three(timezone.now())  # recent: the database judges a row's age (retention) by its own clock
    with pytest.raises(Error), transaction.atomic():  # a trigger rejects the delete, on both databases
        AuditEntry.objects.filter(seq=2).delete()
    assert verify_chain() is None
    with append_only_lifted(connection):
        AuditEntry.objects.filter(seq=2).delete()  # the queryset bypasses the model's delete()
    assert verify_chain() == 2


def test_existing_row_cannot_be_saved_or_deleted(now):
    write_three(now)
    entry = AuditEntry.objects.get(seq=2)
    entry.summary = "篡改"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(seq=2).summary == "修改配置 1"
    assert AuditEntry.objects.count() == 3
    assert verify_chain() is None


def test_record_rolls_back_with_the_change(now):
    with pytest.raises(RuntimeError), transaction.atomic():
        record(action=AuditAction.CONFIG_UPDATE, summary="未提交", now=now)
        raise RuntimeError("the change failed")
    assert not AuditEntry.objects.exists()
    entry = record(action=AuditAction.CONFIG_UPDATE, summary="提交", now=now)
    assert entry.seq == 1
    assert entry.prev_hash == GENESIS
    assert verify_chain() is None


def test_audited_atomic_chains_buffered_rows_at_the_end_of_its_block(now):
    from bianmin.audit.services import audited_atomic

    with audited_atomic():
        first = record(action=AuditAction.CONFIG_UPDATE, summary="一", actor_username="sysadmin", now=now)
        assert first.pk is None and not AuditEntry.objects.exists()  # buffered: chain lock not taken yet
        second = record(action=AuditAction.CONFIG_UPDATE, summary="二", actor_username="sysadmin", now=now)
    rows = list(AuditEntry.objects.order_by("seq"))
    assert [(r.seq, r.summary) for r in rows] == [(1, "一"), (2, "二")]
    assert (first.seq, second.seq, second.prev_hash) == (1, 2, first.hash)
    assert AuditHead.objects.get(pk=1).last_hash == rows[1].hash
    assert verify_chain() is None


def test_audited_atomic_discards_its_rows_when_the_block_fails(now):
    from bianmin.audit.services import audited_atomic

    with pytest.raises(RuntimeError), audited_atomic():
        record(action=AuditAction.CONFIG_UPDATE, summary="失败", actor_username="sysadmin", now=now)
        raise RuntimeError
    assert not AuditEntry.objects.exists()
    record(action=AuditAction.CONFIG_UPDATE, summary="之后", actor_username="sysadmin", now=now)
    assert AuditEntry.objects.get().seq == 1
    assert verify_chain() is None


def test_rows_in_a_nested_savepoint_are_written_at_once_and_roll_back_with_it(now):
    from bianmin.audit.services import audited_atomic

    with audited_atomic():
        record(action=AuditAction.CONFIG_UPDATE, summary="外层", actor_username="sysadmin", now=now)
        with pytest.raises(RuntimeError), transaction.atomic():
            record(action=AuditAction.CONFIG_UPDATE, summary="回滚", actor_username="sysadmin", now=now)
            assert AuditEntry.objects.filter(summary="回滚").exists()
            raise RuntimeError
        with transaction.atomic():
            record(action=AuditAction.CONFIG_UPDATE, summary="内层", actor_username="sysadmin", now=now)
    assert list(AuditEntry.objects.order_by("seq").values_list("summary", flat=True)) == ["内层", "外层"]
    assert verify_chain() is None


def test_a_nested_audited_block_joins_the_outer_buffer_and_the_chain_is_written_once(now):
    from bianmin.audit.services import audited_atomic

    with audited_atomic():
        record(action=AuditAction.CONFIG_UPDATE, summary="前", actor_username="sysadmin", now=now)
        with audited_atomic():  # one service calling another
            record(action=AuditAction.CONFIG_UPDATE, summary="内", actor_username="sysadmin", now=now)
        assert not AuditEntry.objects.exists()  # not written at the inner block's end
        with pytest.raises(RuntimeError), audited_atomic():  # refused and caught: its rows go with its savepoint
            record(action=AuditAction.CONFIG_UPDATE, summary="回滚", actor_username="sysadmin", now=now)
            raise RuntimeError
        record(action=AuditAction.CONFIG_UPDATE, summary="后", actor_username="sysadmin", now=now)
    assert list(AuditEntry.objects.order_by("seq").values_list("summary", flat=True)) == ["前", "内", "后"]
    assert verify_chain() is None


def test_an_audited_block_under_a_plain_savepoint_writes_its_rows_at_once(now):
    from bianmin.audit.services import audited_atomic

    with audited_atomic():
        with pytest.raises(RuntimeError), transaction.atomic():  # the savepoint between may roll back on its own
            with audited_atomic():
                record(action=AuditAction.CONFIG_UPDATE, summary="回滚", actor_username="sysadmin", now=now)
            assert AuditEntry.objects.filter(summary="回滚").exists()
            raise RuntimeError
        record(action=AuditAction.CONFIG_UPDATE, summary="外层", actor_username="sysadmin", now=now)
    assert list(AuditEntry.objects.values_list("summary", flat=True)) == ["外层"]
    assert verify_chain() is None
