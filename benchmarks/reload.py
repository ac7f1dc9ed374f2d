"""5. Reload: rebuilding the engine from the shipped files, and reply latency while /reload runs.

* ``build_engine(knowledge, intents, previous=engine)``: median and max of several runs; jieba's
  dictionary must not be loaded again (its frequency table must stay the same object).
* Through the Telegram stack: a steady stream of questions, each from a new chat, first with no reload,
  then while an admin's ``/reload`` runs back to back (a new one as soon as the previous one is
  answered); two rounds, pooled. Latency = question pushed → its reply received by the server."""
from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import INTENTS, KNOWLEDGE, build, latency_summary, quiet

TARGET = ("<=", 0.2)
FLOOR_LABEL = "0.2 s (absolute)"
BUSY_P99_TARGET = 2.0  # p99 of replies during /reload ÷ p99 without reloads
ADMIN = 99
INTERVAL = 0.02  # seconds between questions of the stream (50/s, well below the bot's throughput)


def rebuild_times(runs: int) -> dict[str, Any]:
    from bot.engine import build_engine
    from bot.understanding.tokenizer import shared_tokenizer

    start = time.perf_counter()
    engine = build()
    first = time.perf_counter() - start
    dt = shared_tokenizer().jieba  # the bot's jieba tokenizer
    freq = dt.FREQ
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        engine = build_engine(KNOWLEDGE, INTENTS, previous=engine)
        times.append(time.perf_counter() - start)
    return {"value": statistics.median(times), "max": max(times), "all": times, "runs": runs,
            "first_build_s": first, "jieba_reloaded": dt.FREQ is not freq,
            "after_a_change_s": changed_times(engine, runs)}


def changed_times(engine: Any, runs: int) -> dict[str, dict[str, float]]:
    """Rebuilds after one file changed (a comment appended, so the engine is the same): with the files
    unchanged a rebuild takes over the previous engine's parts (bot/reuse.py), so this is what an admin's
    edit costs. Median and max per folder."""
    from bot.engine import build_engine

    out = {}
    with tempfile.TemporaryDirectory(prefix="loanbot-reload-") as temp:
        knowledge, intents = Path(temp) / "knowledge", Path(temp) / "intents"
        shutil.copytree(KNOWLEDGE, knowledge)
        shutil.copytree(INTENTS, intents)
        engine = build_engine(knowledge, intents, previous=engine)
        for label, folder in (("intents", intents), ("knowledge", knowledge)):
            path = sorted(folder.glob("*.yaml"))[0]
            times = []
            for run in range(runs):
                with path.open("a", encoding="utf-8") as handle:
                    handle.write(f"\n# change {run}\n")
                start = time.perf_counter()
                engine = build_engine(knowledge, intents, previous=engine)
                times.append(time.perf_counter() - start)
            out[label] = {"median": statistics.median(times), "max": max(times)}
    return out


def _during(replies: list[list[float]], windows: list[list[float]]) -> list[float]:
    """Latencies (ms) of the replies whose question was waiting while a reload ran."""
    return [(answered - pushed) * 1000 for pushed, answered in replies
            if any(pushed < end and answered > start for start, end in windows)]


async def latencies(count: int) -> dict[str, Any]:
    """Two rounds of (stream without reloads, stream with reloads), the second in the other order; the
    replies of both rounds are pooled."""
    from .stack import driver, running

    idle: list[float] = []
    busy: list[float] = []
    windows: list[list[float]] = []
    ok = missing = 0
    chat = 100_000
    async with driver() as api, running("bot", api, build(), admin=ADMIN):
        await api.ask("wait_polling")
        await api.ask("burst", updates=200, chats=50, first_chat=1000, seed=3)  # warm-up
        for order in ((None, ADMIN), (ADMIN, None)):
            for admin in order:
                out = await api.ask("stream", count=count, interval=INTERVAL, first_chat=chat, seed=11, admin=admin)
                chat += count
                missing += out["missing"]
                if admin is None:
                    idle += [(b - a) * 1000 for a, b in out["replies"]]
                else:
                    busy += _during(out["replies"], out["reloads"])
                    windows += out["reloads"]
                    ok += out["reloads_ok"]
    return {
        "reply_ms_without_reload": latency_summary(idle),
        "reply_ms_during_reload": latency_summary(busy),
        "reload_via_telegram_s": latency_summary([(b - a) for a, b in windows]),
        "reloads": len(windows), "reloads_ok": ok, "missing_replies": missing,
        "questions_per_stream": count, "streams_per_kind": 2, "stream_rate_per_s": 1 / INTERVAL,
    }


def measure(quick: bool = False) -> dict[str, Any]:
    quiet()
    result = rebuild_times(3 if quick else 7)
    result["unit"] = "s"
    result.update(asyncio.run(latencies(100 if quick else 400)))
    busy, idle = result["reply_ms_during_reload"]["p99"], result["reply_ms_without_reload"]["p99"]
    result["checks"] = [{"label": "p99 during / without reload", "value": busy / idle, "op": "<=",
                         "target": BUSY_P99_TARGET}]
    return result
