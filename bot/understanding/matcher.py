"""Intent matching: rapidfuzz scores of the masked, segmented question against every intent example
(vectorized with ``process.cdist``), combined with word evidence (how much of the question's
IDF-weighted vocabulary an intent's examples cover) and keyword and entity evidence.
Returns ranked candidates with scores (0–100)."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate, chain

import numpy as np
from rapidfuzz import fuzz, process

from ..memo import Memo
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
    FUZZY_SHORTLIST = 12  # intents whose examples get the (costlier) fuzzy scorers, best by the other evidence
    KNOWLEDGE_WORD_WEIGHT = 0.6  # a word known only from the knowledge base counts this much of a word from examples
    UNKNOWN_PAIR_WEIGHT = 1.0  # an unknown character pair (mostly across two words) counts this much, a word fully
    KEYWORD_BONUS = 12.0
    KEYWORD_CAP = 24.0
    ENTITY_BONUS = 6.0
    MEMO_SIZE = 4096  # distinct (masked question, keywords, slots) results kept
    CHOICES_SIZE = 256  # shortlists' example lists kept (~10 KiB each; rebuilding one takes ~10 µs)

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
        grouped = [ids[i] for i in order]
        bounds = [0] + [k for k in range(1, len(grouped)) if grouped[k] != grouped[k - 1]]
        self._group_ids = [grouped[b] for b in bounds]
        self._ends = [*bounds[1:], len(grouped)]
        self._group_chars = [[self._chars[i] for i in order[s:e]] for s, e in zip(bounds, self._ends, strict=True)]
        self._group_sorted = [[self._sorted[i] for i in order[s:e]] for s, e in zip(bounds, self._ends, strict=True)]
        self._group_texts = [[self._texts[i] for i in order[s:e]] for s, e in zip(bounds, self._ends, strict=True)]
        position = {intent_id: k for k, intent_id in enumerate(self._group_ids)}
        self._keywords_by_first: dict[str, list[tuple[str, int]]] = {}
        for intent in intents:
            for keyword in intent.keywords if intent.id in position else ():
                keyword = keyword.lower()
                self._keywords_by_first.setdefault(keyword[0], []).append((keyword, position[intent.id]))
        required = {i.id for i in intents if i.keyword_required}
        self._gated = np.array([g in required for g in self._group_ids], dtype=bool)
        self._hint_vectors = {
            slot: np.array([1.0 if g in ids else 0.0 for g in self._group_ids])
            for slot, ids in self._entity_hints.items()
        }
        # word evidence: each intent's vocabulary (examples weigh 1, knowledge-base words less) and IDF across intents
        vocab: dict[str, dict[str, float]] = {}
        for intent_id, words in (topic_vocabulary or {}).items():
            features = set(words) | {b for w in words for b in bigrams(w)}
            vocab[intent_id] = dict.fromkeys(features, self.KNOWLEDGE_WORD_WEIGHT)
        for intent_id, form, _ in examples:
            vocab.setdefault(intent_id, {}).update(dict.fromkeys(form.features, 1.0))
        for intent in intents:  # a cue keyword is the intent's own word, even where no example uses it
            if intent.id in vocab:
                for keyword in intent.keywords:
                    vocab[intent.id].update(dict.fromkeys({keyword.lower(), *bigrams(keyword.lower())}, 1.0))
        self._vocab = vocab
        df = Counter(t for words in vocab.values() for t in words)
        n = len(vocab)
        self._idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        self._unknown_idf = math.log((n + 1) / 0.5)
        # feature → row of IDF × per-intent weight (columns aligned with _group_ids): coverage is a row sum
        ordered = sorted(df)
        self._row = {t: i for i, t in enumerate(ordered)}
        self._row_idf = np.array([self._idf[t] for t in ordered])
        self._matrix = np.zeros((len(ordered), len(self._group_ids)))
        for column, group in enumerate(self._group_ids):  # only the words an intent has: a sparse fill
            weights = vocab.get(group, {})
            if weights:
                rows = np.fromiter((self._row[t] for t in weights), dtype=np.int64, count=len(weights))
                self._matrix[rows, column] = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
        self._matrix *= self._row_idf[:, None]
        self._hinted_slots = frozenset(self._hint_vectors)
        self._memo: Memo[tuple[object, ...], tuple[tuple[Candidate, ...], float]] = Memo(self.MEMO_SIZE)
        self._choices: Memo[tuple[int, ...], tuple[list[str], list[str], list[int]]] = Memo(self.CHOICES_SIZE)

    def _weights(self, form: Form) -> tuple[np.ndarray, float, float]:
        """(IDF-weighted hits per intent, total weight, unknown share) of the question's features.

        For coverage an unknown character pair (mostly one across two words) weighs UNKNOWN_PAIR_WEIGHT and an
        unknown word the full unknown IDF; the unknown share (off-topic evidence) counts every unknown feature
        in full."""
        features = form.features
        rows = [self._row[t] for t in features if t in self._row]
        unknown_words = sum(1 for t in set(form.tokens) if t not in self._row)
        unknown_pairs = len(features) - len(rows) - unknown_words
        unknown = unknown_words * self._unknown_idf + unknown_pairs * self.UNKNOWN_PAIR_WEIGHT
        unknown_full = (len(features) - len(rows)) * self._unknown_idf
        if not rows:
            return np.zeros(len(self._group_ids)), unknown, 1.0 if unknown_full else 0.0
        known = float(self._row_idf.take(rows).sum())
        return self._matrix.take(rows, axis=0).sum(axis=0), known + unknown, unknown_full / (known + unknown_full)

    def analyse(self, form: Form, folded: str, slots: frozenset[str] = frozenset(),
                limit: int = 5) -> tuple[list[Candidate], float]:
        """Ranked candidates and the unknown share, from one pass over the question's features.

        Memoized on what the result depends on: the masked form, the keywords found in the folded text
        and the hinted slots, so "借1万用30天" and "借2万用60天" are matched once."""
        if not self._group_ids or not form.chars:
            return [], 1.0
        keywords = self._keyword_hits(folded)
        hinted = slots & self._hinted_slots
        candidates, unknown = self._memo.get((form.chars, keywords, hinted, limit),
                                             lambda: self._analyse(form, keywords, hinted, limit))
        return list(candidates), unknown

    def shared_weight(self, tokens: Iterable[str], intent: str) -> float:
        """IDF weight of the question's words that the intent's vocabulary also holds (words common to every
        intent, such as 怎么, weigh almost nothing): how much the question and the intent talk about the same thing."""
        vocab = self._vocab.get(intent, {})
        return sum(self._idf[t] for t in set(tokens) if t in vocab)

    def nearest(self, form: Form) -> tuple[str, float]:
        """The example whose characters are closest to the form's (rapidfuzz ratio 0–100)."""
        match = process.extractOne(form.chars, self._chars, scorer=fuzz.ratio) if self._chars else None
        return (self._texts[match[2]], float(match[1])) if match else ("", 0.0)

    def _keyword_hits(self, folded: str) -> tuple[int, ...]:
        """Positions of the intents whose keywords occur in the text (once per keyword found).

        The longest cue wins: a keyword inside a longer keyword of another intent that is also found does not
        count ("身份证过期" is an account problem, not 过期 = overdue; "理财通" is not 理财)."""
        found = [(keyword, k) for first in set(folded) for keyword, k in self._keywords_by_first.get(first, ())
                 if keyword in folded]
        kept = [k for keyword, k in found
                if not any(keyword != other and keyword in other and k != j for other, j in found)]
        return tuple(sorted(kept))

    def _analyse(self, form: Form, keywords: tuple[int, ...], slots: frozenset[str],
                 limit: int) -> tuple[tuple[Candidate, ...], float]:
        hits, total, unknown = self._weights(form)
        cover = hits / total if total else hits
        keyword_hits = np.bincount(np.array(keywords, dtype=np.int64), minlength=len(self._group_ids))
        score = self.COVERAGE_WEIGHT * 100 * cover + np.minimum(self.KEYWORD_CAP, self.KEYWORD_BONUS * keyword_hits)
        for slot in slots:
            score = score + self.ENTITY_BONUS * self._hint_vectors[slot]
        score = np.where(self._gated & (keyword_hits == 0), 0.0, score)  # keyword_required and none present
        # fuzzy scores only for the intents the other evidence puts on a shortlist
        shortlist = np.argsort(-score, kind="stable")[: self.FUZZY_SHORTLIST]
        shortlisted = tuple(shortlist.tolist())
        chars, tokens, starts = self._choices.get(shortlisted, lambda: self._choices_of(shortlisted))
        by_chars = process.cdist([form.chars], chars, scorer=fuzz.ratio, dtype=np.float32)[0]
        by_tokens = process.cdist([form.sorted_tokens], tokens, scorer=fuzz.ratio, dtype=np.float32)[0]
        combined = np.maximum(by_chars, by_tokens)
        score[shortlist] += self.FUZZY_WEIGHT * np.maximum.reduceat(combined, starts)
        score = np.minimum(score, 100.0)
        where = dict(zip(shortlisted, starts, strict=True))
        out = []
        for k in np.argsort(-score, kind="stable")[:limit].tolist():
            example = ""
            if k in where:
                part = combined[where[k]:where[k] + len(self._group_chars[k])]
                example = self._group_texts[k][int(part.argmax())]
            out.append(Candidate(self._group_ids[k], float(score[k]), example))
        return tuple(out), unknown

    def _choices_of(self, shortlisted: tuple[int, ...]) -> tuple[list[str], list[str], list[int]]:
        """The shortlisted intents' examples (characters, sorted tokens) in one list each, and where each intent
        starts."""
        chars = list(chain.from_iterable(self._group_chars[k] for k in shortlisted))
        tokens = list(chain.from_iterable(self._group_sorted[k] for k in shortlisted))
        starts = list(accumulate([len(self._group_chars[k]) for k in shortlisted[:-1]], initial=0))
        return chars, tokens, starts
