"""Turn a record's validation problems into one readable line per problem."""
from __future__ import annotations

from typing import Any

from .records import Loc, RecordError


def _place(loc: Loc) -> str:
    parts: list[str] = []
    for item in loc:
        parts.append(f"[{item}]" if isinstance(item, int) else (("." if parts else "") + str(item)))
    return "".join(parts) or "(整个条目)"


def describe(error: RecordError, where: str, item: dict[str, Any] | Any) -> list[str]:
    """One line per problem: ``file: entry (id): field: problem``."""
    ident = item.get("id") if isinstance(item, dict) else None
    head = f"{where} ({ident})" if ident else where
    return [f"{head}: {_place(p.loc)}: {p.message}" for p in error.problems]
