"""The numbers a question can give (slots): the one definition that entities, the matching masks, the intents'
``slots``/``needs`` and the dialogue context all derive from."""
from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any, Literal, get_args


@dataclass(frozen=True)
class SlotValues:
    """The slots of one question or one conversation; None where not given."""

    amount: Decimal | None = None  # yuan
    days: int | None = None  # loan term in days
    months: int | None = None  # loan term in months / instalments
    overdue_days: int | None = None
    repay_day: int | None = None  # the day of an early repayment
    score: int | None = None  # 芝麻分
    bound: str | None = None  # "low" / "high": only the lowest or the highest rate of a range
    basis: str | None = None  # "annual": the cost asked by the annual rate ("按年化算")
    method: str | None = None  # "equal_principal" / "equal_instalment": the repayment method asked ("等额本金")
    least: bool | None = None  # True: the least one can borrow is asked ("最低能借多少"); False: the most ("最多呢")
    rate: Decimal | None = None  # a daily rate the user states as theirs ("我的日利率是万五" = 0.0005)

    def given(self) -> dict[str, Any]:
        """The slots that are set, by name (keyword arguments for this class and its subclasses)."""
        values = self.__dict__  # a frozen dataclass keeps its fields there: no getattr per name
        return {n: values[n] for n in SLOT_NAMES if values[n] is not None}

    def numbers(self) -> SlotValues:
        """Just the slots (a subclass's extras dropped): what a conversation remembers."""
        return SlotValues(**{n: getattr(self, n) for n in SLOT_NAMES})

    def updated(self, newer: SlotValues) -> SlotValues:
        """These values with the ones ``newer`` gives; a new term replaces the old one whatever its unit
        ("借1万用30天" then "3个月呢": the 30 days are gone)."""
        given = newer.given()
        if not given:
            return self  # nothing new (a frozen dataclass: no copy needed)
        if "days" in given and "months" not in given:
            given["months"] = None
        if "months" in given and "days" not in given:
            given["days"] = None
        return replace(self, **given)


SlotName = Literal["amount", "days", "months", "overdue_days", "repay_day", "score", "bound", "basis", "method",
                   "least", "rate"]
SLOT_NAMES: tuple[SlotName, ...] = get_args(SlotName)


@dataclass(frozen=True)
class SlotSpec:
    """How a slot shows in text: what its number becomes before matching ("借2万" and "借1万" look alike), and how
    it is asked about without a number ("借几万", a masked "借***天")."""

    mask: str | None
    unstated: re.Pattern[str] | None = None


SPECS: dict[SlotName, SlotSpec] = {
    "amount": SlotSpec("多少钱", re.compile(r"几(?:万|千|百|元|块)")),
    "days": SlotSpec("几天", re.compile(r"几(?:天|日)")),
    "months": SlotSpec("几个月", re.compile(r"几(?:个月|期)")),
    "overdue_days": SlotSpec("逾期几天"),
    "repay_day": SlotSpec("第几天"),
    "score": SlotSpec("我的芝麻分"),
    "bound": SlotSpec(None),
    "basis": SlotSpec(None),
    "method": SlotSpec(None),
    "least": SlotSpec(None),
    "rate": SlotSpec(None),  # not masked: "万三" reads as a rate word in matching too
}
assert tuple(f.name for f in fields(SlotValues)) == SLOT_NAMES == tuple(SPECS), "one slot list"
