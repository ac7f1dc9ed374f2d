"""Shared fixtures: the shipped data folders and throw-away copies to break."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from bot.engine import Engine

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO / "knowledge"
INTENTS = REPO / "intents"
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of knowledge/."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


@pytest.fixture
def intents_copy(tmp_path: Path) -> Path:
    """A writable copy of intents/."""
    target = tmp_path / "intents"
    shutil.copytree(INTENTS, target)
    return target


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine over the shipped knowledge/ and intents/, built once per test session.

    Tests give each conversation its own session id, so sharing it is safe."""
    from bot.engine import build_engine

    return build_engine(KNOWLEDGE, INTENTS)
