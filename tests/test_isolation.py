"""The suite's own isolation (tests/conftest.py): every test starts from the seeded demo organisation; a test's
commits are savepoints of one transaction that no other connection sees and that is rolled back at the end; tests
marked `commits` write for real and are cleaned up after."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import DebtCase
from tests.factories import user
from tests.helpers import SPEC_CASE


def committed_cases() -> int:
    """Debt cases as another connection sees them."""
    with db.engine.connect() as other:
        return other.scalar(select(func.count(DebtCase.id)))


def test_every_test_starts_from_the_seeded_organisation_alone(seeded):
    with db.engine.connect() as other:
        counts = {t.name: other.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}
    assert counts == {t.name: len(seeded[t.name]) for t in db.metadata.sorted_tables}


def test_what_a_test_commits_stays_in_its_own_transaction(api):
    assert api("coop_officer").post("/api/v1/debt-cases", json=SPEC_CASE).status_code == 201
    assert db.session.scalar(select(func.count(DebtCase.id))) == 1
    assert committed_cases() == 0


def test_what_a_request_committed_survives_a_rollback_of_the_tests_own_session(api):
    user("coop_officer")  # the test's session is in a transaction before the request
    assert api("coop_officer").post("/api/v1/debt-cases", json=SPEC_CASE).status_code == 201
    db.session.rollback()  # as a service refusing something does
    assert db.session.scalar(select(func.count(DebtCase.id))) == 1


@pytest.mark.commits
def test_a_test_marked_commits_writes_for_real(api):
    assert api("coop_officer").post("/api/v1/debt-cases", json=SPEC_CASE).status_code == 201
    assert committed_cases() == 1
