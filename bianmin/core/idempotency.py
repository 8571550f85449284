"""Idempotency keys: a retried POST never runs twice (issue 13 item 7, decision 0023).

A request that carries a key first claims it (``begin``): a row ``(account, key)`` is inserted in its own
transaction, committed before the action runs, so the unique constraint decides between two requests racing with
one key — the loser finds the winner's row and is told the key is in use. The caller then runs the request and
either keeps a 2xx answer on the row (``finish``) or gives the key back (``abandon``: any other answer committed
nothing, so a retry may run again). A later request with the key gets the kept answer (``Replay``) when it is the
same request (method, path and body fingerprint), and a ``Refusal`` when it differs or is still running.

Keys live 24 hours (``TTL``). Expired rows are deleted lazily: a claim replaces an expired row with its key, and
each new claim deletes up to ``PURGE_BATCH`` other expired rows, so deletions keep pace with new keys without a
scheduler job (the pattern of ``core.ratelimit``). A row left running by a process that died is taken over once
it is older than ``LEASE``.

These are not domain state changes: no audit row is written (as for ``RateCounter``).
"""
from __future__ import annotations

import datetime as dt
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

    Must be called outside the transaction of the work it guards (the claim is committed first)."""
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
    pks = list(IdempotentRequest.objects.filter(expired).values_list("pk", flat=True)[:batch])
    if not pks:
        return 0
    deleted, _ = IdempotentRequest.objects.filter(expired, pk__in=pks).delete()
    return deleted


def _stale(row: IdempotentRequest, now: dt.datetime) -> bool:
    return row.created_at <= now - TTL or (row.status is None and row.created_at <= now - LEASE)
