"""Small per-process caches that forget their entries after a few seconds (and all at once on demand)."""
from __future__ import annotations

import time
from typing import Any, Generic, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
D = TypeVar("D")

_all: list[TTLCache[Any, Any]] = []
_clock = time.monotonic  # tests move it forward


class TTLCache(Generic[K, V]):
    """A dict whose entries expire ``seconds`` after they were stored; bounded by ``max_entries``."""

    def __init__(self, seconds: float, max_entries: int = 10_000):
        self.seconds = seconds
        self.max_entries = max_entries
        self._data: dict[K, tuple[float, V]] = {}
        _all.append(self)

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        hit = self._data.get(key)
        if hit is None or _clock() >= hit[0]:
            return default
        return hit[1]

    def set(self, key: K, value: V) -> None:
        if len(self._data) >= self.max_entries:
            self._data.clear()
        self._data[key] = (_clock() + self.seconds, value)

    def pop(self, key: K) -> None:
        self._data.pop(key, None)

    def clear(self) -> None:
        self._data.clear()


def clear_all(**_signal_kwargs: object) -> None:
    """Empty every TTL cache of this process (connected to the signals of the models they copy)."""
    for cache in _all:
        cache.clear()
