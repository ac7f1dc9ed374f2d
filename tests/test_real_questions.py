"""Real users' questions: answer what the documents answer, say plainly what they don't (issue: real questions).

The questions here are written for these tests; none is taken from the real-question pool.
"""
from __future__ import annotations

import re

import pytest

from bot.dialogue.context import Context
from bot.engine import Engine

UNCOVERED_PHRASE = "两份资料里没有讲"
FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|元|万|分)")


def test_changed_repayment_date_is_named_as_not_covered(engine: Engine) -> None:
    reply = engine.reply("rq1", "为什么我的借呗还款时间变了")
    assert reply.kind == "uncovered" and reply.intent == "repay_date" and reply.products == ("jiebei",)
    first = reply.text.splitlines()[0]
    assert UNCOVERED_PHRASE in first and "借呗" in first and "还款日" in first
    assert "支付宝" in reply.text  # where to ask instead
    assert not FIGURE.search(reply.text)  # no figures that answer some other question
    assert {s.intent for s in reply.suggestions} <= {"overdue_penalty", "repayment_methods"}
    assert all("借呗" in s.label for s in reply.suggestions)


def test_frozen_product_is_not_answered_with_limit_ratings(engine: Engine) -> None:
    reply = engine.reply("rq2", "借呗冻结了怎么回事")
    assert reply.kind == "uncovered" and reply.intent == "freeze_close"
    assert "冻结" in reply.text.splitlines()[0] and "★" not in reply.text


def test_how_interest_is_computed_gives_rate_and_formula_not_a_made_up_sum(engine: Engine) -> None:
    reply = engine.reply("rq3", "微粒贷利息怎么算")
    assert reply.kind == "answer" and reply.intent == "rates" and reply.products == ("weilidai",)
    assert "0.02%–0.05%" in reply.text and "本金 × 日利率 × 天数" in reply.text
    assert "提前还款" not in reply.text and "10,000" not in reply.text


def test_penalty_word_in_a_prepayment_question_stays_prepayment(engine: Engine) -> None:
    reply = engine.reply("rq4", "借呗提前还款，有违约金吗")
    assert reply.intent == "prepayment" and reply.also == ()
    assert reply.text.startswith("• 借呗：提前还款不收费") and "罚息" not in reply.text


def test_a_fee_word_inside_a_prepayment_question_stays_prepayment(engine: Engine) -> None:
    """One clause: 手续费 is the cue of fees in general, but here it is the prepayment fee the documents give."""
    reply = engine.reply("rq4b", "WE2000提前还款的手续费是多少钱")
    assert (reply.kind, reply.intent) == ("answer", "prepayment")
    assert reply.text.startswith("• WE2000：提前还款要收取剩余天数的利息")
    assert engine.reply("rq4c", "微粒贷借款要交手续费吗").intent == "other_fees"  # no prepayment: fees in general


def test_instalments_asked_with_a_total_are_the_instalment_plan(engine: Engine) -> None:
    """"分12期" is instalments, though 分期 is not written together: not one repayment after 360 days."""
    engine.reply("rq4d", "微粒贷借1万用190天利息多少")
    reply = engine.reply("rq4d", "请问一下借8200元分12期总共还多少")
    assert reply.intent == "installment"
    assert reply.text.startswith("微粒贷借8200元分12期（等额本息）") and "用360天" not in reply.text


def test_two_questions_in_one_message_get_both_answers_in_order(engine: Engine) -> None:
    reply = engine.reply("rq5", "蚂蚁借呗，最高能借多少钱，需要多少信用分")
    assert reply.kind == "answer" and reply.products == ("jiebei",)
    assert {reply.intent, *reply.also} == {"max_amount", "zhima_requirement"}
    text = reply.text
    assert "30万" in text and "600" in text
    assert text.index("30万") < text.index("600")  # in the order asked
    assert text.count("⚠️ 以上是") == 1  # one caution for the whole reply


def test_an_uncovered_topic_joined_to_a_question_is_named_too(engine: Engine) -> None:
    # "…要不要芝麻分和征信" answered the 芝麻分 only; 征信 is a topic the documents don't cover
    reply = engine.reply("joined", "WE2000要不要芝麻分和征信")
    assert {reply.intent, *reply.also} == {"zhima_requirement", "credit_record"}, reply.text
    assert "征信" in reply.text and "550" in reply.text
    # two products joined by 和 compare them: no switch topic added
    assert engine.reply("joined-cmp", "借呗和网商贷一样吗").also == ()


@pytest.mark.parametrize("question", ["微粒贷额度多少利率多少", "WE2000最高借多少日利率多少"])
def test_two_questions_without_a_stop_between_get_both_answers(engine: Engine, question: str) -> None:
    # "…额度多少利率多少" got only the limit: no punctuation split the two questions
    reply = engine.reply(f"nostop:{question}", question)
    assert {reply.intent, *reply.also} == {"max_amount", "rates"}, reply.text
    assert reply.text.index("最高额度") < reply.text.index("日利率")


@pytest.mark.parametrize("question", ["微粒贷借5000用20天利息多少，提前还款收不收费",
                                      "微粒贷借5000用20天利息多少和提前还款收不收费"])
def test_a_calculation_and_another_question_in_one_message_get_both_in_order(engine: Engine, question: str) -> None:
    # the calculation was dropped: a clause asking a calculation never counted as a question of its own, "收不收费"
    # asked nothing (no question word), and "多少和…" was one clause
    reply = engine.reply(f"two-calc:{question}", question)
    assert (reply.intent, reply.also) == ("interest_cost", ("prepayment",))
    assert reply.text.index("利息约20–50元") < reply.text.index("提前还款不收费")


def test_two_questions_that_tie_are_both_answered_not_offered_as_a_menu(engine: Engine) -> None:
    """Each clause asks one of the two best intents, so they score alike on the whole message: both are asked."""
    reply = engine.reply("rq5b", "WE2000审批快吗还有最高额度多少")
    assert (reply.kind, reply.intent, reply.also) == ("answer", "approval_time", ("max_amount",))
    assert "2000元" in reply.text and reply.text.index("审批") < reply.text.index("最高额度")


@pytest.mark.parametrize("question, topic", [
    ("借呗额度突然没有了是怎么回事", "limit_lost"),
    ("微粒贷的钱为什么还没到我卡上", "disbursement"),
    ("借呗到期会不会自己从卡里扣钱", "auto_deduct"),
    ("借呗用了会不会上人行征信", "credit_record"),
    ("微粒贷能只还一部分吗", "partial_repay"),
    ("借呗还完了还能接着借吗", "borrow_again"),
    ("微粒贷最长能借几年", "loan_term"),
    ("借呗的钱拿去炒股可以吗", "loan_use"),
    ("借呗开通要交手续费吗", "other_fees"),
    ("借呗收款银行卡怎么改", "bank_card"),
    ("借呗的钱能转到余额宝吗", "withdraw"),
    ("QQ钱包里的微粒贷怎么开", "qq_channel"),
    ("借呗人脸识别老是不通过", "account_issue"),
    ("微粒贷要怎么注销掉", "freeze_close"),
    ("借呗怎么被换成网商贷了能改回去吗", "mybank_switch"),
    ("借呗每月还钱那天我想往后挪几天", "repay_date"),
    ("不打算再用微粒贷了能停掉吗", "freeze_close"),
    ("微粒贷有没有送免息券的活动", "promotions"),
    ("借呗还款时给的红包怎么抵扣", "promotions"),
    ("听说借呗提前还清反而降低了芝麻信用分，是真的吗", "credit_record"),
    ("开通花呗后借呗没有了", "limit_lost"),
    ("借呗和网商贷有什么关系啊", "mybank_switch"),
    ("微粒贷一直显示无法使用", "limit_lost"),
    ("借呗已经开通了可是用不了", "limit_lost"),
    ("逾期还清后借呗的负面记录多久能消", "credit_record"),
    ("网商贷额度和借呗的是不是同一个", "mybank_switch"),
    ("微粒贷长时间不用会被收回吗", "freeze_close"),
    ("借呗总共能借多少次", "borrow_again"),
    ("借呗要我补全身份信息怎么弄", "account_issue"),
    ("用借呗对个人信用有没有影响", "credit_record"),
    ("微粒贷人工客服怎么找", "customer_service"),
    ("借呗一直提示当前操作存在风险", "account_issue"),
    ("申请借呗老说今天人太多", "account_issue"),
    ("借呗可以开结清证明吗", "account_issue"),
    ("网商贷能不能改成借呗", "mybank_switch"),
    ("借呗和网商贷可以同时有吗", "mybank_switch"),
    ("网商贷和借呗两个能不能同时拥有呀", "mybank_switch"),
    ("网商贷转回借呗怎么操作", "mybank_switch"),
    ("为啥别人的是借呗我的却是网商贷", "mybank_switch"),  # which of the two one has, not how to open 借呗
    ("别人都是借呗为什么我是网商贷", "mybank_switch"),
    ("我想知道网商贷跟借呗什么关系", "mybank_switch"),  # 网商贷 named first: the cue 网商贷什么关系 spans 跟借呗
    ("借呗跟网商贷可以一起共存吗", "mybank_switch"),
    ("我的借呗能不能变网商贷啊", "mybank_switch"),  # not how to raise the limit
    ("微粒贷实名过期了还能借吗", "account_issue"),  # an expired real-name check, not borrowing again
    ("借呗的实名认证过期了怎么办", "account_issue"),
    ("借呗贷款啥时候能到", "disbursement"),  # when the money arrives, not how to open it
    ("微粒贷申请的款多久能到", "disbursement"),
    ("借呗啥时候到帐", "disbursement"),  # 帐 for 账: read as 到账
    ("这个号码是微粒贷打来的吗", "customer_service"),  # a call said to come from the lender
    ("说是借呗打电话来让我提额", "customer_service"),  # … not a question about raising the limit
    ("我的借呗本来是一万二现在怎么没有了", "limit_lost"),  # the amount it had, not how to open it
    ("借呗之前开通了现在怎么又关闭了", "limit_lost"),
    ("微粒贷分期多久", "loan_term"),  # how long the instalments can run, not a 1万/12期 example schedule
    ("蚂蚁借呗最长可以分期多久还", "loan_term"),
    ("WE2000审核周期多长", "approval_time"),  # the time a review takes, not the loan's term
    ("借呗提前还完了还可以借吗", "borrow_again"),  # borrowing again, not the fee of repaying early
    ("微粒贷这个月的还了下个月还可以借吗", "borrow_again"),
    ("微粒贷的额度怎么变少了啊", "limit_lost"),  # why one's own limit dropped, not what raises a limit
    ("我借呗额度为什么突然减少", "limit_lost"),
    ("借呗的联系方式是什么", "customer_service"),  # got the repayment methods
    ("微粒贷咨询电话号码是多少", "customer_service"),  # was not understood
    ("网商代跟借呗什么关系", "mybank_switch"),  # 代 typed for 贷
    ("我的借呗怎么成了商网贷", "mybank_switch"),  # 商网 typed for 网商
    ("WE2000客服", "customer_service"),  # a product and 客服 alone got how to open it
    ("借呗客服", "customer_service"),
    ("微粒贷被停了怎么恢复", "limit_lost"),  # getting it back, not closing an account
    ("为啥我借呗的分期时间不能一年了", "loan_term"),  # the terms offered, not a menu
    ("微粒贷的钱为什么到不了账", "disbursement"),  # the money not arriving, not a menu
    ("我只想关WE2000", "freeze_close"),  # 关 and the name, not understood before
    ("WE2000最晚还款要多久", "repay_date"),  # the latest repayment, not the overdue penalty
    ("WE2000我目前该还多少", "account_issue"),  # what one owes now: one's account, not the early-repayment fee
    ("WE2000有没有押金", "other_fees"),  # a deposit is a fee (押金 is among the words other fees require)
    ("WE2000会不会提醒还款", "account_issue"),  # 提醒 holds 提, but raising the limit requires 提额, 提高, 提下 …
    ("微粒贷会发还款信息提醒吗", "account_issue"),
    ("网贷转借呗怎么弄", "mybank_switch"),  # 网贷 typed for 网商贷 with a word of changing (it got a menu)
    ("借呗刚还进去能马上再拿出来吗", "borrow_again"),  # again in other words: 续, 出来, 还原 are required
    ("借呗能续借吗", "borrow_again"),
    ("借呗还款以后额度能还原吗", "borrow_again"),
    ("花呗跟借呗的还款日一样吗", "repay_date"),  # a topic compared with an uncovered product keeps the topic
    ("我的借呗怎么被管掉了", "freeze_close"),  # 管 typed for 关, was a bank-card question
])
def test_frequent_uncovered_topics_are_named(engine: Engine, question: str, topic: str) -> None:
    reply = engine.reply(f"uc:{question}", question)
    assert (reply.kind, reply.intent) == ("uncovered", topic), reply.text
    title = engine.understanding.intents[topic].title
    assert title in reply.text and UNCOVERED_PHRASE in reply.text
    channel = engine.kb.product(reply.products[0]).channel
    assert channel and channel in reply.text


def test_uncovered_topic_follow_up_keeps_the_topic(engine: Engine) -> None:
    engine.reply("rq6", "借呗冻结了还能解冻吗")
    reply = engine.reply("rq6", "那微粒贷呢")
    assert (reply.kind, reply.intent, reply.products) == ("uncovered", "freeze_close", ("weilidai",))
    assert "微信" in reply.text


def test_related_button_answers_from_the_documents(engine: Engine) -> None:
    offered = engine.reply("rq7", "微粒贷额度怎么被降了")
    assert offered.intent == "limit_lost"
    button = next(s for s in offered.suggestions if s.intent == "raise_limit")
    reply = engine.choose("rq7", button.intent, button.product)
    assert reply.kind == "answer" and "资金留存时长" in reply.text and reply.sources


def test_other_product_with_a_platform_word_is_declined_naming_it(engine: Engine) -> None:
    reply = engine.reply("rq8", "花呗要多少芝麻分才能开")
    assert reply.kind == "not_understood" and "花呗" in reply.text and "600" not in reply.text


def test_other_product_in_a_comparison_is_named_not_dropped(engine: Engine) -> None:
    """With nothing to compare (网商贷 is not in the documents), the reply says so and gives what they say about
    the one product asked, not a table of all our products."""
    reply = engine.reply("rq9", "借呗和网商贷哪个利息低")
    first = reply.text.splitlines()[0]
    assert reply.intent == "compare" and first.count("网商贷") == 1
    assert "没有网商贷的信息" in first and "没法拿它和借呗比较" in first
    assert "日利率0.015%–0.06%" in reply.text and "微粒贷" not in reply.text and "WE2000" not in reply.text
    swapped = engine.reply("rq9c", "网贷商跟借呗比哪个利息低")  # 网商贷 typed with two characters swapped
    assert "没法拿它和借呗比较" in swapped.text.splitlines()[0] and "WE2000" not in swapped.text
    both = engine.reply("rq9b", "借呗、微粒贷和网商贷哪个利息低")
    assert "没法拿它来比较" in both.text.splitlines()[0] and "微粒贷" in both.text


def test_should_i_borrow_this_or_an_outside_product_keeps_the_neutral_comparison(engine: Engine) -> None:
    reply = engine.reply("rq9c", "借呗跟花呗我到底该借哪个")
    assert "我不能替你做决定" in reply.text and "没有花呗的信息" in reply.text.splitlines()[0]


def test_product_name_without_its_last_character_and_masked_amounts(engine: Engine) -> None:
    assert engine.reply("rq10", "微粒怎么开通").products == ("weilidai",)
    reply = engine.reply("rq11", "借呗借***元用30天利息多少")
    assert reply.kind == "answer" and reply.intent == "interest_cost"
    assert "没有说金额" in reply.text


def test_courtesy_does_not_turn_a_question_into_small_talk(engine: Engine) -> None:
    reply = engine.reply("rq12", "麻烦帮我把微粒贷关掉，谢谢")
    assert (reply.kind, reply.intent) == ("uncovered", "freeze_close")
    assert engine.reply("rq13", "谢谢").intent == "thanks"


@pytest.mark.parametrize("text", ["今天天气怎么样", "周末去哪玩比较好", "帮我订一张机票"])
def test_off_topic_in_a_conversation_gets_no_unrelated_menu(engine: Engine, text: str) -> None:
    engine.reply("rq14", "借呗还款日是几号")
    reply = engine.reply("rq14", text)
    assert reply.kind == "not_understood" and reply.suggestions == ()


def test_suggestions_share_a_word_with_the_question(engine: Engine) -> None:
    for question in ["借呗那个东西到底咋回事啊", "微粒贷我这边情况有点复杂", "借呗的问题想咨询"]:
        reply = engine.reply(f"sg:{question}", question)
        for suggestion in reply.suggestions:
            parse = engine.understanding.parse(question)
            assert engine.understanding.relevant(parse, suggestion.intent), (question, suggestion)


def test_zai_typed_for_again_after_can_is_read_as_again(engine: Engine) -> None:
    """"还钱以后能在借吗" is 再借 mistyped: borrowing again; "能在借呗里借吗" says where, and keeps its 在."""
    reply = engine.reply("zai1", "借呗还钱以后能在借吗")  # was the product's future plans (以后)
    assert (reply.kind, reply.intent) == ("uncovered", "borrow_again")
    assert "在借呗" in engine.understanding.parse("现在能在借呗里借钱吗").folded
    assert "可以在借款后" in engine.understanding.parse("WE2000可以在借款后一周内还清吗").folded  # when: 在 stays
    assert "能在开户行" in engine.understanding.parse("WE2000能在开户行还吗").folded  # where: 在 stays
    assert engine.reply("zai2", "WE2000分期以后还能在分期吗").intent == "loan_term"  # 再分期: was a menu


def test_a_short_question_of_common_words_gets_the_topics_it_is_close_to(engine: Engine) -> None:
    """"WE2000能借几天嘛" shares no content word with any intent (几天 is a number's placeholder), but the loan
    term scores high: a menu that has it, not "not understood"."""
    reply = engine.reply("sg:term", "WE2000能借几天嘛")
    assert reply.kind == "suggest" and "loan_term" in [s.intent for s in reply.suggestions]


def test_explain_names_the_decision_and_its_reason(engine: Engine) -> None:
    text = engine.explain("ex1", "借呗冻结了还能解冻吗")
    assert "freeze_close" in text.split("candidates")[1].splitlines()[1]  # the top candidate
    assert "decision:   uncovered freeze_close (score 100.0) — answer: top" in text and "kind=uncovered" in text
    off = engine.explain("ex2", "周末去哪玩比较好")
    assert "decision:   decline" in off and "off topic" in off


def test_why_no_jiebei_lists_its_entry_conditions(engine: Engine) -> None:
    reply = engine.reply("rq15", "为什么我没有借呗")
    assert reply.intent == "how_to_apply" and reply.products == ("jiebei",)
    full = reply.detail or reply.text
    for condition in ("600", "12个月", "2笔", "1万"):
        assert condition in full, condition


@pytest.mark.parametrize("question", ["芝麻分怎么提高", "芝麻分要怎样才能高一些", "我的芝麻分如何才能变高"])
def test_how_to_raise_zhima_score_gives_zhima_factors_not_each_loan(engine: Engine, question: str) -> None:
    # "…才能高一些" got each loan's score threshold, "…才能变高" how to raise a loan's limit
    reply = engine.reply(f"rq16:{question}", question)
    assert reply.intent == "credit_evaluation" and reply.products == ()
    assert reply.text.startswith("【芝麻信用】") and "【微粒贷】" not in reply.text and "消费行为" in reply.text


@pytest.mark.parametrize("question", [
    "芝麻分快八百了还是开不了借呗为啥",
    "借呗一直开不出来是不是我哪里不够格",
    "微粒贷那个图标我怎么看不见",  # 图标: the entry
    "微粒贷为啥还没开放",  # not yet open to me: the entry, not how long a review takes
    "咋样我才可以有WE2000",  # was not understood
    "如何得到WE2000",  # getting it: how to open it, not its maximum
    "微粒贷怎么样能得到",
    "请问WE2000怎么办理",  # 办理 is opening it, not a fee for it
    "我想办理借呗",  # was closing it
    "怎样才可以用WE2000呀",  # was the limit gone
])
def test_why_cannot_i_open_it_is_a_how_to_apply_question(engine: Engine, question: str) -> None:
    """A 芝麻分 mentioned as context in "why don't I have it" is not a question about the threshold."""
    reply = engine.reply(f"apply:{question}", question)
    assert (reply.kind, reply.intent) == ("answer", "how_to_apply"), reply.text


@pytest.mark.parametrize("question", ["借呗分期了以后能不能一次性还完", "借呗分期后一次性还可以吗"])
def test_paying_off_an_instalment_plan_at_once_is_early_repayment(engine: Engine, question: str) -> None:
    """Clearing an instalment plan in one go is repaying early: its fee, not a menu or the date of repayment."""
    reply = engine.reply(f"payoff:{question}", question)
    assert (reply.kind, reply.intent) == ("answer", "prepayment"), reply.text
    assert "提前还款" in reply.text


@pytest.mark.parametrize("question", ["WE2000有地域限制？", "借呗中途能不能停掉", "借呗能一次性全取出来吗"])
def test_a_question_without_a_word_of_repaying_is_not_early_repayment(engine: Engine, question: str) -> None:
    """Early repayment ``requires`` a word of paying back, settling or its cost: a region, stopping halfway or
    taking all the money out only looked like its examples ("…可以随时还吗") and got its fee."""
    reply = engine.reply(f"noprepay:{question}", question)
    assert reply.intent != "prepayment" and "提前还款" not in reply.text.splitlines()[0], reply.text


@pytest.mark.parametrize("question", ["借呗是不是统一时间还的", "微粒贷最近怎么这么麻烦"])
def test_a_question_without_a_word_of_cost_gets_no_rates(engine: Engine, question: str) -> None:
    """The rates ``require`` a word of interest, cost or price: these only looked like its examples ("…都一样吗")."""
    reply = engine.reply(f"norates:{question}", question)
    assert reply.intent != "rates" and "日利率" not in reply.text.splitlines()[0], reply.text


@pytest.mark.parametrize("question, intent", [
    ("借呗和花呗是不是都一样", "compare"),  # ours against an uncovered product in comparison words alone
    ("借呗和来分期哪个更安全", "compare"),
    ("用微粒贷要多少岁", "eligibility"),  # how old one must be
    ("微粒贷可以借3k吗", "max_amount"),  # a sum stands for a word of limit (the maximum requires one)
    ("借呗能贷8k吗", "max_amount"),
    ("WE2000的信用最低多少", "zhima_requirement"),  # the least credit asked is the score threshold
])
def test_real_wordings_are_answered_with_their_topic(engine: Engine, question: str, intent: str) -> None:
    reply = engine.reply(f"answered:{question}", question)
    assert (reply.kind, reply.intent) == ("answer", intent), reply.text


@pytest.mark.parametrize("question", ["没有WE2000可以贷款吗", "借呗咋样能贷款"])
def test_borrowing_without_a_word_of_limit_gets_no_maximum(engine: Engine, question: str) -> None:
    """The maximum ``requires`` a word of limit or sum ("…可以贷款吗" without one got "最高额度…")."""
    reply = engine.reply(f"nomax:{question}", question)
    assert reply.intent != "max_amount" and "最高" not in reply.text.splitlines()[0], reply.text


@pytest.mark.parametrize("question", ["微粒贷还款查询", "借呗有没有还款提醒的服务"])
def test_a_question_without_a_word_of_money_is_not_about_fees(engine: Engine, question: str) -> None:
    """Other fees ``require`` a word of money or charging (a deposit, 押金, counts): looking up one's repayments
    got "手续费、服务费等其他费用" through 服务 and 办理."""
    reply = engine.reply(f"nofee:{question}", question)
    assert reply.intent != "other_fees" and "费用" not in reply.text.splitlines()[0], reply.text


def test_borrowing_from_how_much_is_the_least_amount(engine: Engine) -> None:
    """"可以借几起": the least amount, which the documents do not give, and their lowest tier (not the terms)."""
    reply = engine.reply("least", "微粒贷可以借几起")
    assert (reply.kind, reply.intent) == ("answer", "max_amount"), reply.text
    assert "最低" in reply.text.splitlines()[0]


def test_when_interest_comes_down_offers_the_rates(engine: Engine) -> None:
    """Not "the documents don't cover a limit that went down": the rates are one tap away."""
    reply = engine.reply("rate-down", "微粒贷的利息什么时候可以降低")
    assert reply.kind == "suggest" and "rates" in {s.intent for s in reply.suggestions}, reply.text


@pytest.mark.parametrize("question, wrong", [("可以申请WE2000", "raise_limit"), ("借呗周末可以借吗", "borrow_again"),
                                             ("借呗是自家出的吗", "business_stats")])
def test_a_question_without_the_words_a_topic_requires_is_not_that_topic(engine: Engine, question: str,
                                                                         wrong: str) -> None:
    """Raising the limit ``requires`` a word of limit or its change, borrowing again a word of again, after or
    how often, the operating figures a word of users, money, cost or rate: applying for a product, borrowing at
    the weekend and who runs it only resembled their examples."""
    reply = engine.reply(f"requires:{question}", question)
    assert reply.intent != wrong, reply.text


@pytest.mark.parametrize("question", ["微粒贷每个月可以不还吗", "借呗能不分期还么", "微粒贷可以不用分期还款吗",
                                      "微粒贷能不能不用月月还"])
def test_skipping_monthly_payments_is_not_an_instalment_example(engine: Engine, question: str) -> None:
    """Not paying monthly or not in instalments asks how the loan is repaid, not for an instalment plan."""
    reply = engine.reply(f"skip:{question}", question)
    assert reply.intent != "installment" and "等额本息" not in reply.text, reply.text


def test_what_to_do_after_one_late_payment_is_the_penalty(engine: Engine) -> None:
    """"逾期一次" is being late: the penalty (it got a menu of unrelated topics)."""
    reply = engine.reply("late-once", "微粒贷逾期一次该咋办")
    assert (reply.kind, reply.intent) == ("answer", "overdue_penalty"), reply.text
    assert "罚息" in reply.text


@pytest.mark.parametrize("question, kind", [("微粒贷能先还利息后还本吗", "answer"),
                                            ("借呗能不能先付利息最后再还本金", "uncovered"),
                                            ("WE2000可以先还息再还本金吗", "uncovered")])
def test_interest_first_principal_later_is_a_way_of_repaying(engine: Engine, question: str, kind: str) -> None:
    """先息后本 asked in other words is how the loan is repaid (the documents list 微粒贷's ways only), not an
    equal-instalment plan for 1万 and not repaying a part."""
    reply = engine.reply(f"interest-first:{question}", question)
    assert (reply.kind, reply.intent) == (kind, "repayment_methods"), reply.text
    assert "等额本息" not in reply.text


def test_not_paying_every_month_is_a_question_of_how_it_is_repaid(engine: Engine) -> None:
    """Whether one may skip monthly payments asks how the loan is repaid (the documents list 微粒贷's ways),
    not for an example instalment plan."""
    reply = engine.reply("monthly", "微粒贷可以不用每个月都还吗")
    assert (reply.kind, reply.intent) == ("answer", "repayment_methods"), reply.text
    assert "期" not in reply.text.splitlines()[0]


def test_comparison_with_mybank_stays_a_comparison_but_switching_is_named(engine: Engine) -> None:
    assert engine.reply("mb1", "网商贷和借呗相比哪个额度高").intent == "compare"
    reply = engine.reply("mb2", "我已经被转到网商贷了还有办法切回借呗吗")
    assert (reply.kind, reply.intent) == ("uncovered", "mybank_switch") and "网商贷" in reply.text


@pytest.mark.parametrize("question", ["有了网商贷以后还可以再开借呗吗", "借呗给换成网商贷了", "不要网商贷只要借呗"])
def test_jiebei_beside_mybank_is_the_switch_named_once(engine: Engine, question: str) -> None:
    reply = engine.reply(f"mb:{question}", question)  # was a menu, "not understood" or how to open 借呗
    assert (reply.kind, reply.intent) == ("uncovered", "mybank_switch"), reply.text
    first = reply.text.splitlines()[0]  # the topic names both: no "借呗的借呗…", no note on 网商贷 before it
    assert first == "两份资料里没有讲借呗和网商贷之间的切换，这个问题我没法回答。"


def test_holding_jiebei_beside_another_product_than_mybank_is_not_the_switch(engine: Engine) -> None:
    reply = engine.reply("mbx", "花呗跟借呗能同时拥有吗")  # 同时拥有 is a switch cue only with 网商贷 or a change
    assert reply.intent != "mybank_switch" and "网商贷" not in reply.text


@pytest.mark.parametrize("question", ["借呗跟网商贷是不是一回事", "网商贷和借呗哪个好一点", "借呗和网商贷差别大吗"])
def test_jiebei_against_mybank_in_comparison_words_is_compared(engine: Engine, question: str) -> None:
    reply = engine.reply(f"mbc:{question}", question)
    assert reply.intent == "compare", reply.text
    assert reply.text.startswith("（两份资料里没有网商贷的信息，没法拿它")  # then what the documents have


@pytest.mark.parametrize("question", ["不小心把借呗的授权关了怎么办", "微粒贷授权是什么意思",
                                      "借呗芝麻授权取消以后还能再授权吗"])
def test_authorization_is_named_as_not_covered(engine: Engine, question: str) -> None:
    reply = engine.reply(f"auth:{question}", question)  # was a menu, an account question or opening it
    assert (reply.kind, reply.intent) == ("uncovered", "authorization"), reply.text
    assert "授权和取消授权" in reply.text.splitlines()[0]


def test_the_face_check_of_the_application_is_still_answered(engine: Engine) -> None:
    reply = engine.reply("auth-face", "微粒贷申请是不是只要人脸授权")  # the documents describe this step
    assert (reply.kind, reply.intent) == ("answer", "how_to_apply")


@pytest.mark.parametrize("question, condition", [("借呗有没有年龄要求", "年龄"), ("开借呗一定要有公积金吗", "公积金"),
                                                  ("微粒贷年龄受限吗", "年龄"), ("年龄不够能开通借呗吗", "年龄"),
                                                  ("大学生可以开微粒贷吗", "学生身份")])
def test_a_condition_the_documents_do_not_list_is_said_before_the_thresholds(engine: Engine, question: str,
                                                                            condition: str) -> None:
    reply = engine.reply(f"cond:{question}", question)  # was a menu, a fee or an unrelated uncovered topic
    assert (reply.kind, reply.intent) == ("answer", "eligibility"), reply.text
    assert reply.text.splitlines()[0] == f"（资料没有写{condition}方面的要求；下面是资料列出的门槛。）"
    assert "实名认证" in reply.text  # the thresholds the documents do give
    assert not engine.reply("cond-all", "微粒贷申请条件是什么").text.startswith("（资料没有写")


def test_whether_interest_compounds_is_said_to_be_unstated_before_the_rates(engine: Engine) -> None:
    reply = engine.reply("compound", "借呗利息是利滚利吗")
    assert reply.intent == "rates" and reply.text.startswith("（资料没有写是否按复利计算")
    assert "0.015%–0.06%" in reply.text and not engine.reply("simple", "借呗日利率多少").text.startswith("（")


def test_a_housing_fund_loan_is_not_answered_with_our_limits(engine: Engine) -> None:
    reply = engine.reply("gjj", "住房公积金贷款最多能贷多少")
    assert reply.kind != "answer" and "公积金贷款" in reply.text and "20万" not in reply.text


@pytest.mark.parametrize("question", ["除了WE2000还有什么别的借钱软件", "除了微粒贷和借呗还有哪里能贷款"])
def test_other_ways_to_borrow_are_not_covered_and_not_recommended(engine: Engine, question: str) -> None:
    reply = engine.reply(f"alt:{question}", question)  # was other fees, the entry conditions or a menu
    assert reply.kind == "not_understood" and reply.text.startswith("抱歉，两份资料里没有其他借钱渠道的信息")


@pytest.mark.parametrize("question", ["1没有微粒贷", "2为什没有WE2000", "3.何时会有微粒贷"])
def test_a_list_number_before_a_question_is_not_part_of_it(engine: Engine, question: str) -> None:
    reply = engine.reply(f"list:{question}", question)  # pasted from a numbered list; 为什 is 为什么 mistyped
    assert (reply.kind, reply.intent) == ("answer", "how_to_apply"), reply.text
    assert reply.text.startswith(("【微粒贷】", "【WE2000】"))


def test_a_leading_number_with_a_unit_is_still_a_number(engine: Engine) -> None:
    reply = engine.reply("list-amount", "2万借30天利息多少")
    assert reply.intent == "interest_cost" and "借2万元用30天" in reply.text


def test_a_button_for_a_topic_that_names_the_product_does_not_name_it_twice(engine: Engine) -> None:
    assert engine.responder.suggestion("mybank_switch", "jiebei").label == "借呗和网商贷之间的切换"
    assert engine.responder.suggestion("repay_date", "jiebei").label == "借呗的还款日和还款时间"


@pytest.mark.parametrize("question, intent", [
    ("借呗早早全部结清了结果额度反而没有了", "limit_lost"),  # 结清 does not make it a prepayment question
    ("借呗分成6期以后每期是几号扣钱", "repay_date"),  # 期 does not make it an instalment calculation
    ("借呗的钱我想拿去还信用卡", "loan_use"),  # repaying something else with the loan, not repaying the loan
    ("微粒贷申请后显示审批未通过是啥原因", "how_to_apply"),  # why not approved, not how long approval takes
    ("微粒贷能主动还款吗", "repayment_methods"),  # 主动 (by oneself) does not make it an application question
    ("有什么办法可以自己开通借呗", "how_to_apply"),  # 自己 … 开通 is opening it, not raising the limit
    ("借呗逾期了还上以后怎么才能接着借", "borrow_again"),  # 逾期 does not make it a penalty question
    ("借呗到底怎么用啊", "how_to_apply"),  # how to use it at all, not how it evaluates credit
    ("我微信里怎么一直没有微粒贷", "how_to_apply"),  # 微信 named: still the entry question, not the platform
    ("怎样才能成为微粒贷的用户", "how_to_apply"),  # becoming a customer is getting it opened
    ("借呗忘还了一天", "overdue_penalty"),  # 忘还 is paying late
    ("微粒贷提前还清了还能接着借吗", "borrow_again"),  # 提前还清 does not make it a prepayment question
    ("微粒贷能提前还部分款吗", "partial_repay"),  # early, but only part of it: not covered
    ("微粒贷额度老是不够用咋办", "raise_limit"),  # a limit too small wants raising, not opening
    ("借呗额度不够用", "raise_limit"),  # not the 芝麻分 the product asks for
    ("借呗的利息和别人的怎么不一样", "rates"),  # one's rate against other people's, not against another loan
    ("怎样能让借呗的利息更低", "rates"),  # lower than now, not lower than another loan: no comparison
    ("微粒贷要怎么获取", "how_to_apply"),  # getting it, not the cost of acquiring a customer (获客成本)
    ("怎样才能获取借呗", "how_to_apply"),
    ("开WE2000需要信用卡吗", "eligibility"),  # whether a credit card is a condition, not binding a bank card
    ("借呗是不是要信用卡才能开", "eligibility"),  # … nor repaying with one
    ("微粒贷借了一直不还后果严重吗", "overdue_penalty"),  # never repaying: the penalty, not closing the account
    ("为什么我的借呗无法分期", "repayment_methods"),  # repaying in instalments, not a vanished limit
    ("借呗这个月账单无法分期吗", "repayment_methods"),  # … nor an account question
    ("借呗用多了影响银行那边的贷款吗", "credit_record"),  # other loans and 征信, not who the bank partners are
    ("借呗晚还一天影响信誉吗", "overdue_penalty"),  # late: the penalty first (the record is named as not covered)
    ("借呗每个月多少号要还钱", "repay_date"),  # 多少号 asks 几号: the date, not the monthly instalment
    ("借呗以前的借款记录能不能删掉", "account_issue"),  # deleting records, not closing the product
    ("借呗都还清了怎么还显示有欠款", "account_issue"),  # the account's display, not the late-payment penalty
    ("微粒贷除了利息还有别的费用吗", "other_fees"),  # 除了…还有 asking for fees, not for other lenders
    ("WE2000第一次能申请多少额度", "max_amount"),  # how much to ask for: the limit, not raising it
    ("借呗可以叫老公帮还吗", "repayment_methods"),  # someone else repaying, not closing the account
    ("为啥我借呗一直借不起", "limit_lost"),  # cannot borrow, not cannot repay (no penalty figures)
    ("借呗最低几个月呀", "loan_term"),  # the shortest term, not the lowest rate
    ("微粒贷啥时候还款", "repay_date"),  # 啥时候 asks 什么时候: when, not how to open it
    ("借呗的额度啥时候恢复", "limit_lost"),
    ("WE2000几时还款", "repay_date"),  # 几时 asks 什么时候 too
    ("我的微粒贷现在欠了多少钱", "account_issue"),  # one's own balance, not the late-payment penalty
    ("我要开通借呗", "how_to_apply"),  # wanting it opened, not closing it
    ("我要WE2000", "how_to_apply"),
    ("我要关掉借呗", "freeze_close"),  # … while closing it stays closing it
    ("为啥微粒贷又没了", "limit_lost"),  # gone again: was not understood
    ("借呗为什么会封号", "freeze_close"),  # closed by them: was not understood
    ("微粒贷额度多久可以恢复", "limit_lost"),  # was a menu
    ("微粒贷超时还款怎么算", "overdue_penalty"),  # paying late, not the instalment plan
    ("借呗开通的时候说有安全隐患", "account_issue"),  # an account warning, not how to open it
    ("微粒贷有没有宽限期", "repay_date"),  # was not understood
    ("WE2000怎么自主还款", "repayment_methods"),
    ("微粒贷可以短期借吗", "loan_term"),  # a short term: was not understood
    ("借呗能不能按日借", "loan_term"),  # … or the rates
    ("借呗怎么变成网上贷了", "mybank_switch"),  # 网上贷 is 网商贷 misheard
    ("微粒贷借款怎么还没出款", "disbursement"),
    ("WE2000可以卸载吗", "freeze_close"),
    ("借呗还款超过限额了怎么办", "repayment_methods"),  # a repayment limit, not withdrawing
    ("WE2000还款限额是多少", "repayment_methods"),
    ("微粒贷提额怎么弄", "raise_limit"),  # guards: 额怎 must not read as a repayment limit
    ("用余额宝还借呗有限额吗", "repayment_methods"),  # repaying from 余额宝, not withdrawing to a card
    ("WE2000额度升得太慢了", "raise_limit"),
    ("微粒贷算复利吗", "rates"),  # how interest accrues: the rate and its formula (was not understood)
    ("WE2000需要申请吗", "how_to_apply"),  # applying for it, not applying to repay early
    ("微粒贷借的钱去还网商贷可以吗", "loan_use"),  # what the money is used for, not the switch to 网商贷
    ("微粒贷刚开通会有多少额度", "max_amount"),  # the limit, not the entry conditions
    ("如何申请主动提升微粒贷金额", "raise_limit"),  # raising it, not opening it
    ("最近没有微粒贷了是怎么回事", "limit_lost"),  # it vanished: not how to get it (没有微粒贷 alone is the entry)
    ("上周还能用，这周借呗就没了", "limit_lost"),  # was an application answer
    ("我的借呗咋就是不提额", "raise_limit"),  # was the application answer
    ("我的芝麻信用分怎么降了这么多", "credit_record"),  # why one's score fell: not the score a loan asks for
    ("为啥我信用分下降了这么多", "credit_record"),  # … nor a vanished limit
    ("微粒贷提前还清会不会被关掉", "freeze_close"),  # whether it gets closed: not the prepayment fee
    ("借呗老是不用会不会自动关闭", "freeze_close"),  # was a menu
    ("WE2000会不会自动取消", "freeze_close"),  # 自动 is not automatic repayment here
    ("为什么大家的借呗利息都不一样", "rates"),  # rates differ between people: one product, nothing to compare
    ("为啥微粒贷评估不通过", "how_to_apply"),  # not approved: the application, not a vanished limit
    ("借呗明明还了却提示有逾期", "account_issue"),  # the account's display, not a vanished limit
    ("借呗会不会影响住房公积金贷款", "credit_record"),  # one's other loans, not the conditions to open it
    ("卡里明明有钱，借呗为啥还不了", "account_issue"),  # a repayment that fails: not a vanished limit
    ("我的WE2000为什么还不了款", "account_issue"),
    ("微粒贷怎么还不了钱呢", "account_issue"),  # … nor the loan's payout
    ("借呗为啥开通失败了", "how_to_apply"),  # opening it failed: not a failed deduction
    ("微粒贷申请不成功是怎么回事", "how_to_apply"),  # was a menu
    ("我想使用WE2000", "how_to_apply"),  # wanting to use it, not closing it
    ("哪里有微粒贷呀", "how_to_apply"),  # where the entry is
    ("我不想使用借呗了", "freeze_close"),  # … while not wanting it stays closing it
    ("微粒贷到现在累计放款有多少", "business_stats"),  # the lender's total lending, not one loan's payout
    ("WE2000的额度怎么变小了", "limit_lost"),  # a lowered limit, not how limits are raised
    ("WE2000卡在下一步点不动", "account_issue"),  # a stuck screen, not the payout
    ("人在国外还能还借呗吗", "repayment_methods"),  # repaying from abroad, not expanding abroad (future_plans)
    ("微粒贷的还款计划可以换吗", "repayment_methods"),  # a repayment plan is no business plan
    ("借呗可以让家人代为还款吗", "repayment_methods"),  # someone else repaying, not the bank card
    ("WE2000逾期60天以上的比例有多少", "risk_statistics"),  # a share of borrowers, not one's own penalty
    ("WE2000注销以后会怎么样", "freeze_close"),  # after closing it, not the product's future (以后会)
    ("微粒贷可以用微信还款吗", "repayment_methods"),  # repaying through WeChat, not WeChat's cooperation
    ("借呗换了号码以后还能用吗", "account_issue"),  # a new phone number: the account, not the bank card
    ("WE2000可以体现吗", "withdraw"),  # 体现 is 提现 mistyped: was not understood
    ("我微信是最新版本怎么没有WE2000", "how_to_apply"),  # the app version and the entry, not the cooperation
    ("从哪找WE2000", "how_to_apply"),  # was not understood
    ("借呗利息如何降下来", "rates"),  # lowering one's rate: the rates and what they depend on, not a lost limit
    ("怎么设置WE2000还钱方式", "repayment_methods"),  # 还钱方式 is 还款方式: was a menu
    ("WE2000我可以申请吗", "how_to_apply"),  # applying, with no score named: not the 芝麻分 requirement
    ("借呗得多少信誉才能开", "zhima_requirement"),  # guards: 信誉 is the score, so it stays the requirement
    ("WE2000提交以后多久能通过", "approval_time"),  # a cue (intents/README: cues): was closing it
    ("芝麻分怎么降低了这么多", "credit_record"),  # a falling score: was a menu
    ("我的芝麻分突然降了是为什么", "credit_record"),  # … or a vanished limit
    ("WE2000额度由好几万变成几百了", "limit_lost"),  # a lowered limit: was how limits are raised
    ("WE2000提前还最低款可以吗", "partial_repay"),  # the least repayment, not the prepayment fee
    ("借呗的利息可以降低些吗", "rates"),  # was a menu
    ("我芝麻信用不涨分是什么原因", "credit_evaluation"),  # the score, not the loan limit
    ("微粒贷最近有什么活动吗", "promotions"),  # was not understood
    ("微粒贷跟我的银行卡有什么关系", "bank_card"),  # the card: not the WeChat–芝麻信用 cooperation
    ("我的微信上没有WE2000呢", "how_to_apply"),  # the entry: was the payout
    ("借呗提额还要输入密码吗", "account_issue"),  # a password prompt: the account, not how limits rise
    ("WE2000额度一直不张", "raise_limit"),  # 不张 is 不涨 mistyped: was a menu
    ("芝麻分要如何才能提高", "credit_evaluation"),  # raising the score, not a loan's limit
    ("微粒贷借了一上午还没下款", "disbursement"),  # 下款 is the payout: was borrowing again
    ("WE2000在哪儿", "how_to_apply"),  # 哪儿 reads as 哪 (在哪, as the examples write it): was not understood
    ("WE2000怎么更改借款日期", "repay_date"),  # 更改 reads as 修改, a word the intents know: was a menu
    ("欠你们WE2000多少钱来着", "account_issue"),  # what one owes: the account, not the overdue penalty
    ("借呗显示可借***元 不用也要利息吗", "rates"),  # interest on what is not borrowed: the rates, not the maximum
    ("借呗能花呗还吗", "repayment_methods"),  # repaying with 花呗: how it is repaid, not the application conditions
])
def test_a_cue_word_does_not_override_what_is_asked(engine: Engine, question: str, intent: str) -> None:
    reply = engine.reply(f"cue:{question}", question)
    assert reply.intent == intent, reply.text


def test_a_frequent_typo_of_the_product_name_leaves_no_stray_character(engine: Engine) -> None:
    parse = engine.understanding.parse("我手机上的微粒货要去哪里开")
    assert parse.entities.products == ("weilidai",) and "货" not in parse.residue


def test_a_cue_word_is_found_across_a_product_name(engine: Engine) -> None:
    """"我借呗的额度是多少" carries the cue 我的额度…: an account-specific question, not the documents' maximum."""
    reply = engine.reply("cue1", "我借呗的额度是多少")
    assert reply.kind == "uncovered" and reply.products == ("jiebei",)


def test_a_connector_inside_a_question_does_not_split_it(engine: Engine) -> None:
    reply = engine.reply("cl1", "开微粒贷需要另外下载什么app吗")
    assert reply.intent == "how_to_apply" and reply.also == ()
    both = engine.reply("cl2", "微粒贷最高能借多少还有利息多少")
    assert both.intent == "max_amount" and both.also == ("rates",)


def test_haobuhao_after_the_name_jiebei_is_no_request_for_advice(engine: Engine) -> None:
    """"借…好不好" asks whether borrowing is a good idea, but the 借 of 借呗 is the product's name: "借呗晚还一天好不好
    影响芝麻分" asks about a late repayment, and got the neutral comparison of our loans."""
    reply = engine.reply("hbh1", "借呗晚还一天好不好影响芝麻分")
    assert reply.intent != "compare" and not reply.text.startswith("我不能替你做决定")


def test_asked_to_recommend_the_cheapest_it_compares_and_recommends_none(engine: Engine) -> None:
    """"推荐一个利息最低的给我" names no product and no comparison word: the neutral comparison of our loans with
    "I can't decide for you", not a menu (it was one: 个人账户和操作问题 among the options)."""
    reply = engine.reply("rec1", "推荐一个利息最低的给我")
    assert reply.kind == "answer" and reply.intent == "compare" and reply.text.startswith("我不能替你做决定")
    assert all(name in reply.text for name in ("微粒贷", "借呗", "WE2000"))


@pytest.mark.parametrize("question", ["哪个产品利息最低啊", "哪家利息最低"])
def test_which_of_our_loans_costs_least_is_compared_without_a_name(engine: Engine, question: str) -> None:
    """No product named, and 产品/哪家 unknown to the intents, but what is compared is a loan's cost: our loans."""
    reply = engine.reply(f"cmp:{question}", question)
    assert reply.kind == "answer" and reply.intent == "compare"
    assert all(name in reply.text.split("\n")[0] for name in ("微粒贷", "借呗", "WE2000"))


@pytest.mark.parametrize("question", ["借条和欠条有什么区别", "推荐个好用的手机"])
def test_a_comparison_of_things_that_are_not_loans_is_declined(engine: Engine, question: str) -> None:
    assert engine.reply(question, question).kind == "not_understood"


def test_wechat_named_alone_does_not_lower_the_bars(engine: Engine) -> None:
    """微信 is named in every other message; by itself it does not make a question one about loans, so the
    ordinary bars apply (answer 45), not the lower ones for a product or credit platform (36)."""
    generic = engine.policy.decide(engine.understanding.parse("微信给的分有用吗"), Context())
    assert generic.kind != "answer" and 36 <= generic.score < 45 and "bars: answer 45" in generic.reason
    credit = engine.policy.decide(engine.understanding.parse("芝麻信用给的分有用吗"), Context())
    assert credit.kind == "answer"


def test_red_packets_as_credit_data_are_not_a_promotion(engine: Engine) -> None:
    """红包 alone is a promotion (免息券, 还款红包); WeChat red packets sent and received are credit data."""
    reply = engine.reply("rp1", "微信收发红包多会影响评估吗")
    assert (reply.kind, reply.intent) == ("answer", "credit_evaluation")


@pytest.mark.parametrize("question, intent, kind", [
    ("借呗突然没额度了，为什么", "limit_lost", "uncovered"),
    ("微粒贷逾期了两天，怎么办", "overdue_penalty", "answer"),
    ("行吗，微粒贷的还款日可以改到月底吗", "repay_date", "uncovered"),
    ("我打算把借呗关掉，具体怎么弄", "freeze_close", "uncovered"),
    ("微粒贷钱一直没到账，怎么回事", "disbursement", "uncovered"),
    ("借呗手机验证码老是收不到。是怎么回事", "account_issue", "uncovered"),
    ("为什么我的借呗，怎么就不能自动还款了", "auto_deduct", "uncovered"),
    ("借呗额度一下子没了，这是怎么回事", "limit_lost", "uncovered"),
])
def test_a_clause_of_question_words_alone_adds_no_second_answer(engine: Engine, question: str, intent: str,
                                                                kind: str) -> None:
    """"为什么", "怎么办", "怎么回事", "行吗" split off by a comma ask nothing of their own: no product introduction,
    freezing or how-to-apply answer is added to the real question."""
    reply = engine.reply(question, question)
    assert (reply.kind, reply.intent, reply.also) == (kind, intent, ())


@pytest.mark.parametrize("question", ["微粒贷是什么，要芝麻分吗", "WE2000是啥 要芝麻分吗",
                                      "微粒貸是什麼，要芝麻分嗎"])  # Traditional: 嗎 asks as 吗 does
def test_what_is_it_is_still_a_question_of_its_own(engine: Engine, question: str) -> None:
    reply = engine.reply(f"wi:{question}", question)
    assert (reply.intent, reply.also) == ("product_overview", ("zhima_requirement",))


@pytest.mark.parametrize("question", ["能不能吧", "怎么办", "为什么？"])
def test_question_words_alone_are_not_answered(engine: Engine, question: str) -> None:
    assert engine.reply(question, question).kind == "not_understood"


def test_a_declined_question_that_names_our_loan_is_answered_about_that_loan(engine: Engine) -> None:
    """"我只回答微粒贷、借呗、WE2000" reads as if 借呗 was not recognized: a question that names our loan but is not
    understood gets a decline about that loan, where its account questions go, and how to ask it."""
    reply = engine.reply("nu1", "借呗那玩意儿咋又变样了")
    assert reply.kind == "not_understood" and reply.products == ("jiebei",)
    first = reply.text.splitlines()[0]
    assert "借呗" in first and "没看懂" in first
    assert "支付宝" in reply.text and "“借呗" in reply.text and "我只回答" not in reply.text
    general = engine.reply("nu2", "今天晚饭吃什么好")
    assert general.kind == "not_understood" and "我只回答" in general.text and general.products == ()


@pytest.mark.parametrize("question, intent", [
    ("借呗欠的钱能拿余额宝来还不", "repayment_methods"),
    ("借呗申请交上去一般几天审完", "approval_time"),
])
def test_a_topic_the_documents_give_for_other_products_only_is_named_as_not_covered(engine: Engine, question: str,
                                                                                    intent: str) -> None:
    """The documents give 微粒贷's repayment methods and approval time, not 借呗's: for 借呗 that is a topic they
    don't cover, said plainly with the channel, not "资料里没有提到…" on its own."""
    reply = engine.reply(question, question)
    assert (reply.kind, reply.intent, reply.products) == ("uncovered", intent, ("jiebei",))
    assert UNCOVERED_PHRASE in reply.text.splitlines()[0] and "支付宝" in reply.text
    assert reply.suggestions and all("借呗" in s.label for s in reply.suggestions)
    other = engine.reply(f"{question}-wld", question.replace("借呗", "微粒贷"))
    assert (other.kind, other.intent) == ("answer", intent)
    assert f"the documents have no facts on {intent} for jiebei" in engine.explain(f"{question}-x", question)


@pytest.mark.parametrize("question, intent", [
    ("借呗的钱提前结清了，之后还能再借吗", "borrow_again"),
    ("借呗到了还款那天，余额宝的钱会自己扣走吗", "auto_deduct"),
])
def test_a_clause_that_sets_the_scene_is_not_a_second_question(engine: Engine, question: str, intent: str) -> None:
    """When the whole message is surely one question, a clause without a question word ("借呗的钱提前结清了") is its
    setting: no prepayment answer leads or follows."""
    reply = engine.reply(question, question)
    assert (reply.kind, reply.intent, reply.also) == ("uncovered", intent, ())


def test_a_statement_clause_is_the_setting_unless_it_surely_names_a_topic(engine: Engine) -> None:
    """A clause without a question word adds a question only when it scores ≥ 80 on its own (a bare topic such as
    "WE2000提前还款收费"): "余额宝里的钱不够" is the setting of "借呗会不会扣余额", not a question about repayment
    methods; "…用途有规定没" ends in 没 and asks."""
    reply = engine.reply("st1", "余额宝里的钱不够，借呗会不会扣余额")
    assert (reply.kind, reply.intent, reply.also) == ("uncovered", "auto_deduct", ())
    both = engine.reply("st2", "微粒贷要芝麻分吗，WE2000提前还款收费")
    assert (both.intent, both.also) == ("zhima_requirement", ("prepayment",))
    asked = engine.reply("st3", "借呗会上征信吗 借的钱用途有规定没")
    assert (asked.intent, asked.also) == ("credit_record", ("loan_use",))


@pytest.mark.parametrize("question, intent", [
    ("这两天借呗老是借不到钱", "limit_lost"),  # not a payout that has not arrived
    ("借呗下一次该还款是什么时候呀", "repay_date"),
])
def test_cannot_borrow_and_when_to_repay_are_named(engine: Engine, question: str, intent: str) -> None:
    reply = engine.reply(question, question)
    assert (reply.kind, reply.intent) == ("uncovered", intent)


@pytest.mark.parametrize("question", ["借呗跟花呗会不会有冲突", "用花呗会影响微粒贷吗？两者有关联吗",
                                      "微粒贷能跟花呗一起用吗"])
def test_how_our_loan_relates_to_a_product_the_documents_lack_is_not_answered(engine: Engine, question: str) -> None:
    """The documents know nothing of 花呗, so nothing of how it and our loan bear on each other: no answer about
    something else (was the 芝麻分 requirement, the raising factors or a menu), the loan's channel named."""
    reply = engine.reply(f"rel:{question}", question)
    assert reply.kind == "not_understood" and reply.intent is None and not reply.suggestions
    assert "没有花呗的信息" in reply.text and "官方客服" in reply.text


def test_switching_to_mybank_keeps_its_own_topic(engine: Engine) -> None:
    reply = engine.reply("rel3", "网商贷和借呗有冲突吗")
    assert reply.kind == "uncovered" and reply.intent == "mybank_switch"


@pytest.mark.parametrize("question", ["支付宝怎么发红包", "微信怎么收发红包"])
def test_how_to_send_red_packets_is_not_a_credit_question(engine: Engine, question: str) -> None:
    """Red packets are credit data in the documents, but how to send one is a question about the app."""
    reply = engine.reply(f"rp:{question}", question)
    assert reply.kind == "not_understood" and reply.intent is None


def test_red_packets_helping_a_loan_is_still_credit_evaluation(engine: Engine) -> None:
    reply = engine.reply("rp3", "经常收发红包对微粒贷有帮助吗")
    assert reply.kind == "answer" and reply.intent == "credit_evaluation"


def test_a_bank_named_beside_our_loan_is_not_answered_with_the_platform_cooperation(engine: Engine) -> None:
    """The WeChat–芝麻信用 cooperation requires a word such as 银行 that the bank's name holds; only an uncovered
    topic (the 借呗/网商贷 switch) is taken as the outside product's own. The relation is beyond the documents."""
    reply = engine.reply("rel4", "借呗和网商银行是什么关系")
    assert reply.kind == "not_understood" and "没有网商银行的信息" in reply.text


@pytest.mark.parametrize("question", ["借呗跟花呗的额度是共享的吗", "WE2000和花呗是一个系统吗", "微粒贷跟花呗能通用吗"])
def test_whether_our_loan_and_an_uncovered_product_share_anything_is_beyond_the_documents(engine: Engine,
                                                                                          question: str) -> None:
    """Shared, common or one system: how the two relate, which the documents cannot say (it got a menu, the
    repayment methods or "the limit is gone")."""
    reply = engine.reply(f"share:{question}", question)
    assert reply.kind == "not_understood" and "没有花呗的信息" in reply.text and "关系" in reply.text, reply.text


def test_the_qq_version_of_a_loan_is_its_own_uncovered_topic(engine: Engine) -> None:
    """"微信上有微粒贷，那QQ里有吗" asks about QQ, not how WeChat and 芝麻信用 cooperate; "QQ微粒贷跟微信是不是一样的"
    got the comparison table of all our loans before: qq_channel absorbs both."""
    reply = engine.reply("qq1", "微信上有微粒贷，那QQ里有吗")
    assert reply.kind == "uncovered" and reply.intent == "qq_channel" and reply.also == ()
    # the QQ version named as one word (cues: qq微粒贷, qq上的微粒贷 …) outweighs the topic asked about it
    assert engine.reply("qq2", "qq上的微粒贷可以提前还吗").intent == "qq_channel"
    # … and so is QQ set against WeChat when the name is mistyped (微粒代): cues qq跟微信, qq和微信
    assert engine.reply("qq3", "QQ微粒代跟微信有什么不同").intent == "qq_channel"


@pytest.mark.parametrize("question, kind, intent", [
    ("WE2000提前还款有什么区别", "answer", "prepayment"),  # the comparison words are about prepaying
    ("花贝和WE2000一样吗", "suggest", None),  # a typo of 花呗: nothing of ours to compare WE2000 with
])
def test_one_loan_named_once_gets_no_table_of_all_our_loans(engine: Engine, question: str, kind: str,
                                                             intent: str | None) -> None:
    reply = engine.reply(f"one:{question}", question)
    assert (reply.kind, reply.intent) == (kind, intent)
    assert "vs" not in reply.text


def test_two_loans_are_still_compared(engine: Engine) -> None:
    reply = engine.reply("two", "微粒贷和借呗有什么区别")
    assert reply.intent == "compare" and set(reply.products) == {"weilidai", "jiebei"}


@pytest.mark.parametrize("prefix", ["我想知道", "想问下", "问一下，", "那个"])
def test_a_courtesy_prefix_does_not_change_the_answer(engine: Engine, prefix: str) -> None:
    """"我想知道微粒贷放款要多久" was a menu and "想问下微粒贷放款要多久" another topic than the bare question."""
    bare = engine.reply("p0", "微粒贷放款要多久")
    polite = engine.reply(f"p:{prefix}", prefix + "微粒贷放款要多久")
    assert (polite.kind, polite.intent, polite.text) == (bare.kind, bare.intent, bare.text)


def test_a_question_opening_with_nage_is_not_a_follow_up(engine: Engine) -> None:
    """"那个…" opens a new question as often as "那…呢" follows up; "那个微粒贷怎么还款呀" after an interest question
    got the interest for 微粒贷 (那个 is now courtesy, like 请问)."""
    engine.reply("ng", "借呗借一万用30天多少利息")
    reply = engine.reply("ng", "那个微粒贷怎么还款呀")
    assert reply.intent == "repayment_methods" and reply.products == ("weilidai",)


@pytest.mark.parametrize("text", ["我想知道", "请问", "那个"])
def test_the_opening_words_of_a_question_alone_ask_nothing(engine: Engine, text: str) -> None:
    """"我想知道" got the conditions to open a loan, "那个" the limits, "请问" asked which product to introduce."""
    reply = engine.reply(f"begun:{text}", text)
    assert reply.kind == "not_understood" and reply.intent is None


@pytest.mark.parametrize("question", ["我的微粒贷为什么额度还是不提升", "借呗额度一直没有提升是为什么"])
def test_a_limit_that_does_not_grow_gets_what_raises_it(engine: Engine, question: str) -> None:
    """A limit that stays the same is about raising it (the factors the documents name), not a lost limit."""
    reply = engine.reply(f"grow:{question}", question)
    assert (reply.kind, reply.intent) == ("answer", "raise_limit"), reply.text


@pytest.mark.parametrize("question", ["可不可以用花呗还借呗"])
def test_an_either_or_question_is_not_read_as_its_negative_half(engine: Engine, question: str) -> None:
    """"可不可以用…" asks whether one may; it holds 不可以用 (a keyword of a limit that stopped working) only as the
    second half of 可不可以."""
    reply = engine.reply(f"ab:{question}", question)
    assert reply.intent != "limit_lost", reply.text
