"""Write audit rows inside the caller's transaction, chained by SHA-256."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
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

    Call it last in a service: it holds the chain lock until the transaction commits.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    if actor is not None and not actor_username:
        actor_username = actor.get_username()
    data = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    if ip:  # hash what the database will store (IPv6 addresses are normalised on save)
        ip = AuditEntry._meta.get_field("ip").get_prep_value(ip)
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            AuditHead.objects.get_or_create(pk=1)
            head = AuditHead.objects.select_for_update().get(pk=1)
        seq = head.seq + 1
        digest = entry_digest(seq=seq, at=now, actor_username=actor_username, action=str(action),
                              object_type=object_type, object_id=object_id, summary=summary[:500], data=data,
                              ip=ip, prev_hash=head.last_hash)
        entry = AuditEntry.objects.create(
            seq=seq, at=now, actor=actor if actor is not None and actor.pk else None,
            actor_username=actor_username, action=str(action), object_type=object_type, object_id=object_id,
            summary=summary[:500], data=data, ip=ip, prev_hash=head.last_hash, hash=digest,
        )
        head.seq, head.last_hash = seq, digest
        head.save(update_fields=["seq", "last_hash"])
    return entry


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
