"""Text normalization for matching: NFKC, Traditional→Simplified, lower case, no punctuation or emoji.

The user's original text is kept by the caller for display and logs; only the
matching pipeline sees the normalized form.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC  # opencc-python-reimplemented: a maintained, dictionary-based t2s converter

_T2S = OpenCC("t2s")

# Characters kept for matching: CJK ideographs, Latin letters, digits, and the
# few symbols that carry meaning in amounts and rates.
_KEEP = re.compile(r"[^0-9a-z\u4e00-\u9fff%.\-+￥¥×*/ ]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """NFKC-fold and convert Traditional characters to Simplified (case kept)."""
    return _T2S.convert(unicodedata.normalize("NFKC", text))


def fold(text: str) -> str:
    """NFKC, Traditional→Simplified and lower case; punctuation kept (for entity spans)."""
    return to_simplified(text).lower()


def normalize(text: str) -> str:
    """The matching form: ``fold`` plus punctuation, emoji and extra spaces removed."""
    folded = fold(text)
    # A full stop between digits is a decimal point (1.5万); elsewhere it is punctuation.
    folded = re.sub(r"(?<![0-9])\.|\.(?![0-9])", " ", folded)
    return _SPACES.sub(" ", _KEEP.sub(" ", folded)).strip()


def has_meaning(text: str) -> bool:
    """False for text with no letter, digit or ideograph at all (emoji, punctuation, blanks)."""
    return any(ch.isalnum() for ch in normalize(text))
