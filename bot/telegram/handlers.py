"""Public handlers: they only translate Telegram updates to engine calls and replies back."""
from __future__ import annotations

import logging
import re

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from ..reply import Reply, Suggestion
from .feedback import with_feedback
from .render import Outgoing, decode_choice, keyboard, render, render_text
from .services import is_group, services, session_id

log = logging.getLogger(__name__)

MAX_TEXT = 4000
EMPTY_TEXT = "请直接输入你想问的问题，比如：“微粒贷要芝麻分吗”。"
TOO_LONG = f"消息太长了。请把问题精简到{MAX_TEXT}字以内，一次问一件事。"
TEXT_ONLY = "我只能看懂文字消息。请用文字提问，比如：“微粒贷要芝麻分吗”。"
STALE_BUTTON = "这个按钮已经失效了，请重新提问。"
UNKNOWN_COMMAND = "没有这个命令。发送 /help 看看我能回答什么。"
PRODUCT_INTENT = "product_overview"


async def send(message: Message, outgoing: list[Outgoing], *, quote: bool = False) -> None:
    """Send chunks as replies to ``message`` (only the first one quotes it)."""
    for index, item in enumerate(outgoing):
        await message.reply_text(item.html, reply_markup=item.markup, do_quote=quote and index == 0)


# ---------------------------------------------------------------- commands
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: greeting, what the bot answers, example questions."""
    engine = services(context).engine
    text = f"你好！{engine.help_text()}\n\n发送 /products 查看支持的产品，/help 随时查看说明。"
    await send(update.effective_message, render_text(text))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the bot answers, with example questions."""
    engine = services(context).engine
    help_text = engine.help_text()
    examples = [q for q in engine.example_questions() if q not in help_text]
    if examples:
        help_text += "\n\n可以这样问：\n" + "\n".join(f"• {q}" for q in examples)
    text = f"{help_text}\n\n命令：\n/products 支持的产品\n/help 这份说明"
    await send(update.effective_message, render_text(text), quote=is_group(update.effective_chat))


async def products(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/products: the loan products, with a button per product overview."""
    names = services(context).engine.product_names()
    listed = "\n".join(f"• {name}" for name in names.values())
    text = f"我能回答这些产品的问题：\n{listed}\n\n点按钮查看产品介绍，或者直接提问。"
    outgoing = render_text(text)
    markup = keyboard(Suggestion(f"{name}介绍", PRODUCT_INTENT, pid) for pid, name in names.items())
    outgoing[-1] = Outgoing(outgoing[-1].html, markup)
    await send(update.effective_message, outgoing, quote=is_group(update.effective_chat))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update.effective_message, render_text(UNKNOWN_COMMAND))


# ---------------------------------------------------------------- questions
def addressed_text(message: Message, bot_id: int, username: str) -> str | None:
    """In a group: the text (or caption) without the bot's @mention when it is for the bot, else None."""
    text = message.text or message.caption or ""
    mention = re.compile(rf"(?<![\w@])@{re.escape(username)}(?!\w)", re.IGNORECASE) if username else None
    if mention is not None and mention.search(text):
        return mention.sub(" ", text).strip()
    for entity in message.entities:
        if entity.type == "text_mention" and entity.user and entity.user.id == bot_id:
            return text.replace(message.parse_entity(entity), " ").strip()
    replied = message.reply_to_message
    to_bot = bool(replied and replied.from_user and replied.from_user.id == bot_id)
    return text if to_bot else None


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question: ask the engine, send the reply with suggestion buttons."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    text: str | None = message.text or ""
    group = is_group(chat)
    if group:
        text = addressed_text(message, context.bot.id, context.bot.username or "")
        if text is None:
            return  # group chatter not meant for the bot
    svc = services(context)
    if not text.strip():
        reply = Reply(EMPTY_TEXT, kind="invalid")
    elif len(text) > MAX_TEXT:
        reply = Reply(TOO_LONG, kind="invalid")
    else:
        reply = svc.engine.reply(session_id(chat, user), text)
    svc.record(user, reply, text)
    await send(message, with_feedback(reply, render(reply), svc.answers, text), quote=group)


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, documents...: ask for a text question."""
    message = update.effective_message
    if is_group(update.effective_chat) and addressed_text(message, context.bot.id, context.bot.username or "") is None:
        return  # not meant for the bot
    await send(message, render_text(TEXT_ONLY), quote=is_group(update.effective_chat))


# ---------------------------------------------------------------- buttons
async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A suggestion button: answer that question in place of the message that carried the buttons."""
    query = update.callback_query
    choice = decode_choice(query.data)
    if choice is None:
        await query.answer(STALE_BUTTON)
        return
    svc = services(context)
    reply = svc.engine.choose(session_id(update.effective_chat, update.effective_user), *choice)
    svc.record(update.effective_user, reply, None)
    await query.answer()
    outgoing = with_feedback(reply, render(reply), svc.answers, None)
    message = query.message
    if isinstance(message, Message):
        try:
            await query.edit_message_text(outgoing[0].html, reply_markup=outgoing[0].markup)
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                log.info("could not edit the suggestion message (%s); sending a new one", error)
                await send(message, outgoing[:1])
        await send(message, outgoing[1:])
    elif update.effective_chat is not None:
        for item in outgoing:
            await context.bot.send_message(update.effective_chat.id, item.html, reply_markup=item.markup)
