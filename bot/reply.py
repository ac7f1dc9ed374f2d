"""The one structured result the engine hands to every adapter (Telegram, console, ``ask --json``)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# uncovered: a recognised topic the documents do not answer (``intent`` names it); said plainly, with the channel.
ReplyKind = Literal["answer", "clarify", "suggest", "not_understood", "uncovered", "smalltalk", "invalid"]


@dataclass(frozen=True)
class Suggestion:
    """A question the user may have meant; adapters show it as a button.

    ``intent`` and ``product`` are short ASCII ids, so an adapter can encode a
    suggestion in Telegram ``callback_data`` (<= 64 bytes) and answer it with
    ``Engine.choose(session, intent, product)``.
    """

    label: str  # Chinese text shown to the user, e.g. "微粒贷的芝麻分要求"
    intent: str
    product: str | None = None


@dataclass(frozen=True)
class Reply:
    """What the bot says, plus what it understood.

    ``text`` is plain text (newlines allowed, no markup): adapters escape it.
    """

    text: str
    kind: ReplyKind
    intent: str | None = None
    products: tuple[str, ...] = ()
    confidence: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    sources: tuple[str, ...] = field(default_factory=tuple)
    also: tuple[str, ...] = ()  # further intents answered in the same reply (a message that asks two things)

    @property
    def understood(self) -> bool:
        """True when the bot answered or asked back about a recognised intent."""
        return self.intent is not None

    def to_json(self) -> dict[str, Any]:
        """The stable ``ask --json`` shape."""
        return {
            "text": self.text,
            "intent": self.intent,
            "products": list(self.products),
            "confidence": round(self.confidence, 4),
            "suggestions": [asdict(s) for s in self.suggestions],
            "sources": list(self.sources),
            "kind": self.kind,
            "also": list(self.also),
        }
