"""The user's own numbers for an eligibility verdict: months since real-name verification, transactions per
week or month, holdings in 余额宝 / 理财通 (the 芝麻分 is a slot of its own)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..text.numbers import CN_CHARS, to_number

_NUM = rf"(\d+(?:\.\d+)?|[{CN_CHARS}]+)"
_REAL_NAME = re.compile(rf"实名(?:认证)?(?:了|时间|时长)?(?:已经|已|有|才|满|刚)?{_NUM}(个月|个多月|年)")
_TRADES = re.compile(rf"(?:每(周|星期|月|个月)|(周|月)均)(?:平均|大概|大约|约)?(?:有|交易|支付|消费)?"
                     rf"{_NUM}(?:多)?(?:笔|次)")
_HOLDING = re.compile(rf"(余额宝|理财通)(?:里|中|里面)?(?:有|持仓|存了|存|放了|放)?(?:大概|大约|约)?"
                      rf"{_NUM}(万|w|千|k)?(?:元|块)?")
_SCALE = {"万": 10_000, "w": 10_000, "千": 1_000, "k": 1_000}


@dataclass(frozen=True)
class Stated:
    """Numbers the user gave about themselves; None when not said."""

    real_name_months: int | None = None
    trades_per_week: Decimal | None = None
    trades_per_month: Decimal | None = None
    yuebao: Decimal | None = None  # 余额宝 holdings, yuan
    licaitong: Decimal | None = None  # 理财通 holdings, yuan

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.real_name_months, self.trades_per_week, self.trades_per_month,
                                           self.yuebao, self.licaitong))


def parse_stated(folded: str) -> Stated:
    """Read the user's conditions from normalized question text (``fold``)."""
    text = folded.replace(" ", "")
    values: dict[str, Any] = {}  # Stated's fields by name
    if m := _REAL_NAME.search(text):
        n = to_number(m.group(1))
        if n is not None:
            values["real_name_months"] = int(n * 12) if m.group(2) == "年" else int(n)
    for m in _TRADES.finditer(text):
        per = m.group(1) or m.group(2)
        n = to_number(m.group(3))
        if n is not None:
            values["trades_per_week" if per in ("周", "星期") else "trades_per_month"] = n
    for m in _HOLDING.finditer(text):
        n = to_number(m.group(2))
        if n is not None:
            values["yuebao" if m.group(1) == "余额宝" else "licaitong"] = n * _SCALE.get(m.group(3) or "", 1)
    return Stated(**values)
