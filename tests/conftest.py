"""Shared fixtures: the shipped data folders and throw-away copies to break."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
