"""The bounded memo table: what it keeps, what it drops, and that it never holds more than its size."""
from __future__ import annotations

from bot.memo import Memo


class _Counted:
    """A memo of ``key * 10`` that records every key it had to compute."""

    def __init__(self, size: int = 8) -> None:
        self.memo: Memo[int, int] = Memo(size)
        self.computed: list[int] = []

    def __call__(self, key: int) -> int:
        return self.memo.get(key, lambda: self._compute(key))

    def _compute(self, key: int) -> int:
        self.computed.append(key)
        return key * 10


def test_a_stored_value_is_returned_without_computing_again() -> None:
    ask = _Counted()
    assert ask(3) == 30 and ask(3) == 30
    assert ask.computed == [3] and (ask.memo.hits, ask.memo.misses) == (1, 1)


def test_never_more_entries_than_its_size() -> None:
    ask = _Counted()
    for key in range(100):
        ask(key)
        assert len(ask.memo) <= ask.memo.size


def test_a_value_asked_again_survives_a_flood_of_new_ones() -> None:
    # clearing the whole table when full (the earlier scheme) lost the hot entries with the cold ones
    ask = _Counted()
    for key in range(100, 200):
        assert ask(7) == 70
        ask(key)
    assert ask.computed.count(7) == 1


def test_a_value_asked_once_leaves_after_at_most_size_newer_ones() -> None:
    ask = _Counted()
    ask(1)
    for key in range(100, 108):
        ask(key)
    assert ask(1) == 10 and ask.computed.count(1) == 2
