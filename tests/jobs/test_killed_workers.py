"""A worker killed with SIGKILL — its whole process group: the consumer, its forked workers and its scheduler — in the
middle of a job, and a second worker that finishes the job, with real `flask worker` processes on every backend
(issue 16; the backends and which CI run runs which: tests/jobs/conftest.py).

Huey delivers at most once, so the task that was running is gone with the worker; what brings the job back is the
row's claim, its heartbeat going quiet for JOBS_STALE_SECONDS (3 s here) and the sweep each worker runs as it starts
(app/jobs/rows.py). What must hold afterwards: the job done, nothing in it done twice."""
from __future__ import annotations

import sqlite3

from pypdf import PdfReader

MEMBERS = 1500  # teachers in the killed import, two debts each


def batch_state(backend, batch_id: int):
    return backend.rows("SELECT status, error, total, rendered, chunks_total FROM letter_batches WHERE id = :id",
                        id=batch_id)[0]


def chunks_of(backend, batch_id: int):
    return backend.rows("SELECT id, position, status, claim_token, attempts, count, rendered "
                        "FROM letter_batch_chunks WHERE batch_id = :id ORDER BY position", id=batch_id)


def test_a_batch_whose_worker_is_killed_mid_print_is_finished_by_another(backend):
    ids = backend.world["approved"]
    assert len(ids) == 500
    first = backend.start_worker("worker-1")
    batch_id = backend.shell().run(f"""
        from app.services import letter_batches
        from tests.factories import user
        result = letter_batches.create(user("province_officer"), "approval_notice", {ids!r}).id
    """)

    # Kill while both worker processes are in the middle of a chunk: each holds a claim, with 30 or more of its 50
    # letters still to print (progress is written every 20). Killed between taking a message from the queue and
    # claiming its chunk, a worker would lose the message itself, and the chunk would wait for the sweep's
    # JOBS_REQUEUE_SECONDS (two minutes) instead of JOBS_STALE_SECONDS.
    def half_printed():
        chunks = chunks_of(backend, batch_id)
        done = sum(c.status == "done" for c in chunks)
        held = [c for c in chunks if c.status == "rendering" and c.claim_token]
        return (batch_state(backend, batch_id).status == "rendering" and len(held) == 2
                and all(c.rendered <= 20 for c in held) and done and len(chunks) - done >= 3)

    backend.wait_for("the batch half printed", half_printed, timeout=120, every=0.02)
    first.kill()

    held = [c for c in chunks_of(backend, batch_id) if c.status == "rendering"]
    assert len(held) == 2 and all(c.claim_token for c in held)  # the dead worker's claims: only the sweep frees them
    assert batch_state(backend, batch_id).status == "rendering"
    assert backend.scalar("SELECT count(*) FROM letters WHERE batch_id = :id", id=batch_id) == 500  # numbered already
    assert not [f for f in backend.instance.glob("letters/*.pdf") if "-part-" not in f.name]  # not merged yet

    backend.start_worker("worker-2")
    # Seconds, normally (STALE_SECONDS, then the sweep's turn in the queue); the margin covers a message lost anyway.
    backend.wait_for("the batch to end", lambda: batch_state(backend, batch_id).status in ("done", "failed"),
                     timeout=240)
    state = batch_state(backend, batch_id)
    assert (state.status, state.error, state.total, state.rendered, state.chunks_total) == ("done", None, 500, 500, 10)

    letters = backend.rows("SELECT case_id, office_id, be_year, number FROM letters ORDER BY number")
    assert sorted(letter.case_id for letter in letters) == sorted(ids)  # exactly one letter per case, no other
    assert len({(letter.office_id, letter.be_year) for letter in letters}) == 1
    assert [letter.number for letter in letters] == list(range(1, 501))  # unique and contiguous for the office
    assert backend.scalar("SELECT last_number FROM letter_counters") == 500

    chunks = chunks_of(backend, batch_id)
    assert [c.status for c in chunks] == ["done"] * 10 and sum(c.count for c in chunks) == 500
    assert all(c.claim_token is None for c in chunks)
    again = {c.id: c.attempts for c in chunks}
    assert all(again[c.id] >= 2 for c in held)  # the killed chunks were taken up again

    files = list(backend.instance.glob("letters/*.pdf"))
    assert len(files) == 1 and "-part-" not in files[0].name  # the merged file, its parts removed
    assert len(PdfReader(files[0]).pages) == 500


def import_job(backend, job_id: int):
    return backend.rows("SELECT status, claim_token, attempts, failure, processed_rows FROM import_jobs "
                        "WHERE id = :id", id=job_id)[0]


def counts(backend) -> tuple[int, int, int]:
    return (backend.scalar("SELECT count(*) FROM debt_cases"), backend.scalar("SELECT count(*) FROM debts"),
            backend.scalar("SELECT count(*) FROM people"))


def import_is_writing(backend) -> bool:
    """The import's transaction has written rows it has not committed: SQLite's write lock is held (nobody else
    writes the app database while the import runs), or on PostgreSQL another session holds a row lock on debts."""
    if backend.kind == "sqlite":
        conn = sqlite3.connect(backend.database_url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as error:
            assert "locked" in str(error), error
            return True
        finally:
            conn.close()
    return bool(backend.scalar(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE c.relname = 'debts' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid() "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"))


def test_an_import_whose_worker_is_killed_mid_transaction_is_imported_once_by_another(backend):
    before = counts(backend)
    first = backend.start_worker("worker-1")
    shell = backend.shell()
    job_id = shell.run(f"""
        from app.services import debt_import
        from tests.factories import user
        from tests.helpers import member_rows, xlsx
        content = xlsx(member_rows({MEMBERS}, debts=2))
        result = debt_import.upload(user("coop_officer"), None, "members.xlsx", content).id
    """)
    backend.wait_for("the dry run", lambda: import_job(backend, job_id).status != "checking", timeout=120)
    assert import_job(backend, job_id).status == "valid", backend.logs()
    shell.run(f"""
        from app.services import debt_import
        from tests.factories import user
        debt_import.start_import(user("coop_officer"), {job_id})
    """)

    def claimed_and_writing():
        job = import_job(backend, job_id)
        assert job.status == "importing", f"the import ended ({job.status}) before it could be killed"
        return job.claim_token and import_is_writing(backend)

    backend.wait_for("the import writing its rows", claimed_and_writing, timeout=120, every=0.01)
    first.kill()
    killed = import_job(backend, job_id)
    assert killed.status == "importing" and killed.claim_token  # the dead worker's claim
    assert counts(backend) == before  # its transaction died with it

    backend.start_worker("worker-2")
    backend.wait_for("the import to end", lambda: import_job(backend, job_id).status not in ("importing",))
    job = import_job(backend, job_id)
    assert (job.status, job.failure, job.claim_token) == ("done", None, None), backend.logs()
    assert job.attempts > killed.attempts  # claimed again, by the second worker
    assert job.processed_rows == 2 * MEMBERS
    assert counts(backend) == (before[0] + MEMBERS, before[1] + 2 * MEMBERS, before[2] + MEMBERS)  # once, not twice
