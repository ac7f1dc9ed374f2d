"""The bot's HTTP client for the Bot API: PTB's ``BaseRequest`` over aiohttp instead of PTB's default httpx.

Why: in benchmarks/ (the Telegram row) the bot spent ~2.9 ms of CPU per update with httpx and ~1.3 ms with
this class, replies identical. httpx's connection pool (httpcore over anyio) checks every pooled connection
for expiry on each request, and each check builds anyio's socket-attribute table (a ``getpeername`` call per
connection): with 16 chats answered at once that was ~0.5 ms per update, and request building another
~0.2 ms. aiohttp keeps idle connections in a queue and hands one out without scanning the others.

Behaviour follows PTB's ``HTTPXRequest``: the same default timeouts, PTB's exceptions (``TimedOut``,
``NetworkError``), form-encoded parameters and multipart uploads, proxies from the environment
(``HTTPS_PROXY`` …), certifi's CA bundle. Error texts never carry the URL (it holds the bot token).
"""
from __future__ import annotations

import functools
import ssl
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue  # PTB's marker for "not given": its own requests use it too
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from .redact import redact

# PTB's HTTPXRequest defaults (seconds): connect, read, write, pool; uploads get a longer write timeout
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0
POOL_SIZE = 256  # PTB's default for the bot's requests; getUpdates gets one connection of its own


@functools.cache
def tls_context() -> ssl.SSLContext:
    """Verified TLS with certifi's CA bundle, as httpx has it (a slim image may have no system CAs); built
    once per process (~60 ms)."""
    return ssl.create_default_context(cafile=certifi.where())


def _given(value: Any, default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _total(*parts: float | None) -> float | None:
    """An upper bound for the whole request: the sum of its phases' timeouts (None when one is unbounded)."""
    return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)


def env_proxy(origin: str) -> str | None:
    """The proxy the environment sets for ``origin`` ("https://api.telegram.org"), as httpx would use it:
    ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``, unless ``NO_PROXY`` names the host."""
    scheme, _, host = origin.partition("://")
    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(host.split(":")[0]):
        return None
    return proxy


def _safe(error: BaseException) -> str:
    """The error's text without the bot token (aiohttp puts the URL in some messages)."""
    return redact(str(error))


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a connection pool of ``pool_size``; created by ``initialize``."""

    def __init__(self, pool_size: int = POOL_SIZE, read_timeout: float | None = READ_TIMEOUT,
                 write_timeout: float | None = WRITE_TIMEOUT, connect_timeout: float | None = CONNECT_TIMEOUT,
                 pool_timeout: float | None = POOL_TIMEOUT,
                 media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT) -> None:
        self._pool_size = pool_size
        self._read, self._write, self._connect, self._pool = read_timeout, write_timeout, connect_timeout, pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        # the environment's proxy per origin, looked up once: aiohttp's own lookup (trust_env) reads the
        # environment on every request, ~0.6 ms per update in benchmarks/
        self._proxies: dict[str, str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ssl=tls_context())
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})
            self._proxies.clear()

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE,
                         write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        """Send one request; returns (HTTP status, body) and leaves the Bot API's answer to PTB."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        read = _given(read_timeout, self._read)
        connect = _given(connect_timeout, self._connect)
        pool = _given(pool_timeout, self._pool)
        write = _given(write_timeout, self._media_write if files else self._write)
        timeout = aiohttp.ClientTimeout(total=_total(pool, connect, write, read), connect=_total(pool, connect),
                                        sock_connect=connect, sock_read=read)
        data: aiohttp.FormData | dict[str, str] | None = fields
        if files:
            form = aiohttp.FormData()
            for name, value in (fields or {}).items():
                form.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            data = form
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._proxies:
            self._proxies[origin] = env_proxy(origin)
        try:
            async with self._session.request(method, url, data=data, timeout=timeout,
                                             proxy=self._proxies[origin]) as response:
                return response.status, await response.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {_safe(error)}") from error
