"""A rebuild takes over the parts built from unchanged files; segment cache files are pruned."""
from __future__ import annotations

import gc
import os
import weakref
from pathlib import Path

from bot.engine import Engine, build_engine
from bot.understanding.tokenizer import prune_segments
from tests.conftest import INTENTS, KNOWLEDGE

QUESTIONS = ("微粒贷要芝麻分吗", "借呗借2万用30天多少利息", "那微粒贷呢", "今天天气怎么样", "WE2000提前还款收费吗")


def _replies(engine: Engine, session: str) -> list[str]:
    return [engine.reply(session, q).text for q in QUESTIONS]


def test_unchanged_files_rebuild_nothing() -> None:
    first = build_engine(KNOWLEDGE, INTENTS)
    again = build_engine(KNOWLEDGE, INTENTS, previous=first)
    assert again is not first and again.sessions is first.sessions
    assert again.understanding is first.understanding and again.kb is first.kb and again.composer is first.composer
    fresh = build_engine(KNOWLEDGE, INTENTS)  # no previous engine: built from the files
    assert fresh.understanding is not first.understanding
    assert _replies(again, "a") == _replies(fresh, "b")


def test_a_changed_intent_file_rebuilds_the_understanding_only(kb_copy: Path, intents_copy: Path) -> None:
    first = build_engine(kb_copy, intents_copy)
    path = intents_copy / "smalltalk.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("你好", "您好呀", 1), encoding="utf-8")
    second = build_engine(kb_copy, intents_copy, previous=first)
    assert second.kb is first.kb  # the composer is rebuilt: intents name its renderers and topics
    assert second.understanding is not first.understanding and second.intents != first.intents
    assert _replies(second, "a") == _replies(build_engine(kb_copy, intents_copy), "b")


def test_a_changed_knowledge_file_rebuilds_knowledge_and_understanding(kb_copy: Path, intents_copy: Path) -> None:
    first = build_engine(kb_copy, intents_copy)
    path = sorted(kb_copy.glob("*.yaml"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    second = build_engine(kb_copy, intents_copy, previous=first)
    assert second.kb is not first.kb and second.composer is not first.composer
    assert second.intents is first.intents and second.understanding is not first.understanding
    assert _replies(second, "a") == _replies(first, "b")


def test_only_the_newest_segment_files_are_kept(tmp_path: Path) -> None:
    paths = []
    for i in range(7):
        path = tmp_path / f"segments-{i:016x}.json"
        path.write_text("{}", encoding="utf-8")
        os.utime(path, ns=(i * 10**9, i * 10**9))
        paths.append(path)
    (tmp_path / "jieba-dict-0.sqlite3").write_bytes(b"")  # not a segment file: never touched
    removed = prune_segments(tmp_path, keep=paths[0], newest=3)
    assert sorted(removed) == sorted(paths[1:4])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [paths[0].name, *(p.name for p in paths[4:]), "jieba-dict-0.sqlite3"])


def test_a_replaced_engine_is_freed_at_once() -> None:
    """After a reload the old engine and its knowledge base go as soon as nothing uses them: no reference
    cycle keeps them waiting for the garbage collector (memory during a run of admin edits)."""
    engine = build_engine(KNOWLEDGE, INTENTS)
    engine.reply("freed", "借呗借1万用30天多少利息")
    parts = [engine, engine.kb, engine.composer, engine.understanding, engine.policy, engine.responder]
    refs = [weakref.ref(part) for part in parts]
    gc.disable()  # freed by reference counting alone
    try:
        del engine, parts
        assert [r() for r in refs] == [None] * len(refs)
    finally:
        gc.enable()
