"""Immutable typed objects of the knowledge base: sources, products, facts and their conflicts.

Figures are typed data (yuan, percent with its period, multiplier, months),
never prose; every fact carries its provenance (document and section).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Literal

from ..datafiles.records import Record, record, rule

Period = Literal["day", "month", "year"]
Comparator = Literal["=", ">", ">=", "<", "<=", "~"]

# ---------------------------------------------------------------- values


@record
class Money(Record):
    type: Literal["money"]
    yuan: Decimal = rule(ge=0)
    op: Comparator = "="


@record
class MoneyRange(Record):
    type: Literal["money_range"]
    min_yuan: Decimal = rule(ge=0)
    max_yuan: Decimal = rule(ge=0)


@record
class Rate(Record):
    """A rate in percent per period, e.g. 0.05 %/day."""

    type: Literal["rate"]
    percent: Decimal = rule(ge=0)
    period: Period
    fixed: bool = False


@record
class RateRange(Record):
    type: Literal["rate_range"]
    min_percent: Decimal = rule(ge=0)
    max_percent: Decimal = rule(ge=0)
    period: Period


@record
class Multiplier(Record):
    """A multiple of the daily rate (overdue penalty)."""

    type: Literal["multiplier"]
    times: Decimal = rule(gt=0)
    late_fee: bool = False  # 违约金 charged on top (amount not stated)


PrepaymentRule = Literal["free", "remaining_days_interest"]


@record
class FeeRule(Record):
    """How early repayment is charged."""

    type: Literal["fee_rule"]
    rule: PrepaymentRule


@record
class Months(Record):
    type: Literal["months"]
    months: int = rule(ge=0)
    op: Comparator = "="


@record
class Score(Record):
    """A 芝麻分 requirement: ``required`` false, or a minimum score."""

    type: Literal["score"]
    required: bool
    min: int | None = rule(default=None, ge=350, le=950)


@record
class Percent(Record):
    """A share or statistic in percent (a weight, a rate of bad debt…)."""

    type: Literal["percent"]
    percent: Decimal
    op: Comparator = "="


@record
class Quantity(Record):
    """Any other counted figure with its unit (次/日, 元/人, 人, 秒 …)."""

    type: Literal["quantity"]
    amount: Decimal
    unit: str = rule(min_length=1)
    op: Comparator = "="


@record
class Change(Record):
    """A figure that moved from one value to another (审批 18 小时 → 8 秒)."""

    type: Literal["change"]
    before: Decimal
    after: Decimal
    unit_before: str
    unit_after: str


@record
class Stars(Record):
    """A star rating as printed (★★☆); ``full`` counts the filled stars."""

    type: Literal["stars"]
    full: int = rule(ge=0, le=5)
    glyphs: str = rule(pattern=r"^[★☆]+$")


@record
class Text(Record):
    """A fact with no figure of its own."""

    type: Literal["text"]


# told apart by their ``type``
Value = (Money | MoneyRange | Rate | RateRange | Multiplier | FeeRule | Months | Score | Percent | Quantity | Change
         | Stars | Text)

# ---------------------------------------------------------------- facts

Topic = Literal[
    "platform", "positioning", "zhima_requirement", "max_amount", "entry_tier", "annual_rate", "daily_rate",
    "average_rate", "overdue_penalty", "prepayment_fee", "real_name_months", "account_activity", "asset_proof",
    "credit_dimension", "credit_weight", "data_layer", "algorithm", "limit_factor", "limit_adjustment",
    "anti_fraud", "risk_control", "application", "approval_time", "repayment_methods", "service",
    "risk_statistics", "acquisition_cost", "user_coverage", "funding", "conversion", "compliance",
    "cooperation", "future_plan",
]


@record
class SourceRef(Record):
    doc: str
    section: str


@record
class Fact(Record):
    id: str = rule(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
    product: str
    topic: Topic
    label: str | None = None  # short Chinese name of the row, e.g. 财务健康度
    value: Value
    text: str = rule(min_length=2)  # our own wording, shown in answers
    source: SourceRef


@record
class Section(Record):
    key: str  # 导言, 一, 二 …
    title: str


@record
class Source(Record):
    id: str
    file: str
    title: str
    sections: tuple[Section, ...]

    def section_title(self, key: str) -> str | None:
        return next((s.title for s in self.sections if s.key == key), None)


@record
class Product(Record):
    id: str = rule(pattern=r"^[a-z0-9_]+$")
    name: str
    kind: Literal["loan", "platform", "reference", "outside"]  # outside: named so the bot can say it has no facts
    platform: str | None = None  # product id of the platform (wechat, alipay)
    related: tuple[str, ...] = ()  # platforms whose facts also describe this product
    aliases: tuple[str, ...] = ()
    summary: str = ""
    channel: str = ""  # where a user gets account-specific help: the product's official page and customer service
    # a name used for everything (微信, 支付宝): named alone, it does not make a question one about loans
    generic: bool = False


@record
class Conflict(Record):
    """A known disagreement or inconsistency, kept as data and checked by code.

    kinds:
    - ``disagreement``: the documents give different values (all kept);
    - ``day_basis``: an annual range equals the daily range × ``basis`` days;
    - ``rate_mismatch``: a daily rate matches its stated annual rate on neither basis.
    """

    id: str
    kind: Literal["disagreement", "day_basis", "rate_mismatch"]
    product: str
    facts: tuple[str, ...] = rule(min_length=2)
    basis: Literal[360, 365] | None = None
    text: str
