"""Value types and helpers of the fake Telegram Bot API (errors, recorded calls, sent messages)."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

TOKEN = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
JSON_PARAMS = ("reply_markup", "allowed_updates", "entities", "scope", "commands", "link_preview_options",
               "reply_parameters", "caption_entities")
# Telegram's default when allowed_updates is empty or was never given.
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
DEFAULT_DESCRIPTIONS = {400: "Bad Request: injected failure", 401: "Unauthorized", 403: "Forbidden: bot was blocked by "
                        "the user", 409: "Conflict: injected failure", 500: "Internal Server Error",
                        502: "Bad Gateway"}

Params = dict[str, Any]


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, with its (decoded) parameters and the HTTP status answered."""

    method: str
    params: Params
    status: int
    at: float


@dataclass(frozen=True)
class SentMessage:
    """A ``sendMessage`` or ``editMessageText`` the bot made successfully."""

    method: str
    chat_id: int
    message_id: int
    text: str  # as sent (the HTML source when parse_mode is HTML)
    plain: str  # what the user sees: the text after entity parsing
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    reply_to: int | None
    params: Params = field(repr=False)

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Inline keyboard buttons as (label, callback_data), row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b.get("text", ""), b.get("callback_data")) for row in rows for b in row]

    def button(self, label: str) -> str:
        """The callback data of the button labelled ``label`` (KeyError when there is no such button)."""
        data = dict(self.buttons)[label]
        if data is None:
            raise KeyError(f"button {label!r} has no callback data")
        return data

    @property
    def file(self) -> bytes | None:
        """The bytes of a sent photo or document."""
        upload = self.params.get("photo") or self.params.get("document")
        return upload.get("data") if isinstance(upload, dict) else None

    @property
    def filename(self) -> str | None:
        upload = self.params.get("photo") or self.params.get("document")
        return upload.get("filename") if isinstance(upload, dict) else None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("params")
        return out


@dataclass(frozen=True)
class SentDocument:
    """A file the bot sent with ``sendDocument``."""

    chat_id: int
    file_name: str
    data: bytes = field(repr=False)
    caption: str


@dataclass
class Failure:
    status: int
    retry_after: int | None
    description: str | None


def int_param(params: Params, name: str, default: int | None = None) -> int:
    value = params.get(name, default)
    if value is None or value == "":
        if default is None:
            raise ApiError(400, f"Bad Request: {name} is empty")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, f"Bad Request: invalid {name} specified") from None


def bool_param(params: Params, name: str) -> bool:
    return str(params.get(name, "")).lower() in {"true", "1"}


def update_type(update: dict[str, Any]) -> str:
    return next(k for k in update if k != "update_id")
