"""Charts and CSV: the font has every glyph of every label, rows add up, and answering never loads matplotlib."""
from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

from bot import figures
from bot.text import display
from tests.conftest import INTENTS, KNOWLEDGE, fresh_engine

QUESTIONS = ("借呗借两万分6期每月还多少", "微粒贷借1万分12期每月还多少", "WE2000借1500元分3期每月还多少",
             "微粒贷、借呗和WE2000借1000元用30天哪个利息低", "借呗和微粒贷借2万分6期每月还多少")


def charts() -> list[figures.Chart]:
    engine = fresh_engine()
    out = []
    for n, question in enumerate(QUESTIONS):
        reply = engine.reply(f"s{n}", question)
        assert reply.figure, question
        out.append(engine.chart(reply.figure))
    return out


def test_the_chart_font_has_a_glyph_for_every_label() -> None:
    assert figures.font_path().is_file()
    for chart in charts():
        for label in chart.labels():
            assert not figures.missing_glyphs(label), (label, figures.missing_glyphs(label))
    assert figures.missing_glyphs("口") == set() and figures.missing_glyphs("\U0001F600")  # the check can fail


def test_spec_round_trip_and_rejects() -> None:
    plan = figures.PlanSpec("jiebei", Decimal(20000), 6, "equal_principal", Decimal("0.00015"))
    assert figures.decode(plan.encode()) == plan and len(("g|" + plan.encode()).encode()) <= 64
    cost = figures.CostSpec("e", Decimal("1500.5"), 12, ("weilidai", "jiebei", "we2000"))
    assert figures.decode(cost.encode()) == cost and len(("g|" + cost.encode()).encode()) <= 64
    for bad in ("", "i:jiebei:x:6:ei:0.1", "c:z:1:1:a", "i:jiebei:1:6:zz:0.1"):
        try:
            figures.decode(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_rounded_rows_add_up_for_both_methods() -> None:
    for method in ("equal_instalment", "equal_principal"):
        spec = figures.PlanSpec("weilidai", Decimal(33333), 7, method, Decimal("0.0005"))
        chart = figures.plan_chart(spec, "微粒贷")
        assert sum(r.principal for r in chart.rows) == Decimal(33333) and chart.rows[-1].remaining == 0
        assert sum(r.interest for r in chart.rows) == display.fen(chart.schedule.total_interest)
        assert all(r.payment == r.principal + r.interest for r in chart.rows)
        # every payment but the last (which takes the rounding) is the schedule's, rounded
        assert all(r.payment == display.fen(s.payment)
                   for r, s in zip(chart.rows[:-1], chart.schedule.rows, strict=False))


def test_png_is_drawn() -> None:
    picture = figures.png(charts()[0])
    assert picture.startswith(b"\x89PNG") and len(picture) > 10_000


def test_answering_questions_does_not_import_matplotlib() -> None:
    code = ("import sys; from bot.engine import build_engine; from bot.telegram import handlers, render; "
            f"e = build_engine({str(KNOWLEDGE)!r}, {str(INTENTS)!r}); "
            "[render.render(e.reply('s', q)) "
            "for q in ('借呗借两万分6期每月还多少', '微粒贷和借呗借1万用30天利息多少')]; "
            "print('matplotlib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
