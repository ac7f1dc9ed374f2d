"""Compose answers from the knowledge base: figures, their sources, disagreements shown openly,
calculations with their formula and assumptions, and a closing caution."""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .. import calc, figures
from ..knowledge.base import KnowledgeBase
from ..knowledge.labels import TOPIC_LABELS, format_value, num
from ..knowledge.models import Fact, FeeRule, Money, MoneyRange, Months, Multiplier, Quantity, Rate, RateRange, Score
from ..memo import Memo
from .slots import Slots

CAUTION = ("⚠️ 以上是根据两份公开资料整理的一般信息，不构成财务建议，也不是借款建议；"
           "实际额度、利率和费用以贷款机构的官方页面和合同为准。")
HUNDRED = Decimal(100)
EXAMPLE_AMOUNT = Decimal(10000)
EXAMPLE_DAYS = 30
EXAMPLE_MONTHS = 12
DAYS_PER_MONTH = figures.DAYS_PER_MONTH
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


@dataclass(frozen=True)
class Composed:
    """A composed answer: the phone-first text, the full text when longer, and what Reply carries besides."""

    text: str
    sources: tuple[str, ...]
    detail: str | None = None
    detail_label: str | None = None
    footer: str = ""
    figure: str | None = None

    def fields(self) -> dict[str, object]:
        """Keyword arguments for ``Reply``."""
        return {"text": self.text, "sources": self.sources, "detail": self.detail,
                "detail_label": self.detail_label, "footer": self.footer, "figure": self.figure}


def money(value: Decimal) -> str:
    """Rounded to the fen only here, for display: 60 → 60.00元."""
    return f"{calc.yuan(value)}元"


def pct(fraction: Decimal) -> str:
    return calc.percent_trim(fraction)


def approx(values: list[Decimal]) -> str:
    """Headline figures, ``a–b``: whole yuan when the larger is 100 or more (3386.03 → 3,386), else to the fen
    without trailing zeros (4.50 → 4.5); one figure when both ends agree."""
    whole = max(values) >= 100
    shown = [f"{int(v.quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}" if whole else f"{calc.fen(v).normalize():f}"
             for v in values]
    return "–".join(dict.fromkeys(shown))


def wan(amount: Decimal) -> str:
    """借2万 rather than 借20,000.00元 in a headline."""
    return f"{num(amount)}元" if amount == amount.to_integral() else money(amount)


def labelled(label: str | None, text: str) -> str:
    """``label：text`` unless the text already starts with (most of) its label: no "最高额度：最高额度20万元"."""
    if not label or os.path.commonprefix([label, text])[:2] == label[:2]:
        return text
    return f"{label}：{text}"


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


class Composer:
    """Writes the text of an answer for one intent and its products."""

    # Intents whose answer names its products one by one from these topics.
    LISTED: dict[str, tuple[str, ...]] = {
        # how to get it: the documents' opening rules, and where they give none (借呗, WE2000) the entry conditions
        "how_to_apply": ("application", "entry_tier", "platform", "zhima_requirement", "real_name_months",
                         "account_activity", "asset_proof"),
        "credit_evaluation": ("credit_weight", "credit_dimension", "data_layer", "algorithm"),
        "raise_limit": ("limit_factor", "limit_adjustment"),
        "risk_control": ("risk_control", "anti_fraud"),
        "approval_time": ("approval_time", "application"),
        "repayment_methods": ("repayment_methods",),
        "compliance": ("compliance",),
        "risk_statistics": ("risk_statistics",),
        "business_stats": ("acquisition_cost", "user_coverage", "funding", "conversion", "average_rate"),
        "future_plans": ("future_plan",),
    }
    # Topics that also come from a product's related platforms (借呗 ← 芝麻信用).
    SHARED_TOPICS = {"anti_fraud", "credit_dimension", "cooperation"}

    CACHE_SIZE = 4096

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._memo: Memo[tuple[object, ...], tuple[str, tuple[str, ...]]] = Memo(self.CACHE_SIZE)
        self._special: dict[str, Callable[[tuple[str, ...], Slots, Draft], None]] = {
            "zhima_requirement": self._zhima, "max_amount": self._max_amount, "rates": self._rates,
            "interest_cost": self._interest, "installment": self._installment, "overdue_penalty": self._overdue,
            "prepayment": self._prepayment, "eligibility": self._eligibility, "platform_cooperation": self._cooperation,
            "product_overview": self._overview, "compare": self._compare, "risk_statistics": self._risk_statistics,
            "business_stats": self._business,
        }

    # ---------------------------------------------------------------- entry
    def compose(self, intent: str, products: tuple[str, ...], slots: Slots, title: str) -> Composed:
        """The answer and its citations (memoized: a pure function of its arguments and the knowledge)."""
        return self.compose_many(((intent, title),), products, slots)

    def compose_many(self, parts: tuple[tuple[str, str], ...], products: tuple[str, ...], slots: Slots) -> Composed:
        """One answer to the questions of one message ((intent, title) each, in the order asked): each part
        headed by its title when there are several, one source line and one caution."""
        return self._memo.get((parts, products, slots), lambda: self._compose(parts, products, slots))

    def _compose(self, parts: tuple[tuple[str, str], ...], products: tuple[str, ...], slots: Slots) -> Composed:
        drafts: list[tuple[str, Draft]] = []
        for intent, title in parts:
            draft = Draft()
            handler = self._special.get(intent)
            if handler is not None:
                handler(products, slots, draft)
            else:
                self._listed(intent, products, draft, title)
            drafts.append((title, draft))
        every = Draft(facts=[f for _, d in drafts for f in d.facts],
                      explained=set().union(*(d.explained for _, d in drafts)))
        warnings = self._conflicts(every)
        sources = self._sources(every)
        footer = ("来源：" + "；".join(sources) + "\n\n" if sources else "") + CAUTION
        full: list[str] = []
        short: list[str] = []
        for title, draft in drafts:
            header = [f"〔{title}〕"] if len(drafts) > 1 else []
            full += header + draft.head + draft.lines
            short += header + draft.head + (draft.lines if draft.brief is None else draft.brief)
        full += warnings
        short += warnings
        detail = None if short == full else "\n".join(full) + "\n\n" + footer
        label = next((d.label for _, d in drafts if d.brief is not None), drafts[0][1].label)
        figure = next((d.figure for _, d in drafts if d.figure), None)
        return Composed("\n".join(short) + "\n\n" + footer, tuple(sources), detail,
                        label if detail else None, footer, figure)

    # ---------------------------------------------------------------- helpers
    def name(self, pid: str) -> str:
        return self.kb.product(pid).name

    def facts(self, pid: str, *topics: str) -> tuple[Fact, ...]:
        own = self.kb.find(pid, *topics)
        shared = [t for t in topics if t in self.SHARED_TOPICS]
        if shared and self.kb.has_product(pid):
            for related in self.kb.product(pid).related:
                own += self.kb.find(related, *shared)
        return own

    def daily_bounds(self, pid: str) -> tuple[list[Decimal], list[Fact]]:
        """The daily rate(s) as fractions (one for a fixed rate, two for a range) and the facts stating them."""
        facts = list(self.kb.find(pid, "daily_rate"))
        if not facts:
            return [], []
        value = facts[0].value
        if isinstance(value, RateRange):
            return [value.min_percent / HUNDRED, value.max_percent / HUNDRED], facts
        assert isinstance(value, Rate)
        return [value.percent / HUNDRED], facts

    def maximum(self, pid: str) -> tuple[Decimal | None, list[Fact]]:
        """The highest stated amount for a product across documents, with the facts that state maxima."""
        facts = list(self.kb.find(pid, "max_amount"))
        values = [f.value.yuan for f in facts if isinstance(f.value, Money)]
        for conflict in self.kb.conflicts_for(facts):
            for fid in conflict.facts:
                fact = self.kb.fact(fid)
                if isinstance(fact.value, MoneyRange) and fact not in facts:
                    facts.append(fact)
                    values.append(fact.value.max_yuan)
        return (max(values) if values else None), facts

    def _per_product(self, products: tuple[str, ...]) -> tuple[str, ...]:
        return products or tuple(p.id for p in self.kb.loan_products)

    def _fact_line(self, fact: Fact, with_label: bool = False) -> str:
        return f"• {labelled(fact.label if with_label else None, fact.text)}"

    def _conflicts(self, draft: Draft) -> list[str]:
        seen: set[str] = set()
        lines = []
        for conflict in self.kb.conflicts_for(draft.facts):
            if conflict.kind in ("disagreement", "rate_mismatch") and conflict.id not in seen | draft.explained:
                seen.add(conflict.id)
                lines.append(f"⚠️ {self.name(conflict.product)}：{conflict.text}")
        return lines

    def _sources(self, draft: Draft) -> list[str]:
        out: list[str] = []
        for fact in draft.facts:
            cite = self.kb.cite(fact.source)
            if cite not in out:
                out.append(cite)
        return out

    # ---------------------------------------------------------------- listed topics
    def covers(self, intent: str, pid: str) -> bool:
        """Whether a listed intent has facts about ``pid`` (a platform such as 芝麻信用 too)."""
        return intent in self.LISTED and bool(self.facts(pid, *self.LISTED[intent]))

    def _listed(self, intent: str, products: tuple[str, ...], draft: Draft, title: str) -> None:
        topics = self.LISTED.get(intent, ())
        for pid in self._per_product(products):
            facts = self.facts(pid, *topics)
            if not facts:
                draft.add(f"【{self.name(pid)}】资料里没有提到{self.name(pid)}的{title}。")
                continue
            draft.add(f"【{self.name(pid)}】{title}：")
            draft.short(f"【{self.name(pid)}】{title}：")
            for n, fact in enumerate(facts):
                draft.add(self._fact_line(fact, with_label=True), fact)
                if n < LISTED_BRIEF:
                    draft.short(self._fact_line(fact, with_label=True))
            if len(facts) > LISTED_BRIEF:
                draft.short(f"  …另有{len(facts) - LISTED_BRIEF}条")
        draft.label = MORE
        if draft.brief is not None and len(draft.brief) == len(draft.lines):
            draft.brief = None

    # ---------------------------------------------------------------- 芝麻分 and eligibility
    def _score_verdict(self, pid: str, score: int) -> tuple[str, Fact | None]:
        facts = self.kb.find(pid, "zhima_requirement")
        if not facts:
            return f"资料没有写{self.name(pid)}的芝麻分要求。", None
        value = facts[0].value
        assert isinstance(value, Score)
        if not value.required or value.min is None:
            return f"{self.name(pid)}不强制看芝麻分，{score}分本身不是门槛；能否开通主要看腾讯自己的评估。", facts[0]
        if score >= value.min:
            return (f"你的{score}分达到资料所写{self.name(pid)}的门槛（≥{value.min}分），"
                    f"但这只是条件之一，能否获批、额度多少还要看其他审核。"), facts[0]
        return f"你的{score}分低于资料所写{self.name(pid)}的门槛（≥{value.min}分），差{value.min - score}分。", facts[0]

    def _zhima(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        if slots.score is not None:
            self._verdict(self._per_product(products), slots, draft)
        for pid in self._per_product(products):
            facts = self.kb.find(pid, "zhima_requirement")
            if slots.score is not None:
                line, fact = self._score_verdict(pid, slots.score)
                draft.add(f"• {line}", *([fact] if fact else []))
            elif facts:
                draft.add(f"• {self.name(pid)}：{facts[0].text}。", facts[0])
            else:
                draft.add(f"• 资料没有写{self.name(pid)}的芝麻分要求。")
        if not products:
            note = self.kb.find("wechat", "cooperation")
            extra = [f for f in note if f.label == "并非都看芝麻分"]
            for fact in extra:
                draft.add(f"另外：{fact.text}。", fact)
        draft.label = CONDITIONS

    def _eligibility(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        topics = ("zhima_requirement", "real_name_months", "account_activity", "asset_proof")
        chosen = self._per_product(products)
        given = slots.score is not None or bool(slots.stated)
        if given:
            self._verdict(chosen, slots, draft)
        else:
            draft.lead(f"{'、'.join(self.name(p) for p in chosen)}的申请条件（资料所列门槛）：")
        for pid in chosen:
            facts = self.kb.find(pid, *topics)
            if not given:
                draft.short(f"【{self.name(pid)}】" + " · ".join(condition(f) for f in facts))
            draft.add(f"【{self.name(pid)}】资料列出的申请条件：")
            for fact in facts:
                draft.add(f"• {condition(fact)}", fact)
            for fact in self.kb.find(pid, "application")[:1]:
                draft.add(f"• {fact.text}", fact)
        if not given:
            draft.short("告诉我你的芝麻分、实名多久、每周/每月交易笔数或余额宝/理财通持仓，我逐项帮你对照。")
        draft.label = CONDITIONS

    def _verdict(self, chosen: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        """The user's numbers against each product's thresholds: which are met, which are not (headline first)."""
        stated = slots.stated
        checks: list[tuple[str, dict[str, tuple[bool | None, str]]]] = []
        if slots.score is not None:
            checks.append((f"芝麻分{slots.score}", {p: self._check_score(p, slots.score) for p in chosen}))
        if stated.real_name_months is not None:
            checks.append((f"实名{stated.real_name_months}个月",
                           {p: self._check_months(p, stated.real_name_months) for p in chosen}))
        if stated.trades_per_week is not None or stated.trades_per_month is not None:
            said = (f"每周{num(stated.trades_per_week)}笔" if stated.trades_per_week is not None
                    else f"每月{num(stated.trades_per_month or Decimal(0))}笔")
            checks.append((said, {p: self._check_trades(p, stated.trades_per_week, stated.trades_per_month)
                                  for p in chosen}))
        for place, held in (("余额宝", stated.yuebao), ("理财通", stated.licaitong)):
            if held is not None:
                checks.append((f"{place}{num(held)}元", {p: self._check_holding(p, place, held) for p in chosen}))
        topics = [t for t, used in (("zhima_requirement", slots.score is not None),
                                    ("real_name_months", stated.real_name_months is not None),
                                    ("account_activity", stated.trades_per_week or stated.trades_per_month),
                                    ("asset_proof", stated.yuebao or stated.licaitong)) if used]
        for pid in chosen:
            draft.facts.extend(f for t in topics for f in self.kb.find(pid, t)[:1])
        failed = {p: [label for label, by in checks if by[p][0] is False] for p in chosen}
        passed = [p for p in chosen if not failed[p]]
        if len(chosen) == 1:
            name = self.name(chosen[0])
            head = (f"按你给的条件，{name}的资料门槛都达到了" if passed else
                    f"按你给的条件，{name}的资料门槛还没全部达到：{'、'.join(failed[chosen[0]])}不够")
            draft.lead(head + "。")
        elif passed:
            head = f"按你给的条件，资料所列门槛都达到的：{'、'.join(self.name(p) for p in passed)}"
        else:
            head = "按你给的条件，没有一个产品的资料门槛全部达到"
        short_of = [f"{self.name(p)}（{'、'.join(failed[p])}）" for p in chosen if failed[p]]
        if len(chosen) > 1:
            draft.lead(head + (f"；没达到：{'；'.join(short_of)}" if short_of else "") + "。")
        for label, by in checks:
            met = [f"{self.name(p)}（{by[p][1]}）" for p in chosen if by[p][0] is True]
            unmet = [f"{self.name(p)}（{by[p][1]}）" for p in chosen if by[p][0] is False]
            other = [f"{self.name(p)}{by[p][1]}" for p in chosen if by[p][0] is None]
            parts = ([f"够{'、'.join(met)}"] if met else []) + ([f"不够{'、'.join(unmet)}"] if unmet else []) + other
            line = f"• {label}：" + "；".join(parts)
            draft.short(line)
            draft.add(line)
        draft.short("这些只是资料所列的门槛，达到了也不代表一定获批，额度和利率以平台审核为准。")

    def _threshold(self, pid: str, topic: str) -> Fact | None:
        facts = self.kb.find(pid, topic)
        return facts[0] if facts else None

    def _check_score(self, pid: str, score: int) -> tuple[bool | None, str]:
        fact = self._threshold(pid, "zhima_requirement")
        if fact is None or not isinstance(fact.value, Score):
            return None, "：资料没写芝麻分要求"
        if not fact.value.required or fact.value.min is None:
            return None, "不强制看芝麻分"
        low = fact.value.min
        return (True, f"≥{low}分") if score >= low else (False, f"≥{low}分，差{low - score}分")

    def _check_months(self, pid: str, months: int) -> tuple[bool | None, str]:
        fact = self._threshold(pid, "real_name_months")
        if fact is None or not isinstance(fact.value, Months):
            return None, "：资料没写实名时长要求"
        need, op = fact.value.months, fact.value.op
        ok = months > need if op == ">" else months >= need
        return ok, f"{'>' if op == '>' else '≥'}{need}个月"

    def _check_trades(self, pid: str, weekly: Decimal | None, monthly: Decimal | None) -> tuple[bool | None, str]:
        fact = self._threshold(pid, "account_activity")
        if fact is None or not isinstance(fact.value, Quantity):
            return None, "：资料没写活跃度要求"
        need, unit = fact.value.amount, fact.value.unit
        if unit == "笔/周":
            have = weekly if weekly is not None else (monthly or Decimal(0)) * 7 / DAYS_PER_MONTH
        elif unit == "笔/月":
            have = monthly if monthly is not None else (weekly or Decimal(0)) * DAYS_PER_MONTH / 7
        else:
            return None, f"看的是{format_value(fact)[2:]}（{fact.text}），不是交易笔数"
        converted = "" if (unit == "笔/周") == (weekly is not None) else "，按周月折算"
        return have >= need, f"≥{num(need)}{unit}{converted}"

    def _check_holding(self, pid: str, place: str, held: Decimal) -> tuple[bool | None, str]:
        fact = self._threshold(pid, "asset_proof")
        if fact is None:
            return None, "：资料没写资产要求"
        if not isinstance(fact.value, Money):
            return None, f"：{fact.text}"
        if place not in (fact.label or ""):
            return None, f"看的是{fact.label}，不是{place}"
        return held >= fact.value.yuan, f"{fact.label}≥{num(fact.value.yuan)}元"

    # ---------------------------------------------------------------- amounts and rates
    def _max_amount(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        for pid in self._per_product(products):
            facts = self.kb.find(pid, "max_amount")
            if not facts:
                draft.add(f"• 资料没有写{self.name(pid)}的最高额度。")
                continue
            for fact in facts:
                draft.add(f"• {self.name(pid)}：{fact.text}（{self.kb.source(fact.source.doc).title}）", fact)
            for tier in self.kb.find(pid, "entry_tier"):
                if isinstance(tier.value, MoneyRange):
                    draft.add(f"  - {tier.text}", tier)
            if slots.amount is not None:
                draft.add("  " + self._amount_verdict(pid, slots.amount))

    def _amount_verdict(self, pid: str, amount: Decimal) -> str:
        top, facts = self.maximum(pid)
        if top is None:
            return f"→ 资料没有写{self.name(pid)}的最高额度，无法判断{money(amount)}是否超出。"
        stated = sorted({f.value.yuan for f in facts if isinstance(f.value, Money)})
        if amount > top:
            return f"→ 你想借的{money(amount)}超过了资料中{self.name(pid)}的最高额度（{num(top)}元）。"
        if stated and amount > stated[-1]:
            return (f"→ {money(amount)}超过一份资料写的最高{num(stated[-1])}元，"
                    f"只在另一份资料所说的核心优质客户额度（最高{num(top)}元）之内。")
        return f"→ {money(amount)}没有超过资料所写的最高额度；实际能借多少以你自己的授信为准。"

    def _rates(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        for pid in self._per_product(products):
            daily = self.kb.find(pid, "daily_rate")
            annual = self.kb.find(pid, "annual_rate")
            if not daily and not annual:
                draft.add(f"• 资料没有写{self.name(pid)}的利率。")
                continue
            parts = [f.text for f in (daily[:1] + annual[:1])]
            draft.add(f"• {self.name(pid)}：" + "；".join(parts) + "。", *daily, *annual)
            for conflict in self.kb.conflicts_for(daily + annual):
                if conflict.kind == "day_basis":
                    draft.add(f"  （{conflict.text}资料没有写明按多少天折算，这是按数字推算的。）")
                elif conflict.kind == "rate_mismatch":
                    bounds, _ = self.daily_bounds(pid)
                    conv = "、".join(f"按{b}天折算为{pct(bounds[0] * b)}" for b in (360, 365))
                    draft.add(f"  （资料里的两个数字对不上：日利率{pct(bounds[0])}{conv}，都不是资料写的年化"
                              f"{format_value(annual[0])[2:]}。）")
                    draft.explained.add(conflict.id)
        draft.add("利息按日计：利息 = 本金 × 日利率 × 天数。告诉我金额和天数（比如“借1万用30天”），我可以帮你算出来。")

    def _rate_label(self, rate: Decimal, bounds: list[Decimal]) -> str:
        if len(bounds) == 1:
            return f"固定日利率{pct(rate)}"
        return f"日利率{'下限' if rate == bounds[0] else '上限'}{pct(rate)}"

    def _too_much(self, pid: str, amount: Decimal, draft: Draft) -> bool:
        top, facts = self.maximum(pid)
        if top is not None and amount > top:
            draft.add(f"【{self.name(pid)}】{money(amount)}超过了资料中的最高额度{num(top)}元，不按这个金额计算。",
                      *facts)
            return True
        return False

    # ---------------------------------------------------------------- calculations
    def _interest(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        amount = slots.amount or EXAMPLE_AMOUNT
        days, how = self._days(slots)
        assumed = [] if slots.amount else [f"没有说金额，按{money(amount)}举例"]
        if how:
            assumed.append(how)
        draft.add(f"借{money(amount)}、用{days}天的利息（利息 = 本金 × 日利率 × 天数）：")
        drawn = []
        for pid in self._per_product(products):
            if self._too_much(pid, amount, draft):
                draft.short(draft.lines[-1])
                continue
            bounds, facts = self.daily_bounds(pid)
            if not bounds:
                draft.add(f"• {self.name(pid)}：资料没有日利率，无法计算。")
                continue
            costs = [calc.daily_interest(amount, r, days) for r in bounds]
            shown = "–".join(money(c) for c in costs)
            rates = "–".join(pct(r) for r in bounds)
            draft.add(f"• {self.name(pid)}（日利率{rates}）：{shown}", *facts)
            draft.lead(f"{self.name(pid)}借{wan(amount)}用{days}天：利息约{approx(costs)}元（日利率{rates}）")
            self._note_amount(pid, amount, draft)
            drawn.append(pid)
        draft.add("假设：" + "；".join(assumed + ["按日计息、到期一次还本付息，不含逾期罚息、违约金等其他费用",
                                                "区间产品的实际利率以审批结果为准"]) + "。")
        draft.short("利息 = 本金 × 日利率 × 天数，到期一次还本付息，不含罚息等其他费用"
                    + ("；" + "；".join(assumed) if assumed else "") + "。")
        draft.label = CALCULATION
        if len(drawn) >= 2:
            draft.figure = figures.CostSpec("d", amount, days, tuple(drawn)).encode()

    def _note_amount(self, pid: str, amount: Decimal, draft: Draft) -> None:
        stated = [f for f in self.kb.find(pid, "max_amount") if isinstance(f.value, Money)]
        if stated and amount > stated[0].value.yuan:
            draft.add(f"  注意：{money(amount)}超过其中一份资料写的最高{num(stated[0].value.yuan)}元。", stated[0])

    def _days(self, slots: Slots) -> tuple[int, str]:
        if slots.days:
            return slots.days, ""
        if slots.months:
            return slots.months * DAYS_PER_MONTH, f"{slots.months}个月按每月{DAYS_PER_MONTH}天计"
        return EXAMPLE_DAYS, f"没有说天数，按{EXAMPLE_DAYS}天举例"

    def _installment(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        amount = slots.amount or EXAMPLE_AMOUNT
        months = slots.months or (slots.days // DAYS_PER_MONTH if slots.days and slots.days >= DAYS_PER_MONTH else None)
        months = months or EXAMPLE_MONTHS
        assumed = [] if slots.amount else [f"没有说金额，按{money(amount)}举例"]
        if not (slots.months or slots.days):
            assumed.append(f"没有说期数，按{EXAMPLE_MONTHS}期举例")
        draft.add(f"借{money(amount)}、分{months}期，两种常见还款方式：")
        plans: list[figures.PlanSpec] = []
        aprs: list[Decimal] = []
        for pid in self._per_product(products):
            if self._too_much(pid, amount, draft):
                draft.short(draft.lines[-1])
                continue
            bounds, facts = self.daily_bounds(pid)
            if not bounds:
                draft.add(f"【{self.name(pid)}】资料没有日利率，无法计算。")
                draft.short(draft.lines[-1])
                continue
            draft.add(f"【{self.name(pid)}】", *facts)
            evens = []
            for rate in bounds:
                monthly = calc.monthly_from_daily(rate, DAYS_PER_MONTH)
                even = calc.equal_instalment_schedule(amount, monthly, months)
                principal = calc.equal_principal_schedule(amount, monthly, months)
                apr = calc.annualized_rate_irr(even)
                evens.append(even)
                aprs.append(apr)
                draft.add(f"• {self._rate_label(rate, bounds)}（月利率{pct(monthly)}）：")
                draft.add(f"  等额本息：每月{money(even.first_payment)}，总利息{money(even.total_interest)}")
                draft.add(f"  等额本金：首月{money(principal.first_payment)}，逐月递减到{money(principal.last_payment)}，"
                          f"总利息{money(principal.total_interest)}")
                draft.add(f"  年化利率（IRR×12，按人民银行公告〔2021〕第3号的方法）：{calc.percent(apr)}")
            payments = approx([e.first_payment for e in evens])
            interest = approx([e.total_interest for e in evens])
            draft.lead(f"{self.name(pid)}借{wan(amount)}分{months}期（等额本息）：每月约{payments}元，"
                       f"总利息约{interest}元（日利率{'–'.join(pct(r) for r in bounds)}）")
            plans.append(figures.PlanSpec(pid, amount, months, "equal_instalment", bounds[-1]))
        draft.add("算法：等额本息每月还款 = 本金×月利率×(1+月利率)^期数 ÷ ((1+月利率)^期数−1)；"
                  "等额本金每月还 本金÷期数 + 剩余本金×月利率。")
        draft.add("假设：" + "；".join(assumed + [f"月利率 = 日利率 × {DAYS_PER_MONTH}（资料只给了日利率）",
                                                "资料没有说明这些产品实际提供哪种分期方式，这里只是按公式演示"]) + "。")
        if aprs:
            draft.short(f"年化约{'–'.join(dict.fromkeys(calc.percent(a) for a in sorted(aprs)))}（IRR法）；月利率按日利率×{DAYS_PER_MONTH}折算。")
        draft.short("假设：" + "；".join(assumed + ["资料没写实际提供哪种分期方式，这里按公式演示"]) + "。")
        draft.label = CALCULATION
        if len(plans) == 1:
            draft.figure = plans[0].encode()
        elif len(plans) >= 2:
            draft.figure = figures.CostSpec("e", amount, months, tuple(p.product for p in plans)).encode()

    def _overdue(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        amount, days = slots.amount, slots.overdue_days or slots.days
        compute = amount is not None and days is not None
        if compute:
            draft.add(f"逾期{money(amount)}、{days}天的罚息（罚息 = 逾期金额 × 日利率 × 罚息倍数 × 逾期天数）：")
        for pid in self._per_product(products):
            rule = self.kb.find(pid, "overdue_penalty")
            if not rule:
                draft.add(f"• 资料没有写{self.name(pid)}的逾期规则。")
                continue
            value = rule[0].value
            assert isinstance(value, Multiplier)
            if not compute:
                draft.add(f"• {self.name(pid)}：{rule[0].text}。", rule[0])
                continue
            assert amount is not None and days is not None
            bounds, facts = self.daily_bounds(pid)
            costs = [calc.overdue_penalty(amount, r, value.times, days) for r in bounds]
            fee = "，另有违约金（资料没有给出金额，未计入）" if value.late_fee else ""
            draft.lead(f"{self.name(pid)}逾期{wan(amount)}{days}天：罚息约{approx(costs)}元"
                       + ("，另有违约金" if value.late_fee else ""))
            draft.add(f"• {self.name(pid)}（日息×{num(value.times)}，日利率{'–'.join(pct(r) for r in bounds)}）："
                      f"{'–'.join(money(c) for c in costs)}{fee}", rule[0], *facts)
        if not compute:
            draft.add("罚息 = 逾期金额 × 日利率 × 罚息倍数 × 逾期天数。告诉我逾期金额和天数（比如“借呗逾期5000元10天”），我可以算出来。")
        else:
            draft.add("假设：罚息只按逾期金额计，不含原本的正常利息；区间产品分别按日利率上下限计算。")
            draft.short("罚息 = 逾期金额 × 日利率 × 罚息倍数 × 逾期天数，只按逾期金额计，不含正常利息。")
            draft.label = CALCULATION

    def _prepayment(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        wanted = self._per_product(products)
        numbers = slots.amount is not None and slots.repay_day is not None
        for pid in wanted:
            rule = self.kb.find(pid, "prepayment_fee")
            if not rule:
                draft.add(f"• 资料没有写{self.name(pid)}的提前还款规则。")
                continue
            draft.add(f"• {self.name(pid)}：{rule[0].text}。", rule[0])
        if not numbers:
            if any(self._fee_rule(p) == "remaining_days_interest" for p in wanted):
                draft.add("告诉我金额、借款天数和第几天还（比如“WE2000借2000元30天，第10天提前还”），我可以算出要多付多少。")
            return
        amount, repay_day = slots.amount, slots.repay_day
        assert amount is not None and repay_day is not None
        term = slots.days or (slots.months * DAYS_PER_MONTH if slots.months else EXAMPLE_DAYS)
        if repay_day > term:
            draft.add(f"第{repay_day}天已经超过借款期限{term}天，算不上提前还款。")
            return
        draft.add(f"借{money(amount)}、期限{term}天、第{repay_day}天提前还清：")
        compare = list(wanted)
        if all(self._fee_rule(p) == "remaining_days_interest" for p in compare):
            compare += [p.id for p in self.kb.loan_products if self._fee_rule(p.id) == "free"][:1]
        for pid in compare:
            rule_name = self._fee_rule(pid)
            bounds, facts = self.daily_bounds(pid)
            if rule_name is None or not bounds or self._too_much(pid, amount, draft):
                continue
            for rate in bounds[-1:] if len(bounds) == 1 else bounds:
                cost = calc.prepayment_cost(amount, rate, term, repay_day, rule_name)
                draft.add(f"• {self.name(pid)}（{self._rate_label(rate, bounds)}）：已用{repay_day}天的利息"
                          f"{money(cost.interest_paid)} + 提前还款费{money(cost.fee)} = 共{money(cost.total)}", *facts)
        draft.add("算法：已付利息 = 本金×日利率×已用天数；按“收取剩余天数利息”的规则，"
                  "费用 = 本金×日利率×(期限−已用天数)。假设到期一次还本付息、按日计息。")

    def _fee_rule(self, pid: str) -> str | None:
        rule = self.kb.find(pid, "prepayment_fee")
        return rule[0].value.rule if rule and isinstance(rule[0].value, FeeRule) else None

    # ---------------------------------------------------------------- platform, overview, comparison
    def _cooperation(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        draft.add("微信和芝麻信用的关系：")
        for pid in ("wechat", "zhima"):
            for fact in self.kb.find(pid, "cooperation"):
                draft.add(self._fact_line(fact, with_label=True), fact)
        for pid in products:
            for fact in self.kb.find(pid, "platform", "zhima_requirement")[:2]:
                draft.add(f"• {self.name(pid)}：{fact.text}", fact)

    def _overview(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        for pid in self._per_product(products):
            product = self.kb.product(pid)
            draft.add(f"【{product.name}】{product.summary}")
            for topic in ("platform", "positioning", "zhima_requirement", "max_amount", "daily_rate", "annual_rate"):
                for fact in self.kb.find(pid, topic)[:1]:
                    draft.add(f"• {labelled(TOPIC_LABELS[topic], fact.text)}", fact)
            if len(self._per_product(products)) > 1:  # one product fits a screen; several get two lines each
                cells = [(prefix, self._cell(pid, t, draft)) for t, prefix in
                         (("zhima_requirement", "芝麻分"), ("max_amount", "最高"), ("daily_rate", "日利率"))]
                draft.short(f"【{product.name}】{product.summary}")
                draft.short("  " + " · ".join(f"{prefix}{cell}" for prefix, cell in cells if cell))
        draft.label = MORE

    COMPARE_ROWS = ("platform", "zhima_requirement", "max_amount", "daily_rate", "annual_rate", "overdue_penalty",
                    "prepayment_fee", "real_name_months", "asset_proof")

    def _cell(self, pid: str, topic: str, draft: Draft) -> str | None:
        """A product's figure for one comparison row (None when the documents don't say)."""
        facts = self.kb.find(pid, topic)
        if not facts:
            return None
        draft.facts.extend(facts[:1])
        if topic == "platform":
            return self.name(self.kb.product(pid).platform or pid)
        figure = format_value(facts[0])
        if topic in ("daily_rate", "annual_rate") and figure:
            figure = figure.replace("固定日", "固定").replace("固定年化", "固定").removeprefix("日").removeprefix("年化")
        if facts[0].label and figure:
            figure = f"{facts[0].label}{figure}"
        return figure or facts[0].text

    def _compare(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        chosen = products if len(products) >= 2 else tuple(p.id for p in self.kb.loan_products)
        cells = {p: {t: self._cell(p, t, draft) for t in self.COMPARE_ROWS} for p in chosen}
        names = [self.name(p) for p in chosen]
        joined = " vs ".join
        if slots.advice:  # the blocks below are the comparison
            draft.lead("我不能替你做决定：借不借、借哪一个，要看你的用途、还款能力和实际拿到的利率。")
        else:
            draft.lead(f"{joined(names)}：日利率{joined(cells[p]['daily_rate'] or '未提及' for p in chosen)}；"
                       f"最高额度{joined(cells[p]['max_amount'] or '未提及' for p in chosen)}")
        short = (("platform", ""), ("zhima_requirement", "芝麻分"), ("max_amount", "最高"))
        for pid in chosen:
            c = cells[pid]
            first = " · ".join(f"{prefix}{c[t]}" for t, prefix in short if c[t])
            rate = f"日利率{c['daily_rate']}" + (f"（年化{c['annual_rate']}）" if c["annual_rate"] else "")
            second = " · ".join(x for x in (rate, f"提前还款{c['prepayment_fee']}" if c["prepayment_fee"] else "") if x)
            if slots.advice:  # a short neutral comparison: one line per product
                draft.short(f"【{self.name(pid)}】{first} · 日利率{c['daily_rate']}")
            else:
                draft.short(f"【{self.name(pid)}】{first}")
                draft.short(f"  {second}")
            draft.add(f"【{self.name(pid)}】")
            for topic in self.COMPARE_ROWS:
                draft.add(f"• {TOPIC_LABELS[topic]}：{c[topic] or '资料未提及'}")
        if slots.advice:
            draft.short("如果确实需要，先比较官方页面显示的年化利率和总费用，并确认自己能按时还款。")
            draft.add("如果确实需要，建议先比较官方页面显示的年化利率和总费用，并确认自己能按时还款。")
        draft.label = COMPARISON

    def _risk_statistics(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        self._listed("risk_statistics", products, draft, "风险数据")
        self._references(("bank", "other_online"), ("risk_statistics",), draft)

    def _business(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        self._listed("business_stats", products, draft, "运营数据")
        self._references(("bank", "other_online"), self.LISTED["business_stats"], draft)

    def _references(self, refs: tuple[str, ...], topics: tuple[str, ...], draft: Draft) -> None:
        lines = [(f, self.name(r)) for r in refs for f in self.kb.find(r, *topics)]
        if lines:
            draft.add("作为对照：")
            for fact, _ in lines:
                draft.add(f"• {fact.text}", fact)
