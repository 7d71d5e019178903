"""indexes for a million cases: lists of a province or cooperative in key order, name search on PostgreSQL

Revision ID: 0008_national_scale
Revises: 0007_account_lock
Create Date: 2026-11-25 15:20:00

The case list of a province or cooperative, newest first (with or without a status or risk filter), is read in
index order and stops after one page; keyset pagination continues from the last row (docs/benchmarks.md shows the
query plans). On PostgreSQL the name indexes use varchar_pattern_ops so that LIKE 'prefix%' can use them under any
collation (C.UTF-8 and en_US.UTF-8 both refuse a plain index for LIKE) and carry the id (index-only scans);
SQLite searches by range on plain ones. A name search within a province joins on (province_code, person_id).
"""
from alembic import op

revision = '0008_national_scale'
down_revision = '0007_account_lock'
branch_labels = None
depends_on = None

CASE_INDEXES = (("ix_debt_cases_province_id", ["province_code", "id"]),
                ("ix_debt_cases_province_status_id", ["province_code", "status", "id"]),
                ("ix_debt_cases_province_risk_id", ["province_code", "risk_group", "id"]),
                ("ix_debt_cases_province_person", ["province_code", "person_id"]))
# Carried in the index on PostgreSQL (index-only scans); SQLite's indexes hold the rowid, which is the id.
INCLUDES = {"ix_debt_cases_province_person": ["id"]}


def _name_indexes(pattern_ops: bool) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for column in ("first_name", "last_name"):
        op.drop_index(f"ix_people_{column}", table_name="people")
        ops = ({"postgresql_ops": {column: "varchar_pattern_ops"}, "postgresql_include": ["id"]}
               if pattern_ops and postgres else {})
        op.create_index(f"ix_people_{column}", "people", [column], unique=False, **ops)


def upgrade():
    op.drop_index("ix_debt_cases_cooperative_id", table_name="debt_cases")
    op.create_index("ix_debt_cases_cooperative_id", "debt_cases", ["cooperative_id", "id"], unique=False)
    for name, columns in CASE_INDEXES:
        op.create_index(name, "debt_cases", columns, unique=False, postgresql_include=INCLUDES.get(name, []))
    _name_indexes(pattern_ops=True)


def downgrade():
    _name_indexes(pattern_ops=False)
    for name, _columns in CASE_INDEXES:
        op.drop_index(name, table_name="debt_cases")
    op.drop_index("ix_debt_cases_cooperative_id", table_name="debt_cases")
    op.create_index("ix_debt_cases_cooperative_id", "debt_cases", ["cooperative_id"], unique=False)
