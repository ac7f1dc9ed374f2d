"""Command line: ``run``, ``chat``, ``ask``, ``eval``, ``kb`` (``python -m bot`` or ``loanbot``)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _dirs(args: argparse.Namespace) -> tuple[Path, Path]:
    return Path(args.knowledge), Path(args.intents)


# ---------------------------------------------------------------- kb

def cmd_kb_check(args: argparse.Namespace) -> int:
    """Validate knowledge/ and intents/ (and, with --docs, provenance); non-zero on any problem."""
    from .knowledge import KnowledgeError, load_knowledge
    from .knowledge.provenance import check_provenance
    from .understanding.intents import load_intents

    knowledge_dir, intents_dir = _dirs(args)
    problems: list[str] = []
    kb = intents = None
    try:
        kb = load_knowledge(knowledge_dir)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
    try:
        intents = load_intents(intents_dir)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
    if kb is not None and args.docs:
        problems.extend(check_provenance(kb, Path(args.docs), knowledge_dir))
    if problems:
        print(f"发现 {len(problems)} 个问题：", file=sys.stderr)
        for problem in problems:
            print(f"  ✗ {problem}", file=sys.stderr)
        return 1
    assert kb is not None and intents is not None
    examples = sum(len(i.examples) for i in intents)
    checked = f"；出处已对照 {args.docs} 核对" if args.docs else ""
    print(f"OK：{len(kb.facts)} 条事实，{len(kb.products)} 个产品，{len(kb.conflicts)} 处资料出入，"
          f"{len(intents)} 个意图（{examples} 个例句）{checked}")
    return 0


def cmd_kb_show(args: argparse.Namespace) -> int:
    """Print the facts with their sources, for admins."""
    from .knowledge import KnowledgeError, load_knowledge
    from .knowledge.show import render_kb

    try:
        kb = load_knowledge(Path(args.knowledge))
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 1
    product = args.product
    if product:
        from .text.normalize import fold
        wanted = fold(product).replace(" ", "")
        match = next((p.id for p in kb.products
                      if wanted in {p.id, fold(p.name), *(fold(a).replace(" ", "") for a in p.aliases)}), None)
        if match is None:
            print(f"未知产品：{product}（可选：{', '.join(p.id for p in kb.products)}）", file=sys.stderr)
            return 1
        product = match
    sys.stdout.write(render_kb(kb, product))
    return 0


# ---------------------------------------------------------------- parser

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loanbot", description="微粒贷 / 借呗 / WE2000 问答机器人")
    parser.add_argument("--knowledge", default=os.environ.get("KNOWLEDGE_DIR") or str(REPO_ROOT / "knowledge"),
                        help="knowledge/ folder (env KNOWLEDGE_DIR)")
    parser.add_argument("--intents", default=os.environ.get("INTENTS_DIR") or str(REPO_ROOT / "intents"),
                        help="intents/ folder (env INTENTS_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)

    kb = sub.add_parser("kb", help="knowledge base: check, show").add_subparsers(dest="kb_command", required=True)
    check = kb.add_parser("check", help="validate knowledge/ and intents/")
    check.add_argument("--docs", help="folder with the source documents: also check provenance of every number")
    check.set_defaults(func=cmd_kb_check)
    show = kb.add_parser("show", help="print facts with sources")
    show.add_argument("product", nargs="?", help="product id or name (微粒贷, jiebei, …)")
    show.set_defaults(func=cmd_kb_show)

    _add_engine_commands(sub)
    return parser


def _add_engine_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from . import commands

    commands.register(sub)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bot`` and the ``loanbot`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # `loanbot ask … | head`: the reader left; exit quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
