"""A bounded load test on loopback (issue 8): gunicorn serving the app, cooperative officers registering cases,
building plans and submitting them, approvers approving, readers opening lists, dashboards and case pages — for a
fixed time. Afterwards every case created and every transition acknowledged must be in the database (no lost
writes), and no request may have failed with a 5xx or a broken connection.

Run: `make load-test` (or `.venv/bin/python -m bench.load_test [--seconds 120] [--database-url URL]`).
A throw-away SQLite database by default (WAL, several workers); with --database-url the schema there is rebuilt.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.timing import free_port, wait_for_port

PASSWORD = "load-test-2569"


class Client:
    def __init__(self, port: int, stats: dict, lock: threading.Lock):
        self.port, self.stats, self.lock, self.token = port, stats, lock, None

    def call(self, method: str, path: str, body=None) -> tuple[int, dict | None]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        try:
            connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            status = response.status
        except OSError as error:
            status, raw = 599, str(error).encode()
        finally:
            connection.close()
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.stats["latency"].append(elapsed)
            self.stats["status"][status] = self.stats["status"].get(status, 0) + 1
            if status >= 500:
                self.stats["errors"].append(f"{method} {path} → {status}: {raw[:200]!r}")
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, None

    def sign_in(self, username: str) -> None:
        status, body = self.call("POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD})
        assert status == 200, (username, status, body)
        self.token = body["token"]


def citizen_id(n: int) -> str:
    digits = f"8{n:011d}"[:12]
    return digits + str((11 - sum(int(d) * (13 - i) for i, d in enumerate(digits)) % 11) % 10)


def officer(client: Client, stop: threading.Event, written: dict, lock: threading.Lock, seed: int) -> None:
    rng = random.Random(seed)
    client.sign_in("coop_officer")
    n = seed * 1_000_000
    while not stop.is_set():
        n += 1
        body = {"teacher": {"citizen_id": citizen_id(n), "title": "นาง", "first_name": f"ครูโหลด{n}",
                            "last_name": "ทดสอบ", "birth_date": "1975-04-01"},
                "cooperative_code": "COOP-CMI-01", "monthly_salary": f"{rng.randint(25000, 60000)}.00",
                "deductions": [{"kind": "tax", "monthly_amount": "800.00"}],
                "debts": [{"creditor_name": "ธนาคารออมสิน", "creditor_type": "gsb",
                           "outstanding": f"{rng.randint(100000, 900000)}.00", "annual_rate": "6.50",
                           "monthly_payment": "9000.00", "remaining_months": 120, "legal_status": "normal"}]}
        status, case = client.call("POST", "/api/v1/debt-cases", body)
        if status != 201:
            continue
        with lock:
            written["cases"].add(case["id"])
        status, plan = client.call("POST", f"/api/v1/debt-cases/{case['id']}/plans", {"consolidate": {
            "debt_ids": [case["debts"][0]["id"]], "annual_rate": "4.50", "term_months": 180}})
        if status == 201:
            status, _ = client.call("POST", f"/api/v1/debt-cases/{case['id']}/transitions",
                                    {"action": "submit", "plan_id": plan["id"]})
            if status == 200:
                with lock:
                    written["transitions"].add((case["id"], "submit"))


def approver(client: Client, stop: threading.Event, written: dict, lock: threading.Lock) -> None:
    client.sign_in("province_approver")
    while not stop.is_set():
        status, page = client.call("GET", "/api/v1/debt-cases?status=submitted&per_page=20")
        for item in (page or {}).get("items", []) if status == 200 else []:
            status, case = client.call("GET", f"/api/v1/debt-cases/{item['id']}")
            if status != 200:
                continue
            status, _ = client.call("POST", f"/api/v1/debt-cases/{item['id']}/transitions",
                                    {"action": "approve", "version": case["version"]})
            if status == 200:
                with lock:
                    written["transitions"].add((item["id"], "approve"))
        time.sleep(0.05)


def reader(client: Client, stop: threading.Event) -> None:
    client.sign_in("ministry_viewer")
    while not stop.is_set():
        client.call("GET", "/api/v1/reports/summary")
        status, page = client.call("GET", "/api/v1/debt-cases?per_page=50")
        for item in (page or {}).get("items", [])[:5] if status == 200 else []:
            client.call("GET", f"/api/v1/debt-cases/{item['id']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--officers", type=int, default=4)
    parser.add_argument("--approvers", type=int, default=2)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="krudesk-load-"))
    url = args.database_url or f"sqlite:///{folder / 'load.db'}"
    env = {**os.environ, "KRUDESK_ENV": "development", "DATABASE_URL": url, "SECRET_KEY": "load-test-secret-" * 2,
           "KRUDESK_INSTANCE_PATH": str(folder), "PUBLIC_BASE_URL": "http://127.0.0.1/"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    if args.database_url and args.database_url.startswith("postgres"):
        subprocess.run(["psql", args.database_url, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"],
                       check=True)
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo", "--password", PASSWORD], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                              env={**env, "KRUDESK_BIND": f"127.0.0.1:{port}", "KRUDESK_WORKERS": str(args.workers)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        stats = {"latency": [], "status": {}, "errors": []}
        written = {"cases": set(), "transitions": set()}
        lock, stop = threading.Lock(), threading.Event()
        threads = [threading.Thread(target=officer, args=(Client(port, stats, lock), stop, written, lock, i + 1))
                   for i in range(args.officers)]
        threads += [threading.Thread(target=approver, args=(Client(port, stats, lock), stop, written, lock))
                    for _ in range(args.approvers)]
        threads += [threading.Thread(target=reader, args=(Client(port, stats, lock), stop))
                    for _ in range(args.readers)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        stop.set()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    lost = verify(env, written)
    latencies = sorted(stats["latency"])
    total = len(latencies)
    print()
    print(f"database: {url.split(':')[0]}, gunicorn workers: {args.workers}, {elapsed:.0f} s, "
          f"{args.officers} officers, {args.approvers} approvers, {args.readers} readers")
    print(f"requests: {total:,} ({total / elapsed:.0f}/s); p50 {statistics.median(latencies):.0f} ms, "
          f"p95 {latencies[int(total * 0.95)]:.0f} ms")
    print(f"statuses: {dict(sorted(stats['status'].items()))}")
    print(f"cases created: {len(written['cases']):,}; transitions acknowledged: {len(written['transitions']):,}")
    print(f"server errors: {len(stats['errors'])}; lost writes: {lost}")
    for line in stats["errors"][:10]:
        print("  ", line)
    sys.exit(1 if stats["errors"] or lost else 0)


def verify(env: dict, written: dict) -> int:
    """Everything acknowledged must be in the database, read back through a fresh connection."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "KRUDESK_INSTANCE_PATH", "KRUDESK_ENV")})
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import CaseTransition, DebtCase
    from config import config_from_env

    app = create_app(config_from_env())
    with app.app_context():
        cases = set(db.session.scalars(select(DebtCase.id)))
        transitions = {(t.case_id, t.action) for t in db.session.scalars(
            select(CaseTransition).where(CaseTransition.case_type == "debt"))}
    return len(written["cases"] - cases) + len(written["transitions"] - transitions)


if __name__ == "__main__":
    main()
