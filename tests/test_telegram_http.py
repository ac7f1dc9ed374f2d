"""The Bot API client (bot/telegram/http.py): what PTB's own httpx client does, over aiohttp: answers, uploads,
PTB's errors on timeouts and network failures, proxies from the environment, never the token in an error."""
from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.http import AiohttpRequest, env_proxy
from tests.botkit.harness import TEST_TOKEN, free_port

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def server(handler: Handler) -> AsyncIterator[str]:
    """A one-route HTTP server on 127.0.0.1; yields its base URL."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_parameters_and_uploads_arrive_as_the_bot_api_reads_them() -> None:
    seen: list[dict[str, object]] = []

    async def handler(request: web.Request) -> web.Response:
        form = await request.post()
        seen.append({k: (v.file.read() if isinstance(v, web.FileField) else v) for k, v in form.items()})
        return web.json_response({"ok": True, "result": True})

    async with server(handler) as base:
        request = AiohttpRequest()
        async with request:
            text = RequestParameter.from_input("text", "微粒贷 <b>日利率</b> 0.05%")
            status, body = await request.do_request(f"{base}/x", "POST", RequestData(
                [RequestParameter.from_input("chat_id", 42), text]))
            assert status == 200 and json.loads(body)["ok"] is True
            upload = InputFile(b"id,amount\n1,10000\n", filename="还款计划.csv")
            await request.do_request(f"{base}/y", "POST", RequestData(
                [RequestParameter.from_input("chat_id", 42), RequestParameter.from_input("document", upload)]))
    assert seen[0] == {"chat_id": "42", "text": "微粒贷 <b>日利率</b> 0.05%"}
    assert seen[1]["chat_id"] == "42" and seen[1]["document"] == b"id,amount\n1,10000\n"


async def test_a_slow_answer_is_ptbs_timed_out() -> None:
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    async with server(handler) as base, AiohttpRequest(read_timeout=0.2) as request:
        with pytest.raises(TimedOut):
            await request.post(f"{base}/bot{TEST_TOKEN}/getMe")


async def test_a_network_failure_is_ptbs_network_error_without_the_token() -> None:
    port = free_port()  # nothing listens there
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{port}/bot{TEST_TOKEN}/getMe")
    assert TEST_TOKEN not in str(caught.value) and TEST_TOKEN.split(":")[1] not in str(caught.value)


async def test_a_bot_over_this_client_talks_to_the_api(monkeypatch: pytest.MonkeyPatch) -> None:
    async def handler(request: web.Request) -> web.Response:
        assert request.path == f"/bot{TEST_TOKEN}/getMe"
        return web.json_response({"ok": True, "result": {"id": 7, "is_bot": True, "first_name": "loanbot",
                                                         "username": "loanbot"}})

    async with server(handler) as base:
        bot = Bot(TEST_TOKEN, base_url=f"{base}/bot", request=AiohttpRequest(),
                  get_updates_request=AiohttpRequest(pool_size=1))
        async with bot:
            assert bot.username == "loanbot"


def test_proxies_come_from_the_environment_as_for_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
                 "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert env_proxy("https://api.telegram.org") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    assert env_proxy("https://api.telegram.org") == "http://127.0.0.1:3128"
    assert env_proxy("http://127.0.0.1:8081") is None  # no proxy for plain http unless HTTP_PROXY says so
    monkeypatch.setenv("NO_PROXY", "api.telegram.org")
    assert env_proxy("https://api.telegram.org") is None
