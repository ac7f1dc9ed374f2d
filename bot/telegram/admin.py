"""Admin commands /reload, /stats, /unanswered: only for BOT_ADMIN_IDS, only in private chats."""
from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Coroutine, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from ..datafiles.errors import KnowledgeError
from ..knowledge.versions import Files, Version
from ..stats import DISLIKED, REPLIES, UNCOVERED, Counts, StatsStore, Summary, Unanswered, Votes
from .changes import Applied, CatalogDiff, ChangeRefused, apply_change, catalog_diff, files_summary, working_files
from .handlers import send
from .render import Outgoing, render_text
from .services import services
from .updates import message_of, query_of

log = logging.getLogger(__name__)

REFUSED = "抱歉，这个命令只有管理员可以使用。"
PRIVATE_ONLY = "请在和我的私聊里使用管理员命令。"
STALE = "这个按钮已经失效了。"
STATS_OFF = "统计功能没有开启。"
STATS_BROKEN = "统计功能暂时不可用：数据目录无法使用，详情见日志。机器人照常回答问题。"
MAX_KEYS = 15
UNDO_PREFIX = "u"
UNDO_KEYS = "loanbot.undo_keys"  # bot_data: version number an 撤销 restores -> review keys to bring back
MAX_ERROR_CHARS = 3500
BEIJING = timezone(timedelta(hours=8))

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def admin_only(handler: Handler) -> Handler:
    """Refuse anyone not in BOT_ADMIN_IDS (nothing else happens) and admin use outside private chats."""
    @functools.wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat = update.effective_user, update.effective_chat
        if not services(context).settings.is_admin(user.id if user else None):
            log.info("admin command refused for a non-admin user")
            await send(message_of(update), render_text(REFUSED))
            return
        if chat is None or chat.type != ChatType.PRIVATE:
            await send(message_of(update), render_text(PRIVATE_ONLY))
            return
        await handler(update, context)
    return wrapper


# ---------------------------------------------------------------- /reload, /versions, /rollback
def format_diff(diff: CatalogDiff, cap: int = MAX_KEYS, details: Mapping[str, str] | None = None,
                heading: str = "知识库已重新加载") -> str:
    """Plain-text change report: counts, then the keys (at most ``cap`` per kind), changed ones old → new."""
    details = details or {}
    if diff.empty:
        return f"{heading}：没有变化。"
    lines = [f"{heading}：新增 {len(diff.added)} 项，删除 {len(diff.removed)} 项，修改 {len(diff.changed)} 项。"]
    for title, keys in (("新增", diff.added), ("删除", diff.removed), ("修改", diff.changed)):
        if keys:
            lines.append(f"\n{title}：")
            lines.extend(f"• {key}" + (f"\n  {details[key]}" if details.get(key) else "") for key in keys[:cap])
            if len(keys) > cap:
                lines.append(f"…以及另外 {len(keys) - cap} 项")
    return "\n".join(lines)


def format_applied(applied: Applied, heading: str = "知识库已重新加载") -> str:
    """The report of a change that went live: what changed (old → new), warnings, the version."""
    text = format_diff(applied.diff, details=applied.details, heading=heading)
    if applied.warnings:
        text += "\n\n请注意：\n" + "\n".join(f"⚠ {w}" for w in applied.warnings[:MAX_KEYS])
        if len(applied.warnings) > MAX_KEYS:
            text += f"\n…以及另外 {len(applied.warnings) - MAX_KEYS} 条"
    if applied.version is not None:
        text += f"\n\n已保存为版本 {applied.version.number}（/versions 查看，/rollback {applied.previous} 撤销）" \
            if applied.previous else f"\n\n已保存为版本 {applied.version.number}。"
    return text


def format_reload_error(error: BaseException, heading: str = "重新加载失败，继续使用原来的知识库。") -> str:
    detail = str(error).strip() or type(error).__name__
    if len(detail) > MAX_ERROR_CHARS:
        detail = detail[:MAX_ERROR_CHARS] + "\n…（其余省略，完整信息见日志）"
    return f"{heading}\n\n{detail}"


async def run_change(update: Update, context: ContextTypes.DEFAULT_TYPE, make_files: Callable[[Files], Files],
                     summary: str | Callable[[Files, Files], str], heading: str, failed: str,
                     undo: bool = False, extra: Callable[[Applied], str] | None = None) -> Applied | None:
    """Apply a change through the one path and tell the admin what happened (with an 撤销 button if asked)."""
    svc = services(context)
    user = update.effective_user
    try:
        applied = await apply_change(svc, make_files, user.id if user else None, summary)
    except (KnowledgeError, ChangeRefused) as error:
        log.warning("change refused, still serving the previous knowledge base:\n%s", error)
        await send(message_of(update), render_text(format_reload_error(error, failed)))
        return None
    except Exception as error:
        log.exception("change failed, still serving the previous knowledge base")
        await send(message_of(update), render_text(format_reload_error(error, failed)))
        return None
    outgoing = render_text(format_applied(applied, heading) + (extra(applied) if extra else ""))
    if undo and applied.version is not None and applied.previous is not None:
        button = InlineKeyboardButton("撤销", callback_data=f"{UNDO_PREFIX}|{applied.previous}")
        outgoing[-1] = Outgoing(outgoing[-1].html, InlineKeyboardMarkup([[button]]))
    await send(message_of(update), outgoing)
    return applied


@admin_only
async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take the files on the server through the one change path."""
    svc = services(context)
    await run_change(update, context, lambda live: working_files(svc),
                     lambda live, new: "重新加载：" + files_summary(live, new),
                     "知识库已重新加载", "重新加载失败，继续使用原来的知识库。")


def format_versions(versions: list[Version], current: Version | None) -> str:
    if not versions:
        return "还没有保存的版本：第一次变更（/reload、添加例句、上传文件）时会保存。"
    lines = [f"最近 {len(versions)} 个版本（北京时间，最新在前）："]
    for version in versions:
        when = datetime.fromtimestamp(version.ts, BEIJING).strftime("%m-%d %H:%M")
        live = "  ← 当前" if current is not None and version.number == current.number else ""
        who = f"管理员 {version.admin}" if version.admin != "-" else "系统"
        lines.append(f"• 版本 {version.number}  {when}  {who}\n  {version.summary}{live}")
    lines.append("\n发送 /rollback 版本号 恢复到那个版本。")
    return "\n".join(lines)


@admin_only
async def versions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    store = services(context).versions
    text = await asyncio.to_thread(lambda: format_versions(store.versions(), store.current()))
    await send(message_of(update), render_text(text))


async def rollback_to(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> Applied | None:
    store = services(context).versions

    def files(live: Files) -> Files:
        version = store.get(number)
        if version is None:
            raise ChangeRefused(f"没有版本 {number}。发送 /versions 查看可以恢复的版本。")
        return store.files(version)

    return await run_change(update, context, files, f"回滚到版本 {number}", f"已恢复到版本 {number}",
                            f"无法恢复到版本 {number}，继续使用现在的知识库。")


@admin_only
async def rollback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/rollback N: restore version N (validated like any change)."""
    args = context.args or []
    if len(args) != 1 or not args[0].isdigit():
        await send(message_of(update),
                   render_text("用法：/rollback 版本号，比如 /rollback 3。发送 /versions 查看版本。"))
        return
    await rollback_to(update, context, int(args[0]))


# ---------------------------------------------------------------- /stats, /unanswered
def _counts(counts: Counts) -> str:
    return f"{counts.last_24h} / {counts.total}"


def _votes(votes: Votes | None) -> str:
    if votes is None:
        return ""
    helpful = votes.helpful
    return (f"，👍 {_counts(votes.up)}，👎 {_counts(votes.down)}，有帮助 {helpful[0]} / {helpful[1]}")


def format_summary(summary: Summary, titles: Mapping[str, str] | None = None) -> str:
    """Counts per intent under its title (``芝麻分要求``), with 👍/👎 and the helpful rate where users rated
    answers; ids without a title (removed since) stay as ids."""
    titles = titles or {}
    votes = summary.votes or {}
    lines = ["问题统计（最近24小时 / 全部）", f"已回答：{_counts(summary.answered_total)}"]
    lines.extend(f"• {titles.get(intent) or KEY_LABELS.get(intent) or intent}：{_counts(counts)}"
                 f"{_votes(votes.get(intent))}" for intent, counts in summary.answered.items())
    lines.append(f"未理解：{_counts(summary.not_understood)}")
    lines.append(f"资料未覆盖的话题：{_counts(summary.uncovered)}")
    lines.append(f"无效输入（空白或过长）：{_counts(summary.invalid)}")
    if votes:
        lines.append("（有帮助 = 👍 占全部评价的比例）")
    return "\n".join(lines)


KIND_LABELS = {UNCOVERED: "资料未覆盖", DISLIKED: "👎"}
KEY_LABELS = {REPLIES: "回应（好的、不是、是真的吗）"}  # counted keys that are no intent


def format_unanswered(items: list[Unanswered]) -> str:
    if not items:
        return "最近没有未能回答的问题。"
    lines = [f"最近 {len(items)} 个没能回答的问题（北京时间，最新在前）："]
    for item in items:
        when = datetime.fromtimestamp(item.ts, BEIJING).strftime("%m-%d %H:%M")
        label = f"［{KIND_LABELS[item.kind]}］" if item.kind in KIND_LABELS else ""
        lines.append(f"• {when}  {label}{item.text.replace(chr(10), ' ')}")
    return "\n".join(lines)


async def _report(update: Update, context: ContextTypes.DEFAULT_TYPE, query: Callable[[StatsStore], str]) -> None:
    """Run a stats query off the event loop and send its text (or say that stats are off)."""
    store = services(context).stats
    if store is None:
        await send(message_of(update), render_text(STATS_OFF))
        return
    if not store.enabled:
        await send(message_of(update), render_text(STATS_BROKEN))
        return
    text = await asyncio.to_thread(query, store)
    await send(message_of(update), render_text(text))


@admin_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    titles = services(context).engine.intent_titles()
    await _report(update, context, lambda store: format_summary(store.summary(), titles))


@admin_only
async def unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _report(update, context, lambda store: format_unanswered(store.unanswered(20)))


# ---------------------------------------------------------------- admin buttons
def admin_button(handler: Handler) -> Handler:
    """Buttons under admin reports: only admins' presses do anything."""
    @functools.wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not services(context).settings.is_admin(user.id if user else None):
            log.info("admin button refused for a non-admin user")
            await query_of(update).answer(REFUSED)
            return
        await handler(update, context)
    return wrapper


@admin_button
async def on_undo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """撤销: restore the version that was live before the change (a rollback like any other)."""
    query = query_of(update)
    _, _, number = (query.data or "").partition("|")
    if not number.isdigit():
        await query.answer(STALE)
        return
    await query.answer("正在撤销…")
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(None)
    undone = await rollback_to(update, context, int(number))
    keys = context.application.bot_data.get(UNDO_KEYS, {}).pop(int(number), None)
    stats = services(context).stats
    if undone is not None and keys and stats is not None:  # the questions of an undone example come back to /review
        await asyncio.to_thread(stats.unmark_reviewed, list(keys))


__all__ = ["CatalogDiff", "catalog_diff", "format_applied", "format_diff", "format_reload_error", "format_summary",
           "format_unanswered", "format_versions", "on_undo", "reload", "rollback", "stats", "unanswered", "versions"]
