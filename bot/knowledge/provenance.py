"""Provenance check: every number in the knowledge base appears in the document section it cites."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path

from ..text.numbers import numbers_in
from .base import KnowledgeBase
from .loader import origins
from .models import Fact, Stars

_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+)、\s*(\S.*?)\s*$")
INTRO = "导言"


def split_sections(text: str) -> dict[str, tuple[str, str]]:
    """Section key → (heading title, body); text before the first numbered heading is 导言."""
    sections: dict[str, tuple[str, list[str]]] = {INTRO: (INTRO, [])}
    current = INTRO
    for line in unicodedata.normalize("NFKC", text).splitlines():
        match = _HEADING.match(line)
        if match:
            current = match.group(1)
            sections[current] = (match.group(2), [])
        else:
            sections[current][1].append(line)
    return {key: (title, "\n".join(body)) for key, (title, body) in sections.items()}


def fact_numbers(fact: Fact) -> list[tuple[str, Decimal]]:
    """(where, number) for every figure of a fact: its typed value fields and the digits in its text."""
    out: list[tuple[str, Decimal]] = []
    if not isinstance(fact.value, Stars):  # star counts are glyphs in the documents, not digits
        for name, value in fact.value.dump().items():
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                out.append((f"value.{name}", Decimal(value).normalize()))
    for number in sorted(numbers_in(unicodedata.normalize("NFKC", fact.text), chinese=False)):
        out.append(("text", number))
    return out


def check_provenance(kb: KnowledgeBase, docs_dir: Path, knowledge_dir: Path | None = None) -> list[str]:
    """Problems found; empty when every figure is found in its cited section of the documents.

    With ``knowledge_dir`` each problem names the file and entry that holds the fact.
    """
    where = origins(sorted(knowledge_dir.glob("*.yaml"))) if knowledge_dir else (lambda k, i: f"{k} ({i})")
    problems: list[str] = []
    sections: dict[str, dict[str, tuple[str, str]]] = {}
    for source in kb.sources:
        path = docs_dir / source.file
        if not path.is_file():
            problems.append(f"sources: {source.id}: 在 {docs_dir} 中找不到资料文件 {source.file}")
            continue
        sections[source.id] = split_sections(path.read_text(encoding="utf-8"))
        for section in source.sections:
            found = sections[source.id].get(section.key)
            if found is None:
                problems.append(f"sources: {source.id}: 资料中没有第{section.key}节")
            elif section.key != INTRO and found[0] != section.title:
                problems.append(f"sources: {source.id}: 第{section.key}节标题是“{found[0]}”，不是“{section.title}”")
    numbers_cache: dict[tuple[str, str], set[Decimal]] = {}
    for fact in kb.facts:
        doc = sections.get(fact.source.doc)
        if doc is None or fact.source.section not in doc:
            continue
        key = (fact.source.doc, fact.source.section)
        if key not in numbers_cache:
            numbers_cache[key] = numbers_in(doc[fact.source.section][1])
        file = kb.source(fact.source.doc).file
        for field, number in fact_numbers(fact):
            if number not in numbers_cache[key]:
                problems.append(f"{where('facts', fact.id)}: {field}: 数字 {number:f} 在 {file} "
                                f"第{fact.source.section}节中找不到")
    return problems
