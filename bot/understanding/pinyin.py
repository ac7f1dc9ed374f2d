"""Questions typed in pinyin ("weilidai zui gao neng jie duo shao", "jiebeilixi") read back as Chinese characters.

The bot's own vocabulary (the words of the intent examples and keywords, the knowledge base's wording and the
product names) is turned into toneless pinyin with ``pypinyin``; a message written in pinyin is split into
syllables (spaces are kept as boundaries, a run of letters without spaces is split into the fewest syllables)
and the syllables are read back as the vocabulary's words: the fewest words, the more frequent word on a tie,
a syllable no word covers as the vocabulary's most frequent character with that sound. The result only has to
be good enough for matching, so homophones of words the bot does not know are never an issue.

The table is built on the first pinyin message, so a bot that never gets one never imports ``pypinyin``.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

MAX_WORD_SYLLABLES = 6  # the longest word of the vocabulary looked up (微粒贷 is 3, 芝麻信用分 is 5)
MIN_LETTER_SHARE = 0.8  # a message is read as pinyin when this share of its non-space characters are letters,
# and this share of its letters are in words that split into pinyin syllables
_HANZI = re.compile(r"[\u4e00-\u9fff]")
_SYLLABLE_SPLIT = re.compile(r"[ '’\-]+")
_WORD = re.compile(r"[a-z]+")


def _glued_to_digit(text: str, match: re.Match[str]) -> bool:
    """Letters glued to a digit are a name or a unit (we2000, 2k, w2000), not pinyin."""
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return before.isdigit() or after.isdigit()


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (from pypinyin's character table; ü written as v, as people type it)."""
    from pypinyin.pinyin_dict import pinyin_dict

    out: set[str] = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            out.add(_toneless(reading))
    return frozenset(s for s in out if s.isascii() and s.isalpha())


def _toneless(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")  # lǜ → lv
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def split_syllables(run: str) -> list[str] | None:
    """A run of letters as the fewest pinyin syllables ("zuigao" → zui gao, "xian" → xian); None when it is
    not pinyin ("hello", "app")."""
    valid = syllables()
    n = len(run)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            piece = run[start:end]
            if head is not None and piece in valid:
                candidate = [*head, piece]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[n]


class PinyinReader:
    """Reads pinyin back as the words of a vocabulary (built lazily, thread-safe)."""

    def __init__(self, texts: Iterable[str], tokenize: Callable[[str], list[str]]) -> None:
        self._texts = [t for t in texts if _HANZI.search(t)]
        self._tokenize = tokenize
        self._words: dict[tuple[str, ...], str] | None = None
        self._lock = threading.Lock()

    @staticmethod
    def looks_like(text: str) -> bool:
        """A message mostly of Latin letters, with at least one stretch that reads as pinyin (the caller has
        already ruled out product names such as WE2000)."""
        visible = [ch for ch in text if not ch.isspace()]
        letters = sum(1 for ch in visible if "a" <= ch <= "z")
        if not visible or letters / len(visible) < MIN_LETTER_SHARE:
            return False
        sounding = sum(len(m.group()) for m in _WORD.finditer(text)
                       if not _glued_to_digit(text, m) and split_syllables(m.group()) is not None)
        return sounding / letters >= MIN_LETTER_SHARE

    def read(self, text: str) -> str:
        """``text`` (folded: lower case) with each stretch of pinyin replaced by Chinese characters; anything
        that is not pinyin ("app", "we2000") is left as it was."""
        words = self._table()
        out: list[str] = []
        stretch: list[str] = []  # consecutive pinyin words, separated only by spaces or apostrophes
        last = 0
        for match in _WORD.finditer(text):
            between = text[last:match.start()]
            pinyin_word = split_syllables(match.group()) is not None and not _glued_to_digit(text, match)
            if stretch and not (pinyin_word and _SYLLABLE_SPLIT.fullmatch(between)):
                out.append(self._read_run(" ".join(stretch), words))
                stretch = []
            if not stretch:  # (the separator inside a stretch is dropped: Chinese has none)
                out.append(between)
            if pinyin_word:
                stretch.append(match.group())
            else:
                out.append(match.group())
            last = match.end()
        if stretch:
            out.append(self._read_run(" ".join(stretch), words))
        out.append(text[last:])
        return "".join(out)

    # ---- internals
    def _read_run(self, run: str, words: dict[tuple[str, ...], str]) -> str:
        sounds = _run_syllables(run)
        if not sounds:
            return run
        n = len(sounds)
        # best[i]: (number of words, their text) for sounds[:i], the fewest words first
        best: list[tuple[int, str] | None] = [None] * (n + 1)
        best[0] = (0, "")
        for end in range(1, n + 1):
            for start in range(max(0, end - MAX_WORD_SYLLABLES), end):
                head = best[start]
                word = words.get(tuple(sounds[start:end]))
                if head is None or word is None:
                    continue
                candidate = (head[0] + 1, head[1] + word)
                current = best[end]
                if current is None or candidate[0] < current[0]:
                    best[end] = candidate
        result = best[n]
        return result[1] if result else run  # a sound none of the bot's words has: not pinyin ("helo" is he-lo)

    def _table(self) -> dict[tuple[str, ...], str]:
        with self._lock:
            if self._words is None:
                self._words = self._build()
            return self._words

    def _build(self) -> dict[tuple[str, ...], str]:
        from pypinyin import Style, lazy_pinyin, pinyin

        counts: Counter[str] = Counter()
        for text in self._texts:
            counts.update(t for t in self._tokenize(text) if all(_HANZI.fullmatch(ch) for ch in t))
        table: dict[tuple[str, ...], tuple[int, str]] = {}

        def offer(key: tuple[str, ...], word: str, count: int) -> None:
            if key not in table or count > table[key][0]:
                table[key] = (count, word)

        sounds: Counter[tuple[str, str]] = Counter()  # (reading, character) as read inside the words
        for word, count in counts.items():
            if len(word) > MAX_WORD_SYLLABLES:
                continue
            key = tuple(_toneless(s) for s in lazy_pinyin(word, style=Style.NORMAL))
            if len(key) != len(word):
                continue
            if len(word) > 1:
                offer(key, word, count)
            for reading, ch in zip(key, word, strict=True):
                sounds[reading, ch] += count
        for (reading, ch), count in sounds.items():
            offer((reading,), ch, count)
        for _, ch in list(sounds):  # other readings of a character only where nothing else sounds so (还: hai)
            for reading in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]:
                offer((_toneless(reading),), ch, 0)
        return {key: word for key, (_, word) in table.items()}


def _run_syllables(run: str) -> list[str] | None:
    """The syllables of a spaced or unspaced stretch of letters, or None when any part is not pinyin."""
    out: list[str] = []
    for part in _SYLLABLE_SPLIT.split(run.strip()):
        if not part:
            continue
        pieces = split_syllables(part)
        if pieces is None:
            return None
        out.extend(pieces)
    return out or None
