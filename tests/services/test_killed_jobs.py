"""A worker killed (SIGKILL) half-way through a bulk import or a batch print leaves no partial data, and the job can
is taken up again by the sweep (issues 8 and 16). The work runs in a child process on its own SQLite file; the parent
kills it mid-way. tests/jobs does the same with real workers on every backend."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path


CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    folder = Path(sys.argv[1])
    from flask_migrate import upgrade
    from app import create_app
    from config import TestingConfig

    class Child(TestingConfig):
        INSTANCE_PATH = folder
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'kill.db'}"
        @classmethod
        def init_app(cls, app):
            pass

    app = create_app(Child)
    with app.app_context():
        from app.demo import seed_demo
        from app.extensions import db
        from app.models import User
        from app.services import debt_import, debt_import_write
        from tests.helpers import member_rows, xlsx
        upgrade()
        seed_demo("kill-pass-2569")
        officer = db.session.query(User).filter_by(username="coop_officer").one()
        job = debt_import.upload(officer, None, "members.xlsx", xlsx(member_rows(4000, debts=2)))
        print("checked", job.id, flush=True)
        real = debt_import_write._insert_new
        def slow(*args):
            real(*args)
            db.session.flush()
            print("inserted", flush=True)   # the rows are written in the open transaction: kill now
            time.sleep(60)
        debt_import_write._insert_new = slow
        debt_import.start_import(officer, job.id)  # runs here (JOBS_IMMEDIATE), until the kill
""")


def counts(database: Path) -> tuple[int, int, str]:
    import sqlite3

    with sqlite3.connect(database) as conn:
        return (conn.execute("SELECT count(*) FROM debt_cases").fetchone()[0],
                conn.execute("SELECT count(*) FROM debts").fetchone()[0],
                conn.execute("SELECT status FROM import_jobs").fetchone()[0])


def test_an_import_killed_mid_transaction_writes_nothing_and_can_run_again(tmp_path):
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], cwd=root, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, env={**os.environ, "PYTHONPATH": str(root)})
    lines = []
    deadline = time.time() + 120
    while time.time() < deadline:
        line = child.stdout.readline()
        lines.append(line)
        if line.startswith("inserted"):
            break
    assert any(line.startswith("inserted") for line in lines), lines
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    cases, debts, status = counts(tmp_path / "kill.db")
    assert (cases, debts) == (0, 0) and status == "importing"  # nothing of the transaction survived the kill

    from app import create_app
    from config import TestingConfig

    class Again(TestingConfig):
        INSTANCE_PATH = tmp_path
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'kill.db'}"

        @classmethod
        def init_app(cls, app):
            pass

    app = create_app(Again)
    with app.app_context():
        from sqlalchemy import update

        from app.extensions import db
        from app.models import ImportJob
        from app.domain.clock import utcnow
        from app.jobs import rows

        db.session.execute(update(ImportJob).values(claimed_at=utcnow() - timedelta(hours=1)))  # and no heartbeat
        db.session.commit()
        assert rows.sweep() == 1  # the dead worker's claim is taken back and the import runs again (here)
        db.session.remove()
    assert counts(tmp_path / "kill.db") == (4000, 8000, "done")
