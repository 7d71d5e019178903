"""workflow: transitions, approval snapshots, notifications

Revision ID: 8ebbca147261
Revises: 0002_debt_cases
Create Date: 2026-11-25 10:25:06.367800

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_workflow'
down_revision = '0002_debt_cases'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('case_transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_type', sa.String(length=16), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=False),
    sa.Column('to_state', sa.String(length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('actor_username', sa.String(length=64), nullable=False),
    sa.Column('actor_role', sa.String(length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('resolution_no', sa.String(length=100), nullable=True),
    sa.Column('org_path', sa.String(length=255), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_transitions_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_transitions'))
    )
    with op.batch_alter_table('case_transitions', schema=None) as batch_op:
        batch_op.create_index('ix_case_transitions_case', ['case_type', 'case_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('link', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)

    op.create_table('case_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_type', sa.String(length=16), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('transition_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['transition_id'], ['case_transitions.id'], name=op.f('fk_case_snapshots_transition_id_case_transitions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_snapshots'))
    )
    with op.batch_alter_table('case_snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_case_snapshots_case', ['case_type', 'case_id'], unique=False)

    with op.batch_alter_table('debt_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_by_id', sa.Integer(), nullable=True))
        # existing cases count their waiting time from the upgrade
        batch_op.add_column(sa.Column('status_since', sa.DateTime(), nullable=False, server_default=sa.func.now()))
        batch_op.create_foreign_key(batch_op.f('fk_debt_cases_submitted_by_id_users'), 'users', ['submitted_by_id'], ['id'])




def downgrade():

    with op.batch_alter_table('debt_cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_debt_cases_submitted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('status_since')
        batch_op.drop_column('submitted_by_id')

    with op.batch_alter_table('case_snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_case_snapshots_case')

    op.drop_table('case_snapshots')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_read')

    op.drop_table('notifications')
    with op.batch_alter_table('case_transitions', schema=None) as batch_op:
        batch_op.drop_index('ix_case_transitions_case')

    op.drop_table('case_transitions')

