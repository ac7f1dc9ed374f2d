"""Load and validate knowledge/*.yaml into a KnowledgeBase; every problem is reported, not just the first."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from ..datafiles.errors import KnowledgeError
from ..datafiles.records import Record, RecordError
from ..datafiles.validation import describe
from ..datafiles.yamlio import display_path, read_yaml
from ..text.normalize import fold
from ..text.numbers import numbers_in
from .base import KnowledgeBase
from .models import Conflict, Fact, Product, Rate, RateRange, Source

M = TypeVar("M", bound=Record)

# Which top-level keys a knowledge file may hold, and the model of their entries.
_SECTIONS: dict[str, type[Record]] = {"sources": Source, "products": Product, "facts": Fact, "conflicts": Conflict}
# How far apart (in percentage points) a stated annual rate may be from daily × basis.
_BASIS_TOLERANCE = Decimal("0.01")


def load_knowledge(directory: Path) -> KnowledgeBase:
    """Read every ``*.yaml`` in ``directory``; raise KnowledgeError listing all problems."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise KnowledgeError(f"{directory}: 没有找到任何 .yaml 知识文件")
    problems: list[str] = []
    parsed: dict[str, list[Record]] = {key: [] for key in _SECTIONS}
    for path in files:
        try:
            data = read_yaml(path)
        except KnowledgeError as exc:
            problems.extend(exc.problems)
            continue
        _parse_file(path, data, parsed, problems)
    kb = KnowledgeBase(
        sources=_entries(parsed["sources"], Source),
        products=_entries(parsed["products"], Product),
        facts=_entries(parsed["facts"], Fact),
        conflicts=_entries(parsed["conflicts"], Conflict),
    )
    if not problems:
        problems.extend(cross_check(kb, origins(files)))
    if problems:
        raise KnowledgeError(problems)
    return kb


def _parse_file(path: Path, data: dict[str, Any], parsed: dict[str, list[Record]], problems: list[str]) -> None:
    where = display_path(path)
    for key, entries in data.items():
        model = _SECTIONS.get(key)
        if model is None:
            problems.append(f"{where}: 未知的顶层字段 {key!r}（可选：{', '.join(_SECTIONS)}）")
            continue
        if not isinstance(entries, list):
            problems.append(f"{where}: {key} 应是一个列表")
            continue
        for index, item in enumerate(entries):
            entry = _validate(model, item, f"{where}: {key}[{index}]", problems)
            if entry is not None:
                parsed[key].append(entry)


def _entries(parsed: list[Record], model: type[M]) -> tuple[M, ...]:
    """The entries of one section, typed as its model (each was validated by that model)."""
    return tuple(entry for entry in parsed if isinstance(entry, model))


def _validate(model: type[M], item: Any, where: str, problems: list[str]) -> M | None:
    try:
        return model.parse(item)
    except RecordError as exc:
        problems.extend(describe(exc, where, item))
        return None


def origins(files: list[Path]) -> Callable[[str, str], str]:
    """A function naming the file that defines an entry id, for cross-check messages. The files are read
    again only when a message needs a name (most loads have no problem: a start or a reload reads them once)."""
    index: dict[tuple[str, str], str] | None = None

    def where(key: str, ident: str) -> str:
        nonlocal index
        if index is None:
            index = {}
            for path in files:
                try:
                    data = read_yaml(path)
                except KnowledgeError:
                    continue
                for section, entries in data.items():
                    for i, item in enumerate(entries if isinstance(entries, list) else []):
                        if isinstance(item, dict) and "id" in item:
                            index.setdefault((section, str(item["id"])),
                                             f"{display_path(path)}: {section}[{i}] ({item['id']})")
        return index.get((key, ident), f"{key} {ident}")

    return where


def cross_check(kb: KnowledgeBase, where: Callable[[str, str], str]) -> list[str]:
    """Checks across files: references resolve, ids and aliases are unique, recorded arithmetic holds."""
    problems: list[str] = []
    problems += _unique_ids("sources", [s.id for s in kb.sources], where)
    problems += _unique_ids("products", [p.id for p in kb.products], where)
    problems += _unique_ids("facts", [f.id for f in kb.facts], where)
    problems += _unique_ids("conflicts", [c.id for c in kb.conflicts], where)
    product_ids = {p.id for p in kb.products}
    docs = {s.id: s for s in kb.sources}

    seen_alias: dict[str, str] = {}
    for product in kb.products:
        for ref in (product.platform, *product.related):
            if ref and ref not in product_ids:
                problems.append(f"{where('products', product.id)}: platform/related: 未知产品 {ref!r}")
        for alias in (product.name, *product.aliases):
            key = fold(alias).replace(" ", "")
            owner = seen_alias.get(key)
            if owner is not None and owner != product.id:
                problems.append(f"{where('products', product.id)}: aliases: 别名 {alias!r} 与产品 {owner} 重复")
            seen_alias[key] = product.id

    for fact in kb.facts:
        if fact.product not in product_ids:
            problems.append(f"{where('facts', fact.id)}: product: 未知产品 {fact.product!r}"
                            f"（已知：{', '.join(sorted(product_ids))}）")
        source = docs.get(fact.source.doc)
        if source is None:
            problems.append(f"{where('facts', fact.id)}: source.doc: 未知资料 {fact.source.doc!r}"
                            f"（已知：{', '.join(sorted(docs))}）")
        elif source.section_title(fact.source.section) is None:
            problems.append(f"{where('facts', fact.id)}: source.section: "
                            f"资料 {source.id} 没有 {fact.source.section!r} 这一节")

    facts = {f.id: f for f in kb.facts}
    for conflict in kb.conflicts:
        missing = [fid for fid in conflict.facts if fid not in facts]
        if missing:
            problems.append(f"{where('conflicts', conflict.id)}: facts: 未知事实 {', '.join(missing)}")
            continue
        problems += _check_arithmetic(conflict, [facts[fid] for fid in conflict.facts], where)
        problems += _check_figures(conflict, [facts[fid] for fid in conflict.facts], where)
    return problems


# A conflict text may name the day bases it converts with, besides the figures of its facts.
_DAY_BASES = (Decimal(360), Decimal(365))


def _check_figures(conflict: Conflict, facts: list[Fact], where: Callable[[str, str], str]) -> list[str]:
    """Every figure in a conflict's text is a figure of the facts it names (users read this text)."""
    from .provenance import fact_numbers  # provenance imports this module

    allowed = {number for fact in facts for _, number in fact_numbers(fact)} | set(_DAY_BASES)
    stray = sorted(n for n in numbers_in(unicodedata.normalize("NFKC", conflict.text), chinese=False)
                   if n not in allowed)
    if not stray:
        return []
    listed = "、".join(f"{n:f}" for n in stray)
    return [f"{where('conflicts', conflict.id)}: text: "
            f"数字 {listed} 不是所列事实（{', '.join(conflict.facts)}）中的数字"]


def _unique_ids(kind: str, ids: list[str], where: Callable[[str, str], str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for ident in ids:
        if ident in seen:
            out.append(f"{where(kind, ident)}: id: 重复的 id {ident!r}")
        seen.add(ident)
    return out


def _bounds(fact: Fact) -> tuple[Decimal, ...] | None:
    value = fact.value
    if isinstance(value, Rate):
        return (value.percent,)
    if isinstance(value, RateRange):
        return (value.min_percent, value.max_percent)
    return None


class _Later:
    """A string computed when formatted."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], str]) -> None:
        self._make = make

    def __format__(self, spec: str) -> str:
        return format(self._make(), spec)

    def __str__(self) -> str:
        return self._make()


def _check_arithmetic(conflict: Conflict, facts: list[Fact], where: Callable[[str, str], str]) -> list[str]:
    """day_basis: annual ≈ daily × basis; rate_mismatch: annual matches daily × 360 nor × 365."""
    if conflict.kind == "disagreement":
        return []
    daily = next((f for f in facts if f.topic == "daily_rate"), None)
    annual = next((f for f in facts if f.topic == "annual_rate"), None)
    head = _Later(lambda: where("conflicts", conflict.id))  # named only in a message (``origins`` reads files)
    d = None if daily is None else _bounds(daily)
    a = None if annual is None else _bounds(annual)
    if d is None or a is None:
        return [f"{head}: facts: {conflict.kind} 需要一个日利率事实和一个年化利率事实"]
    if len(d) != len(a):
        return [f"{head}: 日利率与年化利率的区间形式不一致"]
    pairs = list(zip(d, a, strict=True))
    if conflict.kind == "day_basis":
        if conflict.basis is None:
            return [f"{head}: basis: day_basis 需要 basis（360 或 365）"]
        bad = [f"{x}%×{conflict.basis}={x * conflict.basis}% ≠ {y}%" for x, y in pairs
               if abs(x * conflict.basis - y) > _BASIS_TOLERANCE]
        return [f"{head}: 按{conflict.basis}天折算不成立：{'; '.join(bad)}"] if bad else []
    matches = [b for b in (360, 365) if all(abs(x * b - y) <= _BASIS_TOLERANCE for x, y in pairs)]
    return [f"{head}: 记录为不一致，但按{matches[0]}天折算是一致的"] if matches else []
