"""Settings from the environment; the bot token never appears in repr, str or error messages."""
from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

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


def _parse_number(name: str, raw: str | None, default: float, *, zero_ok: bool, expected: str) -> float:
    """A finite number (>= 0 when ``zero_ok``, else > 0); empty -> ``default``; ConfigError names ``name``."""
    text = (raw or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        raise ConfigError(f"{name}: {text[:40]!r} is not {expected}")
    return value


def parse_rate(name: str, raw: str | None, default: float) -> float:
    """A rate in messages per second: a finite number >= 0 (0 = no limit); empty -> ``default``."""
    return _parse_number(name, raw, default, zero_ok=True, expected="a rate; expected messages per second as a "
                         "number >= 0 such as \"1\" or \"0.5\" (0 = no limit)")


def parse_days(raw: str | None, default: float) -> float:
    """BOT_REVIEW_RETENTION_DAYS: a finite number of days > 0; empty -> ``default``."""
    return _parse_number("BOT_REVIEW_RETENTION_DAYS", raw, default, zero_ok=False,
                         expected="a number of days; expected a number > 0 such as \"90\"")


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
    docs_dir: Path | None = None  # the source documents: every change is checked against them when set
    retention_days: float = 90.0  # questions kept for review are deleted after this many days

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read TELEGRAM_BOT_TOKEN, BOT_ADMIN_IDS, BOT_DATA_DIR, TELEGRAM_BASE_URL, KNOWLEDGE_DIR, INTENTS_DIR,
        BOT_CHAT_RATE, BOT_GLOBAL_RATE, BOT_DOCS_DIR and BOT_REVIEW_RETENTION_DAYS."""
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
            docs_dir=Path(docs).expanduser() if (docs := get("BOT_DOCS_DIR")) else None,
            retention_days=parse_days(env.get("BOT_REVIEW_RETENTION_DAYS"), cls.retention_days),
        )

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    def __repr__(self) -> str:
        token = "set (redacted)" if self.token else "not set"
        return (f"Settings(token={token}, admin_ids={sorted(self.admin_ids)}, data_dir={str(self.data_dir)!r}, "
                f"base_url={self.base_url!r}, knowledge_dir={str(self.knowledge_dir)!r}, "
                f"intents_dir={str(self.intents_dir)!r}, chat_rate={self.chat_rate:g}, "
                f"global_rate={self.global_rate:g}, docs_dir={str(self.docs_dir) if self.docs_dir else None!r}, "
                f"retention_days={self.retention_days:g})")

    __str__ = __repr__
