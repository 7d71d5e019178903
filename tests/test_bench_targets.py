"""Issue 22 points 1 and 5: the national benchmark normalises each figure to the calibration it measured in the same
run, and fails on a normalised figure over its target. Known answers, worked by hand from the reference figures."""
from bench.national.calibration import REFERENCE, Calibration
from bench.national.run import BATCH_SECONDS, CASE_RPS, TARGETS, misses_of

HALF_AS_FAST = Calibration(loop_ms=REFERENCE.loop_ms * 2, hello_rps=REFERENCE.hello_rps / 2)


def test_a_machine_half_as_fast_halves_times_and_doubles_throughput():
    assert HALF_AS_FAST.speed == 0.5 and HALF_AS_FAST.served_speed == 0.5
    assert HALF_AS_FAST.latency(80.0) == 40.0
    assert HALF_AS_FAST.throughput(150.0) == 300.0
    assert REFERENCE.latency(80.0) == 80.0 and REFERENCE.throughput(150.0) == 150.0


def _row(kind, p95, what="row"):
    return {"what": what, "kind": kind, "p50": p95, "p95": p95, "statements": 1}


def test_only_normalised_figures_over_their_targets_are_misses():
    served = {"case_rps": CASE_RPS / 2 + 1}  # normalised on HALF_AS_FAST: CASE_RPS + 2, over the floor
    rows = [_row("dashboard", TARGETS["dashboard"] * 2 - 2, "dashboard under"),   # 148 ms normalised
            _row("list", TARGETS["list"] * 2 + 2, "list over"),                   # 51 ms normalised
            {"what": "batch", "kind": "batch", "seconds": BATCH_SECONDS * 2 + 1},  # 20.5 s normalised
            _row("write", 10_000.0, "no target")]
    missed = misses_of(rows, served, HALF_AS_FAST)
    assert [m.split(":")[0] for m in missed] == ["list over", "batch"]
    assert misses_of(rows, served, REFERENCE)[-1].startswith("case page under gunicorn")  # raw 201/s < 400/s
