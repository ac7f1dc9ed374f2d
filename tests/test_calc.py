"""Tests for bot.calc: hand-checked loan figures and a numpy_financial cross-check."""
from __future__ import annotations

import random
from decimal import Decimal as D
from itertools import pairwise

import numpy_financial as npf
import pytest

from bot import calc
from bot.calc import (
    Instalment,
    PrepaymentCost,
    Schedule,
    annual_to_daily,
    annualized_rate_irr,
    annualized_rate_irr_flows,
    daily_interest,
    daily_to_annual,
    equal_instalment_schedule,
    equal_principal_schedule,
    irr,
    monthly_from_daily,
    npv,
    overdue_penalty,
    prepayment_cost,
)
from bot.text.display import fen, percent, percent_trim, yuan

TINY = D("1e-20")


# --------------------------------------------------------------------------
# display helpers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("0.005"), D("0.01")),
        (D("0.004999"), D("0.00")),
        (D("2.675"), D("2.68")),  # the classic float trap: float rounds this to 2.67
        (D("1.125"), D("1.13")),  # HALF_UP, not banker's rounding (1.12)
        (D("-0.005"), D("-0.01")),
        (D("916.7999290622894"), D("916.80")),
        (10000, D("10000.00")),
    ],
)
def test_fen_rounds_half_up(value, expected):
    result = fen(value)
    assert isinstance(result, D)
    assert result == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(10000), "10,000.00"),
        (D("1234567.891"), "1,234,567.89"),
        (D("0.005"), "0.01"),
        (D("999.995"), "1,000.00"),
        (D("-2500.5"), "-2,500.50"),
        (D("-0.001"), "0.00"),
        (0, "0.00"),
    ],
)
def test_yuan(value, expected):
    assert yuan(value) == expected


@pytest.mark.parametrize(
    ("rate", "places", "expected"),
    [
        (D("0.0005"), 2, "0.05%"),
        (D("0.0002"), 2, "0.02%"),
        (D("0.18"), 2, "18.00%"),
        (D("0.05475"), 2, "5.48%"),  # half up
        (D("0.05475"), 3, "5.475%"),
        (D("0.00015"), 3, "0.015%"),
        (D("0.24"), 0, "24%"),
    ],
)
def test_percent(rate, places, expected):
    assert percent(rate, places) == expected


def test_percent_default_places():
    assert percent(D("0.0005")) == "0.05%"


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (D("0.0005"), "0.05%"),
        (D("0.18"), "18%"),
        (D("0.1800"), "18%"),
        (D("0.05475"), "5.475%"),
        (D("0.00015"), "0.015%"),
        (D("1"), "100%"),
        (D("12"), "1200%"),  # no exponent notation
        (D("0"), "0%"),
    ],
)
def test_percent_trim(rate, expected):
    assert percent_trim(rate) == expected


def test_percent_trim_max_places_for_irr_results():
    assert percent_trim(D("0.1799999999999999999998"), max_places=4) == "18%"
    assert percent_trim(D("0.108963825185"), max_places=2) == "10.9%"


# --------------------------------------------------------------------------
# simple daily interest and penalties
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "rate", "days", "expected"),
    [
        (D(10000), D("0.0002"), 30, D("60.00")),  # 微粒贷 0.02 %/day
        (D(10000), D("0.0005"), 30, D("150.00")),  # 微粒贷 0.05 %/day
        (D(15000), D("0.00015"), 30, D("67.50")),  # 借呗 0.015 %/day
        (D(15000), D("0.0006"), 30, D("270.00")),  # 借呗 0.06 %/day
    ],
)
def test_daily_interest(principal, rate, days, expected):
    result = daily_interest(principal, rate, days)
    assert isinstance(result, D)
    assert result == expected
    assert fen(result) == expected


def test_daily_interest_is_exact_not_rounded():
    # 333.33 × 0.0005 × 7 = 1.166655 exactly; rounding happens only in fen()
    assert daily_interest(D("333.33"), D("0.0005"), 7) == D("1.166655")
    assert fen(daily_interest(D("333.33"), D("0.0005"), 7)) == D("1.17")


def test_daily_interest_zero_days():
    assert daily_interest(D(10000), D("0.0005"), 0) == 0


@pytest.mark.parametrize(
    ("amount", "rate", "multiplier", "days", "expected"),
    [
        (D(5000), D("0.0005"), D("1.5"), 10, D("37.50")),
        (D(2000), D("0.0005"), 2, 10, D("20.00")),  # WE2000: 0.05 % × 2
        (D(2000), D("0.0005"), D(2), 10, D("20.00")),
    ],
)
def test_overdue_penalty(amount, rate, multiplier, days, expected):
    result = overdue_penalty(amount, rate, multiplier, days)
    assert isinstance(result, D)
    assert result == expected


@pytest.mark.parametrize(
    "args",
    [
        (D(-1), D("0.0005"), 30),
        (D(100), D("-0.0005"), 30),
        (D(100), D("0.0005"), -1),
    ],
)
def test_daily_interest_rejects_negative(args):
    with pytest.raises(ValueError):
        daily_interest(*args)


# --------------------------------------------------------------------------
# prepayment
# --------------------------------------------------------------------------


def test_prepayment_we2000_charges_remaining_days_interest():
    cost = prepayment_cost(D(2000), D("0.0005"), 30, 10, "remaining_days_interest")
    assert isinstance(cost, PrepaymentCost)
    assert cost.interest_paid == D("10.00")
    assert cost.fee == D("20.00")
    assert cost.total == D("30.00")
    assert all(isinstance(x, D) for x in (cost.interest_paid, cost.fee, cost.total))


def test_prepayment_free_product():
    cost = prepayment_cost(D(2000), D("0.0005"), 30, 10, "free")
    assert cost.interest_paid == D("10.00")
    assert cost.fee == 0
    assert isinstance(cost.fee, D)
    assert cost.total == D("10.00")


def test_prepayment_edges():
    on_time = prepayment_cost(D(2000), D("0.0005"), 30, 30, "remaining_days_interest")
    assert (on_time.interest_paid, on_time.fee, on_time.total) == (D(30), D(0), D(30))
    day0 = prepayment_cost(D(2000), D("0.0005"), 30, 0, "remaining_days_interest")
    assert (day0.interest_paid, day0.fee, day0.total) == (D(0), D(30), D(30))


@pytest.mark.parametrize("repay_day", [-1, 31])
def test_prepayment_rejects_repay_day_out_of_range(repay_day):
    with pytest.raises(ValueError):
        prepayment_cost(D(2000), D("0.0005"), 30, repay_day, "free")


def test_prepayment_rejects_unknown_rule():
    with pytest.raises(ValueError):
        prepayment_cost(D(2000), D("0.0005"), 30, 10, "whatever")  # type: ignore[arg-type]  # an unknown rule, on purpose


def test_prepayment_cost_is_frozen():
    cost = prepayment_cost(D(2000), D("0.0005"), 30, 10, "free")
    with pytest.raises(AttributeError):
        cost.fee = D(1)  # type: ignore[misc]  # frozen: must raise


# --------------------------------------------------------------------------
# rate conversions
# --------------------------------------------------------------------------


def test_monthly_from_daily():
    assert monthly_from_daily(D("0.0005")) == D("0.015")
    assert monthly_from_daily(D("0.0005"), 31) == D("0.0155")


def test_daily_annual_conversions():
    assert daily_to_annual(D("0.0005"), 360) == D("0.18")
    assert daily_to_annual(D("0.0005"), 365) == D("0.1825")
    assert daily_to_annual(D("0.00015"), 365) == D("0.05475")
    assert annual_to_daily(D("0.18"), 360) == D("0.0005")
    assert annual_to_daily(D("0.1825"), 365) == D("0.0005")
    # 18 % / 365 does not terminate: kept to 40 significant digits
    daily = annual_to_daily(D("0.18"), 365)
    assert isinstance(daily, D)
    assert abs(daily * 365 - D("0.18")) < TINY
    with pytest.raises(ValueError):
        daily_to_annual(D("0.0005"), 366)
    with pytest.raises(ValueError):
        annual_to_daily(D("0.18"), 0)


# --------------------------------------------------------------------------
# schedules: 10000 yuan, 12 months, 1.5 %/month
# --------------------------------------------------------------------------


def test_equal_instalment_reference_loan():
    s = equal_instalment_schedule(D(10000), D("0.015"), 12)
    assert isinstance(s, Schedule)
    assert s.method == "equal_instalment"
    assert (s.principal, s.monthly_rate, s.months) == (D(10000), D("0.015"), 12)
    assert len(s.rows) == 12
    assert all(isinstance(row, Instalment) for row in s.rows)
    assert [row.period for row in s.rows] == list(range(1, 13))
    # payment = 10000·0.015·1.015^12 / (1.015^12 − 1) = 916.79992906…
    assert fen(s.first_payment) == D("916.80")
    assert yuan(s.first_payment) == "916.80"
    assert abs(s.first_payment - D("916.7999290622894")) < D("1e-12")
    assert all(abs(row.payment - s.first_payment) < TINY for row in s.rows)
    assert fen(s.last_payment) == D("916.80")
    # first month: interest 150.00, principal 766.80
    assert s.rows[0].interest == D("150.000")
    assert fen(s.rows[0].principal) == D("766.80")
    assert fen(s.total_interest) == D("1001.60")
    assert fen(s.total_payment) == D("11001.60")
    assert abs(sum(row.principal for row in s.rows) - D(10000)) < TINY
    assert s.rows[-1].balance == 0
    annual = annualized_rate_irr(s)
    assert isinstance(annual, D)
    assert abs(annual - D("0.18")) < D("1e-12")
    assert percent(annual) == "18.00%"


def test_equal_principal_reference_loan():
    s = equal_principal_schedule(D(10000), D("0.015"), 12)
    assert s.method == "equal_principal"
    # month 1: 10000/12 = 833.333… + 10000 × 1.5 % = 150   -> 983.33
    assert fen(s.first_payment) == D("983.33")
    # month 12: 833.333… + 833.333… × 1.5 % = 12.50       -> 845.83
    assert fen(s.last_payment) == D("845.83")
    # interest = 150 × (12 + 11 + … + 1) / 12 = 150 × 78 / 12 = 975
    assert fen(s.total_interest) == D("975.00")
    assert abs(s.total_interest - D(975)) < TINY
    assert fen(s.total_payment) == D("10975.00")
    # payments fall by 833.333… × 1.5 % = 12.50 a month
    for earlier, later in pairwise(s.rows):
        assert abs(earlier.payment - later.payment - D("12.5")) < TINY
    assert abs(sum(row.principal for row in s.rows) - D(10000)) < TINY
    assert s.rows[-1].balance == 0
    annual = annualized_rate_irr(s)
    assert abs(annual - D("0.18")) < D("1e-12")
    assert percent(annual) == "18.00%"


def test_equal_principal_pays_less_interest_than_equal_instalment():
    a = equal_instalment_schedule(D(10000), D("0.015"), 12)
    b = equal_principal_schedule(D(10000), D("0.015"), 12)
    assert b.total_interest < a.total_interest
    assert b.first_payment > a.first_payment > b.last_payment


def test_zero_rate_schedules():
    for build in (equal_instalment_schedule, equal_principal_schedule):
        s = build(D(10000), D(0), 3)
        assert s.total_interest == 0
        assert s.total_payment == D(10000)
        assert fen(s.first_payment) == D("3333.33")
        assert s.rows[-1].balance == 0
        assert annualized_rate_irr(s) == 0


def test_one_month_schedule():
    s = equal_instalment_schedule(D(1000), D("0.01"), 1)
    assert s.rows == (Instalment(1, D("1010.00"), D(1000), D("10.00"), D(0)),)


@pytest.mark.parametrize(
    "args",
    [(D(0), D("0.01"), 12), (D(-5), D("0.01"), 12), (D(1000), D("-0.01"), 12), (D(1000), D("0.01"), 0)],
)
def test_schedule_validation(args):
    for build in (equal_instalment_schedule, equal_principal_schedule):
        with pytest.raises(ValueError):
            build(*args)


def test_schedule_is_frozen():
    s = equal_instalment_schedule(D(10000), D("0.015"), 12)
    with pytest.raises(AttributeError):
        s.months = 6  # type: ignore[misc]  # frozen: must raise
    with pytest.raises(AttributeError):
        s.rows[0].payment = D(0)  # type: ignore[misc]  # frozen: must raise


# --------------------------------------------------------------------------
# IRR
# --------------------------------------------------------------------------


def test_irr_simple_cases():
    assert abs(irr([D(-100), D(110)]) - D("0.1")) < TINY
    assert irr([D(-100), D(100)]) == 0
    assert abs(irr([D(-100), D(50)]) - D("-0.5")) < TINY
    # sign-flipped flows (borrower's view) give the same rate
    assert abs(irr([D(100), D(-110)]) - D("0.1")) < TINY
    # two periods: -100, 0, 121 -> 10 %
    assert abs(irr([D(-100), D(0), D(121)]) - D("0.1")) < TINY


@pytest.mark.parametrize("flows", [[D(100), D(10)], [D(-100), D(-10)], [D(0), D(0)], []])
def test_irr_without_sign_change(flows):
    with pytest.raises(ValueError):
        irr(flows)


def test_npv():
    assert npv(D("0.1"), [D(-100), D(110)]) == 0
    assert npv(D(0), [D(-100), D(30), D(80)]) == D(10)
    with pytest.raises(ValueError):
        npv(D(-1), [D(-100), D(110)])


def test_flat_fee_loan_irr_exceeds_nominal_fee_rate():
    """12000 borrowed, 12 × (1000 principal + 60 fee): 0.5 %/month flat ≈ 10.90 %/year IRR."""
    payments = [D(1060)] * 12
    monthly = irr([D(-12000), *payments])
    expected = npf.irr([-12000.0] + [1060.0] * 12)
    assert abs(float(monthly) - expected) < 1e-9
    assert percent(monthly, 3) == "0.908%"
    annual = annualized_rate_irr_flows(D(12000), payments)
    assert isinstance(annual, D)
    assert abs(float(annual) - 12 * expected) < 1e-8
    assert percent(annual) == "10.90%"
    # the nominal flat rate (60 × 12 / 12000 = 6 %) badly understates the cost
    assert annual > D("0.06") * 18 / 10
    # quarterly periods: same flows, 4 periods per year
    assert abs(annualized_rate_irr_flows(D(12000), payments, 4) - monthly * 4) < TINY


def test_annualized_rate_validation():
    with pytest.raises(ValueError):
        annualized_rate_irr_flows(D(0), [D(100)])
    with pytest.raises(ValueError):
        annualized_rate_irr_flows(D(100), [D(110)], 0)
    with pytest.raises(TypeError):
        annualized_rate_irr("not a schedule")  # type: ignore[arg-type]  # the wrong type, on purpose


# --------------------------------------------------------------------------
# cross-check against numpy_financial (floats used only on the test side)
# --------------------------------------------------------------------------


def _random_loans(seed: int, count: int = 6):
    rng = random.Random(seed)
    for _ in range(count):
        principal = D(rng.randint(100_000, 50_000_000)) / 100  # 1,000.00 … 500,000.00
        rate = D(rng.randint(1, 300)) / 10_000  # 0.01 % … 3 % per month
        months = rng.randint(1, 60)
        yield principal, rate, months


@pytest.mark.parametrize("seed", [1, 7, 2021, 31337])
def test_equal_instalment_matches_numpy_financial(seed):
    for principal, rate, months in _random_loans(seed):
        s = equal_instalment_schedule(principal, rate, months)
        p, r = float(principal), float(rate)
        expected_payment = -npf.pmt(r, months, p)
        assert float(s.first_payment) == pytest.approx(expected_payment, abs=1e-6)
        assert float(s.last_payment) == pytest.approx(expected_payment, abs=1e-6)
        for row in s.rows:
            assert float(row.interest) == pytest.approx(-npf.ipmt(r, row.period, months, p), abs=1e-6)
            assert float(row.principal) == pytest.approx(-npf.ppmt(r, row.period, months, p), abs=1e-6)
        flows = [-principal, *(row.payment for row in s.rows)]
        monthly = irr(flows)
        assert float(monthly) == pytest.approx(npf.irr([float(x) for x in flows]), abs=1e-6)
        assert abs(monthly - rate) < D("1e-12")
        assert abs(annualized_rate_irr(s) - rate * 12) < D("1e-12")


@pytest.mark.parametrize("seed", [3, 42, 2024])
def test_equal_principal_matches_numpy_financial(seed):
    for principal, rate, months in _random_loans(seed):
        s = equal_principal_schedule(principal, rate, months)
        # hand formula: interest = r·P·(n+1)/2 for 等额本金
        assert abs(s.total_interest - rate * principal * (months + 1) / 2) < D("1e-12")
        flows = [-principal, *(row.payment for row in s.rows)]
        float_flows = [float(x) for x in flows]
        assert float(irr(flows)) == pytest.approx(npf.irr(float_flows), abs=1e-6)
        assert npf.npv(float(rate), float_flows) == pytest.approx(0.0, abs=1e-6)
        assert abs(annualized_rate_irr(s) - rate * 12) < D("1e-12")


@pytest.mark.parametrize("seed", [5, 11, 99])
def test_irr_matches_numpy_on_fee_loans(seed):
    rng = random.Random(seed)
    for _ in range(5):
        months = rng.randint(3, 36)
        principal = D(rng.randint(1_000, 100_000))
        fee = principal * D(rng.randint(10, 150)) / 10_000  # 0.1 % … 1.5 % of principal a month
        payments = [principal / months + fee] * months
        flows = [-principal, *payments]
        result = irr(flows)
        assert float(result) == pytest.approx(npf.irr([float(x) for x in flows]), abs=1e-6)
        assert abs(npv(result, flows)) < D("1e-9")


@pytest.mark.parametrize("seed", [8, 64, 512])
def test_irr_from_a_guess_is_the_root_the_full_solve_finds(seed):
    """A schedule's own rate as the guess (what the answers pass) gives the root the bracket scan and Newton find,
    within the tolerance, and the NPV changes sign across it (the guess is near, not the answer by fiat)."""
    rng = random.Random(seed)
    tol = D("1e-15")
    for principal, rate, months in _random_loans(seed):
        for schedule in (equal_instalment_schedule(principal, rate, months),
                         equal_principal_schedule(principal, rate, months)):
            flows = [-principal, *(row.payment for row in schedule.rows)]
            fee = D(rng.randint(0, 50)) / 10_000  # off the guess too: a fee the schedule's rate does not include
            flows = [flows[0], *(f + principal * fee for f in flows[1:])]
            found, full = irr(flows, guess=rate), irr(flows)
            assert abs(found - full) <= tol
            assert (npv(found - tol, flows) < 0) != (npv(found + tol, flows) < 0)


# --------------------------------------------------------------------------
# Decimal in, Decimal out; floats rejected
# --------------------------------------------------------------------------


def test_results_are_decimal():
    s = equal_instalment_schedule(D(10000), D("0.015"), 12)
    values = [
        fen(D(1)),
        daily_interest(D(1), D("0.1"), 1),
        overdue_penalty(D(1), D("0.1"), D(1), 1),
        monthly_from_daily(D("0.0005")),
        daily_to_annual(D("0.0005"), 365),
        annual_to_daily(D("0.18"), 360),
        irr([D(-100), D(110)]),
        npv(D("0.1"), [D(-100), D(110)]),
        annualized_rate_irr(s),
        s.total_interest,
        s.total_payment,
        s.first_payment,
        s.last_payment,
    ]
    values += [getattr(row, f) for row in s.rows for f in ("payment", "principal", "interest", "balance")]
    assert all(type(v) is D for v in values)


@pytest.mark.parametrize(
    ("func", "args"),
    [
        (fen, (0.005,)),
        (yuan, (10000.0,)),
        (percent, (0.0005,)),
        (percent_trim, (0.18,)),
        (daily_interest, (10000.0, D("0.0005"), 30)),
        (daily_interest, (D(10000), 0.0005, 30)),
        (daily_interest, (D(10000), D("0.0005"), 30.0)),
        (overdue_penalty, (D(5000), D("0.0005"), 1.5, 10)),
        (prepayment_cost, (D(2000), 0.0005, 30, 10, "free")),
        (monthly_from_daily, (0.0005,)),
        (daily_to_annual, (0.0005, 365)),
        (annual_to_daily, (0.18, 360)),
        (equal_instalment_schedule, (10000.0, D("0.015"), 12)),
        (equal_instalment_schedule, (D(10000), 0.015, 12)),
        (equal_principal_schedule, (D(10000), D("0.015"), 12.0)),
        (irr, ([-100.0, 110.0],)),
        (irr, ([D(-100), 110.0],)),
        (npv, (0.1, [D(-100), D(110)])),
        (annualized_rate_irr_flows, (D(12000), [1060.0] * 12)),
        (daily_interest, ("10000", D("0.0005"), 30)),
        (daily_interest, (True, D("0.0005"), 30)),
    ],
)
def test_floats_and_other_types_rejected(func, args):
    with pytest.raises(TypeError):
        func(*args)


def test_non_finite_decimal_rejected():
    with pytest.raises(ValueError):
        fen(D("NaN"))
    with pytest.raises(ValueError):
        daily_interest(D("Infinity"), D("0.0005"), 30)


def test_ints_are_accepted():
    assert daily_interest(10000, D("0.0005"), 30) == D(150)  # type: ignore[arg-type]  # an int, on purpose
    assert fen(1) == D("1.00")  # type: ignore[arg-type]  # an int, on purpose


def test_caller_context_does_not_leak_in():
    """A low-precision, odd-rounding caller context must not change the results."""
    from decimal import ROUND_DOWN, localcontext

    reference = equal_instalment_schedule(D(10000), D("0.015"), 12)
    with localcontext() as ctx:
        ctx.prec = 6
        ctx.rounding = ROUND_DOWN
        s = equal_instalment_schedule(D(10000), D("0.015"), 12)
        assert fen(D("0.005")) == D("0.01")
        assert s == reference
        assert abs(annualized_rate_irr(s) - D("0.18")) < D("1e-12")


def test_module_has_no_float_literals_or_calls():
    """Guard the 'no floats in computations' rule at source level."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(calc))
    for node in ast.walk(tree):
        assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), node.lineno
        assert not (isinstance(node, ast.Name) and node.id == "float"), node.lineno
