"""Entity extraction from folded text: products (aliases and close typos), amount, term, overdue days, repay day, score.

Entity parsers are separate from intent matching; each returns spans so the
matcher can mask them out before comparing wording.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..calc import DAYS_PER_MONTH  # an overdue or used period given in months, counted in days
from ..text.numbers import CN_CHARS, CN_DIGITS, arabic_with_suffix, cn_to_decimal, to_number
from .slots import SPECS, SlotName, SlotValues

_CJK = re.compile(r"[\u4e00-\u9fff]+")
_NUM = rf"(?:\d+(?:\.\d+)?|[{CN_CHARS}]+)"


@dataclass(frozen=True)
class Entities:
    """What a question names besides its intent."""

    products: tuple[str, ...] = ()  # loan product ids, in order of first mention
    others: tuple[str, ...] = ()  # platforms and references mentioned (wechat, zhima, bank …)
    outside: tuple[str, ...] = ()  # names as typed of products the documents do not cover (花呗, 网商贷 …)
    values: SlotValues = SlotValues()  # the numbers given (amount, term, overdue days …)
    unstated: frozenset[str] = frozenset()  # slots asked about without a number ("借几万", a masked "借***天")
    product_spans: tuple[tuple[int, int], ...] = field(default=(), repr=False)  # where loan names were found

    def slots(self) -> dict[str, object]:
        """The slots that are set, by name."""
        return self.values.given()


class ProductFinder:
    """Finds product mentions by alias, plus one-character typos of 3+ character names.

    A typo never turns one product into another: a window that contains any
    other known alias (微信, 支付宝 …) is not read as a typo.
    """

    def __init__(self, aliases: dict[str, str], loan_ids: set[str]) -> None:
        # alias (folded, no spaces) → product id; longest first so 蚂蚁借呗 wins over 借呗
        self._aliases = sorted(aliases.items(), key=lambda kv: -len(kv[0]))
        self._loan_ids = loan_ids
        # one-character typos: "微?贷" → 微粒贷 (never the first character: 微信贷 is not 微粒贷)
        self._typos: dict[str, str] = {}
        for alias, pid in aliases.items():
            if pid in loan_ids and len(alias) >= 3 and re.fullmatch(r"[\u4e00-\u9fff]+", alias):
                for i in range(1, len(alias)):
                    self._typos.setdefault(alias[:i] + "?" + alias[i + 1:], alias)
        self._typo_lengths = sorted({len(k) for k in self._typos})
        self._typo_starts = frozenset(k[0] for k in self._typos)
        # a text with no window that differs from a typo key in its "?" alone has no typo to look for: one search
        # instead of a scan of every window (a window that is the name itself overlaps the name found, and is
        # skipped by the scan anyway, hence the lookahead). "." where the scan wants a Chinese character: the scan
        # checks that itself, and a character class per key took ~30 ms of every start to compile.
        self._typo_pattern = re.compile("|".join(
            f"{re.escape(key[:key.index('?')])}(?!{re.escape(alias[key.index('?')])})."
            f"{re.escape(key[key.index('?') + 1:])}" for key, alias in self._typos.items())) if self._typos else None
        # spaces inside a name are tolerated: "we 2000", "微粒 贷"
        self._pattern = re.compile("|".join(r"\s*".join(map(re.escape, a)) for a, _ in self._aliases))
        self._by_alias = dict(aliases)

    def find(self, text: str) -> tuple[list[tuple[str, int, int]], list[tuple[int, int]]]:
        """(product id, start, end) mentions in order, and the spans used."""
        compact = text
        found: list[tuple[str, int, int]] = []
        for match in self._pattern.finditer(compact):
            found.append((self._by_alias[re.sub(r"\s+", "", match.group())], match.start(), match.end()))
        taken = [(s, e) for _, s, e in found]
        for n in self._typo_lengths if self._typo_pattern is not None and self._typo_pattern.search(compact) else ():
            for start in range(0, len(compact) - n + 1):
                if compact[start] not in self._typo_starts:
                    continue
                window = compact[start:start + n]
                if any(s < start + n and start < e for s, e in taken) or not _CJK.fullmatch(window):
                    continue
                base = next((self._typos[k] for k in (window[:i] + "?" + window[i + 1:] for i in range(1, n))
                             if k in self._typos), None)
                if base is None or self._pattern.search(window):
                    continue  # no near name, or the window holds another product's name (微信 …)
                found.append((self._by_alias[base], start, start + n))
                taken.append((start, start + n))
        found.sort(key=lambda m: m[1])
        return found, [(s, e) for _, s, e in found]

    def is_loan(self, product_id: str) -> bool:
        return product_id in self._loan_ids


# A term: a number and its unit. Unit → (slot, factor): 一周 = 7 days, 一季度 = 3 months, 两年 = 24 months.
TERM_UNITS: dict[str, tuple[SlotName, int]] = {
    "天": ("days", 1), "日": ("days", 1), "周": ("days", 7), "个星期": ("days", 7), "星期": ("days", 7),
    "个礼拜": ("days", 7), "礼拜": ("days", 7), "个月": ("months", 1), "期": ("months", 1),
    "个季度": ("months", 3), "季度": ("months", 3), "年": ("months", 12),
}
TERM_LIMITS = {"days": 3650, "months": 120}
_UNIT = "|".join(sorted(map(re.escape, TERM_UNITS), key=len, reverse=True))
_TERM_STOP = {"天": "息|利率|均", "日": "息|利率|均|期", "年": "化|利率|龄|前|后|底|初", "期": "限|间|数"}
_TERM = re.compile(rf"(?<!逾期)(?<!第)(?P<num>{_NUM})\s*(?P<unit>{_UNIT})")
_HALF = re.compile(r"半个月|半月|半年")
HALF_MONTH_DAYS = DAYS_PER_MONTH // 2  # 半个月, read wherever it stands (a term, overdue, the days used)
# hours, in whole days only ("用24小时", "48个小时"): interest is counted by the day
_HOURS = re.compile(rf"(?P<num>{_NUM})\s*(?:个)?(?:小时|钟头)")
HOURS_PER_DAY = 24
DAYS_PER_YEAR = 365
# a term in two units, read as days: "1周零3天" = 10天, "一个月零5天" = 35天, "两个星期又两天" = 16天
_COMPOUND = re.compile(rf"(?P<num>{_NUM})\s*(?P<unit>{_UNIT})\s*(?:零|又|加|另|多)?\s*"
                       rf"(?P<num2>{_NUM})\s*(?P<unit2>天|日)(?!息|利率|均)")
# 一个半月 = 45天, 一年半 = 18个月 (the number alone: "2万一年半" is 2万 and 一年半)
_AND_A_HALF = re.compile(r"(?P<num>\d+|[一二两三四五六七八九十]+)\s*(?:(?P<month>个半月)|(?P<year>年半))")
# what after a number makes it no amount; 分 is points (650分) unless instalments follow: "借5000分6期", "5000分期"
# a Chinese digit after 万/千 of an Arabic amount ("3万五", "1万二"), only where no word goes on ("5万一般" is 5万)
_TAIL_CN = "一二两三四五六七八九"
_CN_TAIL = rf"[{_TAIL_CN}](?=$|[^\u4e00-\u9fff]|[千块元钱的用借分还呢吗啊呀吧])"
_AMOUNT_STOP = (rf"天|日(?!息|利)|个月|月|期|年|周|星期|礼拜|季度|分(?!期|\s*{_NUM}\s*(?:期|个月|次|笔))|%|次|笔|倍|号|"
                r"小时|秒")
_AMOUNT = re.compile(
    rf"(?P<cur>[￥¥])?\s*(?P<num>\d+(?:\.\d+)?)(?![\d.])(?!\s*(?:{_AMOUNT_STOP}))"
    rf"(?:\s*(?P<suf>万|w|千|k|亿|百(?!分))(?P<tail>(?:\d{{1,4}}(?![\d.])|{_CN_TAIL})(?:(?<=[万w][\d{_TAIL_CN}])千)?"
    rf"(?!\s*(?:{_AMOUNT_STOP})))?)?"
    rf"\s*(?P<unit>元|块钱|块|rmb)?"
)
_TAIL_UNIT = {"亿": 10_000_000, "万": 1000, "w": 1000, "千": 100, "k": 100}  # the 5 of 1万5, 3千5, 1亿5
_TAIL_BELOW = {"万": 10_000, "w": 10_000, "千": 1000, "k": 1000}  # the 8500 of 2万8500, the 500 of 3千500
_SOME = frozenset("几数")  # before 千/百/万: "几千", "数百" say an amount without giving it
_CN_AMOUNT = re.compile(rf"(?P<num>[{CN_CHARS}]+)\s*(?P<unit>元|块钱|块)?")
_OVERDUE = re.compile(rf"(?:逾期|超期|晚还|迟还|拖欠|拖了|晚了)(?:了)?\s*(?P<num>{_NUM})\s*(?P<unit>{_UNIT})")
# A cost asked by the annual rate: "按年化算", "用年利率算"
_ANNUAL = re.compile(r"(?:按|用|以)(?:照)?(?:年化|年利率|年息)|年化(?:利率)?(?:来)?算")
_PERCENT_WORD = re.compile(r"[百千万]分之")
_OVERDUE_VERB = re.compile(r"逾期|超期|晚还|迟还|拖欠|拖了|晚了")
_OVERDUE_HALF = re.compile(r"(?:逾期|超期|晚还|迟还|拖欠|拖了|晚了)(?:了)?\s*(?P<half>半个月|半月|半年)")
# A daily rate the user states ("日利率万五", "日息万分之3.5", "我的利息是万4", "日利率0.05%"): 万N is per ten
# thousand a day; a percentage only after a word of a day (利率18% is more likely annual)
_DAILY_RATE = re.compile(rf"(?:(?:日利率|日息|日利息|利率|利息|费率)(?:是|为|只有|才|有)?\s*(?:万分之|万)"
                         rf"(?P<wan>\d+(?:\.\d+)?|[{CN_CHARS}]+)|万分之(?P<wan2>\d+(?:\.\d+)?|[{CN_CHARS}]+)"
                         rf"|(?:日利率|日息|日利息)(?:是|为|只有|才|有)?\s*(?P<pct>\d+(?:\.\d+)?)\s*%)")
MAX_DAILY_RATE = Decimal("0.01")  # 1 % a day: above it a "rate" is a misreading (and beyond any lawful loan)
_REPAY_DAY = re.compile(rf"第\s*(?P<num>{_NUM})\s*(?:天|日)")
# "借了两个月就提前还清": the day of an early repayment, given as the time used
# ("借了10天就还" too: 就 after a past 借了/用了 says early; "用30天就还" may be the term)
_USED_TAIL = r"\s*(?:(?:就|后|以后|之后|再)?\s*(?:提前|还清|全部还|一次性还|结清)|(?(past)就(?:全)?还|(?!)))"
_USED = re.compile(rf"(?:(?P<past>借了|用了)|用)\s*(?P<num>{_NUM})\s*(?P<unit>{_UNIT}){_USED_TAIL}")
_USED_HALF = re.compile(rf"(?:(?P<past>借了|用了)|用)\s*(?P<half>半个月|半月){_USED_TAIL}")
# a 芝麻分: after its name, or three digits of their own before 分 — not the end of an amount ("借8500分6期": 500 is
# no score) nor a number of instalments after it ("借900分3期")
_SCORE = re.compile(r"(?:芝麻分|芝麻信用分|芝麻信用|信用分|分数)\D{0,4}?(?P<num>\d{3})"
                    rf"|(?<![\d.])(?P<num2>\d{{3}})\s*分(?!\s*(?:{_NUM})?\s*期)")
# One rate bound: "按最低日利率算", "按最高利率"
_BOUND = re.compile(r"(?:按|用|以)?(?P<which>最低|最高|下限|上限)(?:的)?(?:日)?(?:利率|利息|费率)")
# The least amount asked for: "最低能借多少", "最少可以贷多少", "最低额度", "额度最少", "起借金额", "可以借几起"
# (not "最少借几天")
_LEAST = re.compile(r"(?:最低|最少|最小)(?:一次)?(?:能|可以|可|要|需要)?(?:借|贷)"
                    r"(?:款|多少|多钱|几[百千万块])(?![天个期年])"
                    r"|(?:最低|最少|最小)(?:的|是)?(?:多少)?(?:授信|信用)?(?:额度|金额|借款额|贷款额)"
                    r"|(?:最低|最少|最小)(?:是|要)?(?:多少|多钱)|额度(?:最低|最少|最小)|起借"
                    r"|(?:借|贷)(?:几|多少)(?:钱)?起(?![来床])")
# The repayment method of an instalment plan: "等额本金呢"
_METHOD = re.compile(r"(?:按|用|选)?(?P<which>等额本金|等额本息)(?:的方式|方式)?(?:还款|还)?")


# Every number pattern above needs a digit, a Chinese numeral or 半 (百分之 and 半个月 included): a text with none
# of them can only set the slots that are words (the basis, the bound)
_NUMERIC = re.compile(rf"[\d{CN_CHARS}百千万半]")

# above 一万亿 a digit string is an id or noise, not an amount (and would overflow Decimal's precision)
MAX_AMOUNT_DIGITS = 13


def _plausible(span: str) -> bool:
    return sum(c.isdigit() for c in span) <= MAX_AMOUNT_DIGITS


def unstated_slots(text: str) -> frozenset[str]:
    """The slots a question asks about with 几 in place of the number (masked numbers read as 几)."""
    return frozenset(name for name, spec in SPECS.items() if spec.unstated and spec.unstated.search(text))


_RUN_TOGETHER = re.compile(f"[{''.join(d for d in CN_DIGITS if d not in '零〇')}]{{2}}")


def _well_formed(numeral: str) -> bool:
    """No two Chinese digits in a row (五四十五 is two numbers run together); Arabic digits always are."""
    return not _RUN_TOGETHER.search(numeral)


def _term_value(match: re.Match[str]) -> tuple[SlotName, int, int] | None:
    """(slot, value, start) of a term match; a Chinese number too big for a term is read from a later start
    after its amount's 万/千 ("三万四十五天" is 三万 and 45 days), so the amount before it stays an amount."""
    slot, factor = TERM_UNITS[match.group("unit")]
    stop = _TERM_STOP.get(match.group("unit"))
    if stop and re.match(stop, match.string[match.end():]):
        return None
    num, start = match.group("num"), match.start("num")
    lead = len(num) - len(num.lstrip("万千百亿"))  # "3万四十五天": the 万 belongs to the amount before
    first_unit = min((num.find(u, lead) for u in "万千" if u in num[lead:]), default=len(num))
    # the term may start anywhere after the amount's 万/千, but not on a unit ("一万五千四十五天": 四十五天)
    cuts = [lead, *(i for i in range(first_unit + 1, len(num)) if num[i] not in "万千百亿")]
    for cut in cuts:
        part = num[cut:]
        value = to_number(part)
        if value is None or value <= 0 or not _well_formed(part):
            continue
        whole = _whole_term(slot, value * factor)
        if whole is not None:
            return *whole, start + cut
    return None


def _whole_term(slot: SlotName, value: Decimal) -> tuple[SlotName, int] | None:
    """A term in whole units within TERM_LIMITS: 1.5年 = 18个月; a fraction of a month in days (0.5个月 = 15天,
    a month counted as DAYS_PER_MONTH days); a fraction of a day is no term."""
    if value != value.to_integral() and slot == "months":
        slot, value = "days", value * DAYS_PER_MONTH
    if value == value.to_integral() and 0 < value <= TERM_LIMITS[slot]:
        return slot, int(value)
    return None


def _daily_rate(match: re.Match[str]) -> Decimal | None:
    """The daily rate of a _DAILY_RATE match as a fraction (万五 = 0.0005, 0.05% = 0.0005), None if implausible."""
    per_ten_thousand = match.group("wan") or match.group("wan2")
    value = to_number(per_ten_thousand or match.group("pct"))
    if value is None or value <= 0:
        return None
    rate = value / (10_000 if per_ten_thousand else 100)
    return rate if rate <= MAX_DAILY_RATE else None


def _compound_days(match: re.Match[str]) -> int | None:
    """The days of a term in a larger unit and days ("1周零3天"; a month counted as DAYS_PER_MONTH days, a year as
    DAYS_PER_YEAR); None unless the first is weeks, months or years and the second fewer days than one of those."""
    slot, factor = TERM_UNITS[match.group("unit")]
    first, second = to_number(match.group("num")), to_number(match.group("num2"))
    if first is None or second is None or second != second.to_integral() or (factor == 1 and slot == "days"):
        return None
    unit_days = (DAYS_PER_YEAR if factor == 12 else factor * DAYS_PER_MONTH) if slot == "months" else factor
    whole = _whole_term("days", first * unit_days + second)
    return whole[1] if whole is not None and 0 < second < unit_days else None


def extract_numbers(text: str) -> tuple[SlotValues, list[tuple[SlotName, tuple[int, int]]]]:
    """Numeric slots from folded text, with the (slot name, span) each occupies."""
    slots: dict[str, Any] = {}  # SlotValues' fields by name
    spans: list[tuple[int, int]] = []
    named: list[tuple[SlotName, tuple[int, int]]] = []
    if _NUMERIC.search(text) is None:  # no number to look for: a dozen regex scans fewer
        _worded(text, slots)
        return SlotValues(**slots), named

    def claim(s: int, e: int, name: SlotName, value: object) -> bool:
        if name in slots or any(s < e2 and s2 < e for s2, e2 in spans):
            return False
        spans.append((s, e))
        named.append((name, (s, e)))
        slots[name] = value
        return True

    spans.extend(m.span() for m in _PERCENT_WORD.finditer(text))  # "百分之多少" is no amount of 100
    counted_in_days: tuple[tuple[SlotName, re.Pattern[str]], ...] = (("overdue_days", _OVERDUE), ("repay_day", _USED))
    for name, pattern in counted_in_days:
        for m in pattern.finditer(text):
            term = _term_value(m)
            if term is not None:  # the overdue mask keeps its verb (逾期几天); a used period keeps 提前还清 readable
                start, end = (m.start(), m.end()) if name == "overdue_days" else (term[2], m.end("unit"))
                claim(start, end, name, term[1] * (DAYS_PER_MONTH if term[0] == "months" else 1))
    for m in _USED_HALF.finditer(text) if "半" in text else ():  # "用了半个月就还清" (a scan only with 半)
        claim(*m.span("half"), "repay_day", HALF_MONTH_DAYS)
    for m in _REPAY_DAY.finditer(text):
        value = to_number(m.group("num"))
        if value is not None:
            claim(*m.span(), "repay_day", int(value))
    for m in _DAILY_RATE.finditer(text) if "万" in text or "%" in text else ():  # 万N, 万分之N, N%
        rate = _daily_rate(m)
        # the number with its 万 or %, the words before it readable; 万分之 is taken already
        start = m.start(m.lastgroup or 0)
        start = start - 1 if text[start - 1] == "万" else start
        if rate is not None:
            claim(start, m.end(), "rate", rate)
        else:  # a rate too high to be one is a misreading, and no amount either ("日利率万分之一百五")
            spans.append((start, m.end()))
    for m in _SCORE.finditer(text):
        raw = m.group("num") or m.group("num2")
        if 350 <= int(raw) <= 950:
            claim(*m.span(), "score", int(raw))
    for m in _OVERDUE_HALF.finditer(text):  # "逾期半个月"
        claim(*m.span(), "overdue_days", 180 if m.group("half") == "半年" else HALF_MONTH_DAYS)
    for m in _AND_A_HALF.finditer(text):
        whole = to_number(m.group("num"))
        if whole is not None and whole == whole.to_integral() and 0 < whole <= 10:
            if m.group("month"):
                claim(*m.span(), "days", int(whole) * DAYS_PER_MONTH + HALF_MONTH_DAYS)
            else:
                claim(*m.span(), "months", int(whole) * 12 + 6)
    for m in _HALF.finditer(text):
        claim(*m.span(), *(("months", 6) if m.group() == "半年" else ("days", HALF_MONTH_DAYS)))
    for m in _HOURS.finditer(text) if "时" in text or "钟" in text else ():
        hours = to_number(m.group("num"))
        if hours is not None and hours > 0 and hours % HOURS_PER_DAY == 0:
            claim(*m.span(), "days", int(hours // HOURS_PER_DAY))
    for m in _COMPOUND.finditer(text) if "天" in text or "日" in text else ():
        days = _compound_days(m)
        if days is not None:
            claim(m.start("num"), m.end(), "days", days)
    for m in _TERM.finditer(text):
        term = _term_value(m)
        if term is not None:
            claim(term[2], m.end(), term[0], term[1])
    verb = _OVERDUE_VERB.search(text)
    if verb and "days" in slots and "overdue_days" not in slots:
        span = next(s for n, s in named if n == "days")
        if span[0] >= verb.end():  # "借呗逾期5000元10天": the days after the overdue verb are overdue days
            slots["overdue_days"] = slots.pop("days")
            named[named.index(("days", span))] = ("overdue_days", span)
    _worded(text, slots)
    amount = _find_amount(text, spans)
    if amount is not None:
        value, span = amount
        if text[span[0] - 1:span[0]] not in _SOME:  # "借几千块" names an amount without giving it (1000 was read)
            slots["amount"] = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
        named.append(("amount", span))  # masked either way
    return SlotValues(**slots), named


_WORDED_VERB = re.compile(r"(?:来)?(?:计算|算)")


def without_worded(text: str, values: SlotValues) -> str:
    """``text`` without the words of the worded slots that ``values`` sets ("按最低利率算呢" → "呢", "等额本金呢" →
    "呢"): in a follow-up they are what changes, as a number is; a question about them ("最高利率多少") keeps them."""
    out = text
    if values.basis:
        out = _ANNUAL.sub("", out)
    if values.bound:
        out = _BOUND.sub("", out)
    if values.method:
        out = _METHOD.sub("", out)
    return _WORDED_VERB.sub("", out, count=1) if out != text and (values.basis or values.bound) else out


def _worded(text: str, slots: dict[str, Any]) -> None:
    """The slots given in words: the rate basis ("按年化算"), the bound ("按最低利率"), the least amount
    ("最低能借多少") and the method ("等额本金")."""
    if _ANNUAL.search(text):
        slots["basis"] = "annual"
    bound = _BOUND.search(text)
    if bound:
        slots["bound"] = "low" if bound.group("which") in ("最低", "下限") else "high"
    if _LEAST.search(text):
        slots["least"] = True
    methods = {m.group("which") for m in _METHOD.finditer(text)}
    if len(methods) == 1:  # "是等额本金还是等额本息" names both: no choice made
        slots["method"] = "equal_principal" if methods == {"等额本金"} else "equal_instalment"


def _find_amount(text: str, spans: list[tuple[int, int]]) -> tuple[Decimal, tuple[int, int]] | None:
    def free(s: int, e: int) -> bool:
        return not any(s < e2 and s2 < e for s2, e2 in spans) and _plausible(text[s:e])

    for m in _AMOUNT.finditer(text):
        if not free(*m.span()):
            continue
        value = arabic_with_suffix(m.group("num"), m.group("suf"))
        tail, suf = m.group("tail"), m.group("suf")
        digits = tail.rstrip("千") if tail else ""
        if tail and suf and len(digits) == 1 and suf in _TAIL_UNIT:  # 1万5 → 15000, 3千5 → 3500, 3万五 → 35000
            value += Decimal(CN_DIGITS.get(digits, digits)) * _TAIL_UNIT[suf]
        elif tail and suf and len(digits) >= 2 and suf in _TAIL_BELOW and int(digits) < _TAIL_BELOW[suf]:
            value += Decimal(digits)  # 2万8500 → 28500, 3万500 → 30500, 3千500 → 3500
        elif tail:
            continue
        explicit = m.group("cur") or m.group("suf") or m.group("unit")
        if explicit or value >= 100:
            if re.fullmatch(r"20\d\d", m.group("num")) and text[m.end():m.end() + 1] == "年":
                continue
            if text[max(0, m.start() - 2):m.start()].endswith("we"):
                continue  # the 2000 of WE2000
            return value, m.span()
    for m in _CN_AMOUNT.finditer(text):
        s, e = m.span()
        taken = [s2 for s2, e2 in spans if s < e2 and s2 < e]
        if taken:  # "三万四十五天": 四十五天 is the term, 三万 the amount
            e = min(taken)
            if e <= s or not free(s, e):
                continue
        read = cn_to_decimal(text[s:e].strip()) if taken else cn_to_decimal(m.group("num"))
        if read is not None and (read >= 100 or (m.group("unit") and not taken)):
            return read, (s, e)
    return None
