"""Evaluate the engine on a labeled JSON-lines file.

A case: ``{"id", "text", "intent", "products"[, "also"][, "session"]}``. ``intent`` is an answerable intent, an
uncovered topic (an intent of ``kind: uncovered``) or null (out of scope). Lines starting with ``#`` are comments.

Reported: accuracy on answerable questions, on uncovered topics, **confidently wrong** (a factual answer to a
different question: wrong intent, or an answer where the documents don't cover the topic or the question is out
of scope), out-of-scope precision and recall (a "你是不是想问" menu counts as answered, not declined), accuracy
on questions that are not near-copies of an intent example (rapidfuzz ratio < 90), single questions apart from
follow-up turns, and latency.
"""
from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine import Engine

NEAR_COPY = 90.0  # rapidfuzz ratio to the closest intent example at or above which a question is a near-copy
DECLINED_KINDS = frozenset({"not_understood", "invalid"})


@dataclass
class Outcome:
    text: str
    expected: str | None
    expected_kind: str  # "answer" (small talk included) | "uncovered" | "none" (out of scope)
    expected_products: tuple[str, ...]
    got: str | None
    got_kind: str  # the reply's kind
    got_products: tuple[str, ...]
    seconds: float
    expected_also: tuple[str, ...] = ()
    got_also: tuple[str, ...] = ()
    follow_up: bool = False  # a later turn of a conversation
    nearest: float = 0.0  # rapidfuzz ratio to the closest intent example

    @property
    def declined(self) -> bool:
        """The bot said it cannot answer (not understood, or a topic the documents don't cover)."""
        return self.got_kind in DECLINED_KINDS or (self.got_kind == "uncovered" and self.expected_kind == "none")

    @property
    def correct(self) -> bool:
        if self.expected_kind == "none":
            return self.declined
        if self.expected_kind == "uncovered" and self.got_kind not in ("uncovered", "answer"):
            return False  # (an "answer" whose first part names the uncovered topic: a message that asks two things)
        products_ok = set(self.got_products) == set(self.expected_products)
        return self.got == self.expected and products_ok and set(self.expected_also) <= set(self.got_also)

    @property
    def confidently_wrong(self) -> bool:
        """A factual answer to a question it does not answer."""
        if self.got_kind != "answer":
            return False
        answered = {self.got, *self.got_also}  # a message that asks two things may get both answers
        return self.expected_kind == "none" or self.expected not in answered


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def _of(self, kind: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.expected_kind == kind]

    @property
    def in_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.expected_kind != "none"]

    @property
    def accuracy(self) -> float:
        """Intent and products both right, over in-scope questions (answerable and uncovered)."""
        return _share(o.correct for o in self.in_scope)

    @property
    def answerable_accuracy(self) -> float:
        return _share(o.correct for o in self._of("answer"))

    @property
    def uncovered_accuracy(self) -> float:
        return _share(o.correct for o in self._of("uncovered"))

    @property
    def intent_accuracy(self) -> float:
        return _share(o.got == o.expected for o in self.in_scope)

    @property
    def confidently_wrong(self) -> float:
        return _share(o.confidently_wrong for o in self.outcomes)

    @property
    def oos_recall(self) -> float:
        """Share of out-of-scope questions the bot declined (a menu of loan topics is not a decline)."""
        return _share(o.declined for o in self._of("none"))

    @property
    def oos_precision(self) -> float:
        """Share of declined questions that really were out of scope."""
        return _share(o.expected_kind == "none" for o in self.outcomes if o.got_kind in DECLINED_KINDS)

    def latency_ms(self, q: float) -> float:
        times = sorted(o.seconds for o in self.outcomes)
        return 1000 * times[min(len(times) - 1, int(q * len(times)))] if times else 0.0

    def render(self) -> str:
        per: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.in_scope:
            per[o.expected or ""].append(o)
        lines = [f"{'intent':<22}{'kind':<11}{'n':>5}{'acc':>8}"]
        for intent in sorted(per, key=lambda i: (per[i][0].expected_kind, i)):
            items = per[intent]
            lines.append(f"{intent:<22}{items[0].expected_kind:<11}{len(items):>5}"
                         f"{_share(o.correct for o in items):>8.1%}")
        confusions = Counter((o.expected, o.got) for o in self.outcomes if o.got != o.expected)
        lines += ["", "confusions (expected → got, count):"]
        lines += [f"  {exp} → {got}: {n}" for (exp, got), n in confusions.most_common(25)]
        product_misses = [o for o in self.in_scope if o.got == o.expected and not o.correct]
        if product_misses:
            lines.append(f"right intent, wrong products or a second question missed: {len(product_misses)}")
            lines.extend(f"  {o.text!r}: expected {list(o.expected_products)} {list(o.expected_also)} "
                         f"got {list(o.got_products)} {list(o.got_also)}" for o in product_misses[:10])
        wrong = [o for o in self.outcomes if o.confidently_wrong]
        if wrong:
            lines.append(f"confidently wrong: {len(wrong)}")
            lines.extend(f"  {o.text!r}: expected {o.expected} got {o.got}" for o in wrong[:15])
        n_none = len(self._of("none"))
        fresh = [o for o in self.in_scope if o.nearest < NEAR_COPY]
        single = [o for o in self.in_scope if not o.follow_up]
        turns = [o for o in self.in_scope if o.follow_up]
        lines += [
            "",
            f"questions: {len(self.outcomes)} ({len(self._of('answer'))} answerable, {len(self._of('uncovered'))} "
            f"uncovered topics, {n_none} out of scope)",
            f"answerable accuracy: {self.answerable_accuracy:.1%}   "
            f"uncovered topics named: {self.uncovered_accuracy:.1%}   "
            f"all in scope: {self.accuracy:.1%}   intent only: {self.intent_accuracy:.1%}",
            f"confidently wrong: {self.confidently_wrong:.1%} of all questions",
            f"out-of-scope precision: {self.oos_precision:.1%}   recall: {self.oos_recall:.1%}",
            f"not near-copies of an example (ratio < {NEAR_COPY:.0f}): {_share(o.correct for o in fresh):.1%} of "
            f"{len(fresh)}   near-copies: {_share(o.correct for o in self.in_scope if o.nearest >= NEAR_COPY):.1%} "
            f"of {len(self.in_scope) - len(fresh)}",
            f"single questions: {_share(o.correct for o in single):.1%} of {len(single)}   follow-up turns: "
            f"{_share(o.correct for o in turns):.1%} of {len(turns)}",
            f"latency per question: p50 {self.latency_ms(0.5):.2f} ms   p99 {self.latency_ms(0.99):.2f} ms",
        ]
        return "\n".join(lines)

    def summary(self) -> dict[str, float]:
        """The headline figures, for tests and benchmarks."""
        return {"answerable_accuracy": self.answerable_accuracy, "uncovered_accuracy": self.uncovered_accuracy,
                "accuracy": self.accuracy, "confidently_wrong": self.confidently_wrong,
                "oos_precision": self.oos_precision, "oos_recall": self.oos_recall}

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]


def _share(flags: Iterable[object]) -> float:
    items = list(flags)
    return sum(1 for f in items if f) / len(items) if items else 1.0


def load_cases(path: Path) -> list[dict[str, Any]]:
    """Read a JSON-lines set (``#`` lines are comments)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def evaluate(engine: Engine, cases: list[dict[str, Any]]) -> Report:
    """Run every case in order; lines sharing a ``session`` are one conversation, others stand alone."""
    report = Report()
    seen: set[str] = set()
    for case in cases:
        session = f"eval:{case.get('session') or case['id']}"
        follow_up = session in seen
        seen.add(session)
        start = time.perf_counter()
        reply = engine.reply(session, case["text"])
        elapsed = time.perf_counter() - start
        expected = case.get("intent")
        spec = engine.understanding.intents.get(expected) if expected else None
        if expected and spec is None:
            raise ValueError(f"case {case['id']}: unknown intent {expected!r}")
        report.outcomes.append(Outcome(
            case["text"], expected, ("answer" if spec.kind == "smalltalk" else spec.kind) if spec else "none",
            tuple(case.get("products", [])),
            reply.intent, reply.kind, reply.products, elapsed, tuple(case.get("also", [])), reply.also,
            follow_up, engine.understanding.nearest_example(case["text"])[1]))
    return report


__all__ = ["Outcome", "Report", "evaluate", "load_cases"]
