"""Questions typed in pinyin, spaced or not, get the answer the same question in characters gets; what is not
pinyin (English, product names with digits, keyboard mash) is left alone."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.understanding import pinyin
from bot.understanding.pinyin import PinyinReader, split_syllables


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


# ---- the tables a first pinyin message builds are kept: for the next run and for the next engine

def _reader(texts: list[str], segmentation: str = "words-1") -> PinyinReader:
    return PinyinReader(texts, lambda text: [text], lambda: segmentation)


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder and a process that has built no table yet."""
    monkeypatch.setenv("LOANBOT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(pinyin, "_SYLLABLES", None)
    monkeypatch.setattr(pinyin, "_TABLES", {})
    return tmp_path


def _no_character_table(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> Iterator[tuple[str, str]]:
        raise AssertionError("pypinyin's character table was read again")
        yield  # pragma: no cover

    monkeypatch.setattr(pinyin, "_character_table", fail)


def test_after_a_restart_pinyin_is_read_without_rebuilding(cache_folder: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert _reader(["借呗", "利息"]).read("jiebei lixi") == "借呗利息"
    assert sorted(p.name.split("-")[1] for p in cache_folder.glob("pinyin-*.json")) == ["syllables", "words"]
    monkeypatch.setattr(pinyin, "_SYLLABLES", None)  # a new process: nothing in memory, the files kept
    monkeypatch.setattr(pinyin, "_TABLES", {})
    _no_character_table(monkeypatch)
    assert _reader(["借呗", "利息"]).read("jiebei lixi") == "借呗利息"


def test_an_engine_built_from_the_same_words_shares_the_table(cache_folder: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert _reader(["借呗", "利息"]).read("lixi") == "利息"
    for path in cache_folder.glob("pinyin-words-*.json"):
        path.unlink()
    _no_character_table(monkeypatch)
    assert _reader(["借呗", "利息"]).read("jiebei") == "借呗"


def test_other_words_or_another_segmentation_get_their_own_table(cache_folder: Path) -> None:
    assert _reader(["借呗", "利息"]).read("lixi") == "利息"
    assert _reader(["借呗", "立即"]).read("liji") == "立即"
    assert _reader(["借呗", "立即"], segmentation="words-2").read("liji") == "立即"
    assert len(list(cache_folder.glob("pinyin-words-*.json"))) == 3


@pytest.mark.parametrize("content", ["", "{", "[]", '{"li xi": 5}', '{"li xi": ""}', "null"])
def test_a_damaged_kept_table_is_built_again(cache_folder: Path, monkeypatch: pytest.MonkeyPatch,
                                             content: str) -> None:
    assert _reader(["借呗", "利息"]).read("lixi") == "利息"
    for path in cache_folder.glob("pinyin-*.json"):
        path.write_text(content, encoding="utf-8")
    monkeypatch.setattr(pinyin, "_SYLLABLES", None)
    monkeypatch.setattr(pinyin, "_TABLES", {})
    assert _reader(["借呗", "利息"]).read("jiebei lixi") == "借呗利息"
    assert pinyin.syllables() >= {"jie", "bei", "li", "xi"}


def test_an_unwritable_cache_folder_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("LOANBOT_CACHE_DIR", str(blocker))
    monkeypatch.setattr(pinyin, "_SYLLABLES", None)
    monkeypatch.setattr(pinyin, "_TABLES", {})
    assert _reader(["借呗", "利息"]).read("jiebei lixi") == "借呗利息"
