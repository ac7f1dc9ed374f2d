"""Telegram adapter: translates updates to ``Engine`` calls and ``Reply`` objects to messages."""
from .app import WebhookConfig, build_application, run_bot
from .services import EngineRef

__all__ = ["EngineRef", "WebhookConfig", "build_application", "run_bot"]
