"""1. Cold start: ``python -m bot ask`` as a new process vs a process that only loads jieba."""
from __future__ import annotations

import statistics
from typing import Any

from .common import PY, wall

QUESTION = "微粒贷要芝麻分吗"
SUBJECT = [PY, "-m", "bot", "ask", QUESTION]
FLOOR = [PY, "-c", "import jieba; jieba.initialize()"]
TARGET = ("<=", 1.3)
FLOOR_LABEL = "python -c 'import jieba; jieba.initialize()'"


def measure(quick: bool = False) -> dict[str, Any]:
    """Median wall time of ``runs`` interleaved runs each, after one warm-up run of each (jieba's cache
    in /tmp and the OS file cache are warm for both)."""
    runs = 3 if quick else 7
    wall(FLOOR), wall(SUBJECT)
    subject, floor = [], []
    for i in range(runs):
        pair = (FLOOR, SUBJECT) if i % 2 == 0 else (SUBJECT, FLOOR)  # alternate who goes first
        for args in pair:
            seconds, out = wall(args)
            if args is SUBJECT:
                if not out.strip() or "芝麻分" not in out:
                    raise AssertionError(f"`python -m bot ask {QUESTION}` printed no answer: {out!r}")
                subject.append(seconds)
            else:
                floor.append(seconds)
    value, base = statistics.median(subject), statistics.median(floor)
    return {"value": value, "floor": base, "ratio": value / base, "unit": "s", "runs": runs,
            "all": subject, "floor_all": floor, "extra_s": value - base}
