"""The console chat adapter: reads lines (with line editing), prints replies; digits pick a suggestion."""
from __future__ import annotations

import sys

from .engine import Engine
from .reply import Reply, Suggestion


def chat(engine: Engine, intro: str | None = None, session: str = "console") -> int:
    """Loop until EOF, /quit or Ctrl-C."""
    try:
        import readline  # noqa: F401 - line editing and history for input()
    except ImportError:  # pragma: no cover - not on every platform
        pass
    if intro:
        print(intro)
    print("loanbot 控制台对话。输入问题后回车；/help 查看能问什么，/quit 退出。")
    offered: tuple[Suggestion, ...] = ()
    while True:
        try:
            line = input("你> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        command = line.strip()
        if command.lower() in {"/quit", "/exit"}:
            return 0
        if command.lower() in {"/help", "/start"}:
            print(f"bot> {engine.help_text()}")
            continue
        if command.isdigit() and 1 <= int(command) <= len(offered):
            choice = offered[int(command) - 1]
            reply = engine.choose(session, choice.intent, choice.product)
        else:
            reply = engine.reply(session, line)
        offered = reply.suggestions
        print(render(reply))
        sys.stdout.flush()


def render(reply: Reply) -> str:
    """Plain-text rendering with numbered choices."""
    text = f"bot> {reply.text}"
    if reply.suggestions:
        text += "\n" + "\n".join(f"     [{i}] {s.label}" for i, s in enumerate(reply.suggestions, 1))
        text += "\n     （输入序号选择）"
    return text
