"""Evaluate the engine on a labeled JSON-lines file: accuracy per intent, confusions, out-of-scope P/R, latency."""
from __future__ import annotations

import json
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Engine


@dataclass
class Outcome:
    text: str
    expected: str | None
    expected_products: tuple[str, ...]
    got: str | None
    got_products: tuple[str, ...]
    seconds: float

    @property
    def correct(self) -> bool:
        if self.expected is None:
            return self.got is None
        return self.got == self.expected and set(self.got_products) == set(self.expected_products)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def in_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.expected is not None]

    @property
    def accuracy(self) -> float:
        """Intent and products both right, over in-scope questions."""
        return _share(o.correct for o in self.in_scope)

    @property
    def intent_accuracy(self) -> float:
        return _share(o.got == o.expected for o in self.in_scope)

    @property
    def oos_recall(self) -> float:
        """Share of out-of-scope questions the bot declined."""
        return _share(o.got is None for o in self.outcomes if o.expected is None)

    @property
    def oos_precision(self) -> float:
        """Share of declined questions that really were out of scope."""
        return _share(o.expected is None for o in self.outcomes if o.got is None)

    def latency_ms(self, q: float) -> float:
        times = sorted(o.seconds for o in self.outcomes)
        return 1000 * times[min(len(times) - 1, int(q * len(times)))] if times else 0.0

    def render(self) -> str:
        per: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.in_scope:
            per[o.expected or ""].append(o)
        lines = [f"{'intent':<22}{'n':>5}{'acc':>8}"]
        for intent in sorted(per):
            items = per[intent]
            lines.append(f"{intent:<22}{len(items):>5}{_share(o.correct for o in items):>8.1%}")
        confusions = Counter((o.expected, o.got) for o in self.outcomes if o.got != o.expected)
        lines.append("")
        lines.append("confusions (expected → got, count):")
        for (exp, got), n in confusions.most_common(25):
            lines.append(f"  {exp} → {got}: {n}")
        product_misses = [o for o in self.in_scope if o.got == o.expected and not o.correct]
        if product_misses:
            lines.append(f"right intent, wrong products: {len(product_misses)}")
            lines.extend(f"  {o.text!r}: expected {list(o.expected_products)} got {list(o.got_products)}"
                         for o in product_misses[:10])
        lines.append("")
        lines.append(f"questions: {len(self.outcomes)} ({len(self.in_scope)} in scope, "
                     f"{len(self.outcomes) - len(self.in_scope)} out of scope)")
        lines.append(f"accuracy (intent + products): {self.accuracy:.1%}   intent only: {self.intent_accuracy:.1%}")
        lines.append(f"out-of-scope precision: {self.oos_precision:.1%}   recall: {self.oos_recall:.1%}")
        lines.append(f"latency per question: p50 {self.latency_ms(0.5):.2f} ms   p99 {self.latency_ms(0.99):.2f} ms")
        return "\n".join(lines)

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]


def _share(flags: object) -> float:
    items = list(flags)  # type: ignore[call-overload]
    return sum(1 for f in items if f) / len(items) if items else 1.0


def load_cases(path: Path) -> list[dict]:
    """Read the JSON-lines dev set."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(engine: Engine, cases: list[dict]) -> Report:
    """Run every case in order; lines sharing a ``session`` are one conversation, others stand alone."""
    report = Report()
    for case in cases:
        session = f"eval:{case.get('session') or case['id']}"
        start = time.perf_counter()
        reply = engine.reply(session, case["text"])
        elapsed = time.perf_counter() - start
        report.outcomes.append(Outcome(case["text"], case.get("intent"), tuple(case.get("products", [])),
                                       reply.intent, reply.products, elapsed))
    return report


__all__ = ["evaluate", "load_cases", "Report", "Outcome", "statistics"]
