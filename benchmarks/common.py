"""Helpers shared by the measures: paths, percentiles, subprocess timing, peak RSS, bot settings."""
from __future__ import annotations

import dataclasses
import importlib
import logging
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
KNOWLEDGE, INTENTS = REPO / "knowledge", REPO / "intents"

# Send limits for the benchmark bot: the limiters stay in the stack but never make anyone wait.
CHAT_RATE = 1000.0  # messages/s into one chat (production default: 1)
GLOBAL_RATE = 100_000.0  # messages/s overall (production default: 30)


def pct(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0–1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def latency_summary(ms: Sequence[float]) -> dict[str, float]:
    """p50 / p99 / max / mean of latencies in milliseconds."""
    if not ms:
        return {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan"), "mean": float("nan")}
    return {"n": len(ms), "p50": pct(ms, 0.5), "p99": pct(ms, 0.99), "max": max(ms), "mean": statistics.fmean(ms)}


def wall(args: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall time of a subprocess run from the repo root, and its stdout (raises when it fails)."""
    start = time.perf_counter()
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True, check=True, env=env)
    return time.perf_counter() - start, done.stdout


def peak_rss_kib() -> int:
    """This process's peak resident set (KiB) since it started.

    Linux's ``VmHWM`` rather than ``ru_maxrss``: a child started with vfork (what ``subprocess`` does)
    inherits its parent's ``ru_maxrss``, so a small child of a big benchmark process would report the
    parent's peak. ``VmHWM`` belongs to the child's own address space."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def quiet() -> None:
    """No INFO logging from jieba, PTB or the bot while measuring."""
    logging.getLogger().setLevel(logging.WARNING)
    # The bot's tokenizer module imports jieba its own way (without pkg_resources) and quiets it; importing
    # jieba here first would hide that saving from every measure.
    importlib.import_module("bot.understanding.tokenizer")


def bot_settings(token: str, data_dir: Path, **extra: Any) -> tuple[Any, dict[str, Any]]:
    """``Settings`` for the benchmark bot, send limits set high when the fields exist; also what was set."""
    from bot.config import Settings

    names = {f.name for f in dataclasses.fields(Settings)}
    limits: dict[str, Any] = {k: v for k, v in (("chat_rate", CHAT_RATE), ("global_rate", GLOBAL_RATE)) if k in names}
    return Settings(token=token, data_dir=data_dir, **limits, **extra), limits


def build() -> Any:
    """The engine of the shipped knowledge and intents."""
    from bot.engine import build_engine

    return build_engine(KNOWLEDGE, INTENTS)
