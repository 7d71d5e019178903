"""retired teachers (issue 17): pension as receipts and base, the paying unit

Revision ID: 0014_retired_teachers
Revises: 0013_job_engine
Create Date: 2026-12-01 14:50:00

debt_cases gains `retired`, `monthly_pension` (domain.md, "The 30% rule": for a retired teacher the pension takes the
place of salary as receipts and base) and `paying_unit_id` (the area office that pays the salary or draws the
pension; domain.md, "After approval" 3). The dashboard rollup (0006) gains `retired` in its key, so dashboards split
serving and retired teachers from the rollup alone: its triggers are dropped, the table is rebuilt with the new key,
the triggers are created again watching `retired` too, and the rollup is filled from the cases. Existing cases are
serving teachers (retired false, pension 0).
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_retired_teachers'
down_revision = '0013_job_engine'
branch_labels = None
depends_on = None


# ---- the rollup and its triggers, as 0006 wrote them, with or without the `retired` key column ----------------
# Fiscal year N (BE) runs from 1 October of year N-1, Bangkok time (UTC+7; stored times are UTC).

SUMS = "cases, outstanding, interest, interest_after"
WATCHED = ("cooperative_id", "created_at", "status", "risk_group", "meets_floor", "plan_meets_floor",
           "plan_interest_remaining", "total_outstanding", "interest_remaining")


def _key(retired: bool) -> str:
    return "cooperative_id, fiscal_year, status, risk_group, meets_floor, meets_after, planned" + (
        ", retired" if retired else "")


def _row(dialect: str, r: str, retired: bool) -> str:
    if dialect == "postgresql":
        local = f"({r}.created_at + interval '7 hours')"
        fy = (f"CAST(EXTRACT(YEAR FROM {local}) AS INTEGER) + 543 + "
              f"CASE WHEN EXTRACT(MONTH FROM {local}) >= 10 THEN 1 ELSE 0 END")
    else:
        fy = (f"CAST(strftime('%Y', datetime({r}.created_at, '+7 hours')) AS INTEGER) + 543 + "
              f"(CAST(strftime('%m', datetime({r}.created_at, '+7 hours')) AS INTEGER) >= 10)")
    return (f"{r}.cooperative_id, {fy}, {r}.status, {r}.risk_group, {r}.meets_floor, "
            f"COALESCE({r}.plan_meets_floor, {r}.meets_floor), {r}.plan_interest_remaining IS NOT NULL"
            + (f", {r}.retired" if retired else ""))


def _amounts(r: str) -> str:
    return (f"{r}.total_outstanding, {r}.interest_remaining, "
            f"COALESCE({r}.plan_interest_remaining, {r}.interest_remaining)")


def _add(dialect: str, r: str, retired: bool) -> str:
    key = _key(retired)
    return (f"INSERT INTO debt_case_rollups ({key}, {SUMS}) VALUES ({_row(dialect, r, retired)}, 1, {_amounts(r)}) "
            f"ON CONFLICT ({key}) DO UPDATE SET cases = debt_case_rollups.cases + 1, "
            f"outstanding = debt_case_rollups.outstanding + excluded.outstanding, "
            f"interest = debt_case_rollups.interest + excluded.interest, "
            f"interest_after = debt_case_rollups.interest_after + excluded.interest_after")


def _remove(dialect: str, r: str, retired: bool) -> str:
    return (f"UPDATE debt_case_rollups SET cases = cases - 1, outstanding = outstanding - {r}.total_outstanding, "
            f"interest = interest - {r}.interest_remaining, "
            f"interest_after = interest_after - COALESCE({r}.plan_interest_remaining, {r}.interest_remaining) "
            f"WHERE ({_key(retired)}) = ({_row(dialect, r, retired)})")


def _triggers(dialect: str, retired: bool) -> list[str]:
    watched = WATCHED + (("retired",) if retired else ())
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER debt_case_rollup_insert AFTER INSERT ON debt_cases BEGIN "
            f"{_add(dialect, 'NEW', retired)}; END",
            f"CREATE TRIGGER debt_case_rollup_delete AFTER DELETE ON debt_cases BEGIN "
            f"{_remove(dialect, 'OLD', retired)}; END",
            f"CREATE TRIGGER debt_case_rollup_update AFTER UPDATE OF {', '.join(watched)} ON debt_cases BEGIN "
            f"{_remove(dialect, 'OLD', retired)}; {_add(dialect, 'NEW', retired)}; END",
        ]
    old, new = _row(dialect, "OLD", retired), _row(dialect, "NEW", retired)
    return [
        # Two cases moving between the same two rollup rows in opposite directions would lock them in opposite
        # order and deadlock: the smaller key is always touched first (as in 0006).
        f"""CREATE FUNCTION debt_case_rollup() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN {_add(dialect, 'NEW', retired)};
          ELSIF TG_OP = 'DELETE' THEN {_remove(dialect, 'OLD', retired)};
          ELSIF ROW({old}) <= ROW({new}) THEN
            {_remove(dialect, 'OLD', retired)};
            {_add(dialect, 'NEW', retired)};
          ELSE
            {_add(dialect, 'NEW', retired)};
            {_remove(dialect, 'OLD', retired)};
          END IF;
          RETURN NULL;
        END $$ LANGUAGE plpgsql""",
        "CREATE TRIGGER debt_case_rollup_write AFTER INSERT OR DELETE ON debt_cases "
        "FOR EACH ROW EXECUTE FUNCTION debt_case_rollup()",
        "CREATE TRIGGER debt_case_rollup_update AFTER UPDATE ON debt_cases FOR EACH ROW WHEN ("
        + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in watched)
        + ") EXECUTE FUNCTION debt_case_rollup()",
    ]


DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS debt_case_rollup_insert", "DROP TRIGGER IF EXISTS debt_case_rollup_delete",
               "DROP TRIGGER IF EXISTS debt_case_rollup_update"],
    "postgresql": ["DROP TRIGGER IF EXISTS debt_case_rollup_write ON debt_cases",
                   "DROP TRIGGER IF EXISTS debt_case_rollup_update ON debt_cases",
                   "DROP FUNCTION IF EXISTS debt_case_rollup()"],
}


def _fill(dialect: str, retired: bool) -> str:
    row = _row(dialect, "d", retired)
    return (f"INSERT INTO debt_case_rollups ({_key(retired)}, {SUMS}) SELECT {row}, count(*), "
            f"sum(d.total_outstanding), sum(d.interest_remaining), "
            f"sum(COALESCE(d.plan_interest_remaining, d.interest_remaining)) FROM debt_cases d GROUP BY {row}")


def _rollup_table(retired: bool) -> None:
    key = ['cooperative_id', 'fiscal_year', 'status', 'risk_group', 'meets_floor', 'meets_after', 'planned']
    op.create_table(
        'debt_case_rollups',
        sa.Column('cooperative_id', sa.Integer(), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('risk_group', sa.String(length=10), nullable=False),
        sa.Column('meets_floor', sa.Boolean(), nullable=False),
        sa.Column('meets_after', sa.Boolean(), nullable=False),
        sa.Column('planned', sa.Boolean(), nullable=False),
        *([sa.Column('retired', sa.Boolean(), nullable=False)] if retired else []),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.Column('outstanding', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('interest', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('interest_after', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.PrimaryKeyConstraint(*key, *(['retired'] if retired else []), name=op.f('pk_debt_case_rollups')),
    )


def _rebuild_rollup(retired: bool) -> None:
    dialect = op.get_bind().dialect.name
    op.drop_table('debt_case_rollups')
    _rollup_table(retired)
    for statement in _triggers(dialect, retired):
        op.execute(statement)
    op.execute(_fill(dialect, retired))


def upgrade():
    dialect = op.get_bind().dialect.name
    # First, so that no trigger fires on half-changed rows (SQLite also rebuilds debt_cases below, dropping them).
    for statement in DROP[dialect]:
        op.execute(statement)
    with op.batch_alter_table('debt_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('monthly_pension', sa.Numeric(precision=14, scale=2), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('paying_unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_debt_cases_paying_unit_id'), ['paying_unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_debt_cases_paying_unit_id_org_units'), 'org_units',
                                    ['paying_unit_id'], ['id'])
    _rebuild_rollup(retired=True)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in DROP[dialect]:
        op.execute(statement)
    with op.batch_alter_table('debt_cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_debt_cases_paying_unit_id_org_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_debt_cases_paying_unit_id'))
        batch_op.drop_column('paying_unit_id')
        batch_op.drop_column('monthly_pension')
        batch_op.drop_column('retired')
    _rebuild_rollup(retired=False)
