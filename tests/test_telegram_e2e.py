"""What a Telegram user sees: the real Application, the real engine and knowledge base, a fake Bot API (polling)."""
from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from telegram.ext import Application

from bot import figures
from bot.config import Settings
from bot.engine import Engine, build_engine
from bot.stats import StatsStore
from bot.telegram import admin, handlers
from bot.telegram.render import COST_CHART, PLAN_CHART, PLAN_CSV
from bot.telegram.services import SERVICES_KEY, EngineRef
from bot.text import display
from tests.botkit.botapi import FakeBotApi, SentMessage
from tests.botkit.harness import TEST_TOKEN, running_bot
from tests.botkit.tghtml import parse_html

REPO = Path(__file__).resolve().parent.parent
ADMIN, USER = 1001, 2002
NOT_REQUIRED = ("非必需", "不是必需", "不强制", "不需要", "不要求")


@dataclass
class Env:
    api: FakeBotApi
    app: Application
    knowledge: Path

    @property
    def engine(self) -> Engine:
        ref: EngineRef = self.app.bot_data[SERVICES_KEY].engine_ref
        assert isinstance(ref.engine, Engine)
        return ref.engine

    async def ask(self, text: str, chat_id: int = USER) -> SentMessage:
        before = len(self.api.sent(chat_id))
        self.api.push_text(chat_id, chat_id, text)
        sent = (await self.api.wait_for_sent(chat_id, before + 1))[before]
        assert parse_html(sent.text).text == sent.plain  # always valid Telegram HTML
        return sent


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    shutil.copytree(REPO / "intents", tmp_path / "intents")  # changes are written back to the working folders
    settings = Settings(token=TEST_TOKEN, admin_ids=frozenset({ADMIN}), data_dir=tmp_path / "data",
                        knowledge_dir=knowledge, intents_dir=tmp_path / "intents",
                        chat_rate=50)  # pacing has its own test (test_hardening_flood); keep these quick
    engine = build_engine(knowledge, settings.intents_dir)  # fresh sessions; jieba is loaded once per process
    with StatsStore(settings.data_dir) as stats:
        async with FakeBotApi() as api, running_bot(api, settings, engine, stats) as app:
            yield Env(api, app, knowledge)


def says_not_required(text: str) -> bool:
    return any(phrase in text for phrase in NOT_REQUIRED)


def mark_zhima_fact(knowledge: Path) -> None:
    """A valid edit: append "（已更新）" to the text of 微粒贷's 芝麻分 fact in the copy of knowledge/."""
    path = knowledge / "weilidai.yaml"
    pattern = re.compile(r"(topic: zhima_requirement\n(?:[ \t]+\S.*\n)*?[ \t]+text: )([^\"'\n].*)")
    text, count = pattern.subn(lambda m: f"{m.group(1)}{m.group(2)}（已更新）", path.read_text(encoding="utf-8"), 1)
    assert count == 1, "weilidai.yaml changed shape: update mark_zhima_fact"
    path.write_text(text, encoding="utf-8")


async def test_question_is_answered_with_its_source(env: Env) -> None:
    sent = await env.ask("微粒贷要芝麻分吗")
    assert sent.parse_mode == "HTML" and sent.reply_to is None
    assert "微粒贷" in sent.plain and says_not_required(sent.plain)
    assert "来源：《微信芝麻信用怎么贷款》" in sent.plain


async def test_suggestion_button_is_answered_in_place(env: Env) -> None:
    offer = await env.ask("分期")  # which product? asked back with buttons
    data = dict(offer.buttons)
    assert data["借呗的分期与每月还款"] == "a|installment|jiebei"
    assert all(len(d.encode()) <= 64 for d in data.values() if d)
    env.api.push_callback(USER, USER, offer.message_id, "a|installment|jiebei")
    answered = (await env.api.wait_for_sent(USER, 2))[1]
    assert answered.method == "editMessageText" and answered.message_id == offer.message_id
    assert "借呗" in answered.plain and "等额本息" in answered.plain
    assert not [d for _, d in answered.buttons if d and d.startswith("a|")]  # the suggestions are gone
    assert [label for label, _ in answered.buttons][-2:] == ["👍 有帮助", "👎 没帮助"]  # feedback added
    assert len(env.api.callback_answers) == 1
    follow_up = await env.ask("那微粒贷呢")  # the button set the chat's context
    assert "微粒贷" in follow_up.plain and "等额本息" in follow_up.plain


async def test_sticker_gets_a_polite_text_reply(env: Env) -> None:
    env.api.push_sticker(USER, USER)
    [sent] = await env.api.wait_for_sent(USER, 1)
    assert sent.plain == handlers.TEXT_ONLY and "文字" in sent.plain


async def test_edited_message_is_not_answered_twice(env: Env) -> None:
    original = env.api.push_text(USER, USER, "微粒贷要芝麻分吗")
    await env.api.wait_for_sent(USER, 1)
    env.api.push_edited_text(USER, USER, original["message_id"], "借呗要芝麻分吗")
    marker = await env.ask("你好")  # processed after the edit
    assert marker.plain.startswith("你好")
    assert len(env.api.sent(USER)) == 2


async def test_start_help_and_products(env: Env) -> None:
    start = await env.ask("/start")
    assert "不构成财务建议" in start.plain and len(start.plain.split("\n")) <= 4  # no run-on list of topics
    examples = dict(start.buttons)
    assert 3 <= len(examples) <= 5 and all(len(d.encode()) <= 64 for d in examples.values() if d)
    env.api.push_callback(USER, USER, start.message_id, start.button("微粒贷要芝麻分吗"))
    tapped = (await env.api.wait_for_sent(USER, 2))[1]
    assert tapped.method == "sendMessage" and says_not_required(tapped.plain)  # asked as if typed
    products = await env.ask("/products")
    assert all(f"• {name}" in products.plain for name in ("微粒贷", "借呗", "WE2000"))
    env.api.push_callback(USER, USER, products.message_id, "n|product_overview|we2000")
    overview = (await env.api.wait_for_sent(USER, 4))[3]
    assert overview.method == "sendMessage" and "WE2000" in overview.plain and "来源：" in overview.plain
    assert not [s for s in env.api.sent(USER) if s.method == "editMessageText"]  # the list stays


async def test_reload_by_non_admin_is_refused(env: Env) -> None:
    before = env.engine
    mark_zhima_fact(env.knowledge)
    assert (await env.ask("/reload")).plain == admin.REFUSED
    assert env.engine is before
    assert "已更新" not in (await env.ask("微粒贷要芝麻分吗")).plain


async def test_reload_by_admin_applies_a_valid_change_and_refuses_broken_yaml(env: Env) -> None:
    mark_zhima_fact(env.knowledge)
    report = await env.ask("/reload", chat_id=ADMIN)
    assert "新增 0 项，删除 0 项，修改 1 项" in report.plain
    assert "• fact:weilidai." in report.plain
    assert "已更新" in (await env.ask("微粒贷要芝麻分吗")).plain
    updated = env.engine

    (env.knowledge / "jiebei.yaml").write_text("facts:\n  - id: [broken\n", encoding="utf-8")
    refused = await env.ask("/reload", chat_id=ADMIN)
    assert refused.plain.startswith("重新加载失败，继续使用原来的知识库。")
    assert "jiebei.yaml" in refused.plain and "YAML" in refused.plain
    assert env.engine is updated
    still = await env.ask("微粒贷要芝麻分吗")
    assert "已更新" in still.plain and says_not_required(still.plain)


async def test_429_on_send_message_is_retried(env: Env) -> None:
    env.api.fail_next("sendMessage", status=429, retry_after=1)
    sent = await env.ask("微粒贷要芝麻分吗")
    assert says_not_required(sent.plain)
    assert [c.status for c in env.api.calls_to("sendMessage")] == [429, 200]


async def test_admin_sees_stats_and_unanswered(env: Env) -> None:
    await env.ask("微粒贷要芝麻分吗")
    await env.ask("今天天气怎么样呀")
    stats = await env.ask("/stats", chat_id=ADMIN)
    assert "已回答：1 / 1" in stats.plain and "未理解：1 / 1" in stats.plain
    missed = await env.ask("/unanswered", chat_id=ADMIN)
    assert "今天天气怎么样呀" in missed.plain


# ---------------------------------------------------------------- phone-first answers, charts, CSV
async def test_detail_button_edits_the_answer_in_place_and_back(env: Env) -> None:
    short = await env.ask("借呗借两万分6期每月还多少")
    first = short.plain.split("\n")[0]
    assert first.startswith("借呗借2万元分6期（等额本息）：每月约3,386–3,546元")
    assert short.text.startswith("<b>") and "<blockquote expandable>来源：" in short.text  # bold, boilerplate folded
    assert "等额本金" not in short.plain  # the other method is one tap away
    env.api.push_callback(USER, USER, short.message_id, short.button("详细计算"))
    full = (await env.api.wait_for_sent(USER, 2))[1]
    assert full.method == "editMessageText" and full.message_id == short.message_id
    assert full.plain.split("\n")[0] == first and "等额本金：首月3,423.33元" in full.plain
    assert "每月3,386.03元" in full.plain and "每月3,546.45元" in full.plain
    env.api.push_callback(USER, USER, short.message_id, full.button("收起"))
    back = (await env.api.wait_for_sent(USER, 3))[2]
    assert back.method == "editMessageText" and back.plain == short.plain and back.buttons == short.buttons


async def tap_figure(env: Env, answer: SentMessage, label: str) -> tuple[SentMessage, figures.Chart]:
    """Press a figure button; the message sent and the chart data its spec stands for."""
    data = answer.button(label)
    before = len(env.api.sent(USER))
    env.api.push_callback(USER, USER, answer.message_id, data)
    sent = (await env.api.wait_for_sent(USER, before + 1))[before]
    return sent, env.engine.chart(data.partition("|")[2])


async def test_chart_button_sends_a_photo_drawn_from_the_figures_in_the_text(env: Env) -> None:
    answer = await env.ask("借呗借两万分6期每月还多少")
    photo, chart = await tap_figure(env, answer, PLAN_CHART)
    assert photo.method == "sendPhoto" and photo.file and photo.file.startswith(b"\x89PNG")
    assert isinstance(chart, figures.PlanChart)
    detail = env.engine.reply("check", "借呗借两万分6期每月还多少").full
    # the drawn plan is the upper bound shown in the text: the same payment and total interest
    schedule = chart.schedule
    assert f"每月{display.yuan(schedule.first_payment)}元，总利息{display.yuan(schedule.total_interest)}元" in detail
    assert f"{int(chart.schedule.first_payment.quantize(Decimal(1))):,}元" in answer.plain.split("\n")[0]
    assert sum(r.principal for r in chart.rows) == Decimal(20000)
    assert display.yuan(chart.total_interest) in photo.plain and "日利率0.06%" in photo.plain


async def test_csv_button_sends_the_schedule_whose_rows_add_up_to_the_totals(env: Env) -> None:
    answer = await env.ask("微粒贷借1万分12期每月还多少")
    document, _ = await tap_figure(env, answer, PLAN_CSV)
    assert document.method == "sendDocument" and (document.filename or "").endswith(".csv")
    rows = list(csv.reader(io.StringIO((document.file or b"").decode("utf-8-sig"))))
    header, periods, total = rows[0], rows[1:-1], rows[-1]
    assert header == list(figures.CSV_HEADER) and [int(r[0]) for r in periods] == list(range(1, 13))

    def column(i: int) -> Decimal:
        return sum((Decimal(r[i]) for r in periods), Decimal(0))

    assert column(2) == Decimal(10000) and Decimal(periods[-1][4]) == 0
    assert column(1) == column(2) + column(3) == Decimal(total[1])
    assert f"总利息{display.yuan(column(3))}元" in env.engine.reply("c", "微粒贷借1万分12期每月还多少").full
    assert all(Decimal(r[1]) == Decimal(periods[0][1]) for r in periods[:-1])  # 等额本息: one payment
    assert f"每月{display.yuan(Decimal(periods[0][1]))}元" in document.plain


async def test_cost_comparison_chart_has_each_product_at_both_bounds(env: Env) -> None:
    answer = await env.ask("微粒贷和借呗借1万用30天利息多少")
    photo, chart = await tap_figure(env, answer, COST_CHART)
    assert photo.method == "sendPhoto" and photo.file and photo.file.startswith(b"\x89PNG")
    assert isinstance(chart, figures.CostChart) and chart.names == ("微粒贷", "借呗")
    assert chart.costs == ((Decimal(60), Decimal(150)), (Decimal(45), Decimal(180)))
    assert "利息约60–150元" in answer.plain and "利息约45–180元" in answer.plain
