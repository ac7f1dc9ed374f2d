"""Every fact of knowledge/ is reachable: three everyday questions per fact (tests/data/facts.jsonl, written
apart from the fact's wording and from the intent examples) are asked as a new user would ask them, each in a
fresh conversation, and what the user sees is checked: the reply is the expected kind of answer (its intent) and
the fact itself (its wording, or its figure together with its label) is in the reply or in its full version.

A fact added to knowledge/ without questions fails ``test_every_fact_has_three_questions``."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.knowledge import load_knowledge
from bot.knowledge.labels import format_value
from bot.knowledge.models import Fact
from bot.reply import Reply
from tests.conftest import KNOWLEDGE, fresh_engine

FACTS_SET = Path(__file__).parent / "data" / "facts.jsonl"
QUESTIONS_PER_FACT = 3
PASSING_PER_FACT = 2  # of a fact's questions at least this many reach it
# Share of the questions that reach their fact, over the facts an answer can show (BLOCKED aside): measured
# 98.0 % (350 of 357); the floor keeps it from slipping. Issue #11's target, 95 % of all questions, is met:
# 97.5 % (351 of 360), checked by ``test_issue_target``.
FLOOR = 0.980
TARGET = 0.95

KB = load_knowledge(KNOWLEDGE)
FACTS = {f.id: f for f in KB.facts}
CASES = [json.loads(line) for line in FACTS_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
BY_FACT: dict[str, list[dict]] = defaultdict(list)
for _case in CASES:
    BY_FACT[_case["fact"]].append(_case)

# Facts the answers cannot show yet whatever the question: the composer has to change (bot/dialogue/answers.py),
# not the intents. Strict: once the answer shows them, these tests fail until the mark is removed.
BLOCKED: dict[str, str] = {
    "weilidai.service.products.d003": "no answer lists the `service` topic (business_stats lists other topics)",
}
# Facts whose answer and labels disagree (dev.jsonl files "微粒贷每天授信多少笔" under business_stats, whose
# answer does not list it).
WAITING: dict[str, str] = {
    "weilidai.application.scale.d003": "授信规模 is listed by how_to_apply/approval_time, asked as business_stats",
}

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def shown(fact: Fact, reply: Reply) -> bool:
    """Whether the user can read ``fact`` in the reply (short or full version): its wording, or its figure's
    numbers together with its label."""
    full = f"{reply.text}\n{reply.detail or ''}"
    if fact.text in full:
        return True
    figure = format_value(fact)
    marks = _NUMBER.findall(figure) or ([figure] if figure else [])
    if not marks:
        return False  # a fact without a figure is shown by its wording
    found = all(re.search(rf"(?<![\d.]){re.escape(m)}(?![\d])", full) for m in marks)
    return found and (not fact.label or fact.label in full)


def reaches(engine: Engine, case: dict) -> bool:
    """The question, asked in a new conversation, gets the expected intent and shows its fact."""
    reply = engine.reply(f"facts-{case['id']}", case["text"])
    return reply.intent == case["intent"] and shown(FACTS[case["fact"]], reply)


@pytest.fixture(scope="session")
def outcomes() -> dict[int, bool]:
    engine = fresh_engine()
    return {case["id"]: reaches(engine, case) for case in CASES}


def test_every_fact_has_three_questions() -> None:
    few = {fid: len(BY_FACT.get(fid, [])) for fid in FACTS if len(BY_FACT.get(fid, [])) < QUESTIONS_PER_FACT}
    assert not few, f"facts without {QUESTIONS_PER_FACT} questions in {FACTS_SET.name}: {few}"
    unknown = sorted(set(BY_FACT) - set(FACTS))
    assert not unknown, f"questions about facts that no longer exist: {unknown}"


def test_questions_are_labeled_with_an_intent_that_answers_the_fact(engine: Engine) -> None:
    """The expected intent of each question is one whose topics include its fact's topic."""
    topics = {i.id: {*i.topics, *i.shows} for i in engine.intents}
    wrong = [f"{c['id']} {c['text']}: {c['intent']}" for c in CASES
             if FACTS[c["fact"]].topic not in topics.get(c["intent"], set())]
    assert not wrong, "\n".join(wrong)


def _share(outcomes: dict[int, bool], cases: list[dict]) -> tuple[float, str]:
    share = sum(outcomes[c["id"]] for c in cases) / len(cases)
    missed = [f"{c['fact']}: {c['text']} (expected {c['intent']})" for c in cases if not outcomes[c["id"]]]
    return share, f"{share:.1%} of {len(cases)} questions reach their fact; missed:\n" + "\n".join(missed)


def test_questions_reach_their_facts(outcomes: dict[int, bool]) -> None:
    share, report = _share(outcomes, [c for c in CASES if c["fact"] not in BLOCKED])
    assert share >= FLOOR, report


def test_issue_target(outcomes: dict[int, bool]) -> None:
    share, report = _share(outcomes, CASES)
    assert share >= TARGET, report


@pytest.mark.parametrize("fact_id", [
    pytest.param(fid, marks=pytest.mark.xfail(strict=True, reason=(BLOCKED | WAITING)[fid]))
    if fid in BLOCKED or fid in WAITING else fid
    for fid in sorted(FACTS)])
def test_each_fact_is_reached_by_most_of_its_questions(outcomes: dict[int, bool], fact_id: str) -> None:
    cases = BY_FACT[fact_id]
    passed = [c["text"] for c in cases if outcomes[c["id"]]]
    failed = [c["text"] for c in cases if not outcomes[c["id"]]]
    assert len(passed) >= PASSING_PER_FACT, f"{fact_id} ({FACTS[fact_id].text}) is not reached by: {failed}"
