"""A tiny duck-typed stand-in for ``bot.engine.Engine``: tests the Telegram adapter without the real engine.

Its "knowledge" is the ``*.yaml`` file names and contents of a folder, so reload tests can change it;
a file containing ``BROKEN`` makes ``build_fake_engine`` raise ``KnowledgeError`` like the real loader.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from bot.datafiles.errors import KnowledgeError
from bot.inputs import rejected
from bot.reply import Reply, Suggestion

SOURCE = "《微信芝麻信用怎么贷款》第二节“核心贷款产品对比分析”"


class FakeEngine:
    """Answers a handful of fixed questions; remembers the last intent per session."""

    def __init__(self, files: dict[str, str] | None = None) -> None:
        self.files = files or {}
        self.sessions: dict[str, str] = {}
        self.calls: list[tuple[str, ...]] = []

    def reply(self, session: str, text: str) -> Reply:
        invalid = rejected(text)  # the real engine's input limits
        if invalid is not None:
            return invalid
        self.calls.append(("reply", session, text))
        if "芝麻分" in text:
            self.sessions[session] = "credit_score"
            return Reply(f"微粒贷不看芝麻分：芝麻分是非必需的，微粒贷看的是微信支付的使用情况。\n\n来源：{SOURCE}",
                         kind="answer", intent="credit_score", products=("weilidai",), confidence=0.95,
                         sources=(SOURCE,))
        if "利率" in text:
            return Reply("年利率 < 24% & 日利率 > 0.02%？<b>不一定</b>，请看下面：", kind="answer", intent="rates",
                         products=("jiebei",), confidence=0.9)
        if "长" in text:
            body = "\n".join(f"第{i}行：借呗 & 微粒贷 <对比> 说明。" * 3 for i in range(300))
            return Reply(body, kind="answer", intent="compare", confidence=0.9)
        if "利息" in text:
            return Reply("你是不是想问：\n• 借呗的利息\n• 微粒贷的利息", kind="suggest", confidence=0.5,
                         suggestions=(Suggestion("借呗的利息", "interest", "jiebei"),
                                      Suggestion("微粒贷的利息", "interest", "weilidai")))
        return Reply("抱歉，这个问题我答不了。发送 /help 看看我能回答什么。", kind="not_understood")

    def choose(self, session: str, intent: str, product: str | None) -> Reply:
        self.calls.append(("choose", session, intent, product or "-"))
        name = self.product_names().get(product or "", "")
        return Reply(f"{name}的{intent}：按日计息，日利率 0.02%~0.05%。", kind="answer", intent=intent,
                     products=(product,) if product else (), confidence=1.0)

    def catalog(self) -> dict[str, str]:
        return {f"file:{name}": hashlib.sha1(text.encode()).hexdigest()[:12] for name, text in self.files.items()}

    def product_names(self) -> dict[str, str]:
        return {"weilidai": "微粒贷", "jiebei": "借呗", "we2000": "WE2000"}

    def overview_intent(self) -> str:
        return "product_overview"

    def chart(self, spec: str) -> object:
        raise ValueError(f"the scripted engine draws no charts ({spec!r})")

    def intent_titles(self) -> dict[str, str]:
        return {"credit_score": "芝麻分要求", "rates": "利率", "compare": "产品对比", "interest": "利息",
                "product_overview": "产品介绍"}

    def help_text(self) -> str:
        return "我可以回答微粒贷、借呗、WE2000的问题，比如：\n• 微粒贷要芝麻分吗"

    def example_questions(self) -> list[str]:
        return ["微粒贷要芝麻分吗", "借呗借一万用30天多少利息"]


def build_fake_engine(knowledge_dir: Path, intents_dir: Path, previous: Any = None) -> FakeEngine:
    """Same signature as ``bot.engine.build_engine``."""
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(knowledge_dir).glob("*.yaml"))}
    broken = [f"{name}: 第1行：YAML 格式错误 <BROKEN>" for name, text in files.items() if "BROKEN" in text]
    if broken:
        raise KnowledgeError(broken)
    return FakeEngine(files)
