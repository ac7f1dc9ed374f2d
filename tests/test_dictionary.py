"""jieba's dictionary read from disk on demand: the same segments as the dictionary held in memory."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.understanding import dictionary
from bot.understanding.dictionary import DiskFreq, build
from bot.understanding.tokenizer import Tokenizer, jieba

DATA = Path(__file__).resolve().parent / "data"


def _questions() -> list[str]:
    texts = [json.loads(line)["text"] for name in ("dev.jsonl", "holdout.jsonl")
             for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [*texts, "今天天气怎么样", "啊啊啊啊", "借呗借一万五用30天多少利息", "微粒貸和借唄哪個好",
            "ＷＥ２０００提前还款", "中华人民共和国的首都是北京", "我想借5k用两个月", "🙂🙂", "abc def 123"]


def test_segments_exactly_as_the_dictionary_in_memory() -> None:
    on_disk, in_memory = Tokenizer(on_disk=True), Tokenizer(on_disk=False)
    assert on_disk.on_disk and not in_memory.on_disk
    questions = _questions()
    assert len(questions) > 100
    for text in questions:
        assert on_disk.tokens(text) == in_memory.tokens(text), text
    # only what those questions touched is held in memory, not jieba's ~500,000 entries
    assert on_disk.freq is not None and on_disk.freq.remembered() < 20_000 < on_disk.freq.entries


def test_added_words_segment_the_same_on_disk_and_in_memory() -> None:
    on_disk, in_memory = Tokenizer(on_disk=True), Tokenizer(on_disk=False)
    assert on_disk.tokens("分付是什么") == in_memory.tokens("分付是什么")
    for tokenizer in (on_disk, in_memory):
        tokenizer.add_words(["微粒贷", "蚂蚁借呗"])
    for text in ("蚂蚁借呗和微粒贷", "微粒贷要芝麻分吗"):
        assert on_disk.tokens(text) == in_memory.tokens(text)
        assert "微粒贷" in on_disk.tokens(text)


def test_disk_freq_answers_like_a_dict(tmp_path: Path) -> None:
    words = {"借": 10, "借呗": 5, "借钱": 3, "蚂": 0, "蚂蚁": 7}
    path = tmp_path / "small.sqlite3"
    build(path, lambda: (dict(words), sum(words.values())))
    freq = DiskFreq(path)
    assert freq.total == 25 and freq.entries == 5
    assert "蚂" in freq and freq["蚂"] == 0  # a prefix: present with count 0
    assert "天气" not in freq and freq.get("天气") is None and freq.get("天气", 1) == 1
    with pytest.raises(KeyError):
        freq["天气"]
    freq["天气"] = 4
    assert freq["天气"] == 4 and "天气" in freq
    assert [w for w in words if freq.get(w) != words[w]] == []


def test_forgetting_looked_up_entries_keeps_added_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "small.sqlite3"
    build(path, lambda: ({"借": 1, "借呗": 2}, 3))
    monkeypatch.setattr(dictionary, "MAX_REMEMBERED", 3)
    freq = DiskFreq(path)
    freq["分付"] = 9
    for word in ("借", "借呗", "a", "b", "c"):
        assert (word in freq) == (word in ("借", "借呗"))
    assert freq.remembered() <= 3 and freq["分付"] == 9 and freq["借呗"] == 2


def test_an_unusable_cache_folder_falls_back_to_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("LOANBOT_CACHE_DIR", str(blocker))
    tokenizer = Tokenizer()
    assert not tokenizer.on_disk
    assert tokenizer.tokens("我的芝麻分够吗") == Tokenizer(on_disk=False).tokens("我的芝麻分够吗")


def test_the_copy_follows_jieba_and_is_built_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOANBOT_CACHE_DIR", str(tmp_path))
    first = Tokenizer()
    built = list(tmp_path.glob("jieba-dict-*.sqlite3"))
    assert first.on_disk and built == [dictionary.dictionary_path(jieba)]
    stamp = built[0].stat().st_mtime_ns
    Tokenizer()
    assert built[0].stat().st_mtime_ns == stamp  # reused, not rebuilt
    monkeypatch.setattr(jieba, "__version__", "99.0")
    assert dictionary.dictionary_path(jieba) != built[0]  # another jieba gets its own copy


def test_pkg_resources_is_not_imported_for_jieba() -> None:
    import subprocess
    import sys

    code = ("import sys; from bot.understanding.tokenizer import shared_tokenizer; shared_tokenizer(); "
            "print('pkg_resources' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_word_added_after_segmenting_a_text_changes_its_segments() -> None:
    tokenizer = Tokenizer()
    before = tokenizer.tokens("蚂蚁微粒贷要芝麻分吗")
    assert "蚂蚁微粒贷" not in before
    tokenizer.add_words(["蚂蚁微粒贷"])
    assert tokenizer.tokens("蚂蚁微粒贷要芝麻分吗")[0] == "蚂蚁微粒贷"  # not the segments remembered before


def test_saved_segmentations_give_the_same_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second start reads the examples' segmentations saved by the first: same matching forms, same replies."""
    from bot.engine import build_engine
    from bot.understanding.tokenizer import Tokenizer
    from tests.conftest import INTENTS, KNOWLEDGE

    monkeypatch.setenv("LOANBOT_CACHE_DIR", str(tmp_path))
    first = build_engine(KNOWLEDGE, INTENTS, tokenizer=Tokenizer())
    saved = first.understanding.tokenizer.segments_path()
    assert saved.exists() and saved.parent == tmp_path
    second = build_engine(KNOWLEDGE, INTENTS, tokenizer=Tokenizer())
    assert second.understanding.tokenizer.segments_path() == saved
    assert second.understanding.matcher._group_sorted == first.understanding.matcher._group_sorted
    for question in ("借呗冻结了怎么回事", "微粒贷借3万45天利息多少", "蚂蚁借呗，最高能借多少钱，需要多少信用分"):
        assert second.reply("a", question).text == first.reply("b", question).text
    saved.write_text("not json", encoding="utf-8")  # a damaged file is ignored, not trusted
    assert build_engine(KNOWLEDGE, INTENTS, tokenizer=Tokenizer()).reply("c", "借呗利率多少").intent == "rates"
