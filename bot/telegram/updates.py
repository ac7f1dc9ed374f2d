"""The part of an update a handler was registered for, typed as present.

PTB types ``update.effective_message`` and ``update.callback_query`` as optional because an ``Update`` can be of
any kind; a handler registered for messages always gets a message, a button handler always gets a callback
query. These helpers say so once, and fail with a clear error if a handler is ever registered for the wrong
kind of update (the application's error handler logs it and the user is told something went wrong).
"""
from __future__ import annotations

from telegram import CallbackQuery, Message, Update


class MissingPart(LookupError):
    """A handler got an update without the part it is registered for."""


def message_of(update: Update) -> Message:
    """The message of a message or command update (or the one under a pressed button)."""
    message = update.effective_message
    if message is None:
        raise MissingPart(f"update {update.update_id} has no message")
    return message


def query_of(update: Update) -> CallbackQuery:
    """The callback query of a button press."""
    query = update.callback_query
    if query is None:
        raise MissingPart(f"update {update.update_id} has no callback query")
    return query


__all__ = ["MissingPart", "message_of", "query_of"]
