"""3. Telegram stack: updates/s from the fake Bot API through the real Application to sendMessage, vs a
minimal PTB echo bot on the same server, polling the same way. Also the helpers the memory and reload
measures use to run the bot against the load driver (benchmarks/driver.py)."""
from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from .common import PY, REPO, bot_settings, build, quiet

TOKEN = "123456:TEST-token_Abc"
CHATS = 200
TARGET = (">=", 0.9)
FLOOR_LABEL = "minimal PTB echo bot, same server, same concurrency"
SERVER_BOUND = 0.9  # server CPU share above which the fake server, not the bot, limits the rate


class Driver:
    """The load driver process (FakeBotApi on its own core); ``await driver.ask(cmd, **args)``."""

    def __init__(self, process: asyncio.subprocess.Process, base: dict[str, str]) -> None:
        self.process, self.base_url, self.base_file_url = process, base["base_url"], base["base_file_url"]

    async def ask(self, cmd: str, **args: Any) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write((json.dumps({"cmd": cmd, **args}) + "\n").encode())
        await self.process.stdin.drain()
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the load driver exited (code {await self.process.wait()})")
        return json.loads(line)


@asynccontextmanager
async def driver() -> AsyncIterator[Driver]:
    """The load driver: FakeBotApi in its own process."""
    process = await asyncio.create_subprocess_exec(PY, "-m", "benchmarks.driver", cwd=REPO, limit=2 ** 26,
                                                   stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert process.stdout and process.stdin
    try:
        yield Driver(process, json.loads(await process.stdout.readline()))
    finally:
        if process.returncode is None:
            process.stdin.write(b'{"cmd": "quit"}\n')
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


@asynccontextmanager
async def running(kind: str, api: Driver, engine: Any = None, admin: int | None = None) -> AsyncIterator[Any]:
    """``kind``: "bot" (the real Application, stats on, send limits high), "echo" (the floor),
    "echo_concurrent" (the echo bot processing as many updates at once as the bot processes chats) or
    "echo_client" (that, over the bot's own HTTP client instead of PTB's default httpx)."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, MessageHandler, filters

    if kind == "bot":  # as tests.botkit.harness.running_bot does, without importing the fake server (aiohttp)
        from bot.stats import StatsStore
        from bot.telegram.app import build_application, set_command_menus
        from bot.telegram.services import EngineRef

        with tempfile.TemporaryDirectory(prefix="loanbot-bench-") as data:
            settings, _ = bot_settings(TOKEN, Path(data), admin_ids=frozenset({admin} if admin else ()),
                                       base_url=api.base_url, base_file_url=api.base_file_url)
            with StatsStore(Path(data)) as stats:
                bot = build_application(settings, EngineRef(engine if engine is not None else build()), stats)
                async with bot:
                    await set_command_menus(bot)  # post_init only runs under run_polling
                    await bot.start()
                    updater = bot.updater
                    assert updater is not None  # built with an updater (ApplicationBuilder's default)
                    await updater.start_polling(poll_interval=0, timeout=5, allowed_updates=Update.ALL_TYPES)
                    try:
                        yield bot
                    finally:
                        await updater.stop()
                        await bot.stop()
        return

    async def echo(update: Update, context: Any) -> None:
        message = update.message
        assert message is not None and message.text is not None  # registered for text messages only
        await message.reply_text(message.text)

    builder = ApplicationBuilder().token(TOKEN).base_url(api.base_url)
    if kind in ("echo_concurrent", "echo_client"):
        builder = builder.concurrent_updates(concurrent_chats())
    if kind == "echo_client":  # the echo bot over the bot's own HTTP client: what the client choice is worth
        client = bot_client()
        if client is not None:
            builder = builder.request(client()).get_updates_request(client(pool_size=1))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        updater = app.updater
        assert updater is not None  # built with an updater (ApplicationBuilder's default)
        await updater.start_polling(poll_interval=0, timeout=5, allowed_updates=Update.ALL_TYPES)
        try:
            yield app
        finally:
            await updater.stop()
            await app.stop()


def bot_client() -> Any:
    """The bot's Bot API request class (bot/telegram/http.py), None where it has none (PTB's default)."""
    try:
        from bot.telegram.http import AiohttpRequest
    except ImportError:
        return None
    return AiohttpRequest


def concurrent_chats() -> int:
    """How many chats the bot processes at once (bot/telegram/limits.py), 1 when it has no such setting."""
    try:
        from bot.telegram.limits import MAX_CONCURRENT_CHATS
    except ImportError:
        return 1
    return int(MAX_CONCURRENT_CHATS)


async def throughput(kind: str, updates: int, seed: int = 7) -> dict[str, Any]:
    """One run: a fresh server, the app of ``kind`` polling it, ``updates`` pushed at once into ``CHATS`` chats."""
    engine = build() if kind == "bot" else None  # built before the clock starts
    async with driver() as api, running(kind, api, engine):
        await api.ask("wait_polling")
        cpu = time.process_time()
        out = await api.ask("burst", updates=updates, chats=CHATS, first_chat=1000, seed=seed)
        out["client_cpu_share"] = (time.process_time() - cpu) / out["seconds"]
        out["cpu_ms_per_update"] = (time.process_time() - cpu) * 1000 / updates
        return out


def measure(quick: bool = False) -> dict[str, Any]:
    """Sequential runs in alternating order, best of 2 for each kind."""
    quiet()
    updates = 500 if quick else 2000
    _, limits = bot_settings(TOKEN, Path("."))
    runs: dict[str, list[dict[str, Any]]] = {"bot": [], "echo": [], "echo_concurrent": [], "echo_client": []}
    for order in (("echo", "bot", "echo_concurrent", "echo_client"), ("echo_client", "echo_concurrent", "bot", "echo")):
        for kind in order:
            runs[kind].append(asyncio.run(throughput(kind, updates)))
    best = {kind: max(rs, key=lambda r: r["updates_per_s"]) for kind, rs in runs.items()}
    # the floor is the echo bot at the bot's concurrency (the target); the sequential echo bot is shown too
    value, floor = best["bot"]["updates_per_s"], best["echo_concurrent"]["updates_per_s"]
    bound = [kind for kind, r in best.items() if r["server_cpu_share"] >= SERVER_BOUND]
    set_high = ", ".join(f"{k}={v:g}" for k, v in limits.items()) or "no such Settings fields"
    bottleneck = "it was the bottleneck for " + ", ".join(bound) if bound else "not the bottleneck"
    note = (f"send limits set high for the bot ({set_high}); the echo bot has none. "
            f"The fake server runs in its own process (benchmarks/driver.py): {bottleneck}"
            f" (server CPU {best['bot']['server_cpu_share']:.0%} during the bot's run, "
            f"{best['echo']['server_cpu_share']:.0%} during the echo bot's; the bot process used "
            f"{best['bot']['client_cpu_share']:.0%} of a core, the echo bot {best['echo']['client_cpu_share']:.0%}).")
    return {"value": value, "floor": floor, "ratio": value / floor, "unit": "updates/s", "updates": updates,
            "chats": CHATS, "runs": runs, "best": best, "concurrent_chats": concurrent_chats(),
            "echo_sequential": best["echo"]["updates_per_s"],
            "echo_client": best["echo_client"]["updates_per_s"],
            "ratio_vs_echo_client": value / best["echo_client"]["updates_per_s"],
            "ratio_vs_echo_sequential": value / best["echo"]["updates_per_s"],
            "cpu_ms_per_update": {kind: min(r["cpu_ms_per_update"] for r in rs) for kind, rs in runs.items()},
            "server_bound": bound, "send_limits": limits, "note": note}
