"""The slots an answer is computed from, resolved from the question and the context."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .conditions import Stated


@dataclass(frozen=True)
class Slots:
    amount: Decimal | None = None
    days: int | None = None
    months: int | None = None
    overdue_days: int | None = None
    repay_day: int | None = None
    score: int | None = None
    bound: str | None = None  # "low" / "high": only the lowest or the highest rate of a range
    advice: bool = False  # the user asks which to borrow / whether to borrow
    stated: Stated = Stated()  # the user's own conditions (实名月数, 交易笔数, 持仓) for an eligibility verdict
