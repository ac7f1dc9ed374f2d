"""Persistence as an admin sees it: /stats and /unanswered survive a restart; a corrupt, emptied or missing
data file is recreated with a warning; an unusable data folder turns statistics off, never the bot."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import Settings
from bot.engine import Engine
from bot.stats import DB_NAME, SALT_NAME, StatsStore
from bot.telegram import admin
from tests.botkit.botapi import FakeBotApi
from tests.botkit.harness import TEST_TOKEN, running_bot
from tests.conftest import shared_engine

ADMIN, USER = 1001, 2002


def engine() -> Engine:
    return shared_engine()


async def session(data_dir: Path, questions: list[str]) -> tuple[str, str, list[str]]:
    """One run of the bot (start, questions, /stats, /unanswered, clean stop), as run_bot runs it."""
    settings = Settings(token=TEST_TOKEN, admin_ids=frozenset({ADMIN}), data_dir=data_dir, chat_rate=0)
    stats = StatsStore(data_dir).start()
    try:
        async with FakeBotApi() as api, running_bot(api, settings, engine(), stats):
            for n, text in enumerate(questions, 1):
                api.push_text(USER, USER, text)
                await api.wait_for_sent(USER, n)
            api.push_text(ADMIN, ADMIN, "/stats")
            api.push_text(ADMIN, ADMIN, "/unanswered")
            report, missed = (await api.wait_for_sent(ADMIN, 2))[:2]
            answers = [s.plain for s in api.sent(USER)]
    finally:
        stats.close()
    return report.plain, missed.plain, answers


async def test_stats_and_unanswered_survive_a_restart(tmp_path: Path) -> None:
    report, missed, _ = await session(tmp_path, ["微粒贷要芝麻分吗", "今天天气怎么样呀"])
    assert "已回答：1 / 1" in report and "芝麻分要求：1 / 1" in report and "未理解：1 / 1" in report
    report, missed, _ = await session(tmp_path, ["借呗最高能借多少", "推荐一部电影吧"])  # after a restart
    assert "已回答：2 / 2" in report and "芝麻分要求：1 / 1" in report and "最高额度：1 / 1" in report
    assert "未理解：2 / 2" in report
    assert "今天天气怎么样呀" in missed and "推荐一部电影吧" in missed


@pytest.mark.parametrize("damage", ["garbage", "emptied", "deleted"])
async def test_a_damaged_data_file_is_recreated_with_a_warning(tmp_path: Path, damage: str,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    await session(tmp_path, ["微粒贷要芝麻分吗", "今天天气怎么样呀"])
    db = tmp_path / DB_NAME
    if damage == "garbage":
        db.write_bytes(b"\x00not a database\xff" * 512)
    elif damage == "emptied":
        db.write_bytes(b"")
    else:
        db.unlink()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.stats"):
        report, _missed, answers = await session(tmp_path, ["借呗最高能借多少"])
    assert any(r.levelno == logging.WARNING and DB_NAME in r.getMessage() for r in caplog.records), caplog.text
    assert "借呗" in answers[0] and "来源：" in answers[0]  # the bot kept answering
    assert "已回答：1 / 1" in report and "未理解：0 / 0" in report  # counted afresh in the new file
    assert db.exists() and (tmp_path / SALT_NAME).exists()


async def test_an_unusable_data_folder_turns_statistics_off_not_the_bot(tmp_path: Path,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "data"
    blocked.write_text("a file where the data folder should be", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="bot.stats"):
        report, missed, answers = await session(blocked, ["微粒贷要芝麻分吗"])
    assert "微粒贷" in answers[0] and "来源：" in answers[0]
    assert report == admin.STATS_BROKEN and missed == admin.STATS_BROKEN
    assert "statistics are off" in caplog.text
