"""👍 有帮助 / 👎 没帮助 under every factual answer; a press is recorded once per user and answer."""
from __future__ import annotations

import asyncio
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from ..reply import Reply
from .render import MAX_CALLBACK_DATA, Outgoing
from .services import AnswerMemo, services
from .updates import query_of

log = logging.getLogger(__name__)

PREFIX = "f"
UP, DOWN, DONE = "+", "-", "x"
LABELS = {UP: "👍 有帮助", DOWN: "👎 没帮助"}
THANKS = "谢谢你的反馈！"
ALREADY = "你已经评价过这条回答了。"
_DATA = re.compile(r"^f\|([+-])\|([a-z][a-z0-9_]{0,23})\|([0-9a-f]{8})$")


def encode(vote: str, intent: str, token: str) -> str:
    data = f"{PREFIX}|{vote}|{intent}|{token}"
    if not _DATA.match(data) or len(data.encode()) > MAX_CALLBACK_DATA:
        raise ValueError(f"not usable as feedback callback_data: {data!r}")
    return data


def decode(data: str | None) -> tuple[int, str, str] | None:
    """(vote ±1, intent, answer token) of a feedback button, or None."""
    match = _DATA.match(data or "")
    if match is None:
        return None
    return (1 if match.group(1) == UP else -1), match.group(2), match.group(3)


def with_feedback(reply: Reply, outgoing: list[Outgoing], memo: AnswerMemo, question: str | None) -> list[Outgoing]:
    """Add the two buttons under the last message of a factual answer (other replies are left alone)."""
    if reply.kind != "answer" or not reply.intent or not outgoing:
        return outgoing
    token = memo.add(reply.intent, question)
    try:
        row = [InlineKeyboardButton(LABELS[v], callback_data=encode(v, reply.intent, token)) for v in (UP, DOWN)]
    except ValueError as error:
        log.warning("feedback buttons skipped: %s", error)
        return outgoing
    last = outgoing[-1]
    rows = [list(r) for r in last.markup.inline_keyboard] if last.markup else []
    return [*outgoing[:-1], Outgoing(last.html, InlineKeyboardMarkup([*rows, row]))]


async def on_feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press: record it (once per user and answer) and show the choice in place of the buttons."""
    query = query_of(update)
    if query.data == f"{PREFIX}|{DONE}":
        await query.answer(ALREADY)
        return
    parsed = decode(query.data)
    if parsed is None:
        await query.answer("这个按钮已经失效了。")
        return
    vote, intent, token = parsed
    svc = services(context)
    answered = svc.answers.get(token)
    user = update.effective_user
    new = True
    if svc.stats is not None:
        question = answered.question if answered is not None and answered.intent == intent else None
        new = await asyncio.to_thread(svc.stats.add_feedback, user.id if user else None, token, intent, vote,
                                      question)
    await query.answer(THANKS if new else ALREADY)
    chosen = LABELS[UP if vote > 0 else DOWN]
    done = InlineKeyboardMarkup([[InlineKeyboardButton(f"已反馈：{chosen}", callback_data=f"{PREFIX}|{DONE}")]])
    try:
        await query.edit_message_reply_markup(done)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            log.info("could not show the feedback choice: %s", error)


__all__ = ["AnswerMemo", "decode", "encode", "on_feedback", "with_feedback"]
