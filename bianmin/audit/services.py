"""Write audit rows inside the caller's transaction, chained by SHA-256."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from .models import AuditAction, AuditEntry, AuditHead

GENESIS = "0" * 64


def entry_digest(*, seq: int, at: dt.datetime, actor_username: str, action: str, object_type: str,
                 object_id: str, summary: str, data: dict[str, Any], ip: str | None, prev_hash: str) -> str:
    """Return the SHA-256 hex digest that chains one row to ``prev_hash``."""
    payload = json.dumps(
        [seq, at.astimezone(dt.UTC).isoformat(timespec="microseconds"), actor_username, action, object_type,
         object_id, summary, data, ip or "", prev_hash],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(*, action: AuditAction | str, summary: str, now: dt.datetime, actor=None, actor_username: str = "",
           obj=None, object_type: str = "", object_id: str = "", data: dict[str, Any] | None = None,
           ip: str | None = None) -> AuditEntry:
    """Append one audit row in the current transaction (so a failed write rolls the change back).

    Inside ``audited_atomic()`` the row is chained when that block ends; otherwise at once, and the chain lock
    is then held until the transaction commits, so call it last in a service.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    if actor is not None and not actor_username:
        actor_username = actor.get_username()
    data = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    if ip:  # hash what the database will store (IPv6 addresses are normalised on save)
        ip = AuditEntry._meta.get_field("ip").get_prep_value(ip)
    entry = AuditEntry(at=now, actor=actor if actor is not None and actor.pk else None,
                       actor_username=actor_username, action=str(action), object_type=object_type,
                       object_id=object_id, summary=summary[:500], data=data, ip=ip)
    conn = transaction.get_connection()
    buffers = getattr(conn, "_bianmin_audit_buffers", None)
    if buffers and conn.in_atomic_block and buffers[-1][0] == len(conn.atomic_blocks):
        buffers[-1][1].append(entry)  # chained by audited_atomic() just before its block ends
    else:
        with transaction.atomic():
            _append([entry])
    return entry


def _append(entries: list[AuditEntry]) -> None:
    """Lock the chain head, number and hash ``entries`` in order, insert them, move the head."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    seq, prev = head.seq, head.last_hash
    for entry in entries:
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = prev = entry_digest(
            seq=seq, at=entry.at, actor_username=entry.actor_username, action=entry.action,
            object_type=entry.object_type, object_id=entry.object_id, summary=entry.summary, data=entry.data,
            ip=entry.ip, prev_hash=entry.prev_hash)
    if len(entries) == 1:
        entries[0].save(force_insert=True)
    else:
        AuditEntry.objects.bulk_create(entries)
    head.seq, head.last_hash = seq, prev
    head.save(update_fields=["seq", "last_hash"])


@contextmanager
def audited_atomic() -> Iterator[None]:
    """Run a ``transaction.atomic`` block whose audit rows are chained at its end, still inside it.

    ``record()`` called directly in the block (not inside a nested savepoint) only buffers the row; when the
    block finishes without an exception the rows are numbered, hashed and inserted under the chain lock, so
    the lock that serialises all audited writers is held from then until commit instead of for the whole
    block. An exception discards the buffer with the rest of the work. Rows recorded inside a nested atomic
    block are written at once (that savepoint may be rolled back on its own).
    """
    with transaction.atomic():
        conn = transaction.get_connection()
        buffers = conn.__dict__.setdefault("_bianmin_audit_buffers", [])
        entries: list[AuditEntry] = []
        buffers.append((len(conn.atomic_blocks), entries))
        try:
            yield
        finally:
            buffers.pop()
        if entries:
            _append(entries)


def verify_chain() -> int | None:
    """Return the sequence number of the first row whose hash does not match, or None if intact."""
    prev = GENESIS
    for row in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        expected = entry_digest(seq=row.seq, at=row.at, actor_username=row.actor_username, action=row.action,
                                object_type=row.object_type, object_id=row.object_id, summary=row.summary,
                                data=row.data, ip=row.ip, prev_hash=prev)
        if row.prev_hash != prev or row.hash != expected:
            return row.seq
        prev = row.hash
    return None
