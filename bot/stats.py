"""Question statistics in SQLite (``<data dir>/stats.sqlite3``), written by a background thread.

Users are stored only as HMAC-SHA256 of their id with a per-install random salt (``stats.salt``); the
question text is kept only when the bot did not understand it or the documents don't cover its topic (for
/review), with phone, ID-card and bank-card numbers and e-mail addresses masked, and only for the retention
period (default 90 days). Feedback on answers (👍/👎) is one row per user hash and answer; a 👎 keeps the masked
question for /review. The folder is owner-only (0700), the files 0600. ``record()`` never blocks: it puts the
row on a queue that a writer thread commits in batches. A corrupt database file is moved aside and
recreated with a warning; a missing, emptied or unsalted one is recreated with a warning. When the data
folder cannot be used at all (not writable, a file in its place), statistics are turned off with a warning
(``enabled`` is False, ``problem`` says why) and the bot keeps answering.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import queue
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .inputs import MAX_QUESTION_CHARS
from .privacy import mask_personal, owner_only
from .reply import Reply

log = logging.getLogger(__name__)

DB_NAME = "stats.sqlite3"
SALT_NAME = "stats.salt"
DAY = 24 * 3600
MAX_TEXT = MAX_QUESTION_CHARS  # a question is kept for review at most this long
MAX_QUEUE = 10_000
NOT_UNDERSTOOD_KINDS = frozenset({"not_understood", "suggest"})
UNCOVERED = "uncovered"  # Reply.kind of a question on a topic the documents don't cover; intent = the topic
REPLIES = "smalltalk"  # small talk with no intent ("好的", "不是", "是真的吗"): counted as answered under this key
DISLIKED = "disliked"  # the kind of a review item that comes from a 👎
RETENTION_DAYS = 90.0
MAX_REVIEW_ITEMS = 5000  # the newest ones are grouped by /review
SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    user_hash TEXT NOT NULL,
    intent TEXT,
    kind TEXT NOT NULL,
    text TEXT
);
CREATE INDEX IF NOT EXISTS questions_ts ON questions (ts);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    user_hash TEXT NOT NULL,
    answer TEXT NOT NULL,
    intent TEXT NOT NULL,
    vote INTEGER NOT NULL,
    text TEXT,
    UNIQUE (user_hash, answer)
);
CREATE TABLE IF NOT EXISTS reviewed (
    key TEXT PRIMARY KEY,
    ts REAL NOT NULL,
    action TEXT NOT NULL
);
"""
Row = tuple[float, str, "str | None", str, "str | None"]


@dataclass(frozen=True)
class Counts:
    """Questions of one intent (or not understood): last 24 hours and all time."""

    last_24h: int = 0
    total: int = 0


@dataclass(frozen=True)
class Votes:
    """👍 and 👎 on the answers of one intent: last 24 hours and all time."""

    up: Counts = Counts()
    down: Counts = Counts()

    @staticmethod
    def rate(up: int, down: int) -> str:
        return f"{100 * up / (up + down):.0f}%" if up + down else "-"

    @property
    def helpful(self) -> tuple[str, str]:
        """The helpful rate (👍 share of votes), last 24 hours and all time."""
        return self.rate(self.up.last_24h, self.down.last_24h), self.rate(self.up.total, self.down.total)


@dataclass(frozen=True)
class Summary:
    """``answered`` by intent, questions not understood, on uncovered topics, and feedback by intent."""

    answered: dict[str, Counts]
    not_understood: Counts
    invalid: Counts
    uncovered: Counts = Counts()
    votes: dict[str, Votes] | None = None

    @property
    def answered_total(self) -> Counts:
        return Counts(sum(c.last_24h for c in self.answered.values()), sum(c.total for c in self.answered.values()))


@dataclass(frozen=True)
class Unanswered:
    ts: float
    text: str
    kind: str
    intent: str | None = None  # the uncovered topic, or the intent of a 👎 answer


def review_worthy(reply: Reply) -> bool:
    """Whether the question is kept (masked) for /review: not understood, or on an uncovered topic."""
    return reply.kind == UNCOVERED or (reply.intent is None and reply.kind in NOT_UNDERSTOOD_KINDS)


def _add(counts: Counts, recent: int | None, total: int | None) -> Counts:
    return Counts(counts.last_24h + int(recent or 0), counts.total + int(total or 0))


def _is_corrupt(error: sqlite3.DatabaseError) -> bool:
    """A damaged or foreign file (not a lock, permission or disk-full problem)."""
    name = getattr(error, "sqlite_errorname", "")
    return name in {"SQLITE_CORRUPT", "SQLITE_NOTADB"} or type(error) is sqlite3.DatabaseError


class _Flush:
    """Queue marker: the writer sets ``done`` once everything queued before it is committed."""

    def __init__(self) -> None:
        self.done = threading.Event()


class StatsStore:
    """Records questions off the event loop; answers summary and unanswered queries."""

    def __init__(self, data_dir: Path, *, clock: Callable[[], float] = time.time,
                 retention_days: float = RETENTION_DAYS) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_NAME
        self.clock = clock
        self._queue: queue.Queue[Row | _Flush | None] = queue.Queue(MAX_QUEUE)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # guards (re)creation of the database file
        self._dropped = 0
        self.problem: str | None = None  # why statistics are off; None while they work
        self._salt = secrets.token_bytes(32)  # replaced by the install's salt below
        self.retention = retention_days * DAY
        try:
            self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            owner_only(self.data_dir)
            self._check_leftovers()
            self._salt = self._load_salt()
        except OSError as error:
            self._disable(f"data folder {self.data_dir} is unusable ({error})")
            return
        if not self._prepare():
            self._disable(f"database {self.path} cannot be created")
            return
        self.purge()

    @property
    def enabled(self) -> bool:
        """False when the data folder or database could not be used at start; nothing is recorded then."""
        return self.problem is None

    def _disable(self, problem: str) -> None:
        self.problem = problem
        log.warning("statistics are off: %s; the bot keeps answering", problem)

    def _check_leftovers(self) -> None:
        """Warn when an earlier install's data is missing or emptied (a fresh folder is silent)."""
        salt = (self.data_dir / SALT_NAME).exists()
        if not self.path.exists():
            if salt or any(self.data_dir.glob(f"{DB_NAME}.corrupt-*")):
                log.warning("stats database %s is missing; starting a new one", self.path)
        elif self.path.stat().st_size == 0:
            log.warning("stats database %s is empty (truncated?); starting a new one", self.path)
        elif not salt:
            log.warning("stats salt %s is missing; generating a new one (earlier users get new hashes)",
                        self.data_dir / SALT_NAME)

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> StatsStore:
        """Start the writer thread (idempotent; nothing to start when statistics are off)."""
        if self.enabled and (self._thread is None or not self._thread.is_alive()):
            self._thread = threading.Thread(target=self._run, name="stats-writer", daemon=True)
            self._thread.start()
        return self

    def close(self, timeout: float = 5.0) -> None:
        """Commit what is queued and stop the writer."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)
        self._thread = None

    def __enter__(self) -> StatsStore:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- writing
    def user_hash(self, user_id: int | str | None) -> str:
        """HMAC-SHA256 of the user id with this install's salt (hex, 32 chars)."""
        return hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    def record(self, user_id: int | str | None, reply: Reply, text: str | None = None) -> None:
        """Queue one question and how it was answered; never blocks, never raises."""
        if not self.enabled:
            return
        try:
            keep = mask_personal(text)[:MAX_TEXT] if text and review_worthy(reply) else None
            self._queue.put_nowait((self.clock(), self.user_hash(user_id), reply.intent, reply.kind, keep))
        except queue.Full:
            self._dropped += 1
            if self._dropped in (1, 100, 10_000):
                log.warning("stats queue full: %d question(s) not recorded", self._dropped)
        except Exception:
            log.exception("could not queue a statistics row")
        if self._thread is None:
            self.start()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is committed (True) or ``timeout`` passes (False)."""
        if self._thread is None or not self._thread.is_alive():
            return self._queue.empty()
        marker = _Flush()
        try:
            self._queue.put(marker, timeout=timeout)
        except queue.Full:
            return False
        return marker.done.wait(timeout)

    # ---------------------------------------------------------------- queries
    def summary(self, now: float | None = None) -> Summary:
        """Answered by intent and not understood, last 24 h and in total (flushes first)."""
        self.flush()
        since = (self.clock() if now is None else now) - DAY
        answered: dict[str, Counts] = {}
        other = {"not_understood": Counts(), "invalid": Counts(), UNCOVERED: Counts()}
        sql = ("SELECT intent, kind, SUM(ts >= ?), COUNT(*) FROM questions GROUP BY intent, kind")
        for intent, kind, recent, total in self._query(sql, (since,)):
            if kind == UNCOVERED:
                other[UNCOVERED] = _add(other[UNCOVERED], recent, total)
            elif intent is not None or kind == REPLIES:
                key = intent or REPLIES
                answered[key] = _add(answered.get(key, Counts()), recent, total)
            else:
                bucket = "invalid" if kind not in NOT_UNDERSTOOD_KINDS else "not_understood"
                other[bucket] = _add(other[bucket], recent, total)
        ordered = dict(sorted(answered.items(), key=lambda kv: (-kv[1].total, kv[0])))
        votes: dict[str, Votes] = {}
        sql = "SELECT intent, vote, SUM(ts >= ?), COUNT(*) FROM feedback GROUP BY intent, vote"
        for intent, vote, recent, total in self._query(sql, (since,)):
            old = votes.get(intent, Votes())
            votes[intent] = (Votes(_add(old.up, recent, total), old.down) if vote > 0
                             else Votes(old.up, _add(old.down, recent, total)))
        return Summary(ordered, other["not_understood"], other["invalid"], other[UNCOVERED], votes)

    def unanswered(self, limit: int = 20) -> list[Unanswered]:
        """The latest questions the bot did not understand or whose topic is not covered, newest first."""
        self.flush()
        self.purge()
        sql = ("SELECT ts, text, kind, intent FROM questions WHERE text IS NOT NULL "
               "ORDER BY ts DESC, id DESC LIMIT ?")
        return [Unanswered(*row) for row in self._query(sql, (limit,))]

    # ---------------------------------------------------------------- feedback and review
    def add_feedback(self, user_id: int | str | None, answer: str, intent: str, vote: int,
                     text: str | None) -> bool:
        """Record a 👍 (vote 1) or 👎 (-1) on one answer; False when this user already rated it. Blocking:
        call it off the event loop. A 👎 keeps the masked question for /review."""
        keep = mask_personal(text)[:MAX_TEXT] if text and vote < 0 else None
        sql = ("INSERT OR IGNORE INTO feedback (ts, user_hash, answer, intent, vote, text) "
               "VALUES (?, ?, ?, ?, ?, ?)")
        return self._execute(sql, (self.clock(), self.user_hash(user_id), answer, intent, 1 if vote > 0 else -1,
                                   keep)) > 0

    def review_items(self) -> list[Unanswered]:
        """Questions kept for review (not understood, uncovered, 👎), newest first, within the retention."""
        self.flush()
        self.purge()
        rows = self._query("SELECT ts, text, kind, intent FROM questions WHERE text IS NOT NULL "
                           "UNION ALL SELECT ts, text, ?, intent FROM feedback WHERE text IS NOT NULL "
                           "ORDER BY 1 DESC LIMIT ?", (DISLIKED, MAX_REVIEW_ITEMS))
        return [Unanswered(*row) for row in rows]

    def reviewed(self) -> set[str]:
        """Keys (normalized questions) an admin already handled (learned or ignored)."""
        return {key for (key,) in self._query("SELECT key FROM reviewed", ())}

    def mark_reviewed(self, keys: list[str], action: str) -> None:
        """Blocking: call it off the event loop."""
        for key in keys:
            self._execute("INSERT OR REPLACE INTO reviewed (key, ts, action) VALUES (?, ?, ?)",
                          (key, self.clock(), action))

    def unmark_reviewed(self, keys: list[str]) -> None:
        """Undo ``mark_reviewed`` (the admin undid what was done with them). Blocking."""
        for key in keys:
            self._execute("DELETE FROM reviewed WHERE key = ?", (key,))

    def purge(self) -> None:
        """Delete kept question texts (and review marks) older than the retention; counts stay."""
        cutoff = self.clock() - self.retention
        self._execute("UPDATE questions SET text = NULL WHERE ts < ? AND text IS NOT NULL", (cutoff,))
        self._execute("UPDATE feedback SET text = NULL WHERE ts < ? AND text IS NOT NULL", (cutoff,))
        self._execute("DELETE FROM reviewed WHERE ts < ?", (cutoff,))

    # ---------------------------------------------------------------- internals
    def _load_salt(self) -> bytes:
        path = self.data_dir / SALT_NAME
        try:
            salt = bytes.fromhex(path.read_text(encoding="ascii").strip())
            if len(salt) >= 16:
                return salt
            log.warning("stats salt %s is too short; generating a new one", path)
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            log.warning("stats salt %s is unreadable; generating a new one", path)
        salt = secrets.token_bytes(32)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(salt.hex())
        os.replace(tmp, path)
        return salt

    def _execute(self, sql: str, args: tuple[object, ...]) -> int:
        """One write statement outside the writer thread; the number of rows changed (0 on failure)."""
        if not self.enabled:
            return 0
        try:
            self._ensure_file()
            conn = self._connect()
            try:
                return conn.execute(sql, args).rowcount
            finally:
                conn.close()
        except sqlite3.DatabaseError as error:
            log.warning("stats update failed: %s", error)
            return 0

    def _connect(self) -> sqlite3.Connection:
        if not self.path.exists():  # created owner-only; SQLite gives its -wal and -shm the same mode
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        owner_only(self.path)
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA secure_delete=ON")  # deleted review texts are overwritten, not left in free pages
        return conn

    def _prepare(self) -> bool:
        """Create the schema; a file that is not a usable database is moved aside and recreated."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    conn = self._connect()
                    try:
                        conn.executescript(SCHEMA)
                        conn.execute("SELECT COUNT(*) FROM questions").fetchone()
                    finally:
                        conn.close()
                    return True
                except sqlite3.DatabaseError as error:
                    if attempt == 2 or not _is_corrupt(error):
                        log.error("stats database %s cannot be created (%s)", self.path, error)
                        return False
                    if not self._move_aside(error):
                        return False
        return False

    def _move_aside(self, error: Exception) -> bool:
        """Rename the unusable file (and its -wal/-shm) to ``stats.sqlite3.corrupt-<time>-<random>``."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{DB_NAME}.corrupt-{stamp}-{secrets.token_hex(2)}")
        log.warning("stats database %s is unusable (%s); moved it to %s and starting a new one",
                    self.path, error, target.name)
        try:
            for suffix in ("", "-wal", "-shm"):
                source = Path(f"{self.path}{suffix}")
                if source.exists():
                    os.replace(source, Path(f"{target}{suffix}"))
        except OSError as move_error:
            log.error("stats database %s cannot be moved aside (%s)", self.path, move_error)
            return False
        return True

    def _ensure_file(self) -> None:
        if not self.path.exists():
            log.warning("stats database %s disappeared; recreating it", self.path)
            self._prepare()

    def _query(self, sql: str, args: tuple[object, ...]) -> list[tuple[Any, ...]]:
        if not self.enabled:
            return []
        for attempt in (1, 2):
            try:
                self._ensure_file()
                conn = self._connect()
                try:
                    return conn.execute(sql, args).fetchall()
                finally:
                    conn.close()
            except sqlite3.DatabaseError as error:
                if attempt == 2 or not _is_corrupt(error):
                    log.warning("stats query failed: %s", error)
                    return []
                with self._lock:
                    self._move_aside(error)
                self._prepare()
        return []

    _BATCH_ROWS = 500  # rows committed at once at most
    _BATCH_SECONDS = 0.5  # after its first row, a batch collects rows this long (a flush or close ends it at once)
    _BATCH_POLL = 0.05  # how often the queue is looked at meanwhile

    def _batches(self) -> Iterator[tuple[list[Row], list[_Flush], bool]]:
        """Blocks for one item, then collects for up to ``_BATCH_SECONDS``: (rows, flush markers, stop requested).

        One commit per batch rather than per few rows: with batches of whatever was queued, the bot spent
        ~2.3 ms more CPU per update in the Telegram benchmark (benchmarks/). Polling rather than a blocking
        ``get`` per row: no thread wake-up per row."""
        nothing = object()

        def following(deadline: float) -> object:
            while True:
                try:
                    return self._queue.get_nowait()
                except queue.Empty:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return nothing
                    time.sleep(min(self._BATCH_POLL, left))

        while True:
            item: object = self._queue.get()
            rows: list[Row] = []
            markers: list[_Flush] = []
            stop = False
            deadline = time.monotonic() + self._BATCH_SECONDS
            while item is not nothing:
                if item is None:
                    stop = True
                elif isinstance(item, _Flush):
                    markers.append(item)
                elif isinstance(item, tuple):  # a Row
                    rows.append(item)
                if stop or markers or len(rows) >= self._BATCH_ROWS:
                    break
                item = following(deadline)
            yield rows, markers, stop
            if stop:
                return

    def _run(self) -> None:
        for rows, markers, _stop in self._batches():
            if rows:
                self._write(rows)
            for marker in markers:
                marker.done.set()

    def _write(self, rows: list[Row]) -> None:
        for attempt in (1, 2):
            try:
                self._ensure_file()
                conn = self._connect()
                try:
                    with conn:
                        conn.execute("BEGIN")
                        conn.executemany("INSERT INTO questions (ts, user_hash, intent, kind, text) "
                                         "VALUES (?, ?, ?, ?, ?)", rows)
                finally:
                    conn.close()
                return
            except sqlite3.DatabaseError as error:
                if attempt == 2 or not _is_corrupt(error):
                    log.warning("could not record %d statistics row(s): %s", len(rows), error)
                    return
                with self._lock:
                    self._move_aside(error)
                self._prepare()
            except Exception:
                log.exception("could not record %d statistics row(s)", len(rows))
                return
