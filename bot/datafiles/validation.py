"""Turn pydantic validation errors into one readable line per problem."""
from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_VALUE_TAGS = {
    "money", "money_range", "rate", "rate_range", "multiplier", "fee_rule", "months", "score",
    "percent", "quantity", "change", "stars", "text",
}

_NUMBER_ERRORS = {"decimal_parsing", "decimal_type", "float_parsing", "float_type", "int_parsing", "int_type",
                  "int_from_float", "decimal_max_places", "finite_number"}


def _place(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for i, item in enumerate(loc):
        if i > 0 and loc[i - 1] == "value" and item in _VALUE_TAGS:
            continue  # the discriminator pydantic inserts into the path
        parts.append(f"[{item}]" if isinstance(item, int) else (("." if parts else "") + str(item)))
    return "".join(parts) or "(整个条目)"


def _problem(err: ErrorDetails) -> str:
    kind = err["type"]
    got = err.get("input")
    if kind in _NUMBER_ERRORS:
        return f"不是数字（得到 {got!r}）"
    if kind == "extra_forbidden":
        return "未知字段（拼写错误？）"
    if kind == "missing":
        return "缺少必填字段"
    if kind == "union_tag_invalid":
        return f"未知的类型 {err.get('ctx', {}).get('tag')!r}（可选：{', '.join(sorted(_VALUE_TAGS))}）"
    if kind == "literal_error":
        return f"取值 {got!r} 不允许（{err.get('ctx', {}).get('expected', '')}）"
    return f"{err['msg']}（得到 {got!r}）"


def describe(error: ValidationError, where: str, item: dict[str, Any] | Any) -> list[str]:
    """One line per error: ``file: entry (id): field: problem``."""
    ident = item.get("id") if isinstance(item, dict) else None
    head = f"{where} ({ident})" if ident else where
    return [f"{head}: {_place(tuple(e['loc']))}: {_problem(e)}" for e in error.errors()]
