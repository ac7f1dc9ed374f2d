"""Normalization and entity extraction: every form users type, without turning one product into another."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bot.engine import Engine
from bot.knowledge import load_knowledge
from bot.text.normalize import fold, has_meaning, normalize
from bot.text.numbers import cn_to_decimal
from bot.understanding.entities import ProductFinder, extract_numbers
from tests.conftest import KNOWLEDGE


@pytest.fixture(scope="module")
def finder() -> ProductFinder:
    kb = load_knowledge(KNOWLEDGE)
    aliases = {fold(a).replace(" ", ""): p.id for p in kb.products for a in (p.name, *p.aliases)}
    return ProductFinder(aliases, {p.id for p in kb.loan_products})


def products(finder: ProductFinder, text: str) -> list[str]:
    found, _ = finder.find(fold(text))
    return [pid for pid, _, _ in found if finder.is_loan(pid)]


@pytest.mark.parametrize(("text", "expected"), [
    ("微粒貸要芝麻分嗎？", "微粒贷要芝麻分吗"),
    ("ＷＥ２０００提前還款收費嗎", "we2000提前还款收费吗"),
    ("螞蟻借唄😀😀", "蚂蚁借呗"),
    ("借1.5W！！", "借1.5w"),
    ("  \t ", ""),
    ("借呗多久到帐", "借呗多久到账"),  # the variant character people type
    ("免息劵", "免息券"),
])
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_emoji_and_punctuation_only_have_no_meaning() -> None:
    assert not has_meaning("🎉🎉？？！")
    assert has_meaning("微粒贷")


@pytest.mark.parametrize(("text", "expected"), [
    ("微粒贷要芝麻分吗", ["weilidai"]),
    ("微利贷额度多少", ["weilidai"]),  # typo
    ("微粒代日利率", ["weilidai"]),  # typo
    ("微立贷怎么开通", ["weilidai"]),  # typo, one character off
    ("微粒貸", ["weilidai"]),  # Traditional
    ("螞蟻借唄利息", ["jiebei"]),
    ("接呗逾期", ["jiebei"]),
    ("ＷＥ２０００", ["we2000"]),  # full width
    ("We2000提前还", ["we2000"]),
    ("we 2000", ["we2000"]),
    ("借呗和微粒贷哪个好", ["jiebei", "weilidai"]),
    ("微信贷款要芝麻分吗", []),  # 微信贷 is not a typo of 微粒贷: it contains 微信
    ("借钱要芝麻分吗", []),  # two-character names get no typo matching
    ("支付宝借钱", []),
])
def test_products_from_aliases_and_typos(finder: ProductFinder, text: str, expected: list[str]) -> None:
    assert products(finder, text) == expected


@pytest.mark.parametrize(("text", "amount"), [
    ("借1万", "10000"), ("一万五", "15000"), ("两万", "20000"), ("5k", "5000"), ("1.5w", "15000"),
    ("0.5万", "5000"), ("￥8000", "8000"), ("8000元", "8000"), ("3千块", "3000"), ("壹万元", "10000"),
    ("1万5", "15000"), ("借15000用30天", "15000"), ("２万", "20000"),
    ("借5000分6期", "5000"), ("借3000分期每月还多少", "3000"), ("WE2000借2000分3期", "2000"), ("借1亿", "100000000"),
    ("借2亿5", "250000000"),
    ("借2万8500", "28500"), ("借3万500用60天", "30500"), ("3千500", "3500"), ("借1万2000分12期", "12000"),
    ("借8500分6期", "8500"), ("借23700分3个月", "23700"), ("借1500分期", "1500"),  # 500分 / 700分 is no 芝麻分 here
    ("借3万五", "35000"), ("借1万二分12期", "12000"), ("借3万五千", "35000"), ("借3百块", "300"),
    ("借5万一般利息多少", "50000"),  # 一般 is a word, not the 1 of 5万1
])
def test_amounts(text: str, amount: str) -> None:
    slots = extract_numbers(fold(text))[0].given()
    assert slots["amount"] == Decimal(amount) and "score" not in slots


@pytest.mark.parametrize(("text", "amount"), [
    ("借一点五万用30天", "15000"), ("借零点五万", "5000"), ("借5,000元", "5000"), ("借12,500用两个月", "12500"),
])
def test_decimals_in_words_and_separated_thousands(engine: Engine, text: str, amount: str) -> None:
    assert engine.understanding.parse(text).entities.values.amount == Decimal(amount)


def test_a_run_of_words_with_dian_is_no_decimal(engine: Engine) -> None:
    assert engine.understanding.parse("借呗可以一点一点还吗").entities.values.amount is None


@pytest.mark.parametrize("text", ["我有700分", "650分能借吗", "芝麻分680分借5000分6期"])
def test_a_score_of_its_own_is_still_read(text: str) -> None:
    assert extract_numbers(fold(text))[0].score in (700, 650, 680)


@pytest.mark.parametrize(("text", "slot", "value"), [
    ("30天", "days", 30), ("一个月", "months", 1), ("3个月", "months", 3), ("半年", "months", 6),
    ("一年", "months", 12), ("12期", "months", 12), ("两个月", "months", 2),
    ("逾期10天怎么算", "overdue_days", 10), ("逾期了三天", "overdue_days", 3),
    ("第10天提前还", "repay_day", 10), ("芝麻分580能用吗", "score", 580), ("我才550分", "score", 550),
    ("借5000分6期", "months", 6), ("我650分能借5000吗", "score", 650),
])
def test_terms_and_other_numbers(text: str, slot: str, value: int) -> None:
    slots = extract_numbers(fold(text))[0].given()
    assert slots[slot] == value


@pytest.mark.parametrize("text", ["一般要多久", "我想了解一下", "2025年有什么计划", "年化利率多少"])
def test_words_with_numeral_characters_are_not_numbers(text: str) -> None:
    slots = extract_numbers(fold(text))[0].given()
    assert "amount" not in slots and "months" not in slots and "days" not in slots


def test_overdue_days_are_not_the_loan_term() -> None:
    slots = extract_numbers(fold("借1万逾期10天罚息多少"))[0].given()
    assert slots == {"amount": Decimal(10000), "overdue_days": 10}


@pytest.mark.parametrize(("span", "value"), [("一万五", 15000), ("三千五", 3500), ("十二", 12), ("一百二十", 120),
                                             ("两千", 2000), ("一万零五", 10005), ("壹万", 10000)])
def test_chinese_numerals(span: str, value: int) -> None:
    assert cn_to_decimal(span) == value


@pytest.mark.parametrize("text", ["10000000000000000000000000000", "借99999999999999999999999万",
                                  "订单号12345678901234567"])
def test_digit_strings_too_long_for_an_amount_are_ignored(text: str) -> None:
    # Found by the property test: a 29-digit "amount" overflowed Decimal's precision and crashed the reply.
    slots = extract_numbers(fold(text))[0].given()
    assert "amount" not in slots
    assert extract_numbers(fold("借1000000000000元"))[0].amount == Decimal("1000000000000")


# Every amount form followed (or preceded) by a term, with and without spaces and punctuation: the amount is read,
# never dropped for the 10,000 元 example (a wrong figure is the worst error a loan bot can make).
@pytest.mark.parametrize("amount_text, amount", [
    ("3万", 30000), ("3w", 30000), ("3W", 30000), ("30000", 30000), ("30000元", 30000), ("3万元", 30000),
    ("3万块", 30000), ("1.5万", 15000), ("1万5", 15000), ("1万5千", 15000), ("1w5", 15000), ("三万", 30000),
    ("两万五", 25000), ("一万五千", 15000), ("5千", 5000), ("5000块", 5000), ("10k", 10000), ("¥8000", 8000),
])
@pytest.mark.parametrize("term_text, slot, value", [
    ("45天", "days", 45), ("四十五天", "days", 45), ("一周", "days", 7), ("两个星期", "days", 14),
    ("半个月", "days", 15), ("一个月", "months", 1), ("两个月", "months", 2), ("一季度", "months", 3),
    ("6期", "months", 6), ("一年", "months", 12),
])
@pytest.mark.parametrize("between", ["", " ", "，", "用", "借"])
def test_amount_next_to_a_term_is_read(amount_text: str, amount: int, term_text: str, slot: str, value: int,
                                       between: str) -> None:
    for text in (f"借{amount_text}{between}{term_text}", f"{term_text}{between}借{amount_text}"):
        if re.search(r"\d借?\d", text):
            continue  # "借3000045天" cannot be read by anyone: digits must be apart
        slots = extract_numbers(fold(text))[0].given()
        assert slots.get("amount") == Decimal(amount) and slots.get(slot) == value, (text, slots)


@pytest.mark.parametrize("text, expected", [
    ("逾期一周", {"overdue_days": 7}),
    ("晚还了三天", {"overdue_days": 3}),
    ("借了两个月就提前还清", {"repay_day": 60}),
    ("按最低日利率算借1万30天", {"amount": Decimal(10000), "days": 30, "bound": "low"}),
    ("按最高利率算", {"bound": "high"}),
    ("等额本金呢", {"method": "equal_principal"}),
    ("借2万分6期按等额本息还", {"amount": Decimal(20000), "months": 6, "method": "equal_instalment"}),
    ("借15000 30天", {"amount": Decimal(15000), "days": 30}),
    ("借1万用一个半月", {"amount": Decimal(10000), "days": 45}),  # not the half month alone
    ("借2万两个半月", {"amount": Decimal(20000), "days": 75}),
    ("借2万一年半", {"amount": Decimal(20000), "months": 18}),  # not one year
    ("2025年借的", {}),
    ("最低能借多少", {"least": True}),  # the least amount is asked, not the most
    ("起借金额是多少", {"least": True}),
    ("额度最少是多少", {"least": True}),
    ("最少借几天", {}),  # the shortest term, not the least amount
    ("最少借1000用30天", {"amount": Decimal(1000), "days": 30}),
    ("借1万用0.5个月", {"amount": Decimal(10000), "days": 15}),  # a fraction of a month in days (30 a month)
    ("借2万分1.5年", {"amount": Decimal(20000), "months": 18}),
    ("借1万用1.5天", {"amount": Decimal(10000)}),  # a fraction of a day is no term
    ("借5000用24小时", {"amount": Decimal(5000), "days": 1}),  # hours in whole days
    ("借5000用72个小时", {"amount": Decimal(5000), "days": 3}),
    ("借5000用12小时", {"amount": Decimal(5000)}),  # no whole day: not read as one
    ("借2万用1周零3天", {"amount": Decimal(20000), "days": 10}),  # both parts, not the week alone
    ("借1万用一个月零5天", {"amount": Decimal(10000), "days": 35}),
    ("借3000用两个星期又两天", {"amount": Decimal(3000), "days": 16}),
    ("借3000用一年零十天", {"amount": Decimal(3000), "days": 375}),
    ("借3000用3天5天", {"amount": Decimal(3000), "days": 3}),  # two day counts are no compound term
    ("日利率万五借1万30天", {"rate": Decimal("0.0005"), "amount": Decimal(10000), "days": 30}),  # the user's rate
    ("我的利息是万4", {"rate": Decimal("0.0004")}),
    ("日息万分之3.5", {"rate": Decimal("0.00035")}),
    ("日利率0.05%", {"rate": Decimal("0.0005")}),
    ("利率18%", {}),  # a percentage without a day may be annual: no daily rate
    ("借5000日息万三用20天", {"amount": Decimal(5000), "rate": Decimal("0.0003"), "days": 20}),  # 日息: no 5000 days
    ("日利率万分之一百五", {}),  # 1.5 % a day is no loan's rate: a misreading
])
def test_terms_spans_and_rate_bounds(text: str, expected: dict[str, object]) -> None:
    assert extract_numbers(fold(text))[0].given() == expected


def test_spaced_digits_and_numerals_are_read(engine: Engine) -> None:
    parse = engine.understanding.parse("借 呗 借 三 万 用 4 5 天")
    assert parse.entities.products == ("jiebei",) and parse.entities.values.amount == Decimal(30000)
