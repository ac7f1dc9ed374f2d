"""Property-based hardening: any Unicode text up to 5000 characters gets a reply that is valid Telegram HTML
once rendered and splits into messages of at most 4096 characters; the engine never raises."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import Engine
from bot.telegram.render import render
from tests.botkit.tghtml import parse_html, utf16_len
from tests.conftest import shared_engine

# Domain words mixed into random text so the generator reaches the answering paths, not only rejections.
DOMAIN = ["微粒贷", "借呗", "WE2000", "芝麻分", "利息", "逾期", "提前还款", "分12期", "借1万", "30天", "那借呗呢",
          "<b>", "&amp;", "</i>", "😀", "\u200b", "\x00", "ＷＥ２０００", "微粒貸", "如果借2万呢"]


def engine() -> Engine:
    return shared_engine()


texts = st.one_of(
    st.text(max_size=5000),
    st.lists(st.one_of(st.sampled_from(DOMAIN), st.text(max_size=12)), max_size=40).map("".join),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=300),
)


def check(text: str, session: str) -> None:
    reply = engine().reply(session, text)
    assert reply.text.strip()
    messages = render(reply)
    assert messages
    for message in messages:
        parsed = parse_html(message.html)  # raises HtmlError on anything Telegram would refuse
        assert 0 < utf16_len(parsed.text) <= 4096
    for suggestion in reply.suggestions:
        assert len(f"a|{suggestion.intent}|{suggestion.product or '-'}".encode()) <= 64


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, session=st.sampled_from(["a", "b", "c"]))
def test_any_text_gets_a_valid_reply(text: str, session: str) -> None:
    check(text, session)


@pytest.mark.parametrize("text", ["", " ", "\x00", "😀" * 5000, "微粒贷" * 1666, "<script>alert(1)</script>",
                                  "&lt;b&gt;", "借呗" + "\n" * 4000, "\U0001F600\u0301"])
def test_edge_texts(text: str) -> None:
    check(text, "edge")


def test_a_long_answer_splits_under_the_limit() -> None:
    # The longest real answers (a comparison, an all-product listing) render within Telegram's limits.
    for question in ("借呗和微粒贷和WE2000有什么区别", "微信和芝麻信用什么关系", "微粒贷风控怎么做", "分期每月还多少"):
        check(question, "long")
