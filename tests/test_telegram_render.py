"""Reply -> Telegram HTML: escaped, split at lines into <= 4096 units, valid for Telegram's parser; buttons."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.reply import Reply, Suggestion
from bot.telegram.render import MAX_MESSAGE, decode_choice, encode_choice, escape, keyboard, render, split_html, tg_len
from tests.botkit.tghtml import parse_html

# Characters that stress the splitter: markup, entities, CJK, astral emoji (2 UTF-16 units), newlines.
ALPHABET = st.sampled_from([*list("<>&;#amplt 微粒贷借呗\n\n😀ab1."), "&amp;", "<b>", "\r"])
TEXTS = st.lists(ALPHABET, max_size=3000).map("".join)


def squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@given(TEXTS, st.integers(min_value=8, max_value=300))
@settings(max_examples=200, deadline=None)
def test_chunks_are_valid_html_within_the_limit_and_lose_nothing(text: str, limit: int) -> None:
    chunks = split_html(text, limit)
    plains = [parse_html(chunk).text for chunk in chunks]  # raises if any chunk is not valid Telegram HTML
    assert all(tg_len(chunk) <= limit for chunk in chunks)
    assert all(plain.strip() for plain in plains)
    assert squash("".join(plains)) == squash(text)


def test_short_text_is_one_chunk_and_exact() -> None:
    text = "借呗 < 微粒贷？\n利率 & 费用 > 0"
    assert split_html(text) == [escape(text)]
    assert parse_html(split_html(text)[0]).text == text


def test_splits_at_line_boundaries() -> None:
    line = "借呗&微粒贷" * 50  # 300 chars, 400 when escaped
    text = "\n".join([line] * 30)
    chunks = split_html(text)
    assert len(chunks) > 1
    assert all(tg_len(c) <= MAX_MESSAGE for c in chunks)
    assert all(parse_html(c).text.split("\n") == [line] * len(c.split("\n")) for c in chunks)
    assert "\n".join(parse_html(c).text for c in chunks) == text


def test_one_huge_line_is_cut_between_characters_never_inside_an_escape() -> None:
    text = "&" * 5000  # 25000 units escaped
    chunks = split_html(text)
    assert all(tg_len(c) <= MAX_MESSAGE for c in chunks)
    assert all(re.fullmatch(r"(&amp;)+", c) for c in chunks)
    assert "".join(parse_html(c).text for c in chunks) == text


def test_emoji_count_as_two_units() -> None:
    chunks = split_html("😀" * 3000)
    assert [tg_len(c) for c in chunks] == [4096, 1904]


def test_render_puts_buttons_under_the_last_chunk() -> None:
    reply = Reply("行\n" * 3000, kind="suggest",
                  suggestions=(Suggestion("借呗的利率", "rates", "jiebei"), Suggestion("对比", "compare")))
    messages = render(reply)
    assert len(messages) > 1 and all(m.markup is None for m in messages[:-1])
    markup = messages[-1].markup
    assert markup is not None
    rows = markup.inline_keyboard
    assert [[(b.text, b.callback_data) for b in row] for row in rows] == [
        [("借呗的利率", "a|rates|jiebei")], [("对比", "a|compare|-")]]


def test_render_of_empty_text_still_sends_something() -> None:
    assert parse_html(render(Reply("  \n ", kind="invalid"))[0].html).text.strip()


def test_choice_round_trip_and_limits() -> None:
    assert encode_choice("installment", "jiebei") == "a|installment|jiebei"
    assert decode_choice("a|installment|jiebei") == ("installment", "jiebei")
    assert decode_choice("a|compare|-") == ("compare", None)
    for bad in (None, "", "a|x", "b|x|y", "a|x|y|z", "a|借呗|x", "a||-"):
        assert decode_choice(bad) is None
    with pytest.raises(ValueError, match="64 bytes"):
        encode_choice("x" * 60, "jiebei")
    with pytest.raises(ValueError, match="ASCII"):
        encode_choice("利率", None)
    with pytest.raises(ValueError):
        encode_choice("a|b", None)


def test_keyboard_skips_what_cannot_be_encoded() -> None:
    markup = keyboard([Suggestion("好", "rates", "jiebei"), Suggestion("坏", "x" * 70, None)])
    assert markup is not None and len(markup.inline_keyboard) == 1
    assert keyboard([]) is None


def test_answer_has_a_bold_first_line_and_a_folded_footer_everything_escaped() -> None:
    footer = "来源：《A&B》\n\n⚠️ <提示>"
    reply = Reply(f"答案 <1> & 2\n第二行\n\n{footer}", kind="answer", footer=footer,
                  detail=f"答案 <1> & 2\n全部\n\n{footer}", detail_label="详细计算",
                  figure="i:jiebei:20000:6:ei:0.0006")
    [short] = render(reply)
    assert short.html.startswith("<b>答案 &lt;1&gt; &amp; 2</b>\n第二行\n<blockquote expandable>来源：《A&amp;B》")
    parsed = parse_html(short.html)
    assert {e["type"] for e in parsed.entities} == {"bold", "expandable_blockquote"}
    assert short.markup is not None
    buttons = [(b.text, b.callback_data) for row in short.markup.inline_keyboard for b in row]
    assert buttons == [("详细计算", "d|1"), ("还款计划图", "g|i:jiebei:20000:6:ei:0.0006"),
                       ("还款明细", "v|i:jiebei:20000:6:ei:0.0006")]
    [full] = render(reply, full=True)
    assert full.markup is not None
    assert "全部" in parse_html(full.html).text and full.markup.inline_keyboard[0][0].text == "收起"
