"""Test helpers that ship with the bot: an offline fake Telegram Bot API."""
