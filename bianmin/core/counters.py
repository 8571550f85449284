"""Gap-free sequence numbers from counter rows locked for the rest of the transaction."""
from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction


def next_value(model, **lookup: Any) -> int:
    """Lock (creating race-safely if needed) the counter row matching ``lookup`` and return its next value.

    ``model`` has a ``last`` integer field and a unique constraint over the lookup fields. Call inside the
    transaction that uses the number, so a rollback gives the number back.
    """
    counter = model.objects.select_for_update().filter(**lookup).first()
    if counter is None:
        try:
            with transaction.atomic():
                model.objects.create(**lookup, last=0)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        counter = model.objects.select_for_update().get(**lookup)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
