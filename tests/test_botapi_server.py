"""The offline fake Telegram Bot API behaves like the real one where the bot depends on it."""
from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, RetryAfter

from tests.botkit.botapi import FakeBotApi
from tests.botkit.tghtml import HtmlError, parse_html
from tests.conftest import REPO

TOKEN = "4242:fake-Token_x"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(http: aiohttp.ClientSession, api: FakeBotApi, method: str, *, json_body: dict[str, Any] | None = None,
               form: dict[str, str] | None = None, token: str = TOKEN) -> tuple[int, dict[str, Any]]:
    url = f"{api.base_url}{token}/{method}"
    async with http.post(url, json=json_body, data=form) as response:
        return response.status, await response.json()


# ---------------------------------------------------------------- basics
async def test_get_me_uses_the_token_digits(api: FakeBotApi, http: aiohttp.ClientSession) -> None:
    status, body = await call(http, api, "getMe")
    assert status == 200 and body["ok"] is True
    assert body["result"]["id"] == 4242
    assert body["result"]["username"] == "loanbot_test_bot" and body["result"]["is_bot"] is True


async def test_bad_token_and_unknown_method(api: FakeBotApi, http: aiohttp.ClientSession) -> None:
    status, body = await call(http, api, "getMe", token="not-a-token")
    assert (status, body["error_code"], body["ok"]) == (401, 401, False)
    status, body = await call(http, api, "sendPigeon")
    assert status == 404
    bot = Bot("nope", base_url=api.base_url)
    with pytest.raises(InvalidToken):  # PTB maps 401 to InvalidToken
        await bot.initialize()
    await bot.shutdown()


async def test_send_message_accepts_json_and_form_and_counts_ids(api: FakeBotApi, http: aiohttp.ClientSession) -> None:
    _, first = await call(http, api, "sendMessage", json_body={"chat_id": 5, "text": "你好"})
    markup = {"inline_keyboard": [[{"text": "借呗", "callback_data": "a|rates|jiebei"}]]}
    _, second = await call(http, api, "sendMessage", form={"chat_id": "5", "text": "<b>粗体</b> &amp; 更多",
                                                           "parse_mode": "HTML", "reply_markup": json.dumps(markup)})
    assert second["result"]["message_id"] > first["result"]["message_id"]
    assert second["result"]["text"] == "粗体 & 更多"
    assert second["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    sent = api.sent(5)
    assert [s.plain for s in sent] == ["你好", "粗体 & 更多"]
    assert sent[1].parse_mode == "HTML" and sent[1].buttons == [("借呗", "a|rates|jiebei")]
    assert api.sent(6) == []


@pytest.mark.parametrize("text, problem", [
    ("a < b", "can't parse entities"),
    ("R&D", "can't parse entities"),
    ("<div>x</div>", "can't parse entities"),
    ("<b>unclosed", "can't parse entities"),
    ("<b><i>x</b></i>", "can't parse entities"),
    ("<span>x</span>", "can't parse entities"),
    ("   ", "message text is empty"),
    ("<b></b>", "message text is empty"),
    ("长" * 4097, "message is too long"),
    ("😀" * 2049, "message is too long"),  # 4098 UTF-16 code units
])
async def test_send_message_validates_like_telegram(api: FakeBotApi, http: aiohttp.ClientSession, text: str,
                                                    problem: str) -> None:
    status, body = await call(http, api, "sendMessage", form={"chat_id": "1", "text": text, "parse_mode": "HTML"})
    assert status == 400 and body["error_code"] == 400
    assert body["description"].startswith("Bad Request: ") and problem in body["description"]
    assert api.sent() == []


async def test_longest_message_is_accepted(api: FakeBotApi, http: aiohttp.ClientSession) -> None:
    status, _ = await call(http, api, "sendMessage", form={"chat_id": "1", "text": "&amp;" * 4096,
                                                           "parse_mode": "HTML"})
    assert status == 200


async def test_callback_data_over_64_bytes_is_refused(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        ok = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="a" * 64)]])
        await bot.send_message(1, "ok", reply_markup=ok)
        too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="贷" * 22)]])  # 66 bytes
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(1, "no", reply_markup=too_long)
    assert [s.plain for s in api.sent()] == ["ok"]


async def test_injected_429_has_telegrams_shape(api: FakeBotApi, http: aiohttp.ClientSession) -> None:
    api.fail_next("sendMessage", status=429, retry_after=3)
    status, body = await call(http, api, "sendMessage", json_body={"chat_id": 1, "text": "x"})
    assert status == 429
    assert body == {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
                    "parameters": {"retry_after": 3}}
    status, _ = await call(http, api, "sendMessage", json_body={"chat_id": 1, "text": "x"})
    assert status == 200
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        api.fail_next("sendMessage", retry_after=2)
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(1, "x")
        assert "retry in 2" in str(caught.value).lower()
        api.fail_next("getMe", status=500)
        with pytest.raises(NetworkError):
            await bot.get_me()


# ---------------------------------------------------------------- long polling
async def test_get_updates_long_polls_and_confirms_with_offset(api: FakeBotApi, http: aiohttp.ClientSession) -> None:
    started = time.monotonic()
    _, body = await call(http, api, "getUpdates", form={"timeout": "1"})
    assert body["result"] == [] and 0.9 <= time.monotonic() - started < 3

    async def push_later() -> None:
        await api.wait_until_polling(2)
        api.push_text(1, 2, "微粒贷要芝麻分吗")

    started = time.monotonic()
    pusher = asyncio.create_task(push_later())
    _, body = await call(http, api, "getUpdates", form={"timeout": "10"})
    await pusher
    assert time.monotonic() - started < 2  # answered as soon as the update came
    [update] = body["result"]
    assert not api.polling
    assert update["message"]["text"] == "微粒贷要芝麻分吗" and update["message"]["from"]["id"] == 2
    _, again = await call(http, api, "getUpdates", form={"timeout": "0"})
    assert again["result"] == [update]  # not confirmed yet
    _, after = await call(http, api, "getUpdates", form={"timeout": "0", "offset": str(update["update_id"] + 1)})
    assert after["result"] == [] and api.pending_updates() == []


async def test_allowed_updates_filters_and_limit(api: FakeBotApi, http: aiohttp.ClientSession) -> None:
    message = api.push_text(1, 1, "a")
    api.push_callback(1, 1, message["message_id"], "a|x|-")
    api.push_text(1, 1, "b")
    _, body = await call(http, api, "getUpdates", form={"allowed_updates": json.dumps(["message"]), "limit": "1"})
    assert [u["message"]["text"] for u in body["result"]] == ["a"]
    _, body = await call(http, api, "getUpdates", form={})  # the previous allowed_updates still apply
    assert [u["message"]["text"] for u in body["result"]] == ["a", "b"]


async def test_a_second_get_updates_terminates_the_first(api: FakeBotApi, http: aiohttp.ClientSession) -> None:
    first = asyncio.create_task(call(http, api, "getUpdates", form={"timeout": "5"}))
    await asyncio.sleep(0.2)
    second = asyncio.create_task(call(http, api, "getUpdates", form={"timeout": "0"}))
    status, body = await first
    assert status == 409 and "terminated by other getUpdates request" in body["description"]
    assert (await second)[0] == 200


async def test_pushed_messages_look_like_telegram(api: FakeBotApi) -> None:
    command = api.push_text(1, 1, "/help@loanbot_test_bot")
    assert command["entities"] == [{"type": "bot_command", "offset": 0, "length": 22}]
    group = api.push_text(-100, 3, "😀 @loanbot_test_bot 借呗", chat_type="supergroup")
    assert group["chat"]["type"] == "supergroup"
    assert group["entities"] == [{"type": "mention", "offset": 3, "length": 17}]
    sticker = api.push_sticker(1, 1)
    assert "sticker" in sticker and "text" not in sticker
    edited = api.push_edited_text(1, 1, command["message_id"], "/start")
    assert api.pending_updates()[-1] == {"update_id": api.pending_updates()[-1]["update_id"], "edited_message": edited}
    reply = api.push_text(1, 1, "回复", reply_to_bot=True)
    assert reply["reply_to_message"]["from"]["is_bot"] is True


# ---------------------------------------------------------------- editing, callbacks, commands
async def test_edit_and_callback_answers(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        message = await bot.send_message(7, "旧")
        edited = await bot.edit_message_text("新", chat_id=7, message_id=message.message_id)
        assert isinstance(edited, Message) and edited.text == "新"
        with pytest.raises(BadRequest, match=r"(?i)not modified"):
            await bot.edit_message_text("新", chat_id=7, message_id=message.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("x", chat_id=7, message_id=9999)
        query_id = api.push_callback(7, 7, message.message_id, "a|x|-")
        assert await bot.answer_callback_query(query_id, text="好的")
        with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
            await bot.answer_callback_query(query_id)
        await bot.send_chat_action(7, "typing")
        assert await bot.close() and await bot.log_out()
    assert [s.method for s in api.sent(7)] == ["sendMessage", "editMessageText"]
    assert api.callback_answers[0]["text"] == "好的" and api.chat_actions == [(7, "typing")]


async def test_commands_per_scope(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        await bot.set_my_commands([BotCommand("help", "说明")])
        await bot.set_my_commands([BotCommand("help", "说明"), BotCommand("stats", "统计")],
                                  scope=BotCommandScopeChat(99))
        assert [c.command for c in await bot.get_my_commands()] == ["help"]
        assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(99))] == ["help", "stats"]
        with pytest.raises(BadRequest):
            await bot.set_my_commands([BotCommand("Bad-Name", "x")])
        await bot.delete_my_commands(scope=BotCommandScopeChat(99))
    assert api.commands_for("chat", chat_id=99) == []
    assert api.commands_for() == [{"command": "help", "description": "说明"}]


# ---------------------------------------------------------------- webhook
async def test_webhook_delivery_with_secret_and_conflict(api: FakeBotApi, http: aiohttp.ClientSession) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    failures = [1]

    async def hook(request: web.Request) -> web.Response:
        if failures:
            failures.pop()
            return web.Response(status=500)  # Telegram retries
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with Bot(TOKEN, base_url=api.base_url) as bot:
            await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
            status, body = await call(http, api, "getUpdates")
            assert status == 409 and body["description"].startswith("Conflict: can't use getUpdates")
            with pytest.raises(Conflict):
                await bot.get_updates()
            api.push_text(1, 1, "你好")
            for _ in range(300):  # up to 15 s on a loaded machine
                if received and len(api.webhook_deliveries) == 2:  # the server records a status once it has it
                    break
                await asyncio.sleep(0.05)
            [(secret, update)] = received
            assert secret == "s3cret" and update["message"]["text"] == "你好"
            assert [status for _, status in api.webhook_deliveries] == [500, 200]
            info = await bot.get_webhook_info()
            assert info.url.endswith("/hook") and info.pending_update_count == 0
            assert info.last_error_message
            await bot.delete_webhook()
            assert (await bot.get_webhook_info()).url == ""
            assert await bot.get_updates(timeout=0) == ()
    finally:
        await runner.cleanup()


# ---------------------------------------------------------------- manual use
async def test_test_routes_inject_and_list(api: FakeBotApi, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{api.url}/_test/message", json={"chat_id": 3, "user_id": 4, "text": "你好"}) as r:
        message = (await r.json())["result"]
    assert api.pending_updates()[0]["message"]["message_id"] == message["message_id"]
    await call(http, api, "sendMessage", json_body={"chat_id": 3, "text": "回答"})
    async with http.get(f"{api.url}/_test/sent", params={"chat_id": "3"}) as r:
        sent = (await r.json())["result"]
    assert [s["plain"] for s in sent] == ["回答"]


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_cli_serves_until_interrupted(stop_signal: int) -> None:
    process = subprocess.Popen([sys.executable, "-m", "tests.botkit.botapi", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=REPO)
    assert process.stdout is not None and process.stderr is not None
    try:
        first = process.stdout.readline()
        assert first.startswith("Fake Telegram Bot API on http://127.0.0.1:")
        url = first.split()[-1]
        import urllib.request
        with urllib.request.urlopen(f"{url}/bot1:a/getMe", timeout=5) as response:
            assert json.load(response)["result"]["username"] == "loanbot_test_bot"
    finally:
        process.send_signal(stop_signal)
        assert process.wait(timeout=10) == 0
    assert "Traceback" not in process.stderr.read()


# ---------------------------------------------------------------- the HTML parser itself
def test_parse_html_entities_and_offsets() -> None:
    parsed = parse_html('😀<b>粗<i>斜</i></b> <a href="https://x.cn/?a=1&amp;b=2">链接</a> &lt;&#65;&#x42;&quot;')
    assert parsed.text == '😀粗斜 链接 <AB"'
    assert {"type": "bold", "offset": 2, "length": 2} in parsed.entities
    assert {"type": "italic", "offset": 3, "length": 1} in parsed.entities
    assert {"type": "text_link", "offset": 5, "length": 2, "url": "https://x.cn/?a=1&b=2"} in parsed.entities
    assert parse_html('<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler><pre><code class="language-py">'
                      "z</code></pre><blockquote expandable>q</blockquote>").text == "xyzq"
    for bad in ("<b>", "</b>", "&nbsp;", "a > b", "<a>x</a>", "<script>x</script>"):
        with pytest.raises(HtmlError):
            parse_html(bad)
