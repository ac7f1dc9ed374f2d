"""Per-session dialogue context so follow-ups ("那借呗呢", "如果借2万呢", "60天呢") work."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..understanding.slots import SlotValues

CONTEXT_TTL_SECONDS = 30 * 60
USER_FACTS = ("amount", "score", "rate")  # what the user said of their own: kept through questions that take none
LOAN_FACTS = ("rate",)  # … of which these belong to the loan of the products asked then (借呗's rate is not 微粒贷's)
_PERSON_FACTS = tuple(n for n in USER_FACTS if n not in LOAN_FACTS)
MAX_SESSIONS = 100_000


@dataclass(frozen=True)
class Context:
    """What the conversation is about: the last intent and its slots."""

    intent: str | None = None
    products: tuple[str, ...] = ()
    slots: SlotValues = SlotValues()
    suggestions: tuple[tuple[str, str | None], ...] = field(default=())  # (intent, product) offered last

    def with_(self, **changes: Any) -> Context:
        return replace(self, **changes)

    def facts_for(self, products: tuple[str, ...]) -> tuple[str, ...]:
        """The user's facts (USER_FACTS) that carry to a question about ``products``: all of them while the
        products stay; a loan's own (LOAN_FACTS: its rate) not to another product's question."""
        return USER_FACTS if set(products) == set(self.products) else _PERSON_FACTS

    def answered(self, intent: str, products: tuple[str, ...], slots: SlotValues) -> Context:
        """The context after an answer: its intent, products and slots, and the user's facts from before that
        the answer took none of ("我想借两万", "哪个利息低", "借呗用两个月呢": the 2万 is still the amount). A term
        stays only with the intent that used it: "WE2000日利率多少" long after "借1万用30天" asks the rate, not the
        interest of 30 days."""
        before = self.slots
        kept = {n: getattr(before, n) for n in self.facts_for(products)
                if getattr(slots, n) is None and getattr(before, n) is not None}
        return replace(self, intent=intent, products=products, slots=replace(slots, **kept) if kept else slots)


class SessionStore:
    """Contexts by session id; a context expires 30 minutes after its last message. Thread-safe, bounded."""

    def __init__(self, ttl: float = CONTEXT_TTL_SECONDS, clock: Callable[[], float] = time.monotonic,
                 max_sessions: int = MAX_SESSIONS) -> None:
        self.ttl = ttl
        self.clock = clock
        self.max_sessions = max_sessions
        self._items: OrderedDict[str, tuple[float, Context]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: str) -> Context:
        """The live context of ``session`` (empty when new or expired)."""
        with self._lock:
            item = self._items.get(session)
            if item is None or self.clock() - item[0] > self.ttl:
                self._items.pop(session, None)
                return Context()
            return item[1]

    def put(self, session: str, context: Context) -> None:
        with self._lock:
            self._items[session] = (self.clock(), context)
            self._items.move_to_end(session)
            while len(self._items) > self.max_sessions:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
