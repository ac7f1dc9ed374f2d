"""The statistics writer commits in batches (one commit per half second under load), yet a flush, the
admin's /stats and closing the store do not wait for a batch to fill."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from bot.reply import Reply
from bot.stats import Row, StatsStore

ANSWER = Reply("答案", kind="answer", intent="rates", products=("jiebei",))


def _count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM questions").fetchone()[0])


def test_rows_arriving_one_by_one_are_committed_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batches: list[int] = []
    write = StatsStore._write

    def counting(self: StatsStore, rows: list[Row]) -> None:
        batches.append(len(rows))
        write(self, rows)

    monkeypatch.setattr(StatsStore, "_write", counting)
    with StatsStore(tmp_path) as store:
        for user in range(40):  # a trickle, as replies come: the writer would otherwise commit each row
            store.record(user, ANSWER, "借呗利率多少")
            time.sleep(0.002)
        assert store.flush()
        assert _count(store.path) == 40
    assert sum(batches) == 40 and len(batches) <= 3


def test_flush_and_close_do_not_wait_for_the_batch_window(tmp_path: Path) -> None:
    store = StatsStore(tmp_path).start()
    store.record(1, ANSWER, "借呗利率多少")
    start = time.perf_counter()
    assert store.flush()
    assert time.perf_counter() - start < StatsStore._BATCH_SECONDS
    assert store.summary().answered["rates"].total == 1
    store.record(2, ANSWER, "借呗日利率")
    start = time.perf_counter()
    store.close()
    assert time.perf_counter() - start < StatsStore._BATCH_SECONDS
    assert _count(store.path) == 2
