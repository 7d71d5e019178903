"""debt case attachments (issue 21 point 8): salary slips, creditors' statements, agreements

The approver asked to see the documents behind a debt case's figures. debt_attachments holds one row per file, as
relief_evidence does (0004): the name the uploader gave, the random name it is stored under (app/storage.py, key
"debt-attachments/<stored_name>"), its checked type, size and SHA-256, who uploaded it and when. A file may be about
one debt of the case (a creditor's statement); a debt removed from the case sets that to NULL, the file stays. The
files themselves are not in this table: they are in the file storage (the instance folder, or stored_files of 0012).

A new table only: plain CREATE TABLE on both databases, nothing to rebuild on SQLite, no trigger to touch.

Revision ID: 0024_debt_attachments
Revises: 0023_repayment_totals
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0024_debt_attachments'
down_revision = '0023_repayment_totals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'debt_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('debt_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['debt_cases.id'], name=op.f('fk_debt_attachments_case_id_debt_cases'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['debt_id'], ['debts.id'], name=op.f('fk_debt_attachments_debt_id_debts'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_debt_attachments_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_debt_attachments')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_debt_attachments_stored_name')),
    )
    # the case page lists a case's files in the order they came
    op.create_index('ix_debt_attachments_case', 'debt_attachments', ['case_id', 'id'])


def downgrade():
    op.drop_index('ix_debt_attachments_case', table_name='debt_attachments')
    op.drop_table('debt_attachments')
