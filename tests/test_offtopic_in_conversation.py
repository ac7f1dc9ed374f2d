"""Off-topic text in the middle of a conversation is not answered, whichever way jieba's dictionary is held
(read from disk on demand, or loaded whole): a smaller or different dictionary once made such text look
like a follow-up of the previous question."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine, build_engine
from bot.understanding.tokenizer import Tokenizer

REPO = Path(__file__).resolve().parent.parent
FIRST = ("微粒贷要芝麻分吗", "借呗借一万用30天多少利息", "微粒贷最高能借多少", "WE2000提前还款收费吗")
OFF_TOPIC = ("今天天气怎么样", "啊啊啊啊", "你吃饭了吗", "明天会下雨吗", "哈哈哈哈哈")


@pytest.fixture(scope="module", params=[True, False], ids=["dictionary on disk", "dictionary in memory"])
def engine(request: pytest.FixtureRequest) -> Engine:
    return build_engine(REPO / "knowledge", REPO / "intents", tokenizer=Tokenizer(on_disk=request.param))


@pytest.mark.parametrize("first", FIRST)
def test_off_topic_after_a_question_is_not_answered(engine: Engine, first: str) -> None:
    for off in OFF_TOPIC:
        session = f"{first}/{off}"
        assert engine.reply(session, first).kind == "answer"
        reply = engine.reply(session, off)
        assert reply.kind == "not_understood" and reply.intent is None, (first, off, reply.kind, reply.intent)


def test_weekend_plans_after_a_question_are_not_answered(engine: Engine) -> None:
    engine.reply("weekend", "微粒贷要芝麻分吗")
    assert engine.reply("weekend", "周末去哪玩").kind == "not_understood"
