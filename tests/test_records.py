"""What an admin sees when a knowledge or intent entry is wrong: every problem of the entry, each with its field
path and a Chinese explanation; and what a valid entry becomes (typed, stripped, immutable)."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.datafiles.records import RecordError
from bot.datafiles.validation import describe
from bot.knowledge.models import Fact, Product, Rate, Score
from bot.understanding.intents import Intent

REPO = Path(__file__).resolve().parent.parent

FACT: dict[str, Any] = {"id": "jiebei.daily_rate.d001", "product": "jiebei", "topic": "daily_rate", "label": " 日利率 ",
        "value": {"type": "rate", "percent": "0.05", "period": "day"}, "text": " 日利率0.05% ",
        "source": {"doc": "doc1", "section": "三"}}


def _lines(model: type, data: object) -> list[str]:
    with pytest.raises(RecordError) as caught:
        model.parse(data)  # type: ignore[attr-defined]  # every model is a Record
    return describe(caught.value, "facts.yaml: facts[0]", data)


def test_a_valid_entry_is_typed_stripped_and_immutable() -> None:
    fact = Fact.parse(FACT)
    assert fact.value == Rate(type="rate", percent=Decimal("0.05"), period="day")
    assert (fact.label, fact.text) == ("日利率", "日利率0.05%")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fact.text = "改了"  # type: ignore[misc]  # the point: it cannot be changed
    assert fact.dump("json")["value"] == {"type": "rate", "percent": "0.05", "period": "day", "fixed": False}
    assert "label" not in Fact.parse({**FACT, "label": None}).dump("json", exclude_none=True)


def test_yaml_numbers_become_exact_decimals() -> None:
    for given, exact in ((0.05, "0.05"), (18, "18"), ("1e-7", "1E-7")):
        value = Fact.parse({**FACT, "value": {"type": "rate", "percent": given, "period": "day"}}).value
        assert isinstance(value, Rate) and value.percent == Decimal(exact)


def test_every_problem_of_an_entry_is_reported_with_its_path() -> None:
    broken = {**FACT, "colour": "red", "topic": "horoscope", "source": {"doc": "doc1"},
              "value": {"type": "rate", "percent": "五点", "period": "day"}}
    del broken["text"]
    lines = _lines(Fact, broken)
    assert "facts.yaml: facts[0] (jiebei.daily_rate.d001): colour: 未知字段（拼写错误？）" in lines
    assert any(": topic: 取值 'horoscope' 不允许（可选：'platform'、'positioning'、" in line for line in lines)
    assert "facts.yaml: facts[0] (jiebei.daily_rate.d001): value.percent: 不是数字（得到 '五点'）" in lines
    assert "facts.yaml: facts[0] (jiebei.daily_rate.d001): source.section: 缺少必填字段" in lines
    assert "facts.yaml: facts[0] (jiebei.daily_rate.d001): text: 缺少必填字段" in lines
    assert len(lines) == 5


@pytest.mark.parametrize(("value", "expected"), [
    ({"type": "ratio", "percent": 1}, "value: 未知的类型 'ratio'（可选：change, fee_rule, money"),
    ({"percent": 1}, "value.type: 缺少必填字段"),
    ("0.05%", "value: 应是一个映射"),
    ({"type": "rate", "percent": -1, "period": "day"}, "value.percent: 应不小于 0（得到 -1）"),
    ({"type": "rate", "percent": "nan", "period": "day"}, "value.percent: 不是数字（得到 'nan'）"),
    ({"type": "rate", "percent": True, "period": "day"}, "value.percent: 不是数字（得到 True）"),
    ({"type": "rate", "percent": 1, "period": "day", "fixed": "maybe"}, "value.fixed: 应是 true 或 false"),
    ({"type": "multiplier", "times": 0}, "value.times: 应大于 0（得到 0）"),
    ({"type": "score", "required": True, "min": 999}, "value.min: 应不大于 950（得到 999）"),
    ({"type": "score", "required": True, "min": 600.5}, "value.min: 应是整数（得到 600.5）"),
    ({"type": "stars", "full": 3, "glyphs": "***"}, "value.glyphs: 格式不对"),
])
def test_a_wrong_value_is_named_precisely(value: object, expected: str) -> None:
    lines = _lines(Fact, {**FACT, "value": value})
    assert any(expected in line for line in lines), lines


def test_lists_limits_and_the_whole_entry() -> None:
    product = {"id": "we-2000", "name": "WE2000", "kind": "loan", "aliases": ["we2000", 2000]}
    lines = _lines(Product, product)
    assert any("id: 格式不对" in line for line in lines)
    assert any(line.endswith("aliases[1]: 应是文字（得到 2000）") for line in lines)
    intent = {"id": "chat", "title": "闲聊", "kind": "smalltalk", "product_scope": "none", "examples": ["你好", "在吗"]}
    assert any(line.endswith("examples: 至少要 3 条（得到 2）") for line in _lines(Intent, intent))
    intent["examples"] = ["你好", "在吗", "哈喽"]
    assert any(line.endswith("(整个条目): 闲聊意图需要 reply（固定回复）或 answer: help")
               for line in _lines(Intent, intent))
    assert _lines(Intent, ["不是映射"]) == [
        "facts.yaml: facts[0]: (整个条目): 应是一个映射（字段: 值），得到 ['不是映射']"]


def test_yes_and_no_are_read_as_booleans() -> None:
    assert Score.parse({"type": "score", "required": "no"}).required is False
    assert Score.parse({"type": "score", "required": 1, "min": "600"}) == Score(type="score", required=True, min=600)


def test_the_bot_starts_without_pydantic() -> None:
    """Validating the files costs no heavy import (it was ~0.15 s of every start)."""
    code = ("import sys; from pathlib import Path; from bot.engine import build_engine; "
            "build_engine(Path('knowledge'), Path('intents')); print('pydantic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
