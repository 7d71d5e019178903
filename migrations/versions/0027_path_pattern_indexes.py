"""path indexes PostgreSQL can use for a subtree (issue 22 point 3: the menu's badges on every page)

Every row that belongs to an org unit carries the unit's materialised path, and a user's scope is the rows whose
path starts with the user's (services/scope.prefix_match). PostgreSQL answers that LIKE 'path%' from a B-tree
only when the index compares bytes: under the C.UTF-8 or en_US.UTF-8 collations a plain index is refused, and each
scoped read scanned its table. The menu's badges, on every page, counted the relief cases waiting in the user's
subtree by reading all 5,000 of them (1.8 ms of a 3.5 ms statement at a million debt cases). Here every path index
is rebuilt with varchar_pattern_ops on PostgreSQL (as 0008 did for the name indexes and 0026 for
ix_debt_cases_waiting); equality and LIKE 'prefix%' use it, and only ORDER BY the path no longer does (the org
tree of one scope, a few hundred rows, is sorted in memory). SQLite keeps its plain indexes: its prefix_match is a
range, which they serve.

The relief inbox (a status among a few, in a subtree) gets ix_relief_cases_status_path (status, org_path): its
count is read from the index alone (0.03 ms). It leads with the status, so it replaces ix_relief_cases_status.

Revision ID: 0027_path_pattern_indexes
Revises: 0026_dashboard_reads
Create Date: 2026-12-03 15:10:00

"""
from alembic import op

revision = '0027_path_pattern_indexes'
down_revision = '0026_dashboard_reads'
branch_labels = None
depends_on = None

# (index, table, column)
PATH_INDEXES = (
    ("ix_org_units_path", "org_units", "path"),
    ("ix_debt_cases_org_path", "debt_cases", "org_path"),
    ("ix_relief_cases_org_path", "relief_cases", "org_path"),
    ("ix_letters_org_path", "letters", "org_path"),
    ("ix_letter_batches_org_path", "letter_batches", "org_path"),
    ("ix_import_jobs_org_path", "import_jobs", "org_path"),
    ("ix_audit_events_org_path", "audit_events", "org_path"),
)


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _path_indexes(pattern_ops: bool) -> None:
    for name, table, column in PATH_INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column], unique=False,
                        **({"postgresql_ops": {column: "varchar_pattern_ops"}} if pattern_ops else {}))


def upgrade():
    postgres = _postgres()
    if postgres:
        _path_indexes(pattern_ops=True)
    op.create_index("ix_relief_cases_status_path", "relief_cases", ["status", "org_path"], unique=False,
                    **({"postgresql_ops": {"org_path": "varchar_pattern_ops"}} if postgres else {}))
    op.drop_index("ix_relief_cases_status", table_name="relief_cases")


def downgrade():
    op.create_index("ix_relief_cases_status", "relief_cases", ["status"], unique=False)
    op.drop_index("ix_relief_cases_status_path", table_name="relief_cases")
    if _postgres():
        _path_indexes(pattern_ops=False)
