"""Work through a queryset in locked batches: the sweep's steps (cases, relays, ratings, complaints) share it."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import models, transaction
from django.db.models import QuerySet

BATCH = 500
M = TypeVar("M", bound=models.Model)


def locked_batches(queryset: QuerySet[M], handle: Callable[[list[M]], int], *, batch: int = BATCH) -> int:
    """Lock up to ``batch`` rows of ``queryset`` at a time (skipping rows others hold: two sweeps at once share the
    work) and ``handle`` them, each batch in its own transaction; return the total ``handle`` counted."""
    total = 0
    while True:
        with transaction.atomic():
            rows = list(queryset.select_for_update(skip_locked=True, of=("self",)).order_by("pk")[:batch])
            if rows:
                total += handle(rows)
        if len(rows) < batch:
            return total
