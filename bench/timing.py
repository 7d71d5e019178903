"""Shared by the benchmarks: median and p95 of repeated runs, in milliseconds."""
from __future__ import annotations

import statistics
import time


def timed(fn, runs: int) -> tuple[float, float]:
    fn()  # warm up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]
