"""What a rebuild may take over from the engine it replaces: the parts built from files that did not change.

``/reload`` (and every change an admin makes) rebuilds the engine from the knowledge and intents folders.
Most of the time only one of them changed, often neither (a ``/reload`` to check, an upload of the same
file). The parts are pure functions of the files' contents (and of the code, which does not change while
the process runs), so a part built from byte-identical files is the part that would be built again:

* knowledge files unchanged → the previous ``KnowledgeBase`` and its ``Composer`` (with its memo);
* intent files unchanged → the previous intents;
* both unchanged → the previous ``Understanding`` too (matcher matrices, memo tables): nothing is rebuilt.

The fingerprints are kept per ``Understanding`` object (weakly: forgotten with it) rather than on the
engine, so the engine's fields stay as they are.
"""
from __future__ import annotations

import hashlib
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Prints:
    """Fingerprints of the ``*.yaml`` files (names and bytes) the loaders read from each folder."""

    knowledge: str
    intents: str


def fingerprint(directory: Path) -> str:
    """sha1 over the sorted ``*.yaml`` file names and contents of ``directory`` (what the loaders read);
    unreadable files make a fingerprint that matches nothing, so the loader reports them as usual."""
    digest = hashlib.sha1()
    for path in sorted(Path(directory).glob("*.yaml")):
        digest.update(path.name.encode() + b"\0")
        try:
            data = path.read_bytes()
        except OSError:
            return f"unreadable:{id(object())}"
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def prints_of(knowledge_dir: Path, intents_dir: Path) -> Prints:
    return Prints(fingerprint(knowledge_dir), fingerprint(intents_dir))


_lock = threading.Lock()
_built: dict[int, Prints] = {}  # id(Understanding) -> the fingerprints it was built from


def remember(understanding: Any, prints: Prints) -> None:
    """Record what ``understanding`` (and the engine around it) was built from."""
    key = id(understanding)
    with _lock:
        _built[key] = prints
    weakref.finalize(understanding, _forget, key)


def _forget(key: int) -> None:
    with _lock:
        _built.pop(key, None)


def built_from(previous: Any) -> Prints | None:
    """The fingerprints ``previous`` (an engine) was built from, or None when unknown."""
    understanding = getattr(previous, "understanding", None)
    if understanding is None:
        return None
    with _lock:
        return _built.get(id(understanding))
