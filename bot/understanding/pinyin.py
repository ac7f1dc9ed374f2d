"""Questions typed in pinyin ("weilidai zui gao neng jie duo shao", "jiebeilixi") read back as Chinese characters.

The bot's own vocabulary (the words of the intent examples and keywords, the knowledge base's wording and the
product names) is turned into toneless pinyin with the character table of ``pypinyin``; a message written in
pinyin is split into syllables (spaces are kept as boundaries, a run of letters without spaces is split into the
fewest syllables) and the syllables are read back as the vocabulary's words: the fewest words, the more frequent
word on a tie, a lone syllable as the vocabulary's most frequent character with that sound. A stretch with a
sound none of the bot's words has is left as typed. The result only has to be good enough for matching, so
homophones of words the bot does not know are never an issue.

Only pypinyin's character table (a JSON file, scanned for the characters needed) is used, not the package:
importing ``pypinyin`` loads its phrase dictionary too (+55 MB resident). A word's reading is its characters'
first readings, plus each variant where one character takes another reading (还款 is hai-kuan and huan-kuan).
Nothing is read before the first message that looks like pinyin. What that first message builds (the set of
syllables, the vocabulary's table) is kept in the cache folder for the next run, keyed on pypinyin's table and
on the vocabulary and its segmentation, and shared by every engine of the process built from the same words
(a rebuild after an edit of one intent), so only the first message after an install or a change waits for it.
"""
from __future__ import annotations

import hashlib
import importlib.util
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .cachefiles import prune, read_json, write_json
from .dictionary import cache_dir

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


_ENTRY = re.compile(r'"(\d+)":\s*"([^"]*)"')


def _table_file() -> Path:
    """pypinyin's character table (pinyin_dict.json)."""
    spec = importlib.util.find_spec("pypinyin")  # finding the package does not import it
    if spec is None or spec.origin is None:
        raise RuntimeError("pypinyin is not installed")
    return Path(spec.origin).parent / "pinyin_dict.json"


def _character_table() -> Iterator[tuple[str, str]]:
    """pypinyin's pinyin_dict.json, entry by entry: (character, readings with tone marks, most common first).

    Scanned rather than parsed, so that only the entries kept cost memory (a parsed table is ~12 MB)."""
    for match in _ENTRY.finditer(_table_file().read_text(encoding="utf-8")):
        yield chr(int(match.group(1))), match.group(2)


def _cache_file(kind: str, *parts: str) -> Path:
    """Where a table derived from pypinyin's (and ``parts``) is kept between runs."""
    source = _table_file()
    stat = source.stat()
    digest = hashlib.sha1(f"{CACHE_SCHEMA}|{source}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    return cache_dir() / f"pinyin-{kind}-{digest.hexdigest()[:16]}.json"


def _readings(readings: str) -> tuple[str, ...]:
    """Toneless readings, most common first."""
    return tuple(dict.fromkeys(_toneless(r) for r in readings.split(",") if r))


_SYLLABLES: frozenset[str] | None = None
_SYLLABLES_LOCK = threading.Lock()
CACHE_SCHEMA = 2  # bumped when what the kept tables hold, or how they are derived, changes
KEPT_TABLES = 2  # vocabulary tables held by the process (engines built from different words)
_TABLES: dict[str, dict[tuple[str, ...], str]] = {}  # by the name of their file in the cache folder
_TABLES_LOCK = threading.Lock()


def syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (ü written as v, as people type it)."""
    global _SYLLABLES
    with _SYLLABLES_LOCK:
        if _SYLLABLES is None:
            _SYLLABLES = _load_syllables()
        return _SYLLABLES


def _load_syllables() -> frozenset[str]:
    path = _cache_file("syllables")
    saved = read_json(path)
    if isinstance(saved, list) and saved and all(isinstance(r, str) for r in saved):
        return frozenset(saved)
    sounds = {r for _, readings in _character_table() for r in _readings(readings)}
    found = frozenset(r for r in sounds if r.isascii() and r.isalpha())
    if write_json(path, sorted(found)):
        prune(path.parent, "pinyin-syllables-*.json", keep=path)
    return found


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

    def __init__(self, texts: Iterable[str], tokenize: Callable[[str], list[str]],
                 segmentation: Callable[[], str] = lambda: "") -> None:
        """``segmentation()``: what ``tokenize`` depends on (the tokenizer's dictionary and taught words), at
        the time the table is built; with the texts it keys the table kept between runs and engines."""
        self._texts = [t for t in texts if _HANZI.search(t)]
        self._tokenize = tokenize
        self._segmentation = segmentation
        self._words: dict[tuple[str, ...], str] | None = None
        self._lock = threading.Lock()

    @staticmethod
    def looks_like(text: str) -> bool:
        """A message mostly of Latin letters, with at least one stretch that reads as pinyin (the caller has
        already ruled out product names such as WE2000)."""
        if _WORD.search(text) is None:  # no Latin letter at all (most messages): not pinyin
            return False
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
                self._words = self._shared_table()
            return self._words

    def _shared_table(self) -> dict[tuple[str, ...], str]:
        """The table of another engine of this process with the same words, else the one a previous run
        kept, else a new one (then kept)."""
        path = _cache_file("words", self._segmentation(), *self._texts)
        with _TABLES_LOCK:
            words = _TABLES.get(path.name)
        if words is None:
            words = _table_from_json(read_json(path))
            if words is None:
                words = self._build()
                if write_json(path, {" ".join(key): word for key, word in words.items()}):
                    prune(path.parent, "pinyin-words-*.json", keep=path)
            with _TABLES_LOCK:
                if len(_TABLES) >= KEPT_TABLES:
                    _TABLES.clear()
                _TABLES[path.name] = words
        return words

    def _build(self) -> dict[tuple[str, ...], str]:
        counts: Counter[str] = Counter()
        for text in self._texts:
            counts.update(t for t in self._tokenize(text) if all(_HANZI.fullmatch(ch) for ch in t))
        wanted = {ch for word in counts for ch in word}
        chars = {ch: _readings(readings) for ch, readings in _character_table() if ch in wanted}
        table: dict[tuple[str, ...], tuple[int, str]] = {}
        singles: Counter[str] = Counter()

        def offer(key: tuple[str, ...], word: str, count: int) -> None:
            if key not in table or count > table[key][0]:
                table[key] = (count, word)

        for word, count in counts.items():
            readings = [chars.get(ch, ()) for ch in word]
            if len(word) > MAX_WORD_SYLLABLES or not all(readings):
                continue
            first = tuple(r[0] for r in readings)
            offer(first, word, 2 * count)
            for i, alternatives in enumerate(readings):  # one character read otherwise: 还 in 还款 is huan
                for other in alternatives[1:]:
                    offer((*first[:i], other, *first[i + 1:]), word, count)
            for ch in word:  # a lone syllable: 少 of 多少 is shao
                singles[ch] += count
        for ch, count in singles.items():
            sounds = chars[ch]
            offer(sounds[:1], ch, count)
            for other in sounds[1:]:
                offer((other,), ch, count // 2)
        return {key: word for key, (_, word) in table.items()}


def _table_from_json(saved: object) -> dict[tuple[str, ...], str] | None:
    """A kept table ({syllables joined by spaces: word}), or None when it is not one."""
    if not isinstance(saved, dict) or not saved or not all(isinstance(w, str) and w for w in saved.values()):
        return None
    return {tuple(key.split(" ")): word for key, word in saved.items()}


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
