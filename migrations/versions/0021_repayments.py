"""after approval, part 2 (issue 20): repayments, delinquency and its history, the repayment report's months, guarantors

Revision ID: 0021_repayments
Revises: 0020_funnel_index
Create Date: 2026-12-01 21:40:00

- deduction_lines.instalment marks the runs of the approved schedules (the new loan and each rescheduled debt): the
  case's instalments (domain.md, "After approval" 4). Runs written before this change are marked from the case's
  approval snapshot, as deduction_lines.plan_runs marks them now.
- case_transitions.actor_id becomes nullable: the daily sweep closes a case that has paid everything by itself.
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0021_repayments'
down_revision = '0020_funnel_index'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)


def upgrade():
    op.add_column('deduction_lines', sa.Column('instalment', sa.Boolean(), nullable=False,
                                               server_default=sa.false()))
    _mark_instalments()
    with op.batch_alter_table('case_transitions') as batch:
        batch.alter_column('actor_id', existing_type=sa.Integer(), nullable=True)

    op.create_table(
        'repayments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(100), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('plan_version', sa.Integer(), nullable=False),
        sa.Column('part', sa.String(20), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('amount', MONEY, nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=False),
        sa.Column('source', sa.String(8), nullable=False),
        sa.Column('batch', sa.String(32), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['debt_cases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('reference'),
    )
    op.create_index('ix_repayments_case', 'repayments', ['case_id', 'plan_version', 'part'])
    op.create_index('ix_repayments_month', 'repayments', ['month'])

    op.create_table(
        'case_delinquency',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('cooperative_id', sa.Integer(), nullable=False),
        sa.Column('province_code', sa.String(2), nullable=True),
        sa.Column('bucket', sa.String(8), nullable=False),
        sa.Column('oldest_unpaid_due', sa.Date(), nullable=True),
        sa.Column('days_past_due', sa.Integer(), nullable=False),
        sa.Column('amount_overdue', MONEY, nullable=False),
        sa.Column('since', sa.Date(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('needs_restructuring', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['debt_cases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['cooperative_id'], ['org_units.id']),
        sa.PrimaryKeyConstraint('case_id'),
    )
    op.create_index('ix_case_delinquency_bucket', 'case_delinquency', ['province_code', 'bucket', 'cooperative_id'])

    op.create_table(
        'delinquency_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('bucket', sa.String(8), nullable=False),
        sa.Column('from_day', sa.Date(), nullable=False),
        sa.Column('to_day', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['debt_cases.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_delinquency_history_case', 'delinquency_history', ['case_id', 'from_day'])

    op.create_table(
        'repayment_months',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('cooperative_id', sa.Integer(), nullable=False),
        sa.Column('province_code', sa.String(2), nullable=True),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in (
            'active_cases', 'due_cases', 'on_time_cases')],
        sa.Column('amount_due', MONEY, nullable=False),
        sa.Column('amount_collected', MONEY, nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in (
            'bucket_current', 'bucket_1_30', 'bucket_31_60', 'bucket_61_90', 'bucket_90_plus')],
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['cooperative_id'], ['org_units.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('month', 'cooperative_id', name='uq_repayment_months_month_unit'),
    )
    op.create_index('ix_repayment_months_province', 'repayment_months', ['province_code', 'month'])

    op.create_table(
        'debt_guarantors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('debt_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('citizen_id', sa.String(13), nullable=False),
        sa.Column('title', sa.String(50), nullable=True),
        sa.Column('first_name', sa.String(100), nullable=False),
        sa.Column('last_name', sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(['debt_id'], ['debts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_debt_guarantors_debt', 'debt_guarantors', ['debt_id', 'position'])
    op.create_index('ix_debt_guarantors_citizen', 'debt_guarantors', ['citizen_id'])


def _mark_instalments():
    """Runs written before this change: the new loan's, and each debt the approval snapshot reschedules."""
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE deduction_lines SET instalment = :yes WHERE part = 'new_loan'"), {"yes": True})
    cases = [row[0] for row in bind.execute(sa.text(
        "SELECT DISTINCT case_id FROM deduction_lines WHERE part <> 'new_loan'"))]
    for case_id in cases:
        data = bind.execute(sa.text(
            "SELECT data FROM case_snapshots WHERE case_type = 'debt' AND case_id = :c ORDER BY id DESC LIMIT 1"),
            {"c": case_id}).scalar()
        if isinstance(data, str):
            data = json.loads(data)
        parts = [str(row["debt_id"]) for row in ((data or {}).get("chosen_plan") or {}).get("rescheduled", [])]
        if parts:
            bind.execute(sa.text("UPDATE deduction_lines SET instalment = :yes WHERE case_id = :c AND part IN :parts")
                         .bindparams(sa.bindparam("parts", expanding=True)), {"yes": True, "c": case_id, "parts": parts})


def downgrade():
    op.drop_index('ix_debt_guarantors_citizen', table_name='debt_guarantors')
    op.drop_index('ix_debt_guarantors_debt', table_name='debt_guarantors')
    op.drop_table('debt_guarantors')
    op.drop_index('ix_repayment_months_province', table_name='repayment_months')
    op.drop_table('repayment_months')
    op.drop_index('ix_delinquency_history_case', table_name='delinquency_history')
    op.drop_table('delinquency_history')
    op.drop_index('ix_case_delinquency_bucket', table_name='case_delinquency')
    op.drop_table('case_delinquency')
    op.drop_index('ix_repayments_month', table_name='repayments')
    op.drop_index('ix_repayments_case', table_name='repayments')
    op.drop_table('repayments')
    with op.batch_alter_table('case_transitions') as batch:
        batch.alter_column('actor_id', existing_type=sa.Integer(), nullable=False)
    op.drop_column('deduction_lines', 'instalment')
