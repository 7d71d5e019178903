"""`make run` (issue 16): one command serves the app and runs a job worker beside it, the worker does the jobs the
web server queues, and Ctrl+C (SIGINT to the terminal's process group) stops both, leaving nothing behind."""
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BATCH = textwrap.dedent("""
    import time
    from sqlalchemy import select
    from app import create_app
    app = create_app()
    with app.app_context():
        from app.extensions import db
        from app.models import DebtCase, LetterBatch, User
        from app.services import letter_batches
        officer = db.session.scalar(select(User).where(User.username == "province_officer"))
        ids = [c.id for c in db.session.scalars(select(DebtCase).where(DebtCase.status == "approved"))]
        batch = letter_batches.create(officer, "approval_notice", ids)
        for _ in range(300):
            db.session.expire_all()
            row = db.session.get(LetterBatch, batch.id)
            if row.status in ("done", "failed"):
                break
            time.sleep(0.1)
        print(row.status, row.total, flush=True)
""")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def group_members(pgid: int) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[2]) == pgid:
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except (OSError, IndexError, ValueError):
                continue
    return found


@pytest.mark.nodb
def test_make_run_serves_the_app_with_a_worker_and_ctrl_c_stops_both(tmp_path):
    port = free_port()
    env = {**os.environ, "KRUDESK_INSTANCE_PATH": str(tmp_path), "PYTHONPATH": str(ROOT)}
    for name in ("DATABASE_URL", "JOBS_URL", "FILE_STORAGE", "TEST_DATABASE_URL", "KRUDESK_ENV"):
        env.pop(name, None)
    # A terminal's Ctrl+C goes to its whole foreground process group: a session of its own stands in for one.
    run = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=ROOT, env=env, start_new_session=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the web server did not answer")
        assert any(" worker" in command for command in group_members(run.pid))
        done = subprocess.run([sys.executable, "-c", BATCH], cwd=ROOT, capture_output=True, text=True, timeout=120,
                              env={**env, "KRUDESK_ENV": "development"})
        status, total = done.stdout.split()
        assert status == "done" and int(total) >= 1, done.stderr[-2000:]  # the worker printed it
    finally:
        os.killpg(run.pid, signal.SIGINT)
        try:
            output, _ = run.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            raise
    assert "KruDesk demo sign-ins" in output and "password:" in output  # how to sign in
    time.sleep(0.5)
    assert group_members(run.pid) == []  # web server, worker and its processes: all gone
