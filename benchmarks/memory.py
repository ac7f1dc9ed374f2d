"""4. Peak memory: the running bot (Telegram stack + engine, answering and reloading) vs python with jieba loaded.

Each side is a fresh process that reports its own peak RSS (``VmHWM``, see common.peak_rss_kib)."""
from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from .common import PY, build, peak_rss_kib, quiet, wall

TARGET = ("<=", 1.0)
FLOOR_LABEL = "python + jieba.initialize()"
FLOOR_CODE = "import jieba; jieba.initialize(); from benchmarks.common import peak_rss_kib; print(peak_rss_kib())"
ADMIN = 99


async def _run_bot(updates: int) -> dict[str, Any]:
    """The bot against the load driver: a burst of ``updates`` questions, then a slow stream during which
    the admin reloads back to back (a reload holds two engines for a moment)."""
    from .stack import CHATS, driver, running

    async with driver() as api, running("bot", api, build(), admin=ADMIN):
        await api.ask("wait_polling")
        burst = await api.ask("burst", updates=updates, chats=CHATS, first_chat=1000, seed=5)
        stream = await api.ask("stream", count=50, interval=0.02, first_chat=500_000, seed=6, admin=ADMIN)
    return {"answered": updates, "reloads": len(stream["reloads"]), "updates_per_s": burst["updates_per_s"]}


def child(updates: int) -> None:
    """``python -m benchmarks.memory <updates>``: run the bot, print what it did and its peak RSS."""
    quiet()
    done = asyncio.run(_run_bot(updates))
    print(json.dumps({**done, "peak_kib": peak_rss_kib()}))


def measure(quick: bool = False) -> dict[str, Any]:
    updates = 300 if quick else 1000
    _, out = wall([PY, "-m", "benchmarks.memory", str(updates)])
    bot = json.loads(out.strip().splitlines()[-1])
    _, out = wall([PY, "-c", FLOOR_CODE])
    floor_kib = int(out.strip().splitlines()[-1])
    value, floor = bot["peak_kib"] / 1024, floor_kib / 1024
    return {"value": value, "floor": floor, "ratio": value / floor, "unit": "MiB", "bot": bot,
            "note": f"bot: Telegram stack + engine + stats after {updates} updates and {bot['reloads']} reloads; "
                    "peak RSS = VmHWM of each process"}


if __name__ == "__main__":
    child(int(sys.argv[1]))
