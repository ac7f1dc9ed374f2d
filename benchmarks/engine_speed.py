"""2. Engine: ``Engine.reply`` over varied questions vs ``jieba.lcut`` over the same questions."""
from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

from .common import build, pct, quiet
from .questions import generate

SESSIONS = 200
TARGET = ("<=", 3.0)  # with the memo; without it (the worst case): MEMO_OFF_TARGET
MEMO_OFF_TARGET = 5.0
FLOOR_LABEL = "jieba.lcut, same questions"


def _time_each(call: Callable[[int, str], object], questions: list[str]) -> list[int]:
    """Nanoseconds of each ``call(i, text)``."""
    clock = time.perf_counter_ns
    times: list[int] = []
    append = times.append
    for i, text in enumerate(questions):
        start = clock()
        call(i, text)
        append(clock() - start)
    return times


def _engine_pass(questions: list[str], warm_up: list[str]) -> tuple[list[int], Any]:
    """One pass through a fresh engine (empty memo tables) warmed up on other questions."""
    eng = build()
    for i, text in enumerate(warm_up):
        eng.reply(f"w{i % SESSIONS}", text)
    gc.collect()
    return _time_each(lambda i, t: eng.reply(f"s{i % SESSIONS}", t), questions), eng


def _memo_stats(eng: Any) -> dict[str, float]:
    """Hit rates of the engine's memo tables (attributes of type ``bot.memo.Memo``), where found."""
    from bot.memo import Memo

    out = {}
    for owner_name, owner in (("parser", eng.understanding), ("matcher", eng.understanding.matcher),
                              ("composer", eng.composer)):
        for name, value in vars(owner).items():
            if isinstance(value, Memo) and value.hits + value.misses:
                out[f"{owner_name}.{name.lstrip('_')}"] = round(value.hits / (value.hits + value.misses), 3)
    return out


class _NoMemo:
    """Stands in for a per-question memo table: always computes."""

    hits = misses = 0

    @staticmethod
    def get(key: object, compute: Callable[[], Any]) -> Any:
        return compute()


def _memo_off_pass(questions: list[str]) -> list[int]:
    """Worst case: the per-question memo tables (parser forms, matcher results, composed answers) replaced
    by ``_NoMemo``, so every question is segmented, matched and composed from scratch."""
    from bot.memo import Memo

    eng = build()
    for owner in (eng.understanding, eng.understanding.matcher, eng.composer):
        for name, value in list(vars(owner).items()):
            # _choices: example lists per shortlist, not per question
            if isinstance(value, Memo) and name != "_choices":
                object.__setattr__(owner, name, _NoMemo())
    return _time_each(lambda i, t: eng.reply(f"s{i % SESSIONS}", t), questions)


def measure(quick: bool = False) -> dict[str, Any]:
    """Best of 2 interleaved passes per side over the same list (floor, engine, floor, engine)."""
    import jieba

    quiet()
    count = 4000 if quick else 20_000
    questions = generate(count)
    warm_up = generate(300, seed=1, dev=False)
    jieba.initialize()
    for text in warm_up:
        jieba.lcut(text)
    engine_runs, floor_runs = [], []
    for _ in range(2):
        gc.collect()
        floor_runs.append(_time_each(lambda i, t: jieba.lcut(t), questions))
        times, eng = _engine_pass(questions, warm_up)
        engine_runs.append(times)
    best, floor = min(engine_runs, key=sum), min(floor_runs, key=sum)
    mean_us, floor_us = statistics.fmean(best) / 1e3, statistics.fmean(floor) / 1e3
    result: dict[str, Any] = {
        "value": mean_us, "floor": floor_us, "ratio": mean_us / floor_us, "unit": "µs/question",
        "questions": count, "distinct": len(set(questions)), "sessions": SESSIONS,
        "per_second": 1e6 / mean_us, "floor_per_second": 1e6 / floor_us,
        "p50_ms": pct(best, 0.5) / 1e6, "p99_ms": pct(best, 0.99) / 1e6, "max_ms": max(best) / 1e6,
        "floor_p50_ms": pct(floor, 0.5) / 1e6, "floor_p99_ms": pct(floor, 0.99) / 1e6,
        "runs_mean_us": [statistics.fmean(r) / 1e3 for r in engine_runs],
        "floor_runs_mean_us": [statistics.fmean(r) / 1e3 for r in floor_runs],
        "memo_hit_rates_last_pass": _memo_stats(eng),
    }
    try:
        subset = questions[: count // 4]
        off = min((_memo_off_pass(subset) for _ in range(2)), key=sum)
        off_us = statistics.fmean(off) / 1e3
        sub_floor_us = statistics.fmean(floor[: count // 4]) / 1e3
        result["memo_off"] = {"value": off_us, "floor": sub_floor_us, "ratio": off_us / sub_floor_us,
                              "questions": len(subset), "p50_ms": pct(off, 0.5) / 1e6, "p99_ms": pct(off, 0.99) / 1e6}
        result["checks"] = [{"label": "memo off (worst)", "value": off_us / sub_floor_us, "op": "<=",
                             "target": MEMO_OFF_TARGET}]
    except (AttributeError, ImportError) as error:  # the engine's internals changed: skip the extra row
        result["memo_off"] = {"skipped": f"{type(error).__name__}: {error}"}
    return result
