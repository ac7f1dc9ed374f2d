"""6. Accuracy in the same run as the timings: every evaluation set, so speed never trades answer quality.

* each labeled set in tests/data/*.jsonl through the shipped engine (``bot.evaluation``): accuracy (intent and
  products), out-of-scope precision and recall; none may fall below the figures of the committed table
  (benchmarks/results.json, written by ``make bench UPDATE=1``);
* the engine's property tests (tests/test_engine_properties.py) must pass."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from .common import PY, REPO, build, quiet

TARGET = (">=", 1.0)  # every figure ≥ the committed one (ratio = the worst figure ÷ its committed value)
FLOOR_LABEL = "accuracy in the committed table (benchmarks/results.json)"
SETS = sorted((REPO / "tests" / "data").glob("*.jsonl"))
PROPERTY_TESTS = "tests/test_engine_properties.py"
FIGURES = ("accuracy", "oos_precision", "oos_recall")


def committed(path: Path = REPO / "benchmarks" / "results.json") -> dict[str, dict[str, float]]:
    """Per set, the figures of the committed table ({} when it has none)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))["results"]["accuracy"]["sets"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def measure(quick: bool = False) -> dict[str, Any]:
    from bot.evaluation import evaluate, load_cases

    del quick  # the sets are small: always all of them
    quiet()
    sets: dict[str, dict[str, float]] = {}
    for path in SETS:
        report = evaluate(build(), load_cases(path))  # a fresh engine per set: no shared sessions
        sets[path.stem] = {"questions": len(report.outcomes), "accuracy": report.accuracy,
                           "oos_precision": report.oos_precision, "oos_recall": report.oos_recall}
    done = subprocess.run([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", PROPERTY_TESTS], cwd=REPO,
                          capture_output=True, text=True)
    before = committed()
    ratios = {f"{name}.{figure}": figures[figure] / before[name][figure]
              for name, figures in sets.items() if name in before
              for figure in FIGURES if before[name].get(figure)}
    worst = min(ratios.values(), default=1.0)
    summary = ", ".join(f"{name} {figures['accuracy']:.1%}" for name, figures in sets.items())
    return {"value": worst, "floor": 1.0, "ratio": worst if done.returncode == 0 else 0.0, "unit": "ratio",
            "sets": sets, "committed": before, "ratios": ratios, "summary": summary,
            "property_tests_pass": done.returncode == 0,
            "property_tests_output": done.stdout.strip().splitlines()[-1:],
            "note": ("every figure (accuracy, out-of-scope precision/recall) of every set compared with the "
                     f"committed table{'' if before else ' (none committed yet: nothing to compare)'}; "
                     f"property tests {'pass' if done.returncode == 0 else 'FAIL'}")}
