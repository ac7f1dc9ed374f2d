"""The Telegram adapter end to end against the fake Bot API, with a scripted engine (tests.botkit.fake_engine).

These cover what the real engine cannot produce on demand (markup-like text, very long answers, crashes);
tests/test_telegram_e2e.py runs the real engine and knowledge base.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot import inputs
from bot.config import Settings
from bot.reply import Reply
from bot.stats import StatsStore
from bot.telegram import admin, handlers
from bot.telegram.redact import install_redaction, quiet_http_loggers, redact
from bot.telegram.render import split_html
from bot.telegram.services import SERVICES_KEY
from tests.botkit.botapi import FakeBotApi, SentMessage
from tests.botkit.fake_engine import FakeEngine, build_fake_engine
from tests.botkit.harness import TEST_TOKEN, running_bot
from tests.botkit.tghtml import parse_html, utf16_len

ADMIN, USER, GROUP = 1001, 2002, -100500


@dataclass
class Env:
    api: FakeBotApi
    app: Application
    engine: FakeEngine
    knowledge: Path

    async def ask(self, text: str, chat_id: int = USER, user_id: int | None = None, **kw: Any) -> SentMessage:
        before = len(self.api.sent(chat_id))
        self.api.push_text(chat_id, user_id or chat_id, text, **kw)
        return (await self.api.wait_for_sent(chat_id, before + 1))[before]


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "weilidai.yaml").write_text("max_amount: 200000\n", encoding="utf-8")
    engine = build_fake_engine(knowledge, tmp_path)
    settings = Settings(token=TEST_TOKEN, admin_ids=frozenset({ADMIN}), data_dir=tmp_path / "data",
                        knowledge_dir=knowledge, intents_dir=tmp_path,
                        chat_rate=50)  # pacing has its own test (test_hardening_flood); keep these quick
    stats = StatsStore(settings.data_dir).start()
    async with FakeBotApi() as api, running_bot(api, settings, engine, stats, build_engine=build_fake_engine) as app:
        yield Env(api, app, engine, knowledge)
    stats.close()


def current_engine(env: Env) -> FakeEngine:
    return env.app.bot_data[SERVICES_KEY].engine_ref.engine


# ---------------------------------------------------------------- rendering
async def test_reply_text_is_escaped_and_shown_verbatim(env: Env) -> None:
    sent = await env.ask("借呗利率多少")
    assert sent.parse_mode == "HTML"
    assert sent.plain == "年利率 < 24% & 日利率 > 0.02%？<b>不一定</b>，请看下面："
    assert "&lt;b&gt;" in sent.text


async def test_long_reply_is_split_at_lines_into_valid_messages(env: Env) -> None:
    env.api.push_text(USER, USER, "长一点的说明")
    expected = env.engine.reply("x", "长").text
    count = len(split_html(expected))
    assert count >= 2
    sent = await env.api.wait_for_sent(USER, count)
    for message in sent:
        assert utf16_len(message.plain) <= 4096 and parse_html(message.text).text == message.plain
    assert "\n".join(m.plain for m in sent) == expected
    assert sent[0].plain.endswith("说明。")  # cut at a line end


# ---------------------------------------------------------------- buttons
async def test_suggestion_button_is_answered_in_place(env: Env) -> None:
    offer = await env.ask("利息")
    assert offer.buttons == [("借呗的利息", "a|interest|jiebei"), ("微粒贷的利息", "a|interest|weilidai")]
    query_id = env.api.push_callback(USER, USER, offer.message_id, offer.buttons[1][1] or "")
    edited = (await env.api.wait_for_sent(USER, 2))[1]
    assert edited.method == "editMessageText" and edited.message_id == offer.message_id
    assert edited.plain.startswith("微粒贷的interest")
    assert [label for label, _ in edited.buttons] == ["👍 有帮助", "👎 没帮助"]  # suggestions gone, feedback added
    assert ("choose", f"tg:{USER}", "interest", "weilidai") in env.engine.calls
    assert [a["callback_query_id"] for a in env.api.callback_answers] == [query_id]


async def test_stale_button_is_answered_without_a_message(env: Env) -> None:
    offer = await env.ask("利息")
    env.api.push_callback(USER, USER, offer.message_id, "old-format-data")
    for _ in range(100):
        if env.api.callback_answers:
            break
        await asyncio.sleep(0.02)
    assert env.api.callback_answers[0]["text"] == handlers.STALE_BUTTON
    assert len(env.api.sent(USER)) == 1


# ---------------------------------------------------------------- what is (not) answered
async def test_non_text_messages_get_a_polite_text_reply(env: Env) -> None:
    env.api.push_sticker(USER, USER)
    env.api.push_photo(USER, USER, caption="看看这个")
    env.api.push_voice(USER, USER)
    env.api.push_document(USER, USER)
    sent = await env.api.wait_for_sent(USER, 4)
    assert [s.plain for s in sent] == [handlers.TEXT_ONLY] * 4
    assert env.engine.calls == []


async def test_edited_message_is_not_answered_again(env: Env) -> None:
    first = env.api.push_text(USER, USER, "微粒贷要芝麻分吗")
    await env.api.wait_for_sent(USER, 1)
    env.api.push_edited_text(USER, USER, first["message_id"], "借呗利率多少")
    marker = await env.ask("利息")  # handled after the edit: everything before it was processed
    assert marker.plain.startswith("你是不是想问")
    assert len(env.api.sent(USER)) == 2
    assert [c[2] for c in env.engine.calls] == ["微粒贷要芝麻分吗", "利息"]


async def test_blank_and_too_long_text_get_polite_replies(env: Env) -> None:
    assert (await env.ask("   ")).plain == inputs.EMPTY
    assert "精简到500字以内" in (await env.ask("问" * 4001)).plain
    assert env.engine.calls == []  # the engine's limits in front of the scripted stand-in


async def test_groups_only_when_mentioned_or_replied_to(env: Env) -> None:
    env.api.push_text(GROUP, 7, "大家好，今天吃什么", chat_type="supergroup")
    env.api.push_sticker(GROUP, 7, chat_type="supergroup")
    mentioned = env.api.push_text(GROUP, 7, "@LoanBot_Test_Bot 微粒贷要芝麻分吗", chat_type="supergroup")
    sent = await env.api.wait_for_sent(GROUP, 1)
    assert "非必需" in sent[0].plain and sent[0].reply_to == mentioned["message_id"]
    assert ("reply", f"tg:{GROUP}:7", "微粒贷要芝麻分吗") in env.engine.calls  # mention stripped, per-user session
    env.api.push_text(GROUP, 8, "那利息呢", chat_type="supergroup", reply_to_bot=True)
    sent = await env.api.wait_for_sent(GROUP, 2)
    assert sent[1].plain.startswith("你是不是想问")
    assert ("reply", f"tg:{GROUP}:8", "那利息呢") in env.engine.calls
    assert len([c for c in env.engine.calls if c[0] == "reply"]) == 2  # the chatter was ignored
    env.api.push_text(GROUP, 8, "@loanbot_test_bot", chat_type="supergroup")
    assert (await env.api.wait_for_sent(GROUP, 3))[2].plain == inputs.EMPTY
    env.api.push_photo(GROUP, 8, caption="@loanbot_test_bot 这张截图是什么意思", chat_type="supergroup")
    env.api.push_voice(GROUP, 8, chat_type="supergroup", reply_to_bot=True)
    assert [s.plain for s in (await env.api.wait_for_sent(GROUP, 5))[3:]] == [handlers.TEXT_ONLY] * 2


# ---------------------------------------------------------------- commands
async def test_start_help_products_and_menus(env: Env) -> None:
    start = await env.ask("/start")
    assert start.plain.startswith("你好！") and ("微粒贷要芝麻分吗", "q|微粒贷要芝麻分吗") in start.buttons
    help_ = await env.ask("/help")
    assert "借呗借一万用30天多少利息" in help_.plain and "/products" in help_.plain
    products = await env.ask("/products")
    assert "• 微粒贷" in products.plain and "• WE2000" in products.plain
    assert ("微粒贷介绍", "n|product_overview|weilidai") in products.buttons
    assert (await env.ask("/frobnicate")).plain == handlers.UNKNOWN_COMMAND
    public = [c["command"] for c in env.api.commands_for()]
    assert public == ["start", "help", "products"]
    assert [c["command"] for c in env.api.commands_for("chat", chat_id=ADMIN)] == [
        *public, "reload", "stats", "unanswered", "review", "versions", "rollback", "export"]


async def test_admin_commands_refuse_everyone_else(env: Env) -> None:
    before = current_engine(env)
    (env.knowledge / "new.yaml").write_text("x: 1\n", encoding="utf-8")
    for command in ("/reload", "/stats", "/unanswered", "/review", "/versions", "/rollback 1", "/export"):
        assert (await env.ask(command)).plain == admin.REFUSED
    assert current_engine(env) is before and before.catalog() == current_engine(env).catalog()
    env.api.push_text(GROUP, ADMIN, "/stats", chat_type="group")
    assert (await env.api.wait_for_sent(GROUP, 1))[0].plain == admin.PRIVATE_ONLY


async def test_reload_applies_valid_changes_and_refuses_broken_files(env: Env) -> None:
    old = current_engine(env)
    (env.knowledge / "weilidai.yaml").write_text("max_amount: 300000\n", encoding="utf-8")
    (env.knowledge / "jiebei.yaml").write_text("rate: 0.02\n", encoding="utf-8")
    report = await env.ask("/reload", chat_id=ADMIN)
    assert "新增 1 项，删除 0 项，修改 1 项" in report.plain
    assert "file:jiebei.yaml" in report.plain and "file:weilidai.yaml" in report.plain
    reloaded = current_engine(env)
    assert reloaded is not old
    (env.knowledge / "jiebei.yaml").write_text("rate: [BROKEN\n", encoding="utf-8")
    refused = await env.ask("/reload", chat_id=ADMIN)
    assert refused.plain.startswith("重新加载失败，继续使用原来的知识库。")
    assert "jiebei.yaml: 第1行：YAML 格式错误 <BROKEN>" in refused.plain  # precise and escaped
    assert current_engine(env) is reloaded
    assert "非必需" in (await env.ask("微粒贷要芝麻分吗")).plain
    assert "没有变化" not in (await env.ask("/reload", chat_id=ADMIN)).plain  # still broken: refused again


async def test_stats_and_unanswered_for_admins(env: Env) -> None:
    await env.ask("微粒贷要芝麻分吗")
    await env.ask("今天天气怎么样")
    await env.ask("利息")
    report = await env.ask("/stats", chat_id=ADMIN)
    assert "已回答：1 / 1" in report.plain and "• 芝麻分要求：1 / 1" in report.plain
    assert "未理解：2 / 2" in report.plain
    missed = await env.ask("/unanswered", chat_id=ADMIN)
    assert missed.plain.index("利息") < missed.plain.index("今天天气怎么样")  # newest first


# ---------------------------------------------------------------- failures
async def test_429_on_send_message_is_retried_and_nothing_is_lost(env: Env) -> None:
    env.api.fail_next("sendMessage", status=429, retry_after=1)
    sent = await env.ask("微粒贷要芝麻分吗")
    assert "非必需" in sent.plain
    statuses = [c.status for c in env.api.calls_to("sendMessage")]
    assert statuses == [429, 200]


async def test_engine_crash_gets_a_polite_reply_and_logs_without_token(env: Env, caplog: pytest.LogCaptureFixture,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(session: str, text: str) -> Reply:
        raise RuntimeError(f"boom with {TEST_TOKEN} inside")

    monkeypatch.setattr(current_engine(env), "reply", explode)
    with caplog.at_level(logging.DEBUG):
        sent = await env.ask("微粒贷要芝麻分吗")
    assert sent.plain == "抱歉，出了点问题，请稍后再试。"
    assert "boom with" in caplog.text and "RuntimeError" in caplog.text
    assert TEST_TOKEN not in caplog.text and "[REDACTED]" in caplog.text


def test_token_is_redacted_from_any_logger(caplog: pytest.LogCaptureFixture) -> None:
    token = "987654:redact-ME_please"
    install_redaction(token)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("httpx").warning('HTTP Request: POST %s "HTTP/1.1 200 OK"',
                                           f"https://api.telegram.org/bot{token}/getUpdates")
        logging.getLogger("some.lib").error("token=%s quoted=%s", token, token.replace(":", "%3A"))
        try:
            raise ValueError(f"bad {token}")
        except ValueError:
            logging.getLogger("x").exception("failed")
    assert token not in caplog.text and "987654%3A" not in caplog.text
    assert caplog.text.count("[REDACTED]") >= 4
    quiet_http_loggers()
    assert logging.getLogger("httpx").level == logging.WARNING


def test_a_token_in_a_bot_api_url_is_redacted_even_unregistered() -> None:
    """A client built before (or without) ``install_redaction`` must not show a token either."""
    token = "555444333:never_registered-Token"
    text = redact(f"Cannot connect to https://api.telegram.org/bot{token}/sendMessage")
    assert token not in text and token.split(":")[1] not in text and "/bot[REDACTED]/sendMessage" in text
    assert redact("借呗 12:30 还款") == "借呗 12:30 还款"  # a time is not a token
