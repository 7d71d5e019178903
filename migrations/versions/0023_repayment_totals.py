"""what each part of a case has repaid, kept by triggers (issue 20, scale): repayment_totals

The arrears sweep, the report's month and each import need, for every active case, what was repaid per part of the
current plan version. Summing the repayments each time reads every month's line again: at a million active cases
with a year and a half of history that is 18 million rows per sweep (72 ms a batch of 2,000 cases on PostgreSQL,
bench/bench_repayments.py). repayment_totals keeps the sum per (case, plan version, part); triggers keep it exact
whatever writes the repayments (an import, the API, the form, a cascade from a deleted case):
- PostgreSQL: statement-level triggers with transition tables, one grouped upsert per statement (an import's batch of
  5,000 lines is one statement), the keys in order so that two writers never lock them in opposite order;
- SQLite: row triggers (it has no statement triggers); amounts are rounded to the satang as they add up, since
  SQLite keeps NUMERIC as a float.
A total left at zero by deletions stays as a row of 0.00 (the same as no row for every reader).

The index on repayments' month becomes (month, case_id): the month's money per cooperative (the report) and what
was repaid after a month, for a batch of cases, are then read by probing those cases, not every line of the month.

Revision ID: 0023_repayment_totals
Revises: 0022_structured_guarantors
Create Date: 2026-12-02 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0023_repayment_totals'
down_revision = '0022_structured_guarantors'
branch_labels = None
depends_on = None

KEY = "case_id, plan_version, part"
GROUPED = ("SELECT case_id, plan_version, part, ROUND(SUM(amount), 2) AS amount FROM {rows} "
           "GROUP BY case_id, plan_version, part")


def _pg_add(rows: str) -> str:
    return (f"INSERT INTO repayment_totals ({KEY}, amount) {GROUPED.format(rows=rows)} ORDER BY {KEY} "
            f"ON CONFLICT ({KEY}) DO UPDATE SET amount = repayment_totals.amount + EXCLUDED.amount")


def _pg_remove(rows: str) -> str:
    return (f"UPDATE repayment_totals t SET amount = t.amount - o.amount FROM ({GROUPED.format(rows=rows)}) o "
            "WHERE t.case_id = o.case_id AND t.plan_version = o.plan_version AND t.part = o.part")


POSTGRESQL = [
    f"""CREATE FUNCTION repayment_totals_insert() RETURNS trigger AS $$
    BEGIN {_pg_add('new_rows')}; RETURN NULL; END $$ LANGUAGE plpgsql""",
    f"""CREATE FUNCTION repayment_totals_delete() RETURNS trigger AS $$
    BEGIN {_pg_remove('old_rows')}; RETURN NULL; END $$ LANGUAGE plpgsql""",
    f"""CREATE FUNCTION repayment_totals_update() RETURNS trigger AS $$
    BEGIN {_pg_remove('old_rows')}; {_pg_add('new_rows')}; RETURN NULL; END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER repayment_totals_insert AFTER INSERT ON repayments REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION repayment_totals_insert()",
    "CREATE TRIGGER repayment_totals_delete AFTER DELETE ON repayments REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION repayment_totals_delete()",
    "CREATE TRIGGER repayment_totals_update AFTER UPDATE ON repayments "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION repayment_totals_update()",
]


def _sqlite_add(r: str) -> str:
    return (f"INSERT INTO repayment_totals ({KEY}, amount) VALUES ({r}.case_id, {r}.plan_version, {r}.part, "
            f"{r}.amount) ON CONFLICT ({KEY}) DO UPDATE SET amount = ROUND(amount + excluded.amount, 2)")


def _sqlite_remove(r: str) -> str:
    return (f"UPDATE repayment_totals SET amount = ROUND(amount - {r}.amount, 2) WHERE case_id = {r}.case_id "
            f"AND plan_version = {r}.plan_version AND part = {r}.part")


SQLITE = [
    f"CREATE TRIGGER repayment_totals_insert AFTER INSERT ON repayments BEGIN {_sqlite_add('NEW')}; END",
    f"CREATE TRIGGER repayment_totals_delete AFTER DELETE ON repayments BEGIN {_sqlite_remove('OLD')}; END",
    "CREATE TRIGGER repayment_totals_update AFTER UPDATE OF case_id, plan_version, part, amount ON repayments "
    f"BEGIN {_sqlite_remove('OLD')}; {_sqlite_add('NEW')}; END",
]

DROP = {
    "postgresql": [*(f"DROP TRIGGER IF EXISTS repayment_totals_{what} ON repayments"
                     for what in ("insert", "delete", "update")),
                   *(f"DROP FUNCTION IF EXISTS repayment_totals_{what}()" for what in ("insert", "delete", "update"))],
    "sqlite": [f"DROP TRIGGER IF EXISTS repayment_totals_{what}" for what in ("insert", "delete", "update")],
}


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table(
        'repayment_totals',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('plan_version', sa.Integer(), nullable=False),
        sa.Column('part', sa.String(length=20), nullable=False),
        sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['debt_cases.id'], name=op.f('fk_repayment_totals_case_id_debt_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('case_id', 'plan_version', 'part', name=op.f('pk_repayment_totals')),
    )
    op.drop_index('ix_repayments_month', table_name='repayments')
    op.create_index('ix_repayments_month', 'repayments', ['month', 'case_id'])
    op.execute(f"INSERT INTO repayment_totals ({KEY}, amount) {GROUPED.format(rows='repayments')}")
    for statement in POSTGRESQL if dialect == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade():
    for statement in DROP[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table('repayment_totals')
    op.drop_index('ix_repayments_month', table_name='repayments')
    op.create_index('ix_repayments_month', 'repayments', ['month'])
