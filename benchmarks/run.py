"""``make bench``: speed and memory of the bot against floors measured in the same run.

Prints a table and writes benchmarks/results.local.json (untracked); with ``--update`` also the committed
table benchmarks/results.json. Exits 1 when a target is missed, and the table says which row missed it.
Usage (from the repo root): ``python benchmarks/run.py [--only engine,reload] [--quick] [--update]``."""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script: import as the package ``benchmarks`` from the repo root
    sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

from benchmarks import accuracy, cold_start, engine_speed, memory, reload, stack  # noqa: E402  # needs the path above

MEASURES: dict[str, ModuleType] = {"cold_start": cold_start, "engine": engine_speed, "telegram": stack,
                                   "memory": memory, "reload": reload, "accuracy": accuracy}
ABSOLUTE = {"reload"}  # compared with the target directly, not as a ratio to a floor
LOCAL = HERE / "results.local.json"  # every run (gitignored)
COMMITTED = HERE / "results.json"  # the committed table: only with --update


def _meets(value: float, op: str, target: float) -> bool:
    return value <= target if op == "<=" else value >= target


def judge(name: str, result: dict[str, Any]) -> dict[str, Any]:
    """Add the target and the pass flag to ``result``."""
    op, target = MEASURES[name].TARGET
    value = result["value"] if name in ABSOLUTE else result["ratio"]
    result["target"] = {"op": op, "value": target, "of": "value" if name in ABSOLUTE else "ratio",
                        "floor": MEASURES[name].FLOOR_LABEL}
    result["pass_main"] = _meets(value, op, target)
    for check in result.get("checks", []):  # further judged rows of the same measure
        check["pass"] = _meets(check["value"], check["op"], check["target"])
    result["pass"] = result["pass_main"] and all(c["pass"] for c in result.get("checks", []))
    return result


def missed(results: dict[str, dict[str, Any]]) -> list[str]:
    """One line per missed target: the row, its figure and the target."""
    out = []
    for name, r in results.items():
        t = r["target"]
        if not r["pass_main"]:
            figure = r[t["of"]]
            out.append(f"{name}: {figure:.3g}{'' if t['of'] == 'value' else 'x'} (target {t['op']} {t['value']})")
        out += [f"{name} / {c['label']}: {c['value']:.3g}x (target {c['op']} {c['target']})"
                for c in r.get("checks", []) if not c["pass"]]
    return out


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _lat(d: dict[str, float], unit: str = "ms") -> str:
    digits = 0 if unit == "ms" else 2
    return f"p50 {d['p50']:.{digits}f} / p99 {d['p99']:.{digits}f} / max {d['max']:.{digits}f} {unit}"


def rows(name: str, r: dict[str, Any]) -> list[tuple[str, ...]]:
    """Table rows of one measure: the judged row, then informational ones."""
    op, target = r["target"]["op"], r["target"]["value"]
    verdict = _verdict(r["pass_main"])
    checks = {c["label"]: c for c in r.get("checks", [])}
    out: list[tuple[str, ...]]
    if name == "accuracy":
        out = [("accuracy", r["summary"], "committed" if r["committed"] else "(none committed)",
                f"{r['ratio']:.3f}x", f"{op} {target}x", verdict)]
        for set_name, f in r["sets"].items():
            before = r["committed"].get(set_name, {})
            was = (f"{before['accuracy']:.1%} / {before['oos_precision']:.1%} / {before['oos_recall']:.1%}"
                   if before else "-")
            out.append((f"  {set_name} ({f['questions']} q)",
                        f"{f['accuracy']:.1%} / {f['oos_precision']:.1%} / {f['oos_recall']:.1%}", was,
                        "acc / oos P / oos R", "(info)", ""))
        out.append(("  property tests", "pass" if r["property_tests_pass"] else "FAIL", "", "", "must pass",
                    _verdict(r["property_tests_pass"])))
        return out
    if name == "reload":
        out = [("reload", f"{r['value']:.3f} s (max {r['max']:.3f})", "-", "-", f"{op} {target} s", verdict),
               ("  reply, no reload", _lat(r["reply_ms_without_reload"]),
                f"{r['reply_ms_without_reload']['n']} replies", f"at {r['stream_rate_per_s']:.0f} q/s", "(info)", "")]
        during = r["reply_ms_during_reload"]
        out.append(("  reply during /reload", _lat(during), f"{during['n']} replies",
                    f"{r['reloads_ok']}/{r['reloads']} reloads ok", "(info)", ""))
        if check := checks.get("p99 during / without reload"):
            out.append(("  p99 during ÷ without", f"{during['p99']:.0f} ms",
                        f"{r['reply_ms_without_reload']['p99']:.0f} ms",
                        f"{check['value']:.2f}x", f"{check['op']} {check['target']}x", _verdict(check["pass"])))
        out.append(("  /reload via Telegram", _lat(r["reload_via_telegram_s"], "s"),
                    "jieba reloaded" if r["jieba_reloaded"] else "jieba not reloaded", "", "(info)", ""))
        for label, t in r.get("after_a_change_s", {}).items():
            out.append((f"  one {label} file changed", f"{t['median']:.3f} s (max {t['max']:.3f})", "-", "-",
                        "(info)", ""))
        return out
    fmt = {"s": "{:.2f} s", "µs/question": "{:.0f} µs/q", "updates/s": "{:.0f} upd/s", "MiB": "{:.0f} MiB"}[r["unit"]]
    label = f"{name} ({r['concurrent_chats']} chats at once)" if name == "telegram" else name
    out = [(label, fmt.format(r["value"]), fmt.format(r["floor"]), f"{r['ratio']:.2f}x", f"{op} {target}x", verdict)]
    if name == "cold_start":
        pairs = r["pair_ratios"]
        out.append((f"  min–max of {len(pairs)} pairs", "", "", f"{min(pairs):.2f}–{max(pairs):.2f}x", "(info)", ""))
        first = r["first_run"]
        out.append(("  first run, cold caches", fmt.format(first["value"]), fmt.format(first["floor"]),
                    f"{first['ratio']:.2f}x", "(info)", ""))
    if name == "engine":
        out.append(("  p50 / p99", f"{r['p50_ms']:.3f} / {r['p99_ms']:.3f} ms",
                    f"{r['floor_p50_ms']:.3f} / {r['floor_p99_ms']:.3f} ms",
                    f"{r['per_second']:.0f} q/s", f"{r['distinct']}/{r['questions']} distinct", ""))
        off = r["memo_off"]
        if "value" in off:
            check = checks.get("memo off (worst)")
            out.append(("  memo off (worst)", fmt.format(off["value"]), fmt.format(off["floor"]),
                        f"{off['ratio']:.2f}x", f"{check['op']} {check['target']}x" if check else "(info)",
                        _verdict(check["pass"]) if check else ""))
    if name == "telegram":
        out.append(("  echo, one at a time", fmt.format(r["echo_sequential"]), "",
                    f"{r['ratio_vs_echo_sequential']:.2f}x", "(info)", ""))
        if "echo_client" in r:
            out.append(("  echo, bot's HTTP client", fmt.format(r["echo_client"]), "",
                        f"{r['ratio_vs_echo_client']:.2f}x", "(info: same client, aiohttp, on both sides)", ""))
        cpu_ms = r["cpu_ms_per_update"]
        out.append(("  CPU per update: bot", f"{cpu_ms['bot']:.2f} ms", f"echo {cpu_ms['echo_concurrent']:.2f} ms",
                    f"{cpu_ms['bot'] / cpu_ms['echo_concurrent']:.2f}x",
                    f"(info; echo 1 at a time {cpu_ms['echo']:.2f} ms)", ""))
        cpu = r["best"]
        out.append(("  CPU: bot / echo",
                    f"{cpu['bot']['client_cpu_share']:.0%} / {cpu['echo']['client_cpu_share']:.0%}",
                    f"server {cpu['bot']['server_cpu_share']:.0%} / {cpu['echo']['server_cpu_share']:.0%}",
                    "", "(info)", ""))
    return out


def table(results: dict[str, dict[str, Any]]) -> str:
    lines: list[tuple[str, ...]] = [("measure", "value", "floor", "ratio", "target", "pass/fail")]
    for name, result in results.items():
        lines += rows(name, result)
    widths = [max(len(line[i]) for line in lines) for i in range(6)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(MEASURES), help="comma-separated subset of: " + ", ".join(MEASURES))
    parser.add_argument("--quick", action="store_true", help="small runs: a smoke test, not for reporting")
    parser.add_argument("--update", action="store_true",
                        help=f"also write the committed table {COMMITTED.relative_to(HERE.parent)} "
                             "(make bench UPDATE=1)")
    parser.add_argument("--out", type=Path, default=LOCAL, help="where to write the JSON results (default: untracked)")
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
    meta = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "python": platform.python_version(),
            "platform": platform.platform(), "cpu_count": os.cpu_count(), "quick": args.quick,
            "loadavg_1min_before_after": [round(load[0], 2), round(os.getloadavg()[0], 2)],
            "seconds": round(time.perf_counter() - started, 1)}
    print(table(results))
    for name, result in results.items():
        if "note" in result:
            print(f"\n{name}: {result['note']}")
    misses = missed(results)
    print(f"\n{meta['cpu_count']} cores, Python {meta['python']}, {meta['seconds']} s, load "
          f"{meta['loadavg_1min_before_after'][0]} -> {meta['loadavg_1min_before_after'][1]}; "
          + ("targets missed:\n  " + "\n  ".join(misses) if misses else "all targets met"))
    text = json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=2) + "\n"
    outs = [args.out] + ([COMMITTED] if args.update and args.out != COMMITTED else [])
    for out in outs:
        out.write_text(text, encoding="utf-8")
    print(f"results: {', '.join(str(o) for o in outs)}", file=sys.stderr)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
