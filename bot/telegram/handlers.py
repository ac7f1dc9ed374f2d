"""Public handlers: they only translate Telegram updates to engine calls and replies back."""
from __future__ import annotations

import asyncio
import logging
import re

from telegram import InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from ..reply import Reply, Suggestion
from .feedback import PREFIX as FEEDBACK_PREFIX
from .feedback import with_feedback
from .render import (
    CHART_PREFIX,
    CHOICE_PREFIX,
    CSV_PREFIX,
    DETAIL_PREFIX,
    EXAMPLE_PREFIX,
    NEW_CHOICE_PREFIX,
    Outgoing,
    decode_choice,
    escape,
    example_keyboard,
    keyboard,
    render,
    render_text,
    split_data,
)
from .services import Services, is_group, services, session_id
from .updates import message_of, query_of

log = logging.getLogger(__name__)

TEXT_ONLY = "我只能看懂文字消息。请用文字提问，比如：“微粒贷要芝麻分吗”。"
STALE_BUTTON = "这个按钮已经失效了，请重新提问。"
UNKNOWN_COMMAND = "没有这个命令。发送 /help 看看我能回答什么。"
START_EXAMPLES = 4  # tappable example questions under /start
NO_FIGURE = "这个图已经无法生成了，请重新提问。"


async def send(message: Message, outgoing: list[Outgoing], *, quote: bool = False) -> list[Message]:
    """Send chunks as replies to ``message`` (only the first one quotes it)."""
    return [await message.reply_text(item.html, reply_markup=item.markup, do_quote=quote and index == 0)
            for index, item in enumerate(outgoing)]


async def send_reply(svc: Services, message: Message, reply: Reply, question: str | None, *,
                     quote: bool = False) -> None:
    """Send an engine reply (with 👍/👎 under a factual answer); remember it under its message when it has a
    full version behind a button."""
    sent = await send(message, with_feedback(reply, render(reply), svc.answers, question), quote=quote)
    if reply.detail and sent:
        svc.shown.put(sent[-1].chat_id, sent[-1].message_id, reply)


# ---------------------------------------------------------------- commands
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: greeting, what the bot answers, example questions."""
    engine = services(context).engine
    products = "、".join(engine.product_names().values())
    text = (f"你好！我根据两份公开资料回答{products}的额度、利率、费用和申请条件，也能帮你算利息和分期。"
            "直接用中文提问，或者点下面的例子试试：\n\n"
            "我提供的是一般信息，不构成财务建议。/products 支持的产品，/help 能问什么。")
    outgoing = render_text(text)
    outgoing[-1] = Outgoing(outgoing[-1].html, example_keyboard(engine.example_questions()[:START_EXAMPLES]))
    await send(message_of(update), outgoing)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the bot answers, with example questions."""
    engine = services(context).engine
    help_text = engine.help_text()
    examples = [q for q in engine.example_questions() if q not in help_text]
    if examples:
        help_text += "\n\n可以这样问：\n" + "\n".join(f"• {q}" for q in examples)
    text = f"{help_text}\n\n命令：\n/products 支持的产品\n/help 这份说明"
    await send(message_of(update), render_text(text), quote=is_group(update.effective_chat))


async def products(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/products: the loan products, with a button per product overview."""
    names = services(context).engine.product_names()
    listed = "\n".join(f"• {name}" for name in names.values())
    text = f"我能回答这些产品的问题：\n{listed}\n\n点按钮查看产品介绍，或者直接提问。"
    outgoing = render_text(text)
    overview = services(context).engine.overview_intent()
    markup = keyboard((Suggestion(f"{name}介绍", overview, pid) for pid, name in names.items()),
                      NEW_CHOICE_PREFIX)
    outgoing[-1] = Outgoing(outgoing[-1].html, markup)
    await send(message_of(update), outgoing, quote=is_group(update.effective_chat))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(message_of(update), render_text(UNKNOWN_COMMAND))


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
    message, chat, user = message_of(update), update.effective_chat, update.effective_user
    text = message.text or ""
    group = is_group(chat)
    if group:
        addressed = addressed_text(message, context.bot.id, context.bot.username or "")
        if addressed is None:
            return  # group chatter not meant for the bot
        text = addressed
    svc = services(context)
    reply = svc.engine.reply(session_id(chat, user), text)  # the engine checks the input's limits
    svc.record(user, reply, text)
    await send_reply(svc, message, reply, text, quote=group)


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, documents...: ask for a text question."""
    message = message_of(update)
    if is_group(update.effective_chat) and addressed_text(message, context.bot.id, context.bot.username or "") is None:
        return  # not meant for the bot
    await send(message, render_text(TEXT_ONLY), quote=is_group(update.effective_chat))


# ---------------------------------------------------------------- buttons
async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline buttons: suggestions, /products and /start examples, the detail toggle, charts and CSV."""
    query = query_of(update)
    prefix, rest = split_data(query.data)
    handler = {CHOICE_PREFIX: _on_choice, NEW_CHOICE_PREFIX: _on_choice, EXAMPLE_PREFIX: _on_example,
               DETAIL_PREFIX: _on_detail, CHART_PREFIX: _on_figure, CSV_PREFIX: _on_figure}.get(prefix)
    if handler is None:
        await query.answer(STALE_BUTTON)
        return
    await handler(update, context, prefix, rest)


async def _on_choice(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str, rest: str) -> None:
    """A suggestion is answered in place of the message that carried it; a /products button in a new one."""
    query = query_of(update)
    choice = decode_choice(query.data, prefix)
    if choice is None:
        await query.answer(STALE_BUTTON)
        return
    svc = services(context)
    reply = svc.engine.choose(session_id(update.effective_chat, update.effective_user), *choice)
    svc.record(update.effective_user, reply, None)
    await query.answer()
    message = query.message
    if prefix == NEW_CHOICE_PREFIX and isinstance(message, Message):
        await send_reply(svc, message, reply, None)
        return
    outgoing = with_feedback(reply, render(reply), svc.answers, None)
    if isinstance(message, Message):
        try:
            edited = await query.edit_message_text(outgoing[0].html, reply_markup=outgoing[0].markup)
            if reply.detail and len(outgoing) == 1 and isinstance(edited, Message):
                svc.shown.put(edited.chat_id, edited.message_id, reply)
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                log.info("could not edit the suggestion message (%s); sending a new one", error)
                await send(message, outgoing[:1])
        await send(message, outgoing[1:])
    elif update.effective_chat is not None:
        for item in outgoing:
            await context.bot.send_message(update.effective_chat.id, item.html, reply_markup=item.markup)


async def _on_example(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str, rest: str) -> None:
    """An example question of /start: asked as if typed; the examples stay."""
    query = query_of(update)
    svc = services(context)
    reply = svc.engine.reply(session_id(update.effective_chat, update.effective_user), rest)
    svc.record(update.effective_user, reply, rest)
    await query.answer()
    if isinstance(query.message, Message):
        await send_reply(svc, query.message, reply, rest)


async def _on_detail(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str, rest: str) -> None:
    """详细计算 / 收起: the same message switches between the short and the full version."""
    query = query_of(update)
    message = query.message
    reply = services(context).shown.get(message.chat.id, message.message_id) if message else None
    if reply is None or rest not in ("0", "1"):
        await query.answer(STALE_BUTTON)
        return
    await query.answer()
    [outgoing] = render(reply, full=rest == "1")[:1]
    rows = [list(r) for r in outgoing.markup.inline_keyboard] if outgoing.markup else []
    current = message.reply_markup.inline_keyboard if isinstance(message, Message) and message.reply_markup else ()
    rows += [list(r) for r in current  # the 👍/👎 row (or the choice made) stays with the message
             if any(str(b.callback_data or "").startswith(f"{FEEDBACK_PREFIX}|") for b in r)]
    try:
        await query.edit_message_text(outgoing.html, reply_markup=InlineKeyboardMarkup(rows) if rows else None)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def _on_figure(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str, rest: str) -> None:
    """还款计划图 / 利息对比图 as a photo, 还款明细 as a CSV document, drawn off the event loop."""
    from .. import figures

    query = query_of(update)
    chat = update.effective_chat
    try:
        data = services(context).engine.chart(rest)
    except (ValueError, KeyError, AttributeError) as error:
        log.info("figure %r not drawn: %s", rest, error)
        await query.answer(NO_FIGURE)
        return
    await query.answer()
    if chat is None:
        return
    if prefix == CSV_PREFIX:
        if not isinstance(data, figures.PlanChart):
            return
        document = InputFile(figures.csv_bytes(data), filename=figures.file_stem(data) + ".csv")
        await context.bot.send_document(chat.id, document, caption=escape(figures.caption(data)))
        return
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    picture = await asyncio.to_thread(figures.png, data)
    await context.bot.send_photo(chat.id, InputFile(picture, filename=figures.file_stem(data) + ".png"),
                                 caption=escape(figures.caption(data)))
