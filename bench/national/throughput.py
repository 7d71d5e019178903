"""Requests per second of a page under gunicorn (gunicorn.conf.py) on loopback, against a hello-world Flask app
under the reference's settings (the calibration: calibration.HELLO_SETTINGS), and the resident memory of the
app's workers afterwards.

The load comes from client processes on the same machine, each with one keep-alive connection sending the next
request as soon as the previous answer is read — the same clients, counts and duration for both apps.
"""
from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import runpy
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.national.calibration import HELLO_SETTINGS
from bench.timing import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 4
WARM_SECONDS = 20


class Session:
    """One keep-alive connection with a cookie jar."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # the server closed an idle keep-alive connection (gunicorn's keepalive): open a new one, as browsers do
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self, username: str, password: str) -> None:
        _status, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
        status, _ = self.request("POST", "/login", {"csrf_token": token, "username": username, "password": password})
        assert status == 302, f"sign-in failed: {status}"


def _client(port: int, path: str, login: tuple[str, str] | None, seconds: float, start_at: float, out) -> None:
    session = Session(port)
    if login:
        session.sign_in(*login)
    status, _ = session.request("GET", path)
    assert status == 200, f"{path} answered {status}"
    while time.time() < start_at:
        time.sleep(0.001)
    done, failed, stop = 0, 0, start_at + seconds
    while time.time() < stop:
        status, _ = session.request("GET", path)
        if status == 200:
            done += 1
        else:
            failed += 1
    out.put((done, failed))


def _worker_rss_mb(master: int) -> float:
    """Largest VmRSS among the master's children (the workers)."""
    largest = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master}$", status, re.M):
            rss = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
            largest = max(largest, rss / 1024)
    return largest


def serve_and_load(target: str, env: dict, path: str, login, seconds: float) -> tuple[float, int, float]:
    """(requests per second, failed requests, largest worker RSS in MB) for `target` under gunicorn."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), target],
                              cwd=ROOT, env={**env, "KRUDESK_BIND": f"127.0.0.1:{port}"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        queue = multiprocessing.get_context("spawn").Queue()
        # Every client connected and signed in, and every worker past its start, before the clock starts: a new
        # worker builds the Thai word dictionary in a background thread (app/__init__.register_pdf), which holds
        # the GIL beside its requests; five of them on two cores took 8–12 s. Measured from 8 s after the port
        # opened, the case page counted that start-up: 47/s, against 93/s from 20 s (issue 22 point 3).
        start_at = time.time() + WARM_SECONDS
        clients = [multiprocessing.get_context("spawn").Process(
            target=_client, args=(port, path, login, seconds, start_at, queue)) for _ in range(CLIENTS)]
        for client in clients:
            client.start()
        results = [queue.get(timeout=seconds + 120) for _ in clients]
        for client in clients:
            client.join()
        rss = _worker_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    done = sum(r[0] for r in results)
    return done / seconds, sum(r[1] for r in results), rss


def throughput(database_uri: str, path: str, username: str, password: str, seconds: float) -> dict:
    folder = tempfile.mkdtemp(prefix="krudesk-throughput-")
    env = {**os.environ, "KRUDESK_ENV": "production", "DATABASE_URL": database_uri,
           "SECRET_KEY": "throughput-bench-secret-" * 2, "PUBLIC_BASE_URL": "http://127.0.0.1/",
           "KRUDESK_INSTANCE_PATH": folder, "PYTHONPATH": str(ROOT)}
    print(f"  throughput: {path} for {seconds:.0f} s, then hello world …", flush=True)
    case_rps, case_failed, case_rss = serve_and_load("wsgi:app", env, path, (username, password), seconds)
    # the calibration: hello world under the settings the reference was taken with (calibration.HELLO_SETTINGS)
    hello_rps, hello_failed, hello_rss = serve_and_load("bench.national.hello:app", {**env, **HELLO_SETTINGS}, "/",
                                                        None, seconds)
    chosen = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["measured_defaults"]  # the settings gunicorn took
    measured = chosen(database_uri, multiprocessing.cpu_count())
    workers = int(env.get("KRUDESK_WORKERS", measured[0]))
    threads = int(env.get("KRUDESK_THREADS", measured[1]))
    return {"case_rps": case_rps, "hello_rps": hello_rps, "ratio": case_rps / hello_rps, "failed": case_failed
            + hello_failed, "worker_rss_mb": case_rss, "hello_worker_rss_mb": hello_rss, "clients": CLIENTS,
            "workers": workers, "threads": threads, "seconds": seconds}
