"""Builders for the JSON of incoming Telegram objects (users, chats, messages) used by the fake Bot API."""
from __future__ import annotations

import re
import time
from typing import Any

from .tghtml import utf16_len

_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}")


def now() -> int:
    return int(time.time())


def user(user_id: int, *, is_bot: bool = False, first_name: str | None = None,
         username: str | None = None) -> dict[str, Any]:
    """A ``User`` object."""
    out: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name or f"用户{user_id}"}
    if username:
        out["username"] = username
    if not is_bot:
        out["language_code"] = "zh-hans"
    return out


def chat(chat_id: int, chat_type: str = "private", *, title: str | None = None) -> dict[str, Any]:
    """A ``Chat`` object; groups get a title, private chats a first name."""
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": f"用户{chat_id}"}
    return {"id": chat_id, "type": chat_type, "title": title or "测试群"}


def _offset(text: str, index: int) -> int:
    return utf16_len(text[:index])


def detect_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram's clients would attach: a leading ``/command`` and ``@mentions``."""
    entities: list[dict[str, Any]] = []
    command = _COMMAND.match(text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command.group())})
    for match in _MENTION.finditer(text):
        if command and match.start() < command.end():
            continue
        entities.append({"type": "mention", "offset": _offset(text, match.start()),
                         "length": utf16_len(match.group())})
    return entities


def sticker() -> dict[str, Any]:
    return {"file_id": "CAACAgIAAxkBAAEStk", "file_unique_id": "AgADsticker", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "😀"}


def photo() -> list[dict[str, Any]]:
    return [{"file_id": f"AgACAgIAAxkBAAEphoto{size}", "file_unique_id": f"AQADphoto{size}",
             "width": size, "height": size, "file_size": size * 40} for size in (90, 320, 800)]


def voice(duration: int = 3) -> dict[str, Any]:
    return {"file_id": "AwACAgIAAxkBAAEvoice", "file_unique_id": "AgADvoice", "duration": duration,
            "mime_type": "audio/ogg", "file_size": 6000}


def document(file_name: str = "资料.pdf") -> dict[str, Any]:
    return {"file_id": "BQACAgIAAxkBAAEdoc", "file_unique_id": "AgADdoc", "file_name": file_name,
            "mime_type": "application/pdf", "file_size": 12345}
