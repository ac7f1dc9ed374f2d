"""The load driver: ``FakeBotApi`` in its own process, pushing updates and timing the bot's sendMessage calls.

Run by the measures as ``python -m benchmarks.driver``; it prints ``{"base_url": ...}`` on its first line,
then answers one JSON command per stdin line with one JSON line on stdout:

* ``{"cmd": "wait_polling"}`` — until the bot's first getUpdates long poll;
* ``{"cmd": "burst", "updates": N, "chats": C, "first_chat": X, "seed": S}`` — push N text updates at once
  round-robin into C chats and time from the first push to the N-th sendMessage into those chats;
* ``{"cmd": "stream", "count": N, "interval": s, "first_chat": X, "seed": S, "admin": id|null}`` — one
  question every ``interval`` seconds, each from a new chat; with ``admin``, that admin sends ``/reload``
  again as soon as the previous one was answered. Reply latencies and reload windows come back;
* ``{"cmd": "quit"}``.

Being a separate process, the server has its own core and its own event loop: its work is not counted
in the bot's (or the echo bot's) time, and its CPU use tells whether it was the bottleneck."""
from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from tests.botkit.botapi import ApiCall, FakeBotApi

from .questions import generate

TICK = 0.002  # seconds between looks at the server's call log


class Watch:
    """New successful sendMessage calls since the last look (reads the call log incrementally)."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api, self.seen = api, len(api.calls)

    def new(self) -> list[ApiCall]:
        calls = self.api.calls[self.seen:]
        self.seen += len(calls)
        return [c for c in calls if c.status == 200 and c.method.lower() == "sendmessage"]


async def burst(api: FakeBotApi, updates: int, chats: int, first_chat: int, seed: int) -> dict[str, Any]:
    texts = [t or "你好" for t in generate(updates, seed=seed, dev=False)]
    watch, ours = Watch(api), range(first_chat, first_chat + chats)
    cpu, start = time.process_time(), time.time()
    for i, text in enumerate(texts):
        chat = first_chat + i % chats
        api.push_text(chat, chat, text)
    answered: list[float] = []
    while len(answered) < updates:
        await asyncio.sleep(TICK)
        answered += [c.at for c in watch.new() if int(c.params["chat_id"]) in ours]
    cpu = time.process_time() - cpu
    await asyncio.sleep(0.3)  # replies in more than one message would show up as extra sendMessage calls
    extra = sum(int(c.params["chat_id"]) in ours for c in watch.new())
    seconds = sorted(answered)[updates - 1] - start
    return {"seconds": seconds, "updates_per_s": updates / seconds, "sent": len(answered) + extra,
            "server_cpu_s": cpu, "server_cpu_share": cpu / seconds}


async def stream(api: FakeBotApi, count: int, interval: float, first_chat: int, seed: int,
                 admin: int | None) -> dict[str, Any]:
    texts = [t or "你好" for t in generate(count, seed=seed, dev=False)]
    watch = Watch(api)
    pushed: dict[int, float] = {}
    answered: dict[int, float] = {}
    reloads: list[list[float]] = []  # [pushed at, answered at]
    ok = 0

    def reload(admin: int) -> None:
        reloads.append([time.time(), 0.0])
        api.push_text(admin, admin, "/reload")

    def collect() -> None:
        nonlocal ok
        for call in watch.new():
            chat = int(call.params["chat_id"])
            if chat == admin and reloads and not reloads[-1][1]:
                reloads[-1][1] = call.at
                ok += "重新加载" in str(call.params.get("text", "")) and "失败" not in str(call.params.get("text", ""))
                if len(pushed) < count:
                    reload(chat)
            elif chat in pushed and chat not in answered:
                answered[chat] = call.at

    if admin is not None:
        reload(admin)
    start = time.monotonic()
    for i, text in enumerate(texts):
        await asyncio.sleep(max(0.0, start + i * interval - time.monotonic()))
        pushed[first_chat + i] = time.time()
        api.push_text(first_chat + i, first_chat + i, text)
        collect()
    deadline = time.monotonic() + 120
    while (len(answered) < count or (reloads and not reloads[-1][1])) and time.monotonic() < deadline:
        await asyncio.sleep(TICK)
        collect()
    replies = [[pushed[c], answered[c]] for c in pushed if c in answered]
    return {"replies": replies, "missing": count - len(replies), "reloads": reloads, "reloads_ok": ok}


async def serve() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def say(payload: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(payload) + "\n")
        sys.stdout.flush()

    async with FakeBotApi() as api:
        say({"base_url": api.base_url, "base_file_url": api.base_file_url})
        while line := await reader.readline():
            command = json.loads(line)
            name = command.pop("cmd")
            if name == "quit":
                break
            if name == "wait_polling":
                await api.wait_until_polling(60)
                say({"ok": True})
            elif name == "burst":
                say(await burst(api, **command))
            elif name == "stream":
                say(await stream(api, **command))
            else:
                say({"error": f"unknown command {name!r}"})


if __name__ == "__main__":
    asyncio.run(serve())
