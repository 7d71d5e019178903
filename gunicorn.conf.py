"""gunicorn settings for KruDesk: `gunicorn -c gunicorn.conf.py wsgi:app`.

Web workers are stateless: sessions live in signed cookies naming a session the database keeps, everything else in
the database, files in app/storage.py (FILE_STORAGE=database when several machines serve one PostgreSQL). Long
jobs never run here: they go to the job engine, whose workers are separate processes (`flask worker`, see the
README's "Running it for real"), so restarting gunicorn never stops a batch or an import.
"""
import multiprocessing
import os


def measured_defaults(database_url: str, cores: int) -> tuple[int, int]:
    """(workers, threads) by database, from the case page under load at a million cases on 2 cores (docs/benchmarks.md,
    issue 22 point 3: "gunicorn settings by database"). The page is CPU-bound in Python, so more processes than
    cores only share the cores: on SQLite 2 workers × 2 threads served as much as 5 × 2 in less memory (a second
    thread covers a request waiting for SQLite's write lock); on PostgreSQL, where each request also waits for
    ~17 round trips, one worker more than cores, one thread each, served most (3 × 1: 96/s against 86/s at 5 × 2)."""
    if database_url.startswith("postgresql"):
        return cores + 1, 1
    return cores, 2


bind = os.environ.get("KRUDESK_BIND", "127.0.0.1:8000")
_workers, _threads = measured_defaults(os.environ.get("DATABASE_URL", ""), multiprocessing.cpu_count())
workers = int(os.environ.get("KRUDESK_WORKERS", _workers))
threads = int(os.environ.get("KRUDESK_THREADS", _threads))
worker_class = "gthread"
timeout = 60                # a request; long jobs run in the background and report progress
graceful_timeout = 30       # requests only: jobs run in `flask worker`
keepalive = 5
# No max_requests: recycling a gthread worker reset connections it had accepted but not served (seen in the
# load test as 3 resets in 25,000 requests). Memory stays flat without it (bench/load_test.py).
max_requests = 0
preload_app = False         # each worker opens its own database connections
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("KRUDESK_PROXIES", "127.0.0.1")  # the reverse proxy in front (HTTPS)
