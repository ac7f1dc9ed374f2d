"""What handlers share: settings, the swappable engine, statistics, the reload lock."""
from __future__ import annotations

import asyncio
import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from telegram import Chat, User
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from ..config import Settings
from ..knowledge.versions import Files, VersionStore, read_tree
from ..reply import Reply
from ..stats import StatsStore

SERVICES_KEY = "loanbot.services"
MEMO_SIZE = 20_000


class EngineLike(Protocol):
    """The part of ``bot.engine.Engine`` the Telegram adapter uses."""

    def reply(self, session: str, text: str) -> Reply: ...
    def choose(self, session: str, intent: str, product: str | None) -> Reply: ...
    def catalog(self) -> dict[str, str]: ...
    def intent_titles(self) -> dict[str, str]: ...
    def product_names(self) -> dict[str, str]: ...
    def help_text(self) -> str: ...
    def example_questions(self) -> list[str]: ...
    def overview_intent(self) -> str: ...
    def chart(self, spec: str) -> Any: ...


EngineBuilder = Callable[[Path, Path, Any], EngineLike]


class EngineRef:
    """Holds the current engine; ``/reload`` swaps ``.engine`` in one assignment (atomic)."""

    __slots__ = ("engine",)

    def __init__(self, engine: EngineLike) -> None:
        self.engine = engine


def source_dirs(settings: Settings) -> tuple[Path, Path]:
    """Where the engine is loaded from at start: the live version under BOT_DATA_DIR when there is one (the
    last change that went live), else the configured knowledge/ and intents/ folders."""
    current = VersionStore(settings.data_dir).current()
    if current is not None:
        return current.knowledge_dir, current.intents_dir
    return settings.knowledge_dir, settings.intents_dir


def default_builder(knowledge_dir: Path, intents_dir: Path, previous: Any = None) -> EngineLike:
    """``bot.engine.build_engine``, imported when first needed."""
    from ..engine import build_engine

    return build_engine(knowledge_dir, intents_dir, previous)


@dataclass(frozen=True)
class Answered:
    """What a feedback press refers to: the intent and the question (kept in memory only, masked when stored)."""

    intent: str
    question: str | None


class AnswerMemo:
    """The last ``MEMO_SIZE`` answers by token, so a 👎 can put its question into /review."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[str, Answered] = OrderedDict()

    def add(self, intent: str, question: str | None) -> str:
        token = secrets.token_hex(4)
        self._items[token] = Answered(intent, question)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return token

    def get(self, token: str) -> Answered | None:
        return self._items.get(token)


@dataclass
class Services:
    """Stored in ``application.bot_data``; handlers reach it with ``services(context)``."""

    settings: Settings
    engine_ref: EngineRef
    stats: StatsStore | None
    build_engine: EngineBuilder = default_builder
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    answers: AnswerMemo = field(default_factory=AnswerMemo)  # for feedback buttons
    shown: ShownReplies = field(default_factory=lambda: ShownReplies())  # replies with a full version
    versions: VersionStore = field(init=False)
    baseline: Files = field(init=False)  # the files the engine was started from (version 1 at the first change)

    def __post_init__(self) -> None:
        self.versions = VersionStore(self.settings.data_dir)
        try:
            self.baseline = read_tree(*source_dirs(self.settings))
        except OSError:
            self.baseline = {}

    def admin_hash(self, user_id: int | None) -> str:
        """The admin as stored with versions: the statistics' salted user hash, never the id."""
        if self.stats is not None and self.stats.enabled:
            return self.stats.user_hash(user_id)[:12]
        return "-"

    @property
    def engine(self) -> EngineLike:
        return self.engine_ref.engine

    def record(self, user: User | None, reply: Reply, text: str | None) -> None:
        """Count the question (never blocks, never raises)."""
        if self.stats is not None:
            self.stats.record(user.id if user else None, reply, text)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]


def is_group(chat: Chat | None) -> bool:
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def session_id(chat: Chat | None, user: User | None) -> str:
    """One dialogue per private chat; per user inside groups."""
    if chat is None:
        return f"tg:user:{user.id if user else 0}"
    if is_group(chat) and user is not None:
        return f"tg:{chat.id}:{user.id}"
    return f"tg:{chat.id}"


class ShownReplies:
    """The replies behind recent messages with a detail button, so the button can switch them in place.

    Bounded (oldest dropped): a button under a forgotten message answers that it expired.
    """

    def __init__(self, size: int = 2000) -> None:
        self.size = size
        self._replies: OrderedDict[tuple[int, int], Reply] = OrderedDict()

    def put(self, chat_id: int, message_id: int, reply: Reply) -> None:
        self._replies[(chat_id, message_id)] = reply
        self._replies.move_to_end((chat_id, message_id))
        while len(self._replies) > self.size:
            self._replies.popitem(last=False)

    def get(self, chat_id: int, message_id: int) -> Reply | None:
        return self._replies.get((chat_id, message_id))
