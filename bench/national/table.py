"""The results of two runs of bench.national.run (--json), side by side as the Markdown table in docs/benchmarks.md.

Run: `python -m bench.national.table sqlite.json postgresql.json`.
"""
from __future__ import annotations

import json
import sys

from bench.national.run import TARGETS


def _cell(row: dict | None) -> str:
    if row is None:
        return "—"
    if "seconds" in row:
        return f"{row['seconds']:.1f} s"
    text = f"{row['p50']:.1f} / {row['p95']:.1f}"
    if "ratio" in row:
        text += f" (raw {row['raw_p50']:.1f}, ×{row['ratio']:.2f})"
    return text


def _target(row: dict) -> str:
    if row["kind"] == "batch":
        return "30 s"
    target = TARGETS.get(row["kind"])
    listed = row["kind"] in ("list", "search")
    return f"p95 ≤ {target} ms" + (", ratio ≤ 2" if listed else "") if target else "—"


def table(runs: list[dict]) -> str:
    names = [run["database"] for run in runs]
    lines = ["| what (ms: p50 / p95; raw SQL p50 and page/raw ratio) | " + " | ".join(names) + " | target |",
             "|---|" + "---|" * len(runs) + "---|"]
    for row in runs[0]["rows"]:
        cells = [_cell(next((r for r in run["rows"] if r["what"] == row["what"]), None)) for run in runs]
        lines.append(f"| {row['what']} | " + " | ".join(cells) + f" | {_target(row)} |")
    served = [run["throughput"] for run in runs]
    lines.append("| case page under gunicorn, requests/s | " + " | ".join(f"{s['case_rps']:.0f}" for s in served)
                 + " | — |")
    lines.append("| hello-world Flask, same settings, requests/s | "
                 + " | ".join(f"{s['hello_rps']:.0f}" for s in served) + " | — |")
    lines.append("| throughput ratio | " + " | ".join(f"{s['ratio']:.3f}" for s in served) + " | ≥ 0.5 |")
    lines.append("| largest worker RSS after the run | " + " | ".join(f"{s['worker_rss_mb']:.0f} MB" for s in served)
                 + " | ≤ 250 MB |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table([json.load(open(path)) for path in sys.argv[1:]]))
