"""Facts a case service detects that a higher layer records in the same transaction.

The case app sits below accountability (docs/architecture.md), so it cannot write a violation itself; the
layer above registers a recorder when the apps are ready (``bianmin.sweep.apps``). A fact reported with no
recorder registered is kept nowhere, so the registration is checked at start-up (``bianmin.sweep.checks``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LateAcceptance:
    """A clerk accepted an application after its intake deadline (the law had deemed it accepted already)."""

    case: Any
    intake_deadline: dt.date
    staff_id: int | None
    accepted_on: dt.date


_recorders: list[Callable[[Any], None]] = []


def register_recorder(recorder: Callable[[Any], None]) -> None:
    """Register ``recorder(fact)``, called inside the reporting transaction for every fact (once per callable)."""
    if recorder not in _recorders:
        _recorders.append(recorder)


def has_recorder() -> bool:
    return bool(_recorders)


def report_fact(fact: Any) -> None:
    """Hand ``fact`` to every registered recorder (in the caller's transaction: a failure rolls it back)."""
    for recorder in _recorders:
        recorder(fact)
