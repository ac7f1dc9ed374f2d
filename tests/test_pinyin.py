"""Questions typed in pinyin, spaced or not, get the answer the same question in characters gets; what is not
pinyin (English, product names with digits, keyboard mash) is left alone."""
from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.understanding.pinyin import split_syllables


@pytest.mark.parametrize(("text", "intent", "products"), [
    ("weilidai zui gao neng jie duo shao", "max_amount", ("weilidai",)),
    ("jiebei lixi", "rates", ("jiebei",)),
    ("jiebeilixiduoshao", "rates", ("jiebei",)),
    ("Jiebei Yuqi Fa Duoshao", "overdue_penalty", ("jiebei",)),
    ("weilidai yao zhimafen ma", "zhima_requirement", ("weilidai",)),
    ("WE2000 tiqian huankuan shoufei ma", "prepayment", ("we2000",)),
    ("wei li dai zen me kai tong", "how_to_apply", ("weilidai",)),
    ("jie bei ri li lv shi duo shao", "rates", ("jiebei",)),
    ("weixin he zhima xinyong shi shenme guanxi", "platform_cooperation", ()),
    ("jiebei he weilidai na ge hao", "compare", ("jiebei", "weilidai")),
    ("借呗 lixi duoshao", "rates", ("jiebei",)),
])
def test_a_question_in_pinyin_is_understood(engine: Engine, text: str, intent: str,
                                            products: tuple[str, ...]) -> None:
    reply = engine.reply(f"pinyin-{text}", text)
    assert reply.kind == "answer"
    assert (reply.intent, reply.products) == (intent, products)


def test_numbers_in_a_pinyin_question_are_read(engine: Engine) -> None:
    reply = engine.reply("pinyin-numbers", "jiebei jie 1 wan 30 tian duo shao lixi")
    assert (reply.intent, reply.products) == ("interest_cost", ("jiebei",))
    assert "10,000" in reply.full and "30天" in reply.full


@pytest.mark.parametrize("text", ["hello world", "asdfghjkl", "Java和Go哪个好学", "what is the weather",
                                  "how are you是什么意思"])
def test_what_is_not_pinyin_is_not_answered(engine: Engine, text: str) -> None:
    reply = engine.reply(f"not-pinyin-{text}", text)
    assert reply.kind != "answer"


@pytest.mark.parametrize("text", ["we2000", "WE2000", "wld"])
def test_a_product_name_in_letters_stays_a_product_name(engine: Engine, text: str) -> None:
    assert engine.understanding.parse(text).entities.products


def test_a_word_that_only_sounds_like_pinyin_is_left_alone(engine: Engine) -> None:
    """"helo" splits into he-lo, but no word of the bot sounds "lo": it stays a greeting."""
    assert engine.understanding.parse("helo").folded == "helo"


def test_letters_split_into_the_fewest_syllables() -> None:
    assert split_syllables("zuigao") == ["zui", "gao"]
    assert split_syllables("weilidai") == ["wei", "li", "dai"]
    assert split_syllables("app") is None
