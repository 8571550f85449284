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


def locked_county_batches(queryset: QuerySet[M], handle: Callable[[list[M]], int], *, counties: list[int],
                          keys: tuple[str, ...] = ("county_id",), batch: int = BATCH) -> int:
    """``locked_batches`` for rows of the distributed tables (docs/scaling.md): each batch is still one transaction
    handled at once, but its rows are read and locked county by county, each statement naming its county
    (``key = county`` for every key: a joined case table names it too). One statement first finds the counties
    with rows (``keys[0]`` IN ``counties``; on Citus a read of every shard, in parallel), so a county with nothing
    to do costs nothing. ``handle`` gets rows of several counties and names them in its own statements."""
    if not counties:
        return 0
    probe = keys[0]
    total = 0
    while True:
        with transaction.atomic():
            todo = list(queryset.filter(**{f"{probe}__in": counties}).order_by(probe)
                        .values_list(probe, flat=True).distinct())
            rows: list[M] = []
            for county in todo:
                if len(rows) >= batch:
                    break
                rows += list(queryset.filter(**dict.fromkeys(keys, county))
                             .select_for_update(skip_locked=True, of=("self",)).order_by("pk")[:batch - len(rows)])
            if rows:
                total += handle(rows)
        if len(rows) < batch:
            return total
