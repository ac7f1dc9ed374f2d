"""A bounded memo table for pure functions of hashable arguments (answers, matcher results)."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """``get(key, compute)``: the stored value, or ``compute()`` stored under ``key``.

    Emptied when full (cheaper than LRU bookkeeping; a real bot's questions repeat within minutes, so
    the table refills with what is asked now). One per engine: a reload starts with an empty table.
    """

    __slots__ = ("_table", "hits", "misses", "size")

    def __init__(self, size: int = 4096) -> None:
        self._table: dict[K, V] = {}
        self.size = size
        self.hits = 0
        self.misses = 0

    def get(self, key: K, compute: Callable[[], V]) -> V:
        try:
            value = self._table[key]
        except KeyError:
            self.misses += 1
            if len(self._table) >= self.size:
                self._table.clear()
            value = self._table[key] = compute()
            return value
        self.hits += 1
        return value

    def __len__(self) -> int:
        return len(self._table)
