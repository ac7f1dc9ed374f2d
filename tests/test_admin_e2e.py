"""Admins improve the bot inside Telegram (issue 13), end to end through the offline Bot API server with the
real engine: versions and rollback, restart, feedback, review with one-tap examples, uploads and export."""
from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator

import pytest

from bot.config import Settings
from bot.engine import build_engine
from bot.stats import StatsStore
from bot.telegram import admin
from bot.telegram.services import SERVICES_KEY, source_dirs
from bot.testing.botapi import FakeBotApi, SentMessage
from bot.testing.harness import TEST_TOKEN, running_bot
from test_telegram_e2e import Env as E2EEnv
from test_telegram_e2e import mark_zhima_fact

REPO = Path(__file__).resolve().parent.parent
ADMIN, USER, OTHER = 1001, 2002, 3003


@dataclass
class Env(E2EEnv):
    settings: Settings = None  # type: ignore[assignment]

    async def press(self, chat_id: int, message: SentMessage, data: str) -> SentMessage:
        """Press a button under ``message``; the next message sent or edited in the chat."""
        before = len(self.api.sent(chat_id))
        self.api.push_callback(chat_id, chat_id, message.message_id, data)
        return (await self.api.wait_for_sent(chat_id, before + 1, timeout=30))[before]


@contextlib.asynccontextmanager
async def bot(settings: Settings) -> AsyncIterator[Env]:
    """The bot as ``run_bot`` starts it: the engine from the live version when there is one."""
    engine = build_engine(*source_dirs(settings))
    with StatsStore(settings.data_dir) as stats:
        async with FakeBotApi() as api:
            async with running_bot(api, settings, engine, stats) as app:
                yield Env(api, app, settings.knowledge_dir, settings)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    for folder in ("knowledge", "intents"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return Settings(token=TEST_TOKEN, admin_ids=frozenset({ADMIN}), data_dir=tmp_path / "data",
                    knowledge_dir=tmp_path / "knowledge", intents_dir=tmp_path / "intents", chat_rate=0)


@pytest.fixture
async def env(settings: Settings) -> AsyncIterator[Env]:
    async with bot(settings) as env:
        yield env


def updated(text: str) -> bool:
    return "已更新" in text


# ---------------------------------------------------------------- versions, rollback, restart
async def test_reload_is_versioned_rollback_restores_and_restart_serves_the_last_live_version(
        settings: Settings) -> None:
    async with bot(settings) as env:
        assert "还没有保存的版本" in (await env.ask("/versions", ADMIN)).plain
        mark_zhima_fact(settings.knowledge_dir)
        report = await env.ask("/reload", ADMIN)
        assert "修改 1 项" in report.plain and "已保存为版本 2" in report.plain
        assert "text：" in report.plain and "→" in report.plain and "（已更新）" in report.plain  # old → new
        assert updated((await env.ask("微粒贷要芝麻分吗")).plain)

        listed = (await env.ask("/versions", ADMIN)).plain
        assert "版本 2" in listed and "版本 1" in listed and "机器人启动时的版本" in listed
        assert "重新加载：修改 knowledge/weilidai.yaml  ← 当前" in listed
        assert "管理员 " in listed and str(ADMIN) not in listed  # hashed, never the id

        restored = await env.ask("/rollback 1", ADMIN)
        assert restored.plain.startswith("已恢复到版本 1") and "已保存为版本 3" in restored.plain
        assert not updated((await env.ask("微粒贷要芝麻分吗")).plain)
        assert "已更新" not in (settings.knowledge_dir / "weilidai.yaml").read_text(encoding="utf-8")
        assert "没有版本 99" in (await env.ask("/rollback 99", ADMIN)).plain

        assert updated((await env.ask("/rollback 2", ADMIN)).plain)
        for command in ("/versions", "/rollback 1"):
            assert (await env.ask(command, OTHER)).plain == admin.REFUSED
        assert updated((await env.ask("微粒贷要芝麻分吗")).plain)

    # An unreleased, broken edit on the server does not matter: the restarted bot serves what was live.
    (settings.knowledge_dir / "jiebei.yaml").write_text("facts:\n  - id: [broken\n", encoding="utf-8")
    async with bot(settings) as env:
        assert updated((await env.ask("微粒贷要芝麻分吗")).plain)
        assert "借呗" in (await env.ask("借呗日利率多少")).plain
        assert "版本 4" in (await env.ask("/versions", ADMIN)).plain


async def test_versions_keep_the_last_twenty_and_files_are_owner_only(env: Env) -> None:
    path = env.settings.knowledge_dir / "weilidai.yaml"
    original = path.read_text(encoding="utf-8")
    for step in range(22):
        path.write_text(original.replace("weilidai", "weilidai", 1) + f"# change {step}\n", encoding="utf-8")
        assert "已保存为版本" in (await env.ask("/reload", ADMIN)).plain
    store = env.app.bot_data[SERVICES_KEY].versions
    numbers = [v.number for v in store.versions()]
    assert len(numbers) == 20 and numbers[0] == 23 and store.current().number == 23
    assert (store.root.stat().st_mode & 0o777) == 0o700
    assert all((p.stat().st_mode & 0o077) == 0 for p in store.root.rglob("*.yaml"))
