"""Numbers as people write them, and follow-ups that keep what was being talked about (issue: every fact and
every number in everyday words). Each test asserts what the user reads: the figure, the product, the first line."""
from __future__ import annotations

from decimal import Decimal

import pytest

from bot import calc
from bot.engine import Engine
from bot.text.display import approx

JIEBEI_LOW, JIEBEI_HIGH = Decimal("0.00015"), Decimal("0.0006")  # 借呗's daily range in knowledge/jiebei.yaml
AMOUNTS = {"3万": 30000, "3w": 30000, "三万": 30000, "30000": 30000, "3万元": 30000, "1.5万": 15000, "两万五": 25000}
TERMS = {"45天": 45, "四十五天": 45, "两个月": 60, "半个月": 15, "一周": 7, "0.5个月": 15, "24小时": 1, "1周零3天": 10}


def interest_line(amount: int, days: int) -> str:
    costs = [calc.daily_interest(Decimal(amount), r, days) for r in (JIEBEI_LOW, JIEBEI_HIGH)]
    return f"利息约{approx(costs)}元"


@pytest.mark.parametrize("amount", AMOUNTS)
@pytest.mark.parametrize("term", TERMS)
@pytest.mark.parametrize("gap", ["", " ", "，"])
def test_an_amount_followed_by_a_term_is_read_in_every_form(engine: Engine, amount: str, term: str, gap: str) -> None:
    if not gap and amount[-1].isdigit() and term[0].isdigit():
        pytest.skip("30000 45天 run together is one number: 3000045天")
    reply = engine.reply("s", f"借呗借{amount}{gap}{term}利息多少")
    days = TERMS[term]
    assert reply.intent == "interest_cost" and reply.products == ("jiebei",)
    first = reply.text.splitlines()[0]
    assert interest_line(AMOUNTS[amount], days) in first, (first, amount, term)
    assert "没有说金额" not in reply.text


@pytest.mark.parametrize("written, amount", [("1,5000", 15000), ("12,0000", 120000), ("5,000", 5000)])
def test_digits_grouped_by_four_as_wan_groups_them(engine: Engine, written: str, amount: int) -> None:
    # "1,5000" was read as 5000
    first = engine.reply(f"group:{written}", f"借呗借{written}用30天利息多少").text.splitlines()[0]
    assert interest_line(amount, 30) in first, first


@pytest.mark.parametrize("amount, term", [("一千五", "十天"), ("八千五", "四十五天"), ("两千", "三十天")])
@pytest.mark.parametrize("gap", [" ", "，"])
def test_a_space_keeps_two_numbers_in_words_apart(engine: Engine, amount: str, term: str, gap: str) -> None:
    # "借一千五 十天" was read as 1050 days with no amount (the space was dropped, 一千五十天 is one number)
    values = {"一千五": 1500, "八千五": 8500, "两千": 2000, "十天": 10, "四十五天": 45, "三十天": 30}
    first = engine.reply(f"gap:{amount}{gap}{term}", f"借呗借{amount}{gap}{term}利息多少").text.splitlines()[0]
    assert interest_line(values[amount], values[term]) in first, first


def test_no_amount_given_is_said_in_the_first_line(engine: Engine) -> None:
    # "几千块", "几百" name an amount without giving it (they were read as 1000 and 100)
    for question in ("借呗借30天利息多少", "微粒贷分期每月还多少", "借呗逾期一周罚息多少", "借呗借几千块分3期",
                     "微粒贷借几百块用10天利息多少"):
        reply = engine.reply(question, question)
        assert reply.text.splitlines()[0].startswith("没有说金额"), (question, reply.text)


def test_letter_spaced_digits_and_numerals_are_one_number(engine: Engine) -> None:
    reply = engine.reply("s", "借 呗 借 三 万 用 4 5 天 利 息")
    assert interest_line(30000, 45) in reply.text.splitlines()[0]


def test_used_period_before_early_repayment_is_not_taken_for_the_term(engine: Engine) -> None:
    reply = engine.reply("s", "借呗借1万借了两个月就提前还清要多少钱")
    assert reply.intent == "prepayment" and "超过借款期限" not in reply.text
    paid = calc.daily_interest(Decimal(10000), JIEBEI_LOW, 60)
    assert f"已用60天的利息{paid:.2f}元" in reply.full


def test_one_rate_bound_is_used_when_asked(engine: Engine) -> None:
    reply = engine.reply("s", "按最低日利率算借呗借1万30天利息")
    first = reply.text.splitlines()[0]
    assert reply.intent == "interest_cost" and "利息约45元" in first and "0.06%" not in first


def test_a_cost_by_the_annual_rate_uses_it_and_says_how_it_differs(engine: Engine) -> None:
    reply = engine.reply("s", "WE2000借2000一年按年化算利息多少")
    first = reply.text.splitlines()[0]
    assert "按年化15.4%算" in first and "308元" in first  # 2000 × 15.4 %
    assert "按日利率算则约360元" in reply.text  # 2000 × 0.05 % × 360 days


def test_overdue_follow_up_keeps_the_product_and_amount(engine: Engine) -> None:
    engine.reply("f1", "借呗借2万30天第10天提前还")
    reply = engine.reply("f1", "逾期呢")
    assert reply.intent == "overdue_penalty" and reply.products == ("jiebei",)
    engine.reply("f1", "逾期呢")
    reply = engine.reply("f1", "10天呢")
    assert reply.intent == "overdue_penalty" and "借呗逾期2万元10天" in reply.text


@pytest.mark.parametrize("product", ["微粒贷", "借呗"])
def test_overdue_follow_up_after_a_rate_question_is_the_penalty(engine: Engine, product: str) -> None:
    """"逾期呢" right after "…利率多少" asks what being late costs, not the lender's bad-debt rate."""
    engine.reply(f"f4{product}", f"{product}利率多少")
    reply = engine.reply(f"f4{product}", "逾期呢")
    assert reply.intent == "overdue_penalty" and "罚息" in reply.text.splitlines()[0]
    assert f"比如“{product}逾期1000元10天”" in reply.text  # the example names the product asked about


def test_a_bare_term_after_an_amount_is_the_interest_for_that_amount(engine: Engine) -> None:
    """"借呗借5000" (the maximum check) then "60天": the interest on 5000 for 60 days, not the loan-term topic."""
    engine.reply("f5", "借呗借5000")
    reply = engine.reply("f5", "60天")
    assert reply.intent == "interest_cost"
    assert reply.text.splitlines()[0].startswith("借呗借5000元用60天：利息约45–180元")
    assert engine.reply("f5", "90天呢").text.splitlines()[0].startswith("借呗借5000元用90天")
    fresh = engine.reply("f6", "60天")  # nothing to refer to: not a calculation
    assert fresh.intent != "interest_cost"


def test_banks_follow_up_gives_the_banks_figure(engine: Engine) -> None:
    engine.reply("f2", "微粒贷逾期率多少")
    reply = engine.reply("f2", "银行呢")
    assert reply.text.splitlines()[0] == "【传统银行信贷】坏账率与逾期率：" and "1.8%" in reply.text
    assert reply.text.count("1.8%") == 1  # not repeated as its own comparison


def test_interest_follow_up_after_a_comparison_compares_interest(engine: Engine) -> None:
    engine.reply("f3", "借呗和微粒贷比较")
    reply = engine.reply("f3", "利息呢")
    assert reply.intent in ("rates", "interest_cost") and set(reply.products) == {"jiebei", "weilidai"}


def test_an_amount_stated_alone_is_kept_for_the_next_question(engine: Engine) -> None:
    engine.reply("f4", "借呗借两万")
    reply = engine.reply("f4", "分6期每月还多少")
    assert reply.intent == "installment" and reply.text.startswith("借呗借2万元分6期")
    assert "没有说金额" not in reply.text


@pytest.mark.parametrize("question", ["借呗借3万45天怎么提现到银行卡", "借呗借3万45天那个"])
def test_a_button_pressed_after_a_question_uses_its_numbers(engine: Engine, question: str) -> None:
    reply = engine.reply(question, question)
    assert reply.kind in ("uncovered", "suggest", "not_understood", "answer"), reply.kind
    answer = engine.choose(question, "interest_cost", "jiebei")  # a button: 借呗的借款利息计算
    assert "没有说金额" not in answer.text and interest_line(30000, 45) in answer.text


def test_instalment_irr_beside_the_documents_annual_rate_says_why_they_differ(engine: Engine) -> None:
    reply = engine.reply("s", "借呗借2万分6期每月还多少")
    assert "5.40%–21.60%" in reply.text and "5.47%–21.9%" in reply.text and "IRR" in reply.text


@pytest.mark.parametrize("question", ["我该不该借微粒贷", "借微粒贷去还信用卡划算吗", "网贷要不要借"])
def test_should_i_borrow_gets_a_neutral_comparison_never_encouragement(engine: Engine, question: str) -> None:
    reply = engine.reply(question, question)
    assert reply.kind == "answer" and reply.intent == "compare", reply.text
    assert any(line.startswith("我不能替你做决定") for line in reply.text.splitlines()[:2])
    assert "不构成财务建议" in reply.text
    assert not reply.suggestions or reply.kind == "answer"  # not a bare menu


@pytest.mark.parametrize("question", ["WE2000一天利息多少", "借呗一天的利息是多少"])
def test_one_day_without_an_amount_asks_the_daily_rate(engine: Engine, question: str) -> None:
    reply = engine.reply(question, question)
    assert reply.intent == "rates" and "日利率" in reply.text.splitlines()[0]


@pytest.mark.parametrize(("question", "intent", "first"), [
    ("我上个月换了工作，收入还行，最近手头有点紧，想问一下借呗借两万分六期每个月要还多少，谢谢", "installment",
     "借呗借2万元分6期"),
    ("你好，我是第一次用这个，朋友说微粒贷挺方便的，我就想知道它最高能借多少钱", "max_amount",
     "微粒贷：最高额度20万元"),
])
def test_a_rambling_message_is_answered_for_its_question(engine: Engine, question: str, intent: str,
                                                         first: str) -> None:
    reply = engine.reply(question, question)
    assert reply.intent == intent and first in reply.text.splitlines()[0] and reply.also == ()


@pytest.mark.parametrize("amount", ["借款5000", "借款金额5000", "借了5000"])
def test_the_amount_given_after_an_overdue_question_is_its_amount(engine: Engine, amount: str) -> None:
    # "借款5000" after "借呗逾期3天" got the interest of 5000元 for 30 days instead of the penalty for 3 days
    engine.reply(f"od:{amount}", "借呗逾期3天")
    reply = engine.reply(f"od:{amount}", amount)
    assert reply.intent == "overdue_penalty" and reply.text.startswith("借呗逾期5000元3天")
