"""What the tests in tests/jobs share: real KruDesk processes — `flask worker`, gunicorn, and an "app shell" that runs
service calls for a test — on one of three backends, and the seeded databases they start from.

Every process is started in a session of its own (start_new_session=True) and stopped by SIGKILL of its whole process
group (os.killpg): the consumer's forked workers and scheduler, or gunicorn's workers, die with it
(docs/research/job-engine.md, 1.2 and 3.5). The test process itself never builds a KruDesk app: it reads the
backend's database with plain SQL and talks to the servers over HTTP.

Backends (the `backend` fixture, tests/jobs/conftest.py):
- "sqlite": a SQLite app database and SqliteHuey (JOBS_URL=sqlite:///<tmp>/jobs.db), the embedded default;
- "redis": a PostgreSQL app database and a Redis queue (one Redis database per xdist worker, flushed, and locked
  against another test run on this machine using the same number);
- "postgres": a PostgreSQL app database and Huey's PostgresStorage in that same database (tables huey_*).

Seeded databases ("worlds"): migrated by `flask db upgrade`, seeded by `flask seed-demo`, plus WORLD_CASES approved
debt cases of COOP-CMI-01 (coop_officer) and one draft with a chosen plan, and an e-mail address for
province_approver. Building one takes 10–20 s, so it is built once per test run and dialect (shared by the xdist
workers under a file lock) and each test gets a copy: a SQLite file copied by sqlite3's backup, a PostgreSQL
database made with CREATE DATABASE … TEMPLATE.
"""
from __future__ import annotations

import fcntl
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
import uuid
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import redis
from huey.storage import PostgresStorage
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin" / "flask").exists() else Path(sys.executable).parent
PASSWORD = "jobs-pass-2569"
SECRET_KEY = "tests-jobs-secret"  # one key for every process of a test, as one deployment's servers share theirs
WORLD_CASES = 500
FIRST_CITIZEN = 700_000  # the worlds' teachers: tests.helpers.citizen_id(FIRST_CITIZEN + n), clear of member_rows()
APPROVER_EMAIL = "province.approver@krudesk.test"
STALE_SECONDS = 3
CHUNK = 50
BACKENDS = ("sqlite", "redis", "postgres")

# Environment variables the app reads (config.py): never inherited from the shell running the tests.
_APP_ENV = re.compile(r"^(DATABASE_URL|TEST_DATABASE_URL|JOBS_.*|MAIL_.*|FILE_STORAGE|LETTER_.*|PUBLIC_BASE_URL|"
                      r"RATELIMIT_.*|TRUSTED_PROXIES|SECRET_KEY|KRUDESK_.*|PYTEST_.*)$")


def postgres_server() -> str:
    """The PostgreSQL server for the test databases: JOBS_TEST_POSTGRES, else TEST_DATABASE_URL's, else local."""
    url = os.environ.get("JOBS_TEST_POSTGRES") or os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgresql://postgres@127.0.0.1:5432/postgres"
    return make_url(url.replace("postgresql+psycopg://", "postgresql://")).set(
        drivername="postgresql", database="postgres").render_as_string(hide_password=False)


def postgres_url(database: str) -> str:
    return make_url(postgres_server()).set(database=database).render_as_string(hide_password=False)


def redis_server() -> str:
    return os.environ.get("JOBS_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/")


def redis_db() -> int:
    """15 for the first xdist worker (or no xdist), 14 for the second… (`gwN` → 15 - N)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int(worker[2:]) if worker[2:].isdigit() else 0
    if number > 13:
        raise RuntimeError("tests/jobs gives each xdist worker a Redis database 15, 14, … 2: at most 14 workers")
    return 15 - number


def _pg_connect() -> psycopg.Connection:
    try:
        return psycopg.connect(postgres_server(), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise RuntimeError(f"PostgreSQL at {postgres_server()} is unreachable ({error}). The job-engine tests "
                           "need it (CI and the dev machine run it; JOBS_TEST_POSTGRES names another)") from error


def pg_admin(*statements: str) -> None:
    with _pg_connect() as conn:
        for statement in statements:
            conn.execute(statement)


def check_postgres() -> None:
    pg_admin("SELECT 1")


def pg_database_exists(name: str) -> bool:
    with _pg_connect() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def check_redis() -> None:
    try:
        redis.Redis.from_url(redis_server(), socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        raise RuntimeError(f"Redis at {redis_server()} is unreachable ({error}). The job-engine tests need it "
                           "(CI and the dev machine run it; JOBS_TEST_REDIS names another)") from error


def flush_redis(db: int) -> None:
    redis.Redis.from_url(f"{redis_server()}/{db}").flushdb()


@contextmanager
def file_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not _APP_ENV.match(k)}
    env.update({"KRUDESK_ENV": "development", "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
                "SECRET_KEY": SECRET_KEY, "PUBLIC_BASE_URL": "http://localhost/",
                "JOBS_STALE_SECONDS": str(STALE_SECONDS), "LETTER_BATCH_CHUNK": str(CHUNK)})
    return env


def run_checked(argv: list[str], env: dict, what: str, timeout: float = 300) -> str:
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


# ---- processes ---------------------------------------------------------------------------------------------

class Process:
    """A child in a process group of its own, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, log: Path, **popen):
        self.name, self.log_path = name, log
        with open(log, "ab") as out:
            self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=popen.pop("stdin", subprocess.DEVNULL),
                                          stdout=popen.pop("stdout", out), stderr=out, start_new_session=True,
                                          **popen)

    def signal_group(self) -> None:
        """SIGKILL the whole group (the leader is never reaped before this, so its group id is still ours)."""
        if self.popen.returncode is None:
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        """SIGKILL the whole group and wait until none of it runs."""
        self.signal_group()
        if self.popen.returncode is None:
            self.popen.wait(timeout=30)
        deadline = time.monotonic() + 10
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not self.alive(), f"{self.name}: processes of its group still run after SIGKILL"

    def alive(self) -> bool:
        """Some process of the group still runs (a zombie, dead and waiting for init to reap it, does not)."""
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[2]) == self.popen.pid and fields[0] not in ("Z", "X"):
                return True
        return False

    def log(self, tail: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""


class WebServer(Process):
    def __init__(self, name: str, env: dict, log: Path, port: int):
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        # One gunicorn worker with threads (gunicorn.conf.py is read from the repository: KRUDESK_WORKERS sizes it).
        super().__init__(name, [str(BIN / "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", "1", "--threads", "4",
                                "wsgi:app"], {**env, "KRUDESK_WORKERS": "1"}, log)

    def wait_ready(self, timeout: float = 60) -> WebServer:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited ({self.popen.returncode}):\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/login", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:  # refused while it starts (urllib's errors are OSErrors)
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.name} did not answer within {timeout} s:\n{self.log()}")


SHELL = textwrap.dedent('''
    import json, sys, traceback
    from app import create_app
    from app.extensions import db

    app = create_app()
    namespace = {"app": app, "db": db}
    sys.stdout.write("@@ready\\n")
    sys.stdout.flush()
    for line in sys.stdin:
        reply = {}
        with app.app_context():
            try:
                namespace.pop("result", None)
                exec(json.loads(line), namespace)
                reply["result"] = namespace.get("result")
            except Exception:
                reply["error"] = traceback.format_exc()
            finally:
                db.session.remove()
        sys.stdout.write("@@" + json.dumps(reply, default=str) + "\\n")
        sys.stdout.flush()
''')


class AppShell(Process):
    """A KruDesk app in a process of its own, with the test's environment, running code the test sends: a service
    call as a user would make it, on the real queue. `run(code)` returns the JSON value the code left in `result`."""

    def __init__(self, env: dict, log: Path):
        super().__init__("shell", [sys.executable, "-c", SHELL], env, log, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
        self._ready = False

    def _reply(self) -> str:
        while True:
            line = self.popen.stdout.readline()
            if not line:
                raise AssertionError(f"the app shell exited:\n{self.log()}")
            if line.startswith("@@"):
                return line[2:]

    def run(self, code: str):
        if not self._ready:
            assert self._reply().strip() == "ready"
            self._ready = True
        self.popen.stdin.write(json.dumps(textwrap.dedent(code)) + "\n")
        self.popen.stdin.flush()
        reply = json.loads(self._reply())
        if "error" in reply:
            raise AssertionError(f"the app shell raised:\n{reply['error']}")
        return reply["result"]


# ---- HTTP ----------------------------------------------------------------------------------------------------

def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class Response:
    def __init__(self, status: int, headers, content: bytes):
        self.status_code, self.headers, self.content = status, headers, content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 comes back as it is: its Location is what the test reads


class Browser:
    """A user on one server: a cookie jar (the session) and the forms' CSRF tokens; redirects are not followed."""

    def __init__(self, server: WebServer):
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects)

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def get(self, path: str, params: dict | None = None) -> Response:
        query = f"?{urlencode(params)}" if params else ""
        return self._open(urllib.request.Request(self.server.url + path + query))

    def post(self, path: str, data: dict | list, files: dict | None = None) -> Response:
        """A form (`data`: a dict, or (name, value) pairs); `files` {name: (filename, bytes, type)} makes it
        multipart/form-data."""
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        if not files:
            body, kind = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        else:
            boundary = uuid.uuid4().hex
            parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                     for name, value in fields]
            parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                      f"Content-Type: {mime}\r\n\r\n".encode() + content + b"\r\n"
                      for name, (filename, content, mime) in files.items()]
            body, kind = b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
        return self._open(urllib.request.Request(self.server.url + path, data=body, headers={"Content-Type": kind}))

    def sign_in(self, username: str) -> Browser:
        page = self.get("/login")
        response = self.post("/login", {"csrf_token": csrf_of(page.text), "username": username,
                                        "password": PASSWORD})
        assert response.status_code == 302, (response.status_code, response.text[:2000])
        return self

    def start_batch(self, kind: str, month: str, how_many: int, among: list[int]) -> int:
        """The batch form of /letters/batches/new for the cases approved in `month` ("2026-12"), the first
        `how_many` of those it offers that are `among` the world's own (the world's approval notices are one page
        each; the demo's cases are not counted on); the new batch's id."""
        page = self.get("/letters/batches/new", params={"kind": kind, "month": month})
        assert page.status_code == 200, page.text[:2000]
        world = {str(case_id) for case_id in among}
        offered = [case_id for case_id in re.findall(r'name="case_ids" value="(\d+)"', page.text) if case_id in world]
        assert len(offered) >= how_many, f"the form offers {len(offered)} cases"
        response = self.post("/letters/batches/new", [("csrf_token", csrf_of(page.text)), ("kind", kind),
                                                      ("month", month)]
                             + [("case_ids", case_id) for case_id in offered[:how_many]])
        assert response.status_code == 302, (response.status_code, response.text[:2000])
        return int(re.search(r"/letters/batches/(\d+)$", response.headers["Location"]).group(1))


def page_text(response: Response) -> str:
    return unescape(response.text)


# ---- seeded databases ---------------------------------------------------------------------------------------

BUILD = textwrap.dedent('''
    import json, sys
    from app import create_app
    from app.extensions import db
    from app.services import debt_plans
    from tests.factories import act, new_case, user
    from tests.helpers import citizen_id, three_debts

    first, count, extras, first_citizen, email = (int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1",
                                                  int(sys.argv[4]), sys.argv[5])
    app = create_app()
    with app.app_context():
        made = {"approved": []}
        for n in range(first, first + count):
            body = three_debts()
            body["teacher"]["citizen_id"] = citizen_id(first_citizen + n)
            case_id, plan_id = new_case(body)
            act("coop_officer", case_id, "submit", plan_id=plan_id)
            act("province_approver", case_id, "approve")
            made["approved"].append(case_id)
        if extras:
            body = three_debts()
            body["teacher"]["citizen_id"] = citizen_id(first_citizen - 1)
            case_id, plan_id = new_case(body)
            debt_plans.choose_plan(user("coop_officer"), case_id, plan_id, None)
            made["draft"] = case_id
            user("province_approver").email = email
            db.session.commit()
        print("@@" + json.dumps(made))
''')


class Worlds:
    """The seeded databases of this test run, built on first use under a lock shared by the xdist workers, and a
    copy of one for each test. PostgreSQL templates are dropped by the last worker using them."""

    def __init__(self, shared: Path, run_id: str):
        self.shared, self.run_id = shared, run_id
        self.lock = shared / "worlds.lock"
        self.me = os.environ.get("PYTEST_XDIST_WORKER", "main")

    def _meta_path(self, dialect: str) -> Path:
        return self.shared / f"world-{dialect}.json"

    def _template(self) -> str:
        return f"kd_jobs_tpl_{self.run_id}"

    def copy(self, dialect: str, target: str | Path) -> dict:
        """The world of `dialect` ("sqlite" or "postgresql") copied to `target` (a file, or a new database's name);
        returns what it holds (case ids)."""
        with file_lock(self.lock):
            meta_path = self._meta_path(dialect)
            if dialect == "sqlite":
                if not meta_path.exists():
                    self._build_sqlite(meta_path)
                meta = json.loads(meta_path.read_text())
                with sqlite3.connect(meta["file"]) as source, sqlite3.connect(target) as copy:
                    source.backup(copy)
                return meta
            if not meta_path.exists() or not pg_database_exists(self._template()):
                self._build_postgres(meta_path)
            users = self.shared / "pg-users"
            users.mkdir(exist_ok=True)
            (users / self.me).touch()
            pg_admin(f'CREATE DATABASE "{target}" TEMPLATE "{self._template()}"',
                     f'ALTER DATABASE "{target}" SET synchronous_commit = off')
            return json.loads(meta_path.read_text())

    def release(self) -> None:
        """At the end of this worker's session: the last user of the PostgreSQL template drops it."""
        with file_lock(self.lock):
            users = self.shared / "pg-users"
            mine = users / self.me
            if mine.exists():
                mine.unlink()
                if not any(users.iterdir()):
                    pg_admin(f'DROP DATABASE IF EXISTS "{self._template()}" WITH (FORCE)')

    def _seed(self, env: dict, parallel: int) -> dict:
        run_checked([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], env, "flask db upgrade")
        run_checked([str(BIN / "flask"), "--app", "wsgi", "seed-demo", "--password", PASSWORD], env,
                    "flask seed-demo")
        share = -(-WORLD_CASES // parallel)
        builders = [subprocess.Popen(
            [sys.executable, "-c", BUILD, str(first), str(min(share, WORLD_CASES - first)), "1" if not first else "0",
             str(FIRST_CITIZEN), APPROVER_EMAIL], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True) for first in range(0, WORLD_CASES, share)]
        made: dict = {"approved": []}
        for builder in builders:
            out, err = builder.communicate(timeout=600)
            if builder.returncode:
                raise RuntimeError(f"building the test world failed:\n{err[-4000:]}")
            part = json.loads(next(line[2:] for line in out.splitlines() if line.startswith("@@")))
            made["approved"] += part.pop("approved")
            made.update(part)
        made["approved"].sort()
        return made

    def _build_sqlite(self, meta_path: Path) -> None:
        folder = self.shared / "world-sqlite"
        folder.mkdir(exist_ok=True)
        database = folder / "krudesk.db"
        env = {**base_env(), "KRUDESK_INSTANCE_PATH": str(folder), "DATABASE_URL": f"sqlite:///{database}",
               "JOBS_URL": f"sqlite:///{folder / 'jobs.db'}"}
        made = self._seed(env, parallel=1)  # one writer: SQLite takes one at a time anyway
        with sqlite3.connect(database) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        meta_path.write_text(json.dumps({**made, "file": str(database)}))

    def _build_postgres(self, meta_path: Path) -> None:
        name = self._template()
        folder = self.shared / "world-postgresql"
        folder.mkdir(exist_ok=True)
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"',
                 f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        env = {**base_env(), "KRUDESK_INSTANCE_PATH": str(folder), "DATABASE_URL": postgres_url(name),
               "JOBS_URL": f"sqlite:///{folder / 'jobs.db'}"}
        try:
            made = self._seed(env, parallel=2)
        except BaseException:
            pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            raise
        meta_path.write_text(json.dumps({**made, "database": name}))


# ---- one test's backend ------------------------------------------------------------------------------------

class Backend:
    """One test's databases, queue, instance folder and processes (all stopped and dropped by close())."""

    def __init__(self, kind: str, tmp_path: Path, worlds: Worlds):
        self.kind, self.root = kind, tmp_path
        self.instance = tmp_path / "instance"
        self.instance.mkdir()
        self.processes: list[Process] = []
        self._cleanup = ExitStack()  # what close() undoes, last first
        self._engine = None
        try:
            self._open(worlds)
        except BaseException:
            self.close()
            raise

    def _open(self, worlds: Worlds) -> None:
        kind, tmp_path = self.kind, self.root
        if kind == "sqlite":
            data = tmp_path / "data"  # beside, not inside, the instance folder: two servers may share it
            data.mkdir()
            self.world = worlds.copy("sqlite", data / "krudesk.db")
            self.database_url = f"sqlite:///{data / 'krudesk.db'}"
            self.jobs_url = f"sqlite:///{data / 'jobs.db'}"
            return
        check_postgres()
        self.database = f"kd_jobs_{secrets.token_hex(5)}"
        if kind == "redis":
            check_redis()
            self.redis_db = redis_db()
            # Another test run on this machine may use the same Redis database: take turns.
            self._cleanup.enter_context(file_lock(Path(tempfile.gettempdir()) /
                                                  f"krudesk-tests-redis-{self.redis_db}.lock"))
            flush_redis(self.redis_db)
            self._cleanup.callback(flush_redis, self.redis_db)
            self.jobs_url = f"{redis_server()}/{self.redis_db}"
        self.world = worlds.copy("postgresql", self.database)
        self._cleanup.callback(pg_admin, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self.database_url = postgres_url(self.database)
        if kind == "postgres":
            self.jobs_url = self.database_url
            PostgresStorage("krudesk", dsn=self.jobs_url).close()  # its tables, before two processes race to make them

    # -- environment and processes --

    def env(self, instance: Path | None = None, **extra: str) -> dict[str, str]:
        return {**base_env(), "KRUDESK_INSTANCE_PATH": str(instance or self.instance),
                "DATABASE_URL": self.database_url, "JOBS_URL": self.jobs_url, **extra}

    def _log(self, name: str) -> Path:
        return self.root / f"{name}.log"

    def start_worker(self, name: str = "worker", workers: int = 2, **env) -> Process:
        process = Process(name, [str(BIN / "flask"), "--app", "wsgi", "worker", "-w", str(workers)],
                          self.env(**env), self._log(name))
        self.processes.append(process)
        return process

    def start_web(self, name: str = "web", port: int | None = None, **env) -> WebServer:
        server = WebServer(name, self.env(**env), self._log(name), port or free_port())
        self.processes.append(server)
        return server

    def shell(self, **env) -> AppShell:
        shell = AppShell(self.env(**env), self._log("shell"))
        self.processes.append(shell)
        return shell

    def logs(self) -> str:
        return "\n".join(f"---- {p.name} ({p.log_path.name}) ----\n{p.log()}" for p in self.processes)

    # -- reading the database --

    @property
    def engine(self):
        if self._engine is None:
            url = self.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
            self._engine = create_engine(url, poolclass=NullPool)
        return self._engine

    def rows(self, query: str, **params) -> list:
        with self.engine.connect() as conn:
            return conn.execute(text(query), params).all()

    def scalar(self, query: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(text(query), params).scalar()

    def approval_month(self) -> str:
        """The month ("2026-12", Bangkok time) in which the world's cases were approved: the batch form's month."""
        latest = self.scalar("SELECT max(created_at) FROM case_snapshots")
        latest = datetime.fromisoformat(latest) if isinstance(latest, str) else latest
        return (latest + timedelta(hours=7)).strftime("%Y-%m")

    def wait_for(self, what: str, check, timeout: float = 90, every: float = 0.05):
        """Poll `check()` until it returns something true (returned); fail with every process's log."""
        deadline = time.monotonic() + timeout
        while True:
            found = check()
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout} s for {what}\n{self.logs()}")
            time.sleep(every)

    def close(self) -> None:
        for process in self.processes:
            process.signal_group()
        for process in self.processes:
            process.kill()
        if self._engine is not None:
            self._engine.dispose()
        self._cleanup.close()
