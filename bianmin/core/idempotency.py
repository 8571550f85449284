"""Idempotency keys: a retried POST never runs twice (issue 13 item 7, decision 0023).

A request that carries a key first claims it (``begin``): a row ``(account, key)`` is inserted. The caller then runs
the request and either keeps its answer on the row (``finish``: a 2xx or a 4xx, with what the request did; decision
0032) or gives the key back (``abandon``: an answer that means "try later", or a 5xx, whose work the caller rolls
back, so a retry may run again). A later request with the key gets the kept answer (``Replay``)
when it is the same request (method, path and body fingerprint), and a ``Refusal`` when it differs or is still
running.

The callers make the claim, the work and ``finish``/``abandon`` one transaction (issue 16 item 3: app nodes die):
the kept answer commits together with what the request did, so a process killed at any moment leaves either both
— a retry on another node replays the answer — or neither, its transaction rolled back by the database, and the
retry runs. On PostgreSQL the claim first takes a transaction-level advisory lock on the account and key
(``pg_try_advisory_xact_lock``): a second request with the key while the first runs is refused at once (a
``Refusal``, not a wait behind the first's uncommitted row), and the lock goes with the first's transaction however
it ends, its process's death included. The cost: locks the work takes (the audit chain's head among them) are held
until the answer is stored, a millisecond or two longer. Called outside a transaction, the claim commits at once and
a process that dies before ``finish`` leaves it running until ``LEASE``.

Keys live 24 hours (``TTL``). Expired rows are deleted lazily: a claim replaces an expired row with its key, and
each new claim deletes up to ``PURGE_BATCH`` other expired rows, so deletions keep pace with new keys without a
scheduler job (the pattern of ``core.ratelimit``; rows another transaction is deleting are skipped). A row left
running (a claim made outside a transaction by a process that died) is taken over once it is older than ``LEASE``.

These are not domain state changes: no audit row is written (as for ``RateCounter``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import Q

from .models import IdempotentRequest

TTL = dt.timedelta(hours=24)
LEASE = dt.timedelta(minutes=10)  # far longer than any request may run (the server's worker timeout)
PURGE_BATCH = 100
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Run:
    """The key is this request's: run it, then ``finish`` or ``abandon``."""

    pk: int


@dataclass(frozen=True)
class Replay:
    """The same request has been answered: send this answer again."""

    status: int
    content_type: str
    body: str


@dataclass(frozen=True)
class Refusal:
    """The key is in use: by another request (``mismatch``) or by this one still running (``in_progress``)."""

    reason: Literal["mismatch", "in_progress"]


def begin(*, account_id: int, key: str, method: str, path: str, fingerprint: str,
          now: dt.datetime) -> Run | Replay | Refusal:
    """Claim ``key`` for ``account_id``'s request, or say what the earlier request with that key left.

    Call it inside the ``transaction.atomic()`` block that runs the work and then ``finish`` or ``abandon``
    (module docstring)."""
    if not _lock(account_id, key):
        return Refusal("in_progress")  # a request with this key is running now, on this node or another
    for _ in range(3):
        try:
            with transaction.atomic():
                row = IdempotentRequest.objects.create(account_id=account_id, key=key, method=method,
                                                       path=path[:500], fingerprint=fingerprint, created_at=now)
        except IntegrityError:
            pass  # the key is taken: look at the row that holds it
        else:
            purge_expired(now=now)
            return Run(row.pk)
        held = (IdempotentRequest.objects.filter(account_id=account_id, key=key)
                .only("pk", "method", "path", "fingerprint", "status", "created_at").first())
        if held is None:
            continue  # abandoned or purged in between: claim again
        if _stale(held, now):
            # Only the row as read goes, so two requests taking over one stale key delete it once between them.
            IdempotentRequest.objects.filter(pk=held.pk, created_at=held.created_at, status=held.status).delete()
            continue
        if (held.method, held.path, held.fingerprint) != (method, path[:500], fingerprint):
            return Refusal("mismatch")
        if held.status is None:
            return Refusal("in_progress")
        answer = IdempotentRequest.objects.only("status", "content_type", "body").get(pk=held.pk)
        return Replay(status=answer.status or 0, content_type=answer.content_type, body=answer.body)
    return Refusal("in_progress")  # pragma: no cover - the key changed hands three times during this call


def finish(run: Run, *, status: int, content_type: str, body: str) -> None:
    """Keep the answer of the request that claimed ``run`` for its retries."""
    IdempotentRequest.objects.filter(pk=run.pk, status__isnull=True).update(
        status=status, content_type=content_type[:100], body=body)


def abandon(run: Run) -> None:
    """Give the key of ``run`` back: its request committed nothing, so a retry runs it again."""
    IdempotentRequest.objects.filter(pk=run.pk, status__isnull=True).delete()


def purge_expired(*, now: dt.datetime, batch: int = PURGE_BATCH) -> int:
    """Delete up to ``batch`` expired keys; return how many went."""
    expired = Q(created_at__lte=now - TTL)
    with transaction.atomic():  # SKIP LOCKED: never wait for a request that is deleting the same rows
        pks = list(IdempotentRequest.objects.select_for_update(skip_locked=True).filter(expired)
                   .values_list("pk", flat=True)[:batch])
        if not pks:
            return 0
        deleted, _ = IdempotentRequest.objects.filter(expired, pk__in=pks).delete()
    return deleted


def _lock(account_id: int, key: str) -> bool:
    """Take the advisory lock of ``account_id``'s ``key`` until the current transaction ends (PostgreSQL, inside a
    transaction; elsewhere there is nothing to take: True). False when another session holds it."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return True
    digest = hashlib.sha256(f"bianmin.idempotency\0{account_id}\0{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])
        row = cursor.fetchone()
    return bool(row and row[0])


def _stale(row: IdempotentRequest, now: dt.datetime) -> bool:
    return row.created_at <= now - TTL or (row.status is None and row.created_at <= now - LEASE)
