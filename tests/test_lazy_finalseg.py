"""jieba's HMM tables (jieba.finalseg) are only imported when something uses them; results are unchanged."""
from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

TEXTS = ["我来到北京清华大学", "他来到了网易杭研大厦", "小明硕士毕业于中国科学院计算所", "微粒贷借两万用三十天"]
CODE = """
import json, sys
if sys.argv[1] == "bot":
    from bot.understanding.tokenizer import jieba
    stand_in = type(sys.modules["jieba.finalseg"]).__name__
else:
    import jieba
    stand_in = ""
jieba.setLogLevel(60)
texts = json.loads(sys.argv[2])
before = [jieba.lcut(t, HMM=False) for t in texts]
loaded_early = type(sys.modules["jieba.finalseg"]).__name__
after = [jieba.lcut(t, HMM=True) for t in texts]
print(json.dumps([stand_in, loaded_early, before, after, type(sys.modules["jieba.finalseg"]).__name__]))
"""


def _run(kind: str) -> list[Any]:
    out = subprocess.run([sys.executable, "-c", CODE, kind, json.dumps(TEXTS)], capture_output=True, text=True,
                         check=True)
    result: list[Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_hmm_tables_load_on_first_use_with_the_same_segments() -> None:
    stand_in, early, before, after, late = _run("bot")
    assert stand_in == "_LazyFinalseg" and early == "_LazyFinalseg"  # HMM=False never touches them
    assert late == "module"  # the real module once HMM=True needs it
    _, _, plain_before, plain_after, _ = _run("plain")
    assert (before, after) == (plain_before, plain_after)
