"""``make bench``: speed and memory of the bot against floors measured in the same run.

Prints a table and writes benchmarks/results.json; exits 1 when a target is missed.
Usage (from the repo root): ``python benchmarks/run.py [--only engine,reload] [--quick] [--out FILE]``."""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script: import as the package ``benchmarks`` from the repo root
    sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

from benchmarks import cold_start, engine_speed, memory, reload, stack  # noqa: E402

MEASURES: dict[str, ModuleType] = {"cold_start": cold_start, "engine": engine_speed, "telegram": stack,
                                   "memory": memory, "reload": reload}
ABSOLUTE = {"reload"}  # compared with the target directly, not as a ratio to a floor


def judge(name: str, result: dict[str, Any]) -> dict[str, Any]:
    """Add the target and the pass flag to ``result``."""
    op, target = MEASURES[name].TARGET
    value = result["value"] if name in ABSOLUTE else result["ratio"]
    result["target"] = {"op": op, "value": target, "of": "value" if name in ABSOLUTE else "ratio",
                        "floor": MEASURES[name].FLOOR_LABEL}
    result["pass"] = value <= target if op == "<=" else value >= target
    return result


def _lat(d: dict[str, float], unit: str = "ms") -> str:
    digits = 0 if unit == "ms" else 2
    return f"p50 {d['p50']:.{digits}f} / p99 {d['p99']:.{digits}f} / max {d['max']:.{digits}f} {unit}"


def rows(name: str, r: dict[str, Any]) -> list[tuple[str, ...]]:
    """Table rows of one measure: the judged row, then informational ones."""
    op, target = r["target"]["op"], r["target"]["value"]
    verdict = "PASS" if r["pass"] else "FAIL"
    if name == "reload":
        out = [("reload", f"{r['value']:.3f} s (max {r['max']:.3f})", "-", "-", f"{op} {target} s", verdict),
               ("  reply, no reload", _lat(r["reply_ms_without_reload"]),
                f"{r['reply_ms_without_reload']['n']} replies", f"at {r['stream_rate_per_s']:.0f} q/s", "(info)", "")]
        during = r["reply_ms_during_reload"]
        out.append(("  reply during /reload", _lat(during), f"{during['n']} replies",
                    f"{r['reloads_ok']}/{r['reloads']} reloads ok", "(info)", ""))
        out.append(("  /reload via Telegram", _lat(r["reload_via_telegram_s"], "s"),
                    "jieba reloaded" if r["jieba_reloaded"] else "jieba not reloaded", "", "(info)", ""))
        return out
    fmt = {"s": "{:.2f} s", "µs/question": "{:.0f} µs/q", "updates/s": "{:.0f} upd/s", "MiB": "{:.0f} MiB"}[r["unit"]]
    out = [(name, fmt.format(r["value"]), fmt.format(r["floor"]), f"{r['ratio']:.2f}x", f"{op} {target}x", verdict)]
    if name == "engine":
        out.append(("  p50 / p99", f"{r['p50_ms']:.3f} / {r['p99_ms']:.3f} ms",
                    f"{r['floor_p50_ms']:.3f} / {r['floor_p99_ms']:.3f} ms",
                    f"{r['per_second']:.0f} q/s", f"{r['distinct']}/{r['questions']} distinct", ""))
        off = r["memo_off"]
        if "value" in off:
            out.append(("  memo off (worst)", fmt.format(off["value"]), fmt.format(off["floor"]),
                        f"{off['ratio']:.2f}x", "(info)", ""))
    if name == "telegram":
        out.append((f"  echo, {r['concurrent_chats']} at once", fmt.format(r["echo_concurrent"]), "",
                    f"{r['ratio_vs_echo_concurrent']:.2f}x", "(info)", ""))
        cpu = r["best"]
        out.append(("  CPU: bot / echo", f"{cpu['bot']['client_cpu_share']:.0%} / {cpu['echo']['client_cpu_share']:.0%}",
                    f"server {cpu['bot']['server_cpu_share']:.0%} / {cpu['echo']['server_cpu_share']:.0%}",
                    "", "(info)", ""))
    return out


def table(results: dict[str, dict[str, Any]]) -> str:
    lines: list[tuple[str, ...]] = [("measure", "value", "floor", "ratio", "target", "pass/fail")]
    for name, result in results.items():
        lines += rows(name, result)
    widths = [max(len(line[i]) for line in lines) for i in range(6)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(MEASURES), help="comma-separated subset of: " + ", ".join(MEASURES))
    parser.add_argument("--quick", action="store_true", help="small runs: a smoke test, not for reporting")
    parser.add_argument("--out", type=Path, default=HERE / "results.json", help="where to write the JSON results")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    if unknown := [n for n in names if n not in MEASURES]:
        parser.error(f"unknown measure(s): {', '.join(unknown)}; choose from {', '.join(MEASURES)}")
    started, load = time.perf_counter(), os.getloadavg()
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        print(f"… {name}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        results[name] = judge(name, MEASURES[name].measure(quick=args.quick))
        results[name]["seconds"] = round(time.perf_counter() - t0, 1)
    meta = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": platform.python_version(),
            "platform": platform.platform(), "cpu_count": os.cpu_count(), "quick": args.quick,
            "loadavg_1min_before_after": [round(load[0], 2), round(os.getloadavg()[0], 2)],
            "seconds": round(time.perf_counter() - started, 1)}
    print(table(results))
    for name, result in results.items():
        if "note" in result:
            print(f"\n{name}: {result['note']}")
    missed = [n for n, r in results.items() if not r["pass"]]
    print(f"\n{meta['cpu_count']} cores, Python {meta['python']}, {meta['seconds']} s"
          + (f"; missed: {', '.join(missed)}" if missed else "; all targets met"))
    args.out.write_text(json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
