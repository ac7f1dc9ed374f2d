"""Webhook mode: the fake Bot API POSTs updates to PTB's webhook server; the secret token is enforced."""
from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.config import Settings
from bot.engine import build_engine
from tests.botkit.botapi import FakeBotApi
from tests.botkit.harness import TEST_TOKEN, free_port, running_bot

REPO = Path(__file__).resolve().parent.parent
SECRET = "webhook-Secret_123"


def forged_update(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_700_000_000, "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": "x"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "x"}}}


async def test_webhook_mode_answers_and_checks_the_secret(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    webhook = {"listen": "127.0.0.1", "port": port, "url_path": "telegram", "webhook_url": url,
               "secret_token": SECRET}
    settings = Settings(token=TEST_TOKEN, data_dir=tmp_path, knowledge_dir=REPO / "knowledge",
                        intents_dir=REPO / "intents")
    engine = build_engine(settings.knowledge_dir, settings.intents_dir)
    async with FakeBotApi() as api, running_bot(api, settings, engine, webhook=webhook):
        assert (api.webhook_url, api.webhook_secret) == (url, SECRET)
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{api.base_url}{TEST_TOKEN}/getUpdates") as response:
                assert response.status == 409  # like Telegram while a webhook is set

            api.push_text(10, 10, "微粒贷要芝麻分吗")
            [answer] = await api.wait_for_sent(10, 1)
            assert "微粒贷" in answer.plain and "来源：" in answer.plain
            assert [status for _, status in api.webhook_deliveries] == [200]

            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret"}):
                async with http.post(url, json=forged_update(900, 20, "微粒贷要芝麻分吗"), headers=headers) as r:
                    assert r.status == 403
            async with http.post(url, json=forged_update(901, 20, "你好"),
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as r:
                assert r.status == 200
            [greeting] = await api.wait_for_sent(20, 1)  # only the request with the right secret was handled
            assert greeting.plain.startswith("你好")
            assert len(api.sent(20)) == 1
