"""The typed update accessors: the part a handler is registered for, or a clear error naming the update."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import CallbackQuery, Chat, Message, Update, User

from bot.telegram.updates import MissingPart, message_of, query_of

CHAT = Chat(5, Chat.PRIVATE)
USER = User(5, "Ann", is_bot=False)


def test_the_registered_part_is_returned() -> None:
    message = Message(1, datetime.now(UTC), CHAT, text="微粒贷要芝麻分吗")
    query = CallbackQuery("q1", USER, chat_instance="c", data="d|1", message=message)
    assert message_of(Update(1, message=message)) is message
    assert query_of(Update(2, callback_query=query)) is query
    assert message_of(Update(3, callback_query=query)) is message  # the message under the pressed button


def test_an_update_of_another_kind_fails_naming_the_update() -> None:
    with pytest.raises(MissingPart, match=r"^update 7 has no message$"):
        message_of(Update(7))
    message = Message(1, datetime.now(UTC), CHAT, text="你好")
    with pytest.raises(MissingPart, match=r"^update 8 has no callback query$"):
        query_of(Update(8, message=message))
