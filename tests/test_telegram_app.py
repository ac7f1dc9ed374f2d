"""Application wiring, webhook settings, run_bot exit codes, reload reports, sessions."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from telegram import Chat, User
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.config import ConfigError, Settings
from bot.datafiles.errors import KnowledgeError
from bot.stats import Counts, Summary, Unanswered
from bot.telegram import EngineRef, WebhookConfig, build_application, run_bot
from bot.telegram.admin import catalog_diff, format_diff, format_reload_error, format_summary, format_unanswered
from bot.telegram.services import session_id
from tests.botkit.fake_engine import FakeEngine
from tests.botkit.harness import TEST_TOKEN


def test_application_defaults_and_handler_order(tmp_path: Path) -> None:
    settings = Settings(token=TEST_TOKEN, data_dir=tmp_path, base_url="http://127.0.0.1:9/bot")
    app = build_application(settings, EngineRef(FakeEngine()), None)
    assert app.bot.defaults.parse_mode == ParseMode.HTML
    assert isinstance(app.bot.rate_limiter, AIORateLimiter)
    assert app.bot.base_url == f"http://127.0.0.1:9/bot{TEST_TOKEN}"
    assert app.bot.base_file_url == f"http://127.0.0.1:9/file/bot{TEST_TOKEN}"
    handlers = app.handlers[0]
    commands = [sorted(h.commands) for h in handlers if isinstance(h, CommandHandler)]
    assert commands == [["start"], ["help"], ["products"], ["reload"], ["stats"], ["unanswered"], ["review"],
                        ["versions"], ["rollback"], ["export"]]
    kinds = [type(h) for h in handlers]
    assert kinds.index(CallbackQueryHandler) < kinds.index(MessageHandler)
    assert len(app.error_handlers) == 1
    with pytest.raises(ConfigError):
        build_application(Settings(), EngineRef(FakeEngine()), None)


def test_webhook_config_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_WEBHOOK_SECRET", raising=False)
    generated = WebhookConfig("https://example.com/loanbot/hook")
    assert len(generated.secret_token) >= 32 and generated.path == "loanbot/hook"
    assert generated.secret_token not in repr(generated)
    assert WebhookConfig("https://example.com/x").secret_token != generated.secret_token
    monkeypatch.setenv("BOT_WEBHOOK_SECRET", "from-env_1")
    assert WebhookConfig("https://example.com").secret_token == "from-env_1"
    created = WebhookConfig.create(url="https://example.com/h", listen="127.0.0.1", port=88, secret_token=None)
    assert (created.secret_token, created.listen, created.port, created.path) == ("from-env_1", "127.0.0.1", 88, "h")
    assert WebhookConfig.create(url="https://e.com", secret_token="given").secret_token == "given"
    with pytest.raises(ConfigError):
        WebhookConfig("https://example.com", secret_token="spaces are not allowed")


def test_run_bot_without_token_or_with_broken_knowledge(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert run_bot(Settings(data_dir=tmp_path)) == 2

    def broken(knowledge: Path, intents: Path, previous: object = None) -> FakeEngine:
        raise KnowledgeError(["knowledge/jiebei.yaml: 第3行：YAML格式错误"])

    with caplog.at_level(logging.ERROR):
        assert run_bot(Settings(token=TEST_TOKEN, data_dir=tmp_path), build_engine=broken) == 1
    assert "knowledge/jiebei.yaml: 第3行" in caplog.text


def test_catalog_diff_report() -> None:
    old = {"fact:a": "1", "fact:b": "2", "intent:rates": "3"}
    new = {"fact:a": "1", "fact:b": "9", "fact:c": "4"}
    diff = catalog_diff(old, new)
    assert (diff.added, diff.removed, diff.changed) == (("fact:c",), ("intent:rates",), ("fact:b",))
    report = format_diff(diff)
    assert report.startswith("知识库已重新加载：新增 1 项，删除 1 项，修改 1 项。")
    assert "• fact:c" in report and "• intent:rates" in report and "• fact:b" in report
    assert format_diff(catalog_diff(old, old)) == "知识库已重新加载：没有变化。"
    many = format_diff(catalog_diff({}, {f"fact:{i:03}": "x" for i in range(40)}), cap=15)
    assert many.count("• fact:") == 15 and "…以及另外 25 项" in many


def test_reload_error_is_precise_and_capped() -> None:
    text = format_reload_error(KnowledgeError(["a.yaml: 第1行: 错误", "b.yaml: 第2行: 错误"]))
    assert "a.yaml: 第1行: 错误\nb.yaml: 第2行: 错误" in text
    assert len(format_reload_error(ValueError("x" * 10_000))) < 4000


def test_stats_reports() -> None:
    summary = Summary({"rates": Counts(2, 5), "fees": Counts(0, 1)}, Counts(1, 3), Counts(0, 0))
    text = format_summary(summary)
    assert "已回答：2 / 6" in text and "• rates：2 / 5" in text and "未理解：1 / 3" in text
    titled = format_summary(summary, {"rates": "日利率/年化利率"})
    assert "• 日利率/年化利率：2 / 5" in titled and "• fees：0 / 1" in titled  # an id without a title stays
    replies = format_summary(Summary({"smalltalk": Counts(1, 2)}, Counts(0, 0), Counts(0, 0)))
    assert "• 回应（好的、不是、是真的吗）：1 / 2" in replies
    assert format_unanswered([]) == "最近没有未能回答的问题。"
    listed = format_unanswered([Unanswered(1_700_000_000, "第一行\n第二行", "not_understood")])
    assert "11-15 06:13  第一行 第二行" in listed  # Beijing time, one line per question


def test_session_ids() -> None:
    user = User(7, "u", False)
    assert session_id(Chat(7, "private"), user) == "tg:7"
    assert session_id(Chat(-5, "group"), user) == "tg:-5:7"
    assert session_id(Chat(-100, "supergroup"), user) == "tg:-100:7"
    assert session_id(None, user) == "tg:user:7"


def test_every_callback_prefix_is_distinct() -> None:
    """Each kind of button has its own callback_data prefix, so no handler takes another's presses."""
    from bot.telegram import admin, feedback, render, review

    prefixes = [admin.UNDO_PREFIX, feedback.PREFIX, review.PREFIX, render.CHOICE_PREFIX, render.NEW_CHOICE_PREFIX,
                render.EXAMPLE_PREFIX, render.DETAIL_PREFIX, render.CHART_PREFIX, render.CSV_PREFIX]
    assert len(prefixes) == len(set(prefixes))
