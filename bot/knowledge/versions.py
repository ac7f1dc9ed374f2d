"""Versions of the data files: every change that goes live is a snapshot of knowledge/ and intents/.

Layout under ``<data dir>/versions``: one folder per version (``000007/knowledge``, ``000007/intents`` and
``000007/meta.json`` with time, hashed admin and summary), and ``CURRENT`` naming the version that is live.
A version folder is written completely under a ``.staging-*`` name and renamed into place, and ``CURRENT`` is
replaced atomically, so a crash leaves either the old or the new version live, never a mix. Folders are
owner-only (0700), files 0600. The last ``keep`` versions are kept (the live one always).
"""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..privacy import owner_only

log = logging.getLogger(__name__)

FOLDERS = ("knowledge", "intents")
KEEP = 20
CURRENT = "CURRENT"
META = "meta.json"
_VERSION_DIR = re.compile(r"^\d{6}$")

# "knowledge/weilidai.yaml" -> file content
Files = dict[str, bytes]


@dataclass(frozen=True)
class Version:
    """One snapshot: its number, when it went live, which admin (hashed) and what changed."""

    number: int
    ts: float
    admin: str
    summary: str
    path: Path

    @property
    def knowledge_dir(self) -> Path:
        return self.path / "knowledge"

    @property
    def intents_dir(self) -> Path:
        return self.path / "intents"


def read_tree(knowledge_dir: Path, intents_dir: Path) -> Files:
    """The ``*.yaml`` files of both folders, keyed ``knowledge/<name>`` and ``intents/<name>``."""
    files: Files = {}
    for folder, directory in zip(FOLDERS, (knowledge_dir, intents_dir), strict=True):
        for path in sorted(Path(directory).glob("*.yaml")):
            if path.is_file():
                files[f"{folder}/{path.name}"] = path.read_bytes()
    return files


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file + rename), readable by the owner only."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_tree(root: Path, files: Files) -> None:
    """Create ``root/knowledge`` and ``root/intents`` (0700) holding ``files`` (0600)."""
    for folder in FOLDERS:
        (root / folder).mkdir(mode=0o700, parents=True, exist_ok=True)
    for name, data in files.items():
        folder, _, base = name.partition("/")
        if folder not in FOLDERS or not base or "/" in base:
            raise ValueError(f"not a data file name: {name!r}")
        write_private(root / folder / base, data)


def mirror(files: Files, before: Files, knowledge_dir: Path, intents_dir: Path) -> None:
    """Write what a change did (``before`` → ``files``) into the working folders: changed and new files are
    replaced atomically, removed ones deleted; files the change did not touch (maybe being edited) are left alone."""
    dirs = dict(zip(FOLDERS, (Path(knowledge_dir), Path(intents_dir)), strict=True))
    for name in sorted(files.keys() | before.keys()):
        folder, _, base = name.partition("/")
        path = dirs[folder] / base
        if name not in files:
            path.unlink(missing_ok=True)
        elif before.get(name) != files[name] and not (path.is_file() and path.read_bytes() == files[name]):
            tmp = path.with_name(f".{base}.{secrets.token_hex(4)}.tmp")
            tmp.write_bytes(files[name])
            os.replace(tmp, path)


class VersionStore:
    """The snapshots under ``<data dir>/versions``; all methods are synchronous file operations."""

    def __init__(self, data_dir: Path, *, keep: int = KEEP, clock: Callable[[], float] = time.time) -> None:
        self.root = Path(data_dir) / "versions"
        self.keep = keep
        self.clock = clock

    def _ensure_root(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        owner_only(self.root.parent)

    # ---------------------------------------------------------------- reading
    def versions(self) -> list[Version]:
        """All kept versions, newest first."""
        if not self.root.is_dir():
            return []
        found = [v for p in self.root.iterdir() if _VERSION_DIR.match(p.name) and (v := self._load(p))]
        return sorted(found, key=lambda v: v.number, reverse=True)

    def get(self, number: int) -> Version | None:
        path = self.root / f"{number:06d}"
        return self._load(path) if path.is_dir() else None

    def current(self) -> Version | None:
        """The version that is live (``CURRENT``), or None before the first change."""
        try:
            number = int((self.root / CURRENT).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return None
        return self.get(number)

    def files(self, version: Version) -> Files:
        return read_tree(version.knowledge_dir, version.intents_dir)

    def _load(self, path: Path) -> Version | None:
        try:
            meta = json.loads((path / META).read_text(encoding="utf-8"))
            return Version(int(meta["number"]), float(meta["ts"]), str(meta["admin"]), str(meta["summary"]), path)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    # ---------------------------------------------------------------- writing
    def stage(self, files: Files) -> Path:
        """A complete candidate folder (not live yet) holding ``files``."""
        self._ensure_root()
        staging = self.root / f".staging-{secrets.token_hex(6)}"
        staging.mkdir(mode=0o700)
        try:
            write_tree(staging, files)
        except BaseException:
            self.discard(staging)
            raise
        return staging

    def discard(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def commit(self, staging: Path, admin: str, summary: str) -> Version:
        """Turn a staged folder into the next version and make it live (atomically); prune old ones."""
        existing = self.versions()
        number = (existing[0].number if existing else 0) + 1
        meta = {"number": number, "ts": self.clock(), "admin": admin, "summary": summary}
        write_private(staging / META, json.dumps(meta, ensure_ascii=False).encode())
        target = self.root / f"{number:06d}"
        os.rename(staging, target)
        write_private(self.root / CURRENT, str(number).encode())
        self._prune(number)
        version = self._load(target)
        assert version is not None
        return version

    def _prune(self, live: int) -> None:
        for old in self.versions()[self.keep:]:
            if old.number != live:
                shutil.rmtree(old.path, ignore_errors=True)
        for leftover in self.root.glob(".staging-*"):
            if leftover.stat().st_mtime < self.clock() - 3600:  # a crashed change's candidate folder
                shutil.rmtree(leftover, ignore_errors=True)


__all__ = ["FOLDERS", "Files", "Version", "VersionStore", "mirror", "read_tree", "write_private", "write_tree"]
