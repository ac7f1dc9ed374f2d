"""Text normalization for matching: NFKC, Traditional→Simplified, lower case, no punctuation or emoji.

The user's original text is kept by the caller for display and logs; only the
matching pipeline sees the normalized form.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc
from opencc import OpenCC  # opencc-python-reimplemented: a maintained, dictionary-based t2s converter

_T2S = OpenCC("t2s")


def _traditional_chars() -> frozenset[str]:
    """Characters opencc's t2s character table maps to something else: text without any is already Simplified.

    (Its phrase table only re-reads phrases that contain such characters.)
    """
    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if source and targets.split(" ")[0] != source:
            chars.add(source)
    return frozenset(chars)


_TRADITIONAL = _traditional_chars()

# Characters kept for matching: CJK ideographs, Latin letters, digits, and the
# few symbols that carry meaning in amounts and rates.
_KEEP = re.compile(r"[^0-9a-z\u4e00-\u9fff%.\-+￥¥×*/ ]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """NFKC-fold and convert Traditional characters to Simplified (case kept)."""
    text = unicodedata.normalize("NFKC", text)
    if _TRADITIONAL.isdisjoint(text):
        return text  # the common case: nothing to convert, skip opencc's pure-Python segmentation
    return _T2S.convert(text)


# Characters people type for another one of the same sound and meaning: 帐 for 账 (到帐, 帐单, 帐号), 劵 for 券
# (优惠劵); one character for one, so entity spans stay where they were
_VARIANTS = str.maketrans({"帐": "账", "劵": "券"})
# and a name typed with a character of the same sound (our own loans' names are found despite typos elsewhere)
_NAME_TYPOS = (("网商代", "网商贷"), ("商网贷", "网商贷"))


def fold(text: str) -> str:
    """NFKC, Traditional→Simplified, lower case and the usual variant characters (帐 → 账, 网商代 → 网商贷);
    punctuation kept (for entity spans)."""
    text = to_simplified(text).lower().translate(_VARIANTS)
    for typed, meant in _NAME_TYPOS:
        if typed in text:
            text = text.replace(typed, meant)
    return text


def normalize(text: str) -> str:
    """The matching form: ``fold`` plus punctuation, emoji and extra spaces removed."""
    return clean(fold(text))


def clean(folded: str) -> str:
    """Remove punctuation, emoji and extra spaces from already folded text."""
    # A full stop between digits is a decimal point (1.5万); elsewhere it is punctuation.
    folded = re.sub(r"(?<![0-9])\.|\.(?![0-9])", " ", folded)
    return _SPACES.sub(" ", _KEEP.sub(" ", folded)).strip()


def has_meaning(text: str) -> bool:
    """False for text with no letter, digit or ideograph at all (emoji, punctuation, blanks)."""
    return any(ch.isalnum() for ch in clean(text))
