"""Intent matching: rapidfuzz scores of the masked, segmented question against every intent example
(vectorized with ``process.cdist``), combined with word evidence (how much of the question's
IDF-weighted vocabulary an intent's examples cover) and keyword and entity evidence.
Returns ranked candidates with scores (0–100)."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from .intents import Intent


@dataclass(frozen=True)
class Candidate:
    """One intent with its score (0–100) and the example that scored best."""

    intent: str
    score: float
    example: str


@dataclass(frozen=True)
class Form:
    """The matching forms of one text: compact characters, sorted tokens, token list."""

    chars: str
    sorted_tokens: str
    tokens: tuple[str, ...]

    @property
    def features(self) -> frozenset[str]:
        """Word evidence: jieba tokens plus character bigrams (robust to segmentation: 介绍 ~ 介绍一下)."""
        return frozenset(self.tokens) | bigrams(self.chars)


def bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


class IntentMatcher:
    """Scores a question against all examples at once and against each intent's vocabulary."""

    FUZZY_WEIGHT = 0.40  # best rapidfuzz score over the intent's examples
    COVERAGE_WEIGHT = 0.60  # share of the question's IDF weight found in the intent's vocabulary
    KNOWLEDGE_WORD_WEIGHT = 0.6  # a word known only from the knowledge base counts this much of a word from examples
    KEYWORD_BONUS = 12.0
    KEYWORD_CAP = 24.0
    ENTITY_BONUS = 6.0

    def __init__(self, intents: tuple[Intent, ...], examples: list[tuple[str, Form, str]],
                 entity_hints: dict[str, tuple[str, ...]] | None = None,
                 topic_vocabulary: dict[str, set[str]] | None = None) -> None:
        """``examples``: (intent id, matching form, original example text).

        ``entity_hints``: slot name → intents that the slot is evidence for
        (a 芝麻分 value → eligibility, overdue days → overdue_penalty …).
        ``topic_vocabulary``: intent → words of the knowledge-base facts that answer it.
        """
        self.intents = {i.id: i for i in intents}
        self._entity_hints = entity_hints or {}
        self._texts = [e[2] for e in examples]
        self._chars = [e[1].chars for e in examples]
        self._sorted = [e[1].sorted_tokens for e in examples]
        ids = [e[0] for e in examples]
        order = sorted(range(len(ids)), key=lambda i: ids[i])
        self._order = np.array(order, dtype=np.int64)
        grouped = [ids[i] for i in order]
        bounds = [0] + [k for k in range(1, len(grouped)) if grouped[k] != grouped[k - 1]]
        self._group_ids = [grouped[b] for b in bounds]
        self._starts = np.array(bounds, dtype=np.int64)
        self._ends = bounds[1:] + [len(grouped)]
        self._keywords = {i.id: tuple(k.lower() for k in i.keywords) for i in intents}
        # word evidence: the set of tokens each intent's examples use, and IDF across intents
        vocab: dict[str, dict[str, float]] = {}
        for intent_id, words in (topic_vocabulary or {}).items():
            features = set(words) | {b for w in words for b in bigrams(w)}
            vocab[intent_id] = dict.fromkeys(features, self.KNOWLEDGE_WORD_WEIGHT)
        for intent_id, form, _ in examples:
            vocab.setdefault(intent_id, {}).update(dict.fromkeys(form.features, 1.0))
        self._vocab = vocab
        df = Counter(t for words in vocab.values() for t in words)
        n = len(vocab)
        self._idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        self._unknown_idf = math.log((n + 1) / 0.5)

    def coverage(self, features: frozenset[str]) -> dict[str, float]:
        """Per intent: the IDF-weighted share of the question's words and bigrams its vocabulary holds (0–1)."""
        weights = [(t, self._idf.get(t, self._unknown_idf)) for t in features]
        total = sum(w for _, w in weights)
        if total <= 0:
            return {i: 0.0 for i in self._group_ids}
        out = {}
        for intent_id in self._group_ids:
            known = self._vocab.get(intent_id, {})
            out[intent_id] = sum(w * known.get(t, 0.0) for t, w in weights) / total
        return out

    def unknown_share(self, form: Form) -> float:
        """The IDF-weighted share of the question's words that no intent knows (0–1): high for off-topic text."""
        weights = [(t, self._idf.get(t, self._unknown_idf)) for t in form.features]
        total = sum(w for _, w in weights)
        return sum(w for t, w in weights if t not in self._idf) / total if total else 1.0

    def rank(self, form: Form, folded: str, slots: frozenset[str] = frozenset(), limit: int = 5) -> list[Candidate]:
        """Intents ranked by combined score, best first."""
        if not self._group_ids or not form.chars:
            return []
        by_chars = process.cdist([form.chars], self._chars, scorer=fuzz.ratio, dtype=np.float32)[0]
        by_tokens = process.cdist([form.sorted_tokens], self._sorted, scorer=fuzz.ratio, dtype=np.float32)[0]
        combined = np.maximum(by_chars, by_tokens)[self._order]
        best = np.maximum.reduceat(combined, self._starts)
        cover = self.coverage(form.features)
        hinted = {i for s in slots for i in self._entity_hints.get(s, ())}
        scored = []
        for k, intent_id in enumerate(self._group_ids):
            s, e = int(self._starts[k]), self._ends[k]
            example = self._texts[int(self._order[s + int(np.argmax(combined[s:e]))])]
            hits = sum(1 for kw in self._keywords[intent_id] if kw in folded)
            score = (self.FUZZY_WEIGHT * float(best[k]) + self.COVERAGE_WEIGHT * 100 * cover[intent_id]
                     + min(self.KEYWORD_CAP, self.KEYWORD_BONUS * hits)
                     + (self.ENTITY_BONUS if intent_id in hinted else 0.0))
            scored.append(Candidate(intent_id, min(100.0, score), example))
        scored.sort(key=lambda c: -c.score)
        return scored[:limit]
