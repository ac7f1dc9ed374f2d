"""Exact loan arithmetic on :class:`decimal.Decimal` (no floats, no I/O).

Conventions
-----------
* Rates are fractions: ``Decimal("0.0005")`` means 0.05 % per day,
  ``Decimal("0.015")`` means 1.5 % per month.
* Money is kept exact (40 significant digits) internally; it is rounded to
  the fen (0.01 yuan, ROUND_HALF_UP) only by the display helpers
  :func:`fen` and :func:`yuan`.
* Every public function accepts ``Decimal`` or ``int`` for numbers and raises
  ``TypeError`` for ``float`` (or ``bool``/``str``), so binary floating-point
  error can never slip in silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from itertools import pairwise
from typing import Literal

__all__ = [
    "PRECISION",
    "Instalment",
    "PrepaymentCost",
    "Schedule",
    "annual_to_daily",
    "annualized_rate_irr",
    "annualized_rate_irr_flows",
    "daily_interest",
    "daily_to_annual",
    "equal_instalment_schedule",
    "equal_principal_schedule",
    "irr",
    "monthly_from_daily",
    "npv",
    "overdue_penalty",
    "prepayment_cost",
]

#: A month counted in days wherever a term or a monthly rate is converted (the documents give daily rates).
DAYS_PER_MONTH = 30

#: Significant digits used for every internal computation.
PRECISION = 40

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_FEN = Decimal("0.01")
_DEFAULT_TOL = Decimal("1e-15")

PrepaymentRule = Literal["free", "remaining_days_interest"]
Method = Literal["equal_instalment", "equal_principal"]


# --------------------------------------------------------------------------
# guards and context
# --------------------------------------------------------------------------


def _ctx() -> Context:
    """A fresh high-precision context, independent of the caller's thread context."""
    return Context(prec=PRECISION, rounding=ROUND_HALF_EVEN)


def _d(value: object, name: str = "value") -> Decimal:
    """Return *value* as a finite Decimal; accept only Decimal or int (TypeError otherwise)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{name} must be Decimal or int, not {type(value).__name__}")
    result = value if isinstance(value, Decimal) else Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be finite, got {result}")
    return result


def _int(value: object, name: str) -> int:
    """Return *value* if it is a real int (not bool); TypeError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be int, not {type(value).__name__}")
    return value


def _non_negative(value: Decimal | int, name: str) -> None:
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")


# --------------------------------------------------------------------------
# simple interest
# --------------------------------------------------------------------------


def daily_interest(principal: Decimal, daily_rate: Decimal, days: int) -> Decimal:
    """Simple daily interest: principal × daily_rate × days."""
    p = _d(principal, "principal")
    r = _d(daily_rate, "daily_rate")
    n = _int(days, "days")
    for value, name in ((p, "principal"), (r, "daily_rate"), (n, "days")):
        _non_negative(value, name)
    with localcontext(_ctx()):
        return p * r * n


def overdue_penalty(
    overdue_amount: Decimal, daily_rate: Decimal, multiplier: Decimal, days: int
) -> Decimal:
    """Overdue penalty interest: overdue_amount × daily_rate × multiplier × days."""
    a = _d(overdue_amount, "overdue_amount")
    r = _d(daily_rate, "daily_rate")
    m = _d(multiplier, "multiplier")
    n = _int(days, "days")
    for value, name in ((a, "overdue_amount"), (r, "daily_rate"), (m, "multiplier"), (n, "days")):
        _non_negative(value, name)
    with localcontext(_ctx()):
        return a * r * m * n


@dataclass(frozen=True)
class PrepaymentCost:
    """Cost of repaying a daily-interest loan early."""

    interest_paid: Decimal
    fee: Decimal
    total: Decimal


def prepayment_cost(
    principal: Decimal,
    daily_rate: Decimal,
    term_days: int,
    repay_day: int,
    fee_rule: PrepaymentRule,
) -> PrepaymentCost:
    """Interest up to *repay_day* plus the early-repayment fee.

    ``fee_rule="free"``: no fee.  ``fee_rule="remaining_days_interest"`` (WE2000):
    the fee is the interest of the remaining ``term_days - repay_day`` days.
    """
    p = _d(principal, "principal")
    r = _d(daily_rate, "daily_rate")
    term = _int(term_days, "term_days")
    day = _int(repay_day, "repay_day")
    _non_negative(p, "principal")
    _non_negative(r, "daily_rate")
    if not 0 <= day <= term:
        raise ValueError(f"need 0 <= repay_day <= term_days, got {day} and {term}")
    if fee_rule not in ("free", "remaining_days_interest"):
        raise ValueError(f"unknown fee_rule {fee_rule!r}")
    with localcontext(_ctx()):
        interest_paid = p * r * day
        fee = _ZERO if fee_rule == "free" else p * r * (term - day)
        return PrepaymentCost(interest_paid=interest_paid, fee=fee, total=interest_paid + fee)


# --------------------------------------------------------------------------
# rate conversions
# --------------------------------------------------------------------------


def interest_by_annual_rate(principal: Decimal, annual_rate: Decimal, days: int, days_per_year: int = 365) -> Decimal:
    """Simple interest by an annual rate: principal × annual_rate × days / days_per_year (unrounded)."""
    p = _d(principal, "principal")
    r = _d(annual_rate, "annual_rate")
    n = _int(days, "days")
    y = _int(days_per_year, "days_per_year")
    for value, name in ((p, "principal"), (r, "annual_rate"), (n, "days")):
        _non_negative(value, name)
    if y <= 0:
        raise ValueError(f"days_per_year must be > 0, got {y}")
    with localcontext(_ctx()):
        return p * r * n / y


def monthly_from_daily(daily_rate: Decimal, days_per_month: int = DAYS_PER_MONTH) -> Decimal:
    """Monthly rate = daily_rate × days_per_month (30 by default)."""
    r = _d(daily_rate, "daily_rate")
    n = _int(days_per_month, "days_per_month")
    if n <= 0:
        raise ValueError(f"days_per_month must be > 0, got {n}")
    with localcontext(_ctx()):
        return r * n


def _basis(basis: object) -> int:
    value = _int(basis, "basis")
    if value not in (360, 365):
        raise ValueError(f"basis must be 360 or 365, got {value}")
    return value


def daily_to_annual(daily_rate: Decimal, basis: int) -> Decimal:
    """Nominal annual rate = daily_rate × basis (360 or 365 days)."""
    r = _d(daily_rate, "daily_rate")
    b = _basis(basis)
    with localcontext(_ctx()):
        return r * b


def annual_to_daily(annual_rate: Decimal, basis: int) -> Decimal:
    """Daily rate = annual_rate / basis (360 or 365 days), 40 significant digits."""
    r = _d(annual_rate, "annual_rate")
    b = _basis(basis)
    with localcontext(_ctx()):
        return r / b


# --------------------------------------------------------------------------
# instalment schedules
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    """One period of a repayment schedule; *balance* is what remains after it."""

    period: int
    payment: Decimal
    principal: Decimal
    interest: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Schedule:
    """A monthly repayment schedule with exact (unrounded) amounts."""

    method: Method
    principal: Decimal
    monthly_rate: Decimal
    months: int
    rows: tuple[Instalment, ...]

    @property
    def total_interest(self) -> Decimal:
        """Sum of the interest parts."""
        with localcontext(_ctx()):
            return sum((row.interest for row in self.rows), _ZERO)

    @property
    def total_payment(self) -> Decimal:
        """Sum of all payments (principal + interest)."""
        with localcontext(_ctx()):
            return sum((row.payment for row in self.rows), _ZERO)

    @property
    def first_payment(self) -> Decimal:
        """Payment of period 1."""
        return self.rows[0].payment

    @property
    def last_payment(self) -> Decimal:
        """Payment of the last period."""
        return self.rows[-1].payment


def _schedule_args(principal: object, monthly_rate: object, months: object) -> tuple[Decimal, Decimal, int]:
    p = _d(principal, "principal")
    r = _d(monthly_rate, "monthly_rate")
    n = _int(months, "months")
    if p <= 0:
        raise ValueError(f"principal must be > 0, got {p}")
    _non_negative(r, "monthly_rate")
    if n < 1:
        raise ValueError(f"months must be >= 1, got {n}")
    return p, r, n


def equal_instalment_schedule(principal: Decimal, monthly_rate: Decimal, months: int) -> Schedule:
    """等额本息: constant payment P·r(1+r)^n / ((1+r)^n − 1) (P/n when r = 0).

    The last period repays the exact remaining balance, so the principal parts
    sum to *principal* exactly and the final balance is 0.
    """
    p, r, n = _schedule_args(principal, monthly_rate, months)
    rows: list[Instalment] = []
    with localcontext(_ctx()):
        if r.is_zero():
            payment = p / n
        else:
            growth = (_ONE + r) ** n
            payment = p * r * growth / (growth - _ONE)
        balance = p
        for period in range(1, n + 1):
            interest = balance * r
            part = balance if period == n else payment - interest
            balance = balance - part
            rows.append(Instalment(period, part + interest, part, interest, balance))
    return Schedule("equal_instalment", p, r, n, tuple(rows))


def equal_principal_schedule(principal: Decimal, monthly_rate: Decimal, months: int) -> Schedule:
    """等额本金: principal/n each month plus interest on the balance before that month.

    The last period repays the exact remaining balance (final balance 0).
    """
    p, r, n = _schedule_args(principal, monthly_rate, months)
    rows: list[Instalment] = []
    with localcontext(_ctx()):
        part_each = p / n
        balance = p
        for period in range(1, n + 1):
            interest = balance * r
            part = balance if period == n else part_each
            balance = balance - part
            rows.append(Instalment(period, part + interest, part, interest, balance))
    return Schedule("equal_principal", p, r, n, tuple(rows))


# --------------------------------------------------------------------------
# NPV / IRR
# --------------------------------------------------------------------------


def _flows(cash_flows: Sequence[Decimal]) -> list[Decimal]:
    if isinstance(cash_flows, (str, bytes)):
        raise TypeError("cash_flows must be a sequence of Decimal or int")
    return [_d(cf, f"cash_flows[{i}]") for i, cf in enumerate(cash_flows)]


def _npv_and_slope(rate: Decimal, flows: list[Decimal]) -> tuple[Decimal, Decimal]:
    """NPV at *rate* and its derivative d NPV / d rate (caller sets the context)."""
    v = _ONE / (_ONE + rate)
    value = _ZERO
    slope = _ZERO
    power = _ONE  # v**t
    for t, cf in enumerate(flows):
        value += cf * power
        slope -= t * cf * power * v
        power *= v
    return value, slope


def _npv(rate: Decimal, flows: list[Decimal]) -> Decimal:
    """NPV at *rate* alone, by Horner's rule from the last flow (caller sets the context)."""
    v = _ONE / (_ONE + rate)
    value = _ZERO
    for cf in reversed(flows):
        value = value * v + cf
    return value


def npv(rate: Decimal, cash_flows: Sequence[Decimal]) -> Decimal:
    """Net present value Σ cf_t / (1+rate)^t, with cash_flows[0] at t = 0."""
    r = _d(rate, "rate")
    if r <= -1:
        raise ValueError(f"rate must be > -1, got {r}")
    flows = _flows(cash_flows)
    with localcontext(_ctx()):
        return _npv(r, flows)


# Scan points for bracketing: outward from 0, positive side first.
_POSITIVE_GRID = tuple(Decimal(s) for s in ("0.001", "0.01", "0.05", "0.1", "0.25", "0.5")) + tuple(
    Decimal(2) ** k for k in range(0, 21)
)
_NEGATIVE_GRID = tuple(
    Decimal(s) for s in ("-0.001", "-0.01", "-0.1", "-0.25", "-0.5", "-0.75", "-0.9", "-0.99", "-0.999", "-0.999999")
)


def _bracket(flows: list[Decimal], tol: Decimal, guess: Decimal | None = None) -> tuple[Decimal, Decimal] | Decimal:
    """Find an interval with a sign change of the NPV (or an exact root), nearest 0 first."""
    near = _around(guess, flows, tol) if guess is not None else None
    if near is not None:  # the one root is in there (0 too, when it is the root)
        return near
    f0 = _npv(_ZERO, flows)
    if f0.is_zero():
        return _ZERO
    for grid in (_POSITIVE_GRID, _NEGATIVE_GRID):
        prev_rate, prev_value = _ZERO, f0
        for rate in grid:
            value = _npv(rate, flows)
            if value.is_zero():
                return rate
            if (value < 0) != (prev_value < 0):
                return prev_rate, rate
            prev_rate, prev_value = rate, value
    raise ValueError("no IRR found: the NPV does not change sign on (-1, 2**20]")


_GUESS_WIDTH = Decimal("1e-12")  # relative half-width of the interval tried around a guess


def _around(guess: Decimal, flows: list[Decimal], tol: Decimal) -> tuple[Decimal, Decimal] | None:
    """A narrow interval around ``guess`` across which the NPV changes sign, when the flows change sign once
    (a loan: the NPV then has exactly one root on (−1, ∞), the one the grid scan would bracket); None otherwise.
    At most ``tol`` wide, so that its middle is the root within the tolerance."""
    signs = [cf > 0 for cf in flows if not cf.is_zero()]
    if sum(a != b for a, b in pairwise(signs)) != 1:
        return None
    width = min((abs(guess) + _GUESS_WIDTH) * _GUESS_WIDTH, tol / 2)
    lo, hi = guess - width, guess + width
    if lo <= _NEGATIVE_GRID[-1] or hi > _POSITIVE_GRID[-1]:  # beyond what the grid scan looks at
        return None
    f_lo, f_hi = _npv(lo, flows), _npv(hi, flows)
    if f_lo.is_zero() or f_hi.is_zero() or (f_lo < 0) == (f_hi < 0):
        return None
    return lo, hi


def irr(
    cash_flows: Sequence[Decimal],
    *,
    tol: Decimal = _DEFAULT_TOL,
    max_iter: int = 200,
    guess: Decimal | None = None,
) -> Decimal:
    """Periodic internal rate of return: the rate r > −1 with NPV(r) = 0.

    Convention: ``cash_flows[0]`` is the flow at t = 0.  For a loan pass the
    borrower-received amount as **−principal** and the repayments as positive
    numbers (lender's view: ``[-10000, 916.8, ...]``); the root is the same if
    every sign is flipped.  Solved in Decimal by safeguarded Newton–bisection
    until the step is below *tol* (default 1e-15).  When the NPV has several
    roots, the one found nearest 0 (positive side first) is returned.
    *guess*, a rate expected very near the root (a schedule's own periodic
    rate), lets the solve start from a narrow interval around it instead of
    scanning from 0, when the flows change sign once (one root) and the NPV
    changes sign across that interval: a few NPV evaluations instead of a dozen.

    Raises ValueError when the flows have no sign change or no root is found.
    """
    flows = _flows(cash_flows)
    tol = _d(tol, "tol")
    if tol <= 0:
        raise ValueError("tol must be > 0")
    if not (any(cf > 0 for cf in flows) and any(cf < 0 for cf in flows)):
        raise ValueError("cash_flows need at least one positive and one negative value")
    with localcontext(_ctx()):
        found = _bracket(flows, tol, _d(guess, "guess") if guess is not None else None)
        if isinstance(found, Decimal):
            return found
        lo, hi = found
        if abs(hi - lo) <= tol:  # a sign change across at most tol: its middle is the root within tol / 2
            middle = (lo + hi) / 2
            return _ZERO if middle.is_zero() else middle
        f_lo = _npv(lo, flows)
        if f_lo > 0:  # orient so that NPV(lo) < 0 < NPV(hi)
            lo, hi = hi, lo
        x = (lo + hi) / 2
        dx_old = abs(hi - lo)
        dx = dx_old
        f, df = _npv_and_slope(x, flows)
        for _ in range(max_iter):
            newton_outside = ((x - hi) * df - f) * ((x - lo) * df - f) > 0
            if df.is_zero() or newton_outside or abs(2 * f) > abs(dx_old * df):
                dx_old, dx = dx, (hi - lo) / 2
                x = lo + dx
            else:
                dx_old, dx = dx, f / df
                x = x - dx
            if abs(dx) < tol:
                return x
            f, df = _npv_and_slope(x, flows)
            if f.is_zero():
                return x
            if f < 0:
                lo = x
            else:
                hi = x
    raise ValueError(f"IRR did not converge in {max_iter} iterations")


def annualized_rate_irr_flows(
    principal: Decimal, payments: Sequence[Decimal], periods_per_year: int = 12, guess: Decimal | None = None
) -> Decimal:
    """Annualized rate by the IRR method of PBoC announcement 〔2021〕 No. 3.

    中国人民银行公告〔2021〕第3号: periodic IRR of ``[-principal, *payments]``
    (payments include every fee the borrower pays) × periods per year.
    """
    p = _d(principal, "principal")
    if p <= 0:
        raise ValueError(f"principal must be > 0, got {p}")
    n = _int(periods_per_year, "periods_per_year")
    if n <= 0:
        raise ValueError(f"periods_per_year must be > 0, got {n}")
    flows = [-p, *_flows(payments)]
    rate = irr(flows, guess=guess)
    with localcontext(_ctx()):
        return rate * n


def annualized_rate_irr(schedule: Schedule) -> Decimal:
    """Annualized rate of a monthly schedule: monthly IRR × 12 (PBoC 〔2021〕 No. 3 IRR method)."""
    if not isinstance(schedule, Schedule):
        raise TypeError(f"schedule must be Schedule, not {type(schedule).__name__}")
    # a schedule charges its monthly rate on the balance: that rate is the IRR but for rounding, the solve's guess
    return annualized_rate_irr_flows(schedule.principal, [row.payment for row in schedule.rows], 12,
                                     guess=schedule.monthly_rate)
