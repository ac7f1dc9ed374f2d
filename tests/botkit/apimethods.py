"""The Bot API methods of the fake server (getUpdates, sendMessage, ..., webhook delivery), as a mixin."""
from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import aiohttp

from . import updates as build
from .apitypes import (
    DEFAULT_EXCLUDED,
    NOT_MODIFIED,
    SECRET,
    ApiError,
    Params,
    SentDocument,
    SentMessage,
    bool_param,
    int_param,
    update_type,
)
from .tghtml import HtmlError, parse_html, utf16_len


class BotApiMethods:
    """Implements ``_m_<method>(params)`` for each supported method; state lives in ``FakeBotApi``."""

    # state owned by FakeBotApi (declared for readers and type checkers)
    calls: list[Any]
    commands: dict[str, list[dict[str, Any]]]
    chat_actions: list[tuple[int, str]]
    callback_answers: list[Params]
    webhook_deliveries: list[tuple[int, int]]
    webhook_url: str | None
    webhook_secret: str | None
    webhook_retry_delay: float
    _sent: list[SentMessage]
    _updates: list[dict[str, Any]]
    _message_ids: Iterator[int]
    _messages: dict[tuple[int, int], dict[str, Any]]
    _queries: dict[str, bool]
    _allowed: frozenset[str] | None
    _webhook_allowed: frozenset[str] | None
    _poll_generation: int
    _pollers: int
    _last_error: tuple[int, str] | None
    _changed: asyncio.Event
    _closing: bool
    _client: aiohttp.ClientSession | None
    _delivery: asyncio.Task[None] | None
    documents: list[SentDocument]
    _files: dict[str, tuple[str, bytes]]

    def _signal(self) -> None: ...

    def _bot_user(self) -> dict[str, Any]:
        raise NotImplementedError  # FakeBotApi's

    def _chat(self, chat_id: int, chat_type: str | None = None) -> dict[str, Any]:
        raise NotImplementedError  # FakeBotApi's

    @staticmethod
    def _scope_key(scope: dict[str, Any] | None, language_code: str) -> str:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True) + "|" + (language_code or "")

    def _deliverable(self, allowed: frozenset[str] | None, limit: int) -> list[dict[str, Any]]:
        """Pending updates of allowed types (others are dropped, as Telegram does)."""
        keep = []
        for update in self._updates:
            kind = update_type(update)
            if (kind in allowed) if allowed else (kind not in DEFAULT_EXCLUDED):
                keep.append(update)
        self._updates = keep
        return keep[:limit]

    # ------------------------------------------------------------------ Bot API methods
    async def _m_getMe(self, p: Params) -> dict[str, Any]:
        return {**self._bot_user(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}

    async def _m_getUpdates(self, p: Params) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int_param(p, "offset", 0)
        limit = min(max(int_param(p, "limit", 100), 1), 100)
        timeout = max(0.0, float(p.get("timeout") or 0))
        if "allowed_updates" in p:
            self._allowed = frozenset(p["allowed_updates"] or ()) or None
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        deadline = time.monotonic() + timeout
        # Announce "a poller is waiting" once per poll, before taking the event to wait on: signalling
        # inside the loop set the very event the poll then waited for, so an idle poll spun at 100% CPU.
        self._pollers += 1
        if self._pollers == 1:
            self._signal()
        try:
            while True:
                changed = self._changed
                if self.webhook_url:
                    raise ApiError(409, "Conflict: terminated by setWebhook request")
                if generation != self._poll_generation:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                        "make sure that only one bot instance is running")
                ready = self._deliverable(self._allowed, limit)
                remaining = deadline - time.monotonic()
                if ready or remaining <= 0 or self._closing:
                    return ready
                try:
                    await asyncio.wait_for(changed.wait(), remaining)
                except TimeoutError:
                    pass
        finally:
            self._pollers -= 1

    def _text(self, p: Params) -> tuple[str, list[dict[str, Any]]]:
        """Validate text + parse_mode like Telegram; the plain text and entities the user sees."""
        text = str(p.get("text", ""))
        mode = str(p.get("parse_mode") or "")
        if mode.lower() == "html":
            try:
                parsed = parse_html(text)
            except HtmlError as error:
                raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
            plain, entities = parsed.text, list(parsed.entities)
        else:
            plain, entities = text, list(p.get("entities") or [])
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(plain) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return plain, entities

    @staticmethod
    def _markup(p: Params) -> dict[str, Any] | None:
        markup = p.get("reply_markup")
        if not markup:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not str(button.get("text", "")).strip():
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _chat_id(self, p: Params) -> int:
        try:
            return int(p.get("chat_id", ""))
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None

    def _record(self, method: str, chat_id: int, message: dict[str, Any], p: Params,
                markup: dict[str, Any] | None, reply_to: int | None) -> None:
        self._sent.append(SentMessage(method, chat_id, message["message_id"], str(p.get("text", "")),
                                      message["text"], p.get("parse_mode") or None, markup, reply_to, p))

    async def _m_sendMessage(self, p: Params) -> dict[str, Any]:
        chat_id = self._chat_id(p)
        plain, entities = self._text(p)
        markup = self._markup(p)
        reply = p.get("reply_parameters") or {}
        reply_to = reply.get("message_id") if isinstance(reply, dict) else None
        reply_to = int(reply_to) if reply_to is not None else (int_param(p, "reply_to_message_id", 0) or None)
        message: dict[str, Any] = {"message_id": next(self._message_ids), "from": self._bot_user(),
                                   "chat": self._chat(chat_id), "date": build.now(), "text": plain}
        if entities:
            message["entities"] = entities
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if reply_to is not None:
            original = self._messages.get((chat_id, reply_to))
            if original is None and not (reply.get("allow_sending_without_reply") if isinstance(reply, dict)
                                         else False):
                raise ApiError(400, "Bad Request: message to be replied not found")
            if original is not None:
                message["reply_to_message"] = original
        self._messages[(chat_id, message["message_id"])] = message
        self._record("sendMessage", chat_id, message, p, markup, reply_to)
        return message

    def _upload(self, p: Params, field: str) -> dict[str, Any]:
        """A multipart file upload (what ``InputFile`` sends); a file_id or URL string is not supported here."""
        upload = p.get(field)
        if not isinstance(upload, dict) or not upload.get("data"):
            raise ApiError(400, f"Bad Request: there is no {field} in the request")
        return upload

    async def _send_file(self, p: Params, field: str) -> dict[str, Any]:
        """sendPhoto / sendDocument: recorded like a message whose text is the caption, the file in ``params``."""
        chat_id = self._chat_id(p)
        upload = self._upload(p, field)
        caption = str(p.get("caption") or "")
        plain = caption
        if caption and str(p.get("parse_mode") or "").lower() == "html":
            try:
                plain = parse_html(caption).text
            except HtmlError as error:
                raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
        if utf16_len(plain) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        size = len(upload["data"])
        file_id, _ = self._store_file(upload["data"], "sent")  # downloadable again with getFile
        content: dict[str, Any] = ({"photo": [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1,
                                               "height": 1, "file_size": size}]} if field == "photo" else
                                   {"document": {"file_id": file_id, "file_unique_id": f"u{file_id}",
                                                 "file_name": upload.get("filename"), "file_size": size}})
        if field == "document":
            self.documents.append(SentDocument(chat_id, str(upload.get("filename")), upload["data"], plain))
        message: dict[str, Any] = {"message_id": next(self._message_ids), "from": self._bot_user(),
                                   "chat": self._chat(chat_id), "date": build.now(), **content}
        if caption:
            message["caption"] = plain
        self._messages[(chat_id, message["message_id"])] = {**message, "text": plain}
        self._sent.append(SentMessage("send" + field.capitalize(), chat_id, message["message_id"], caption, plain,
                                      p.get("parse_mode") or None, self._markup(p), None, p))
        return message

    async def _m_sendPhoto(self, p: Params) -> dict[str, Any]:
        return await self._send_file(p, "photo")

    async def _m_sendDocument(self, p: Params) -> dict[str, Any]:
        return await self._send_file(p, "document")

    def _own_message(self, p: Params) -> tuple[int, dict[str, Any]]:
        chat_id = self._chat_id(p)
        message = self._messages.get((chat_id, int_param(p, "message_id", 0)))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not message["from"].get("is_bot"):
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat_id, message

    async def _m_editMessageText(self, p: Params) -> dict[str, Any]:
        chat_id, message = self._own_message(p)
        plain, entities = self._text(p)
        markup = self._markup(p)
        if plain == message["text"] and entities == message.get("entities", []) \
                and markup == message.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        edited = {**message, "text": plain, "edit_date": build.now()}
        for key, value in (("entities", entities), ("reply_markup", markup)):
            edited.pop(key, None)
            if value:
                edited[key] = value
        self._messages[(chat_id, message["message_id"])] = edited
        self._record("editMessageText", chat_id, edited, p, markup, None)
        return edited

    async def _m_editMessageReplyMarkup(self, p: Params) -> dict[str, Any]:
        chat_id, message = self._own_message(p)
        markup = self._markup(p)
        if markup == message.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        edited = {**message, "edit_date": build.now()}
        edited.pop("reply_markup", None)
        if markup:
            edited["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = edited
        return edited

    async def _m_answerCallbackQuery(self, p: Params) -> bool:
        query_id = str(p.get("callback_query_id", ""))
        if self._queries.get(query_id, True):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(str(p.get("text") or "")) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._queries[query_id] = True
        self.callback_answers.append(p)
        return True

    async def _m_setMyCommands(self, p: Params) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100 commands")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise ApiError(400, "Bad Request: command description must be non-empty")
        self.commands[self._scope_key(p.get("scope"), str(p.get("language_code") or ""))] = commands
        return True

    async def _m_deleteMyCommands(self, p: Params) -> bool:
        self.commands.pop(self._scope_key(p.get("scope"), str(p.get("language_code") or "")), None)
        return True

    async def _m_getMyCommands(self, p: Params) -> list[dict[str, Any]]:
        return self.commands.get(self._scope_key(p.get("scope"), str(p.get("language_code") or "")), [])

    async def _m_setWebhook(self, p: Params) -> bool:
        url = str(p.get("url") or "")
        secret = p.get("secret_token")
        if secret is not None and not SECRET.match(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if url and not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        if bool_param(p, "drop_pending_updates"):
            self._updates.clear()
        self.webhook_url, self.webhook_secret = url or None, (str(secret) if secret and url else None)
        if "allowed_updates" in p:
            self._webhook_allowed = frozenset(p["allowed_updates"] or ()) or None
        if self.webhook_url and (self._delivery is None or self._delivery.done()):
            self._delivery = asyncio.create_task(self._deliver())
        return True

    async def _m_deleteWebhook(self, p: Params) -> bool:
        if bool_param(p, "drop_pending_updates"):
            self._updates.clear()
        self.webhook_url = self.webhook_secret = None
        return True

    async def _m_getWebhookInfo(self, p: Params) -> dict[str, Any]:
        info: dict[str, Any] = {"url": self.webhook_url or "", "has_custom_certificate": False,
                                "pending_update_count": len(self._updates)}
        if self.webhook_url:
            info["max_connections"] = 40
            if self._webhook_allowed:
                info["allowed_updates"] = sorted(self._webhook_allowed)
            if self._last_error:
                info["last_error_date"], info["last_error_message"] = self._last_error
        return info

    def _store_file(self, data: bytes, prefix: str = "doc") -> tuple[str, str]:
        """Keep ``data`` downloadable (getFile + /file/bot<token>/<path>); its (file_id, file_path)."""
        number = len(self._files) + 1
        file_id, path = f"BQAC{prefix}{number:04d}", f"documents/file_{number}"
        self._files[file_id] = (path, data)
        return file_id, path

    async def _m_getFile(self, p: Params) -> dict[str, Any]:
        file_id = str(p.get("file_id") or "")
        if file_id not in self._files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, data = self._files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data), "file_path": path}

    async def _m_sendChatAction(self, p: Params) -> bool:
        self.chat_actions.append((self._chat_id(p), str(p.get("action", ""))))
        return True

    async def _m_close(self, p: Params) -> bool:
        return True

    async def _m_logOut(self, p: Params) -> bool:
        return True

    # ------------------------------------------------------------------ webhook delivery
    async def _deliver(self) -> None:
        """POST pending updates one by one to the webhook, retrying until a 2xx answer."""
        assert self._client is not None
        while self.webhook_url and not self._closing:
            changed = self._changed
            pending = self._deliverable(self._webhook_allowed, 1)
            if not pending:
                try:
                    await asyncio.wait_for(changed.wait(), 1.0)
                except TimeoutError:
                    pass
                continue
            update = pending[0]
            headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret} if self.webhook_secret else {}
            try:
                async with self._client.post(self.webhook_url, json=update, headers=headers) as response:
                    status = response.status
            except (TimeoutError, aiohttp.ClientError) as error:
                status, reason = 0, f"Connection failed: {type(error).__name__}"
            else:
                reason = f"Wrong response from the webhook: {status}"
            self.webhook_deliveries.append((update["update_id"], status))
            if 200 <= status < 300:
                self._updates = [u for u in self._updates if u["update_id"] != update["update_id"]]
                self._signal()
            else:
                self._last_error = (build.now(), reason)
                await asyncio.sleep(self.webhook_retry_delay)
