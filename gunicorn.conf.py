"""gunicorn settings for KruDesk: `gunicorn -c gunicorn.conf.py wsgi:app`.

Workers are stateless: sessions live in signed cookies, everything else in the database, uploads and generated
files under the instance folder — put INSTANCE_PATH on shared storage when several machines serve one
PostgreSQL. Batch prints and imports run in a thread of the worker that received them; their state is in the
database, and a batch whose worker died may be run again from its page.
"""
import multiprocessing
import os

bind = os.environ.get("KRUDESK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KRUDESK_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("KRUDESK_THREADS", 2))
worker_class = "gthread"
timeout = 60                # a request; long jobs run in the background and report progress
graceful_timeout = 60       # let a running batch or import finish its transaction on restart
keepalive = 5
# No max_requests: recycling a gthread worker reset connections it had accepted but not served (seen in the
# load test as 3 resets in 25,000 requests). Memory stays flat without it (bench/load_test.py).
max_requests = 0
preload_app = False         # each worker opens its own database connections
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("KRUDESK_PROXIES", "127.0.0.1")  # the reverse proxy in front (HTTPS)
