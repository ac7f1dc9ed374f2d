"""Answers that list what the documents say: a listing of topics per product, the maximum amount (or what they
say of the least), rates, the WeChat–芝麻信用 cooperation, a product overview and a comparison."""
from __future__ import annotations

from decimal import Decimal

from ..knowledge.labels import TOPIC_LABELS, format_value
from ..knowledge.models import Money, MoneyRange
from ..text.display import labelled, num, pct, wan
from ..understanding.intents import Intent
from .slots import Slots
from .writer import COMPARISON, LISTED_BRIEF, MORE, Draft, Writer


class Listings(Writer):
    """Renderers ``listing``, ``maximum``, ``rates``, ``cooperation``, ``overview`` and ``comparison``."""

    def _listed(self, spec: Intent, products: tuple[str, ...], draft: Draft) -> None:
        """Each product's facts of the intent's ``topics``, then the ``references`` (banks …) for comparison."""
        topics, title = (*spec.topics, *spec.shows), spec.title
        for pid in self._per_product(products):
            facts = self.kb.find_with_related(pid, *topics)
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
        references = [f for r in spec.references if r not in products for f in self.kb.find(r, *topics)]
        if references:
            draft.add("作为对照：")
            for fact in references:
                draft.add(f"• {fact.text}", fact)

    def _max_amount(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        if slots.least:
            self._min_amount(products, draft)
            return
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

    def _min_amount(self, products: tuple[str, ...], draft: Draft) -> None:
        """The least one can borrow ("最低能借多少"): the documents give no minimum, so the answer says so first, then
        the lowest credit range they give (微粒贷's tiers) and, for scale, the maximum."""
        draft.title = "最低额度"
        for pid in self._per_product(products):
            ranges = [(f.value.min_yuan, f) for f in self.kb.find(pid, "entry_tier") if isinstance(f.value, MoneyRange)]
            draft.add(f"• {self.name(pid)}：资料没有写最低能借多少（起借金额）"
                      + ("。" if ranges else "，也没有写最低额度。"))
            if ranges:
                lowest = min(ranges, key=lambda pair: pair[0])[1]
                draft.add(f"  资料里额度最低的一档：{lowest.text}（{self.kb.source(lowest.source.doc).title}）", lowest)
            for fact in self.kb.find(pid, "max_amount"):
                draft.add(f"  作为参考，{fact.text}（{self.kb.source(fact.source.doc).title}）", fact)

    def _amount_verdict(self, pid: str, amount: Decimal) -> str:
        top, facts = self.kb.maximum(pid)
        if top is None:
            return f"→ 资料没有写{self.name(pid)}的最高额度，无法判断{wan(amount)}是否超出。"
        stated = sorted({f.value.yuan for f in facts if isinstance(f.value, Money)})
        if amount > top:
            return f"→ 你想借的{wan(amount)}超过了资料中{self.name(pid)}的最高额度（{num(top)}元）。"
        if stated and amount > stated[-1]:
            return (f"→ {wan(amount)}超过一份资料写的最高{num(stated[-1])}元，"
                    f"只在另一份资料所说的核心优质客户额度（最高{num(top)}元）之内。")
        return f"→ {wan(amount)}没有超过资料所写的最高额度；实际能借多少以你自己的授信为准。"

    def _rates(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        for pid in self._per_product(products):
            daily = self.kb.find(pid, "daily_rate")
            annual = self.kb.find(pid, "annual_rate")
            average = self.kb.find(pid, "average_rate")
            if not daily and not annual and average:  # banks, other lenders: the documents give an average only
                draft.add(f"• {self.name(pid)}：" + "；".join(f.text for f in average) + "。", *average)
                continue
            if not daily and not annual:
                draft.add(f"• 资料没有写{self.name(pid)}的利率。")
                continue
            parts = [f.text for f in (daily[:1] + annual[:1])]
            draft.add(f"• {self.name(pid)}：" + "；".join(parts) + "。", *daily, *annual)
            for conflict in self.kb.conflicts_for(daily + annual):
                if conflict.kind == "day_basis":
                    draft.add(f"  （{conflict.text}资料没有写明按多少天折算，这是按数字推算的。）")
                elif conflict.kind == "rate_mismatch":
                    bounds, _ = self.kb.daily_rates(pid)
                    conv = "、".join(f"按{b}天折算为{pct(bounds[0] * b)}" for b in (360, 365))
                    draft.add(f"  （资料里的两个数字对不上：日利率{pct(bounds[0])}{conv}，都不是资料写的年化"
                              f"{format_value(annual[0])[2:]}。）")
                    draft.explained.add(conflict.id)
        if any(self.kb.find(pid, "daily_rate") for pid in self._per_product(products)):
            draft.add("利息按日计：利息 = 本金 × 日利率 × 天数。"
                      "告诉我金额和天数（比如“借1万用30天”），我可以帮你算出来。")

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
                found = self.kb.find(pid, topic)
                for fact in found if topic == "positioning" else found[:1]:  # every way a product is positioned
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
            figure = (figure.replace("固定日", "固定").replace("固定年化", "固定")
                      .removeprefix("日").removeprefix("年化"))
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
