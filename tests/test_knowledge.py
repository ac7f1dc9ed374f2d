"""Knowledge base: shipped files load with provenance; every kind of bad file is refused precisely."""
from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge import KnowledgeError, load_knowledge
from bot.knowledge.models import Money, MoneyRange, Rate
from bot.knowledge.provenance import check_provenance, split_sections
from bot.understanding.intents import load_intents
from tests.conftest import INTENTS, KNOWLEDGE, REPO, SEEDS


def kb_check(knowledge: Path, *extra: str, intents: Path = INTENTS) -> int:
    return main(["--knowledge", str(knowledge), "--intents", str(intents), "kb", "check", *extra])


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------- the shipped files

def test_shipped_knowledge_loads_with_typed_exact_figures() -> None:
    kb = load_knowledge(KNOWLEDGE)
    daily = kb.find("we2000", "daily_rate")[0].value
    assert isinstance(daily, Rate)
    assert daily.percent == Decimal("0.05") and isinstance(daily.percent, Decimal)
    top = kb.find("jiebei", "max_amount")[0].value
    assert isinstance(top, Money) and top.yuan == Decimal(300000)
    assert {p.id for p in kb.loan_products} == {"weilidai", "jiebei", "we2000"}


def test_conflicting_values_are_kept_side_by_side_with_their_sources() -> None:
    kb = load_knowledge(KNOWLEDGE)
    top = kb.find("weilidai", "max_amount")[0]
    tier = kb.fact("weilidai.entry_tier.core.d003")
    assert isinstance(top.value, Money) and isinstance(tier.value, MoneyRange)
    assert (top.value.yuan, tier.value.max_yuan) == (Decimal(200000), Decimal(300000))
    assert top.source.doc != tier.source.doc
    kinds = {c.id: c.kind for c in kb.conflicts_for([top])}
    assert kinds == {"weilidai_max_amount": "disagreement"}
    assert {c.kind for c in kb.conflicts} == {"disagreement", "day_basis", "rate_mismatch"}


def test_every_fact_cites_a_known_document_section() -> None:
    kb = load_knowledge(KNOWLEDGE)
    for fact in kb.facts:
        citation = kb.cite(fact.source)
        assert (citation.startswith("《") and fact.source.section in citation) or "导言" in citation


def test_kb_check_passes_on_shipped_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert kb_check(KNOWLEDGE) == 0
    assert "OK" in capsys.readouterr().out


def test_kb_check_runs_as_a_module() -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "kb", "check"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(not SEEDS.is_dir(), reason="source documents not present")
def test_provenance_of_every_number_holds_on_the_documents(capsys: pytest.CaptureFixture[str]) -> None:
    assert kb_check(KNOWLEDGE, "--docs", str(SEEDS)) == 0, capsys.readouterr().err


@pytest.mark.skipif(not SEEDS.is_dir(), reason="source documents not present")
def test_provenance_fails_when_one_figure_is_changed(kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace_in(kb_copy / "weilidai.yaml", "value: {type: money, yuan: 200000}", "value: {type: money, yuan: 250000}")
    assert kb_check(kb_copy, "--docs", str(SEEDS)) == 1
    err = capsys.readouterr().err
    assert "weilidai.max_amount.d000" in err and "250000" in err and "第二节" in err


@pytest.mark.skipif(not SEEDS.is_dir(), reason="source documents not present")
def test_provenance_fails_when_a_figure_cites_the_wrong_section(kb_copy: Path) -> None:
    replace_in(kb_copy / "jiebei.yaml", "text: 最高额度30万元\n    source: {doc: d000, section: 二}",
               "text: 最高额度30万元\n    source: {doc: d000, section: 七}")
    problems = check_provenance(load_knowledge(kb_copy), SEEDS)
    assert any("jiebei.max_amount.d000" in p and "第七节" in p for p in problems)


def test_sections_split_on_numbered_headings() -> None:
    text = "标题\n导言文字 11亿\n一、第一节\n内容 5万-30万元\n二、第二节\n0.05%"
    sections = split_sections(text)
    assert list(sections) == ["导言", "一", "二"]
    assert sections["一"] == ("第一节", "内容 5万-30万元")


# ---------------------------------------------------------------- each bad case, each with a precise message

BAD_CASES = [
    pytest.param("weilidai.yaml", "    topic: max_amount\n    value: {type: money, yuan: 200000}",
                 "    topic: max_amount\n    value: {type: money, yuan: 200000\n",
                 ["weilidai.yaml", "YAML格式错误", "行"], id="malformed-yaml"),
    pytest.param("jiebei.yaml", "  - id: jiebei.max_amount.d000\n    product: jiebei",
                 "  - id: jiebei.max_amount.d000\n    product: huabei",
                 ["jiebei.yaml", "jiebei.max_amount.d000", "未知产品", "huabei"], id="unknown-product"),
    pytest.param("we2000.yaml", "    text: 最高额度2000元\n    source: {doc: d000, section: 二}\n",
                 "    text: 最高额度2000元\n", ["we2000.yaml", "we2000.max_amount.d000", "source", "缺少必填字段"],
                 id="fact-without-source"),
    pytest.param("we2000.yaml", "value: {type: rate, percent: 0.05, period: day, fixed: true}",
                 "value: {type: rate, percent: 百分之五, period: day, fixed: true}",
                 ["we2000.yaml", "we2000.daily_rate.d000", "value.percent", "不是数字"], id="rate-not-a-number"),
    pytest.param("jiebei.yaml", "value: {type: money, yuan: 300000}", "value: {type: money, yuan: 30万}",
                 ["jiebei.yaml", "jiebei.max_amount.d000", "value.yuan", "不是数字"], id="amount-not-a-number"),
    pytest.param("products.yaml", "aliases: [we2000,", "aliases: [微利贷, we2000,",
                 ["products.yaml", "we2000", "别名", "微利贷", "重复"], id="duplicate-alias"),
    pytest.param("weilidai.yaml", "    topic: max_amount\n", "    topic: max_amount\n    colour: red\n",
                 ["weilidai.yaml", "weilidai.max_amount.d000", "colour", "未知字段"], id="unknown-field"),
    pytest.param("weilidai.yaml", "section: 二}\n  - id: weilidai.zhima.d000",
                 "section: 九}\n  - id: weilidai.zhima.d000",
                 ["weilidai.platform.d000", "没有 '九' 这一节"], id="unknown-section"),
    pytest.param("conflicts.yaml", "basis: 360", "basis: 365", ["conflicts.yaml", "weilidai_day_basis", "365"],
                 id="day-basis-arithmetic"),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), BAD_CASES)
def test_bad_knowledge_file_is_refused_precisely(kb_copy: Path, capsys: pytest.CaptureFixture[str],
                                                 file: str, old: str, new: str, expected: list[str]) -> None:
    replace_in(kb_copy / file, old, new)
    assert kb_check(kb_copy) == 1
    err = capsys.readouterr().err
    for needle in expected:
        assert needle in err, f"{needle!r} missing from:\n{err}"
    with pytest.raises(KnowledgeError):
        load_knowledge(kb_copy)


def test_every_problem_is_reported_not_just_the_first(kb_copy: Path) -> None:
    replace_in(kb_copy / "jiebei.yaml", "value: {type: money, yuan: 300000}", "value: {type: money, yuan: abc}")
    replace_in(kb_copy / "we2000.yaml", "value: {type: money, yuan: 2000}", "value: {type: money, yuan: 2000, x: 1}")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(kb_copy)
    assert len(info.value.problems) == 2


def test_bad_intent_file_is_refused(intents_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = sorted(intents_copy.glob("*.yaml"))[0]
    victim.write_text(victim.read_text(encoding="utf-8") + "\n  - id: Bad Id\n    title: x\n", encoding="utf-8")
    assert kb_check(KNOWLEDGE, intents=intents_copy) == 1
    err = capsys.readouterr().err
    assert victim.name in err and "id" in err


def test_kb_show_prints_facts_with_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "微粒貸"]) == 0
    out = capsys.readouterr().out
    assert "微粒贷" in out and "20万元" in out and "5万–30万元" in out
    assert "来源：《微信芝麻信用怎么贷款》第二节“核心贷款产品对比分析”" in out
    assert "两份资料说法不同" in out
    assert "借呗" not in out.split("■ 资料之间的出入")[0]


def test_kb_show_unknown_product(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "余额宝"]) == 1
    assert "未知产品" in capsys.readouterr().err


def test_a_figure_in_a_conflict_text_must_be_a_figure_of_its_facts(kb_copy: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    replace_in(kb_copy / "conflicts.yaml", "一份说最高20万元", "一份说最高25万元")
    assert kb_check(kb_copy) == 1
    err = capsys.readouterr().err
    assert "conflicts.yaml: conflicts[0] (weilidai_max_amount): text: 数字 25、250000" in err


def test_a_changed_fact_makes_the_conflict_text_that_quotes_it_fail(kb_copy: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    replace_in(kb_copy / "we2000.yaml", "percent: 15.4, period: year}\n    text: 年化利率15.4%",
               "percent: 16.4, period: year}\n    text: 年化利率16.4%")
    assert kb_check(kb_copy) == 1
    assert "we2000_rate_mismatch" in capsys.readouterr().err


def test_learned_examples_join_their_intent_and_unknown_ids_are_refused(tmp_path: Path) -> None:
    from bot.understanding.intents import load_intents

    intents = tmp_path / "intents"
    shutil.copytree(INTENTS, intents)
    (intents / "learned.yaml").write_text("learned:\n  max_amount: [顶格能批多少]\n", encoding="utf-8")
    by_id = {i.id: i for i in load_intents(intents)}
    assert by_id["max_amount"].examples[-1] == "顶格能批多少"
    (intents / "learned.yaml").write_text("learned:\n  no_such_intent: [顶格能批多少]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_intents(intents)
    assert "intents/learned.yaml: learned: 未知意图 'no_such_intent'" in str(raised.value)


def test_an_example_without_any_word_its_intent_requires_is_refused(intents_copy: Path) -> None:
    """It could never be matched: the intent cannot lead without one of those words."""
    from bot.understanding.intents import load_intents

    (intents_copy / "learned.yaml").write_text("learned:\n  platform_cooperation: [借呗怎么借钱]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_intents(intents_copy)
    assert any("借呗怎么借钱" in p and "requires" in p for p in raised.value.problems), raised.value.problems


def test_an_effect_must_be_a_topic_the_documents_do_not_cover(intents_copy: Path) -> None:
    """``effects`` names what the reply says it cannot answer: an answerable intent there is refused."""
    replace_in(intents_copy / "costs.yaml", "effects: [credit_record, limit_lost]", "effects: [rates, no_such]")
    with pytest.raises(KnowledgeError) as raised:
        load_intents(intents_copy)
    problems = raised.value.problems
    assert any("effects: 'rates' 不是 uncovered 意图" in p for p in problems), problems
    assert any("未知的意图 'no_such'" in p for p in problems), problems


def test_an_unclosed_yaml_construct_names_the_line_where_it_starts(intents_copy: Path) -> None:
    (intents_copy / "bad.yaml").write_text("intents:\n  - id: x\n    title: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_intents(intents_copy)
    assert any("intents/bad.yaml" in p and "第3行第12列" in p for p in error.value.problems), error.value.problems
