"""What a user reads: figures with sources and a caution, calculations with hand-checked numbers,
disagreements shown openly, follow-ups that reuse context, and no advice to borrow."""
from __future__ import annotations

import re

import pytest

from bot.dialogue.compose import CAUTION
from bot.engine import Engine


def ask(engine: Engine, text: str, session: str = "s"):
    return engine.reply(session, text)


# ---------------------------------------------------------------- facts, sources, caution

def test_zhima_answer_cites_source_and_ends_with_caution(engine: Engine) -> None:
    reply = ask(engine, "微粒贷要芝麻分吗")
    assert "不强制要求芝麻分" in reply.text
    assert "来源：《微信芝麻信用怎么贷款》第二节“核心贷款产品对比分析”" in reply.text
    assert reply.text.endswith(CAUTION) and "不构成财务建议" in CAUTION
    assert reply.sources == ("《微信芝麻信用怎么贷款》第二节“核心贷款产品对比分析”",)


def test_every_answer_with_a_figure_has_a_source_and_the_caution(engine: Engine) -> None:
    questions = ["借呗最高额度多少", "WE2000日利率多少", "微粒贷逾期罚息怎么算", "借呗实名认证要多久",
                 "微粒贷审批要多久", "微粒贷坏账率多少", "微粒贷获客成本多少", "微信和芝麻信用什么关系",
                 "微粒贷信用评估看什么", "微粒贷风控怎么做", "微粒贷合规吗", "微粒贷以后有什么规划"]
    for n, question in enumerate(questions):
        reply = ask(engine, question, f"s{n}")
        assert reply.kind == "answer", (question, reply)
        if re.search(r"\d", reply.text.split("来源：")[0]):
            assert "来源：《" in reply.text and reply.sources, question
        assert reply.text.endswith(CAUTION), question


def test_disagreement_between_documents_is_shown(engine: Engine) -> None:
    text = ask(engine, "微粒贷最高能借多少").text
    assert "20万元" in text and "5万–30万元" in text and "两份资料说法不同" in text
    assert "《微信芝麻信用怎么贷款》" in text and "《微信怎么样有微粒贷》" in text


def test_we2000_rate_inconsistency_is_computed_and_said(engine: Engine) -> None:
    text = ask(engine, "WE2000利率多少").text
    assert "0.05%" in text and "15.4%" in text and "18%" in text and "18.25%" in text and "对不上" in text


def test_day_basis_is_stated_for_rates(engine: Engine) -> None:
    assert "360天" in ask(engine, "微粒贷年化利率多少").text
    assert "365天" in ask(engine, "借呗年化多少", "b").text


def test_no_product_gets_every_product(engine: Engine) -> None:
    reply = ask(engine, "提前还款收费吗")
    assert all(name in reply.text for name in ("微粒贷", "借呗", "WE2000")) and reply.intent == "prepayment"


def test_no_product_for_an_overview_asks_back_with_buttons(engine: Engine) -> None:
    reply = ask(engine, "介绍一下这个产品")
    assert reply.kind == "clarify" and {s.product for s in reply.suggestions} == {"weilidai", "jiebei", "we2000"}
    chosen = engine.choose("s", reply.suggestions[1].intent, reply.suggestions[1].product)
    assert chosen.kind == "answer" and chosen.products == ("jiebei",) and "借呗" in chosen.text


def test_should_i_borrow_gets_comparison_and_never_a_recommendation(engine: Engine) -> None:
    reply = ask(engine, "借呗和微粒贷我该借哪个")
    assert reply.intent == "compare" and "不能替你做决定" in reply.text
    assert reply.text.startswith("我不能替你做决定") and "最高30万元" in reply.text and "最高20万元" in reply.text
    assert "最高额度" in reply.full  # the full comparison one tap away
    assert not re.search(r"(建议|推荐)(你)?(借|选)(呗|微粒贷|借呗|WE2000)", reply.full)
    assert reply.text.endswith(CAUTION)


def test_which_of_two_is_cheaper_for_a_topic_keeps_the_comparison_table(engine: Engine) -> None:
    reply = ask(engine, "借呗和微粒贷提前还款哪个更划算", "cheaper")  # 划算 about two products: the table, not advice
    assert reply.intent == "compare" and reply.text.startswith("借呗 vs 微粒贷") and "提前还款" in reply.text


# ---------------------------------------------------------------- calculations (hand-checked)

def test_interest_range_for_a_range_rate(engine: Engine) -> None:
    reply = ask(engine, "微粒贷借10000元用30天利息多少")
    assert reply.text.startswith("微粒贷借1万元用30天：利息约60–150元")  # the answer first, in whole yuan
    text = reply.full
    assert "60.00元–150.00元" in text and "本金 × 日利率 × 天数" in text and "假设" in text


def test_interest_with_chinese_numerals(engine: Engine) -> None:
    text = ask(engine, "借呗借一万五用30天多少利息").full
    assert "67.50元–270.00元" in text  # 15000 × 0.015% × 30 and × 0.06% × 30


@pytest.mark.parametrize("question", ["借呗借0元分12期", "微粒贷借0元用30天多少利息", "借呗0元逾期5天罚多少",
                                      "WE2000借0元30天，第10天提前还"])
def test_a_zero_amount_is_said_to_lend_nothing_not_an_error(engine: Engine, question: str) -> None:
    # "借0元分12期" raised ValueError (a schedule refuses a zero principal): the user saw the error reply
    reply = engine.reply(f"zero:{question}", question)
    assert reply.kind == "answer" and reply.text.startswith("金额是0元：不借钱就没有利息、分期或罚息可算")


def test_a_zero_amount_after_a_calculation_is_answered_too(engine: Engine) -> None:
    engine.reply("zero-follow", "借呗借1万分12期每月还多少")
    assert engine.reply("zero-follow", "0元呢").text.startswith("金额是0元")


def test_amount_above_the_maximum_gets_the_maximum_not_a_calculation(engine: Engine) -> None:
    text = ask(engine, "WE2000借5000元用30天多少利息").text
    assert "5000元超过了资料中的最高额度2000元" in text and "75.00" not in text
    wan = ask(engine, "WE2000借1.5万用30天多少利息").text
    assert "1.5万元超过了资料中的最高额度2000元" in wan and "15,000.00" not in wan  # as the user wrote it


def test_can_i_borrow_an_amount_says_whether_it_is_above_the_maximum(engine: Engine) -> None:
    above = ask(engine, "借呗能借50万吗").text
    assert "50万元超过了资料中借呗的最高额度（30万元）" in above and "500,000" not in above
    within = ask(engine, "微粒贷能借2万吗").text
    assert "2万元没有超过资料所写的最高额度" in within and "以你自己的授信为准" in within


def test_overdue_penalty_with_late_fee(engine: Engine) -> None:
    text = ask(engine, "借呗逾期5000元10天罚息多少").full
    assert "11.25元–45.00元" in text and "违约金" in text  # 5000 × 0.015%/0.06% × 1.5 × 10


def test_overdue_penalty_we2000_double(engine: Engine) -> None:
    text = ask(engine, "WE2000逾期2000元10天要交多少罚息").full
    assert "20.00元" in text  # 2000 × 0.05% × 2 × 10


def test_prepayment_cost_beside_a_free_product(engine: Engine) -> None:
    reply = ask(engine, "WE2000借2000元30天，第10天提前还要多少钱")
    first = reply.text.splitlines()[0]
    assert first == "WE2000借2000元、期限30天、用了10天提前还清：共付利息和费用约30元，其中提前还款费约20元"
    assert reply.detail_label == "详细计算"
    assert "利息10.00元 + 提前还款费20.00元 = 共30.00元" in reply.full
    assert "提前还款费0.00元" in reply.full  # a product whose early repayment is free, shown beside


def test_a_calculation_with_an_interest_question_is_one_answer(engine: Engine) -> None:
    reply = ask(engine, "微粒贷借款一万元，期限6个月，利息多少")
    assert reply.intent == "interest_cost" and reply.also == ()  # no second answer with the bare rates
    assert reply.text.startswith("微粒贷借1万元用180天：利息约360–900元")


def test_instalments_with_irr_annualized_rate(engine: Engine) -> None:
    reply = ask(engine, "微粒贷借1万分12期每月还多少")
    assert reply.text.startswith("微粒贷借1万元分12期（等额本息）：每月约866–917元，总利息约394–1,002元")
    assert len(reply.text.split("\n\n来源")[0].split("\n")) <= 8 and reply.detail_label == "详细计算"
    text = reply.full
    assert "每月916.80元，总利息1,001.60元" in text  # 1.5 %/month = 0.05 %/day × 30
    assert "18.00%" in text and "IRR×12" in text and "〔2021〕第3号" in text
    assert "首月983.33元" in text and "845.83元" in text and "总利息975.00元" in text
    assert "月利率 = 日利率 × 30" in text


def test_score_compared_with_requirement(engine: Engine) -> None:
    assert "不够借呗（≥600分，差20分）" in ask(engine, "我芝麻分580能开借呗吗").text  # needs 600
    assert "够WE2000（≥550分）" in ask(engine, "我芝麻分580能用WE2000吗", "b").text  # needs 550


# ---------------------------------------------------------------- follow-ups

def test_follow_up_with_only_a_product(engine: Engine) -> None:
    assert ask(engine, "借呗日利率多少").intent == "rates"
    reply = ask(engine, "那微粒贷呢")
    assert (reply.intent, reply.products) == ("rates", ("weilidai",)) and "0.02%" in reply.text


def test_follow_up_with_only_an_amount(engine: Engine) -> None:
    ask(engine, "微粒贷借1万用30天多少利息")
    reply = ask(engine, "如果借2万呢")
    assert (reply.intent, reply.products) == ("interest_cost", ("weilidai",))
    assert "120.00元–300.00元" in reply.full  # 20000 × 30 days, term kept


def test_follow_up_with_only_a_term(engine: Engine) -> None:
    ask(engine, "微粒贷借1万用30天多少利息")
    reply = ask(engine, "60天呢")
    assert "120.00元–300.00元" in reply.full  # 10000 × 60 days, amount kept


def test_follow_up_with_only_the_rate_basis_or_bound(engine: Engine) -> None:
    ask(engine, "借呗借1万用30天多少利息")
    reply = ask(engine, "按最低利率算呢")  # the same calculation at one rate, not the rate answer
    assert (reply.intent, reply.products) == ("interest_cost", ("jiebei",))
    assert reply.text.startswith("借呗借1万元用30天：利息约45元（日利率0.015%）")
    reply = ask(engine, "按年化算呢")
    assert reply.intent == "interest_cost" and "按年化5.47%算" in reply.text
    # a question about the bound itself is still the rate question, in a conversation or alone
    assert ask(engine, "最高利率多少", "alone").intent == "rates"


def test_the_repayment_method_asked_leads_the_instalment_answer(engine: Engine) -> None:
    first = ask(engine, "借呗借5000分3期每月还多少")
    assert first.text.startswith("借呗借5000元分3期（等额本息）：每月约")
    reply = ask(engine, "等额本金呢")  # the same plan, the other method first
    assert (reply.intent, reply.products) == ("installment", ("jiebei",))
    assert reply.text.startswith("借呗借5000元分3期（等额本金）：首月约1,689–1,757元，逐月递减到约1,674–1,697元")
    assert ask(engine, "那微粒贷呢").text.startswith("微粒贷借5000元分3期（等额本金）")
    assert reply.figure == "i:jiebei:5000:3:ep:0.0006"


def test_the_least_amount_asked_is_not_answered_with_the_most(engine: Engine) -> None:
    reply = ask(engine, "借呗最低能借多少")
    first = reply.text.splitlines()[0]
    assert reply.intent == "max_amount" and "没有写最低" in first and "30万" not in first
    assert "最高额度30万元" in reply.text  # the maximum only for scale, below
    reply = ask(engine, "那微粒贷呢")  # the documents' lowest credit range for 微粒贷: 5千–5万元
    assert reply.products == ("weilidai",) and "没有写最低" in reply.text.splitlines()[0]
    assert "5千–5万元" in reply.text and "来源" in reply.text
    assert ask(engine, "借呗最多能借多少", "most").text.startswith("• 借呗：最高额度30万元")
    both = ask(engine, "借呗最少能借多少，要多少芝麻分", "least2")  # its part is headed as what was asked
    assert both.text.startswith("〔最低额度〕") and "〔最高额度〕" not in both.text


def test_an_example_amount_is_one_the_product_lends(engine: Engine) -> None:
    reply = ask(engine, "WE2000分6期每月还多少", "we1")  # WE2000 lends at most 2000元: not a refused 1万 example
    assert reply.text.startswith("没有说金额，下面按2000元举例。\nWE2000借2000元分6期") and "超过" not in reply.text
    assert "（WE2000 15.4%）" in reply.text  # the stated rate apart from the name
    assert ask(engine, "借呗分6期每月还多少", "we2").text.startswith("没有说金额，下面按1万元举例。")


def test_a_bare_end_of_a_range_follows_the_question_before(engine: Engine) -> None:
    ask(engine, "借呗最高能借多少", "end1")
    assert "没有写最低" in ask(engine, "最低呢", "end1").text.splitlines()[0]  # the least amount
    assert ask(engine, "最多呢", "end1").text.startswith("• 借呗：最高额度30万元")  # … and back to the most
    ask(engine, "借呗借1万30天利息多少", "end2")
    assert ask(engine, "最高呢", "end2").text.startswith("借呗借1万元用30天：利息约180元（日利率0.06%）")
    ask(engine, "微粒贷要芝麻分吗", "end3")
    assert ask(engine, "最低呢", "end3").intent == "zhima_requirement"  # the same question, not another topic


def test_how_a_product_is_gets_its_overview_or_the_same_question_again(engine: Engine) -> None:
    reply = ask(engine, "微粒贷咋样", "how1")  # not a topic that only ends in 怎么样 (risk figures, satisfaction)
    assert (reply.kind, reply.intent) == ("answer", "product_overview")
    assert reply.text.startswith("【微粒贷】")
    ask(engine, "WE2000日利率多少", "how2")
    reply = ask(engine, "那借呗如何", "how2")  # the rate of the product now named
    assert (reply.intent, reply.products) == ("rates", ("jiebei",)) and reply.text.startswith("• 借呗：日利率")
    ask(engine, "借呗要芝麻分吗", "how3")
    assert ask(engine, "借呗到底好不好", "how3").intent == "product_overview"  # the same product: not a repeat
    reply = ask(engine, "怎么样  微粒贷额度怎么提高", "how4")  # a filler clause asks nothing of its own
    assert reply.intent == "raise_limit" and reply.also == ()
    assert ask(engine, "怎么样", "how5").kind != "answer"
    for n, text in enumerate(["我WE2000", "我的微粒贷"]):  # whose it is adds nothing: not closing or opening it
        assert ask(engine, text, f"mine{n}").intent == "product_overview", text


def test_an_effect_the_documents_do_not_cover_is_named_before_the_cost(engine: Engine) -> None:
    reply = ask(engine, "微粒贷提前还清会影响微粒贷额度吗", "effect1")  # not only "提前还款免收"
    assert reply.intent == "prepayment" and "limit_lost" in reply.also
    first = reply.text.splitlines()[0]
    assert "没有讲微粒贷的额度消失、降低或恢复" in first and "提前还款" in reply.text.split("\n", 2)[2]
    reply = ask(engine, "微粒贷晚还了两天影响大不大", "effect2")  # the penalty, and that 征信 is not covered
    assert reply.intent == "overdue_penalty" and "credit_record" in reply.also
    assert "征信和信用记录" in reply.text.splitlines()[0] and "罚息" in reply.text
    assert ask(engine, "借呗提前还款收手续费吗", "effect3").also == ()  # no effect asked: the fee alone
    reply = ask(engine, "微粒贷晚还了一天，会有影响吗", "effect4")  # the clause asks the effect: no topic of its own
    assert reply.intent == "overdue_penalty" and reply.also == ("credit_record",)


def test_whether_something_affects_the_limit_is_not_answered_with_a_bare_list(engine: Engine) -> None:
    reply = ask(engine, "有房会影响借呗的额度吗", "factor1")  # the documents list factors, not this one
    assert reply.intent == "raise_limit" and reply.text.startswith("（资料只列了下面这些")
    assert "消费场景多样性" in reply.text
    assert not ask(engine, "什么会影响借呗的额度", "factor2").text.startswith("（资料只列")  # the list is asked
    assert not ask(engine, "借呗的额度怎么提", "factor3").text.startswith("（资料只列")


def test_follow_up_comparing_with_another_product_shows_both(engine: Engine) -> None:
    ask(engine, "借呗借1万用30天多少利息")
    reply = ask(engine, "比微粒贷贵吗")  # the conversation's loan against the one named, side by side
    assert (reply.intent, reply.products) == ("interest_cost", ("jiebei", "weilidai"))
    assert reply.text.index("借呗借1万元用30天") < reply.text.index("微粒贷借1万元用30天")


def test_a_bare_number_after_a_zhima_question_is_the_score(engine: Engine) -> None:
    ask(engine, "芝麻分多少能开借呗")
    reply = ask(engine, "我只有590")  # 590 yuan would be no answer to that question
    assert (reply.intent, reply.products) == ("zhima_requirement", ("jiebei",)) and "芝麻分590不够" in reply.text


def test_wanting_to_borrow_an_amount_gets_the_limits_against_it(engine: Engine) -> None:
    reply = ask(engine, "我想借2万")  # not a request the bot declines: whether 2万 is within each loan's limit
    assert (reply.kind, reply.intent) == ("answer", "max_amount")
    assert "2万元没有超过资料所写的最高额度" in reply.full and "你想借的2万元超过了资料中WE2000的最高额度" in reply.full
    assert ask(engine, "2万", "bare").kind == "not_understood"  # a number alone still asks nothing


def test_follow_up_switches_to_a_new_question(engine: Engine) -> None:
    ask(engine, "借呗日利率多少")
    reply = ask(engine, "年化呢")
    assert (reply.intent, reply.products) == ("rates", ("jiebei",))
    reply = ask(engine, "最高额度多少")
    assert (reply.intent, reply.products) == ("max_amount", ("jiebei",))


def test_thanks_between_two_questions_keeps_the_conversation(engine: Engine) -> None:
    ask(engine, "借呗日利率多少")
    assert ask(engine, "谢谢").kind == "smalltalk"
    reply = ask(engine, "那微粒贷呢")
    assert (reply.intent, reply.products) == ("rates", ("weilidai",)) and "0.02%" in reply.text


@pytest.mark.parametrize("first", ["那微粒贷呢", "微粒贷吗？", "微粒贷啊"])
def test_a_product_name_with_only_a_particle_introduces_it(engine: Engine, first: str) -> None:
    reply = ask(engine, first)
    assert (reply.intent, reply.products) == ("product_overview", ("weilidai",))
    assert reply.text.startswith("【微粒贷】")


@pytest.mark.parametrize("said, opening", [
    ("不是", "抱歉，可能没理解对你的问题。能换个说法再问一次吗？"),
    ("不对不对", "抱歉，可能没理解对你的问题。能换个说法再问一次吗？"),
    ("是真的吗？", "我的回答都整理自两份公开资料"),
    ("对吗", "我的回答都整理自两份公开资料"),
    ("是的", "好的。还有其他问题随时问我。"),
    ("对", "好的。还有其他问题随时问我。"),
    ("可以", "好的。还有其他问题随时问我。"),
])
def test_a_reply_to_the_answer_gets_no_answer_about_another_topic(engine: Engine, said: str, opening: str) -> None:
    """"不是", "是真的吗", "对" name no topic: neither a topic of the conversation nor one a single shared word
    suggests (they were answered with approval time, operating figures or application conditions)."""
    ask(engine, "微粒贷要芝麻分吗")
    reply = ask(engine, said)
    assert (reply.kind, reply.intent) == ("smalltalk", None) and reply.text.startswith(opening)
    alone = ask(engine, said, "alone")
    assert (alone.kind, alone.intent) == ("smalltalk", None) and alone.text == reply.text
    assert ask(engine, "那借呗呢").products == ("jiebei",)  # the conversation goes on where it was


def test_a_correction_of_the_product_or_the_amount_is_a_follow_up(engine: Engine) -> None:
    ask(engine, "微粒贷最高多少")
    reply = ask(engine, "不对，我问的是借呗")
    assert (reply.intent, reply.products) == ("max_amount", ("jiebei",)) and "30万" in reply.text
    ask(engine, "借呗借1万用30天多少利息", "amount")
    reply = ask(engine, "不是，是2万", "amount")
    assert (reply.intent, reply.products) == ("interest_cost", ("jiebei",)) and "借2万元用30天" in reply.text
    ask(engine, "微粒贷逾期10天罚多少", "stated")  # the bot assumed an example amount
    reply = ask(engine, "借了2万", "stated")  # … the amount it was: the same question
    assert (reply.intent, reply.products) == ("overdue_penalty", ("weilidai",)) and "逾期2万元10天" in reply.text
    ask(engine, "微粒贷要芝麻分吗", "negated")
    reply = ask(engine, "不是微粒贷，是借呗", "negated")  # the loan said not to be meant is left out
    assert (reply.intent, reply.products) == ("zhima_requirement", ("jiebei",)) and "微粒贷" not in reply.text
    both = ask(engine, "是不是微粒贷和借呗都要芝麻分", "asked")  # 是不是 asks; it negates nothing
    assert both.products == ("weilidai", "jiebei")
    first = ask(engine, "不是微粒贷，我说的是借呗", "fresh")  # the same words with nothing before: 借呗 itself
    assert (first.intent, first.products) == ("product_overview", ("jiebei",))


def test_off_topic_question_mid_conversation_is_declined(engine: Engine) -> None:
    ask(engine, "我芝麻分580能用WE2000吗")
    reply = ask(engine, "今天天气怎么样")
    assert reply.kind == "not_understood" and not reply.suggestions


def test_sessions_do_not_share_context(engine: Engine) -> None:
    ask(engine, "借呗日利率多少", "alice")
    reply = ask(engine, "那微粒贷呢", "bob")
    assert reply.intent != "rates"


def test_context_expires_after_30_minutes(engine: Engine) -> None:
    now = [1000.0]
    engine.sessions.clock = lambda: now[0]
    ask(engine, "借呗日利率多少")
    now[0] += 29 * 60
    assert ask(engine, "那微粒贷呢").intent == "rates"
    now[0] += 31 * 60
    assert ask(engine, "那微粒贷呢").intent != "rates"


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_input_gets_a_polite_reply(engine: Engine, text: str) -> None:
    reply = ask(engine, text)
    assert reply.kind == "invalid" and "请" in reply.text


def test_very_long_input_gets_a_polite_reply(engine: Engine) -> None:
    reply = ask(engine, "微粒贷" * 3400)
    assert reply.kind == "invalid" and "精简" in reply.text and len(reply.text) < 200


def test_emoji_only_is_not_understood_politely(engine: Engine) -> None:
    reply = ask(engine, "🤔🤔🤔")
    assert reply.kind == "not_understood" and "抱歉" in reply.text


@pytest.mark.parametrize("text", ["房贷利率现在是多少", "花呗怎么关闭", "招商银行信用卡怎么提额", "美团月付怎么还款"])
def test_products_the_documents_do_not_cover_are_declined_not_answered_with_ours(engine: Engine, text: str) -> None:
    # Without this, 房贷利率 got 微粒贷/借呗/WE2000's rates: figures for a product the user did not ask about.
    reply = ask(engine, text)
    assert reply.kind == "not_understood" and reply.intent is None
    assert "资料里没有" in reply.text and "%" not in reply.text


def test_an_uncovered_name_beside_a_covered_product_is_still_answered(engine: Engine) -> None:
    assert ask(engine, "花呗和借呗有什么区别").intent == "compare"
    assert ask(engine, "借呗日利率多少", "o").intent == "rates"
    assert ask(engine, "房贷呢", "o").kind == "not_understood"  # a follow-up to a product we don't cover
    assert ask(engine, "那微粒贷呢", "o").intent == "rates"  # ... and the conversation goes on


# ---------------------------------------------------------------- phone-first: the answer in the first lines

def first_screen(text: str) -> list[str]:
    return text.split("\n\n来源：")[0].split("\n")


def test_eligibility_verdict_checks_every_number_given_and_says_what_is_met_first(engine: Engine) -> None:
    reply = ask(engine, "我芝麻分580，实名4个月，每周交易3笔，余额宝有2万，能申请哪个")
    lines = first_screen(reply.text)
    assert lines[0].startswith("按你给的条件，资料所列门槛都达到的：WE2000")
    assert "借呗（芝麻分580、实名4个月）" in lines[0]
    assert "• 芝麻分580：够WE2000（≥550分）；不够借呗（≥600分，差20分）；微粒贷不强制看芝麻分" in lines
    assert "• 实名4个月：够WE2000（>3个月）；不够微粒贷（>6个月）、借呗（>12个月）" in lines
    assert any(line.startswith("• 每周3笔：够借呗（≥2笔/周）、WE2000（≥5笔/月，按周月折算）") for line in lines)
    assert any(line.startswith("• 余额宝2万元：够借呗（余额宝持仓≥1万元）") for line in lines)
    assert len(lines) <= 8 and reply.detail_label == "全部条件" and "余额宝持仓至少1万元" in reply.full


def test_a_verdict_on_some_conditions_names_the_ones_not_given(engine: Engine) -> None:
    """"芝麻分600能借呗吗" says nothing of 实名 or 活跃度: the reply must not read as if every threshold were met."""
    lines = first_screen(ask(engine, "芝麻分600能借呗吗").text)
    assert lines[0] == "按你给的条件，借呗的这几项门槛都达到了。"
    assert "• 借呗还要求（你没说）：实名认证超过12个月 · 活跃度至少2笔/周 · 余额宝持仓至少1万元" in lines


def test_labels_do_not_repeat_themselves(engine: Engine) -> None:
    for n, question in enumerate(["借呗介绍", "WE2000介绍", "借呗申请条件", "微粒贷风控", "借呗和微粒贷有什么区别"]):
        for line in ask(engine, question, f"s{n}").full.split("\n"):
            label, sep, rest = line.lstrip("• ").partition("：")
            assert not (sep and 2 <= len(label) <= 8 and rest.startswith(label[:2])), (question, line)


def test_comparison_fits_a_phone_and_advice_starts_by_declining(engine: Engine) -> None:
    compared = ask(engine, "借呗和微粒贷有什么区别")
    assert "｜" not in compared.full and compared.detail_label == "完整对比"
    assert compared.text.startswith("借呗 vs 微粒贷：日利率0.015%–0.06% vs 0.02%–0.05%")
    assert all(len(line) <= 60 for line in first_screen(compared.text)[1:])
    advice = ask(engine, "我该借哪个", "b")
    assert advice.text.startswith("我不能替你做决定") and len(first_screen(advice.text)) <= 8


def test_short_and_full_versions_share_the_headline_and_the_footer(engine: Engine) -> None:
    reply = ask(engine, "借呗借两万分6期每月还多少")
    assert reply.detail and reply.text.split("\n")[0] == reply.detail.split("\n")[0]
    assert reply.text.endswith(reply.footer) and reply.detail.endswith(reply.footer) and CAUTION in reply.footer
    assert reply.figure == "i:jiebei:20000:6:ei:0.0006"
    assert {"detail", "figure", "text", "sources"} <= set(reply.to_json())


def test_help_says_where_account_questions_go(engine: Engine) -> None:
    """Half of real questions are about the user's own account: /help says up front where those go."""
    text = engine.help_text()
    assert "你自己账户里的情况" in text and "借呗在支付宝" in text and text.endswith("不构成财务建议。")


def test_total_interest_after_an_instalment_plan_is_the_plans_interest(engine: Engine) -> None:
    # "利息一共多少" after "借2万分12期" got the interest of 2万 repaid at once after 360 days (1,080–4,320元),
    # not the plan's 590–2,416元
    plan = engine.reply("plan-interest", "借呗借2万分12期").text.splitlines()[0]
    assert "总利息约590–2,416元" in plan
    assert engine.reply("plan-interest", "利息一共多少").text.splitlines()[0] == plan
    engine.reply("plan-days", "借呗借2万分12期")  # a new term in days asks the one-off interest
    assert engine.reply("plan-days", "用30天利息多少").text.startswith("借呗借2万元用30天：利息约90–360元")


@pytest.mark.parametrize("first, topic", [("借呗逾期了", "借呗的逾期罚息"),
                                          ("微粒贷额度怎么没了", "微粒贷的额度消失、降低或恢复")])
@pytest.mark.parametrize("bare", ["怎么办", "为什么"])
def test_bare_question_words_in_a_conversation_offer_its_topic(engine: Engine, first: str, topic: str,
                                                               bare: str) -> None:
    # "借呗逾期了" then "怎么办" named closing an account as not covered; "为什么" asked which product to introduce
    session = f"bare:{first}:{bare}"
    engine.reply(session, first)
    reply = engine.reply(session, bare)
    assert reply.kind == "suggest" and reply.suggestions[0].label == topic


@pytest.mark.parametrize("first", ["微粒贷怎么开通", "借呗要芝麻分吗"])
@pytest.mark.parametrize("amount, said", [("2万呢", "2万元没有超过"), ("要是5.5w呢?", "5.5万元没有超过"),
                                          ("那3万呢", "3万元没有超过")])
def test_a_bare_amount_after_a_topic_without_one_asks_whether_it_can_be_borrowed(engine: Engine, first: str,
                                                                                 amount: str, said: str) -> None:
    # "2万呢" after how to open 微粒贷 said the documents do not cover disbursement (the one example ending in 呢);
    # "那3万呢" already got the limits, by the luck of its characters
    session = f"amount:{first}:{amount}"
    engine.reply(session, first)
    reply = engine.reply(session, amount)
    assert reply.intent == "max_amount" and said in reply.text


def test_the_conversations_uncovered_topic_going_on_is_named_again(engine: Engine) -> None:
    # "怎么恢复" after a lost limit was declined as off topic (mostly unknown words, none about borrowing)
    engine.reply("lost-limit", "借呗额度没了")
    reply = engine.reply("lost-limit", "怎么恢复")
    assert (reply.kind, reply.intent, reply.products) == ("uncovered", "limit_lost", ("jiebei",))
    engine.reply("lost-limit-stocks", "借呗额度没了")
    assert engine.reply("lost-limit-stocks", "茅台股票还能买吗").kind == "not_understood"


def test_bare_question_words_after_small_talk_ask_nothing(engine: Engine) -> None:
    engine.reply("bare-thanks", "谢谢")
    assert engine.reply("bare-thanks", "怎么办").kind == "not_understood"


def test_interest_after_an_early_repayment_is_the_interest_of_the_days_used(engine: Engine) -> None:
    # "要多少利息" after "第10天还清" got the interest of all 30 days (45–180元), not of the 10 days used
    first = engine.reply("early-interest", "借呗借1万30天第10天还清").text.splitlines()[0]
    assert "共付利息和费用约15–60元" in first
    assert engine.reply("early-interest", "要多少利息").text.splitlines()[0] == first


def test_which_one_after_a_question_about_one_loan_asks_across_the_loans(engine: Engine) -> None:
    # "能开哪个" after a 借呗 question got the verdict for 借呗 alone
    engine.reply("which", "借呗要芝麻分吗")
    reply = engine.reply("which", "我芝麻分620能开哪个")
    assert reply.products == () and all(name in reply.text for name in ("微粒贷", "借呗", "WE2000"))
    engine.reply("which-not", "借呗怎么评估信用")  # "哪个维度…" asks within the topic: the product stays
    assert engine.reply("which-not", "哪个维度权重最高").products == ("jiebei",)


@pytest.mark.parametrize("question", ["你是干嘛的呀", "你主要是干嘛的呀"])
def test_asking_the_bot_what_it_is_for_gets_help_not_which_product(engine: Engine, question: str) -> None:
    # "{product}是干嘛的" with no product named asked back which product to introduce
    reply = engine.reply(f"what:{question}", question)
    assert (reply.kind, reply.intent) == ("smalltalk", "help")


def test_two_uncovered_topics_are_listed_readably(engine: Engine) -> None:
    first = engine.reply("ut", "借呗审核要多久 通过后多久到账").text.splitlines()[0]
    assert first == "两份资料里没有讲借呗的审批时间、放款和到账，这个问题我没法回答。"


def test_the_users_amount_stays_through_a_question_that_takes_none(engine: Engine) -> None:
    # "我想借两万", a comparison, then "用两个月": the 2万 was dropped for a 1万 example
    engine.reply("amount-kept", "我想借两万")
    engine.reply("amount-kept", "哪个利息低")
    first = engine.reply("amount-kept", "借呗用两个月呢").text.splitlines()[0]
    assert first.startswith("借呗借2万元用60天") and "没有说金额" not in first


def test_an_earlier_term_does_not_turn_a_rate_question_into_a_calculation(engine: Engine) -> None:
    # a term is kept only with the question that used it: remembered through "借呗日利率多少", it made the next rate
    # question a calculation of 30 days
    engine.reply("term-not-kept", "借呗借1万用30天利息多少")
    engine.reply("term-not-kept", "借呗日利率多少")
    reply = engine.reply("term-not-kept", "WE2000日利率多少")
    first = reply.text.splitlines()[0]
    assert reply.intent == "rates" and "0.05%" in first and "利息约" not in reply.text


@pytest.mark.parametrize("question", ["微粒贷借2万用15天提前还要多少利息", "微粒贷借2万用了半个月就还清要多少利息"])
def test_the_days_used_before_repaying_early_are_read_without_a_term(engine: Engine, question: str) -> None:
    # "用15天提前还" gave only "提前还款不收费": the 15 days were a term, not the days used
    first = engine.reply(f"used:{question}", question).text.splitlines()[0]
    assert "用了15天提前还清" in first and "60–150元" in first


def test_a_fee_asked_right_after_early_repayment_is_its_fee(engine: Engine) -> None:
    # "要手续费吗" after "WE2000能提前还吗" got "the documents don't cover other fees"; the early-repayment answer
    # has the fee. A question of its own after it ("逾期了怎么办") still gets its own answer.
    engine.reply("fee-after", "WE2000能提前还吗")
    reply = engine.reply("fee-after", "那要手续费吗")
    assert (reply.kind, reply.intent) == ("answer", "prepayment") and "剩余天数的利息" in reply.text.splitlines()[0]
    assert engine.reply("fee-after", "逾期了怎么办").intent == "overdue_penalty"


def test_repaying_soon_after_borrowing_is_early_repayment(engine: Engine) -> None:
    engine.reply("soon", "借呗能提前还吗")
    first = engine.reply("soon", "借2万借了10天就还呢").text.splitlines()[0]
    assert "用了10天提前还清" in first and "30–120元" in first


def test_which_one_right_after_a_score_verdict_is_the_verdict_across_the_loans(engine: Engine) -> None:
    # "能开哪个" after "我芝麻分580" got how to open each loan; the verdict with the 580 answers it
    engine.reply("which-after", "我芝麻分580")
    reply = engine.reply("which-after", "那能开哪个")
    first = reply.text.splitlines()[0]
    assert reply.intent == "zhima_requirement" and "没达到：借呗" in first and "微粒贷" in first


def test_a_daily_rate_the_user_gives_is_the_one_calculated_with(engine: Engine) -> None:
    # "日利率万五" was ignored: the documents' range 0.015%–0.06% gave 45–180元 for 1万/30天
    reply = engine.reply("own-rate", "我借呗日利率万五，借1万30天多少钱")
    first = reply.text.splitlines()[0]
    assert reply.intent == "interest_cost" and "利息约150元（按你给的日利率0.05%）" in first
    details = reply.text + (reply.detail or "")  # the documents' rate is one tap away, with its source
    assert "资料写的借呗日利率是0.015%–0.06%" in details and "来源" in reply.text
    plan = engine.reply("own-rate", "分12期呢").text.splitlines()[0]  # the rate stays with the conversation
    assert "每月约917元" in plan and "按你给的日利率0.05%" in plan


def test_the_interest_of_an_early_repayment_is_not_asked_twice(engine: Engine) -> None:
    # "…用了10天就提前还，要多少利息" added an interest calculation of an example 30 days under the repayment
    reply = engine.reply("once", "借呗借2万用了10天就提前还，要多少利息")
    assert reply.intent == "prepayment" and "用了10天提前还清" in reply.text.splitlines()[0]
    assert "借款利息计算" not in reply.text and "30天" not in reply.text


def test_a_users_rate_with_a_product_that_has_no_rate_calculates_nothing(engine: Engine) -> None:
    # a stale button for 芝麻信用 after "日利率万五" raised IndexError (its rate label looked for the documents' range)
    engine.reply("rate-zhima", "我的日利率是万五，借1万用30天利息多少")
    reply = engine.choose("rate-zhima", "installment", "zhima")
    assert reply.text and "资料没有日利率" in reply.text + (reply.detail or "")


def test_a_users_rate_belongs_to_the_product_it_was_given_for(engine: Engine) -> None:
    # "那微粒贷呢" after "借呗日利率万五…" calculated 微粒贷 at 借呗's rate
    engine.reply("rate-product", "借呗日利率万五，借1万30天多少钱")
    first = engine.reply("rate-product", "那微粒贷呢").text.splitlines()[0]
    assert first.startswith("微粒贷借1万元用30天") and "按你给的" not in first and "0.02%–0.05%" in first
