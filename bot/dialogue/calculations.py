"""Answers that calculate: interest for a term, instalment plans, overdue penalties, early repayment."""
from __future__ import annotations

from decimal import Decimal

from .. import calc, figures
from ..calc import DAYS_PER_MONTH
from ..knowledge.labels import format_value
from ..knowledge.models import Fact, Multiplier
from ..text import display
from ..text.display import approx, money, num, pct, wan
from .slots import Slots
from .writer import CALCULATION, EXAMPLE_MONTHS, Draft, Writer


class Calculations(Writer):
    """Renderers ``interest``, ``instalments``, ``overdue`` and ``prepayment``."""

    def _interest(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        if self._lends_nothing(slots, draft):
            return
        amount = self._amount(slots, products)
        days, how = self._days(slots)
        assumed = [] if slots.amount else [f"没有说金额，按{money(amount)}举例"]
        if how:
            assumed.append(how)
        self._example_note(slots, draft, amount)
        draft.add(f"借{money(amount)}、用{days}天的利息（利息 = 本金 × 日利率 × 天数）：")
        drawn = []
        for pid in self._per_product(products):
            chosen = self._calculable(pid, amount, slots, draft, f"• {self.name(pid)}：资料没有日利率，无法计算。")
            if chosen is None:
                continue
            bounds, facts = chosen
            costs = [calc.daily_interest(amount, r, days) for r in bounds]
            shown = "–".join(money(c) for c in costs)
            rates = "–".join(pct(r) for r in bounds)
            draft.add(f"• {self.name(pid)}（日利率{rates}）：{shown}", *facts)
            daily = (f"{self.name(pid)}借{wan(amount)}用{days}天：利息约{approx(costs)}元"
                     f"（{self._rate_words(slots)}{rates}）")
            if slots.basis == "annual" and self._by_annual_rate(pid, amount, days, slots, draft):
                draft.short(f"  按日利率算则约{approx(costs)}元（日利率{rates}）")
            else:
                draft.lead(daily)
            self._note_amount(pid, amount, draft)
            drawn.append(pid)
        draft.add("假设：" + "；".join([*assumed, "按日计息、到期一次还本付息，不含逾期罚息、违约金等其他费用",
                                       "区间产品的实际利率以审批结果为准"]) + "。")
        said = [a for a in assumed if not a.startswith("没有说金额")]  # the first line says that already
        draft.short("利息 = 本金 × 日利率 × 天数，到期一次还本付息，不含罚息等其他费用"
                    + ("；" + "；".join(said) if said else "") + "。")
        draft.label = CALCULATION
        if len(drawn) >= 2 and slots.rate is None:  # the chart draws the documents' rates, not the user's
            draft.figure = figures.CostSpec("d", amount, days, tuple(drawn)).encode()

    def _calculable(self, pid: str, amount: Decimal, slots: Slots, draft: Draft, no_rate: str,
                    brief: bool = False) -> tuple[list[Decimal], list[Fact]] | None:
        """The daily rate(s) to calculate ``pid`` with, or None after saying why not: the amount is above the
        documents' maximum, or they give no daily rate (``no_rate``, also in the short version when ``brief``)."""
        if self._too_much(pid, amount, draft):
            draft.short(draft.lines[-1])
            return None
        bounds, facts = self._chosen_rates(pid, slots, draft)
        if not bounds:
            draft.add(no_rate)
            if brief:
                draft.short(no_rate)
            return None
        return bounds, facts

    def _by_annual_rate(self, pid: str, amount: Decimal, days: int, slots: Slots, draft: Draft) -> bool:
        """The cost by the stated annual rate (days / 365), when asked so; False when the documents give none."""
        annual, facts = self.kb.annual_rates(pid)
        if slots.bound and len(annual) > 1:
            annual = annual[:1] if slots.bound == "low" else annual[-1:]
        if not annual:
            return False
        months = slots.months if slots.months and not slots.days else None
        # a term in months is that many twelfths of a year; a term in days, days / 365
        units, per_year, term, basis = (months, 12, f"{months}个月", "按月份折算") if months else \
            (days, 365, f"{days}天", "一年按365天")
        costs = [calc.interest_by_annual_rate(amount, r, units, per_year) for r in annual]
        rates = "–".join(pct(r) for r in annual)
        draft.lead(f"{self.name(pid)}借{wan(amount)}用{term}，按年化{rates}算：利息约{approx(costs)}元（{basis}）")
        draft.add(f"  按年化{rates}（{basis}）：{'–'.join(money(c) for c in costs)}；和按日利率算的结果可能不同，"
                  "因为资料里的年化和日利率不一定是同一个数换算来的。", *facts)
        return True

    def _installment(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        if self._lends_nothing(slots, draft):
            return
        amount = self._amount(slots, products)
        months = slots.months or (slots.days // DAYS_PER_MONTH if slots.days and slots.days >= DAYS_PER_MONTH else None)
        months = months or EXAMPLE_MONTHS
        assumed = [] if slots.amount else [f"没有说金额，按{money(amount)}举例"]
        if not (slots.months or slots.days):
            assumed.append(f"没有说期数，按{EXAMPLE_MONTHS}期举例")
        self._example_note(slots, draft, amount, "" if slots.months or slots.days else f"、{EXAMPLE_MONTHS}期")
        draft.add(f"借{money(amount)}、分{months}期，两种常见还款方式：")
        plans: list[figures.PlanSpec] = []
        aprs: list[Decimal] = []
        for pid in self._per_product(products):
            chosen = self._calculable(pid, amount, slots, draft, f"【{self.name(pid)}】资料没有日利率，无法计算。",
                                      brief=True)
            if chosen is None:
                continue
            bounds, facts = chosen
            draft.add(f"【{self.name(pid)}】", *facts)
            evens, principals = [], []
            for rate in bounds:
                monthly = calc.monthly_from_daily(rate, DAYS_PER_MONTH)
                even = calc.equal_instalment_schedule(amount, monthly, months)
                principal = calc.equal_principal_schedule(amount, monthly, months)
                apr = calc.annualized_rate_irr(even)
                evens.append(even)
                principals.append(principal)
                aprs.append(apr)
                draft.add(f"• {self._rate_label(rate, pid)}（月利率{pct(monthly)}）：")
                draft.add(f"  等额本息：每月{money(even.first_payment)}，总利息{money(even.total_interest)}")
                draft.add(f"  等额本金：首月{money(principal.first_payment)}，"
                          f"逐月递减到{money(principal.last_payment)}，总利息{money(principal.total_interest)}")
                draft.add(f"  年化利率（IRR×12，按人民银行公告〔2021〕第3号的方法）：{display.percent(apr)}")
            rates = "–".join(pct(r) for r in bounds)
            method: calc.Method = "equal_principal" if slots.method == "equal_principal" else "equal_instalment"
            if method == "equal_principal":  # "等额本金呢": the method asked leads
                first = approx([p.first_payment for p in principals])
                last = approx([p.last_payment for p in principals])
                interest = approx([p.total_interest for p in principals])
                draft.lead(f"{self.name(pid)}借{wan(amount)}分{months}期（等额本金）：首月约{first}元，逐月递减到"
                           f"约{last}元，总利息约{interest}元（{self._rate_words(slots)}{rates}）")
            else:
                payments = approx([e.first_payment for e in evens])
                interest = approx([e.total_interest for e in evens])
                draft.lead(f"{self.name(pid)}借{wan(amount)}分{months}期（等额本息）：每月约{payments}元，"
                           f"总利息约{interest}元（{self._rate_words(slots)}{rates}）")
            plans.append(figures.PlanSpec(pid, amount, months, method, bounds[-1]))
        draft.add("算法：等额本息每月还款 = 本金×月利率×(1+月利率)^期数 ÷ ((1+月利率)^期数−1)；"
                  "等额本金每月还 本金÷期数 + 剩余本金×月利率。")
        draft.add("假设：" + "；".join([*assumed, f"月利率 = 日利率 × {DAYS_PER_MONTH}（资料只给了日利率）",
                                       "资料没有说明这些产品实际提供哪种分期方式，这里只是按公式演示"]) + "。")
        if aprs:
            irr = "–".join(dict.fromkeys(display.percent(a) for a in sorted(aprs)))
            draft.short(f"年化约{irr}（IRR法）；月利率按日利率×{DAYS_PER_MONTH}折算。")
            stated = [f"{self.name(p)} {format_value(f).removeprefix('年化')}" for p in self._per_product(products)
                      for f in self.kb.find(p, "annual_rate")[:1]]
            if stated:  # why 5.40 %–21.60 % here and 5.47 %–21.9 % in the documents
                line = (f"资料写的年化（{'；'.join(stated)}）是日利率直接乘一年的天数；这里按每月{DAYS_PER_MONTH}天"
                        f"（一年{12 * DAYS_PER_MONTH}天）的月利率、按IRR算，所以数字略有不同。")
                draft.short(line)
                draft.add(line)
        draft.short("假设：资料没写实际提供哪种分期方式，这里按公式演示。")  # the example amount: in the first line
        draft.label = CALCULATION
        if len(plans) == 1:
            draft.figure = plans[0].encode()
        elif len(plans) >= 2 and slots.rate is None:  # the chart draws the documents' rates, not the user's
            draft.figure = figures.CostSpec("e", amount, months, tuple(p.product for p in plans)).encode()

    def _overdue(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        days = slots.overdue_days  # "逾期5000元10天" reads the 10 days as overdue days; a loan term is not
        compute = days is not None
        if compute and self._lends_nothing(slots, draft):
            return
        amount = self._amount(slots, products)
        if compute:
            self._example_note(slots, draft, amount)
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
            assert days is not None
            bounds, facts = self._chosen_rates(pid, slots, draft)
            costs = [calc.overdue_penalty(amount, r, value.times, days) for r in bounds]
            fee = "，另有违约金（资料没有给出金额，未计入）" if value.late_fee else ""
            draft.lead(f"{self.name(pid)}逾期{wan(amount)}{days}天：罚息约{approx(costs)}元"
                       + ("，另有违约金" if value.late_fee else "")
                       + self._own_rate(slots))
            draft.add(f"• {self.name(pid)}（日息×{num(value.times)}，日利率{'–'.join(pct(r) for r in bounds)}）："
                      f"{'–'.join(money(c) for c in costs)}{fee}", rule[0], *facts)
        if not compute:  # the example names the product asked about, with an amount within every maximum
            named = [self.name(p) for p in self._per_product(products)][:1] or ["借呗"]
            draft.add("罚息 = 逾期金额 × 日利率 × 罚息倍数 × 逾期天数。"
                      f"告诉我逾期金额和天数（比如“{named[0]}逾期1000元10天”），我可以算出来。")
        else:
            draft.add("假设：罚息只按逾期金额计，不含原本的正常利息；区间产品分别按日利率上下限计算。")
            draft.short("罚息 = 逾期金额 × 日利率 × 罚息倍数 × 逾期天数，只按逾期金额计，不含正常利息。")
            draft.label = CALCULATION

    def _prepayment(self, products: tuple[str, ...], slots: Slots, draft: Draft) -> None:
        wanted = self._per_product(products)
        numbers = slots.amount is not None and slots.repay_day is not None
        rules: list[str] = []  # each product's rule, also shown under the figure on the phone
        for pid in wanted:
            rule = self.kb.find(pid, "prepayment_fee")
            if not rule:
                draft.add(f"• 资料没有写{self.name(pid)}的提前还款规则。")
                continue
            rules.append(f"• {self.name(pid)}：{rule[0].text}。")
            draft.add(rules[-1], rule[0])
        if not numbers:
            if any(self.kb.prepayment_rule(p) == "remaining_days_interest" for p in wanted):
                draft.add("告诉我金额、借款天数和第几天还（比如“WE2000借2000元30天，第10天提前还”），我可以算出要多付多少。")
            return
        amount, repay_day = slots.amount, slots.repay_day
        assert amount is not None and repay_day is not None
        if self._lends_nothing(slots, draft):
            return
        stated = slots.days or (slots.months * DAYS_PER_MONTH if slots.months else None)
        if stated is not None and repay_day > stated:
            draft.add(f"第{repay_day}天已经超过借款期限{stated}天，算不上提前还款。")
            return
        term = stated or repay_day  # no term given: only the interest of the days used is known
        draft.add(f"借{money(amount)}、期限{term}天、第{repay_day}天提前还清：" if stated else
                  f"借{money(amount)}、用了{repay_day}天提前还清（没有说借款期限）：")
        compare = list(wanted)
        if all(self.kb.prepayment_rule(p) == "remaining_days_interest" for p in compare):
            compare += [p.id for p in self.kb.loan_products if self.kb.prepayment_rule(p.id) == "free"][:1]
        for pid in compare:
            rule_name = self.kb.prepayment_rule(pid)
            bounds, facts = self._chosen_rates(pid, slots, draft)
            if rule_name is None or not bounds or self._too_much(pid, amount, draft):
                continue
            if stated is None and rule_name == "remaining_days_interest":
                draft.add(f"• {self.name(pid)}：提前还款费按剩余天数的利息收，要知道借款期限才能算。", *facts)
                continue
            costs = [calc.prepayment_cost(amount, rate, term, repay_day, rule_name) for rate in bounds]
            for rate, cost in zip(bounds, costs, strict=True):
                draft.add(f"• {self.name(pid)}（{self._rate_label(rate, pid)}）：已用{repay_day}天的利息"
                          f"{money(cost.interest_paid)} + 提前还款费{money(cost.fee)} = 共{money(cost.total)}", *facts)
            if pid in wanted:  # the first line: what it costs in all, for the product asked about
                fees = [c.fee for c in costs]
                fee = "不收提前还款费" if not any(fees) else f"其中提前还款费约{approx(fees)}元"
                draft.lead(f"{self.name(pid)}借{wan(amount)}、{'期限' + str(term) + '天、' if stated else ''}"
                           f"用了{repay_day}天提前还清：共付利息和费用约{approx([c.total for c in costs])}元，{fee}"
                           + self._own_rate(slots))
        draft.add("算法：已付利息 = 本金×日利率×已用天数；按“收取剩余天数利息”的规则，"
                  "费用 = 本金×日利率×(期限−已用天数)。假设到期一次还本付息、按日计息。")
        for line in rules:  # on the phone: the rule under the figure; each rate's sum is one tap away
            draft.short(line)
        draft.short("假设到期一次还本付息、按日计息。")
        draft.label = CALCULATION
