"""Repayment plans and cost comparisons as pictures (PNG) and spreadsheets (CSV).

An answer names what it can be drawn as with a short ASCII spec (``Reply.figure``, small enough for Telegram's
64-byte callback data); the chart data are the same Decimal schedules (``bot.calc``) the answer's text was
written from. matplotlib (Agg backend) is imported only inside :func:`png`, so answering questions never
loads it; Chinese labels use Noto Sans SC from the ``pylopdf-fonts-zh-cn`` wheel, loaded by file path.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Literal

from . import calc
from .text import display

METHODS: dict[str, calc.Method] = {"ei": "equal_instalment", "ep": "equal_principal"}
METHOD_NAMES = {"equal_instalment": "等额本息", "equal_principal": "等额本金"}
CSV_HEADER = ("期数", "还款额（元）", "本金（元）", "利息（元）", "剩余本金（元）")


# ---------------------------------------------------------------- specs (what an answer can be drawn as)
@dataclass(frozen=True)
class PlanSpec:
    """One product's instalment plan: amount, months, method and the daily rate shown."""

    product: str
    amount: Decimal
    months: int
    method: calc.Method
    daily_rate: Decimal

    def encode(self) -> str:
        code = next(k for k, v in METHODS.items() if v == self.method)
        return f"i:{self.product}:{self.amount.normalize():f}:{self.months}:{code}:{self.daily_rate.normalize():f}"

    def schedule(self) -> calc.Schedule:
        monthly = calc.monthly_from_daily(self.daily_rate, calc.DAYS_PER_MONTH)
        make = calc.equal_instalment_schedule if self.method == "equal_instalment" else calc.equal_principal_schedule
        return make(self.amount, monthly, self.months)


@dataclass(frozen=True)
class CostSpec:
    """Total interest of several products for one amount and term, at each product's rate bounds.

    ``kind`` ``d``: simple daily interest for ``term`` days; ``e``: equal instalments over ``term`` months.
    """

    kind: Literal["d", "e"]
    amount: Decimal
    term: int
    products: tuple[str, ...]

    def encode(self) -> str:
        return f"c:{self.kind}:{self.amount.normalize():f}:{self.term}:{'.'.join(self.products)}"

    def cost(self, daily_rate: Decimal) -> Decimal:
        if self.kind == "d":
            return calc.daily_interest(self.amount, daily_rate, self.term)
        monthly = calc.monthly_from_daily(daily_rate, calc.DAYS_PER_MONTH)
        return calc.equal_instalment_schedule(self.amount, monthly, self.term).total_interest

    @property
    def term_text(self) -> str:
        return f"用{self.term}天" if self.kind == "d" else f"分{self.term}期（等额本息）"


Spec = PlanSpec | CostSpec


def decode(spec: str) -> Spec:
    """The spec of ``encode``; ValueError when it is not one."""
    parts = spec.split(":")
    try:
        if parts[0] == "i" and len(parts) == 6:
            return PlanSpec(parts[1], Decimal(parts[2]), int(parts[3]), METHODS[parts[4]], Decimal(parts[5]))
        if parts[0] == "c" and len(parts) == 5 and parts[1] in ("d", "e"):
            kind: Literal["d", "e"] = "d" if parts[1] == "d" else "e"
            return CostSpec(kind, Decimal(parts[2]), int(parts[3]), tuple(parts[4].split(".")))
    except (ArithmeticError, KeyError, ValueError):
        pass
    raise ValueError(f"not a figure spec: {spec!r}")


# ---------------------------------------------------------------- chart data
@dataclass(frozen=True)
class Row:
    """One period rounded to the fen so that the rows add up to the totals shown."""

    period: int
    payment: Decimal
    principal: Decimal
    interest: Decimal
    remaining: Decimal


@dataclass(frozen=True)
class PlanChart:
    name: str
    spec: PlanSpec
    schedule: calc.Schedule
    rows: tuple[Row, ...]

    @property
    def total_interest(self) -> Decimal:
        return display.fen(self.schedule.total_interest)

    @property
    def total_payment(self) -> Decimal:
        return display.fen(self.schedule.principal) + self.total_interest

    @property
    def title(self) -> str:
        s = self.spec
        return (f"{self.name}借{display.yuan(s.amount)}元分{s.months}期（{METHOD_NAMES[s.method]}，"
                f"日利率{display.percent_trim(s.daily_rate)}）\n共还{display.yuan(self.total_payment)}元，"
                f"其中利息{display.yuan(self.total_interest)}元")

    def labels(self) -> list[str]:
        return [self.title, "期数", "金额（元）", "本金", "利息"]


@dataclass(frozen=True)
class CostChart:
    spec: CostSpec
    names: tuple[str, ...]
    rates: tuple[tuple[Decimal, ...], ...]  # per product: its daily rate bounds (one for a fixed rate)
    costs: tuple[tuple[Decimal, ...], ...]  # per product: total interest at each bound, exact

    @property
    def title(self) -> str:
        return f"借{display.yuan(self.spec.amount)}元{self.spec.term_text}的总利息"

    @property
    def note(self) -> str:
        fixed = [n for n, r in zip(self.names, self.rates, strict=True) if len(r) == 1]
        return "、".join(fixed) + "为固定日利率（两根柱相同）" if fixed else ""

    def labels(self) -> list[str]:
        return [self.title, "利息（元）", "日利率下限", "日利率上限", self.note, *self.names]


Chart = PlanChart | CostChart


def rounded_rows(schedule: calc.Schedule) -> tuple[Row, ...]:
    """Rows at the fen: each payment as shown; interest rounded on its running total (so the interest
    column adds up to the rounded total interest); the last period takes the remaining principal."""
    rows: list[Row] = []
    paid_interest = paid_principal = Decimal(0)
    running = Decimal(0)
    for index, row in enumerate(schedule.rows):
        running += row.interest
        interest = display.fen(running) - paid_interest
        if index == len(schedule.rows) - 1:
            principal = schedule.principal - paid_principal
        else:
            principal = display.fen(row.payment) - interest
        paid_interest += interest
        paid_principal += principal
        rows.append(Row(row.period, principal + interest, principal, interest, schedule.principal - paid_principal))
    return tuple(rows)


def plan_chart(spec: PlanSpec, name: str) -> PlanChart:
    schedule = spec.schedule()
    return PlanChart(name, spec, schedule, rounded_rows(schedule))


def cost_chart(spec: CostSpec, name: Callable[[str], str], bounds: Callable[[str], list[Decimal]]) -> CostChart:
    rates = tuple(tuple(bounds(p)) for p in spec.products)
    costs = tuple(tuple(spec.cost(r) for r in product_rates) for product_rates in rates)
    return CostChart(spec, tuple(name(p) for p in spec.products), rates, costs)


def chart(spec: str, name: Callable[[str], str], bounds: Callable[[str], list[Decimal]]) -> Chart:
    """The data of a figure spec (``Reply.figure``); ValueError for an unknown spec or product."""
    decoded = decode(spec)
    if isinstance(decoded, PlanSpec):
        return plan_chart(decoded, name(decoded.product))
    return cost_chart(decoded, name, bounds)


def caption(data: Chart) -> str:
    """The text under the picture."""
    if isinstance(data, PlanChart):
        return data.title.replace("\n", "：") + "。" + ("每月" + display.yuan(data.rows[0].payment) + "元"
                                                       if data.spec.method == "equal_instalment" else
                                                       f"首月{display.yuan(data.rows[0].payment)}元，逐月递减")
    parts = []
    for name, costs in zip(data.names, data.costs, strict=True):
        parts.append(f"{name} {'–'.join(display.yuan(c) for c in costs)}元")
    return data.title + "：" + "；".join(parts)


# ---------------------------------------------------------------- CSV
def csv_bytes(data: PlanChart) -> bytes:
    """The schedule as CSV (UTF-8 with BOM so spreadsheet apps read the Chinese header), plus a total row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in data.rows:
        writer.writerow([row.period, f"{row.payment:.2f}", f"{row.principal:.2f}", f"{row.interest:.2f}",
                         f"{row.remaining:.2f}"])
    writer.writerow(["合计", f"{data.total_payment:.2f}", f"{display.fen(data.schedule.principal):.2f}",
                     f"{data.total_interest:.2f}", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def file_stem(data: Chart) -> str:
    if isinstance(data, PlanChart):
        s = data.spec
        return f"还款计划_{data.name}_{s.amount.normalize():f}元_{s.months}期"
    return f"利息对比_{data.spec.amount.normalize():f}元_{data.spec.term}{'天' if data.spec.kind == 'd' else '期'}"


# ---------------------------------------------------------------- PNG
def font_path() -> Path:
    """Noto Sans SC, shipped as a file in a dependency (no system font needed)."""
    import pylopdf_fonts_zh_cn

    return Path(pylopdf_fonts_zh_cn.sans_path())


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` the chart font has no glyph for (would render as tofu boxes)."""
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(str(font_path())).get_charmap()
    return {c for c in text if not c.isspace() and ord(c) not in charmap}


def _money_float(value: Decimal) -> float:
    """Plotting needs floats; the values are rounded to the fen first, as everywhere they are shown."""
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def png(data: Chart) -> bytes:
    """Draw the chart (matplotlib, Agg backend, imported here only). Safe to call from a worker thread."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font = FontProperties(fname=str(font_path()))
    fig = Figure(figsize=(7.2, 4.8), dpi=110)  # Figure, not pyplot: no global state, thread-safe
    ax = fig.add_subplot()
    if isinstance(data, PlanChart):
        periods = [r.period for r in data.rows]
        principal = [_money_float(r.principal) for r in data.rows]
        interest = [_money_float(r.interest) for r in data.rows]
        ax.bar(periods, principal, color="#4C78A8", label="本金")
        ax.bar(periods, interest, bottom=principal, color="#F58518", label="利息")
        ax.set_xlabel("期数", fontproperties=font)
        ax.set_xticks(periods if len(periods) <= 24 else periods[::max(1, len(periods) // 12)])
        ax.set_ylabel("金额（元）", fontproperties=font)
        ax.legend(prop=font, loc="lower right")
    else:
        width = 0.38
        xs = list(range(len(data.names)))
        for slot, (label, color) in enumerate((("日利率下限", "#54A24B"), ("日利率上限", "#E45756"))):
            heights = [_money_float(c[min(slot, len(c) - 1)]) for c in data.costs]
            offsets = [x + (slot - 0.5) * width for x in xs]
            bars = ax.bar(offsets, heights, width, color=color, label=label)
            ax.bar_label(bars, labels=[f"{h:,.2f}" for h in heights], fontsize=8)
        ax.set_xticks(xs, labels=list(data.names), fontproperties=font)
        ax.set_ylabel("利息（元）", fontproperties=font)
        ax.legend(prop=font)
        if data.note:
            ax.text(0.01, 0.98, data.note, transform=ax.transAxes,
                    va="top", fontproperties=font, fontsize=8)
    ax.set_title(data.title, fontproperties=font, fontsize=11)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
