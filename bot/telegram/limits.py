"""Flood control: a per-chat send rate on top of PTB's limits, and concurrent updates in per-chat order.

Telegram allows about 30 messages/s overall and about 1 message/s in one chat (20/min in a group).
``ChatRateLimiter`` adds the per-chat limit to PTB's ``AIORateLimiter`` (overall, group, 429 retries);
``ChatOrderedProcessor`` lets a flooding chat wait in its own queue instead of in front of everyone else.
"""
from __future__ import annotations

import contextlib
import inspect
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Update
from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

log = logging.getLogger(__name__)

# Enough for Telegram's 30 msg/s at ~0.5 s round trips; more slows PTB+httpx down (benchmarks/README.md). Measured
# against the local test server: 4 at once cost 4.2 ms of CPU per update, 8: 4.7 ms, 16: 4.9 ms, and a smaller
# connection pool at 16 changed nothing (4.9 ms) - 15 % is not worth capping real throughput at ~8 msg/s.
MAX_CONCURRENT_CHATS = 16
MAX_IDLE_CHAT_LIMITERS = 512  # PTB keeps up to 512 group limiters the same way


class _ChatSlot:
    """One chat's limiter and how many requests are using it right now."""

    __slots__ = ("limiter", "users")

    def __init__(self, limiter: AsyncLimiter) -> None:
        self.limiter = limiter
        self.users = 0

    @property
    def idle(self) -> bool:
        # An empty bucket behaves exactly like a new limiter, so dropping it loses nothing.
        return self.users == 0 and self.limiter.has_capacity(self.limiter.max_rate)


class ChatRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` plus at most ``chat_rate`` requests per second into any one chat.

    Roughly::

        async with chat_limiter(chat_id):      # ours: spacing of 1/chat_rate seconds, burst of 1
            async with group_limiter(chat_id):  # PTB: groups and channels, 20 per minute
                async with overall_limiter:     # PTB: 30 per second for the whole bot
                    await request()             # retried after a 429 up to max_retries times

    The per-chat limiter is the outermost one so that a flooding chat waits without holding a share of
    the overall rate. It applies to every request with a ``chat_id`` (private chats and groups alike);
    ``chat_rate=0`` turns it off. Idle chat limiters are dropped once there are more than ``max_chats``.
    """

    __slots__ = ("_chat_period", "_chats", "_max_chats")

    def __init__(self, chat_rate: float = 1.0, overall_rate: float = FloodLimit.MESSAGES_PER_SECOND, *,
                 max_retries: int = 3, max_chats: int = MAX_IDLE_CHAT_LIMITERS, **kwargs: Any) -> None:
        super().__init__(overall_max_rate=overall_rate, overall_time_period=1, max_retries=max_retries, **kwargs)
        if chat_rate < 0:
            raise ValueError("chat_rate must be >= 0")
        # AsyncLimiter(1, 1/rate) is a leaky bucket of size 1: consecutive requests into a chat are at
        # least 1/rate seconds apart, so no second-long window ever holds more than rate + 1 of them.
        self._chat_period = 1 / chat_rate if chat_rate else 0.0
        self._chats: dict[int | str, _ChatSlot] = {}
        self._max_chats = max_chats

    @property
    def chat_rate(self) -> float:
        """Requests per second allowed into one chat (0: no per-chat limit)."""
        return 1 / self._chat_period if self._chat_period else 0.0

    def tracked_chats(self) -> int:
        """How many per-chat limiters are kept right now."""
        return len(self._chats)

    def _slot(self, chat_id: int | str) -> _ChatSlot:
        slot = self._chats.get(chat_id)
        if slot is None:
            if len(self._chats) >= self._max_chats:
                for key in [key for key, known in self._chats.items() if known.idle]:
                    del self._chats[key]
            slot = self._chats[chat_id] = _ChatSlot(AsyncLimiter(1, self._chat_period))
        return slot

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the chat's turn, then let ``AIORateLimiter`` apply its limits and retries."""
        chat_id = data.get("chat_id")
        if not self._chat_period or chat_id is None or data.get("allow_paid_broadcast"):
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # "123" and 123 are the same chat; "@channel" stays a string
        slot = self._slot(chat_id)
        slot.users += 1
        try:
            async with slot.limiter:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        finally:
            slot.users -= 1


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (the user for chat-less updates); None: no order to keep."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Different chats concurrently, one chat strictly in order.

    The first update of an idle chat is processed at once and its task then also runs every update of
    that chat that arrives meanwhile, oldest first; those later updates just join the chat's queue and
    return. So a reply never overtakes an earlier one of the same chat, a follow-up question sees the
    context of the one before, and a flooding chat takes one of the ``max_concurrent_updates`` slots
    (which bound the chats processed at once), not one per queued message.
    """

    __slots__ = ("_queues",)

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_CHATS) -> None:
        super().__init__(max_concurrent_updates)
        self._queues: dict[int, deque[Awaitable[Any]]] = {}  # only chats with work in progress

    def busy_chats(self) -> int:
        """How many chats have an update in progress."""
        return len(self._queues)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        queue = self._queues.get(key)
        if queue is not None:  # the chat's running task will get to it
            queue.append(coroutine)
            return
        queue = self._queues[key] = deque([coroutine])
        try:
            while queue:
                try:
                    await queue.popleft()
                except Exception:
                    log.exception("processing an update failed")
        finally:
            del self._queues[key]
            for left in queue:  # only when cancelled: don't leave never-awaited coroutines behind
                if inspect.iscoroutine(left):
                    left.close()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: the application waits for running updates before shutting down."""


__all__ = ["ChatOrderedProcessor", "ChatRateLimiter", "chat_key"]
