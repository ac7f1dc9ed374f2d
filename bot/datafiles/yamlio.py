"""Read YAML the way the data files need it: decimals stay exact, errors name file, line and column."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import KnowledgeError

# libyaml's parser (shipped in PyYAML's wheels) is ~10x faster than the pure-Python one: it keeps /reload
# well under half a second. Same safe constructors, same error marks.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DecimalLoader(_SafeLoader):  # type: ignore[misc, valid-type]  # a base chosen at run time
    """SafeLoader that reads YAML floats as Decimal, so 0.05 stays 0.05 (not 0.05000000000000000277)."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def display_path(path: Path) -> str:
    """``knowledge/weilidai.yaml``: the folder and file name, as an admin knows them."""
    return f"{path.parent.name}/{path.name}"


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse one file into a mapping; malformed YAML raises KnowledgeError with line and column."""
    where = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{where}: 无法读取文件 ({exc.__class__.__name__}: {exc})") from exc
    try:
        data = yaml.load(text, Loader=_DecimalLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else "未知位置"
        problem = getattr(exc, "problem", None) or str(exc)
        start = getattr(exc, "context_mark", None)  # where the unfinished construct began ("[unclosed" …)
        if start is not None and mark is not None and start.line != mark.line:
            context = getattr(exc, "context", None) or ""
            problem += f"（{context.replace('while parsing', '始于')} 第{start.line + 1}行第{start.column + 1}列）"
        raise KnowledgeError(f"{where}: {place}: YAML格式错误: {problem}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KnowledgeError(f"{where}: 顶层应是一个映射（key: value），实际是 {type(data).__name__}")
    return data


MAX_NODES = 100_000  # nodes after expanding aliases: the shipped files have a few thousand
MAX_DEPTH = 64


class _Bomb(Exception):
    pass


def yaml_bomb(text: str, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> str | None:
    """Why ``text`` must not be parsed (aliases that expand hugely or refer to themselves, nesting too deep), or
    None. Malformed YAML is not judged here: ``read_yaml`` reports it with line and column."""
    try:
        root = yaml.compose(text, Loader=_SafeLoader)  # aliases stay shared nodes: nothing is expanded here
    except RecursionError:
        return f"嵌套太深（超过 {max_depth} 层）"
    except yaml.YAMLError:
        return None
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        if depth > max_depth:
            raise _Bomb(f"嵌套太深（超过 {max_depth} 层）")
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise _Bomb("别名（*引用）指向了包含它自己的节点")
        open_nodes.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        total = 1 + sum(size(child, depth + 1) for child in children)
        open_nodes.discard(key)
        if total > max_nodes:
            raise _Bomb(f"别名（&锚点 / *引用）展开后超过 {max_nodes} 个节点")
        sizes[key] = total
        return total

    if root is None:
        return None
    try:
        size(root, 0)
    except _Bomb as bomb:
        return str(bomb)
    except RecursionError:
        return f"嵌套太深（超过 {max_depth} 层）"
    return None
