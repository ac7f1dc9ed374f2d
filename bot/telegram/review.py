"""/review: what needs an admin's attention, grouped, with one-tap "add as an example" and "ignore" buttons.

Questions not understood, questions on topics the documents don't cover, and answers rated 👎 are grouped by
rapidfuzz similarity of their normalized text, most frequent first. Adding writes the normalized (already
masked) question into ``intents/learned.yaml`` through the one change path, with an 撤销 button.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any

import yaml
from rapidfuzz import fuzz
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from ..knowledge.versions import Files
from ..stats import DISLIKED, UNCOVERED, Unanswered
from ..text.normalize import normalize
from ..understanding.intents import LEARNED
from .admin import STALE, STATS_BROKEN, STATS_OFF, UNDO_KEYS, admin_button, admin_only, run_change
from .changes import Applied
from .handlers import send
from .render import Outgoing, render_text
from .services import services
from .updates import message_of, query_of

log = logging.getLogger(__name__)

PREFIX = "r"
LEARNED_FILE = "intents/learned.yaml"
LEARNED_HEADER = ("# 管理员在 Telegram 里用 /review 添加的例句（由机器人写入）。手写的意图文件不会被改动；\n"
                  "# 可以删除某一行来撤销，然后 /reload。\n").encode()
SIMILAR = 80  # rapidfuzz ratio (0-100) from which two normalized questions are one group
SHOWN = 5  # groups per /review
CANDIDATES = 2  # "加为〈…〉的例句" buttons per group
MAX_GROUPS_KEPT = 200
NOTHING = "现在没有需要处理的问题。"
KIND_NAMES = {"not_understood": "未理解", "suggest": "未理解", UNCOVERED: "资料未覆盖", DISLIKED: "👎"}


@dataclass(frozen=True)
class Group:
    """Similar questions: their normalized keys, how often they were asked, two examples, kinds."""

    keys: tuple[str, ...]
    count: int
    examples: tuple[str, ...]
    kinds: tuple[tuple[str, int], ...]  # (kind name, count), most frequent first


def group_items(items: list[Unanswered], reviewed: set[str], similar: int = SIMILAR) -> list[Group]:
    """Group review items by similar normalized text; most frequent first. Items already handled are left out."""
    by_key: dict[str, list[Unanswered]] = {}
    for item in items:
        key = normalize(item.text)
        if key and key not in reviewed:
            by_key.setdefault(key, []).append(item)
    clusters: list[list[str]] = []
    for key in sorted(by_key, key=lambda k: (-len(by_key[k]), k)):
        home = next((c for c in clusters if fuzz.ratio(key, c[0]) >= similar), None)
        if home is None:
            clusters.append([key])
        else:
            home.append(key)
    groups = []
    for keys in clusters:
        members = [item for key in keys for item in by_key[key]]
        texts = Counter(" ".join(item.text.split()) for item in members)
        kinds = Counter(KIND_NAMES.get(item.kind, item.kind) for item in members)
        groups.append(Group(tuple(keys), len(members), tuple(t for t, _ in texts.most_common(2)),
                            tuple(kinds.most_common())))
    return sorted(groups, key=lambda g: (-g.count, g.keys[0]))


def learned_example(text: str) -> str:
    """How a reviewed question is written as an example: normalized (its personal data was masked on storage)."""
    return normalize(text)


def add_learned(files: Files, intent: str, example: str) -> Files:
    """The files with ``example`` added under ``intent`` in intents/learned.yaml (created when missing)."""
    data: dict[str, Any] = {}
    if LEARNED_FILE in files:
        loaded = yaml.safe_load(files[LEARNED_FILE].decode("utf-8")) or {}
        data = loaded if isinstance(loaded, dict) else {}
    learned = data.setdefault(LEARNED, {}) or {}
    data[LEARNED] = learned
    examples = learned.setdefault(intent, []) or []
    learned[intent] = examples
    if example not in examples:
        examples.append(example)
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=True, default_flow_style=False).encode()
    return {**files, LEARNED_FILE: LEARNED_HEADER + body}


class ReviewBoard:
    """Groups shown by /review, by short token (their buttons carry the token; kept in memory)."""

    def __init__(self) -> None:
        self._groups: OrderedDict[str, Group] = OrderedDict()

    def add(self, group: Group) -> str:
        token = secrets.token_hex(4)
        self._groups[token] = group
        while len(self._groups) > MAX_GROUPS_KEPT:
            self._groups.popitem(last=False)
        return token

    def get(self, token: str) -> Group | None:
        return self._groups.get(token)


def board(context: ContextTypes.DEFAULT_TYPE) -> ReviewBoard:
    return context.application.bot_data.setdefault("loanbot.review", ReviewBoard())


def candidates_for(engine: Any, group: Group) -> list[tuple[str, str, float]]:
    """(intent id, title, score) of the bot's best guesses for the group's first example."""
    understanding = getattr(engine, "understanding", None)
    if understanding is None:
        return []
    titles = engine.intent_titles()
    parse = understanding.parse(group.examples[0])
    return [(c.intent, titles.get(c.intent, c.intent), c.score) for c in parse.candidates[:CANDIDATES]
            if c.intent in titles]


def format_group(number: int, group: Group, candidates: list[tuple[str, str, float]]) -> str:
    kinds = "，".join(f"{name} {count}" for name, count in group.kinds)
    lines = [f"{number}. 共 {group.count} 次（{kinds}）"]
    lines.extend(f"例：“{example}”" for example in group.examples)
    if candidates:
        lines.append("最接近的意图：" + "、".join(f"{title}（{score:.0f}）" for _, title, score in candidates))
    return "\n".join(lines)


@admin_only
async def review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/review: the most frequent groups, each with its buttons."""
    svc = services(context)
    if svc.stats is None or not svc.stats.enabled:
        await send(message_of(update), render_text(STATS_OFF if svc.stats is None else STATS_BROKEN))
        return
    stats = svc.stats
    groups = await asyncio.to_thread(lambda: group_items(stats.review_items(), stats.reviewed()))
    if not groups:
        await send(message_of(update), render_text(NOTHING))
        return
    days = f"{svc.settings.retention_days:g}"
    await send(message_of(update), render_text(
        f"待处理的问题：{len(groups)} 组（最近 {days} 天，相似的问题归为一组，次数多的在前），"
        f"下面是前 {min(SHOWN, len(groups))} 组。"
        "\n点“加为〈…〉的例句”教会机器人，或“忽略”。"))
    engine, memo = svc.engine, board(context)
    for number, group in enumerate(groups[:SHOWN], start=1):
        candidates = candidates_for(engine, group)
        token = memo.add(group)
        rows = [[InlineKeyboardButton(f"加为〈{title}〉的例句"[:64], callback_data=f"{PREFIX}|l|{token}|{intent}")]
                for intent, title, _ in candidates]
        rows.append([InlineKeyboardButton("忽略", callback_data=f"{PREFIX}|i|{token}")])
        outgoing = render_text(format_group(number, group, candidates))
        outgoing[-1] = Outgoing(outgoing[-1].html, InlineKeyboardMarkup(rows))
        await send(message_of(update), outgoing)


async def _close(update: Update, note: str) -> None:
    """Show what was done under the group and take its buttons away."""
    query = query_of(update)
    message = query.message
    text = getattr(message, "text", None)
    with contextlib.suppress(TelegramError):
        if text:
            await query.edit_message_text(render_text(f"{text}\n\n→ {note}")[0].html)
        else:
            await query.edit_message_reply_markup(None)


@admin_button
async def on_review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """加为〈…〉的例句 (``r|l|<token>|<intent>``) and 忽略 (``r|i|<token>``)."""
    query = query_of(update)
    parts = (query.data or "").split("|")
    svc = services(context)
    group = board(context).get(parts[2]) if len(parts) >= 3 else None
    if group is None or parts[1] not in ("l", "i") or (parts[1] == "l" and len(parts) != 4):
        await query.answer(f"{STALE}请重新发送 /review。")
        return
    stats = svc.stats
    if parts[1] == "i":
        await query.answer("已忽略")
        if stats is not None:
            await asyncio.to_thread(stats.mark_reviewed, list(group.keys), "ignored")
        await _close(update, "已忽略")
        return
    intent = parts[3]
    title = svc.engine.intent_titles().get(intent)
    if title is None:
        await query.answer(f"{STALE}请重新发送 /review。")
        return
    example = learned_example(group.examples[0])
    await query.answer("正在添加…")

    def check(applied: Applied) -> str:
        reply = applied.engine.reply("admin:review-check", group.examples[0])
        if reply.intent == intent:
            return f"\n\n现在“{group.examples[0]}”会按〈{title}〉回答。"
        return f"\n\n⚠ “{group.examples[0]}”现在仍然没有按〈{title}〉回答，可能需要更多例句或关键词。"

    applied = await run_change(update, context, lambda live: add_learned(live, intent, example),
                               f"新增例句：〈{title}〉← “{example}”", f"已把“{example}”加为〈{title}〉的例句",
                               "添加例句失败，继续使用现在的知识库。", undo=True, extra=check)
    if applied is not None:
        if stats is not None:
            await asyncio.to_thread(stats.mark_reviewed, list(group.keys), "learned")
        if applied.previous is not None:
            context.application.bot_data.setdefault(UNDO_KEYS, {})[applied.previous] = group.keys
        await _close(update, f"已加为〈{title}〉的例句")


__all__ = ["Group", "ReviewBoard", "add_learned", "group_items", "learned_example", "on_review", "review"]
