"""job engine (issue 16): claim tokens on job rows, batch chunks, background jobs, e-mailed notices

Revision ID: 0013_job_engine
Revises: 0012_stored_files
Create Date: 2026-12-01 11:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013_job_engine'
down_revision = '0012_stored_files'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('background_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('slot', sa.String(length=16), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('file_key', sa.String(length=255), nullable=True),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('org_path', sa.String(length=255), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_background_jobs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_background_jobs')),
    sa.UniqueConstraint('kind', 'slot', name=op.f('uq_background_jobs_kind'))
    )
    with op.batch_alter_table('background_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_background_jobs_requested_by', ['requested_by_id'], unique=False)

    op.create_table('letter_batch_chunks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('case_ids', sa.JSON(), nullable=False),
    sa.Column('drafts', sa.JSON(), nullable=True),
    sa.Column('skipped', sa.JSON(), nullable=False),
    sa.Column('first', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('rendered', sa.Integer(), nullable=False),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['letter_batches.id'], name=op.f('fk_letter_batch_chunks_batch_id_letter_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_batch_chunks')),
    sa.UniqueConstraint('batch_id', 'position', name=op.f('uq_letter_batch_chunks_batch_id'))
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('letter_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chunks_total', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('emailed_at', sa.DateTime(), nullable=True))

    # A batch or an import left running by the old in-process runner has no worker now: it ends failed, and its page
    # offers "try again" (a batch whose letters were numbered is only printed again).
    op.execute("UPDATE letter_batches SET status = 'failed', error = 'Stopped by an upgrade: try again.' "
               "WHERE status NOT IN ('done', 'failed')")
    op.execute("UPDATE import_jobs SET status = 'failed', failure = 'Stopped by an upgrade: upload the file again.' "
               "WHERE status IN ('checking', 'importing')")



def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('emailed_at')

    with op.batch_alter_table('letter_batches', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('claim_token')
        batch_op.drop_column('chunks_total')

    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('claim_token')

    op.drop_table('letter_batch_chunks')
    with op.batch_alter_table('background_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_background_jobs_requested_by')

    op.drop_table('background_jobs')
