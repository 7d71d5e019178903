"""gunicorn settings for KruDesk: `gunicorn -c gunicorn.conf.py wsgi:app`.

Web workers are stateless: sessions live in signed cookies naming a session the database keeps, everything else in
the database, files in app/storage.py (FILE_STORAGE=database when several machines serve one PostgreSQL). Long
jobs never run here: they go to the job engine, whose workers are separate processes (`flask worker`, see the
README's "Running it for real"), so restarting gunicorn never stops a batch or an import.
"""
import multiprocessing
import os

bind = os.environ.get("KRUDESK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KRUDESK_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("KRUDESK_THREADS", 2))
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
