"""debt cases: interest and floor before and after the chosen plan, for reports; spreadsheet import jobs

Revision ID: 0006_report_figures
Revises: 0005_letters
Create Date: 2026-11-25 12:40:41.638646

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_report_figures'
down_revision = '0005_letters'
branch_labels = None
depends_on = None


# The rollup behind the dashboards (app/models/debt.py, DebtCaseRollup): one row per cooperative, fiscal year,
# status, risk group and floor before/after the chosen plan, kept by triggers so that no write can miss it.
# Fiscal year N (BE) runs from 1 October of year N-1, Bangkok time (UTC+7; stored times are UTC).
KEY = "cooperative_id, fiscal_year, status, risk_group, meets_floor, meets_after, planned"
SUMS = "cases, outstanding, interest, interest_after"


def _sqlite_row(r: str) -> str:
    fy = (f"CAST(strftime('%Y', datetime({r}.created_at, '+7 hours')) AS INTEGER) + 543 + "
          f"(CAST(strftime('%m', datetime({r}.created_at, '+7 hours')) AS INTEGER) >= 10)")
    return (f"{r}.cooperative_id, {fy}, {r}.status, {r}.risk_group, {r}.meets_floor, "
            f"COALESCE({r}.plan_meets_floor, {r}.meets_floor), {r}.plan_interest_remaining IS NOT NULL")


def _pg_row(r: str) -> str:
    local = f"({r}.created_at + interval '7 hours')"
    fy = (f"CAST(EXTRACT(YEAR FROM {local}) AS INTEGER) + 543 + "
          f"CASE WHEN EXTRACT(MONTH FROM {local}) >= 10 THEN 1 ELSE 0 END")
    return (f"{r}.cooperative_id, {fy}, {r}.status, {r}.risk_group, {r}.meets_floor, "
            f"COALESCE({r}.plan_meets_floor, {r}.meets_floor), {r}.plan_interest_remaining IS NOT NULL")


def _amounts(r: str) -> str:
    return (f"{r}.total_outstanding, {r}.interest_remaining, "
            f"COALESCE({r}.plan_interest_remaining, {r}.interest_remaining)")


def _add(row: str, r: str) -> str:
    return (f"INSERT INTO debt_case_rollups ({KEY}, {SUMS}) VALUES ({row}, 1, {_amounts(r)}) "
            f"ON CONFLICT ({KEY}) DO UPDATE SET cases = debt_case_rollups.cases + 1, "
            f"outstanding = debt_case_rollups.outstanding + excluded.outstanding, "
            f"interest = debt_case_rollups.interest + excluded.interest, "
            f"interest_after = debt_case_rollups.interest_after + excluded.interest_after")


def _remove(row: str, r: str) -> str:
    return (f"UPDATE debt_case_rollups SET cases = cases - 1, outstanding = outstanding - {r}.total_outstanding, "
            f"interest = interest - {r}.interest_remaining, "
            f"interest_after = interest_after - COALESCE({r}.plan_interest_remaining, {r}.interest_remaining) "
            f"WHERE ({KEY}) = ({row})")


WATCHED = ("cooperative_id", "created_at", "status", "risk_group", "meets_floor", "plan_meets_floor",
           "plan_interest_remaining", "total_outstanding", "interest_remaining")
ROLLUP_TRIGGERS = {
    "sqlite": [
        f"CREATE TRIGGER debt_case_rollup_insert AFTER INSERT ON debt_cases BEGIN {_add(_sqlite_row('NEW'), 'NEW')}; END",
        f"CREATE TRIGGER debt_case_rollup_delete AFTER DELETE ON debt_cases BEGIN {_remove(_sqlite_row('OLD'), 'OLD')}; END",
        f"CREATE TRIGGER debt_case_rollup_update AFTER UPDATE OF {', '.join(WATCHED)} ON debt_cases BEGIN "
        f"{_remove(_sqlite_row('OLD'), 'OLD')}; {_add(_sqlite_row('NEW'), 'NEW')}; END",
    ],
    "postgresql": [
        # Two cases moving between the same two rollup rows in opposite directions would lock them in opposite
        # order and deadlock: the smaller key is always touched first.
        f"""CREATE FUNCTION debt_case_rollup() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN {_add(_pg_row('NEW'), 'NEW')};
          ELSIF TG_OP = 'DELETE' THEN {_remove(_pg_row('OLD'), 'OLD')};
          ELSIF ROW({_pg_row('OLD')}) <= ROW({_pg_row('NEW')}) THEN
            {_remove(_pg_row('OLD'), 'OLD')};
            {_add(_pg_row('NEW'), 'NEW')};
          ELSE
            {_add(_pg_row('NEW'), 'NEW')};
            {_remove(_pg_row('OLD'), 'OLD')};
          END IF;
          RETURN NULL;
        END $$ LANGUAGE plpgsql""",
        "CREATE TRIGGER debt_case_rollup_write AFTER INSERT OR DELETE ON debt_cases "
        "FOR EACH ROW EXECUTE FUNCTION debt_case_rollup()",
        "CREATE TRIGGER debt_case_rollup_update AFTER UPDATE ON debt_cases FOR EACH ROW WHEN ("
        + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
        + ") EXECUTE FUNCTION debt_case_rollup()",
    ],
}
ROLLUP_DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS debt_case_rollup_insert", "DROP TRIGGER IF EXISTS debt_case_rollup_delete",
               "DROP TRIGGER IF EXISTS debt_case_rollup_update"],
    "postgresql": ["DROP TRIGGER IF EXISTS debt_case_rollup_write ON debt_cases",
                   "DROP TRIGGER IF EXISTS debt_case_rollup_update ON debt_cases",
                   "DROP FUNCTION IF EXISTS debt_case_rollup()"],
}
ROLLUP_FILL = {dialect: f"INSERT INTO debt_case_rollups ({KEY}, {SUMS}) SELECT {row('d')}, count(*), "
                        f"sum(d.total_outstanding), sum(d.interest_remaining), "
                        f"sum(COALESCE(d.plan_interest_remaining, d.interest_remaining)) FROM debt_cases d "
                        f"GROUP BY {row('d')}"
               for dialect, row in (("sqlite", _sqlite_row), ("postgresql", _pg_row))}


def upgrade():
    with op.batch_alter_table('debt_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interest_remaining', sa.Numeric(precision=14, scale=2), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('plan_interest_remaining', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('plan_meets_floor', sa.Boolean(), nullable=True))
    _backfill()
    op.create_table('import_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('file_key', sa.String(length=40), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('org_path', sa.String(length=255), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('processed_rows', sa.Integer(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('failure', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['cooperative_id'], ['org_units.id'], name=op.f('fk_import_jobs_cooperative_id_org_units')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_import_jobs_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs'))
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_import_jobs_org_path', ['org_path'], unique=False)
    op.create_table('debt_case_rollups',
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('risk_group', sa.String(length=10), nullable=False),
    sa.Column('meets_floor', sa.Boolean(), nullable=False),
    sa.Column('meets_after', sa.Boolean(), nullable=False),
    sa.Column('planned', sa.Boolean(), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('outstanding', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('interest', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('interest_after', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('cooperative_id', 'fiscal_year', 'status', 'risk_group', 'meets_floor', 'meets_after',
                            'planned', name=op.f('pk_debt_case_rollups'))
    )
    for statement in ROLLUP_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.execute(ROLLUP_FILL[op.get_bind().dialect.name])


def _backfill():
    """Fill the new columns for cases that exist: interest under the current terms from the debts (the same pure
    function the app uses), and the chosen plan's figures from its stored result."""
    import json
    from decimal import Decimal

    from app.domain.repayment import remaining_interest

    conn = op.get_bind()
    debts = {}
    for case_id, outstanding, rate, payment, months in conn.execute(sa.text(
            "SELECT case_id, outstanding, annual_rate, monthly_payment, remaining_months FROM debts")):
        debts[case_id] = debts.get(case_id, Decimal("0")) + remaining_interest(
            Decimal(str(outstanding)), Decimal(str(rate)), Decimal(str(payment)), months)
    plans = {}
    for case_id, result in conn.execute(sa.text("SELECT case_id, result FROM debt_plans WHERE chosen")):
        after = (json.loads(result) if isinstance(result, str) else result)["after"]
        plans[case_id] = (Decimal(after["total_interest_remaining"]), bool(after["meets_floor"]))
    for case_id, interest in debts.items():
        plan = plans.get(case_id)
        conn.execute(sa.text("UPDATE debt_cases SET interest_remaining = :i, plan_interest_remaining = :p, "
                             "plan_meets_floor = :m WHERE id = :id"),
                     {"i": str(interest), "p": str(plan[0]) if plan else None, "m": plan[1] if plan else None,
                      "id": case_id})


def downgrade():
    for statement in ROLLUP_DROP[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table('debt_case_rollups')
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_import_jobs_org_path')
    op.drop_table('import_jobs')
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('debt_cases', schema=None) as batch_op:
        batch_op.drop_column('plan_meets_floor')
        batch_op.drop_column('plan_interest_remaining')
        batch_op.drop_column('interest_remaining')

    # ### end Alembic commands ###
