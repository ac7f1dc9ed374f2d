"""jieba's own dictionary, read word by word from disk instead of held in memory.

jieba keeps its whole prefix dictionary (~500,000 entries, ~62 MiB) in a dict, and reading it takes most of
a cold start. ``DiskFreq`` answers the same questions (``in``, ``[]``, ``get``) from an SQLite copy of that
dictionary and remembers what it has looked up, so segmenting gives exactly the results of the in-memory
dictionary while only the entries that questions touch are ever loaded.

The copy is built at first use from the installed jieba package (its cache or its dict.txt), into the cache
folder (``LOANBOT_CACHE_DIR``, else ``$XDG_CACHE_HOME/loanbot``, else ``~/.cache/loanbot``), named after jieba's
version and dictionary file, so it follows jieba when it is upgraded. It is never committed.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# Looked-up entries kept in memory (~150 bytes each: ~7 MiB at most), forgotten all at once beyond that;
# the benchmark's 20,000 varied questions touch ~5,000.
MAX_REMEMBERED = 50_000
PAGE_CACHE_KIB = 128  # SQLite page cache of the dictionary copy
_ABSENT = -1  # remembered: not in the dictionary


def cache_dir() -> Path:
    """Where derived files (the dictionary copy) live."""
    if configured := os.environ.get("LOANBOT_CACHE_DIR"):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "loanbot"


def dictionary_path(jieba_module: Any, folder: Path | None = None) -> Path:
    """The copy's file name: keyed on jieba's version and its dictionary file (size and modification time)."""
    source = Path(jieba_module.__file__).with_name(jieba_module.DEFAULT_DICT_NAME)
    stat = source.stat()
    key = f"{SCHEMA_VERSION}|{jieba_module.__version__}|{source}|{stat.st_size}|{stat.st_mtime_ns}"
    return (folder or cache_dir()) / f"jieba-dict-{hashlib.sha1(key.encode()).hexdigest()[:16]}.sqlite3"


def build(path: Path, load_full: Callable[[], tuple[dict[str, int], int]]) -> None:
    """Write the full dictionary (from ``load_full()``: jieba's FREQ and total) to ``path`` atomically."""
    freq, total = load_full()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                               "CREATE TABLE freq (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
                               "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);")
            conn.executemany("INSERT INTO freq VALUES (?, ?)", sorted(freq.items()))
            conn.execute("INSERT INTO meta VALUES ('total', ?)", (total,))
            conn.execute("INSERT INTO meta VALUES ('entries', ?)", (len(freq),))
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class DiskFreq:
    """A stand-in for jieba's ``Tokenizer.FREQ`` dict, backed by the SQLite copy; words added at run time
    (``jieba.Tokenizer.add_word``) are kept in memory and win over the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                     check_same_thread=False)
        # SQLite's page cache (2 MiB by default) would hold leaf pages whose entries ``_seen`` already remembers;
        # a small one keeps the B-tree's inner pages (benchmarks/: memory row).
        self._conn.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
        self._lock = threading.Lock()
        self._seen: dict[str, int] = {}  # word -> count, or _ABSENT
        self._added: dict[str, int] = {}
        meta = dict(self._conn.execute("SELECT key, value FROM meta"))
        self.total: int = int(meta["total"])
        self.entries: int = int(meta["entries"])

    def _load(self, word: str) -> int:
        with self._lock:
            row = self._conn.execute("SELECT n FROM freq WHERE word = ?", (word,)).fetchone()
        value = _ABSENT if row is None else int(row[0])
        if len(self._seen) >= MAX_REMEMBERED:
            self._seen = dict(self._added)
        self._seen[word] = value
        return value

    def __contains__(self, word: object) -> bool:
        value = self._seen.get(word, None)  # type: ignore[call-overload]  # any key; the str check only on a miss
        if value is None:
            if not isinstance(word, str):
                return False
            value = self._load(word)
        return value != _ABSENT

    def __getitem__(self, word: str) -> int:
        value = self._seen.get(word, None)
        if value is None:
            value = self._load(word)
        if value == _ABSENT:
            raise KeyError(word)
        return value

    def get(self, word: str, default: Any = None) -> Any:
        value = self._seen.get(word, None)
        if value is None:
            value = self._load(word)
        return default if value == _ABSENT else value

    def __setitem__(self, word: str, count: int) -> None:
        self._added[word] = count
        self._seen[word] = count

    def remembered(self) -> int:
        """How many entries are held in memory right now."""
        return len(self._seen)

    def close(self) -> None:
        self._conn.close()
