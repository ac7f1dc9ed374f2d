"""Question statistics: private, non-blocking, durable, self-healing."""
from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

import pytest

from bot.reply import Reply
from bot.stats import DAY, StatsStore

ANSWER = Reply("答案", kind="answer", intent="rates", products=("jiebei",))
CLARIFY = Reply("哪个产品？", kind="clarify", intent="installment")
MISSED = Reply("抱歉", kind="not_understood")
SUGGEST = Reply("你是不是想问", kind="suggest")
INVALID = Reply("太长了", kind="invalid")
REPLY = Reply("好的。还有其他问题随时问我。", kind="smalltalk")  # "好的", "不是": small talk with no intent


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT ts, user_hash, intent, kind, text FROM questions ORDER BY id").fetchall()


def test_counts_by_intent_last_day_and_total(tmp_path: Path) -> None:
    clock = Clock()
    with StatsStore(tmp_path, clock=clock) as store:
        store.record(1, ANSWER, "借呗利率多少")
        store.record(2, MISSED, "今天天气怎么样")
        clock.now += 2 * DAY
        store.record(1, ANSWER, "借呗日利率")
        store.record(3, CLARIFY, "能分期吗")
        store.record(3, SUGGEST, "利息")
        store.record(4, INVALID, " ")
        store.record(4, REPLY, "好的")
        summary = store.summary()
    assert summary.answered["rates"].last_24h == 1 and summary.answered["rates"].total == 2
    assert summary.answered["installment"].total == 1
    assert summary.answered["smalltalk"].total == 1  # a reply to the bot is neither invalid input nor a miss
    assert (summary.answered_total.last_24h, summary.answered_total.total) == (3, 4)
    assert (summary.not_understood.last_24h, summary.not_understood.total) == (1, 2)
    assert summary.invalid.total == 1


def test_user_ids_are_hashed_and_only_missed_questions_keep_text(tmp_path: Path) -> None:
    with StatsStore(tmp_path) as store:
        store.record(123456789, ANSWER, "借呗利率多少")
        store.record(123456789, MISSED, "今天天气怎么样")
        store.flush()
        digest = store.user_hash(123456789)
    stored = rows(tmp_path / "stats.sqlite3")
    assert [r[4] for r in stored] == [None, "今天天气怎么样"]
    assert {r[1] for r in stored} == {digest} and "123456789" not in digest
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("stats.sqlite3*"))
    assert b"123456789" not in raw and "借呗利率多少".encode() not in raw
    assert (tmp_path / "stats.salt").stat().st_mode & 0o077 == 0
    other = StatsStore(tmp_path.parent / "other-install")
    assert other.user_hash(123456789) != digest  # a per-install salt


def test_survives_restart(tmp_path: Path) -> None:
    with StatsStore(tmp_path) as store:
        store.record(1, ANSWER, "q")
        store.record(2, MISSED, "没懂的问题")
        digest = store.user_hash(1)
    with StatsStore(tmp_path) as again:
        assert again.user_hash(1) == digest  # same salt after restart
        again.record(1, ANSWER, "q")
        assert again.summary().answered["rates"].total == 2
        assert [u.text for u in again.unanswered()] == ["没懂的问题"]


def test_unanswered_newest_first_and_limited(tmp_path: Path) -> None:
    clock = Clock()
    with StatsStore(tmp_path, clock=clock) as store:
        for i in range(30):
            clock.now += 1
            store.record(i, MISSED if i % 2 else SUGGEST, f"问题{i}")
        latest = store.unanswered(limit=5)
    assert [u.text for u in latest] == ["问题29", "问题28", "问题27", "问题26", "问题25"]
    assert latest[0].kind == "not_understood" and latest[1].kind == "suggest"


def test_record_does_not_block(tmp_path: Path) -> None:
    with StatsStore(tmp_path) as store:
        started = time.perf_counter()
        for i in range(2000):
            store.record(i, MISSED, "问题")
        elapsed = time.perf_counter() - started
        assert store.flush()
        assert store.summary().not_understood.total == 2000
    assert elapsed < 0.5  # ~ a few microseconds per call; the writes happen on the writer thread


def test_corrupt_file_is_moved_aside_and_recreated(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "stats.sqlite3").write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="bot.stats"), StatsStore(tmp_path) as store:
        store.record(1, ANSWER, "q")
        assert store.summary().answered["rates"].total == 1
    assert "unusable" in caplog.text
    aside = list(tmp_path.glob("stats.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")


def test_file_corrupted_or_deleted_while_running(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.stats"), StatsStore(tmp_path) as store:
        store.record(1, ANSWER, "q")
        store.flush()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp_path / 'stats.sqlite3'}{suffix}").unlink(missing_ok=True)
        store.record(2, ANSWER, "q")
        assert store.summary().answered["rates"].total == 1  # the new file has the new row
        assert "disappeared" in caplog.text
        store.flush()
        (tmp_path / "stats.sqlite3").write_bytes(b"garbage" * 1000)
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp_path / 'stats.sqlite3'}{suffix}").unlink(missing_ok=True)
        store.record(3, MISSED, "坏了以后的问题")
        assert [u.text for u in store.unanswered()] == ["坏了以后的问题"]
    assert list(tmp_path.glob("stats.sqlite3.corrupt-*"))


def test_missing_database_with_existing_salt_is_recreated_with_warning(tmp_path: Path,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    with StatsStore(tmp_path) as store:
        store.record(1, ANSWER, "q")
    (tmp_path / "stats.sqlite3").unlink()
    with caplog.at_level(logging.WARNING, logger="bot.stats"), StatsStore(tmp_path) as store:
        assert store.summary().answered == {}
    assert "missing" in caplog.text


def test_record_never_raises(tmp_path: Path) -> None:
    store = StatsStore(tmp_path)
    store.record(None, ANSWER, None)  # starts the writer on first use
    store.record("weird", Reply("x", kind="answer", intent="rates"), "q" * 10_000)
    assert store.summary().answered["rates"].total == 2
    store.close()


UNCOVERED = Reply("资料没有写还款日", kind="uncovered", intent="repay_date")


def test_uncovered_topics_are_counted_apart_and_kept_for_review(tmp_path: Path) -> None:
    with StatsStore(tmp_path) as store:
        store.record(1, UNCOVERED, "每月几号还款")
        store.record(2, MISSED, "今天天气怎么样")
        summary = store.summary()
        assert summary.uncovered.total == 1 and summary.not_understood.total == 1 and not summary.answered
        kinds = {(item.text, item.kind, item.intent) for item in store.review_items()}
        assert kinds == {("每月几号还款", "uncovered", "repay_date"), ("今天天气怎么样", "not_understood", None)}


def test_feedback_once_per_user_and_answer_with_helpful_rate(tmp_path: Path) -> None:
    clock = Clock()
    with StatsStore(tmp_path, clock=clock) as store:
        assert store.add_feedback(1, "aaaa0001", "rates", -1, "借呗利率 13812345678")
        assert not store.add_feedback(1, "aaaa0001", "rates", 1, None)  # the same user and answer: ignored
        clock.now += 2 * DAY
        assert store.add_feedback(2, "aaaa0001", "rates", 1, None)
        summary = store.summary()
        assert summary.votes is not None
        votes = summary.votes["rates"]
        assert (votes.up.last_24h, votes.up.total, votes.down.last_24h, votes.down.total) == (1, 1, 0, 1)
        assert votes.helpful == ("100%", "50%")
        [disliked] = store.review_items()
        assert disliked.kind == "disliked" and disliked.text == "借呗利率 [手机号]" and disliked.intent == "rates"


def test_review_texts_are_deleted_after_the_retention(tmp_path: Path) -> None:
    clock = Clock()
    with StatsStore(tmp_path, clock=clock, retention_days=90) as store:
        store.record(1, MISSED, "老问题")
        store.add_feedback(1, "aaaa0002", "rates", -1, "老的差评")
        store.mark_reviewed(["老问题"], "ignore")
        clock.now += 89 * DAY
        store.record(2, MISSED, "新问题")
        assert len(store.review_items()) == 3
        clock.now += 2 * DAY
        assert [item.text for item in store.review_items()] == ["新问题"]
        assert store.reviewed() == set()
        assert store.summary().not_understood.total == 2  # counts stay, texts go
    assert "老问题" not in str(rows(tmp_path / "stats.sqlite3"))
