"""Run the real PTB Application against a ``FakeBotApi`` inside the current event loop."""
from __future__ import annotations

import dataclasses
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.stats import StatsStore
from bot.telegram.app import build_application, set_command_menus
from bot.telegram.services import EngineBuilder, EngineRef, default_builder

from .botapi import FakeBotApi

TEST_TOKEN = "123456:TEST-token_Abc"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def running_bot(api: FakeBotApi, settings: Settings, engine: Any, stats: StatsStore | None = None, *,
                      build_engine: EngineBuilder = default_builder, webhook: dict[str, Any] | None = None,
                      ) -> AsyncIterator[Application]:
    """Start the bot (polling, or PTB's webhook server with ``webhook`` = start_webhook kwargs) and stop it."""
    settings = dataclasses.replace(settings, base_url=api.base_url, base_file_url=api.base_file_url)
    app = build_application(settings, EngineRef(engine), stats, build_engine=build_engine)
    updater = app.updater
    assert updater is not None
    async with app:
        await set_command_menus(app)  # post_init only runs under run_polling/run_webhook
        await app.start()
        if webhook is None:
            await updater.start_polling(poll_interval=0, timeout=5, allowed_updates=Update.ALL_TYPES)
        else:
            await updater.start_webhook(**webhook)
        try:
            yield app
        finally:
            await updater.stop()
            await app.stop()
