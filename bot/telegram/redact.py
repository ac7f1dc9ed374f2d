"""Keep the bot token (and the webhook secret) out of every log line, httpx's request URLs included."""
from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote

REDACTED = "[REDACTED]"
# A token in a Bot API URL (".../bot123456:ABC.../getMe"), registered or not: a client built outside the app (the
# benchmarks' echo bot) or an error raised before ``install_redaction`` must not show it either
_TOKEN_IN_URL = re.compile(r"(?<=bot)\d+:[A-Za-z0-9_-]+")
_secrets: set[str] = set()
_lock = threading.Lock()
_factory_installed = False


def redact(text: str) -> str:
    """``text`` with every registered secret, and any token in a Bot API URL, replaced by ``[REDACTED]``."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _TOKEN_IN_URL.sub(REDACTED, text) if "bot" in text else text


def scrub(record: logging.LogRecord) -> None:
    """Redact a record in place: message, arguments and exception text."""
    try:
        message = record.getMessage()
    except Exception:
        return
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the registered secrets (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        scrub(record)
        return True


def install_redaction(*secrets: str | None) -> None:
    """Register secrets and redact them from all log records created from now on.

    Works through the log record factory, so records of every logger (PTB, httpx, ours) are cleaned
    whatever handlers are configured; the root handlers also get a ``RedactingFilter``.
    """
    global _factory_installed
    with _lock:
        for secret in secrets:
            if secret and len(secret) >= 6:
                _secrets.update({secret, quote(secret, safe="")})
        if not _factory_installed:
            previous = logging.getLogRecordFactory()

            def factory(*args: object, **kwargs: object) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                scrub(record)
                return record

            logging.setLogRecordFactory(factory)
            _factory_installed = True
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


def quiet_http_loggers() -> None:
    """httpx logs every request URL (which contains the token) at INFO: keep it to warnings (aiohttp, the
    client the bot uses, too: its loggers may name URLs)."""
    for name in ("httpx", "httpcore", "aiohttp"):
        logging.getLogger(name).setLevel(logging.WARNING)
