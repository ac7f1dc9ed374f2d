"""Intent matching: rapidfuzz scores of the masked, segmented question against the examples of the intents
that the other evidence shortlists (``process.extractOne`` per intent), combined with word evidence (how much
of the question's IDF-weighted vocabulary an intent's examples cover) and keyword and entity evidence.
Returns ranked candidates with scores (0–100).

Plain Python over about 40 intents: numpy's import alone cost ~45 ms of the bot's ~0.45 s start and ~15 MiB
of its memory (benchmarks/). Fuzzy scores are rounded to float32 as they were when computed with numpy, so
near-ties between examples and intents fall as they did."""
from __future__ import annotations

import math
import struct
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..memo import Memo
from .intents import Intent, occurs


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


# (ranked candidates, unknown share, intents passed over at the top for lack of a word they require)
Analysis = tuple[tuple[Candidate, ...], float, tuple[str, ...]]
_FLOAT32 = struct.Struct("f")


def float32(value: float) -> float:
    """``value`` rounded to single precision, as the fuzzy scores were when numpy computed them."""
    return _FLOAT32.unpack(_FLOAT32.pack(value))[0]


class WordIndex:
    """Words, each with a value, by their first two characters (one-character words by that character): a text's
    character pairs name the few words worth a search, where a scan would try every word."""

    def __init__(self, items: Iterable[tuple[str, int]]) -> None:
        self._by_start: dict[str, list[tuple[str, int]]] = {}
        for word, value in items:
            self._by_start.setdefault(word[:2], []).append((word, value))

    @staticmethod
    def starts(text: str) -> set[str]:
        """The text's characters and character pairs: what a word in it can start with (computed once a text)."""
        return {text[i:i + 2] for i in range(len(text) - 1)} | set(text)

    def candidates(self, starts: set[str]) -> list[tuple[str, int]]:
        """(word, value) of every word that starts with one of ``starts``; whether the word itself occurs is the
        caller's test ("in", or ``occurs`` for A不A questions)."""
        by_start = self._by_start
        return [item for start in starts & by_start.keys() for item in by_start[start]]  # the & runs in C


class IntentMatcher:
    """Scores a question against each intent's vocabulary, and against the examples of the intents that
    evidence shortlists."""

    FUZZY_WEIGHT = 0.40  # best rapidfuzz score over the intent's examples
    COVERAGE_WEIGHT = 0.60  # share of the question's IDF weight found in the intent's vocabulary
    FUZZY_SHORTLIST = 12  # intents whose examples get the (costlier) fuzzy scorers, best by the other evidence
    KNOWLEDGE_WORD_WEIGHT = 0.6  # a word known only from the knowledge base counts this much of a word from examples
    UNKNOWN_PAIR_WEIGHT = 1.0  # an unknown character pair (mostly across two words) counts this much, a word fully
    KEYWORD_BONUS = 12.0
    KEYWORD_CAP = 24.0
    ENTITY_BONUS = 6.0
    MEMO_SIZE = 4096  # distinct (masked question, keywords, slots) results kept

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
        ids = [e[0] for e in examples]
        order = sorted(range(len(ids)), key=lambda i: ids[i])
        grouped = [ids[i] for i in order]
        bounds = [0] + [k for k in range(1, len(grouped)) if grouped[k] != grouped[k - 1]]
        ends = [*bounds[1:], len(grouped)]
        spans = [order[s:e] for s, e in zip(bounds, ends, strict=True)]
        self._group_ids = [grouped[b] for b in bounds]
        self._group_chars = [[self._chars[i] for i in span] for span in spans]
        self._group_sorted = [[examples[i][1].sorted_tokens for i in span] for span in spans]
        self._group_texts = [[self._texts[i] for i in span] for span in spans]
        position = {intent_id: k for k, intent_id in enumerate(self._group_ids)}
        # the cue words and the required words, each with its intent's position (found through ``WordIndex``)
        self._keywords = WordIndex((keyword, position[i.id]) for i in intents if i.id in position
                                   for keyword in i.cue_words())
        required = {i.id for i in intents if i.keyword_required}
        self._gated = [g in required for g in self._group_ids]
        self._requiring = tuple(position[i.id] for i in intents if i.requires and i.id in position)
        self._required = WordIndex((word.lower(), position[i.id]) for i in intents if i.id in position
                                   for word in i.requires)
        self._hinted = {slot: tuple(k for k, g in enumerate(self._group_ids) if g in ids)
                        for slot, ids in self._entity_hints.items()}
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
        # feature → (intent position, IDF × the intent's weight of it) for the intents that have it: coverage
        # of an intent is the sum of its entries over the question's features
        postings: dict[str, list[tuple[int, float]]] = {}
        for k, group in enumerate(self._group_ids):
            for t, weight in vocab.get(group, {}).items():
                postings.setdefault(t, []).append((k, weight * self._idf[t]))
        self._postings = {t: tuple(entries) for t, entries in postings.items()}
        self._hinted_slots = frozenset(self._hinted)
        self._memo: Memo[tuple[object, ...], Analysis] = Memo(self.MEMO_SIZE)

    def _weights(self, form: Form) -> tuple[list[float], float, float]:
        """(IDF-weighted hits per intent, total weight, unknown share) of the question's features.

        For coverage an unknown character pair (mostly one across two words) weighs UNKNOWN_PAIR_WEIGHT and an
        unknown word the full unknown IDF; the unknown share (off-topic evidence) counts every unknown feature
        in full."""
        features, postings = form.features, self._postings
        rows = sorted(t for t in features if t in postings)  # a set's order changes with PYTHONHASHSEED: sums must not
        unknown_words = sum(1 for t in set(form.tokens) if t not in postings)
        unknown_pairs = len(features) - len(rows) - unknown_words
        unknown = unknown_words * self._unknown_idf + unknown_pairs * self.UNKNOWN_PAIR_WEIGHT
        unknown_full = (len(features) - len(rows)) * self._unknown_idf
        hits = [0.0] * len(self._group_ids)
        if not rows:
            return hits, unknown, 1.0 if unknown_full else 0.0
        for t in rows:
            for k, weight in postings[t]:
                hits[k] += weight
        known = sum(self._idf[t] for t in rows)
        return hits, known + unknown, unknown_full / (known + unknown_full)

    def analyse(self, form: Form, folded: str, slots: frozenset[str] = frozenset(),
                limit: int = 5) -> tuple[list[Candidate], float, tuple[str, ...]]:
        """Ranked candidates, the unknown share and the intents passed over at the top for lack of a word they
        ``require``, from one pass over the question's features.

        Memoized on what the result depends on: the masked form, the keywords found in the folded text
        and the hinted slots, so "借1万用30天" and "借2万用60天" are matched once."""
        if not self._group_ids or not form.chars:
            return [], 1.0, ()
        starts = WordIndex.starts(folded)
        keywords = self._keyword_hits(folded, starts)
        hinted = slots & self._hinted_slots
        barred = self._barred(folded, hinted, starts)
        candidates, unknown, passed = self._memo.get((form.chars, keywords, hinted, barred, limit),
                                                     lambda: self._analyse(form, keywords, hinted, barred, limit))
        return list(candidates), unknown, passed

    def _barred(self, folded: str, hinted: frozenset[str], starts: set[str]) -> tuple[int, ...]:
        """The intents that have none of the words they ``require``; a sum of money that an intent takes (an
        amount in its ``hints``: "WE2000能借5k吗") stands for such a word. A day does not: "第一天忘了" is no
        question about repaying early. ``starts``: ``WordIndex.starts(folded)``."""
        met = {k for word, k in self._required.candidates(starts) if word in folded}
        if "amount" in hinted:
            met.update(self._hinted["amount"])
        return tuple(k for k in self._requiring if k not in met)

    def shared_weight(self, tokens: Iterable[str], intent: str) -> float:
        """IDF weight of the question's words that the intent's vocabulary also holds (words common to every
        intent, such as 怎么, weigh almost nothing): how much the question and the intent talk about the same thing."""
        vocab = self._vocab.get(intent, {})
        return sum(self._idf[t] for t in set(tokens) if t in vocab)

    def nearest(self, form: Form) -> tuple[str, float]:
        """The example whose characters are closest to the form's (rapidfuzz ratio 0–100)."""
        match = process.extractOne(form.chars, self._chars, scorer=fuzz.ratio) if self._chars else None
        return (self._texts[match[2]], float(match[1])) if match else ("", 0.0)

    def _keyword_hits(self, folded: str, starts: set[str]) -> tuple[int, ...]:
        """Positions of the intents whose keywords occur in the text (once per keyword found).

        The longest cue wins: a keyword inside a longer keyword of another intent that is also found does not
        count ("身份证过期" is an account problem, not 过期 = overdue; "理财通" is not 理财). ``starts``:
        ``WordIndex.starts(folded)``."""
        found = [(keyword, k) for keyword, k in self._keywords.candidates(starts) if occurs(keyword, folded)]
        kept = [k for keyword, k in found
                if not any(keyword != other and keyword in other and k != j for other, j in found)]
        return tuple(sorted(kept))

    def _analyse(self, form: Form, keywords: tuple[int, ...], slots: frozenset[str], barred: tuple[int, ...],
                 limit: int) -> Analysis:
        hits, total, unknown = self._weights(form)
        keyword_hits = Counter(keywords)
        coverage = self.COVERAGE_WEIGHT * 100
        score = [coverage * (h / total if total else h) + min(self.KEYWORD_CAP, self.KEYWORD_BONUS * keyword_hits[k])
                 for k, h in enumerate(hits)]
        for slot in slots:
            for k in self._hinted[slot]:
                score[k] += self.ENTITY_BONUS
        for k, gated in enumerate(self._gated):
            if gated and not keyword_hits[k]:  # keyword_required and none present
                score[k] = 0.0
        # fuzzy scores only for the intents the other evidence puts on a shortlist; the best example of each
        ranked = sorted(range(len(score)), key=lambda k: -score[k])  # stable: ties keep the intents' order
        fuzzy_weight = float32(self.FUZZY_WEIGHT)
        examples = {}
        for k in ranked[: self.FUZZY_SHORTLIST]:
            best, index = self._best_example(form, k)
            score[k] += float32(fuzzy_weight * best)
            examples[k] = self._group_texts[k][index]
        score = [min(s, 100.0) for s in score]
        ranked = sorted(range(len(score)), key=lambda k: -score[k])
        # an intent with none of the words it ``requires`` cannot lead; further down it stays as a rival, so the
        # margins of the others are as they were
        passed = []
        while ranked and ranked[0] in barred:
            passed.append(self._group_ids[ranked.pop(0)])
        out = tuple(Candidate(self._group_ids[k], score[k], examples.get(k, "")) for k in ranked[:limit])
        return out, unknown, tuple(passed)

    def _best_example(self, form: Form, k: int) -> tuple[float, int]:
        """The best fuzzy score (float32) of the question against intent ``k``'s examples, by characters or
        by sorted tokens, and the first example that has it."""
        _, by_chars, at_chars = process.extractOne(form.chars, self._group_chars[k], scorer=fuzz.ratio)
        _, by_tokens, at_tokens = process.extractOne(form.sorted_tokens, self._group_sorted[k], scorer=fuzz.ratio)
        by_chars, by_tokens = float32(by_chars), float32(by_tokens)
        if by_chars != by_tokens:
            return (by_chars, at_chars) if by_chars > by_tokens else (by_tokens, at_tokens)
        return by_chars, min(at_chars, at_tokens)
