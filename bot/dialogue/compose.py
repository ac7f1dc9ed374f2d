"""Compose answers from the knowledge base: the renderer an intent's YAML names (``answer``), every figure's
source, disagreements shown openly, and a closing caution."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..knowledge.base import KnowledgeBase
from ..memo import Memo
from ..understanding.intents import Intent
from .calculations import Calculations
from .eligibility import Eligibility
from .listings import Listings
from .slots import Slots
from .writer import Draft

CAUTION = ("⚠️ 以上是根据两份公开资料整理的一般信息，不构成财务建议，也不是借款建议；"
           "实际额度、利率和费用以贷款机构的官方页面和合同为准。")


@dataclass(frozen=True)
class Composed:
    """A composed answer: the phone-first text, the full text when longer, and what Reply carries besides."""

    text: str
    sources: tuple[str, ...]
    detail: str | None = None
    detail_label: str | None = None
    footer: str = ""
    figure: str | None = None

    def fields(self) -> dict[str, Any]:
        """Keyword arguments for ``Reply``."""
        return {"text": self.text, "sources": self.sources, "detail": self.detail,
                "detail_label": self.detail_label, "footer": self.footer, "figure": self.figure}


class Composer(Listings, Eligibility, Calculations):
    """Writes the answer to the questions of one message from the renderers their intents name."""

    CACHE_SIZE = 4096
    # the method writing each ``answer`` an intent's YAML may name besides listing and help; by name, not as
    # bound methods, which would tie the composer to itself in a reference cycle (a replaced engine and its
    # knowledge base would then wait for the garbage collector instead of being freed at once)
    RENDERERS: ClassVar[Mapping[str, str]] = {
        "score_requirement": "_zhima", "conditions": "_eligibility", "maximum": "_max_amount", "rates": "_rates",
        "interest": "_interest", "instalments": "_installment", "overdue": "_overdue", "prepayment": "_prepayment",
        "cooperation": "_cooperation", "overview": "_overview", "comparison": "_compare",
    }

    def __init__(self, kb: KnowledgeBase, intents: Mapping[str, Intent]) -> None:
        super().__init__(kb)
        self.intents = intents
        self._memo: Memo[tuple[object, ...], Composed] = Memo(self.CACHE_SIZE)

    def compose_many(self, intents: tuple[str, ...], products: tuple[str, ...], slots: Slots) -> Composed:
        """One answer to the questions of one message (in the order asked): each part headed by its title when
        there are several, one source line and one caution (memoized: a pure function of its arguments)."""
        return self._memo.get((intents, products, slots), lambda: self._compose(intents, products, slots))

    def covers(self, intent: str, pid: str) -> bool:
        """Whether the intent's topics have facts about ``pid`` (a platform such as 芝麻信用, the banks …)."""
        spec = self.intents[intent]
        return spec.kind == "answer" and bool(self.kb.find_with_related(pid, *spec.topics, *spec.shows))

    def _compose(self, intents: tuple[str, ...], products: tuple[str, ...], slots: Slots) -> Composed:
        drafts: list[tuple[str, Draft]] = []
        for intent in intents:
            spec = self.intents[intent]
            draft = Draft()
            if spec.answer == "listing":
                self._listed(spec, products, draft)
            else:  # every other renderer the YAML may name has its method (tests/test_architecture.py)
                render: Callable[[tuple[str, ...], Slots, Draft], None] = getattr(self, self.RENDERERS[spec.answer])
                render(products, slots, draft)
            drafts.append((draft.title or spec.title, draft))
        every = Draft(facts=[f for _, d in drafts for f in d.facts],
                      explained=set().union(*(d.explained for _, d in drafts)))
        warnings = self._conflicts(every)
        sources = self._sources(every)
        footer = ("来源：" + "；".join(sources) + "\n\n" if sources else "") + CAUTION
        full: list[str] = []
        short: list[str] = []
        for title, draft in drafts:
            header = [f"〔{title}〕"] if len(drafts) > 1 else []
            full += header + draft.head + draft.lines
            short += header + draft.head + (draft.lines if draft.brief is None else draft.brief)
        full += warnings
        short += warnings
        detail = None if short == full else "\n".join(full) + "\n\n" + footer
        label = next((d.label for _, d in drafts if d.brief is not None), drafts[0][1].label)
        figure = next((d.figure for _, d in drafts if d.figure), None)
        return Composed("\n".join(short) + "\n\n" + footer, tuple(sources), detail,
                        label if detail else None, footer, figure)

    def _conflicts(self, draft: Draft) -> list[str]:
        seen: set[str] = set()
        lines = []
        for conflict in self.kb.conflicts_for(draft.facts):
            if conflict.kind in ("disagreement", "rate_mismatch") and conflict.id not in seen | draft.explained:
                seen.add(conflict.id)
                lines.append(f"⚠️ {self.name(conflict.product)}：{conflict.text}")
        return lines

    def _sources(self, draft: Draft) -> list[str]:
        out: list[str] = []
        for fact in draft.facts:
            cite = self.kb.cite(fact.source)
            if cite not in out:
                out.append(cite)
        return out
