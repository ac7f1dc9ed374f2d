"""The loaded knowledge base: immutable, indexed, with provenance for every fact."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .models import Conflict, Fact, Product, Source, SourceRef


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
                blob = json.dumps(item.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
                out[f"{kind}:{item.id}"] = hashlib.sha1(blob.encode()).hexdigest()[:12]
        return out
