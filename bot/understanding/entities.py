"""Entity extraction from folded text: products (aliases and close typos), amount, term, overdue days, repay day, score.

Entity parsers are separate from intent matching; each returns spans so the
matcher can mask them out before comparing wording.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .numbers import CN_CHARS, arabic_with_suffix, cn_to_decimal

_CJK = re.compile(r"[\u4e00-\u9fff]+")
_NUM = rf"(?:\d+(?:\.\d+)?|[{CN_CHARS}]+)"


@dataclass(frozen=True)
class Entities:
    """What a question names besides its intent."""

    products: tuple[str, ...] = ()  # loan product ids, in order of first mention
    others: tuple[str, ...] = ()  # platforms and references mentioned (wechat, zhima, bank …)
    outside: tuple[str, ...] = ()  # names as typed of products the documents do not cover (花呗, 网商贷 …)
    amount: Decimal | None = None  # yuan
    days: int | None = None  # loan term in days
    months: int | None = None  # loan term in months / instalments
    overdue_days: int | None = None
    repay_day: int | None = None  # day of an early repayment
    score: int | None = None  # 芝麻分
    spans: tuple[tuple[int, int], ...] = field(default=(), repr=False)  # where entities were found

    def slots(self) -> dict[str, object]:
        """The numeric slots that are set."""
        names = ("amount", "days", "months", "overdue_days", "repay_day", "score")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def to_number(span: str) -> Decimal | None:
    """``15``, ``1.5``, ``十五``, ``两`` → Decimal."""
    if re.fullmatch(r"\d+(?:\.\d+)?", span):
        return Decimal(span)
    return cn_to_decimal(span)


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
        for n in self._typo_lengths:
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


_AMOUNT = re.compile(
    rf"(?P<cur>[￥¥])?\s*(?P<num>\d+(?:\.\d+)?)(?![\d.])(?!\s*(?:天|日|个月|月|期|年|分|%|次|笔|倍|号|小时|秒))"
    rf"\s*(?P<suf>万|w|千|k)?(?P<tail>\d)?\s*(?P<unit>元|块钱|块|rmb)?"
)
_CN_AMOUNT = re.compile(rf"(?P<num>[{CN_CHARS}]+)\s*(?P<unit>元|块钱|块)?")
_DAYS = re.compile(rf"(?<!逾期)(?<!第)(?P<num>{_NUM})\s*(?:天|日)(?!息|利率|均)")
_MONTHS = re.compile(rf"(?P<num>{_NUM})\s*(?:个月|期)")
_YEARS = re.compile(rf"(?P<num>{_NUM})\s*年(?!化|利率|龄)")
_OVERDUE = re.compile(rf"逾期(?:了)?\s*(?P<num>{_NUM})\s*(?:天|日)")
_REPAY_DAY = re.compile(rf"第\s*(?P<num>{_NUM})\s*(?:天|日)")
_SCORE = re.compile(r"(?:芝麻分|芝麻信用分|芝麻信用|信用分|分数)\D{0,4}?(?P<num>\d{3})|(?P<num2>\d{3})\s*分")


MAX_AMOUNT_DIGITS = 13  # above 一万亿 a digit string is an id or noise, not an amount (and would overflow Decimal's precision)


def _plausible(span: str) -> bool:
    return sum(c.isdigit() for c in span) <= MAX_AMOUNT_DIGITS


def extract_numbers(text: str) -> tuple[dict[str, object], list[tuple[str, tuple[int, int]]]]:
    """Numeric slots from folded text, with the (slot name, span) each occupies."""
    slots: dict[str, object] = {}
    spans: list[tuple[int, int]] = []
    named: list[tuple[str, tuple[int, int]]] = []

    def claim(match: re.Match[str], name: str) -> bool:
        s, e = match.span()
        if any(s < e2 and s2 < e for s2, e2 in spans):
            return False
        spans.append((s, e))
        named.append((name, (s, e)))
        return True

    for name, pattern in (("overdue_days", _OVERDUE), ("repay_day", _REPAY_DAY)):
        for m in pattern.finditer(text):
            value = to_number(m.group("num"))
            if value is not None and name not in slots and claim(m, name):
                slots[name] = int(value)
    for m in _SCORE.finditer(text):
        raw = m.group("num") or m.group("num2")
        if 350 <= int(raw) <= 950 and "score" not in slots and claim(m, "score"):
            slots["score"] = int(raw)
    half = re.search("半年", text)
    if half and claim(half, "months"):
        slots["months"] = 6
    for name, pattern, factor, limit in (("months", _MONTHS, 1, 120), ("months", _YEARS, 12, 10),
                                         ("days", _DAYS, 1, 3650)):
        for m in pattern.finditer(text):
            value = to_number(m.group("num"))
            if value is None or not 0 < value <= limit or value != value.to_integral() or name in slots:
                continue
            if claim(m, name):
                slots[name] = int(value) * factor
    amount = _find_amount(text, spans)
    if amount is not None:
        value, span = amount
        slots["amount"] = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
        named.append(("amount", span))
    return slots, named


def _find_amount(text: str, spans: list[tuple[int, int]]) -> tuple[Decimal, tuple[int, int]] | None:
    free = lambda s, e: not any(s < e2 and s2 < e for s2, e2 in spans) and _plausible(text[s:e])  # noqa: E731
    for m in _AMOUNT.finditer(text):
        if not free(*m.span()):
            continue
        value = arabic_with_suffix(m.group("num"), m.group("suf"))
        if m.group("tail") and m.group("suf"):  # 1万5 → 15000, 3千5 → 3500
            value += Decimal(m.group("tail")) * {"万": 1000, "w": 1000, "千": 100, "k": 100}[m.group("suf")]
        elif m.group("tail"):
            continue
        explicit = m.group("cur") or m.group("suf") or m.group("unit")
        if explicit or value >= 100:
            if re.fullmatch(r"20\d\d", m.group("num")) and text[m.end():m.end() + 1] == "年":
                continue
            if text[max(0, m.start() - 2):m.start()].endswith("we"):
                continue  # the 2000 of WE2000
            return value, m.span()
    for m in _CN_AMOUNT.finditer(text):
        if not free(*m.span()):
            continue
        value = cn_to_decimal(m.group("num"))
        if value is not None and (value >= 100 or m.group("unit")):
            return value, m.span()
    return None
