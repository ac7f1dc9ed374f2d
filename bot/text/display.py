"""How money, rates and figures are shown: the one place that rounds (to the fen, only for display) and formats."""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext

_HUNDRED = Decimal(100)
_FEN = Decimal("0.01")


def _ctx() -> Context:
    return Context(prec=40, rounding=ROUND_HALF_EVEN)


def _d(value: object, name: str) -> Decimal:
    """A finite Decimal (or int); TypeError/ValueError otherwise: a float never reaches money."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{name} must be Decimal or int, not {type(value).__name__}")
    if not Decimal(value).is_finite():
        raise ValueError(f"{name} must be finite, got {value}")
    return Decimal(value)


def _places(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be an int >= 0, not {value!r}")
    return value


def fen(x: Decimal) -> Decimal:
    """Round to the fen (0.01) with ROUND_HALF_UP — for display only."""
    value = _d(x, "x")
    with localcontext(_ctx()):
        result = value.quantize(_FEN, rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


def yuan(x: Decimal) -> str:
    """Format money with 2 decimals and thousands separators: ``10000 -> "10,000.00"``."""
    return f"{fen(x):,.2f}"


def percent(rate: Decimal, places: int = 2) -> str:
    """Format a fractional rate as a percentage with exactly *places* decimals (HALF_UP)."""
    value = _d(rate, "rate")
    places = _places(places, "places")
    with localcontext(_ctx()):
        shown = (value * _HUNDRED).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if shown.is_zero():
        shown = shown.copy_abs()
    return f"{shown:f}%"


def percent_trim(rate: Decimal, max_places: int | None = None) -> str:
    """Shortest exact percentage: ``0.0005 -> "0.05%"``, ``0.18 -> "18%"``, ``0.05475 -> "5.475%"``.

    For non-terminating values (e.g. an IRR) pass *max_places* to round (HALF_UP)
    before trailing zeros are stripped.
    """
    value = _d(rate, "rate")
    with localcontext(_ctx()):
        scaled = value * _HUNDRED
        if max_places is not None:
            places = _places(max_places, "max_places")
            scaled = scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        scaled = scaled.normalize()
    if scaled.is_zero():
        return "0%"
    return f"{scaled:f}%"


def num(value: Decimal) -> str:
    """A figure as written in Chinese text: 200000 → 20万, 150000000 → 1.5亿, 0.050 → 0.05."""
    value = Decimal(value)
    if value >= 100_000_000 and value % 10_000_000 == 0:
        return f"{(value / 100_000_000).normalize():f}亿"
    if value >= 10_000 and value % 1000 == 0:
        wan = (value / 10_000).normalize()
        return f"{wan:f}万"
    return f"{value.normalize():f}"


def money(value: Decimal) -> str:
    """Rounded to the fen only here, for display: 60 → 60.00元."""
    return f"{yuan(value)}元"


def pct(fraction: Decimal) -> str:
    return percent_trim(fraction)


def approx(values: list[Decimal]) -> str:
    """Headline figures, ``a–b``: whole yuan when the larger is 100 or more (3386.03 → 3,386), else to the fen
    without trailing zeros (4.50 → 4.5); one figure when both ends agree."""
    whole = max(values) >= 100
    shown = [f"{int(v.quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}" if whole else f"{fen(v).normalize():f}"
             for v in values]
    return "–".join(dict.fromkeys(shown))


def wan(amount: Decimal) -> str:
    """借2万 rather than 借20,000.00元 in a headline."""
    return f"{num(amount)}元" if amount == amount.to_integral() else money(amount)


def labelled(label: str | None, text: str) -> str:
    """``label：text`` unless the text already starts with (most of) its label: no "最高额度：最高额度20万元"."""
    if not label or text.startswith(label[:2]):
        return text
    return f"{label}：{text}"
