"""letterheads (issue 18): the emblem image of each unit

Revision ID: 0018_letter_emblems
Revises: 0017_letter_signing
Create Date: 2026-12-01 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018_letter_emblems'
down_revision = '0017_letter_signing'
branch_labels = None
depends_on = None


def upgrade():
    # The storage key of the emblem an administrator uploaded for the unit (app/services/org.py set_emblem).
    with op.batch_alter_table('org_units') as batch_op:
        batch_op.add_column(sa.Column('emblem_key', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('org_units') as batch_op:
        batch_op.drop_column('emblem_key')
