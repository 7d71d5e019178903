"""`flask worker` forks its worker processes only once the threads create_app started have ended (app/jobs/worker.py).

create_app loads the Thai word dictionary in a background thread (app/__init__.py, register_pdf). A process forked
while that thread is importing PyThaiNLP inherits the import lock held by a thread it does not have, and hangs the
first time it prints a letter: seen here as a 500-letter batch whose two workers never finished their first chunk.
This runs the worker's own preparation, then forks as Huey's consumer does, in a child process of its own."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.jobs.workers import ROOT, base_env

FORKED = textwrap.dedent('''
    import os, signal, sys, time
    from app import create_app
    from app.jobs import worker

    app = create_app()  # starts the dictionary's warm-up thread
    worker._finish_start_up_threads()  # what `flask worker` does before the consumer forks
    pid = os.fork()
    if pid == 0:
        signal.alarm(30)  # hung: killed by SIGALRM
        from app.pdf.thai_wrap import split_words
        started = time.monotonic()
        split_words("สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด")
        print(f"@@{time.monotonic() - started:.3f}", flush=True)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    sys.exit(0 if status == 0 else 1)
''')


def test_a_worker_forked_at_start_prints_at_once_and_never_hangs(tmp_path):
    env = {**base_env(), "KRUDESK_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}"}
    done = subprocess.run([sys.executable, "-c", FORKED], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    seconds = float(next(line[2:] for line in done.stdout.splitlines() if line.startswith("@@")))
    assert seconds < 0.5  # the dictionary came loaded with the fork: nothing left to import or build
