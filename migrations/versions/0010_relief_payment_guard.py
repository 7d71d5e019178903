"""relief payment guard: one payment per round of an entitlement

Revision ID: 0010_relief_payment_guard
Revises: 0009_user_sessions
Create Date: 2026-12-01 12:00:00

Payments of an entitlement are numbered rounds 1, 2, 3… (domain.md, "Payments"). Parallel payments used to read
the same count and store the same round twice (issue 14); app/services/relief_payments.py now serialises payments per case,
and this unique index makes a repeated round impossible in the database as well. Rows stored before it may hold
repeats: the entitlements that have any are renumbered first, in the order the payments were stored (by id), so
the index can be built; amounts, dates and references are not touched. Overpayments already stored stay as they
are (they need a human decision, not a migration).
"""
from alembic import op

revision = '0010_relief_payment_guard'
down_revision = '0009_user_sessions'
branch_labels = None
depends_on = None

INDEX = "uq_relief_payments_entitlement_round"

# Portable SQL (SQLite and PostgreSQL): a payment's round is its position among its entitlement's payments.
RENUMBER_REPEATS = """
UPDATE relief_payments SET round_no = (
    SELECT COUNT(*) FROM relief_payments AS earlier
    WHERE earlier.entitlement_id = relief_payments.entitlement_id AND earlier.id <= relief_payments.id)
WHERE entitlement_id IN (
    SELECT entitlement_id FROM relief_payments GROUP BY entitlement_id, round_no HAVING COUNT(*) > 1)
"""


def upgrade():
    op.execute(RENUMBER_REPEATS)
    op.create_index(INDEX, "relief_payments", ["entitlement_id", "round_no"], unique=True)


def downgrade():
    op.drop_index(INDEX, table_name="relief_payments")
