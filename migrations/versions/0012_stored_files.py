"""stored_files: files kept in the database, for servers that share no folder (issue 16)

Revision ID: 0012_stored_files
Revises: 0011_rate_limits
Create Date: 2026-12-01 09:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_stored_files'
down_revision = '0011_rate_limits'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_files',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_files')),
    )
    op.create_table(
        'stored_file_chunks',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['key'], ['stored_files.key'], name=op.f('fk_stored_file_chunks_key_stored_files'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('key', 'seq', name=op.f('pk_stored_file_chunks')),
    )


def downgrade():
    op.drop_table('stored_file_chunks')
    op.drop_table('stored_files')
