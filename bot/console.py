"""The console chat adapter: reads lines (with line editing), prints replies; digits pick a suggestion,
"详细" shows the full version of the last answer, "图" / "明细" write its chart (PNG) or schedule (CSV) to a file."""
from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path

from .engine import Engine
from .reply import Reply, Suggestion

DETAIL_WORDS = {"详细", "详细计算", "完整对比", "全部条件", "展开全部", "完整", "全部"}
CHART_WORDS = {"图", "还款计划图", "利息对比图", "画图"}
CSV_WORDS = {"明细", "还款明细", "csv"}
# Telegram's wording for its buttons, and what the console says instead.
BUTTON_WORDS = (("点下面的按钮", "回复编号"), ("点一下按钮", "回复编号"), ("点按钮", "回复编号"))


def output_dir() -> Path:
    """Where charts and CSV files go (a folder in the system's temp dir)."""
    folder = Path(tempfile.gettempdir()) / "loanbot"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def chat(engine: Engine, intro: str | None = None, session: str = "console") -> int:
    """Loop until EOF, /quit or Ctrl-C."""
    try:
        importlib.import_module("readline")  # line editing and history for input()
    except ImportError:  # pragma: no cover - not on every platform
        pass
    if intro:
        print(intro)
    print("loanbot 控制台对话。输入问题后回车；/help 查看能问什么，/quit 退出。")
    offered: tuple[Suggestion, ...] = ()
    last: Reply | None = None
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
        if last is not None and last.detail and command in DETAIL_WORDS:
            print(f"bot> {last.detail}")
            continue
        if last is not None and last.figure and command.lower() in CHART_WORDS | CSV_WORDS:
            print(f"bot> {save_figure(engine, last.figure, csv=command.lower() in CSV_WORDS)}")
            continue
        if command.isdigit() and 1 <= int(command) <= len(offered):
            choice = offered[int(command) - 1]
            reply = engine.choose(session, choice.intent, choice.product)
        else:
            reply = engine.reply(session, line)
        offered = reply.suggestions
        last = reply if reply.kind == "answer" else last
        print(render(reply))
        sys.stdout.flush()


def save_figure(engine: Engine, spec: str, csv: bool = False, folder: Path | None = None) -> str:
    """Write the chart (PNG) or the schedule (CSV) of an answer to a file; the sentence saying where."""
    from . import figures

    data = engine.chart(spec)
    folder = folder or output_dir()
    if csv:
        if not isinstance(data, figures.PlanChart):
            return "这个回答没有逐期的还款明细。"
        path = folder / f"{figures.file_stem(data)}.csv"
        path.write_bytes(figures.csv_bytes(data))
        return f"还款明细已保存：{path}\n{figures.caption(data)}"
    path = folder / f"{figures.file_stem(data)}.png"
    path.write_bytes(figures.png(data))
    return f"图已保存：{path}\n{figures.caption(data)}"


def hints(reply: Reply) -> list[str]:
    """What the console user can type next for this answer."""
    out = []
    if reply.detail:
        out.append(f"回复“详细”看{reply.detail_label or '完整内容'}")
    if reply.figure:
        out.append("回复“图”生成" + ("还款计划图，“明细”导出CSV" if reply.figure.startswith("i:") else "利息对比图"))
    return out


def render(reply: Reply, full: bool = False) -> str:
    """Plain-text rendering with numbered choices (listed once) and what to type for more."""
    text = reply.full if full else (reply.prompt() if reply.suggestions else reply.text)
    for telegram, console in BUTTON_WORDS:
        text = text.replace(telegram, console)
    text = f"bot> {text}"
    if reply.suggestions:
        text += "\n" + "\n".join(f"     [{i}] {s.label}" for i, s in enumerate(reply.suggestions, 1))
        text += "\n     （回复编号选择）"
    if not full and (more := hints(reply)):
        text += "\n     （" + "；".join(more) + "）"
    return text
