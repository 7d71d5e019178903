"""the name index holds the last name too (issue 21 point 6, the search box at a million cases)

A search for "first last" (or "นางรัตนา บุญมาก" with its title) reads the first name's range in the index and
checks the last name of each entry. With the first name alone in the index that check read each person's row: a
first name shared by 20,000 people cost 20,000 row reads (9–21 ms). ix_people_full_name (first_name, last_name)
answers the check in the index. It leads with the first name, so it serves every first-name search that
ix_people_first_name served, which it replaces. On PostgreSQL both columns use varchar_pattern_ops and carry the id,
as 0008 made the single-column indexes (LIKE 'prefix%' under any collation, index-only scans).

Revision ID: 0025_people_full_name
Revises: 0024_debt_attachments
Create Date: 2026-12-02 16:00:00

"""
from alembic import op

revision = '0025_people_full_name'
down_revision = '0024_debt_attachments'
branch_labels = None
depends_on = None


def _postgres_options(columns: list[str]) -> dict:
    if op.get_bind().dialect.name != "postgresql":
        return {}
    return {"postgresql_ops": dict.fromkeys(columns, "varchar_pattern_ops"), "postgresql_include": ["id"]}


def upgrade():
    columns = ["first_name", "last_name"]
    op.create_index("ix_people_full_name", "people", columns, unique=False, **_postgres_options(columns))
    op.drop_index("ix_people_first_name", table_name="people")


def downgrade():
    op.create_index("ix_people_first_name", "people", ["first_name"], unique=False,
                    **_postgres_options(["first_name"]))
    op.drop_index("ix_people_full_name", table_name="people")
