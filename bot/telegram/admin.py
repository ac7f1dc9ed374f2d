"""Admin commands /reload, /stats, /unanswered: only for BOT_ADMIN_IDS, only in private chats."""
from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Callable, Iterator, Mapping

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from ..stats import Counts, StatsStore, Summary, Unanswered
from .handlers import send
from .render import render_text
from .services import EngineLike, services

log = logging.getLogger(__name__)

REFUSED = "抱歉，这个命令只有管理员可以使用。"
PRIVATE_ONLY = "请在和我的私聊里使用管理员命令。"
STATS_OFF = "统计功能没有开启。"
STATS_BROKEN = "统计功能暂时不可用：数据目录无法使用，详情见日志。机器人照常回答问题。"
MAX_KEYS = 15
RELOAD_SWITCH_INTERVAL = 0.0001  # seconds
MAX_ERROR_CHARS = 3500
BEIJING = timezone(timedelta(hours=8))

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def admin_only(handler: Handler) -> Handler:
    """Refuse anyone not in BOT_ADMIN_IDS (nothing else happens) and admin use outside private chats."""
    @functools.wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat = update.effective_user, update.effective_chat
        if not services(context).settings.is_admin(user.id if user else None):
            log.info("admin command refused for a non-admin user")
            await send(update.effective_message, render_text(REFUSED))
            return
        if chat is None or chat.type != ChatType.PRIVATE:
            await send(update.effective_message, render_text(PRIVATE_ONLY))
            return
        await handler(update, context)
    return wrapper


# ---------------------------------------------------------------- /reload
@dataclass(frozen=True)
class CatalogDiff:
    """What a reload changed, by catalog key."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def catalog_diff(old: dict[str, str], new: dict[str, str]) -> CatalogDiff:
    return CatalogDiff(added=tuple(sorted(new.keys() - old.keys())),
                       removed=tuple(sorted(old.keys() - new.keys())),
                       changed=tuple(sorted(k for k in old.keys() & new.keys() if old[k] != new[k])))


def format_diff(diff: CatalogDiff, cap: int = MAX_KEYS) -> str:
    """Plain-text reload report: counts, then the keys (at most ``cap`` per kind)."""
    if diff.empty:
        return "知识库已重新加载：没有变化。"
    lines = [f"知识库已重新加载：新增 {len(diff.added)} 项，删除 {len(diff.removed)} 项，修改 {len(diff.changed)} 项。"]
    for title, keys in (("新增", diff.added), ("删除", diff.removed), ("修改", diff.changed)):
        if keys:
            lines.append(f"\n{title}：")
            lines.extend(f"• {key}" for key in keys[:cap])
            if len(keys) > cap:
                lines.append(f"…以及另外 {len(keys) - cap} 项")
    return "\n".join(lines)


def format_reload_error(error: BaseException) -> str:
    detail = str(error).strip() or type(error).__name__
    if len(detail) > MAX_ERROR_CHARS:
        detail = detail[:MAX_ERROR_CHARS] + "\n…（其余省略，完整信息见日志）"
    return f"重新加载失败，继续使用原来的知识库。\n\n{detail}"


@contextlib.contextmanager
def _loop_first(interval: float = RELOAD_SWITCH_INTERVAL) -> Iterator[None]:
    """While a rebuild thread runs, hand the GIL back to the event loop sooner (default: every 5 ms), so
    replies are not held up by the reload (benchmarks/: reload row)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@admin_only
async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rebuild the engine off the event loop; swap it in only when the files are valid."""
    svc = services(context)
    async with svc.reload_lock:
        old = svc.engine

        def rebuild() -> tuple[EngineLike, CatalogDiff]:
            new = svc.build_engine(svc.settings.knowledge_dir, svc.settings.intents_dir, old)
            return new, catalog_diff(old.catalog(), new.catalog())

        try:
            with _loop_first():
                new, diff = await asyncio.to_thread(rebuild)
        except Exception as error:  # noqa: BLE001 - KnowledgeError or anything else: keep the old engine
            log.warning("reload failed, still serving the previous knowledge base:\n%s", error)
            await send(update.effective_message, render_text(format_reload_error(error)))
            return
        svc.engine_ref.engine = new
    log.info("knowledge reloaded: +%d -%d ~%d", len(diff.added), len(diff.removed), len(diff.changed))
    await send(update.effective_message, render_text(format_diff(diff)))


# ---------------------------------------------------------------- /stats, /unanswered
def _counts(counts: Counts) -> str:
    return f"{counts.last_24h} / {counts.total}"


def format_summary(summary: Summary, titles: Mapping[str, str] | None = None) -> str:
    """Counts per intent under its title (``芝麻分要求``); ids without a title (removed since) stay as ids."""
    titles = titles or {}
    lines = ["问题统计（最近24小时 / 全部）", f"已回答：{_counts(summary.answered_total)}"]
    lines.extend(f"• {titles.get(intent) or intent}：{_counts(counts)}" for intent, counts in summary.answered.items())
    lines.append(f"未理解：{_counts(summary.not_understood)}")
    lines.append(f"无效输入（空白或过长）：{_counts(summary.invalid)}")
    return "\n".join(lines)


def format_unanswered(items: list[Unanswered]) -> str:
    if not items:
        return "最近没有未能回答的问题。"
    lines = [f"最近 {len(items)} 个没能回答的问题（北京时间，最新在前）："]
    for item in items:
        when = datetime.fromtimestamp(item.ts, BEIJING).strftime("%m-%d %H:%M")
        lines.append(f"• {when}  {item.text.replace(chr(10), ' ')}")
    return "\n".join(lines)


async def _report(update: Update, context: ContextTypes.DEFAULT_TYPE, query: Callable[[StatsStore], str]) -> None:
    """Run a stats query off the event loop and send its text (or say that stats are off)."""
    store = services(context).stats
    if store is None:
        await send(update.effective_message, render_text(STATS_OFF))
        return
    if not store.enabled:
        await send(update.effective_message, render_text(STATS_BROKEN))
        return
    text = await asyncio.to_thread(query, store)
    await send(update.effective_message, render_text(text))


@admin_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    titles = services(context).engine.intent_titles()
    await _report(update, context, lambda store: format_summary(store.summary(), titles))


@admin_only
async def unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _report(update, context, lambda store: format_unanswered(store.unanswered(20)))
