"""what the national dashboard reads, kept small (issue 22 point 2: the national dashboard at a million cases)

1. The cases waiting for a decision. The dashboard shows, per tier, how many debt cases wait, the average wait and
   the longest: a count, an average and a minimum of status_since over the cases in the unit's subtree with status
   submitted or awaiting_regional. With an index on the status alone, the nation's 29,929 waiting cases were read
   row by row (110 ms on SQLite). ix_debt_cases_waiting (status, org_path, status_since) answers it from the index:
   the status equal, the subtree a range of paths, the day carried (7 ms for the nation, 0.2 ms for a province).
   It leads with the status, so it serves every lookup ix_debt_cases_status served, which it replaces. On
   PostgreSQL the path uses varchar_pattern_ops, so that LIKE 'path%' is a range of the index whatever the
   collation (as 0008 made the name indexes).

2. The rollup's pages (PostgreSQL). The triggers of 0006/0014 update a rollup row for every case written, so a
   table of 13,583 live rows had grown to 99 MB after the million cases were loaded in batches, and the
   dashboard's scan of it took 38 ms (17 ms once rewritten). With half of each page left free (fillfactor 50) every
   such update is a heap-only tuple in its own page, pruned there without VACUUM: in a trial of 450,000 updates over
   13,500 rows in 100 transactions, without autovacuum, the table stayed at 1.2 MB at fillfactor 50 and grew to
   18 MB at 100. CLUSTER rewrites the table now so that its existing pages get the free space too. SQLite rewrites
   nothing: its rows are updated in place.

Revision ID: 0026_dashboard_reads
Revises: 0025_people_full_name
Create Date: 2026-12-02 16:30:00

"""
from alembic import op

revision = '0026_dashboard_reads'
down_revision = '0025_people_full_name'
branch_labels = None
depends_on = None


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    op.create_index("ix_debt_cases_waiting", "debt_cases", ["status", "org_path", "status_since"], unique=False,
                    **({"postgresql_ops": {"org_path": "varchar_pattern_ops"}} if _postgres() else {}))
    op.drop_index("ix_debt_cases_status", table_name="debt_cases")
    if _postgres():
        op.execute("ALTER TABLE debt_case_rollups SET (fillfactor = 50)")
        op.execute("CLUSTER debt_case_rollups USING pk_debt_case_rollups")


def downgrade():
    if _postgres():
        op.execute("ALTER TABLE debt_case_rollups RESET (fillfactor)")
    op.create_index("ix_debt_cases_status", "debt_cases", ["status"], unique=False)
    op.drop_index("ix_debt_cases_waiting", table_name="debt_cases")
