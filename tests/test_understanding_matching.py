"""Intent matching: the must-show questions in every written form, every example matches its own intent,
and the labeled dev set meets the accuracy and out-of-scope targets."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.datafiles.errors import KnowledgeError
from bot.engine import Engine, build_engine
from bot.evaluation import evaluate, load_cases
from bot.understanding.intents import load_intents
from tests.conftest import INTENTS, KNOWLEDGE, REPO, fresh_engine

DEV = Path(__file__).parent / "data" / "dev.jsonl"


@pytest.mark.parametrize("text", ["微粒贷要芝麻分吗", "微粒貸要芝麻分嗎", "微利贷要芝麻分吗", "微粒代要不要芝麻分",
                                  "ＷＬＤ要芝麻分吗".replace("ＷＬＤ", "微粒贷") + "？？", "微粒贷 要 芝麻分 吗 😀"])
def test_weilidai_zhima_in_every_form(engine: Engine, text: str) -> None:
    reply = engine.reply("t", text)
    assert (reply.intent, reply.products) == ("zhima_requirement", ("weilidai",))


@pytest.mark.parametrize("text", ["WE2000提前还款收费吗", "ＷＥ２０００提前還款收費嗎", "we2000提前还款收费吗",
                                  "We 2000 提前还款要钱吗", "WE2000提前還款收不收費"])
def test_we2000_prepayment_in_every_form(engine: Engine, text: str) -> None:
    reply = engine.reply("t", text)
    assert (reply.intent, reply.products) == ("prepayment", ("we2000",))


def test_every_intent_has_at_least_15_examples(engine: Engine) -> None:
    short = {i.id: len(i.examples) for i in engine.intents if len(i.examples) < 15}
    assert not short


def test_every_example_matches_its_own_intent(engine: Engine) -> None:
    """An edit to intents/ that breaks matching is caught here."""
    wrong = []
    for n, intent in enumerate(engine.intents):
        for k, example in enumerate(intent.examples):
            fills = [("微粒贷", "借呗"), ("ＷＥ２０００", "微粒貸")] if "{product}" in example else [("", "")]
            for product, other in fills:
                text = example.replace("{product}", product).replace("{product2}", other)
                reply = engine.reply(f"self-{n}-{k}-{product}", text)
                if reply.intent != intent.id:
                    wrong.append(f"{intent.id}: {text!r} → {reply.intent}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("text", ["今天天气怎么样", "给我写一首关于春天的诗", "红烧肉怎么做", "茅台股票还能买吗",
                                  "推荐一部好看的电影", "asdfghjkl", "😀😀😀", "123456", "？？？", "Java和Go哪个好学",
                                  "北京到上海高铁要多久"])
def test_out_of_scope_is_not_understood(engine: Engine, text: str) -> None:
    reply = engine.reply("oos", text)
    assert reply.intent is None and reply.kind in {"not_understood", "invalid"}
    assert "抱歉" in reply.text or "请" in reply.text


def test_dev_set_accuracy_and_out_of_scope_rejection(engine: Engine) -> None:
    cases = load_cases(DEV)
    assert len(cases) >= 400 and sum(1 for c in cases if c["intent"] is None) >= 60
    report = evaluate(fresh_engine(), cases)
    assert report.accuracy >= 0.96, report.render()
    assert report.oos_recall >= 0.98, report.render()


def test_holdout_set_stays_above_its_floor() -> None:
    # tests/data/holdout.jsonl was written without seeing intents/ or dev.jsonl, but it was opened for error
    # analysis (the `outside` products, and 3 labels changed to the documented rules): it is a dev set now.
    cases = load_cases(DEV.with_name("holdout.jsonl"))
    report = evaluate(fresh_engine(), cases)
    assert report.accuracy >= 0.95, report.render()
    assert report.oos_recall >= 0.98, report.render()


def test_real_like_set_floors() -> None:
    # tests/data/real_like.jsonl: real-traffic style and topic mix; the tuning set of the real-questions work
    # (not a blind figure). The targets: ≥ 95 % answerable, ≤ 2 % confidently wrong.
    report = evaluate(fresh_engine(), load_cases(DEV.with_name("real_like.jsonl")))
    assert len(report.outcomes) >= 600
    assert report.answerable_accuracy >= 0.95, report.render()
    assert report.uncovered_accuracy >= 0.94, report.render()
    assert report.confidently_wrong <= 0.02, report.render()
    assert report.oos_recall >= 0.88, report.render()


def test_everyday_numbers_and_follow_ups_set() -> None:
    # tests/data/everyday.jsonl: number forms and follow-ups (issue #11), written after the code it tests (a dev set).
    report = evaluate(fresh_engine(), load_cases(DEV.with_name("everyday.jsonl")))
    assert len(report.outcomes) >= 45 and report.accuracy >= 0.95, report.render()


def test_blind_set_floors_without_reading_it() -> None:
    # tests/data/blind.jsonl is never opened for error analysis: a failure shows the summary only.
    report = evaluate(fresh_engine(), load_cases(DEV.with_name("blind.jsonl")))
    summary = " ".join(f"{k}={v:.1%}" for k, v in report.summary().items())
    assert report.answerable_accuracy >= 0.91 and report.confidently_wrong <= 0.045, summary


def test_candidates_are_ranked_with_scores(engine: Engine) -> None:
    parse = engine.understanding.parse("借呗借一万五用30天多少利息")
    scores = [c.score for c in parse.candidates]
    assert parse.candidates[0].intent == "interest_cost" and scores == sorted(scores, reverse=True)
    values = parse.entities.values
    assert values.amount == 15000 and values.days == 30 and parse.entities.products == ("jiebei",)


def test_memoized_matching_gives_the_same_result_in_any_order() -> None:
    # The matcher and segmenter memoize on the masked question; a memo key that missed an input
    # (keywords, slots) would make a question's result depend on what was asked before it.
    questions = [case["text"] for case in load_cases(DEV)]
    questions += [f"借{n}万用{d}天微粒贷利息多少" for n, d in ((1, 30), (2, 60), (3, 7))]
    # same masked form, other keywords
    questions += ["芝麻分600能借吗", "芝麻分700分期吗", "微粒贷逾期了10天", "微粒贷逾期10天"]
    forward, backward = build_engine(KNOWLEDGE, INTENTS), build_engine(KNOWLEDGE, INTENTS)
    first = {q: forward.understanding.parse(q) for q in questions}
    second = {q: backward.understanding.parse(q) for q in reversed(questions)}
    for question in questions:
        assert first[question].candidates == second[question].candidates, question
        assert first[question].unknown == second[question].unknown, question
    assert forward.understanding.matcher._memo.hits > 0  # masked forms do repeat: 借1万用30天 ~ 借2万用60天


_SCORES_SCRIPT = """
import json, sys
from bot.engine import build_engine
from bot.evaluation import load_cases
from tests.conftest import INTENTS, KNOWLEDGE, REPO
engine = build_engine(KNOWLEDGE, INTENTS)
for case in load_cases(REPO / "tests" / "data" / "dev.jsonl"):
    print(json.dumps([(c.intent, repr(c.score)) for c in engine.understanding.parse(case["text"]).candidates]))
"""


def test_scores_do_not_depend_on_the_hash_seed() -> None:
    # Word evidence is summed over a set of words, whose order changes with PYTHONHASHSEED: summed in that
    # order, a score differed in its last bit from one start to the next, enough to turn a near-tie around.
    runs = [subprocess.run([sys.executable, "-c", _SCORES_SCRIPT], cwd=REPO, capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}, check=True, timeout=120).stdout
            for seed in ("1", "2")]
    assert runs[0].count("\n") == len(load_cases(DEV)) and runs[0] == runs[1]


@pytest.mark.parametrize("text", ["借呗要怎么贷款", "借呗所谓的信用积分", "借呗和花呗之间有什么关系",
                                  "借呗跟网商贷之间是什么关系"])
def test_a_question_naming_no_platform_never_gets_the_platform_cooperation_answer(engine: Engine, text: str) -> None:
    """platform_cooperation ``requires`` a platform or company word: without one it cannot lead, however close
    its examples ("微信芝麻信用怎么贷款" looks like "借呗怎么贷款" once the loan name is masked)."""
    reply = engine.reply(text, text)
    assert reply.intent != "platform_cooperation", reply.text
    assert "微信负责" not in reply.text


@pytest.mark.parametrize("text", ["什么是微粒贷呀", "什么是WE2000"])
def test_what_is_the_product_asked_the_other_way_round_is_its_introduction(engine: Engine, text: str) -> None:
    """Not future_plans ("分付是什么"), which needs a word about the future or 分付 to lead."""
    reply = engine.reply(text, text)
    assert (reply.kind, reply.intent) == ("answer", "product_overview")
    assert "未来规划" not in reply.text


def test_a_question_with_no_word_of_risk_or_fraud_never_gets_the_risk_control_answer(engine: Engine) -> None:
    reply = engine.reply("gate-risk", "借呗的钱打不进来，怎么处理")
    assert reply.intent != "risk_control" and "风控" not in reply.text


def test_how_to_deal_with_it_adds_no_second_question(engine: Engine) -> None:
    """"…，如何处理" asks what to do about the first clause: it is no question of its own."""
    reply = engine.reply("gate-deal", "借呗没自动扣钱，如何处理")
    assert (reply.kind, reply.intent, reply.also) == ("uncovered", "auto_deduct", ())


def test_how_to_use_the_product_is_not_read_as_credit_evaluation(engine: Engine) -> None:
    """credit_evaluation requires a word of credit, data or scoring: "怎么用" alone asks how to open and use it."""
    reply = engine.reply("gate-use", "微粒贷是怎么用的呀")
    assert (reply.kind, reply.intent) == ("answer", "how_to_apply"), reply.text
    assert engine.reply("gate-taobao", "淘宝上要怎么用借呗来付").intent != "credit_evaluation"


@pytest.mark.parametrize("text, intent", [
    ("微信和芝麻信用是怎么分工的", "platform_cooperation"), ("借呗是阿里家的产品吗", "platform_cooperation"),
    ("微粒贷归哪家公司", "platform_cooperation"),
    ("借呗风控严不严", "risk_control"), ("借呗会暴力催收吗", "risk_control"),
    ("微粒贷怎么防止别人盗用我身份", "risk_control"),
    ("借呗给我的信用是怎么评出来的", "credit_evaluation"), ("微粒贷会不会看我朋友圈", "credit_evaluation"),
    ("借呗的授信是怎么做出来的", "credit_evaluation"),
])
def test_an_intent_that_requires_words_still_leads_when_one_is_there(engine: Engine, text: str, intent: str) -> None:
    assert engine.reply(text, text).intent == intent


@pytest.mark.parametrize("text", ["拿微粒贷怎么借钱啊", "我想用借呗，钱怎么借"])
def test_how_to_borrow_with_the_product_is_how_to_open_and_use_it(engine: Engine, text: str) -> None:
    reply = engine.reply("borrow", text)
    assert (reply.kind, reply.intent) == ("answer", "how_to_apply"), reply.text


def _with_phrase(intents_copy: Path, field: str) -> Engine:
    """An engine whose approval_time intent has one more phrase, 等通知要几天, as a ``field`` (cues or keywords)."""
    path = intents_copy / "eligibility.yaml"
    text = (INTENTS / "eligibility.yaml").read_text(encoding="utf-8")  # the shipped file: one change at a time
    anchor = {"cues": "    cues: [多久通过", "keywords": "    keywords: [审批"}[field]
    assert anchor in text
    path.write_text(text.replace(anchor, anchor.replace("[", "[等通知要几天, "), 1), encoding="utf-8")
    return build_engine(KNOWLEDGE, intents_copy)


def test_a_new_cue_moves_only_the_questions_that_contain_it(intents_copy: Path) -> None:
    """A cue is a keyword's bonus without the vocabulary: every other question scores exactly as before, while
    the same phrase as a keyword shifts the word weights of questions that merely share a character pair."""
    sharing = ["微粒贷还款前会发通知吗", "到期了会不会通知我"]  # 通知: a pair of the phrase new to the intent
    questions = [*sharing, *(case["text"] for case in load_cases(DEV))]
    before = fresh_engine().understanding  # the shipped files: the shared engine, not a third build
    cued = _with_phrase(intents_copy, "cues").understanding
    for question in questions:
        assert cued.parse(question).candidates == before.parse(question).candidates, question
    asked = "WE2000等通知要几天啊"
    old = {c.intent: c.score for c in before.parse(asked).candidates}
    new = {c.intent: c.score for c in cued.parse(asked).candidates}
    assert new["approval_time"] > old.get("approval_time", 0.0) and max(new, key=new.__getitem__) == "approval_time"
    keyworded = _with_phrase(intents_copy, "keywords").understanding
    for question in sharing:
        assert keyworded.parse(question).candidates != before.parse(question).candidates, question


@pytest.mark.parametrize("cue, message", [
    ("提额", "'提额' 也是 raise_limit 的关键词"),  # raise_limit's keyword: both get the bonus
    ("审批", "'审批' 已经是本意图的关键词"),  # approval_time's own keyword: it would count twice
])
def test_a_cue_that_decides_nothing_is_refused(intents_copy: Path, cue: str, message: str) -> None:
    """kb check (and every reload) refuses a cue another intent also has, or its own intent already has."""
    path = intents_copy / "eligibility.yaml"
    anchor = "    cues: [多久通过"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(anchor, f"    cues: [{cue}, 多久通过", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_intents(intents_copy)
    assert message in "\n".join(error.value.problems)
