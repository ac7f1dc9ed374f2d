"""Offline fake of the Telegram Bot API (aiohttp.web on 127.0.0.1) for tests, benchmarks and manual tries.

    async with FakeBotApi() as api:           # random free port
        app = ApplicationBuilder().token("123:abc").base_url(api.base_url)...
        api.push_text(chat_id=1, user_id=1, text="微粒贷要芝麻分吗")
        [reply] = await api.wait_for_sent(1, 1)

By hand: ``python -m tests.botkit.botapi --port 8081``, then
``TELEGRAM_BASE_URL=http://127.0.0.1:8081/bot TELEGRAM_BOT_TOKEN=123:abc make run`` and talk to the bot with
``curl -d '{"chat_id":1,"user_id":1,"text":"微粒贷要芝麻分吗"}' http://127.0.0.1:8081/_test/message`` and
``curl http://127.0.0.1:8081/_test/sent``.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import signal
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web

from . import updates as build
from .apimethods import BotApiMethods
from .apitypes import (
    DEFAULT_DESCRIPTIONS,
    JSON_PARAMS,
    TOKEN,
    ApiCall,
    ApiError,
    Failure,
    Params,
    SentDocument,
    SentMessage,
)

__all__ = ["ApiCall", "ApiError", "FakeBotApi", "SentDocument", "SentMessage", "main", "serve"]


class FakeBotApi(BotApiMethods):
    """An in-process fake Telegram Bot API server with helpers to push updates and inspect replies."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, username: str = "loanbot_test_bot",
                 first_name: str = "贷款问答（测试）", webhook_retry_delay: float = 0.2) -> None:
        self.host, self.port = host, port
        self.username, self.first_name = username, first_name
        self.webhook_retry_delay = webhook_retry_delay
        self.calls: list[ApiCall] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.callback_answers: list[Params] = []
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status or 0 on network error)
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self._sent: list[SentMessage] = []
        self.documents: list[SentDocument] = []
        self._files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self._updates: list[dict[str, Any]] = []
        self._ids = itertools.count(1)  # update ids
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._queries: dict[str, bool] = {}  # callback query id -> answered
        self._failures: dict[str, list[Failure]] = defaultdict(list)
        self._allowed: frozenset[str] | None = None  # None: Telegram's default set
        self._webhook_allowed: frozenset[str] | None = None
        self._poll_generation = 0
        self._pollers = 0  # getUpdates requests waiting right now
        self._last_error: tuple[int, str] | None = None
        self._bot_id = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._delivery: asyncio.Task[None] | None = None
        self._methods: dict[str, Callable[[Params], Awaitable[Any]]] = {
            name.lower(): getattr(self, f"_m_{name}") for name in (
                "getMe", "getUpdates", "sendMessage", "editMessageText", "editMessageReplyMarkup",
                "answerCallbackQuery", "sendPhoto", "sendDocument", "setMyCommands", "deleteMyCommands",
                "getMyCommands", "setWebhook", "deleteWebhook", "getWebhookInfo", "sendChatAction", "close", "logOut",
                "getFile")}

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> FakeBotApi:
        """Serve on ``host`` (a random free port unless one was given)."""
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        app.router.add_post("/_test/message", self._test_message)
        app.router.add_post("/_test/callback", self._test_callback)
        app.router.add_get("/_test/sent", self._test_sent)
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self

    async def stop(self) -> None:
        """Release long polls, stop webhook delivery and the server."""
        self._closing = True
        self._signal()
        if self._delivery:
            self._delivery.cancel()
            await asyncio.gather(self._delivery, return_exceptions=True)
        if self._client:
            await self._client.close()
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What to give PTB's ``base_url`` (it appends the token and the method)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # ------------------------------------------------------------------ pushing updates (test side)
    def push_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (``update_id`` is added). Safe to call from any thread."""
        update = {"update_id": next(self._ids), **payload}
        self._in_loop(lambda: self._updates.append(update))
        return update

    def push_message(self, chat_id: int, user_id: int, *, chat_type: str = "private",
                     reply_to_bot: bool = False, **content: Any) -> dict[str, Any]:
        """Queue a ``message`` update with arbitrary content fields (``text``, ``sticker``, ``document``...)."""
        message = self._incoming(chat_id, user_id, chat_type, reply_to_bot, content)
        self.push_update({"message": message})
        return message

    def push_text(self, chat_id: int, user_id: int, text: str, *, chat_type: str = "private",
                  reply_to_bot: bool = False, entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Queue a text message; ``/commands`` and ``@mentions`` get entities like a real client adds."""
        content: dict[str, Any] = {"text": text}
        found = build.detect_entities(text) if entities is None else entities
        if found:
            content["entities"] = found
        return self.push_message(chat_id, user_id, chat_type=chat_type, reply_to_bot=reply_to_bot, **content)

    def push_sticker(self, chat_id: int, user_id: int, **kw: Any) -> dict[str, Any]:
        return self.push_message(chat_id, user_id, sticker=build.sticker(), **kw)

    def push_photo(self, chat_id: int, user_id: int, caption: str | None = None, **kw: Any) -> dict[str, Any]:
        extra: dict[str, Any] = {"caption": caption} if caption else {}
        return self.push_message(chat_id, user_id, photo=build.photo(), **extra, **kw)

    def push_voice(self, chat_id: int, user_id: int, **kw: Any) -> dict[str, Any]:
        return self.push_message(chat_id, user_id, voice=build.voice(), **kw)

    def push_document(self, chat_id: int, user_id: int, file_name: str | None = None, content: bytes | None = None,
                      *, caption: str | None = None, file_size: int | None = None, **kw: Any) -> dict[str, Any]:
        """Queue a document message; with ``content`` the bot can download it (getFile)."""
        if content is None:
            document = build.document(file_name or "资料.pdf")
        else:
            file_id, _ = self._store_file(content)
            document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name or "file",
                        "mime_type": "application/x-yaml",
                        "file_size": len(content) if file_size is None else file_size}
        extra: dict[str, Any] = {"caption": caption} if caption else {}
        return self.push_message(chat_id, user_id, document=document, **extra, **kw)

    def push_edited_text(self, chat_id: int, user_id: int, message_id: int, text: str, *,
                         chat_type: str = "private") -> dict[str, Any]:
        """Queue an ``edited_message`` update: the user changed message ``message_id`` to ``text``."""
        original = self._messages.get((chat_id, message_id), {})
        message = {**original, "message_id": message_id, "from": build.user(user_id),
                   "chat": self._chat(chat_id, chat_type), "date": original.get("date", build.now()),
                   "edit_date": build.now(), "text": text}
        message.pop("entities", None)
        if found := build.detect_entities(text):
            message["entities"] = found
        self._in_loop(lambda: self._messages.__setitem__((chat_id, message_id), message))
        self.push_update({"edited_message": message})
        return message

    def push_callback(self, chat_id: int, user_id: int, message_id: int, data: str) -> str:
        """Queue a ``callback_query``: the user pressed a button with ``data`` under ``message_id``; returns its id."""
        query_id = f"cq{next(self._query_ids)}"
        message = self._messages.get((chat_id, message_id)) or {
            "message_id": message_id, "from": self._bot_user(), "chat": self._chat(chat_id), "date": build.now(),
            "text": "…"}
        self._in_loop(lambda: self._queries.__setitem__(query_id, False))
        self.push_update({"callback_query": {"id": query_id, "from": build.user(user_id), "message": message,
                                             "chat_instance": f"ci{chat_id}", "data": data}})
        return query_id

    # ------------------------------------------------------------------ inspecting (test side)
    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Successful sendMessage / editMessageText calls, oldest first (optionally of one chat)."""
        return [s for s in self._sent if chat_id is None or s.chat_id == chat_id]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A message as it is now (after edits), or None."""
        return self._messages.get((chat_id, message_id))

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed (polling) or delivered (webhook)."""
        return list(self._updates)

    def commands_for(self, scope_type: str = "default", *, chat_id: int | None = None, user_id: int | None = None,
                     language_code: str = "") -> list[dict[str, Any]]:
        """The command menu set for a scope (what ``getMyCommands`` would answer)."""
        scope: dict[str, Any] = {"type": scope_type}
        if chat_id is not None:
            scope["chat_id"] = chat_id
        if user_id is not None:
            scope["user_id"] = user_id
        return list(self.commands.get(self._scope_key(scope, language_code), []))

    async def wait_for_sent(self, chat_id: int | None, count: int, timeout: float = 10.0) -> list[SentMessage]:
        """Wait until ``count`` messages were sent (or edited) in ``chat_id``; TimeoutError tells what came."""
        deadline = time.monotonic() + timeout
        while True:
            changed = self._changed
            found = self.sent(chat_id)
            if len(found) >= count:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"expected {count} messages in chat {chat_id}, got {len(found)}: "
                                   f"{[s.plain[:80] for s in found]}")
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                pass

    @property
    def polling(self) -> bool:
        """True while a getUpdates long poll is waiting for updates (the bot is up and polling)."""
        return self._pollers > 0

    async def wait_until_polling(self, timeout: float = 10.0) -> None:
        """Wait for the bot's first long poll (raises TimeoutError)."""
        deadline = time.monotonic() + timeout
        while not self.polling:
            changed = self._changed
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the bot never started polling")
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                pass

    def fail_next(self, method: str, status: int = 429, retry_after: int = 1, times: int = 1,
                  description: str | None = None) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``status`` (429 carries ``retry_after``)."""
        failure = Failure(status, retry_after if status == 429 else None, description)
        self._in_loop(lambda: self._failures[method.lower()].extend([failure] * times))

    # ------------------------------------------------------------------ internals
    def _in_loop(self, action: Callable[[], object]) -> None:
        """Run a state change on the server's loop thread and wake waiters."""
        def run() -> None:
            action()
            self._signal()

        if self._loop is None or not self._loop.is_running():
            run()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            run()
        else:
            self._loop.call_soon_threadsafe(run)

    def _signal(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _bot_user(self) -> dict[str, Any]:
        return build.user(self._bot_id or 1, is_bot=True, first_name=self.first_name, username=self.username)

    def _chat(self, chat_id: int, chat_type: str | None = None) -> dict[str, Any]:
        known = self._chats.get(chat_id)
        if known is None or (chat_type is not None and known["type"] != chat_type):
            known = build.chat(chat_id, chat_type or "private")
            self._chats[chat_id] = known
        return known

    def _incoming(self, chat_id: int, user_id: int, chat_type: str, reply_to_bot: bool,
                  content: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {"message_id": next(self._message_ids), "from": build.user(user_id),
                                   "chat": self._chat(chat_id, chat_type), "date": build.now(), **content}
        if reply_to_bot:
            ours = [m for (c, _), m in self._messages.items() if c == chat_id and m["from"].get("is_bot")]
            message["reply_to_message"] = ours[-1] if ours else {
                "message_id": next(self._message_ids), "from": self._bot_user(), "chat": message["chat"],
                "date": build.now(), "text": "…"}
        self._in_loop(lambda: self._messages.__setitem__((chat_id, message["message_id"]), message))
        return message

    # ------------------------------------------------------------------ HTTP
    async def _download(self, request: web.Request) -> web.Response:
        if not TOKEN.match(request.match_info["token"]):
            return web.Response(status=401)
        found = next((data for path, data in self._files.values() if path == request.match_info["path"]), None)
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found, content_type="application/octet-stream")

    async def _handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        params: Params = {}
        try:
            match = TOKEN.match(token)
            if not match:
                raise ApiError(401, "Unauthorized")
            self._bot_id = int(match.group(1))
            params = await self._params(request)
            handler = self._methods.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            failures = self._failures.get(method.lower())
            if failures:
                self._raise_failure(failures.pop(0))
            result = await handler(params)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, body = error.status, error.body()
        self.calls.append(ApiCall(method, params, status, time.time()))
        self._signal()
        return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))

    @staticmethod
    def _raise_failure(failure: Failure) -> None:
        if failure.status == 429:
            seconds = failure.retry_after or 1
            raise ApiError(429, failure.description or f"Too Many Requests: retry after {seconds}",
                           {"retry_after": seconds})
        raise ApiError(failure.status, failure.description or DEFAULT_DESCRIPTIONS.get(failure.status, "Error"))

    @staticmethod
    async def _params(request: web.Request) -> Params:
        """Query string, JSON body, urlencoded or multipart form; JSON-typed fields decoded."""
        params: Params = dict(request.query)
        if request.body_exists:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise ApiError(400, "Bad Request: can't parse JSON body") from None
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: JSON body must be an object")
                params.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, str):
                        params[key] = value
                    elif isinstance(value, web.FileField):  # an uploaded photo or document
                        params[key] = {"filename": value.filename, "file_name": value.filename,
                                       "content_type": value.content_type, "data": value.file.read()}
        for name in JSON_PARAMS:
            if isinstance(params.get(name), str):
                try:
                    params[name] = json.loads(params[name])
                except ValueError:
                    raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
        return params

    # ------------------------------------------------------------------ /_test routes (manual use)
    async def _test_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        message = self.push_text(int(body["chat_id"]), int(body.get("user_id", body["chat_id"])), str(body["text"]),
                                 chat_type=str(body.get("chat_type", "private")))
        return web.json_response({"ok": True, "result": message}, dumps=lambda o: json.dumps(o, ensure_ascii=False))

    async def _test_callback(self, request: web.Request) -> web.Response:
        body = await request.json()
        query_id = self.push_callback(int(body["chat_id"]), int(body.get("user_id", body["chat_id"])),
                                      int(body["message_id"]), str(body["data"]))
        return web.json_response({"ok": True, "result": query_id})

    async def _test_sent(self, request: web.Request) -> web.Response:
        chat_id = request.query.get("chat_id")
        sent = [s.to_json() for s in self.sent(int(chat_id) if chat_id else None)]
        return web.json_response({"ok": True, "result": sent}, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def serve(host: str, port: int) -> None:
    """Run the fake API until SIGINT (Ctrl-C) or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with FakeBotApi(host, port) as api:
        print(f"Fake Telegram Bot API on {api.url}\n"
              f"  TELEGRAM_BASE_URL={api.base_url} TELEGRAM_BOT_TOKEN=123:abc make run\n"
              f"  curl -d '{{\"chat_id\":1,\"user_id\":1,\"text\":\"微粒贷要芝麻分吗\"}}' {api.url}/_test/message\n"
              f"  curl {api.url}/_test/sent", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.botkit.botapi", description="Offline fake Telegram Bot API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
