"""relief rules (issue 17): funeral-welfare membership of the victim, property-damage rules

The victim's membership of the ช.พ.ค. and ช.พ.ส. funeral-welfare funds (two flags on the case, domain.md "Relief
cases"); a rule may require one (entitlement_rules.membership); and a case keeps the notes of what it could not
compute yet (a rule whose amount an administrator has not set, no rule for property damage). The rules themselves
(with no amount) are seed data: `flask seed-reference` adds the missing ones (app/services/relief_rules.py).

Revision ID: 0015_relief_funeral_property
Revises: 0014_retired_teachers
Create Date: 2026-12-01 14:51:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015_relief_funeral_property'
down_revision = '0014_retired_teachers'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('relief_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chpk_member', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('chps_member', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('entitlement_notes', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('entitlement_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('membership', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('entitlement_rules', schema=None) as batch_op:
        batch_op.drop_column('membership')
    with op.batch_alter_table('relief_cases', schema=None) as batch_op:
        batch_op.drop_column('entitlement_notes')
        batch_op.drop_column('chps_member')
        batch_op.drop_column('chpk_member')
