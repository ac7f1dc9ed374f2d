"""One jieba tokenizer for the whole process, taught the domain words of the knowledge base."""
from __future__ import annotations

import hashlib
import importlib
import logging
import marshal
import os
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from .cachefiles import prune, read_json, write_json
from .dictionary import DiskFreq, build, cache_dir, dictionary_path


def _import_jieba() -> ModuleType:
    """``import jieba`` without ``pkg_resources``: jieba only uses it to open its own data files and falls
    back to plain paths when it is missing; importing it costs ~110 ms and ~9 MiB (benchmarks/)."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba as module
        return module
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    lazy = "jieba.finalseg" not in sys.modules
    if lazy:
        sys.modules["jieba.finalseg"] = _LazyFinalseg("jieba.finalseg")
    try:
        import jieba as module
    finally:
        if sys.modules.get("pkg_resources", ...) is None:
            del sys.modules["pkg_resources"]  # anyone else may import the real one later
        if lazy and "jieba" not in sys.modules:  # the import failed: leave no stand-in behind
            sys.modules.pop("jieba.finalseg", None)
    return module


class _LazyFinalseg(ModuleType):
    """Stands in for ``jieba.finalseg`` (jieba's HMM for words not in its dictionary: ~9 MiB of probability
    tables imported with jieba) until something uses it: the bot segments with ``HMM=False`` and never does.
    The first attribute looked up imports the real module, and every later one is forwarded to it."""

    _lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # the import machinery's probes (__path__, __file__ …) load nothing
        with self._lock:
            real = self.__dict__.get("_real")
            if real is None:
                if sys.modules.get(self.__name__) is self:
                    del sys.modules[self.__name__]
                real = importlib.import_module(self.__name__)
                self.__dict__["_real"] = real
        return getattr(real, name)


jieba = _import_jieba()
jieba.setLogLevel(logging.WARNING)

# Words jieba splits out of the box that carry the meaning of a question.
BASE_WORDS = (
    "芝麻分", "芝麻信用", "芝麻信用分", "日利率", "年利率", "年化", "年化利率", "日息", "月息", "利息", "罚息",
    "违约金", "提前还款", "提前还", "等额本息", "等额本金", "先息后本", "逾期", "额度", "提额", "降额", "审批",
    "放款", "到账",
    "实名认证", "活跃度", "资产证明", "理财通", "余额宝", "零钱通", "风控", "反欺诈", "催收", "坏账率", "逾期率",
    "获客成本", "覆盖率", "合规", "分付", "征信", "白名单", "邀请制", "分期", "还款方式", "手续费", "开通",
)

log = logging.getLogger(__name__)
SEGMENTED_SIZE = 8192  # segmented texts remembered (examples, facts, questions)
KEPT_SEGMENT_FILES = 4  # segment files kept in the cache folder (the newest; several bots or versions may share it)
DICTIONARY_ENV = "LOANBOT_DICTIONARY"  # "disk" (default): jieba's dictionary read on demand; "memory": loaded whole


def _initialize(dt: Any) -> None:  # a jieba.Tokenizer (jieba has no type hints)
    """``dt.initialize()``, but reading jieba's own dictionary cache with ``marshal.loads`` of the whole file
    (2-3x faster than jieba's ``marshal.load`` of the open file); jieba's own path when that fails."""
    if dt.initialized:
        return
    if dt.dictionary == jieba.DEFAULT_DICT:  # jieba trusts this cache without a date check, so do we
        path = os.path.join(dt.tmp_dir or tempfile.gettempdir(), dt.cache_file or "jieba.cache")
        try:
            with open(path, "rb") as handle:
                freq, total = marshal.loads(handle.read())
        except (OSError, ValueError, EOFError, TypeError):
            pass
        else:
            if isinstance(freq, dict) and isinstance(total, int):
                with dt.lock:
                    if not dt.initialized:
                        dt.FREQ, dt.total, dt.initialized = freq, total, True
                return
    dt.initialize()


def _full_dictionary() -> tuple[dict[str, int], int]:
    """jieba's whole dictionary, loaded by a throw-away tokenizer (to build the on-disk copy)."""
    dt = jieba.Tokenizer()
    _initialize(dt)
    return dt.FREQ, dt.total


def _open_on_disk() -> DiskFreq:
    path = dictionary_path(jieba)
    if not path.exists():
        log.info("building the on-disk copy of jieba's dictionary: %s", path)
        build(path, _full_dictionary)
    return DiskFreq(path)


class Tokenizer:
    """jieba's segmenter over jieba's own dictionary, read from disk on demand (``dictionary.DiskFreq``: same
    segments, a fraction of the memory and start-up time), or loaded whole when ``on_disk`` is False or the
    on-disk copy cannot be built. ``add_words`` is idempotent and cheap on reload."""

    def __init__(self, on_disk: bool | None = None) -> None:
        if on_disk is None:
            on_disk = os.environ.get(DICTIONARY_ENV, "disk") != "memory"
        self._lock = threading.Lock()
        self._words: set[str] = set()
        self._segmented: dict[str, tuple[str, ...]] = {}
        self.jieba = jieba.Tokenizer()
        self.freq: DiskFreq | None = None
        if on_disk:
            try:
                self.freq = _open_on_disk()
            except (OSError, sqlite3.Error, KeyError, ValueError) as error:
                log.warning("jieba's dictionary is loaded into memory: its on-disk copy failed (%s)", error)
        if self.freq is not None:
            self.jieba.FREQ, self.jieba.total, self.jieba.initialized = self.freq, self.freq.total, True
        else:
            _initialize(self.jieba)
        self.add_words(BASE_WORDS)

    @property
    def on_disk(self) -> bool:
        """True when the dictionary is read from disk on demand."""
        return self.freq is not None

    def add_words(self, words: Iterable[str]) -> None:
        """Teach jieba words (product names, aliases, keywords); already known ones are skipped."""
        with self._lock:
            for word in words:
                word = word.strip().lower()
                if len(word) >= 2 and word not in self._words and " " not in word:
                    self.jieba.add_word(word, freq=200_000)
                    self._words.add(word)
                    self._segmented.clear()  # a new word may segment a text differently

    def tokens(self, text: str) -> list[str]:
        """Segment folded text; spaces dropped. Remembered until a word is added: a reload segments the same
        examples and facts again (a third of its time before)."""
        known = self._segmented.get(text)
        if known is None:
            known = tuple(t for t in self.jieba.lcut(text, HMM=False) if t.strip())
            if len(self._segmented) >= SEGMENTED_SIZE:
                self._segmented.clear()
            self._segmented[text] = known
        return list(known)

    def segments_path(self) -> Path:
        """Where this tokenizer's segmentations are kept between runs: keyed on jieba's version and dictionary
        file (``dictionary_path``) and every word it was taught, so a change of either starts afresh."""
        with self._lock:
            words = "\n".join(sorted(self._words))
        key = hashlib.sha1(f"{dictionary_path(jieba).name}\n{words}".encode()).hexdigest()[:16]
        return cache_dir() / f"segments-{key}.json"

    def load_segments(self) -> bool:
        """Remember the segmentations a previous run saved for the same words and dictionary (start-up: the
        examples need not be segmented again). False when there are none or they cannot be read."""
        saved = read_json(self.segments_path())
        if not isinstance(saved, dict):
            return False
        with self._lock:
            for text, tokens in list(saved.items())[:SEGMENTED_SIZE - len(self._segmented)]:
                if isinstance(tokens, list) and all(isinstance(t, str) for t in tokens):
                    self._segmented[text] = tuple(tokens)
        return True

    def save_segments(self) -> None:
        """Keep the current segmentations for the next run (written atomically; a failure is only logged)."""
        path = self.segments_path()
        with self._lock:
            data = {text: list(tokens) for text, tokens in self._segmented.items()}
        if write_json(path, data):
            prune_segments(path.parent, keep=path)


def prune_segments(folder: Path, keep: Path | None = None, newest: int = KEPT_SEGMENT_FILES) -> list[Path]:
    """Delete all but the ``newest`` segment files of ``folder`` (``keep`` always stays): each change of the
    taught words (a new keyword, alias or example word) leaves one behind."""
    return prune(folder, "segments-*.json", keep, newest)


_shared: Tokenizer | None = None


def shared_tokenizer() -> Tokenizer:
    """The process-wide tokenizer (jieba's dictionary is loaded once)."""
    global _shared
    if _shared is None:
        _shared = Tokenizer()
    return _shared
