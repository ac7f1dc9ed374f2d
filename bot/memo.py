"""A bounded memo table for pure functions of hashable arguments (answers, matcher results)."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """``get(key, compute)``: the stored value, or ``compute()`` stored under ``key``.

    Two generations of ``size // 2`` entries each: new values go into the young table; when it is full it
    becomes the old one and the previous old table is dropped. A value found only in the old table moves back
    into the young one, so what is asked again and again stays, and what was asked once leaves after between
    ``size // 2`` and ``size`` newer values: at most ``size`` entries, every step O(1), no LRU bookkeeping.
    One per engine: a reload starts with empty tables.
    """

    __slots__ = ("_half", "_old", "_young", "hits", "misses", "size")

    def __init__(self, size: int = 4096) -> None:
        self._young: dict[K, V] = {}
        self._old: dict[K, V] = {}
        self.size = size
        self._half = max(1, size // 2)
        self.hits = 0
        self.misses = 0

    def get(self, key: K, compute: Callable[[], V]) -> V:
        try:
            value = self._young[key]
        except KeyError:
            pass
        else:
            self.hits += 1
            return value
        try:
            value = self._old.pop(key)
        except KeyError:
            self.misses += 1
            value = compute()
        else:
            self.hits += 1
        self._store(key, value)
        return value

    def _store(self, key: K, value: V) -> None:
        if len(self._young) >= self._half:
            self._old = self._young
            self._young = {}
        self._young[key] = value

    def __len__(self) -> int:
        return len(self._young) + len(self._old)
