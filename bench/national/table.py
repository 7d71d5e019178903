"""The results of two runs of bench.national.run (--json), side by side as the Markdown table in docs/benchmarks.md:
each figure raw and normalised to its run's calibration (bench/national/calibration.py), the calibration itself
in the first lines.

Run: `python -m bench.national.table sqlite.json postgresql.json`.
"""
from __future__ import annotations

import json
import sys

from bench.national.calibration import Calibration
from bench.national.run import BATCH_SECONDS, CASE_RPS, TARGETS


def _cell(row: dict | None, calibration: Calibration) -> str:
    if row is None:
        return "—"
    if "seconds" in row:
        return f"{row['seconds']:.1f} s (norm {calibration.latency(row['seconds'] * 1000) / 1000:.1f} s)"
    text = f"{row['p50']:.1f} / {row['p95']:.1f} (norm p95 {calibration.latency(row['p95']):.1f}"
    if "ratio" in row:
        text += f"; raw {row['raw_p50']:.1f}, ×{row['ratio']:.2f}"
    return text + ")"


def _target(row: dict) -> str:
    if row["kind"] == "batch":
        return f"{BATCH_SECONDS} s"
    target = TARGETS.get(row["kind"])
    return f"p95 ≤ {target} ms" if target else "—"


def table(runs: list[dict]) -> str:
    names = [run["database"] for run in runs]
    calibrations = [Calibration(**run["calibration"]) for run in runs]
    lines = ["| what (ms: p50 / p95; p95 normalised; raw SQL p50 and page/raw ratio) | " + " | ".join(names)
             + " | target |", "|---|" + "---|" * len(runs) + "---|",
             "| calibration: python loop, ms (speed against the reference) | "
             + " | ".join(f"{c.loop_ms:.1f} ({c.speed:.2f})" for c in calibrations) + " | — |",
             "| calibration: hello-world Flask under gunicorn, 5 workers × 2 threads, requests/s | "
             + " | ".join(f"{c.hello_rps:.0f} ({c.served_speed:.2f})" for c in calibrations) + " | — |"]
    for row in runs[0]["rows"]:
        cells = [_cell(next((r for r in run["rows"] if r["what"] == row["what"]), None), c)
                 for run, c in zip(runs, calibrations)]
        lines.append(f"| {row['what']} | " + " | ".join(cells) + f" | {_target(row)} |")
    served = [run["throughput"] for run in runs]
    lines.append("| case page under gunicorn, requests/s (normalised) | "
                 + " | ".join(f"{s['case_rps']:.0f} ({c.throughput(s['case_rps']):.0f})"
                              for s, c in zip(served, calibrations)) + f" | ≥ {CASE_RPS} |")
    lines.append("| throughput ratio case page / hello world | " + " | ".join(f"{s['ratio']:.3f}" for s in served)
                 + " | — |")
    lines.append("| largest worker RSS after the run | " + " | ".join(f"{s['worker_rss_mb']:.0f} MB" for s in served)
                 + " | ≤ 250 MB |")
    lines.append("| missed | " + " | ".join("; ".join(run.get("missed", [])) or "none" for run in runs) + " | — |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table([json.load(open(path)) for path in sys.argv[1:]]))
