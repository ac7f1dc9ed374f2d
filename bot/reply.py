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

    ``text`` is plain text (newlines allowed, no markup): adapters escape it. It is the phone-first
    version: the answer in its first line or two, then a few short lines. ``detail`` is the full version
    (every method, bound, formula and condition) when there is more to show, offered behind a button
    labelled ``detail_label``. ``footer`` (sources and caution) ends both texts, so an adapter may set it
    apart. ``figure`` is an ASCII spec of a chart/CSV the answer can be drawn as (see ``bot.figures``).
    """

    text: str
    kind: ReplyKind
    intent: str | None = None
    products: tuple[str, ...] = ()
    confidence: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    sources: tuple[str, ...] = field(default_factory=tuple)
    also: tuple[str, ...] = ()  # further intents answered in the same reply (a message that asks two things)
    detail: str | None = None
    detail_label: str | None = None
    footer: str = ""
    figure: str | None = None

    @property
    def full(self) -> str:
        """The full version: ``detail`` when there is one, else ``text``."""
        return self.detail or self.text

    def body(self, full: bool = False) -> tuple[str, str]:
        """(the text without its footer, the footer) of the short or full version."""
        text = self.full if full else self.text
        if self.footer and text.endswith(self.footer):
            return text[:-len(self.footer)].rstrip("\n"), self.footer
        return text, ""

    def prompt(self) -> str:
        """The text without the "• option" lines that repeat the suggestions (adapters list those once)."""
        labels = {f"• {s.label}" for s in self.suggestions}
        return "\n".join(line for line in self.text.split("\n") if line not in labels)

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
            "detail": self.detail,
            "figure": self.figure,
        }
