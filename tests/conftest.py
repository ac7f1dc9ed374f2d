"""Shared fixtures: the shipped data folders and throw-away copies to break."""
from __future__ import annotations

import dataclasses
import functools
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


@functools.cache
def shared_engine() -> Engine:
    """The engine over the shipped knowledge/ and intents/, built once per test session (the one way tests
    build it; tests that need another build — copies to break, another tokenizer — say why)."""
    from bot.engine import build_engine

    return build_engine(KNOWLEDGE, INTENTS)


def fresh_engine() -> Engine:
    """The shared engine with no conversations yet (its own session store)."""
    from bot.dialogue.context import SessionStore

    return dataclasses.replace(shared_engine(), sessions=SessionStore())


@pytest.fixture
def engine() -> Engine:
    """The shipped engine, fresh conversations for every test."""
    return fresh_engine()
