"""Answers about conditions: the 芝麻分 requirement, each product's entry conditions, and a verdict on the user's
own figures against them."""
from __future__ import annotations

from decimal import Decimal

from ..calc import DAYS_PER_MONTH
from ..knowledge.labels import format_value
from ..knowledge.models import Fact, Money, Months, Quantity, Score
from ..text.display import num
from .slots import Slots
from .writer import CONDITIONS, Draft, Writer, condition

_CONDITION_TOPICS = ("zhima_requirement", "real_name_months", "account_activity", "asset_proof")


class Eligibility(Writer):
    """Renderers ``score_requirement`` and ``conditions``."""

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
        topics = _CONDITION_TOPICS
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
        # the conditions the user did not state ("芝麻分600能借呗吗" says nothing of 实名 or 活跃度): never "all met"
        unstated = {p: [f for f in self.kb.find(p, *_CONDITION_TOPICS) if f.topic not in topics and format_value(f)]
                    for p in chosen}  # (a condition without a threshold, "没有硬性的资产证明要求", asks nothing)
        these = "这几项" if any(unstated[p] for p in passed) else ""
        if len(chosen) == 1:
            name = self.name(chosen[0])
            head = (f"按你给的条件，{name}的{these or '资料'}门槛都达到了" if passed else
                    f"按你给的条件，{name}的资料门槛还没全部达到：{'、'.join(failed[chosen[0]])}不够")
            draft.lead(head + "。")
        elif passed:
            head = f"按你给的条件，{these or '资料所列'}门槛都达到的：{'、'.join(self.name(p) for p in passed)}"
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
        for pid in passed:
            if unstated[pid]:
                line = f"• {self.name(pid)}还要求（你没说）：" + " · ".join(condition(f) for f in unstated[pid])
                draft.short(line)
                draft.add(line, *unstated[pid])
        draft.short("这些只是资料所列的门槛，达到了也不代表一定获批，额度和利率以平台审核为准。")

    def _check_score(self, pid: str, score: int) -> tuple[bool | None, str]:
        fact = self.kb.first(pid, "zhima_requirement")
        if fact is None or not isinstance(fact.value, Score):
            return None, "：资料没写芝麻分要求"
        if not fact.value.required or fact.value.min is None:
            return None, "不强制看芝麻分"
        low = fact.value.min
        return (True, f"≥{low}分") if score >= low else (False, f"≥{low}分，差{low - score}分")

    def _check_months(self, pid: str, months: int) -> tuple[bool | None, str]:
        fact = self.kb.first(pid, "real_name_months")
        if fact is None or not isinstance(fact.value, Months):
            return None, "：资料没写实名时长要求"
        need, op = fact.value.months, fact.value.op
        ok = months > need if op == ">" else months >= need
        return ok, f"{'>' if op == '>' else '≥'}{need}个月"

    def _check_trades(self, pid: str, weekly: Decimal | None, monthly: Decimal | None) -> tuple[bool | None, str]:
        fact = self.kb.first(pid, "account_activity")
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
        fact = self.kb.first(pid, "asset_proof")
        if fact is None:
            return None, "：资料没写资产要求"
        if not isinstance(fact.value, Money):
            return None, f"：{fact.text}"
        if place not in (fact.label or ""):
            return None, f"看的是{fact.label}，不是{place}"
        return held >= fact.value.yuan, f"{fact.label}≥{num(fact.value.yuan)}元"
