"""Sub-commands that need the engine: run, chat, ask, eval."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Engine
    from .reply import Reply


def _engine(args: argparse.Namespace) -> Engine:
    from .engine import build_engine

    return build_engine(Path(args.knowledge), Path(args.intents))


def cmd_ask(args: argparse.Namespace) -> int:
    """Print the reply to one question, or with ``-`` answer JSON lines from standard input."""
    from .knowledge import KnowledgeError

    try:
        engine = _engine(args)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.question == "-":
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
                session, text = str(request.get("session", "stdin")), str(request["text"])
            except (ValueError, KeyError, AttributeError, TypeError) as exc:
                print(json.dumps({"error": f"bad request line: {exc}"}, ensure_ascii=False), flush=True)
                continue
            reply = engine.reply(session, text)
            print(json.dumps(reply.to_json(), ensure_ascii=False) if args.json else _text(reply, args.full), flush=True)
        return 0
    if args.explain:
        print(engine.explain("cli", args.question))
        return 0
    reply = engine.reply("cli", args.question)
    print(json.dumps(reply.to_json(), ensure_ascii=False, indent=2) if args.json else _text(reply, args.full))
    return 0


def _text(reply: Reply, full: bool) -> str:
    return reply.full if full else reply.text


def cmd_chat(args: argparse.Namespace) -> int:
    """Console chat: same engine, same context rules as Telegram."""
    from .console import chat

    return chat(_engine(args), intro=getattr(args, "intro", None))


def cmd_eval(args: argparse.Namespace) -> int:
    """Print the evaluation report of a labeled JSON-lines file."""
    from .evaluation import evaluate, load_cases

    report = evaluate(_engine(args), load_cases(Path(args.file)))
    if args.summary:  # the headline figures only: for a blind set, which must not be read question by question
        print(" ".join(f"{k}={v:.1%}" for k, v in report.summary().items()))
        return 0
    print(report.render())
    if args.failures:
        for o in report.failures():
            print(f"✗ {o.text!r}: expected {o.expected} {list(o.expected_products)} → got {o.got_kind} {o.got} "
                  f"{list(o.got_products)}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the console chat."""
    import dataclasses

    from .config import ConfigError, Settings

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 2
    settings = dataclasses.replace(settings, knowledge_dir=Path(args.knowledge), intents_dir=Path(args.intents))
    if not settings.token:
        args.intro = ("（没有设置 TELEGRAM_BOT_TOKEN，启动控制台对话。要连接 Telegram："
                      "TELEGRAM_BOT_TOKEN=<token> make run）")
        return cmd_chat(args)
    from .telegram.app import WebhookConfig, run_bot

    webhook = None
    if args.webhook:
        webhook = WebhookConfig.create(url=args.webhook, listen=args.listen, port=args.port,
                                       secret_token=args.secret_token)
    return run_bot(settings, webhook)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add run / chat / ask / eval to the parser."""
    run = sub.add_parser("run", help="start the bot (Telegram if TELEGRAM_BOT_TOKEN is set, else console chat)")
    run.add_argument("--webhook", metavar="URL", help="webhook mode: the public HTTPS URL Telegram posts to")
    run.add_argument("--listen", default="0.0.0.0", help="webhook listen address")
    run.add_argument("--port", type=int, default=8443, help="webhook listen port")
    run.add_argument("--secret-token", default=None, help="webhook secret (default: BOT_WEBHOOK_SECRET or random)")
    run.set_defaults(func=cmd_run)

    chat = sub.add_parser("chat", help="console chat")
    chat.set_defaults(func=cmd_chat)

    ask = sub.add_parser("ask", help="answer one question ('-' reads JSON lines from stdin)")
    ask.add_argument("--json", action="store_true", help="print the structured reply as JSON")
    ask.add_argument("--explain", action="store_true", help="print how the question was understood and decided")
    ask.add_argument("--full", action="store_true", help="print the full version (every method, bound, condition)")
    ask.add_argument("question", help="the question, or - for JSON lines {\"session\", \"text\"} on stdin")
    ask.set_defaults(func=cmd_ask)

    ev = sub.add_parser("eval", help="evaluate on a labeled JSON-lines file")
    ev.add_argument("file", help="e.g. tests/data/dev.jsonl")
    ev.add_argument("--failures", action="store_true", help="also list every wrong answer")
    ev.add_argument("--summary", action="store_true", help="only the headline figures (for the blind set)")
    ev.set_defaults(func=cmd_eval)
