"""What every answer renderer shares: the draft an answer is written into, and the writer's common helpers."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..calc import DAYS_PER_MONTH
from ..knowledge.base import KnowledgeBase
from ..knowledge.labels import TOPIC_LABELS, format_value
from ..knowledge.models import Fact, Money
from ..text.display import fen, labelled, num, pct, wan
from .slots import Slots

EXAMPLE_AMOUNT = Decimal(10000)
EXAMPLE_DAYS = 30
EXAMPLE_MONTHS = 12
CALCULATION, COMPARISON, CONDITIONS, MORE = "详细计算", "完整对比", "全部条件", "展开全部"
LISTED_BRIEF = 2  # facts per product in the short version of a listed answer


@dataclass
class Draft:
    """An answer being written: the answer itself (``head``), the full body, an optional short body,
    and the facts it relied on."""

    lines: list[str] = field(default_factory=list)  # the full body
    facts: list[Fact] = field(default_factory=list)
    explained: set[str] = field(default_factory=set)  # conflicts already spelled out in the answer
    head: list[str] = field(default_factory=list)  # one or two lines that answer exactly what was asked
    brief: list[str] | None = None  # the short body; None: the full body is short already
    label: str = "详细"  # the button that opens the full version
    figure: str | None = None  # what the answer can be drawn as (bot.figures spec)
    title: str | None = None  # the part's header in a reply to several questions, when not the intent's title

    def add(self, line: str, *facts: Fact) -> None:
        self.lines.append(line)
        self.facts.extend(facts)

    def lead(self, line: str, *facts: Fact) -> None:
        self.head.append(line)
        self.facts.extend(facts)

    def short(self, line: str, *facts: Fact) -> None:
        if self.brief is None:
            self.brief = []
        self.brief.append(line)
        self.facts.extend(facts)


def condition(fact: Fact) -> str:
    """A condition's threshold without repeating its label: 芝麻分≥600分, 实名认证超过12个月 …"""
    figure = format_value(fact)
    if not figure:
        return fact.text
    if fact.topic == "zhima_requirement":
        return "不强制看芝麻分" if figure == "不强制" else f"芝麻分{figure}"
    if fact.topic == "real_name_months":
        return f"实名认证{figure}"
    if fact.topic == "account_activity":
        return f"活跃度{figure}"
    return f"{fact.label or TOPIC_LABELS[fact.topic]}{figure}"


class Writer:
    """The knowledge base and the helpers the renderers share (a product's name, which products, …)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def name(self, pid: str) -> str:
        return self.kb.product(pid).name

    def _per_product(self, products: tuple[str, ...]) -> tuple[str, ...]:
        return products or tuple(p.id for p in self.kb.loan_products)

    def _fact_line(self, fact: Fact, with_label: bool = False) -> str:
        return f"• {labelled(fact.label if with_label else None, fact.text)}"

    def _rate_label(self, rate: Decimal, pid: str) -> str:
        """固定日利率 for a fixed rate, 日利率下限/上限 for an end of a range."""
        bounds = self.kb.daily_rates(pid)[0]
        if rate not in bounds:  # the user's own ("日利率万五")
            return f"你给的日利率{pct(rate)}"
        if len(bounds) == 1:
            return f"固定日利率{pct(rate)}"
        return f"日利率{'下限' if rate == bounds[0] else '上限'}{pct(rate)}"

    @staticmethod
    def _lends_nothing(slots: Slots, draft: Draft) -> bool:
        """An amount given that is 0.00元 once rounded to the fen ("借0元分12期") lends nothing: one line says so,
        instead of zero figures (a schedule refuses a zero principal)."""
        if slots.amount is None or fen(slots.amount) > 0:
            return False
        said = "金额是0元" if slots.amount.is_zero() else "金额不到1分钱"
        draft.lead(f"{said}：不借钱就没有利息、分期或罚息可算。告诉我一个大于0的金额（比如“借1万分12期”），我再算。")
        return True

    def _too_much(self, pid: str, amount: Decimal, draft: Draft) -> bool:
        top, facts = self.kb.maximum(pid)
        if top is not None and amount > top:
            draft.add(f"【{self.name(pid)}】{wan(amount)}超过了资料中的最高额度{num(top)}元，不按这个金额计算。",
                      *facts)
            return True
        return False

    def _note_amount(self, pid: str, amount: Decimal, draft: Draft) -> None:
        stated = [(f, f.value) for f in self.kb.find(pid, "max_amount") if isinstance(f.value, Money)]
        if stated and amount > stated[0][1].yuan:
            draft.add(f"  注意：{wan(amount)}超过其中一份资料写的最高{num(stated[0][1].yuan)}元。", stated[0][0])

    def _chosen_rates(self, pid: str, slots: Slots, draft: Draft | None = None) -> tuple[list[Decimal], list[Fact]]:
        """The daily rate(s) a calculation uses: the user's own ("我的日利率是万五"; the documents' rate is then
        added to ``draft`` beside it, with its source), else both ends of the documents' range or only the one asked
        for ("按最低日利率")."""
        bounds, facts = self.kb.daily_rates(pid)
        if slots.rate is not None and bounds:  # a product without a daily rate (芝麻信用) is no loan to calculate
            if draft is not None:
                draft.add(f"  按你给的日利率{pct(slots.rate)}算；资料写的{self.name(pid)}日利率是"
                          f"{'–'.join(pct(r) for r in bounds)}。", *facts)
            return [slots.rate], []
        if slots.bound and len(bounds) > 1:
            bounds = bounds[:1] if slots.bound == "low" else bounds[-1:]
        return bounds, facts

    @staticmethod
    def _rate_words(slots: Slots) -> str:
        """How a first line names the daily rate it used: the user's own or the documents'."""
        return "按你给的日利率" if slots.rate is not None else "日利率"

    @staticmethod
    def _own_rate(slots: Slots) -> str:
        """What a first line that names no rate adds when it used the user's own ("（按你给的日利率0.05%）")."""
        return f"（按你给的日利率{pct(slots.rate)}）" if slots.rate is not None else ""

    def _amount(self, slots: Slots, products: tuple[str, ...]) -> Decimal:
        """The amount a calculation uses: the user's, else EXAMPLE_AMOUNT — or, when every product asked lends
        less than that (WE2000: 2000元), the largest of their maximums, so the example is one they would lend."""
        if slots.amount is not None:
            return slots.amount
        tops = [self.kb.maximum(pid)[0] for pid in self._per_product(products)]
        if tops and all(top is not None and top < EXAMPLE_AMOUNT for top in tops):
            return max(top for top in tops if top is not None)
        return EXAMPLE_AMOUNT

    @staticmethod
    def _example_note(slots: Slots, draft: Draft, amount: Decimal, also: str = "") -> None:
        """The first line says when the figures below rest on an example amount (or term), not the user's."""
        if slots.amount is None:
            draft.lead(f"没有说金额，下面按{num(amount)}元{also}举例。")
        elif also:
            draft.lead(f"没有说期数，下面按{also.lstrip('、')}举例。")

    def _days(self, slots: Slots) -> tuple[int, str]:
        if slots.days:
            return slots.days, ""
        if slots.months:
            return slots.months * DAYS_PER_MONTH, f"{slots.months}个月按每月{DAYS_PER_MONTH}天计"
        return EXAMPLE_DAYS, f"没有说天数，按{EXAMPLE_DAYS}天举例"
