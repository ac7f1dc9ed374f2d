"""Reply -> Telegram messages: escaped HTML chunks (<= 4096) and suggestion buttons."""
from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from typing import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ..reply import Reply, Suggestion

log = logging.getLogger(__name__)

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units
MAX_CALLBACK_DATA = 64  # bytes
CHOICE_PREFIX = "a"
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
def encode_choice(intent: str, product: str | None) -> str:
    """``a|<intent>|<product or ->``; ValueError when not ASCII ids or longer than 64 bytes."""
    for part in (intent, product or "-"):
        if part != "-" and not _ID.match(part):
            raise ValueError(f"not an ASCII id usable in callback_data: {part!r}")
    data = f"{CHOICE_PREFIX}|{intent}|{product or '-'}"
    if len(data.encode()) > MAX_CALLBACK_DATA:
        raise ValueError(f"callback_data longer than {MAX_CALLBACK_DATA} bytes: {data!r}")
    return data


def decode_choice(data: str | None) -> tuple[str, str | None] | None:
    """The (intent, product) of a button, or None when the data is not ours."""
    parts = (data or "").split("|")
    if len(parts) != 3 or parts[0] != CHOICE_PREFIX or not _ID.match(parts[1]):
        return None
    product = None if parts[2] == "-" else parts[2]
    if product is not None and not _ID.match(product):
        return None
    return parts[1], product


def keyboard(suggestions: Iterable[Suggestion]) -> InlineKeyboardMarkup | None:
    """One button per row; a suggestion that cannot be encoded is skipped with a warning."""
    rows = []
    for suggestion in suggestions:
        try:
            data = encode_choice(suggestion.intent, suggestion.product)
        except ValueError as error:
            log.warning("suggestion button skipped: %s", error)
            continue
        rows.append([InlineKeyboardButton(suggestion.label[:64], callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message: HTML text and optional buttons."""

    html: str
    markup: InlineKeyboardMarkup | None = None


FALLBACK = "抱歉，我暂时没有答案。请换个说法再问一次。"


def render(reply: Reply) -> list[Outgoing]:
    """The messages for ``reply``: escaped chunks, the buttons under the last one."""
    chunks = split_html(reply.text) or [escape(FALLBACK)]
    markup = keyboard(reply.suggestions)
    return [Outgoing(chunk, markup if i == len(chunks) - 1 else None) for i, chunk in enumerate(chunks)]


def render_text(text: str) -> list[Outgoing]:
    """Plain text (help, admin reports) as escaped chunks."""
    return [Outgoing(chunk) for chunk in split_html(text) or [escape(FALLBACK)]]
