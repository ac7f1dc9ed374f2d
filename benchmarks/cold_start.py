"""1. Cold start: ``python -m bot ask`` as a new process vs a process that only loads jieba."""
from __future__ import annotations

import os
import statistics
import tempfile
from typing import Any

from .common import PY, wall

QUESTION = "微粒贷要芝麻分吗"
SUBJECT = [PY, "-m", "bot", "ask", QUESTION]
FLOOR = [PY, "-c", "import jieba; jieba.initialize()"]
TARGET = ("<=", 0.6)
FLOOR_LABEL = "python -c 'import jieba; jieba.initialize()'"


def _run(args: list[str], env: dict[str, str] | None = None) -> float:
    seconds, out = wall(args, env)
    if args is SUBJECT and (not out.strip() or "芝麻分" not in out):
        raise AssertionError(f"`python -m bot ask {QUESTION}` printed no answer: {out!r}")
    return seconds


def first_run() -> dict[str, float]:
    """The first run after install: each side once with empty caches (a fresh TMPDIR, where jieba keeps
    its dictionary cache, and a fresh LOANBOT_CACHE_DIR, where the bot keeps its copy of that dictionary),
    so each builds what it needs from jieba's dict.txt."""
    seconds = {}
    for name, args in (("floor", FLOOR), ("value", SUBJECT)):
        with tempfile.TemporaryDirectory(prefix="loanbot-cold-") as tmp:
            env = {**os.environ, "TMPDIR": tmp, "LOANBOT_CACHE_DIR": os.path.join(tmp, "cache")}
            seconds[name] = _run(args, env)
    return {**seconds, "ratio": seconds["value"] / seconds["floor"]}


def measure(quick: bool = False) -> dict[str, Any]:
    """Median wall time of ``runs`` interleaved runs each, after one warm-up run of each (jieba's cache
    in /tmp, the bot's dictionary copy and the OS file cache are warm for both); the first run with cold
    caches is reported apart (``first_run``)."""
    runs = 3 if quick else 7
    cold = first_run()
    _run(FLOOR), _run(SUBJECT)
    subject: list[float] = []
    floor: list[float] = []
    for i in range(runs):
        pair = (FLOOR, SUBJECT) if i % 2 == 0 else (SUBJECT, FLOOR)  # alternate who goes first
        for args in pair:
            (subject if args is SUBJECT else floor).append(_run(args))
    value, base = statistics.median(subject), statistics.median(floor)
    return {"value": value, "floor": base, "ratio": value / base, "unit": "s", "runs": runs,
            "all": subject, "floor_all": floor, "extra_s": value - base, "first_run": cold,
            "pair_ratios": [s / f for s, f in zip(subject, floor, strict=True)]}
