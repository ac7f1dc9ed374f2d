"""Admins improve the bot inside Telegram (issue 13), end to end through the offline Bot API server with the
real engine: versions and rollback, restart, feedback, review with one-tap examples, uploads and export."""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import re
import shutil
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.engine import build_engine
from bot.stats import StatsStore
from bot.telegram import admin
from bot.telegram.services import SERVICES_KEY, source_dirs
from tests.botkit.botapi import FakeBotApi, SentMessage
from tests.botkit.harness import TEST_TOKEN, running_bot
from tests.conftest import SEEDS
from tests.test_telegram_e2e import Env as E2EEnv
from tests.test_telegram_e2e import mark_zhima_fact

REPO = Path(__file__).resolve().parent.parent
ADMIN, USER, OTHER = 1001, 2002, 3003


@dataclass
class Env(E2EEnv):
    settings: Settings

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
        async with FakeBotApi() as api, running_bot(api, settings, engine, stats) as app:
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


# ---------------------------------------------------------------- feedback, privacy
def buttons_of(api: FakeBotApi, chat_id: int, message_id: int) -> list[tuple[str, str]]:
    message = api.message(chat_id, message_id) or {}
    return [(b["text"], b.get("callback_data")) for row in message.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row]


async def test_feedback_is_acknowledged_in_place_counted_once_and_shown_in_stats(env: Env) -> None:
    answer = await env.ask("微粒贷要芝麻分吗")
    labels = dict(answer.buttons)
    assert list(labels) == ["👍 有帮助", "👎 没帮助"]
    assert all(data is not None and len(data.encode()) <= 64 for data in labels.values())
    assert not (await env.ask("今天天气怎么样呀")).buttons  # only factual answers carry them

    env.api.push_callback(USER, USER, answer.message_id, answer.button("👎 没帮助"))
    await wait_until(lambda: len(env.api.callback_answers) == 1)
    assert env.api.callback_answers[0]["text"] == "谢谢你的反馈！"
    await wait_until(lambda: buttons_of(env.api, USER, answer.message_id) == [("已反馈：👎 没帮助", "f|x")])
    env.api.push_callback(USER, USER, answer.message_id, answer.button("👎 没帮助"))  # pressed again (a stale copy)
    await wait_until(lambda: len(env.api.callback_answers) == 2)
    assert env.api.callback_answers[1]["text"] == "你已经评价过这条回答了。"

    other = await env.ask("微粒贷要芝麻分吗", OTHER)
    env.api.push_callback(OTHER, OTHER, other.message_id, other.button("👍 有帮助"))
    await wait_until(lambda: len(env.api.callback_answers) == 3)
    stats = (await env.ask("/stats", ADMIN)).plain
    assert "• 芝麻分要求：2 / 2，👍 1 / 1，👎 1 / 1，有帮助 50% / 50%" in stats
    assert "未理解：1 / 1" in stats


async def test_questions_kept_for_review_are_masked_and_owner_only(env: Env) -> None:
    await env.ask("我手机13812345678，身份证110101199003071234，卡号6222 0212 3456 7890，"
                  "邮箱zhang.san@qq.com，帮我查下")
    listed = (await env.ask("/unanswered", ADMIN)).plain
    assert "[手机号]" in listed and "[身份证号]" in listed and "[银行卡号]" in listed and "[邮箱]" in listed
    for secret in ("13812345678", "110101199003071234", "7890", "zhang.san"):
        assert secret not in listed
    data_dir = env.settings.data_dir
    assert (data_dir.stat().st_mode & 0o777) == 0o700
    stats: StatsStore = env.app.bot_data[SERVICES_KEY].stats
    stats.flush()
    for path in data_dir.glob("stats.*"):
        assert (path.stat().st_mode & 0o077) == 0, path
        assert b"13812345678" not in path.read_bytes()


async def wait_until(condition: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never became true"
        await asyncio.sleep(0.02)


# ---------------------------------------------------------------- what every change is checked against
@pytest.mark.skipif(not SEEDS.is_dir(), reason="source documents not present")
async def test_reload_checks_figures_against_the_documents_when_they_are_configured(settings: Settings) -> None:
    async with bot(dataclasses.replace(settings, docs_dir=SEEDS)) as env:
        path = settings.knowledge_dir / "we2000.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("yuan: 2000}\n    text: 最高额度2000元",
                                                                 "yuan: 3000}\n    text: 最高额度3000元"),
                        encoding="utf-8")
        refused = (await env.ask("/reload", ADMIN)).plain
        assert refused.startswith("重新加载失败，继续使用原来的知识库。")
        assert "knowledge/we2000.yaml: facts[" in refused
        assert "(we2000.max_amount.d000): value.yuan: 数字 3000 在" in refused
        assert "第二节中找不到" in refused
        answer = (await env.ask("WE2000最高能借多少")).plain
        assert "2000元" in answer and "3000" not in answer


async def test_reload_reports_keywords_and_examples_that_cannot_work(env: Env) -> None:
    path = env.settings.intents_dir / "costs.yaml"
    text = path.read_text(encoding="utf-8")
    # interest_cost: an intent without ``requires`` (an example without such a word is refused, not warned of)
    text = text.replace("keywords: [多少利息, ", "keywords: [\"😀\", 多少利息, ", 1)
    example = "      - \"{product}借1万用30天多少利息\"\n"
    text = text.replace(example, example + "      - \"你好\"\n", 1)
    path.write_text(text, encoding="utf-8")
    report = (await env.ask("/reload", ADMIN)).plain
    assert report.startswith("知识库已重新加载") and "intent:interest_cost" in report
    assert "⚠ 意图〈借款利息计算〉的关键词 '😀' 去掉标点和表情后是空的，不起作用" in report
    assert "⚠ 新例句 '你好' 和〈" in report and "两个意图分不清，不能保证理解为〈借款利息计算〉" in report


# ---------------------------------------------------------------- /review, one-tap examples, 撤销
MISREAD = "微粒贷批下来顶多多少"  # answered as 审批时间 today: a user presses 👎


def is_max_amount(text: str) -> bool:
    return "最高" in text and "20万" in text


async def review_groups(env: Env, count: int) -> list[SentMessage]:
    before = len(env.api.sent(ADMIN))
    env.api.push_text(ADMIN, ADMIN, "/review")
    sent = (await env.api.wait_for_sent(ADMIN, before + 1 + count, timeout=30))[before:]
    await asyncio.sleep(0.2)
    assert len(env.api.sent(ADMIN)) == before + 1 + count, [s.plain[:60] for s in env.api.sent(ADMIN)[before:]]
    return sent[1:]


async def test_a_disliked_answer_is_reviewed_learned_undone_and_rolled_back(env: Env) -> None:
    wrong = await env.ask(MISREAD)
    assert not is_max_amount(wrong.plain)
    env.api.push_callback(USER, USER, wrong.message_id, wrong.button("👎 没帮助"))
    await wait_until(lambda: len(env.api.callback_answers) == 1)
    for text in ("能给到几位数", "能给到几位数呢", "能给到几位数"):
        await env.ask(text, OTHER)

    assert (await env.ask("/review", OTHER)).plain == admin.REFUSED
    first, second = await review_groups(env, 2)
    assert first.plain.startswith("1. 共 3 次（未理解 3）") and "例：“能给到几位数”" in first.plain
    assert second.plain.startswith("2. 共 1 次（👎 1）") and f"例：“{MISREAD}”" in second.plain
    assert "最接近的意图：" in second.plain
    learn = second.button("加为〈最高额度〉的例句")
    assert len(learn.encode()) <= 64 and ("忽略", learn.replace("|l|", "|i|").rsplit("|", 1)[0]) in second.buttons

    env.api.push_callback(OTHER, OTHER, second.message_id, learn)  # a non-admin's press does nothing
    await wait_until(lambda: len(env.api.callback_answers) == 2)
    assert env.api.callback_answers[1]["text"] == admin.REFUSED

    report = await env.press(ADMIN, second, learn)
    assert report.plain.startswith(f"已把“{MISREAD}”加为〈最高额度〉的例句：") and "intent:max_amount" in report.plain
    assert f"examples：新增 {MISREAD}" in report.plain and f"现在“{MISREAD}”会按〈最高额度〉回答" in report.plain
    learned = (env.settings.intents_dir / "learned.yaml").read_text(encoding="utf-8")
    assert f"max_amount:\n  - {MISREAD}" in learned
    assert (env.settings.intents_dir / "costs.yaml").read_text(encoding="utf-8") == \
        (REPO / "intents" / "costs.yaml").read_text(encoding="utf-8")  # hand-written files untouched
    assert is_max_amount((await env.ask(MISREAD)).plain)
    assert is_max_amount((await env.ask("借呗批下来顶多多少")).plain.replace("30万", "20万"))

    [(undo_label, undo)] = report.buttons
    assert undo_label == "撤销" and undo is not None
    undone = await env.press(ADMIN, report, undo)
    while not undone.plain.startswith("已恢复到版本"):  # the edit that took the 撤销 button away comes first
        undone = (await env.api.wait_for_sent(ADMIN, len(env.api.sent(ADMIN)) + 1))[-1]
    assert "intent:max_amount" in undone.plain and f"examples：删除 {MISREAD}" in undone.plain
    assert not is_max_amount((await env.ask(MISREAD)).plain)
    assert not (env.settings.intents_dir / "learned.yaml").exists()
    again = await review_groups(env, 2)  # undone: the question needs attention again
    assert any(MISREAD in group.plain for group in again)

    versions = (await env.ask("/versions", ADMIN)).plain
    found = re.search(r"• 版本 (\d+)[^\n]*\n  新增例句：〈最高额度〉", versions)
    assert found is not None
    learned_version = found.group(1)
    restored = (await env.ask(f"/rollback {learned_version}", ADMIN)).plain
    assert restored.startswith(f"已恢复到版本 {learned_version}") and f"examples：新增 {MISREAD}" in restored
    assert is_max_amount((await env.ask(MISREAD)).plain)

    for group in await review_groups(env, 2):  # the undone group came back; 忽略 both
        ignored = await env.press(ADMIN, group, group.button("忽略"))
        assert ignored.method == "editMessageText" and ignored.plain.endswith("→ 已忽略") and ignored.buttons == []
    assert (await env.ask("/review", ADMIN)).plain == "现在没有需要处理的问题。"


# ---------------------------------------------------------------- files in and out
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))


async def upload(env: Env, chat_id: int, name: str, content: bytes, caption: str | None = None,
                 **kw: Any) -> SentMessage:
    before = len(env.api.sent(chat_id))
    env.api.push_document(chat_id, chat_id, name, content, caption=caption, **kw)
    return (await env.api.wait_for_sent(chat_id, before + 1, timeout=30))[before]


def marked_weilidai(settings: Settings) -> bytes:
    """weilidai.yaml with its 芝麻分 fact marked "（已更新）", made in a scratch copy (the server's stays as is)."""
    scratch = settings.data_dir.parent / "scratch"
    shutil.copytree(REPO / "knowledge", scratch)
    mark_zhima_fact(scratch)
    return (scratch / "weilidai.yaml").read_bytes()


async def test_a_valid_upload_goes_live_and_a_broken_one_is_refused_with_its_error(env: Env) -> None:
    editing = env.settings.knowledge_dir / "jiebei.yaml"
    editing.write_text(editing.read_text(encoding="utf-8") + "# being edited on the server\n", encoding="utf-8")
    report = await upload(env, ADMIN, "weilidai.yaml", marked_weilidai(env.settings))
    assert report.plain.startswith("已上传并启用 weilidai.yaml：") and "修改 1 项" in report.plain
    assert "（已更新）" in report.plain and "已保存为版本 2" in report.plain
    assert updated((await env.ask("微粒贷要芝麻分吗")).plain)
    assert updated((env.settings.knowledge_dir / "weilidai.yaml").read_text(encoding="utf-8"))
    assert editing.read_text(encoding="utf-8").endswith("# being edited on the server\n")  # untouched by the upload

    broken = await upload(env, ADMIN, "新版.yaml", b"facts:\n  - id: [broken\n", caption="jiebei.yaml")
    assert broken.plain.startswith("上传的文件没有启用，知识库没有任何改动。")
    assert "knowledge/jiebei.yaml: 第" in broken.plain and "YAML格式错误" in broken.plain
    wrong_value = (REPO / "knowledge" / "jiebei.yaml").read_text(encoding="utf-8").replace(
        "min_percent: 5.47", "min_percent: 五点四七", 1)
    refused = await upload(env, ADMIN, "jiebei.yaml", wrong_value.encode())
    assert "min_percent: 不是数字（得到 '五点四七'）" in refused.plain
    assert updated((await env.ask("微粒贷要芝麻分吗")).plain)  # the uploaded good version still answers
    assert "借呗" in (await env.ask("借呗日利率多少")).plain
    assert "版本 3" not in (await env.ask("/versions", ADMIN)).plain


@pytest.mark.parametrize(("name", "content", "caption", "size", "says"), [
    ("weilidai.yaml", BOMB.encode(), None, None, "展开后超过 100000 个节点"),
    ("x.yaml", b"a: &a [*a]\n", "costs.yaml", None, "指向了包含它自己的节点"),
    ("weilidai.yaml", b"a: 1\n", "../../etc/passwd.yaml", None, "不是可以替换的文件名"),
    ("weilidai.yaml", b"a: 1\n", "knowledge/../intents/costs.yaml", None, "不是可以替换的文件名"),
    ("brand_new.yaml", b"facts: []\n", None, None, "没有叫 brand_new.yaml 的数据文件"),
    ("weilidai.txt", b"a: 1\n", "weilidai.yaml", None, "只接受 YAML 文件"),
    ("weilidai.yaml", b"a: 1\n", None, 2 * 1024 * 1024, "文件太大"),
    ("weilidai.yaml", "a: 1\n".encode("utf-16"), None, None, "不是 UTF-8"),
])
async def test_uploads_that_are_refused_before_validation(env: Env, name: str, content: bytes, caption: str | None,
                                                          size: int | None, says: str) -> None:
    before = env.engine
    refused = await upload(env, ADMIN, name, content, caption, file_size=size)
    assert refused.plain.startswith("上传的文件没有启用") and says in refused.plain, refused.plain
    assert env.engine is before
    assert not env.app.bot_data[SERVICES_KEY].versions.versions()


async def test_non_admins_get_nothing_from_uploads_or_export(env: Env) -> None:
    before = env.engine
    reply = await upload(env, USER, "weilidai.yaml", marked_weilidai(env.settings))
    assert "文字" in reply.plain and env.engine is before
    assert not updated((await env.ask("微粒贷要芝麻分吗")).plain)
    assert (await env.ask("/export")).plain == admin.REFUSED
    assert env.api.documents == []


async def test_export_sends_the_live_files_as_a_zip(env: Env) -> None:
    await upload(env, ADMIN, "weilidai.yaml", marked_weilidai(env.settings))
    sent = await env.ask("/export", ADMIN)
    assert sent.method == "sendDocument" and "版本 2" in sent.plain
    [document] = env.api.documents
    assert document.chat_id == ADMIN and document.file_name == "loanbot-v2.zip"
    with zipfile.ZipFile(io.BytesIO(document.data)) as archive:
        names = set(archive.namelist())
        assert {"knowledge/weilidai.yaml", "knowledge/conflicts.yaml", "intents/costs.yaml"} <= names
        assert updated(archive.read("knowledge/weilidai.yaml").decode("utf-8"))


async def test_changes_still_go_live_when_the_data_folder_is_unusable(settings: Settings) -> None:
    settings.data_dir.write_text("not a folder", encoding="utf-8")
    async with bot(settings) as env:
        mark_zhima_fact(settings.knowledge_dir)
        report = (await env.ask("/reload", ADMIN)).plain
        assert "修改 1 项" in report and "数据目录不可用：这次变更没有保存为版本" in report
        assert updated((await env.ask("微粒贷要芝麻分吗")).plain)
        assert "还没有保存的版本" in (await env.ask("/versions", ADMIN)).plain
