"""Flood: one chat sending 200 messages in a burst is slowed to the per-chat limit without delaying other chats.

End to end: the real Application, engine and knowledge base against the fake Bot API (polling), plus unit
tests of the rate limiter, the update processor and the BOT_CHAT_RATE / BOT_GLOBAL_RATE settings.
"""
from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram import Chat, Message, Update, User

from bot.config import ConfigError, Settings
from bot.engine import build_engine
from bot.stats import StatsStore
from bot.telegram import EngineRef, build_application
from bot.telegram.limits import ChatOrderedProcessor, ChatRateLimiter
from tests.botkit.botapi import ApiCall, FakeBotApi
from tests.botkit.fake_engine import FakeEngine
from tests.botkit.harness import TEST_TOKEN, running_bot

REPO = Path(__file__).resolve().parent.parent
FLOODER, CALM_B, CALM_C = 3001, 3002, 3003
FLOOD = 200
CHAT_RATE = 20.0  # 200 replies take ~10 s
# AsyncLimiter(1, 1/rate): replies into one chat leave >= 1/rate s apart, so a 1 s window holds at most
# rate + 1 of them (both ends included). Arrival times at the server jitter a little around the send times.
BURST, JITTER = 1, 1
CALM_LATENCY = 1.5  # seconds from a calm chat's message to its reply
AMOUNT = re.compile(r"借([\d,]+)(?:\.00)?元")


def question(n: int) -> str:
    return f"微粒贷借{1000 + n}元30天利息多少"


def amount_in(text: str) -> int:
    found = AMOUNT.search(text)
    assert found, f"no amount in the reply: {text[:80]!r}"
    return int(found.group(1).replace(",", ""))


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most timestamps inside any closed interval of length ``window``."""
    ordered, most, start = sorted(times), 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] > window:
            start += 1
        most = max(most, end - start + 1)
    return most


def sends_to(api: FakeBotApi, chat_id: int) -> list[ApiCall]:
    """The sendMessage requests into one chat, in the order the server got them."""
    return [c for c in api.calls_to("sendMessage") if str(c.params.get("chat_id")) == str(chat_id)]


async def ask_calm_chats(api: FakeBotApi, wave: int) -> dict[int, list[float]]:
    """B asks a question and a follow-up that needs its context, C asks two questions; latency per reply."""
    asked: dict[int, tuple[float, int]] = {}
    for chat_id, texts in ((CALM_B, ("微粒贷要芝麻分吗", "那借呗呢")),
                           (CALM_C, ("借呗最高能借多少", "WE2000的利率是多少"))):
        asked[chat_id] = (time.time(), len(api.sent(chat_id)))
        for text in texts:
            api.push_text(chat_id, chat_id, text)
    latencies: dict[int, list[float]] = {}
    for chat_id, (at, before) in asked.items():
        await api.wait_for_sent(chat_id, before + 2, timeout=15)
        replies = [c for c in sends_to(api, chat_id) if c.status == 200]
        latencies[chat_id] = [c.at - at for c in replies[before:before + 2]]
    b_first, b_follow_up = api.sent(CALM_B)[-2:]
    assert "微粒贷" in b_first.plain and "借呗" in b_follow_up.plain and "600" in b_follow_up.plain, wave
    return latencies


async def test_flooding_chat_is_paced_in_order_and_other_chats_are_not_delayed(tmp_path: Path) -> None:
    settings = Settings(token=TEST_TOKEN, data_dir=tmp_path / "data", knowledge_dir=REPO / "knowledge",
                        intents_dir=REPO / "intents", chat_rate=CHAT_RATE)
    engine = build_engine(settings.knowledge_dir, settings.intents_dir)
    with StatsStore(settings.data_dir) as stats:
        async with FakeBotApi() as api, running_bot(api, settings, engine, stats):
            await api.wait_until_polling()
            started = time.time()
            for n in range(FLOOD):
                api.push_text(FLOODER, FLOODER, question(n))
            await api.wait_for_sent(FLOODER, 5)  # the flood is being answered: now the others write
            early = await ask_calm_chats(api, 1)
            await api.wait_for_sent(FLOODER, FLOOD // 2, timeout=15)  # and again in the middle of it
            middle = await ask_calm_chats(api, 2)
            replies = await api.wait_for_sent(FLOODER, FLOOD, timeout=20)
            await asyncio.sleep(0.3)  # nothing more may come
    flood_calls = sends_to(api, FLOODER)
    times = [c.at for c in flood_calls]
    duration, busiest = times[-1] - times[0], max_in_window(times)
    latencies = [latency for wave in (early, middle) for chat in wave.values() for latency in chat]
    print(f"\nflood: {len(replies)} replies in {duration:.2f} s (first after {times[0] - started:.2f} s), "
          f"busiest 1 s window {busiest} (rate {CHAT_RATE:g}); calm chats' latency "
          f"{min(latencies):.3f}-{max(latencies):.3f} s")

    # (a) every message answered exactly once, nothing lost or retried
    assert len(api.sent(FLOODER)) == FLOOD and all(c.status == 200 for c in flood_calls)
    # (b) in the order asked: reply n names the amount of question n
    assert [amount_in(reply.plain) for reply in replies] == [1000 + n for n in range(FLOOD)]
    # (c) paced: never more than the per-chat rate (+ burst) in a second, so the flood takes (200-1)/rate s
    assert busiest <= CHAT_RATE + BURST + JITTER
    assert duration >= (FLOOD - 1) / CHAT_RATE - 0.2
    # (d) the other chats are answered at once, not after the flood
    assert max(latencies) < CALM_LATENCY, latencies
    assert max(c.at for c in sends_to(api, CALM_B) + sends_to(api, CALM_C)) < times[-1]  # all while A waited


# ---------------------------------------------------------------- the rate limiter
async def send_times(limiter: ChatRateLimiter, chat_ids: list[int | str]) -> list[float]:
    """Make one request per chat id concurrently; when each one reached the 'network'."""
    loop = asyncio.get_running_loop()
    times: list[float] = []

    async def request() -> bool:
        times.append(loop.time())
        return True

    start = loop.time()
    await asyncio.gather(*(limiter.process_request(request, (), {}, "sendMessage", {"chat_id": chat_id}, None)
                           for chat_id in chat_ids))
    return [at - start for at in times]


async def test_private_chat_is_paced_and_other_chats_are_not() -> None:
    limiter = ChatRateLimiter(chat_rate=10)
    same = await send_times(limiter, [7, 7, 7])
    assert same[1] >= 0.09 and same[2] >= 0.19  # 1/rate apart, burst of one
    assert max(await send_times(limiter, [1, 2, 3, 4, "5", "@channel"])) < 0.05
    unlimited = ChatRateLimiter(chat_rate=0)
    assert max(await send_times(unlimited, [7, 7, 7, 7])) < 0.05 and unlimited.tracked_chats() == 0


async def test_group_chat_still_gets_the_group_limit() -> None:
    limiter = ChatRateLimiter(chat_rate=100, group_max_rate=2, group_time_period=1)
    group = await send_times(limiter, [-100500, -100500, -100500])
    assert group[1] < 0.1  # the group limiter bursts up to its max_rate ...
    assert group[2] >= 0.45  # ... then allows 2 per second
    assert max(await send_times(limiter, [1, 2, 3])) < 0.05  # private chats are not held up by the group


async def test_chat_limiters_stay_bounded() -> None:
    limiter = ChatRateLimiter(chat_rate=1000, overall_rate=0, max_chats=8)  # no overall 30/s here
    most = 0
    for chat_id in range(1, 301):
        await send_times(limiter, [chat_id])
        await asyncio.sleep(0.002)  # its bucket drains after 1 ms: idle again
        most = max(most, limiter.tracked_chats())
    assert most <= 8  # without the cleanup all 300 chats would be kept


async def test_a_chat_that_just_sent_keeps_its_limiter() -> None:
    limiter = ChatRateLimiter(chat_rate=2, max_chats=4)
    await send_times(limiter, [1])
    await send_times(limiter, [2, 3, 4, 5, 6, 7])  # cleanups happen meanwhile
    [again] = await send_times(limiter, [1])
    assert again >= 0.35  # still paced: chat 1's limiter was not dropped while its bucket was full


# ---------------------------------------------------------------- the update processor
def text_update(update_id: int, chat_id: int) -> Update:
    message = Message(update_id, datetime.now(UTC), Chat(chat_id, Chat.PRIVATE),
                      from_user=User(chat_id, "u", False), text=str(update_id))
    return Update(update_id, message=message)


async def test_processor_keeps_each_chat_in_order_and_runs_chats_concurrently() -> None:
    processor = ChatOrderedProcessor(max_concurrent_updates=4)
    log: list[tuple[str, int, int]] = []

    async def handle(update_id: int, chat_id: int, delay: float, fail: bool = False) -> None:
        log.append(("start", chat_id, update_id))
        await asyncio.sleep(delay)
        log.append(("end", chat_id, update_id))
        if fail:
            raise RuntimeError("handler crashed")

    jobs = [(1, 1, 0.05, False), (2, 1, 0.0, True), (3, 1, 0.01, False), (4, 2, 0.0, False), (5, 1, 0.0, False)]
    await asyncio.gather(*(processor.process_update(text_update(uid, chat), handle(uid, chat, delay, fail))
                           for uid, chat, delay, fail in jobs))
    chat_1 = [(event, uid) for event, chat, uid in log if chat == 1]
    assert chat_1 == [("start", 1), ("end", 1), ("start", 2), ("end", 2), ("start", 3), ("end", 3),
                      ("start", 5), ("end", 5)]  # one at a time, in order, and on past a crash
    assert log.index(("end", 2, 4)) < log.index(("end", 1, 1))  # chat 2 did not wait for chat 1
    assert processor.busy_chats() == 0


# ---------------------------------------------------------------- settings and wiring
def test_chat_and_global_rate_from_the_environment() -> None:
    defaults = Settings.from_env({})
    assert (defaults.chat_rate, defaults.global_rate) == (1.0, 30.0)
    settings = Settings.from_env({"BOT_CHAT_RATE": " 0.5 ", "BOT_GLOBAL_RATE": "25"})
    assert (settings.chat_rate, settings.global_rate) == (0.5, 25.0)
    assert Settings.from_env({"BOT_CHAT_RATE": "0", "BOT_GLOBAL_RATE": ""}).chat_rate == 0.0


@pytest.mark.parametrize("name", ["BOT_CHAT_RATE", "BOT_GLOBAL_RATE"])
@pytest.mark.parametrize("raw", ["fast", "-1", "1/s", "nan", "inf", "1,5"])
def test_invalid_rate_is_a_clear_error(name: str, raw: str) -> None:
    token = "123456789:AAH-secret_token-value"
    with pytest.raises(ConfigError, match=name) as caught:
        Settings.from_env({name: raw, "TELEGRAM_BOT_TOKEN": token})
    assert "messages per second" in str(caught.value) and token not in str(caught.value)


def test_application_uses_the_limiter_and_processor(tmp_path: Path) -> None:
    settings = Settings(token=TEST_TOKEN, data_dir=tmp_path, base_url="http://127.0.0.1:9/bot", chat_rate=0.5)
    app = build_application(settings, EngineRef(FakeEngine()), None)
    limiter: Any = app.bot.rate_limiter
    assert isinstance(limiter, ChatRateLimiter) and limiter.chat_rate == 0.5
    assert isinstance(app.update_processor, ChatOrderedProcessor) and app.concurrent_updates > 1
