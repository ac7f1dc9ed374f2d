"""Derived files in the cache folder (``dictionary.cache_dir()``): JSON read and written atomically, and only
the newest few of a kind kept. They only save time: a file that is missing, unreadable or not what the caller
expects is rebuilt, and a failure to write one is logged, never raised."""
from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def read_json(path: Path) -> Any | None:
    """The file's JSON value, or None when it is missing or unreadable. Reading it marks it as in use
    (its modification time: ``prune`` keeps the newest)."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)
    return value


def write_json(path: Path, value: Any) -> bool:
    """Write ``value`` to ``path`` atomically (a reader never sees half a file); False when it failed."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         suffix=".tmp") as handle:
            temporary = handle.name
            json.dump(value, handle, ensure_ascii=False)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        log.info("%s not kept for the next run: %s", path.name, error)
        return False
    return True


def prune(folder: Path, pattern: str, keep: Path | None = None, newest: int = 4) -> list[Path]:
    """Delete all but the ``newest`` files of ``folder`` matching ``pattern`` (by modification time; ``keep``
    always stays): each change of what they are derived from leaves one behind."""
    files = []
    for path in folder.glob(pattern):
        try:
            files.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    files.sort(reverse=True)
    removed = []
    for _, path in files[newest:]:
        if keep is not None and path == keep:
            continue
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed
