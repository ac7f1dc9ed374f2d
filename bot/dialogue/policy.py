"""Thresholds that turn ranked candidates into a decision: answer, suggest, or not understood."""
from __future__ import annotations

from dataclasses import dataclass

ANSWER_SCORE = 45.0  # top score at or above this, with a clear margin → answer
ANSWER_MARGIN = 2.0  # … or the top is this far ahead of the runner-up
CONFIDENT_SCORE = 65.0  # at or above this the margin does not matter
SUGGEST_SCORE = 40.0  # between this and ANSWER_SCORE → "你是不是想问…"
# With domain evidence (a product or platform is named) the question is surely about loans: a lower bar.
DOMAIN_ANSWER_SCORE = 36.0
DOMAIN_SUGGEST_SCORE = 28.0
# Without domain evidence, a question most of whose word weight no intent knows gets no suggestions.
OFF_TOPIC_SHARE = 0.6
# Outside a conversation and without a product or platform named, a question half of whose word weight no intent
# knows is not answered at all.
OFF_TOPIC_ANSWER_SHARE = 0.45
# … and inside a conversation (where short follow-ups such as "哪个维度权重最高" lean on the context) from this share.
CONVERSATION_OFF_TOPIC_SHARE = 0.58
# The slots each calculating intent uses; a follow-up that brings other slots is a new question.
INTENT_SLOTS: dict[str, frozenset[str]] = {
    "interest_cost": frozenset({"amount", "days", "months", "bound"}),
    "installment": frozenset({"amount", "months", "days", "bound"}),
    "overdue_penalty": frozenset({"amount", "overdue_days", "days", "bound"}),
    "prepayment": frozenset({"amount", "days", "months", "repay_day", "bound"}),
    "max_amount": frozenset({"amount"}),
    "eligibility": frozenset({"score"}),
    "zhima_requirement": frozenset({"score"}),
}
FOLLOW_UP_RESIDUE = 2  # a message whose residue is at most this long may be a follow-up


@dataclass(frozen=True)
class Decision:
    kind: str  # "answer" | "suggest" | "none"
    intent: str | None
    confidence: float
    reason: str = ""  # which rule decided, in words (``ask --explain``)


def decide(scores: list[tuple[str, float]], domain: bool = False, unknown: float = 0.0,
           named: bool = False, conversation: bool = False) -> Decision:
    """Answer, suggest or decline from the ranked (intent, score) list.

    ``domain``: a product, platform or live conversation makes the question likely about loans.
    ``unknown``: the share of the question's words that no intent knows.
    ``named``: a loan product is named; only then may mostly-unknown text be answered or get suggestions.
    ``conversation``: a previous question is live (short follow-ups lean on it).
    """
    if not scores:
        return Decision("none", None, 0.0, "no intent scored")
    top_intent, top = scores[0]
    runner = scores[1][1] if len(scores) > 1 else 0.0
    answer, suggest = (DOMAIN_ANSWER_SCORE, DOMAIN_SUGGEST_SCORE) if domain else (ANSWER_SCORE, SUGGEST_SCORE)
    bars = f"(bars: answer {answer:g}, suggest {suggest:g}{' — product, platform or conversation' if domain else ''})"
    off_topic = CONVERSATION_OFF_TOPIC_SHARE if conversation else OFF_TOPIC_ANSWER_SHARE
    if not named and unknown >= off_topic and top < CONFIDENT_SCORE:
        # "周末去哪玩比较好": one cue word in a sentence about something else
        return Decision("none", None, top / 100, f"off topic: {unknown:.0%} of the word weight is unknown to every "
                        f"intent (≥ {off_topic:.0%}), no product named and top {top:.1f} < {CONFIDENT_SCORE:g}")
    if top >= CONFIDENT_SCORE:
        return Decision("answer", top_intent, top / 100, f"answer: top {top:.1f} ≥ {CONFIDENT_SCORE:g}")
    if top >= answer and top - runner >= ANSWER_MARGIN:
        return Decision("answer", top_intent, top / 100,
                        f"answer: top {top:.1f} ≥ {answer:g} and {top - runner:.1f} ahead of the next {bars}")
    if top >= suggest and (named or unknown < OFF_TOPIC_SHARE):
        return Decision("suggest", top_intent, top / 100, f"suggest: top {top:.1f} between {suggest:g} and the answer "
                        f"bar, or too close to the next {bars}")
    return Decision("none", None, top / 100, f"decline: top {top:.1f} below {suggest:g} {bars}")
