"""Settings.from_env: defaults, admin ids, and the token kept secret."""
from __future__ import annotations

from pathlib import Path

import pytest

import bot
from bot.config import ConfigError, Settings, parse_admin_ids

REPO = Path(bot.__file__).resolve().parent.parent
TOKEN = "123456789:AAH-secret_token-value"


def test_defaults_point_into_the_repository() -> None:
    settings = Settings.from_env({})
    assert settings.token is None and settings.admin_ids == frozenset()
    assert settings.data_dir == REPO / "data"
    assert settings.knowledge_dir == REPO / "knowledge" and settings.intents_dir == REPO / "intents"
    assert settings.base_url is None and settings.base_file_url is None


def test_everything_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env({
        "TELEGRAM_BOT_TOKEN": f" {TOKEN} ", "BOT_ADMIN_IDS": " 12, 34 ,,56 ", "BOT_DATA_DIR": str(tmp_path),
        "TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot", "KNOWLEDGE_DIR": str(tmp_path / "k"),
        "INTENTS_DIR": str(tmp_path / "i")})
    assert settings.token == TOKEN
    assert settings.admin_ids == {12, 34, 56}
    assert settings.is_admin(34) and not settings.is_admin(35) and not settings.is_admin(None)
    assert settings.data_dir == tmp_path
    assert settings.base_url == "http://127.0.0.1:8081/bot"
    assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.knowledge_dir == tmp_path / "k" and settings.intents_dir == tmp_path / "i"


@pytest.mark.parametrize("raw", ["12,abc", "12;34", "1.5", "@admin"])
def test_invalid_admin_ids_are_a_clear_error(raw: str) -> None:
    with pytest.raises(ConfigError, match="BOT_ADMIN_IDS") as caught:
        Settings.from_env({"BOT_ADMIN_IDS": raw, "TELEGRAM_BOT_TOKEN": TOKEN})
    assert TOKEN not in str(caught.value)
    assert "comma-separated" in str(caught.value)


def test_parse_admin_ids_tolerates_spaces_and_negatives() -> None:
    assert parse_admin_ids("  ") == frozenset()
    assert parse_admin_ids("1,\t2 , -3") == {1, 2, -3}


def test_token_never_in_repr_or_str() -> None:
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "BOT_ADMIN_IDS": "1"})
    for text in (repr(settings), str(settings), f"{settings}", repr([settings])):
        assert TOKEN not in text and "AAH" not in text
    assert "redacted" in repr(settings)
    assert "not set" in repr(Settings.from_env({}))
