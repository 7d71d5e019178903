"""the funnel after approval (issue 19): a partial covering index for the dashboard's funnel

Revision ID: 0020_funnel_index
Revises: 0019_after_approval
Create Date: 2026-12-01 19:10:00

services/funnel.py counts the cases past approval per unit, step and day: one GROUP BY per step reading the scope
(province code, cooperative, path), the status and the four funnel days. This index holds exactly those columns for
the cases with an approval day only (the others never enter the funnel), so each step is read from the index alone
and never from the wide case rows: measured on 100,000 approved cases on SQLite, 2.2 s → 0.8 s for the nation.
"""
from alembic import op
import sqlalchemy as sa


revision = '0020_funnel_index'
down_revision = '0019_after_approval'
branch_labels = None
depends_on = None

COLUMNS = ['province_code', 'cooperative_id', 'org_path', 'status', 'approved_on', 'answered_on', 'paid_off_on',
           'agreement_signed_on']


def upgrade():
    op.create_index('ix_debt_cases_funnel', 'debt_cases', COLUMNS,
                    sqlite_where=sa.text('approved_on IS NOT NULL'),
                    postgresql_where=sa.text('approved_on IS NOT NULL'))


def downgrade():
    op.drop_index('ix_debt_cases_funnel', table_name='debt_cases')
