"""The slots an answer is computed from: the numbers of the question and the context, plus what the dialogue
adds (a request for advice, the user's own conditions)."""
from __future__ import annotations

from dataclasses import dataclass

from ..understanding.slots import SlotValues
from .conditions import Stated


@dataclass(frozen=True)
class Slots(SlotValues):
    advice: bool = False  # the user asks which to borrow / whether to borrow
    stated: Stated = Stated()  # the user's own conditions (实名月数, 交易笔数, 持仓) for an eligibility verdict

    @classmethod
    def of(cls, values: SlotValues) -> Slots:
        return cls(**values.given())
