"""Settings from the environment; the bot token never appears in repr, str or error messages."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import bot

REPO_ROOT = Path(bot.__file__).resolve().parent.parent


class ConfigError(ValueError):
    """An environment variable has an invalid value; the message names the variable and the fix."""


def parse_admin_ids(raw: str) -> frozenset[int]:
    """``"123, 456"`` -> {123, 456}; empty entries are skipped, anything else non-numeric is an error."""
    ids: set[int] = set()
    for position, entry in enumerate(raw.split(","), start=1):
        entry = entry.strip()
        if not entry:
            continue
        try:
            ids.add(int(entry))
        except ValueError:
            raise ConfigError(f"BOT_ADMIN_IDS: entry {position} ({entry[:40]!r}) is not a Telegram user id; "
                              "expected comma-separated integers such as \"123456789, 987654321\"") from None
    return frozenset(ids)


def parse_rate(name: str, raw: str | None, default: float) -> float:
    """A rate in messages per second: a finite number >= 0 (0 = no limit); empty -> ``default``."""
    text = (raw or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"{name}: {text[:40]!r} is not a rate; expected messages per second as a number "
                          f">= 0 such as \"1\" or \"0.5\" (0 = no limit)")
    return value


def file_url_for(base_url: str) -> str:
    """The ``base_file_url`` that goes with a ``base_url``: ``…/bot`` -> ``…/file/bot``."""
    trimmed = base_url.rstrip("/")
    if trimmed.endswith("/bot"):
        return trimmed[: -len("/bot")] + "/file/bot"
    return trimmed + "/file/bot"


@dataclass(frozen=True)
class Settings:
    """Everything the Telegram bot needs; ``from_env()`` reads it."""

    token: str | None = field(default=None, repr=False)
    admin_ids: frozenset[int] = frozenset()
    data_dir: Path = REPO_ROOT / "data"
    base_url: str | None = None  # PTB meaning: the token and the method are appended
    base_file_url: str | None = None
    knowledge_dir: Path = REPO_ROOT / "knowledge"
    intents_dir: Path = REPO_ROOT / "intents"
    chat_rate: float = 1.0  # messages per second into one chat; 0: no per-chat limit
    global_rate: float = 30.0  # messages per second for the whole bot; 0: no overall limit

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Read TELEGRAM_BOT_TOKEN, BOT_ADMIN_IDS, BOT_DATA_DIR, TELEGRAM_BASE_URL, KNOWLEDGE_DIR, INTENTS_DIR,
        BOT_CHAT_RATE and BOT_GLOBAL_RATE."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        base_url = get("TELEGRAM_BASE_URL")
        return cls(
            token=get("TELEGRAM_BOT_TOKEN"),
            admin_ids=parse_admin_ids(env.get("BOT_ADMIN_IDS", "")),
            data_dir=Path(get("BOT_DATA_DIR") or REPO_ROOT / "data").expanduser(),
            base_url=base_url,
            base_file_url=get("TELEGRAM_BASE_FILE_URL") or (file_url_for(base_url) if base_url else None),
            knowledge_dir=Path(get("KNOWLEDGE_DIR") or REPO_ROOT / "knowledge").expanduser(),
            intents_dir=Path(get("INTENTS_DIR") or REPO_ROOT / "intents").expanduser(),
            chat_rate=parse_rate("BOT_CHAT_RATE", env.get("BOT_CHAT_RATE"), cls.chat_rate),
            global_rate=parse_rate("BOT_GLOBAL_RATE", env.get("BOT_GLOBAL_RATE"), cls.global_rate),
        )

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    def __repr__(self) -> str:
        token = "set (redacted)" if self.token else "not set"
        return (f"Settings(token={token}, admin_ids={sorted(self.admin_ids)}, data_dir={str(self.data_dir)!r}, "
                f"base_url={self.base_url!r}, knowledge_dir={str(self.knowledge_dir)!r}, "
                f"intents_dir={str(self.intents_dir)!r}, chat_rate={self.chat_rate:g}, "
                f"global_rate={self.global_rate:g})")

    __str__ = __repr__
