"""The yardstick of a benchmark run (issue 22 point 1): how fast this machine is, measured in the same run, so that
a figure can be read beside the machine it was taken on and two machines compared.

Two calibrations, each against the figure of the machine docs/benchmarks.md's targets were set on (REFERENCE):

- a fixed pure-Python loop (CPU-bound, one core, no I/O), best of several: latencies (ms, s) are normalised by it,
  `normalised = raw × reference loop time / this run's loop time` — on a machine half as fast a page taking 40 ms
  counts as 20 ms;
- hello-world Flask under gunicorn (bench/national/hello.py, measured by throughput.py) with the settings the
  reference was taken with (HELLO_SETTINGS: 5 workers × 2 threads, whatever the app's own settings are now —
  gunicorn.conf.py chooses them per database since issue 22, and hello world under 2 × 2 serves ~18% more than
  under 5 × 2, which would read as a faster machine): requests per second are normalised by it,
  `normalised = raw × reference hello / this run's hello`.

A normalised figure is what the targets are checked against (run.py exits non-zero on a miss); the raw one is what
users on this machine would see. Both are printed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

LOOP_ITERATIONS = 2_000_000
LOOP_REPEATS = 7


@dataclass(frozen=True)
class Calibration:
    loop_ms: float          # the fixed loop, best of LOOP_REPEATS
    hello_rps: float        # hello-world Flask under gunicorn with HELLO_SETTINGS

    def latency(self, raw_ms: float) -> float:
        """A time measured here, as it would have been on the reference machine."""
        return raw_ms * REFERENCE.loop_ms / self.loop_ms

    def throughput(self, raw_rps: float) -> float:
        return raw_rps * REFERENCE.hello_rps / self.hello_rps

    @property
    def speed(self) -> float:
        """This machine against the reference, single core (1.0: as fast; 0.5: half as fast)."""
        return REFERENCE.loop_ms / self.loop_ms

    @property
    def served_speed(self) -> float:
        return self.hello_rps / REFERENCE.hello_rps


# This project's 2-core machine, quiet, 2026-12-02 16:00 UTC: the calibration of the first SQLite run recorded in
# docs/benchmarks.md, "Calibration" (issue 22). Change it only together with the targets it anchors.
REFERENCE = Calibration(loop_ms=210.8, hello_rps=3_652.0)
# gunicorn.conf.py's defaults when REFERENCE was taken
HELLO_SETTINGS = {"KRUDESK_WORKERS": "5", "KRUDESK_THREADS": "2"}


def python_loop_ms() -> float:
    """The fixed loop: integer arithmetic, a dict and a list, as interpreted request code does; best of a few."""
    best = float("inf")
    for _ in range(LOOP_REPEATS):
        started = time.perf_counter()
        _loop(LOOP_ITERATIONS)
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def _loop(n: int) -> int:
    seen: dict[int, int] = {}
    total = 0
    for i in range(n):
        key = i & 1023
        seen[key] = seen.get(key, 0) + i
        total += (i * 7) % 13
    return total + len(seen)


if __name__ == "__main__":
    measured = python_loop_ms()
    print(f"python loop: {measured:.1f} ms (reference {REFERENCE.loop_ms:.1f} ms, speed {REFERENCE.loop_ms / measured:.2f})")
