"""Write audit rows inside the caller's transaction, chained by SHA-256."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from bianmin.core.errors import DomainError
from bianmin.core.inserts import insert_rows
from bianmin.core.prepared import Prepared

from .anchors import write_purge_anchor
from .chain import GENESIS, entry_digest
from .models import AuditAction, AuditEntry, AuditHead
from .verification import verify_audit

if TYPE_CHECKING:
    from bianmin.users.models import User

__all__ = ["GENESIS", "RETENTION_DAYS", "audited_atomic", "entry_digest", "purge_audit_before", "record",
           "retention_limit", "verify_chain"]
RETENTION_DAYS = 184  # SECURITY.md: kept at least 184 days; the database triggers enforce the same floor


def record(*, action: AuditAction | str, summary: str, now: dt.datetime, actor: User | None = None,
           actor_username: str = "", obj: models.Model | None = None, object_type: str = "", object_id: str = "",
           data: dict[str, Any] | None = None, ip: str | None = None) -> AuditEntry:
    """Append one audit row in the current transaction (so a failed write rolls the change back).

    Inside ``audited_atomic()`` the row is chained when that block ends; otherwise at once, and the chain lock
    is then held until the transaction commits, so call it last in a service.

    Refuses nothing: it records what the calling service has already allowed.
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


# The chain head locked: a prepared read (bianmin/core/prepared.py), as ``first()`` read it.
_HEAD = Prepared(AuditHead, lambda: AuditHead.objects.select_for_update().filter(pk=1).order_by("pk")[:1],
                 write=True)


def _append(entries: list[AuditEntry]) -> None:
    """Lock the chain head, number and hash ``entries`` in order, insert them, move the head."""
    found = _HEAD.objects()
    head = found[0] if found else None
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
        insert_rows(entries)  # AuditEntry.objects.bulk_create(entries), its statement prepared once
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

    Refuses nothing: a transaction wrapper; an exception raised in the block passes through.
    """
    conn = transaction.get_connection()
    buffers = conn.__dict__.setdefault("_bianmin_audit_buffers", [])
    # Directly inside another audited block (one service calling another): its rows join the outer block's
    # buffer when this block succeeds, so the chain is locked and written once per transaction, not once per
    # service. Any other block in between could roll back on its own, so then the rows are written here.
    parent = buffers[-1][1] if buffers and conn.in_atomic_block and buffers[-1][0] == len(conn.atomic_blocks) else None
    with transaction.atomic():
        entries: list[AuditEntry] = []
        buffers.append((len(conn.atomic_blocks), entries))
        try:
            yield
        finally:
            buffers.pop()
        if entries:
            if parent is not None:
                parent.extend(entries)
            else:
                _append(entries)


def verify_chain() -> int | None:
    """Return the sequence number of the first row that is wrong or missing, or None if the chain is intact.

    Checks the table alone; ``verification.verify_audit`` also checks the anchors kept outside it.

    Refuses nothing: a read-only check.
    """
    return verify_audit(anchors=False).first_bad_seq


def retention_limit(now: dt.datetime) -> dt.date:
    """Return the last day whose audit rows may be purged: ``AUDIT_RETENTION_DAYS`` (never under 184) ago.

    Refuses nothing: a date computation."""
    days = max(RETENTION_DAYS, int(settings.BIANMIN.get("AUDIT_RETENTION_DAYS", RETENTION_DAYS)))
    return timezone.localdate(now) - dt.timedelta(days=days)


def purge_audit_before(*, before: dt.date, now: dt.datetime, actor_username: str = "system") -> int:
    """Delete the audit rows recorded before ``before`` (local date), oldest first, and return how many.

    Only a leading run of the chain is removed (every row before the first one on or after ``before``; the newest
    row always stays), so what remains is still one unbroken chain. A signed purge anchor records where it now
    starts before the rows go, and the purge itself is audited. The database triggers refuse, whatever this
    function computes, to delete a row younger than 184 days.

    A system step (``manage.py purge_audit``): no permission is asked. Raises DomainError naming ``before`` when it
    is later than ``retention_limit(now)``.
    """
    limit = retention_limit(now)
    if before > limit:
        days = (timezone.localdate(now) - limit).days
        raise DomainError.for_field("before", f"审计记录至少保存{days}天：清理日期最晚为 {limit}（清理该日以前的记录）")
    cutoff = dt.datetime.combine(before, dt.time.min, tzinfo=timezone.get_current_timezone())
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()  # no row is appended meanwhile
        if head is None:
            return 0
        kept = (AuditEntry.objects.filter(at__gte=cutoff).order_by("seq").values_list("seq", "prev_hash").first()
                or AuditEntry.objects.order_by("-seq").values_list("seq", "prev_hash").first())
        if kept is None:
            return 0
        first_kept, prev_hash = kept
        doomed = AuditEntry.objects.filter(seq__lt=first_kept)
        oldest = doomed.order_by("seq").values_list("seq", flat=True).first()
        if oldest is None:
            return 0
        write_purge_anchor(first_seq=first_kept, prev_hash=prev_hash, now=now)
        deleted, _ = doomed.delete()
        record(action=AuditAction.CONFIG_DELETE, actor_username=actor_username, now=now,
               object_type=AuditEntry._meta.label, object_id=f"{oldest}-{first_kept - 1}",
               summary=f"按保存期清理 {before} 以前的审计记录 {deleted} 条（第 {oldest}–{first_kept - 1} 条）",
               data={"before": before.isoformat(), "deleted": deleted, "first_kept_seq": first_kept})
    return deleted
