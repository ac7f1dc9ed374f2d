"""Reply -> Telegram messages: escaped HTML chunks (<= 4096) and suggestion buttons."""
from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ..reply import Reply, Suggestion

log = logging.getLogger(__name__)

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units
MAX_CALLBACK_DATA = 64  # bytes
CHOICE_PREFIX = "a"  # a suggestion: answered in place of the message that carried it
NEW_CHOICE_PREFIX = "n"  # a /products button: answered in a new message, the list stays
EXAMPLE_PREFIX = "q"  # an example question of /start, the question itself after "q|"
DETAIL_PREFIX = "d"  # d|1 shows the full version in place, d|0 the short one again
CHART_PREFIX = "g"  # g|<figure spec>: the picture
CSV_PREFIX = "v"  # v|<figure spec>: the schedule as a CSV document
COLLAPSE = "收起"
PLAN_CHART, PLAN_CSV, COST_CHART = "还款计划图", "还款明细", "利息对比图"
_ID = re.compile(r"^[A-Za-z0-9_.:-]+$")


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Plain text -> Telegram HTML (only & < > need escaping)."""
    return html.escape(text, quote=False)


def _split_long_line(line: str, limit: int) -> list[str]:
    """Escape one over-long line and cut it between characters (never inside ``&amp;``)."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        escaped = escape(char)
        width = tg_len(escaped)
        if current and size + width > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(escaped)
        size += width
    if current:
        pieces.append("".join(current))
    return pieces


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Escape plain ``text`` and split it into chunks of at most ``limit``, at line boundaries when possible."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        escaped = escape(line)
        pieces = [escaped] if tg_len(escaped) <= limit else _split_long_line(line, limit)
        for piece in pieces:
            width = tg_len(piece) + (1 if current else 0)  # the joining newline
            if current and size + width > limit:
                chunks.append("\n".join(current))
                current, size, width = [], 0, tg_len(piece)
            current.append(piece)
            size += width
    if current:
        chunks.append("\n".join(current))
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


# ---------------------------------------------------------------- buttons
def _fits(data: str) -> str:
    if len(data.encode()) > MAX_CALLBACK_DATA:
        raise ValueError(f"callback_data longer than {MAX_CALLBACK_DATA} bytes: {data!r}")
    return data


def encode_choice(intent: str, product: str | None, prefix: str = CHOICE_PREFIX) -> str:
    """``a|<intent>|<product or ->``; ValueError when not ASCII ids or longer than 64 bytes."""
    for part in (intent, product or "-"):
        if part != "-" and not _ID.match(part):
            raise ValueError(f"not an ASCII id usable in callback_data: {part!r}")
    return _fits(f"{prefix}|{intent}|{product or '-'}")


def decode_choice(data: str | None, prefix: str = CHOICE_PREFIX) -> tuple[str, str | None] | None:
    """The (intent, product) of a button, or None when the data is not ours."""
    parts = (data or "").split("|")
    if len(parts) != 3 or parts[0] != prefix or not _ID.match(parts[1]):
        return None
    product = None if parts[2] == "-" else parts[2]
    if product is not None and not _ID.match(product):
        return None
    return parts[1], product


def split_data(data: str | None) -> tuple[str, str]:
    """(prefix, rest) of a button's callback data."""
    prefix, _, rest = (data or "").partition("|")
    return prefix, rest


def suggestion_rows(suggestions: Iterable[Suggestion], prefix: str = CHOICE_PREFIX) -> list[list[InlineKeyboardButton]]:
    """One button per row; a suggestion that cannot be encoded is skipped with a warning."""
    rows = []
    for suggestion in suggestions:
        try:
            data = encode_choice(suggestion.intent, suggestion.product, prefix)
        except ValueError as error:
            log.warning("suggestion button skipped: %s", error)
            continue
        rows.append([InlineKeyboardButton(suggestion.label[:64], callback_data=data)])
    return rows


def keyboard(suggestions: Iterable[Suggestion], prefix: str = CHOICE_PREFIX) -> InlineKeyboardMarkup | None:
    rows = suggestion_rows(suggestions, prefix)
    return InlineKeyboardMarkup(rows) if rows else None


def example_keyboard(questions: Iterable[str]) -> InlineKeyboardMarkup | None:
    """Tappable example questions (each one that fits in callback data)."""
    rows = []
    for question in questions:
        try:
            rows.append([InlineKeyboardButton(question[:64], callback_data=_fits(f"{EXAMPLE_PREFIX}|{question}"))])
        except ValueError:
            continue
    return InlineKeyboardMarkup(rows) if rows else None


def figure_buttons(figure: str | None) -> list[InlineKeyboardButton]:
    """还款计划图 + 还款明细 for one plan, 利息对比图 for a comparison (when the spec fits in callback data)."""
    if not figure:
        return []
    wanted = ((PLAN_CHART, CHART_PREFIX), (PLAN_CSV, CSV_PREFIX)) if figure.startswith("i:") else \
        ((COST_CHART, CHART_PREFIX),)
    try:
        return [InlineKeyboardButton(label, callback_data=_fits(f"{prefix}|{figure}")) for label, prefix in wanted]
    except ValueError as error:
        log.warning("figure buttons skipped: %s", error)
        return []


def answer_keyboard(reply: Reply, full: bool = False) -> InlineKeyboardMarkup | None:
    """The detail toggle, the figure buttons, then the suggestions."""
    rows: list[list[InlineKeyboardButton]] = []
    if reply.detail:
        label = COLLAPSE if full else (reply.detail_label or "详细")
        rows.append([InlineKeyboardButton(label, callback_data=f"{DETAIL_PREFIX}|{0 if full else 1}")])
    if buttons := figure_buttons(reply.figure):
        rows.append(buttons)
    rows += suggestion_rows(reply.suggestions)
    return InlineKeyboardMarkup(rows) if rows else None


def format_answer(reply: Reply, full: bool = False) -> str | None:
    """One HTML message: bold first line, the rest escaped, sources and caution in an expandable quote.
    None when it would not fit in one message."""
    body, footer = reply.body(full)
    first, _, rest = body.partition("\n")
    if not first.strip():
        return None
    html = f"<b>{escape(first)}</b>" + (f"\n{escape(rest)}" if rest else "")
    if footer:
        html += f"\n<blockquote expandable>{escape(footer)}</blockquote>"
    return html if tg_len(html) <= MAX_MESSAGE else None


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message: HTML text and optional buttons."""

    html: str
    markup: InlineKeyboardMarkup | None = None


FALLBACK = "抱歉，我暂时没有答案。请换个说法再问一次。"


def render(reply: Reply, full: bool = False) -> list[Outgoing]:
    """The messages for ``reply``: an answer as one formatted message with its buttons; anything longer as
    escaped chunks, the buttons under the last one."""
    markup = answer_keyboard(reply, full)
    if reply.kind == "answer" and (html := format_answer(reply, full)) is not None:
        return [Outgoing(html, markup)]
    chunks = split_html(reply.full if full else reply.prompt()) or [escape(FALLBACK)]
    return [Outgoing(chunk, markup if i == len(chunks) - 1 else None) for i, chunk in enumerate(chunks)]


def render_text(text: str) -> list[Outgoing]:
    """Plain text (help, admin reports) as escaped chunks."""
    return [Outgoing(chunk) for chunk in split_html(text) or [escape(FALLBACK)]]
