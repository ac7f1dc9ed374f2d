"""The loaded knowledge base: immutable, indexed, with provenance for every fact."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from .models import (
    Conflict,
    Fact,
    FeeRule,
    Money,
    MoneyRange,
    PrepaymentRule,
    Product,
    Rate,
    RateRange,
    Source,
    SourceRef,
)

HUNDRED = Decimal(100)
# Topics whose facts also come from a product's related platforms (借呗 ← 芝麻信用).
SHARED_TOPICS = frozenset({"anti_fraud", "credit_dimension", "cooperation"})


@dataclass(frozen=True)
class KnowledgeBase:
    """Sources, products, facts and conflicts; look-ups by product and topic."""

    sources: tuple[Source, ...]
    products: tuple[Product, ...]
    facts: tuple[Fact, ...]
    conflicts: tuple[Conflict, ...]
    _by_topic: Mapping[tuple[str, str], tuple[Fact, ...]] = field(init=False, repr=False, compare=False)
    _products: Mapping[str, Product] = field(init=False, repr=False, compare=False)
    _sources: Mapping[str, Source] = field(init=False, repr=False, compare=False)
    _facts: Mapping[str, Fact] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_topic: dict[tuple[str, str], list[Fact]] = {}
        for fact in self.facts:
            by_topic.setdefault((fact.product, fact.topic), []).append(fact)
        object.__setattr__(self, "_by_topic", MappingProxyType({k: tuple(v) for k, v in by_topic.items()}))
        object.__setattr__(self, "_products", MappingProxyType({p.id: p for p in self.products}))
        object.__setattr__(self, "_sources", MappingProxyType({s.id: s for s in self.sources}))
        object.__setattr__(self, "_facts", MappingProxyType({f.id: f for f in self.facts}))

    # ---- look-ups
    def product(self, product_id: str) -> Product:
        return self._products[product_id]

    def has_product(self, product_id: str) -> bool:
        return product_id in self._products

    @property
    def loan_products(self) -> tuple[Product, ...]:
        return tuple(p for p in self.products if p.kind == "loan")

    def fact(self, fact_id: str) -> Fact:
        return self._facts[fact_id]

    def find(self, product: str, *topics: str) -> tuple[Fact, ...]:
        """Facts about ``product`` on any of ``topics``, in file order."""
        return tuple(f for t in topics for f in self._by_topic.get((product, t), ()))

    def find_with_related(self, product: str, *topics: str) -> tuple[Fact, ...]:
        """``find``, plus the facts of the product's related platforms on the topics they share
        (借呗's anti-fraud facts include 芝麻信用's)."""
        own = self.find(product, *topics)
        shared = [t for t in topics if t in SHARED_TOPICS]
        if shared and self.has_product(product):
            for related in self.product(product).related:
                own += self.find(related, *shared)
        return own

    def first(self, product: str, topic: str) -> Fact | None:
        """The first fact about ``product`` on ``topic`` (a threshold, a rule), or None."""
        facts = self.find(product, topic)
        return facts[0] if facts else None

    def daily_rates(self, product: str) -> tuple[list[Decimal], list[Fact]]:
        """The daily rate(s) as fractions (one for a fixed rate, two for a range) and the facts stating them."""
        return self._rates(product, "daily_rate")

    def annual_rates(self, product: str) -> tuple[list[Decimal], list[Fact]]:
        """The stated annual rate(s) as fractions (one, or both ends of a range) and the facts stating them."""
        return self._rates(product, "annual_rate")

    def _rates(self, product: str, topic: str) -> tuple[list[Decimal], list[Fact]]:
        facts = list(self.find(product, topic))
        if not facts:
            return [], []
        value = facts[0].value
        if isinstance(value, RateRange):
            return [value.min_percent / HUNDRED, value.max_percent / HUNDRED], facts
        assert isinstance(value, Rate)
        return [value.percent / HUNDRED], facts

    def maximum(self, product: str) -> tuple[Decimal | None, list[Fact]]:
        """The highest stated amount for a product across documents, with the facts that state maxima (a tier's
        upper end counts when a conflict ties it to the stated maximum)."""
        facts = list(self.find(product, "max_amount"))
        values = [f.value.yuan for f in facts if isinstance(f.value, Money)]
        for conflict in self.conflicts_for(facts):
            for fid in conflict.facts:
                fact = self.fact(fid)
                if isinstance(fact.value, MoneyRange) and fact not in facts:
                    facts.append(fact)
                    values.append(fact.value.max_yuan)
        return (max(values) if values else None), facts

    def prepayment_rule(self, product: str) -> PrepaymentRule | None:
        """``free`` / ``remaining_days_interest``: how an early repayment is charged, or None when not stated."""
        fact = self.first(product, "prepayment_fee")
        return fact.value.rule if fact is not None and isinstance(fact.value, FeeRule) else None

    def conflicts_for(self, facts: Iterable[Fact]) -> tuple[Conflict, ...]:
        """Conflicts that involve any of ``facts``."""
        ids = {f.id for f in facts}
        return tuple(c for c in self.conflicts if ids & set(c.facts))

    # ---- provenance
    def cite(self, ref: SourceRef) -> str:
        """Human-readable citation: ``《微信芝麻信用怎么贷款》第二节“核心贷款产品对比分析”``."""
        source = self._sources[ref.doc]
        title = source.section_title(ref.section) or ref.section
        if ref.section == "导言":
            return f"{source.title}导言"
        return f"{source.title}第{ref.section}节“{title}”"

    def source(self, doc: str) -> Source:
        return self._sources[doc]

    # ---- change tracking (for /reload reports)
    def catalog(self) -> dict[str, str]:
        """Key → short content fingerprint for every fact, product and conflict."""
        out: dict[str, str] = {}
        for kind, items in (("fact", self.facts), ("product", self.products), ("conflict", self.conflicts)):
            for item in items:
                out[f"{kind}:{item.id}"] = item.fingerprint()
        return out
