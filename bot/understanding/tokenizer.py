"""One jieba tokenizer for the whole process, taught the domain words of the knowledge base."""
from __future__ import annotations

import logging
import threading
from typing import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)

# Words jieba splits out of the box that carry the meaning of a question.
BASE_WORDS = (
    "芝麻分", "芝麻信用", "芝麻信用分", "日利率", "年利率", "年化", "年化利率", "日息", "月息", "利息", "罚息", "违约金",
    "提前还款", "提前还", "等额本息", "等额本金", "先息后本", "逾期", "额度", "提额", "降额", "审批", "放款", "到账",
    "实名认证", "活跃度", "资产证明", "理财通", "余额宝", "零钱通", "风控", "反欺诈", "催收", "坏账率", "逾期率",
    "获客成本", "覆盖率", "合规", "分付", "征信", "白名单", "邀请制", "分期", "还款方式", "手续费", "开通",
)

_lock = threading.Lock()
_loaded_words: set[str] = set()


class Tokenizer:
    """Thin wrapper over jieba's default tokenizer; ``add_words`` is idempotent and cheap on reload."""

    def __init__(self) -> None:
        with _lock:
            jieba.initialize()
        self.add_words(BASE_WORDS)

    def add_words(self, words: Iterable[str]) -> None:
        """Teach jieba words (product names, aliases, keywords); already known ones are skipped."""
        with _lock:
            for word in words:
                word = word.strip().lower()
                if len(word) >= 2 and word not in _loaded_words and " " not in word:
                    jieba.add_word(word, freq=200_000)
                    _loaded_words.add(word)

    @staticmethod
    def tokens(text: str) -> list[str]:
        """Segment folded text; spaces dropped."""
        return [t for t in jieba.lcut(text, HMM=False) if t.strip()]

    def spaced(self, text: str) -> str:
        """Tokens joined with spaces, the form rapidfuzz's token scorers expect."""
        return " ".join(self.tokens(text))


_shared: Tokenizer | None = None


def shared_tokenizer() -> Tokenizer:
    """The process-wide tokenizer (jieba's dictionary is loaded once)."""
    global _shared
    if _shared is None:
        _shared = Tokenizer()
    return _shared
