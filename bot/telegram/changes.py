"""The one path every change of knowledge takes (/reload, a learned example, an uploaded file, a rollback):

candidate files → staged folder → build and validate off the event loop (plus provenance against the documents
when BOT_DOCS_DIR is set) → snapshot as the next version (atomically made live) → swap one reference.
Nothing changes when any step fails; the caller gets a ``KnowledgeError`` (or ``ChangeRefused``) to show.
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datafiles.errors import KnowledgeError
from ..knowledge.versions import Files, Version, mirror, read_tree, write_tree
from ..text.normalize import normalize
from ..understanding.intents import PLACEHOLDERS
from .services import EngineLike, Services

log = logging.getLogger(__name__)

RELOAD_SWITCH_INTERVAL = 0.0001  # seconds
MAX_KEYS = 15
MAX_VALUE_CHARS = 80
BASELINE = "机器人启动时的版本"


class ChangeRefused(Exception):
    """A change that is not even a candidate (bad upload name, unknown version...): the message says why."""


@dataclass(frozen=True)
class CatalogDiff:
    """What a change did, by catalog key."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def catalog_diff(old: dict[str, str], new: dict[str, str]) -> CatalogDiff:
    return CatalogDiff(added=tuple(sorted(new.keys() - old.keys())),
                       removed=tuple(sorted(old.keys() - new.keys())),
                       changed=tuple(sorted(k for k in old.keys() & new.keys() if old[k] != new[k])))


def _diff(old: EngineLike, new: EngineLike) -> CatalogDiff:
    """``catalog_diff`` of both engines' catalogs; nothing changed when the new engine took over the old one's
    knowledge base and intents (the same files: ``bot/reuse.py``), without fingerprinting every entry again."""
    kb, intents = getattr(new, "kb", None), getattr(new, "intents", None)
    if kb is not None and intents is not None and kb is getattr(old, "kb", None) \
            and intents is getattr(old, "intents", None):
        return CatalogDiff((), (), ())
    return catalog_diff(old.catalog(), new.catalog())


@dataclass(frozen=True)
class Applied:
    """A change that went live: the new version (None when it could not be saved), the one before, the report."""

    version: Version | None
    previous: int | None
    diff: CatalogDiff
    details: dict[str, str]  # catalog key -> "field: old → new" lines
    warnings: tuple[str, ...]
    engine: EngineLike


@contextlib.contextmanager
def loop_first(interval: float = RELOAD_SWITCH_INTERVAL) -> Iterator[None]:
    """While a rebuild thread runs, hand the GIL back to the event loop sooner (default: every 5 ms), so
    replies are not held up by the rebuild (benchmarks/: reload row)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


# ---------------------------------------------------------------- what changed, old → new
def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _views(engine: EngineLike) -> dict[str, dict[str, Any]]:
    """Catalog key -> the entry's fields as JSON values (empty for engines without a knowledge base)."""
    kb = getattr(engine, "kb", None)
    out: dict[str, dict[str, Any]] = {}
    if kb is not None:
        for kind, items in (("fact", kb.facts), ("product", kb.products), ("conflict", kb.conflicts),
                            ("source", kb.sources)):
            for item in items:
                out[f"{kind}:{item.id}"] = item.dump("json", exclude_none=True)
    for intent in getattr(engine, "intents", ()):
        out[f"intent:{intent.id}"] = intent.dump("json")
    return out


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if isinstance(before, list) and isinstance(after, list):
            added = [x for x in after if x not in before]
            gone = [x for x in before if x not in after]
            parts = ([f"新增 {'、'.join(_short(x) for x in added[:5])}"] if added else []) + \
                    ([f"删除 {'、'.join(_short(x) for x in gone[:5])}"] if gone else [])
            lines.append(f"{name}：{'；'.join(parts) or '顺序变化'}")
        else:
            lines.append(f"{name}：{_short(before) if before is not None else '（无）'} → "
                         f"{_short(after) if after is not None else '（无）'}")
    return lines


def value_details(old: EngineLike, new: EngineLike, diff: CatalogDiff) -> dict[str, str]:
    """For every changed entry, its changed fields as ``field：old → new``."""
    if not diff.changed:
        return {}  # nothing to describe: no need to dump every entry of both engines
    before, after = _views(old), _views(new)
    return {key: "；".join(_field_changes(before[key], after[key]))
            for key in diff.changed if key in before and key in after}


def _filled(example: str, names: list[str]) -> str:
    for placeholder, name in zip(PLACEHOLDERS, names, strict=False):  # a knowledge base may have one product
        example = example.replace(placeholder, name)
    return example


TIE = 0.5  # score points: closer than this, two intents cannot be told apart


def _own_match(candidates: Any, own: str, titles: dict[str, str]) -> str | None:
    """Why a (new) example would not be understood as its own intent, or None when it would."""
    scores = {c.intent: c.score for c in candidates}
    if not candidates or own not in scores or candidates[0].score - scores[own] > TIE:
        got = titles.get(candidates[0].intent, candidates[0].intent) if candidates else "（没有理解）"
        return f"现在被理解为〈{got}〉，不是〈{titles[own]}〉"
    rivals = [titles.get(c.intent, c.intent) for c in candidates if c.intent != own and c.score >= scores[own] - TIE]
    if rivals:
        return f"和〈{rivals[0]}〉的问题一样像，两个意图分不清，不能保证理解为〈{titles[own]}〉"
    return None


@functools.lru_cache(maxsize=1 << 16)
def _empty(text: str) -> bool:
    """``text`` normalizes to nothing (remembered: every change checks every keyword and example again)."""
    return not normalize(text)


def intent_warnings(old: EngineLike, new: EngineLike) -> list[str]:
    """Keywords/examples that normalize to nothing, and examples added by the change that the new engine
    does not understand as their own intent."""
    intents = getattr(new, "intents", ())
    understanding = getattr(new, "understanding", None)
    if not intents or understanding is None:
        return []
    before = {(i.id, e) for i in getattr(old, "intents", ()) for e in i.examples}
    names = [p.name for p in new.kb.loan_products][:2]  # type: ignore[attr-defined]  # an Engine: it has intents
    titles = {i.id: i.title for i in intents}
    warnings = []
    for intent in intents:
        for keyword in (*intent.keywords, *intent.cues):
            if _empty(keyword):
                warnings.append(f"意图〈{intent.title}〉的关键词 {keyword!r} 去掉标点和表情后是空的，不起作用")
        for example in intent.examples:
            bare = example
            for placeholder in PLACEHOLDERS:
                bare = bare.replace(placeholder, "")
            if _empty(bare):
                warnings.append(f"意图〈{intent.title}〉的例句 {example!r} 去掉标点和表情后是空的，不起作用")
            elif (intent.id, example) not in before:
                problem = _own_match(understanding.parse(_filled(example, names)).candidates, intent.id, titles)
                if problem:
                    warnings.append(f"新例句 {example!r} {problem}")
    return warnings


def provenance_problems(svc: Services, engine: EngineLike, knowledge_dir: Path) -> list[str]:
    """The same check as ``python -m bot kb check --docs`` when BOT_DOCS_DIR is set."""
    kb = getattr(engine, "kb", None)
    if svc.settings.docs_dir is None or kb is None:
        return []
    from ..knowledge.provenance import check_provenance

    return check_provenance(kb, svc.settings.docs_dir, knowledge_dir)


# ---------------------------------------------------------------- the path
def live_files(svc: Services) -> Files:
    """The files of the live version (the ones the running engine was built from before any change)."""
    current = svc.versions.current()
    return svc.versions.files(current) if current is not None else dict(svc.baseline)


def _candidate_dir(svc: Services, files: Files) -> tuple[Path, bool]:
    """A staged folder in the versions store (True), or a temporary one when the data folder is unusable."""
    try:
        return svc.versions.stage(files), True
    except OSError as error:
        log.warning("cannot stage a version in %s (%s); the change will not be kept as a version",
                    svc.versions.root, error)
        temp = Path(tempfile.mkdtemp(prefix="loanbot-change-"))
        write_tree(temp, files)
        return temp, False


def _build(svc: Services, old: EngineLike, live: Files, files: Files, admin: str, summary: str) -> Applied:
    """Runs in a worker thread: everything except the swap."""
    previous = svc.versions.current()
    staging, keep = _candidate_dir(svc, files)
    try:
        new = svc.build_engine(staging / "knowledge", staging / "intents", old)
        problems = provenance_problems(svc, new, staging / "knowledge")
        if problems:
            raise KnowledgeError(problems)
        diff = _diff(old, new)
        details = value_details(old, new, diff)
        warnings = intent_warnings(old, new)
        version = None
        if keep:
            if previous is None and svc.baseline != files:
                base_stage = svc.versions.stage(svc.baseline)
                previous = svc.versions.commit(base_stage, "-", BASELINE)
            if previous is None or svc.versions.files(previous) != files:
                version = svc.versions.commit(staging, admin, summary)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if version is None:
        shutil.rmtree(staging, ignore_errors=True)
    try:
        mirror(files, live, svc.settings.knowledge_dir, svc.settings.intents_dir)
    except OSError as error:
        log.warning("could not copy the change into the working folders: %s", error)
        warnings.append(f"无法把这次变更写回 {svc.settings.knowledge_dir} / {svc.settings.intents_dir}（{error}）；"
                        "机器人已在使用新版本，服务器上的文件仍是旧的")
    if keep is False:
        svc.baseline = files  # what is live now, for the next change
        warnings.append("数据目录不可用：这次变更没有保存为版本，重启后不会保留")
    return Applied(version, previous.number if previous else None, diff, details, tuple(warnings), new)


async def apply_change(svc: Services, make_files: Callable[[Files], Files], admin_id: int | None,
                       summary: str | Callable[[Files, Files], str]) -> Applied:
    """Build the candidate from the live files, validate, snapshot and swap; raise (nothing changed) on any
    problem. ``summary`` may be computed from (live files, candidate files)."""
    admin = svc.admin_hash(admin_id)
    async with svc.reload_lock:
        old = svc.engine

        def work() -> Applied:
            live = live_files(svc)
            files = make_files(live)
            text = summary(live, files) if callable(summary) else summary
            return _build(svc, old, live, files, admin, text)

        with loop_first():
            applied = await asyncio.to_thread(work)
        svc.engine_ref.engine = applied.engine
    log.info("knowledge changed (version %s): +%d -%d ~%d", applied.version.number if applied.version else "-",
             len(applied.diff.added), len(applied.diff.removed), len(applied.diff.changed))
    return applied


def working_files(svc: Services) -> Files:
    """What /reload takes: the files in the working folders on the server."""
    return read_tree(svc.settings.knowledge_dir, svc.settings.intents_dir)


def files_summary(live: Files, files: Files) -> str:
    """``修改 knowledge/weilidai.yaml；新增 intents/learned.yaml`` (or 没有变化)."""
    parts = []
    for title, names in (("新增", sorted(files.keys() - live.keys())), ("删除", sorted(live.keys() - files.keys())),
                         ("修改", sorted(k for k in files.keys() & live.keys() if files[k] != live[k]))):
        if names:
            parts.append(f"{title} {', '.join(names)}")
    return "；".join(parts) or "没有变化"


__all__ = ["Applied", "CatalogDiff", "ChangeRefused", "apply_change", "catalog_diff", "files_summary",
           "intent_warnings", "live_files", "loop_first", "value_details", "working_files"]
