"""Benchmarks for issue 16 (not timed tests): the job engine.

1. A 1,000-letter batch (approval notices, 1,000 approved debt cases in Chiang Mai) printed by real
   `flask worker -w N` processes, N = 1, 2, 4: wall time from create()'s commit to the batch row saying done
   (polled every 20 ms), median of 3 rounds, a new batch each run. Target: 2 workers ≥ 1.8× of 1. The stages'
   times come from the workers' own log lines (Huey's "Executing …" / "… executed in …s"): the rows keep only the
   last claim's time. With SQLite queues the pools of 1, 2 and 4 workers are all up, each on its own queue file,
   and their runs alternate (1-2-4, 4-2-1, …) so a load that drifts weighs on each alike; with Redis (one database)
   the pools run one after the other.
2. The approval request's latency with SMTP configured, before issue 16 (mail sent inside the request; a git
   worktree of 1c9a8cd, made and removed here) and after (mail queued for the engine; no worker running), against a
   real SMTP server (aiosmtpd, its own process) that answers at once or sleeps --smtp-delay seconds a message.

Contention: every run prints the load, a 2-process pure-CPU check before and after it, and the CPU every other
process on the machine used during the run (/proc/stat less this process and its workers; on PostgreSQL that
includes the server's own work). A run during which others used more than --max-other cores is marked noisy and run
again (--retries); the medians leave noisy runs out. On a shared machine a second core is often not really free,
and then no engine can show 2×.

Run: `make bench-jobs` (or `.venv/bin/python -m bench.bench_jobs [--part letters|mail|all] [--backends
sqlite,sqlite+redis,postgres] [--workers 1,2,4] [--chunks 50,100] [--runs 3] [--json FILE]`). Each backend gets a
fresh instance folder in a temp dir; `postgres` uses database krudesk_bench_jobs (dropped and rebuilt); the Redis
queues use Redis database 1, which must be empty (tests use 0 and 2–15); only its huey.*krudesk* keys are deleted.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BEFORE_COMMIT = "1c9a8cd"
PG_URL = "postgresql://postgres@127.0.0.1:5432/krudesk_bench_jobs"
# Redis database 1: 0 is the rate limits' (tests/web/test_rate_limits.py), 2–15 tests/jobs' (one per xdist worker).
# It must be empty when the benchmark starts; only this benchmark's huey.*krudesk* keys are ever deleted.
REDIS_URL = "redis://127.0.0.1:6379/1"
PASSWORD = "bench-pass-2569"
# Variables of the shell that would change what the app under test does: never inherited.
SCRUBBED = ("DATABASE_URL", "JOBS_URL", "JOBS_WORKERS", "JOBS_STALE_SECONDS", "LETTER_BATCH_CHUNK", "MAIL_SERVER",
            "MAIL_PORT", "MAIL_FROM", "FILE_STORAGE", "RATELIMIT_STORAGE_URI", "PUBLIC_BASE_URL", "KRUDESK_ENV",
            "KRUDESK_INSTANCE_PATH", "SECRET_KEY", "TEST_DATABASE_URL", "LETTER_EMBLEM_PATH", "PYTHONPATH")


# ---- the machine ---------------------------------------------------------------------------------

def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _spin(n: int) -> None:
    x = 0
    for i in range(n):
        x += i * i


def _timed_processes(count: int, n: int) -> float:
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_spin, args=(n,)) for _ in range(count)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return time.perf_counter() - start


_fastest_one = [float("inf")]


def cpu_check(n: int = 30_000_000) -> dict:
    """A pure-Python loop in 1 process, then the same loop in 2 at once: 2·t1/t2 is how many cores two CPU-bound
    processes really got (2.0 on an idle 2-core machine), t1 being the fastest single run seen so far (a busy machine
    slows the single run too, which would flatter the ratio)."""
    one = _timed_processes(1, n)
    two = _timed_processes(2, n)
    _fastest_one[0] = min(_fastest_one[0], one)
    return {"load": loadavg(), "one_s": round(one, 2), "two_s": round(two, 2),
            "cores": round(2 * _fastest_one[0] / two, 2)}


def quiet_cpu_check(cores: float, wait: float) -> dict:
    """cpu_check(), repeated every 10 s until it shows `cores` (a quiet spell) or `wait` seconds have passed."""
    deadline = time.time() + wait
    check = cpu_check()
    while check["cores"] < cores and time.time() < deadline:
        time.sleep(10)
        check = cpu_check()
    return check


def show_cpu(check: dict) -> str:
    return (f"load {check['load']}; 2-process CPU check: 1 proc {check['one_s']:.2f} s (fastest seen "
            f"{_fastest_one[0]:.2f}), 2 procs {check['two_s']:.2f} s → {check['cores']:.2f} cores available")


def clean_env(**values) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update({k: str(v) for k, v in values.items()})
    return env


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.append(child)
            todo.append(child)
    return found


def machine_cpu() -> tuple[float, float]:
    """(busy, stolen) CPU seconds of the whole machine so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes (clock ticks → s)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


# ---- part 1: a batch printed by real workers -------------------------------------------------------

def prepare_postgres() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'krudesk_bench_jobs'").fetchone():
            conn.execute("CREATE DATABASE krudesk_bench_jobs")
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def redis_check_empty(url: str) -> None:
    import redis

    keys = list(redis.Redis.from_url(url).scan_iter("*", count=100))
    if keys:
        raise SystemExit(f"{url} is not empty ({keys[:3]}…): someone else uses it; the benchmark needs it to itself")


def redis_clean(url: str) -> None:
    """Delete this benchmark's queue keys (and nothing else) from its Redis database."""
    import redis

    client = redis.Redis.from_url(url)
    for key in list(client.scan_iter("huey.*krudesk*")):
        client.delete(key)


def use_queue(url: str) -> None:
    """Point this process's engine at one pool's queue (what engine.init_app does for JOBS_URL)."""
    from app.jobs import engine

    engine.huey.storage_class, engine.huey.storage_kwargs = engine.storage_for(url)
    engine.huey.storage = engine.huey.create_storage()


class Backend:
    """The app database and, for each pool of workers, a queue of its own (so the pools can all stay up, warm, and
    the runs of 1, 2 and 4 workers alternate: a load that drifts over minutes then weighs on each alike)."""

    def __init__(self, name: str, folder: Path):
        self.name, self.folder = name, folder
        if name not in ("sqlite", "sqlite+redis", "postgres"):
            raise SystemExit(f"unknown backend {name!r}")
        self.database_url = PG_URL if name == "postgres" else f"sqlite:///{folder / 'bench.db'}"
        self.redis = name != "sqlite"  # sqlite+redis: a diagnosis, the SQLite app database with a queue that blocks

    def queue(self, index: int, chunk: int) -> str:
        """One SQLite file per pool; with Redis, the one database (the pools then run one after another)."""
        if self.redis:
            return REDIS_URL
        return f"sqlite:///{self.folder / f'jobs-{index}-c{chunk}.db'}"

    def env(self, **extra) -> dict:
        values = dict(KRUDESK_ENV="development", KRUDESK_INSTANCE_PATH=self.folder, DATABASE_URL=self.database_url,
                      JOBS_URL=f"sqlite:///{self.folder / 'jobs.db'}", SECRET_KEY="bench-jobs-secret",
                      PUBLIC_BASE_URL="http://127.0.0.1:5000/")
        values.update(extra)
        return clean_env(**values)


def bench_app(backend: Backend):
    """The benchmark's own app on the backend, configured from the same environment as its workers."""
    for name in SCRUBBED:
        os.environ.pop(name, None)
    os.environ.update(backend.env())
    from app import create_app
    from config import DevelopmentConfig, normalise_database_url

    class JobsBench(DevelopmentConfig):
        INSTANCE_PATH = backend.folder
        SQLALCHEMY_DATABASE_URI = normalise_database_url(backend.database_url)
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # the demo users' hashes only (setup)

    return create_app(JobsBench)


def build_cases(app, count: int) -> list[int]:
    from flask_migrate import upgrade

    from app.demo import seed_demo
    from bench.bench_letters import approved_cases

    with app.app_context():
        upgrade()
        seed_demo(PASSWORD)
        return approved_cases(count)


class Worker:
    """`flask --app wsgi worker -w N`, its log in the instance folder."""

    def __init__(self, backend: Backend, workers: int, chunk: int, queue: str):
        self.workers, self.queue = workers, queue
        self.log_path = backend.folder / f"worker-w{workers}-c{chunk}-{time.time_ns()}.log"
        self._log = open(self.log_path, "w")
        # JOBS_STALE_SECONDS 600: a pool's sweep sees the other pools' running stages without their heartbeats
        # (each pool's beats are in its own queue's store), so it must never take them for dead. JOBS_SCHEDULE 0: no
        # daily backup starting in the middle of a run.
        env = backend.env(LETTER_BATCH_CHUNK=chunk, JOBS_URL=queue, JOBS_STALE_SECONDS=600, JOBS_SCHEDULE=0)
        self.proc = subprocess.Popen([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "worker", "-w", str(workers)],
                                     cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while "Huey consumer started" not in self.log_path.read_text():
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the worker did not start: {self.log_path.read_text()[-2000:]}")
            time.sleep(0.1)
        while len(descendants(self.proc.pid)) < workers:  # every worker process forked
            time.sleep(0.05)
        time.sleep(1.0)

    def cpu(self) -> float:
        return cpu_seconds([self.proc.pid, *descendants(self.proc.pid)])

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)  # graceful: Huey lets running tasks finish
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # the children die with it (PR_SET_PDEATHSIG, app/jobs/worker.py)
            self.proc.wait()
        self._log.close()


LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (\d+) huey \w+ "
                  r"(?:Executing (\S+): ([0-9a-f-]+)(?: [^:]*)?$"
                  r"|(\S+): ([0-9a-f-]+)(?: [^:]*)? executed in ([\d.]+)s$)")


def task_runs(log_path: Path, since: float, until: float) -> list[dict]:
    """The tasks the workers ran in [since, until]: name (batch.render…), pid, start, end (epoch s)."""
    started, runs = {}, []
    for line in log_path.read_text().splitlines():
        match = LINE.match(line)
        if not match:
            continue
        at = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S,%f").timestamp()
        if match[3]:
            started[match[4]] = (at, match[3], int(match[2]))
        elif match[6] in started:
            start, name, pid = started.pop(match[6])
            end = start + float(match[7])  # the duration is exact; the log's clock only has milliseconds
            if since - 0.01 <= start <= until + 0.01:
                runs.append({"name": name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1], "pid": pid,
                             "start": start, "end": max(end, at - 0.001)})
    return runs


def stages(runs: list[dict], t0: float, t_done: float) -> dict:
    """Where the wall time went: the serial steps, the parallel spans, the gaps between them (queue pickup)."""
    def of(name):
        return sorted((r for r in runs if r["name"] == name), key=lambda r: r["start"])

    plan, prepare, issue, render, merge = (of(n) for n in ("batch.plan", "batch.prepare", "batch.issue",
                                                             "batch.render", "batch.merge"))
    if not (plan and prepare and issue and render and merge):
        return {}
    issue_main = max(issue, key=lambda r: r["end"] - r["start"])
    merge_main = max(merge, key=lambda r: r["end"] - r["start"])
    prep_end, render_end = max(r["end"] for r in prepare), max(r["end"] for r in render)
    out = {
        "pickup": plan[0]["start"] - t0,
        "plan": plan[0]["end"] - plan[0]["start"],
        "to_prepare": prepare[0]["start"] - plan[0]["end"],
        "prepare_span": prep_end - prepare[0]["start"],
        "prepare_sum": sum(r["end"] - r["start"] for r in prepare),
        "to_issue": issue_main["start"] - prep_end,
        "issue": issue_main["end"] - issue_main["start"],
        "to_render": render[0]["start"] - issue_main["end"],
        "render_span": render_end - render[0]["start"],
        "render_sum": sum(r["end"] - r["start"] for r in render),
        "to_merge": merge_main["start"] - render_end,
        "merge": merge_main["end"] - merge_main["start"],
        "to_done": t_done - merge_main["end"],
        "busy": sum(r["end"] - r["start"] for r in runs),
    }
    # The last worker to start its first render: how long the second (third…) worker sat idle after issuing.
    firsts = {}
    for r in render:
        firsts.setdefault(r["pid"], r["start"])
    out["render_workers"] = len(firsts)
    out["last_render_pickup"] = max(firsts.values()) - issue_main["end"]
    return out


def one_batch(app, officer_id: int, ids: list[int], worker: Worker, pools=()) -> dict:
    """Create a batch, poll until done. Also how much CPU everything else on the machine took meanwhile (the busy
    time of /proc/stat less this process's and every pool's), in cores: the contention during the run itself."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import LetterBatch, LetterBatchChunk, User
    from app.services import letter_batches

    use_queue(worker.queue)
    with app.app_context():
        officer = db.session.get(User, officer_id)
        every = {id(p): p for p in (worker, *pools)}.values()
        cpu_before, load = worker.cpu(), loadavg()
        ours_before, (busy_before, steal_before) = sum(p.cpu() for p in every) + own_cpu(), machine_cpu()
        before = time.time()
        batch = letter_batches.create(officer, "approval_notice", ids, include_existing=True,
                                      reissue_reason="benchmark: the same cases printed again")
        t0 = time.time()  # create() has committed and queued the plan stage
        batch_id = batch.id
        while True:
            db.session.rollback()
            status = db.session.scalar(select(LetterBatch.status).where(LetterBatch.id == batch_id))
            if status in ("done", "failed"):
                t_done = time.time()
                ours, (busy, steal) = sum(p.cpu() for p in every) + own_cpu(), machine_cpu()
                break
            if t_done_limit(t0):
                raise RuntimeError(f"batch {batch_id} still {status} after 600 s: see {worker.log_path}")
            time.sleep(0.02)
        db.session.rollback()
        row = db.session.get(LetterBatch, batch_id)
        chunks = db.session.scalar(select(func.count(LetterBatchChunk.id))
                                   .where(LetterBatchChunk.batch_id == batch_id))
        letters = len(letter_batches.letters_of(row))
        result = {"batch": batch_id, "status": row.status, "error": row.error, "letters": letters,
                  "chunks": chunks, "create_s": t0 - before, "wall": t_done - t0, "load": load,
                  "other_cores": max(0.0, (busy - busy_before) - (ours - ours_before)) / (t_done - before),
                  "steal_cores": (steal - steal_before) / (t_done - before)}
    time.sleep(0.3)  # the last log lines flushed
    result["cpu"] = worker.cpu() - cpu_before
    result["stages"] = stages(task_runs(worker.log_path, t0, t_done), t0, t_done)
    return result


def t_done_limit(t0: float) -> bool:
    return time.time() - t0 > 600


def show_run(result: dict) -> str:
    st = result["stages"]
    line = (f"{result['letters']} letters in {result['chunks']} chunks, {result['wall']:.2f} s wall, "
            f"{result['cpu']:.1f} s CPU; other processes used {result['other_cores']:.2f} cores meanwhile"
            f"{' (noisy)' if result.get('noisy') else ''}")
    if st:
        line += (f"; serial: pickup {st['pickup']:.2f} plan {st['plan']:.2f} issue {st['issue']:.2f} merge "
                 f"{st['merge']:.2f}; prepare {st['prepare_span']:.2f} (Σ{st['prepare_sum']:.1f}) render "
                 f"{st['render_span']:.2f} (Σ{st['render_sum']:.1f}); gaps "
                 f"{st['to_prepare'] + st['to_issue'] + st['to_render'] + st['to_merge'] + st['to_done']:.2f}; "
                 f"{st['render_workers']} rendered, the last from {st['last_render_pickup']:.2f} s after issue")
    return line


def letters_part(args) -> dict:
    results = {}
    for name in args.backends:
        backend = Backend(name, Path(tempfile.mkdtemp(prefix="krudesk-bench-jobs-")))
        if backend.redis:
            redis_check_empty(REDIS_URL)
        if name == "postgres":
            prepare_postgres()
        queues = backend.queue(0, 0) + ("" if backend.redis else " (a file per pool)")
        print(f"\n== {name}: app database {backend.database_url}, queue {queues}", flush=True)
        app = bench_app(backend)
        started = time.perf_counter()
        ids = build_cases(app, args.cases)
        print(f"   {len(ids)} approved cases built through the services in {time.perf_counter() - started:.1f} s "
              f"(setup, not timed)", flush=True)
        from app.extensions import db
        from app.models import User

        with app.app_context():
            officer_id = db.session.query(User).filter_by(username="province_officer").one().id
            db.session.remove()
        runs = args.pg_runs if name == "postgres" and args.pg_runs else args.runs
        per_backend = results[name] = {}
        for chunk in args.chunks:
            # SQLite queues: every pool up at once, the runs of 1, 2, 4 workers alternating. One Redis database:
            # one pool after another.
            groups = [args.workers] if not backend.redis else [[n] for n in args.workers]
            for group in groups:
                letters_group(args, app, backend, officer_id, ids, chunk, group, runs, per_backend)
    return results


def letters_group(args, app, backend, officer_id, ids, chunk, group, runs, per_backend) -> None:
    pools = {n: Worker(backend, n, chunk, backend.queue(args.workers.index(n), chunk)) for n in group}
    try:
        for n, pool in pools.items():
            # Not timed: every worker process prints its first letters (fills its caches) once.
            warm = one_batch(app, officer_id, ids[:min(len(ids), 2 * n * chunk)], pool)
            print(f"   chunk {chunk}, {n} worker(s): warm-up batch of {warm['letters']} letters "
                  f"{warm['wall']:.1f} s", flush=True)
            per_backend[f"{chunk}/{n}"] = {"chunk": chunk, "workers": n, "runs": []}
        for r in range(runs):
            order = list(pools) if r % 2 == 0 else list(reversed(pools))
            for n in order:
                for attempt in range(1 + args.retries):
                    check = quiet_cpu_check(args.quiet_cores, args.quiet_wait)
                    result = one_batch(app, officer_id, ids, pools[n], pools.values())
                    noisy = result["other_cores"] > args.max_other
                    result.update(round=r, attempt=attempt, noisy=noisy, cpu_check=check,
                                  cpu_check_after=cpu_check())
                    if result["status"] != "done":
                        raise RuntimeError(f"batch failed: {result['error']}")
                    per_backend[f"{chunk}/{n}"]["runs"].append(result)
                    print(f"   chunk {chunk}, {n} worker(s), round {r + 1}, batch {result['batch']}: "
                          f"{show_run(result)}\n     before: {show_cpu(check)}\n     after:  "
                          f"{show_cpu(result['cpu_check_after'])}", flush=True)
                    if not noisy:
                        break
    finally:
        for pool in pools.values():
            pool.stop()
        if backend.redis:
            redis_clean(REDIS_URL)


def median_of(samples: list[dict], key) -> float:
    values = [key(s) for s in samples]
    return statistics.median(values) if values else float("nan")


def letters_table(results: dict) -> None:
    """Medians over the quiet runs (other processes ≤ --max-other cores meanwhile); every run is listed."""
    print(f"\n{'backend':13} {'chunk':>5} {'workers':>7} {'median s':>9} {'speed-up':>8} {'CPU s':>6} {'serial s':>8}"
          f"  runs s (* noisy: other processes' cores meanwhile)   target: 2 workers ≥ 1.8× of 1")
    for backend, rows in results.items():
        for row in rows.values():
            base = rows.get(f"{row['chunk']}/1")
            median = median_of(quiet(row["runs"]), lambda s: s["wall"])
            speedup = median_of(quiet(base["runs"]), lambda s: s["wall"]) / median if base else float("nan")
            serial = median_of([s for s in quiet(row["runs"]) if s["stages"]], serial_seconds)
            walls = " / ".join(f"{s['wall']:.2f}{'*' if s['noisy'] else ''} ({s['other_cores']:.2f})"
                               for s in row["runs"])
            verdict = ("ok" if speedup >= 1.8 else "SHORT") if row["workers"] == 2 else ""
            print(f"{backend:13} {row['chunk']:>5} {row['workers']:>7} {median:>9.2f} {speedup:>7.2f}x "
                  f"{median_of(quiet(row['runs']), lambda s: s['cpu']):>6.1f} {serial:>8.2f}  {walls}  {verdict}")


def quiet(runs: list[dict]) -> list[dict]:
    """The runs no other process disturbed; all of them if none was quiet."""
    return [r for r in runs if not r.get("noisy")] or runs


def serial_seconds(run: dict) -> float:
    """What no second worker can shorten: pickup, plan, issue, merge and the gaps between the stages."""
    st = run["stages"]
    return sum(st[k] for k in ("pickup", "plan", "issue", "merge", "to_prepare", "to_issue", "to_render", "to_merge",
                               "to_done"))


# ---- part 2: the approval request's latency with mail ----------------------------------------------

def smtp_server(port: int, delay: float, received, ready) -> None:
    """A real SMTP server (aiosmtpd) on loopback that takes `delay` s to accept each message (a slow relay)."""
    import asyncio

    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            if delay:
                await asyncio.sleep(delay)
            with received.get_lock():
                received.value += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    signal.sigwait({signal.SIGTERM})
    controller.stop()


def start_smtp(delay: float):
    from bench.timing import free_port

    ctx = multiprocessing.get_context("fork")
    port, received, ready = free_port(), ctx.Value("i", 0), ctx.Event()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # inherited by the child, for its sigwait
    proc = ctx.Process(target=smtp_server, args=(port, delay, received, ready), daemon=True)
    proc.start()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    if not ready.wait(20):
        raise RuntimeError("the SMTP server did not start")
    return proc, port, received


MAIL_CHILD = r'''
import json, statistics, sys, time
from pathlib import Path
tree, folder, jobs_url = sys.argv[1], Path(sys.argv[2]), sys.argv[6]
port, requests, approvers = (int(x) for x in sys.argv[3:6])
sys.path.insert(0, tree)
import app as app_package
assert app_package.__file__.startswith(tree), app_package.__file__
from flask_migrate import upgrade
from sqlalchemy import select
from app import create_app
from app.demo import DEMO_CASES, seed_demo
from app.extensions import db
from app.models import DebtCase, User
from app.services.debt_cases import create_case
from app.services.debt_input import parse_case
from app.services.debt_plans import choose_plan, create_plan
from config import TestingConfig

class MailBench(TestingConfig):
    INSTANCE_PATH = folder
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'bench.db'}"
    MAIL_SERVER, MAIL_PORT = "127.0.0.1", port
    JOBS_IMMEDIATE, JOBS_URL = False, jobs_url  # after issue 16: queued for a worker; nothing runs here
    PDF_WARM_UP = False

    @classmethod
    def init_app(cls, app):
        pass

app = create_app(MailBench)
ids = []
with app.app_context():
    upgrade()
    seed_demo("bench-pass-2569")
    first = db.session.scalar(select(User).where(User.username == "province_approver"))
    first.email = "province_approver@bench.example"
    for n in range(1, approvers):
        db.session.add(User(username=f"bench_approver{n}", full_name=f"ผู้อนุมัติทดสอบ {n}", role=first.role,
                            org_unit_id=first.org_unit_id, password_hash=first.password_hash,
                            email=f"bench_approver{n}@bench.example"))
    db.session.commit()
    coop = db.session.scalar(select(User).where(User.username == "coop_officer"))
    body = DEMO_CASES[0][1]
    for n in range(requests + 1):
        digits = f"1{n + 20000000000:011d}"[:12]
        check = (11 - sum(int(d) * (13 - i) for i, d in enumerate(digits)) % 11) % 10
        case = create_case(coop, parse_case({**body, "teacher": {**body["teacher"], "citizen_id": digits + str(check),
                                                                 "first_name": f"ครูทดสอบ{n}"}}))
        plan = create_plan(coop, case.id, {"consolidate": {"debt_ids": [d.id for d in case.debts],
                                                           "annual_rate": "4.75", "term_months": 96}})
        choose_plan(coop, case.id, plan.id, db.session.get(DebtCase, case.id).version)
        ids.append(case.id)
    db.session.remove()

client = app.test_client()
assert client.post("/login", data={"username": "coop_officer", "password": "bench-pass-2569"}).status_code == 302
samples = []
for case_id in ids:
    with app.app_context():
        version = db.session.get(DebtCase, case_id).version
        db.session.remove()
    start = time.perf_counter()
    response = client.post(f"/debt-cases/{case_id}/transitions", data={"action": "submit", "version": str(version)})
    samples.append(time.perf_counter() - start)
    assert response.status_code == 302, (response.status_code, response.get_data(as_text=True)[:500])
with app.app_context():
    statuses = {s for (s,) in db.session.execute(select(DebtCase.status).where(DebtCase.id.in_(ids)))}
    queued = 0
    try:
        from app.models import BackgroundJob
        queued = len(db.session.scalars(select(BackgroundJob).where(BackgroundJob.kind == "email")).all())
    except ImportError:
        pass
timed = sorted(samples[1:])  # the first request warms the app up
print(json.dumps({"median_ms": statistics.median(timed) * 1000, "p95_ms": timed[int(len(timed) * 0.95) - 1] * 1000,
                  "min_ms": timed[0] * 1000, "max_ms": timed[-1] * 1000, "n": len(timed), "statuses": sorted(statuses),
                  "email_jobs": queued, "folder": str(folder)}))
'''


def mail_case(tree: Path, delay: float, requests: int, approvers: int, jobs_url: str | None, drain: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="krudesk-bench-mail-"))
    jobs_url = jobs_url or f"sqlite:///{folder / 'jobs.db'}"
    if "redis" in jobs_url:
        redis_check_empty(jobs_url)
    proc, port, received = start_smtp(delay)
    try:
        load = loadavg()
        out = subprocess.run([PYTHON, "-c", MAIL_CHILD, str(tree), str(folder), str(port), str(requests),
                              str(approvers), jobs_url], cwd=tree, env=clean_env(), capture_output=True, text=True)
        if out.returncode:
            raise RuntimeError(f"latency run in {tree} failed:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result.update(load=load, mailed_during=received.value, expected=(requests + 1) * approvers)
        if drain and result["email_jobs"]:
            # The queued e-mail, sent afterwards by one real worker: every message arrives, none in the request.
            env = clean_env(KRUDESK_ENV="development", KRUDESK_INSTANCE_PATH=folder,
                            DATABASE_URL=f"sqlite:///{folder / 'bench.db'}", JOBS_URL=jobs_url,
                            SECRET_KEY="bench-jobs-secret", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, JOBS_SCHEDULE=0)
            log = open(folder / "worker.log", "w")
            started = time.time()
            worker = subprocess.Popen([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "worker", "-w", "1"], cwd=ROOT,
                                      env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                while received.value < result["expected"] and time.time() - started < 30 + 3 * delay * \
                        result["expected"]:
                    time.sleep(0.1)
                result["drain_s"] = time.time() - started
                result["mailed_after_worker"] = received.value
            finally:
                worker.send_signal(signal.SIGINT)
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
                log.close()
    finally:
        proc.terminate()
        proc.join(10)
        if "redis" in jobs_url:
            redis_clean(jobs_url)
    return result


def mail_part(args) -> list[dict]:
    before = Path(args.before)
    made = False
    if not (before / "app").is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), BEFORE_COMMIT], check=True,
                       capture_output=True)
        made = True
    rows = []
    try:
        print(f"\n== approval request latency ({args.requests} submits after 1 warm-up, {args.approvers} approvers "
              f"with an e-mail address each): {show_cpu(cpu_check())}", flush=True)
        cases = [("before (1c9a8cd: SMTP inside the request)", before, None)]
        cases.append(("after (queued, SQLite queue, no worker)", ROOT, None))
        if args.mail_redis:
            cases.append(("after (queued, Redis queue, no worker)", ROOT, REDIS_URL))
        for delay in (0.0, args.smtp_delay):
            for label, tree, jobs_url in cases:
                result = mail_case(tree, delay, args.requests, args.approvers, jobs_url,
                                   drain=args.drain and tree == ROOT and jobs_url is None)
                result.update(label=label, delay=delay)
                rows.append(result)
                print(f"   SMTP {delay:.1f} s/message, {label}: median {result['median_ms']:.1f} ms, p95 "
                      f"{result['p95_ms']:.1f} ms (load {result['load']}); messages received during the requests "
                      f"{result['mailed_during']} of {result['expected']}"
                      + (f"; a worker then sent all {result['mailed_after_worker']} in {result['drain_s']:.1f} s"
                         if "drain_s" in result else ""), flush=True)
        print(f"   {show_cpu(cpu_check())}")
    finally:
        if made and not args.keep_before:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], check=False)
    return rows


def mail_table(rows: list[dict]) -> None:
    print(f"\n{'SMTP':>10} {'code':45} {'median ms':>10} {'p95 ms':>8} {'mails in request':>16}")
    for row in rows:
        print(f"{row['delay']:>8.1f} s {row['label']:45} {row['median_ms']:>10.1f} {row['p95_ms']:>8.1f} "
              f"{row['mailed_during']:>8} of {row['expected']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=("letters", "mail", "all"), default="all")
    parser.add_argument("--backends", default="sqlite", help="comma-separated: sqlite, postgres, sqlite+redis")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--chunks", default="", help="LETTER_BATCH_CHUNK values, comma-separated (default: config's)")
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-runs", type=int, default=1, help="runs on postgres (0: --runs)")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--approvers", type=int, default=2, help="province approvers with an e-mail address")
    parser.add_argument("--smtp-delay", type=float, default=1.0)
    parser.add_argument("--mail-redis", action="store_true", help="also the Redis queue in the 'after' run")
    parser.add_argument("--drain", action=argparse.BooleanOptionalAction, default=True,
                        help="after the 'after' run, start one worker and time until every message arrived")
    parser.add_argument("--before", default="/tmp/kd-before", help=f"worktree of {BEFORE_COMMIT} (made if missing)")
    parser.add_argument("--keep-before", action="store_true")
    parser.add_argument("--quiet-cores", type=float, default=0.0,
                        help="before each worker count, wait until the CPU check shows this many cores (e.g. 1.8)")
    parser.add_argument("--quiet-wait", type=float, default=600, help="… for at most this many seconds")
    parser.add_argument("--max-other", type=float, default=0.25,
                        help="a run during which other processes used more cores than this is noisy …")
    parser.add_argument("--retries", type=int, default=2, help="… and run again up to this many times")
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args()
    args.backends = args.backends.split(",")
    args.workers = [int(x) for x in args.workers.split(",")]
    if not args.chunks:
        from config import Config

        args.chunks = str(Config.LETTER_BATCH_CHUNK)
    args.chunks = [int(x) for x in args.chunks.split(",")]

    report = {"started": datetime.now().isoformat(timespec="seconds"), "nproc": os.cpu_count()}
    if args.part in ("mail", "all"):
        report["mail"] = mail_part(args)
    if args.part in ("letters", "all"):
        report["letters"] = letters_part(args)
    if "letters" in report:
        letters_table(report["letters"])
    if "mail" in report:
        mail_table(report["mail"])
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
