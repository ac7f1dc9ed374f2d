"""The limits on what a user may send, checked in one place (the engine) for every adapter."""
from __future__ import annotations

from .reply import Reply

MAX_QUESTION_CHARS = 500
EMPTY = "请直接输入你想问的问题，比如：“微粒贷要芝麻分吗”。"


def rejected(text: object) -> Reply | None:
    """The polite reply to input that can't be a question (empty, not text, too long), or None when it can."""
    if not isinstance(text, str) or not text.strip():
        return Reply(EMPTY, kind="invalid")
    if len(text) > MAX_QUESTION_CHARS:
        return Reply(f"问题有点长（{len(text)}个字）。请把问题精简到{MAX_QUESTION_CHARS}字以内，"
                     "一次问一件事，比如：“借呗借一万用30天多少利息”。", kind="invalid")
    return None
