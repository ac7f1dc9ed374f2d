"""House rules anyone can run: the layers import downwards only, and an intent is defined by YAML alone."""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from tests.conftest import INTENTS, KNOWLEDGE, REPO

BOT = REPO / "bot"
# package (or module) → what it may never import. Lower layers first: text and datafiles know no other part
# of the bot; knowledge knows no understanding; nothing below dialogue knows the dialogue; only the Telegram
# layer and the command line know Telegram.
FORBIDDEN = {
    "bot.text": ("bot.",),
    "bot.datafiles": ("bot.",),
    "bot.calc": ("bot.",),
    "bot.knowledge": ("bot.understanding", "bot.dialogue", "bot.engine", "bot.telegram", "bot.cli"),
    "bot.understanding": ("bot.dialogue", "bot.engine", "bot.telegram", "bot.cli"),
    "bot.dialogue": ("bot.engine", "bot.telegram", "bot.cli"),
    "bot.engine": ("bot.telegram", "bot.cli"),
}
ALLOWED_INSIDE = {"bot.text": ("bot.text",), "bot.datafiles": ("bot.datafiles",)}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            out.add(name)
            out.update(f"{name}.{alias.name}" for alias in node.names)
    return out


def test_layers_import_downwards_only() -> None:
    problems = []
    for path in sorted(BOT.rglob("*.py")):
        name = module_name(path)
        for layer, forbidden in FORBIDDEN.items():
            if name != layer and not name.startswith(layer + "."):
                continue
            inside = ALLOWED_INSIDE.get(layer, ())
            for imported in imports_of(path):
                if imported.startswith(forbidden) and not imported.startswith(inside):
                    problems.append(f"{name} imports {imported}")
    assert problems == []


def test_the_runtime_package_has_no_test_kit() -> None:
    assert not (BOT / "testing").exists()
    for path in BOT.rglob("*.py"):  # aiohttp's client is the bot's HTTP client; its server is the test kit's
        names = imports_of(path)
        names |= {f"{n.module}.{a.name}" for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                  if isinstance(n, ast.ImportFrom) and n.module for a in n.names}  # from aiohttp import web
        assert not any(i.startswith(("tests", "pytest", "aiohttp.web", "hypothesis")) for i in names), path


def test_the_import_checker_sees_a_back_reference(tmp_path: Path) -> None:
    """The rule can fail: a module under knowledge/ that imports understanding/ is reported."""
    bad = BOT / "knowledge" / "_probe_bad_import.py"
    bad.write_text("from ..understanding.parser import Parse\n", encoding="utf-8")
    try:
        with pytest.raises(AssertionError, match=r"bot\.knowledge\._probe_bad_import imports bot\.understanding"):
            test_layers_import_downwards_only()
    finally:
        bad.unlink()


NEW_INTENT = """
intents:
  - id: office_hours
    title: 客服时间
    product_scope: per_product
    topics: [service]
    keywords: [客服时间, 人工客服几点]
    examples:
      - "{product}人工客服几点上班"
      - "{product}客服时间是什么时候"
      - "{product}晚上有客服吗"
"""


def test_an_intent_added_with_yaml_alone_is_matched_and_answered(tmp_path: Path) -> None:
    """A new intent needs no Python: its YAML says how it is matched and what answers it."""
    from bot.engine import build_engine
    from bot.understanding.tokenizer import Tokenizer

    intents = tmp_path / "intents"
    shutil.copytree(INTENTS, intents)
    (intents / "office.yaml").write_text(NEW_INTENT, encoding="utf-8")
    # its own tokenizer: the new cue words are taught to jieba, which would change the shared one for later tests
    engine = build_engine(KNOWLEDGE, intents, tokenizer=Tokenizer())
    reply = engine.reply("s", "微粒贷人工客服几点上班")
    assert reply.intent == "office_hours" and reply.kind == "answer" and reply.products == ("weilidai",)
    service = engine.kb.find("weilidai", "service")
    assert service and all(f.text in (reply.detail or reply.text) for f in service)  # answered from its topics
    assert reply.sources and "不构成财务建议" in reply.text


@pytest.mark.parametrize(("change", "problem"), [
    ("answer: tarot", "answer: 取值 'tarot' 不允许"),
    ("topics: [horoscope]", "topics[0]: 取值 'horoscope' 不允许"),
    ("slots: [weight]", "slots[0]: 取值 'weight' 不允许"),
])
def test_an_unknown_renderer_topic_or_slot_is_rejected_with_file_and_place(tmp_path: Path, change: str,
                                                                          problem: str) -> None:
    from bot.datafiles.errors import KnowledgeError
    from bot.understanding.intents import load_intents

    intents = tmp_path / "intents"
    shutil.copytree(INTENTS, intents)
    key = change.split(":")[0]
    text = "\n".join(line for line in NEW_INTENT.splitlines() if not line.strip().startswith(f"{key}:"))
    (intents / "office.yaml").write_text(text.replace("    product_scope:", f"    {change}\n    product_scope:"),
                                         encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_intents(intents)
    assert any(p.startswith("intents/office.yaml: intents[0] (office_hours): ") and problem in p
               for p in error.value.problems), error.value.problems


def test_every_renderer_an_intent_may_name_is_written_in_python() -> None:
    """``answer:`` in YAML is checked against AnswerKind; each kind answered by the composer has its renderer
    (small talk's ``help`` is the help text, written by the responder)."""
    from typing import get_args

    from bot.understanding.intents import AnswerKind
    from tests.conftest import shared_engine

    composer = shared_engine().composer
    assert set(get_args(AnswerKind)) - {"listing", "help"} == set(composer.RENDERERS)
    assert all(callable(getattr(composer, method, None)) for method in composer.RENDERERS.values())
