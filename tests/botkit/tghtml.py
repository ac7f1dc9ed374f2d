"""Telegram's ``parse_mode=HTML`` parser, strict: HTML source -> (plain text, entities) or ``HtmlError``.

Accepts what the Bot API documents: the tags b/strong, i/em, u/ins, s/strike/del, a href, code, pre,
span class="tg-spoiler", tg-spoiler, blockquote [expandable], tg-emoji; the named entities &lt; &gt;
&amp; &quot; and numeric entities. Stricter than Telegram on purpose: every ``&``, ``<`` and ``>`` of
the text must be escaped, so a renderer that forgets to escape fails the tests.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_ENTITY_OF_TAG = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "a": "text_link", "code": "code",
    "pre": "pre", "span": "spoiler", "tg-spoiler": "spoiler", "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*?)?)\s*(/?)>")
_ATTR = re.compile(r"""([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


class HtmlError(ValueError):
    """The text is not valid Telegram HTML (Telegram answers "Bad Request: can't parse entities: ...")."""


@dataclass(frozen=True)
class Parsed:
    """Plain text and entities (offsets and lengths in UTF-16 code units, as Telegram counts)."""

    text: str
    entities: tuple[dict, ...]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: how Telegram measures text and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _unescape(chunk: str, at: int) -> str:
    """Decode entities in a run of text; a bare ``&`` or ``>`` is an error."""
    out: list[str] = []
    pos = 0
    for match in _ENTITY.finditer(chunk):
        out.append(_plain(chunk[pos:match.start()], at + pos))
        number, hexa, name = match.groups()
        if name is not None:
            if name.lower() not in _NAMED:
                raise HtmlError(f"Unsupported HTML entity \"&{name};\" at byte offset {at + match.start()}")
            out.append(_NAMED[name.lower()])
        else:
            code = int(number) if number is not None else int(hexa, 16)
            if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise HtmlError(f"Invalid numeric HTML entity at byte offset {at + match.start()}")
            out.append(chr(code))
        pos = match.end()
    out.append(_plain(chunk[pos:], at + pos))
    return "".join(out)


def _plain(run: str, at: int) -> str:
    for char in "&>":
        index = run.find(char)
        if index >= 0:
            raise HtmlError(f"Character '{char}' must be escaped at byte offset {at + index}")
    return run


def _attributes(raw: str, at: int) -> dict[str, str]:
    attrs: dict[str, str] = {}
    pos = 0
    raw = raw.strip()
    while pos < len(raw):
        match = _ATTR.match(raw, pos)
        if not match:
            raise HtmlError(f"Can't parse tag attributes at byte offset {at}")
        name, dq, sq, bare = match.groups()
        value = next((v for v in (dq, sq, bare) if v is not None), "")
        attrs[name.lower()] = _unescape(value, at)
        pos = match.end()
        while pos < len(raw) and raw[pos].isspace():
            pos += 1
    return attrs


def _entity(tag: str, attrs: dict[str, str], at: int) -> dict:
    kind = _ENTITY_OF_TAG[tag]
    entity: dict = {"type": kind}
    if tag == "a":
        href = attrs.get("href", "")
        if not href:
            raise HtmlError(f"Tag \"a\" must have an href attribute at byte offset {at}")
        entity["url"] = href
    elif tag == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlError(f"Tag \"span\" must have class \"tg-spoiler\" at byte offset {at}")
    elif tag == "tg-emoji":
        if not attrs.get("emoji-id", "").isdigit():
            raise HtmlError(f"Tag \"tg-emoji\" must have emoji-id attribute at byte offset {at}")
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif tag == "code" and attrs.get("class", "").startswith("language-"):
        entity["language"] = attrs["class"][len("language-"):]
    return entity


def parse_html(source: str) -> Parsed:
    """Parse Telegram HTML; raises ``HtmlError`` naming the first problem."""
    text: list[str] = []
    length = 0  # UTF-16 length of the text so far
    stack: list[tuple[str, int, dict]] = []  # open tag, start offset, entity
    entities: list[dict] = []
    pos = 0
    while True:
        lt = source.find("<", pos)
        run = _unescape(source[pos:] if lt < 0 else source[pos:lt], pos)
        text.append(run)
        length += utf16_len(run)
        if lt < 0:
            break
        match = _TAG.match(source, lt)
        if not match:
            raise HtmlError(f"Unexpected '<' (unescaped) at byte offset {lt}")
        closing, tag, raw_attrs, _self_closing = match.groups()
        tag = tag.lower()
        if tag not in _ENTITY_OF_TAG:
            raise HtmlError(f"Unsupported start tag \"{tag}\" at byte offset {lt}")
        if closing:
            if not stack or stack[-1][0] != tag:
                expected = f" (expected </{stack[-1][0]}>)" if stack else ""
                raise HtmlError(f"Unmatched end tag at byte offset {lt}, expected \"</{tag}>\"{expected}")
            _, start, entity = stack.pop()
            if length > start:
                entities.append({**entity, "offset": start, "length": length - start})
        else:
            stack.append((tag, length, _entity(tag, _attributes(raw_attrs, lt), lt)))
        pos = match.end()
    if stack:
        raise HtmlError(f"Can't find end tag corresponding to start tag \"{stack[-1][0]}\"")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return Parsed("".join(text), tuple(entities))
