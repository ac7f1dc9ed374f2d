"""Review grouping and learned examples, without Telegram."""
from __future__ import annotations

import yaml

from bot.stats import Unanswered
from bot.telegram.review import LEARNED_FILE, add_learned, group_items, learned_example


def item(text: str, kind: str = "not_understood", intent: str | None = None) -> Unanswered:
    return Unanswered(1_700_000_000.0, text, kind, intent)


def test_similar_questions_form_one_group_most_frequent_first() -> None:
    items = [item("天花板是多少"), item("天花板是多少呢？"), item("天花板是多少"),
             item("每月几号还款", "uncovered", "repay_date"), item("微粒贷顶格能批多少", "disliked", "approval_time"),
             item("今天天气怎么样")]
    groups = group_items(items, reviewed={"今天天气怎么样"})
    assert [g.count for g in groups] == [3, 1, 1]
    first = groups[0]
    assert first.examples == ("天花板是多少", "天花板是多少呢？") and first.kinds == (("未理解", 3),)
    assert {g.kinds for g in groups[1:]} == {(("资料未覆盖", 1),), (("👎", 1),)}
    assert all("今天天气怎么样" not in g.examples for g in groups)  # already handled by an admin


def test_learned_examples_are_normalized_and_added_once_to_their_own_file() -> None:
    example = learned_example("微粒贷 顶格能批多少？？😀")
    assert example == "微粒贷 顶格能批多少"
    files = {"intents/costs.yaml": b"intents: []\n"}
    once = add_learned(files, "max_amount", example)
    twice = add_learned(once, "max_amount", example)
    assert twice == once and once["intents/costs.yaml"] == files["intents/costs.yaml"]
    assert yaml.safe_load(once[LEARNED_FILE]) == {"learned": {"max_amount": ["微粒贷 顶格能批多少"]}}
    more = add_learned(once, "rates", "天花板是多少")
    assert yaml.safe_load(more[LEARNED_FILE])["learned"] == {"max_amount": ["微粒贷 顶格能批多少"],
                                                             "rates": ["天花板是多少"]}
