"""Typed, immutable records validated from YAML data: frozen dataclasses whose annotations say what they accept.

What the knowledge and intent files need, and no more: text (stripped), bool, int, Decimal, None, Literal,
``tuple[T, ...]``, nested records, a union of records told apart by their ``type`` field, and per-field limits
(``rule``). ``Record.parse`` reports every problem of an entry with its path, in Chinese, for the admins who
edit the files. It replaces pydantic, whose import and model building cost ~0.15 s of every start
(benchmarks/: cold start) for the ~300 entries these files hold.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Literal, TypeVar, Union, dataclass_transform

R = TypeVar("R", bound="Record")
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One problem of an entry: where (field path) and what (Chinese)."""

    loc: Loc
    message: str


class RecordError(ValueError):
    """An entry that is not a valid record: all its problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, p.loc))}: {p.message}" for p in problems))
        self.problems = problems


def rule(*, default: Any = dataclasses.MISSING, ge: int | None = None, gt: int | None = None,
         le: int | None = None, min_length: int | None = None, max_length: int | None = None,
         pattern: str | None = None) -> Any:
    """A field with limits: numbers ``ge`` / ``gt`` / ``le``; text and lists ``min_length`` / ``max_length``;
    text ``pattern`` (a regular expression the stripped text must match)."""
    limits = {k: v for k, v in (("ge", ge), ("gt", gt), ("le", le), ("min_length", min_length),
                                ("max_length", max_length), ("pattern", pattern)) if v is not None}
    return dataclasses.field(default=default, metadata={"limits": limits})


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(rule,))
def record(cls: type[R]) -> type[R]:
    """Make ``cls`` (a ``Record`` subclass) a frozen, keyword-only dataclass."""
    return dataclass(frozen=True, kw_only=True)(cls)


class Record:
    """Base of the records: ``parse`` from YAML data, ``dump`` back to plain values, ``check`` across fields."""

    _fields: ClassVar[tuple[_Field, ...] | None] = None

    @classmethod
    def parse(cls: type[R], data: Any) -> R:
        """The record of ``data`` (a mapping); raises RecordError listing every problem."""
        problems: list[Problem] = []
        value = _parse_record(cls, data, (), problems)
        if problems or value is _BAD:
            raise RecordError(problems)
        return typing.cast(R, value)

    def check(self) -> list[Problem]:
        """Problems across fields, once every field is valid (none by default)."""
        return []

    def dump(self, mode: Literal["python", "json"] = "python", exclude_none: bool = False) -> dict[str, Any]:
        """The fields as plain values: nested records as dicts; in ``json`` mode lists and Decimal as text."""
        values = ((f.name, getattr(self, f.name)) for f in _fields_of(type(self)))
        return {name: _dump(value, mode, exclude_none) for name, value in values
                if not (exclude_none and value is None)}

    def fingerprint(self) -> str:
        """A short digest of the content (reload reports tell what changed by it)."""
        blob = json.dumps(self.dump("json"), ensure_ascii=False, sort_keys=True)
        return hashlib.sha1(blob.encode()).hexdigest()[:12]


# ---------------------------------------------------------------- internals

_BAD: Any = object()  # a value that failed (its problems are recorded)
_TRUE = {"true", "yes", "on", "y", "t", "1"}
_FALSE = {"false", "no", "off", "n", "f", "0"}
Convert = Callable[[Any, Loc, list[Problem]], Any]


@dataclass(frozen=True)
class _Field:
    name: str
    convert: Convert
    required: bool
    limits: dict[str, Any]


def _dump(value: Any, mode: str, exclude_none: bool) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Record):
        return value.dump(mode, exclude_none)  # type: ignore[arg-type]  # mode is one of the two
    if isinstance(value, tuple):
        items = [_dump(v, mode, exclude_none) for v in value]
        return items if mode == "json" else tuple(items)
    if isinstance(value, Decimal) and mode == "json":
        return str(value)
    return value


def _fields_of(cls: type[Record]) -> tuple[_Field, ...]:
    """The fields of ``cls`` with their converters, in order (built at first use: importing the models stays
    cheap; then looked up once per class, as ``dump`` runs for every entry)."""
    fields = cls.__dict__.get("_fields")
    if fields is None:
        hints = typing.get_type_hints(cls)
        fields = tuple(_Field(f.name, _converter(hints[f.name]),
                              f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
                              dict(f.metadata.get("limits", {})))
                       for f in dataclasses.fields(cls))  # type: ignore[arg-type]  # a Record dataclass
        cls._fields = fields
    return fields


def _parse_record(cls: type[Record], data: Any, loc: Loc, problems: list[Problem]) -> Any:
    if not isinstance(data, dict):
        problems.append(Problem(loc, f"应是一个映射（字段: 值），得到 {data!r}"))
        return _BAD
    fields = _fields_of(cls)
    known = {f.name for f in fields}
    values: dict[str, Any] = {}
    before = len(problems)
    for key in data:
        if key not in known:
            problems.append(Problem((*loc, key), "未知字段（拼写错误？）"))
    for f in fields:
        if f.name not in data:
            if f.required:
                problems.append(Problem((*loc, f.name), "缺少必填字段"))
            continue
        value = f.convert(data[f.name], (*loc, f.name), problems)
        if value is not _BAD and value is not None:
            for problem in _limits(value, f.limits):
                problems.append(Problem((*loc, f.name), problem))
        if value is not _BAD:
            values[f.name] = value
    if len(problems) > before:
        return _BAD
    made = cls(**values)
    problems.extend(Problem((*loc, *p.loc), p.message) for p in made.check())
    return made if len(problems) == before else _BAD


def _limits(value: Any, limits: dict[str, Any]) -> Iterator[str]:
    if "ge" in limits and value < limits["ge"]:
        yield f"应不小于 {limits['ge']}（得到 {value}）"
    if "gt" in limits and value <= limits["gt"]:
        yield f"应大于 {limits['gt']}（得到 {value}）"
    if "le" in limits and value > limits["le"]:
        yield f"应不大于 {limits['le']}（得到 {value}）"
    if "min_length" in limits and len(value) < limits["min_length"]:
        yield f"至少要 {limits['min_length']} {_unit(value)}（得到 {len(value)}）"
    if "max_length" in limits and len(value) > limits["max_length"]:
        yield f"最多 {limits['max_length']} {_unit(value)}（得到 {len(value)}）"
    if "pattern" in limits and not re.search(limits["pattern"], value):
        yield f"格式不对（应符合 {limits['pattern']}），得到 {value!r}"


def _unit(value: Any) -> str:
    return "个字" if isinstance(value, str) else "条"


def _converter(tp: Any) -> Convert:
    """A function checking and converting one YAML value to ``tp``."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (Union, types.UnionType):
        return _union(args)
    if origin is Literal:
        return _literal(args)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _tuple(_converter(args[0]))
    if isinstance(tp, type) and issubclass(tp, Record):
        return lambda value, loc, problems: _parse_record(tp, value, loc, problems)
    simple = {str: _text, bool: _bool, int: _int, Decimal: _decimal}.get(tp)
    if simple is None:
        raise TypeError(f"records: no converter for {tp!r}")
    return simple


def _text(value: Any, loc: Loc, problems: list[Problem]) -> Any:
    if isinstance(value, str):
        return value.strip()
    problems.append(Problem(loc, f"应是文字（得到 {value!r}）"))
    return _BAD


def _bool(value: Any, loc: Loc, problems: list[Problem]) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    problems.append(Problem(loc, f"应是 true 或 false（得到 {value!r}）"))
    return _BAD


def _int(value: Any, loc: Loc, problems: list[Problem]) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    problems.append(Problem(loc, f"不是数字（得到 {value!r}）" if not isinstance(value, float)
                            else f"应是整数（得到 {value!r}）"))
    return _BAD


def _decimal(value: Any, loc: Loc, problems: list[Problem]) -> Any:
    if isinstance(value, (int, float, str, Decimal)) and not isinstance(value, bool):
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            return number
    problems.append(Problem(loc, f"不是数字（得到 {value!r}）"))
    return _BAD


def _literal(options: tuple[Any, ...]) -> Convert:
    allowed = "、".join(repr(o) for o in options)

    def convert(value: Any, loc: Loc, problems: list[Problem]) -> Any:
        for option in options:
            if value == option and type(value) is type(option):
                return option
        problems.append(Problem(loc, f"取值 {value!r} 不允许（可选：{allowed}）"))
        return _BAD

    return convert


def _tuple(item: Convert) -> Convert:
    def convert(value: Any, loc: Loc, problems: list[Problem]) -> Any:
        if not isinstance(value, (list, tuple)):
            problems.append(Problem(loc, f"应是一个列表（得到 {value!r}）"))
            return _BAD
        items = [item(v, (*loc, i), problems) for i, v in enumerate(value)]
        return _BAD if any(v is _BAD for v in items) else tuple(items)

    return convert


def _union(args: tuple[Any, ...]) -> Convert:
    """``T | None``, or records told apart by their ``type`` field (``Literal`` of one tag each)."""
    optional = type(None) in args
    rest = [a for a in args if a is not type(None)]
    if len(rest) == 1:
        inner = _converter(rest[0])
        return lambda value, loc, problems: None if value is None and optional else inner(value, loc, problems)
    tags: dict[str, type[Record]] = {}
    for cls in rest:
        hint = typing.get_type_hints(cls)["type"]
        for tag in typing.get_args(hint):
            tags[tag] = cls
    names = ", ".join(sorted(tags))

    def convert(value: Any, loc: Loc, problems: list[Problem]) -> Any:
        if value is None and optional:
            return None
        if not isinstance(value, dict):
            problems.append(Problem(loc, f"应是一个映射（字段: 值），得到 {value!r}"))
            return _BAD
        if "type" not in value:
            problems.append(Problem((*loc, "type"), f"缺少必填字段（可选：{names}）"))
            return _BAD
        cls = tags.get(value["type"]) if isinstance(value["type"], str) else None
        if cls is None:
            problems.append(Problem(loc, f"未知的类型 {value['type']!r}（可选：{names}）"))
            return _BAD
        return _parse_record(cls, value, loc, problems)

    return convert
