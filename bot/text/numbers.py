"""Chinese and Arabic number spans → Decimal. Converts only the spans it is given (never a whole sentence)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "贰": 2, "两": 2, "俩": 2, "三": 3, "叁": 3,
             "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS) + "".join(CN_BIG)

# Multipliers written after an Arabic number (1.5w, 5k, 20万, 3千, 11亿, 3万亿).
SUFFIX = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10_000), "w": Decimal(10_000),
          "千": Decimal(1000), "k": Decimal(1000), "百": Decimal(100)}

_ARABIC = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|亿|万|千|百)?")
_CHINESE = re.compile(f"[{CN_CHARS}]+")


def cn_to_decimal(span: str) -> Decimal | None:
    """Convert a Chinese numeral span: 一万五 → 15000, 两千 → 2000, 十二 → 12, 壹万 → 10000.

    A trailing digit after a unit is read the colloquial way (一万五 = 15000,
    三千五 = 3500). Returns None when the span holds no digit at all.
    """
    if not any(ch in CN_DIGITS or ch in CN_UNITS for ch in span):
        return None
    total = section = number = 0
    last_unit = 1
    for ch in span:
        if ch in CN_DIGITS:
            number = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (number or 1) * CN_UNITS[ch]
            last_unit, number = CN_UNITS[ch], 0
        elif ch in CN_BIG:
            total += (section + number) * CN_BIG[ch]
            last_unit, section, number = CN_BIG[ch], 0, 0
        else:
            return None
    if number and last_unit >= 100 and not _has_zero_before_last(span):
        number *= last_unit // 10  # 一万五 → 5 × 1000
    return Decimal(total + section + number)


def _has_zero_before_last(span: str) -> bool:
    return len(span) >= 2 and span[-2] in "零〇"


# "一点五万": a Chinese decimal (an integer part, 点, single digits) before a unit ("一点一点还" is no number);
# "5,000": a thousands separator; "1,5000" one every four digits, as 万 groups them (15000, not 5000)
_CN_DECIMAL = re.compile(r"(?P<whole>[零〇一二两三四五六七八九十]+)点(?P<part>[零〇一二三四五六七八九]+)"
                         r"(?=[万千亿元块])")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3,4}(?!\d))")


def written_numbers(text: str) -> str:
    """``text`` with numbers written in words or with separators as plain decimals, for the number finders:
    一点五万 → 1.5万, 5,000 → 5000, 1,5000 → 15000 (only these spans change)."""
    if "," in text:
        text = _THOUSANDS.sub("", text)
    return _CN_DECIMAL.sub(_as_decimal, text) if "点" in text else text


def _as_decimal(match: re.Match[str]) -> str:
    """一点五 → 1.5."""
    return f"{cn_to_decimal(match.group('whole'))}." + "".join(str(CN_DIGITS[d]) for d in match.group("part"))


def arabic_with_suffix(number: str, suffix: str | None) -> Decimal:
    """``1.5``, ``w`` → 15000."""
    value = Decimal(number)
    return value * SUFFIX[suffix] if suffix else value


def numbers_in(text: str, chinese: bool = True) -> set[Decimal]:
    """Every number a text states, each both as written and with its 万/千/亿 multiplier applied.

    ``text`` should already be NFKC-folded (full-width digits become ASCII).
    """
    found: set[Decimal] = set()
    for match in _ARABIC.finditer(text):
        try:
            raw = Decimal(match.group(1))
        except InvalidOperation:
            continue
        found.add(raw.normalize())
        if match.group(2):
            found.add(arabic_with_suffix(match.group(1), match.group(2)).normalize())
    if chinese:
        for match in _CHINESE.finditer(text):
            value = cn_to_decimal(match.group())
            if value is not None:
                found.add(value.normalize())
    return found


def to_number(span: str) -> Decimal | None:
    """``15``, ``1.5``, ``十五``, ``两`` → Decimal."""
    if re.fullmatch(r"\d+(?:\.\d+)?", span):
        return Decimal(span)
    return cn_to_decimal(span)
