"""after approval (issue 19): creditor answers, payoffs, activation, deduction lines

Revision ID: 0019_after_approval
Revises: 0018_letter_emblems
Create Date: 2026-12-01 19:00:00

debt_cases gains the plan version and the days of each step after approval (domain.md, "After approval" 1–3), and
debts the day they were paid off. The columns are added with ALTER TABLE ADD COLUMN on both databases (no foreign
keys on debt_cases), so SQLite does not rebuild debt_cases and the rollup triggers of 0014 stay as they are; none of
the new columns is one the triggers watch.
"""
from alembic import op
import sqlalchemy as sa


revision = '0019_after_approval'
down_revision = '0018_letter_emblems'
branch_labels = None
depends_on = None

CASE_DAYS = ('approved_on', 'answered_on', 'paid_off_on', 'agreement_signed_on', 'first_due_month')


def upgrade():
    op.add_column('debt_cases', sa.Column('plan_version', sa.Integer(), nullable=False, server_default='1'))
    for name in CASE_DAYS:
        op.add_column('debt_cases', sa.Column(name, sa.Date(), nullable=True))
    op.add_column('debts', sa.Column('closed_on', sa.Date(), nullable=True))
    # Cases approved before this change: their approval day, from the approving transition (Bangkok time).
    day = ("date(t.occurred_at, '+7 hours')" if op.get_bind().dialect.name == 'sqlite'
           else "CAST(t.occurred_at + interval '7 hours' AS date)")
    op.execute("UPDATE debt_cases SET approved_on = (SELECT " + day + " FROM case_transitions t "
               "WHERE t.case_type = 'debt' AND t.case_id = debt_cases.id AND t.to_state = 'approved' "
               "ORDER BY t.id DESC LIMIT 1) WHERE status IN ('approved', 'active', 'closed')")

    op.create_table(
        'creditor_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('debt_id', sa.Integer(), nullable=False),
        sa.Column('plan_version', sa.Integer(), nullable=False),
        sa.Column('response', sa.String(length=16), nullable=False),
        sa.Column('responded_on', sa.Date(), nullable=False),
        sa.Column('reference', sa.String(length=100), nullable=True),
        sa.Column('payoff_amount', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column('payoff_valid_until', sa.Date(), nullable=True),
        sa.Column('counter_annual_rate', sa.Numeric(precision=7, scale=4), nullable=True),
        sa.Column('counter_term_months', sa.Integer(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('scan_key', sa.String(length=200), nullable=True),
        sa.Column('scan_filename', sa.String(length=200), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['debt_cases.id'], name=op.f('fk_creditor_responses_case_id_debt_cases'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['debt_id'], ['debts.id'], name=op.f('fk_creditor_responses_debt_id_debts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_creditor_responses_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_creditor_responses')),
    )
    op.create_index('ix_creditor_responses_case', 'creditor_responses', ['case_id', 'plan_version', 'debt_id'])

    op.create_table(
        'debt_payoffs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('debt_id', sa.Integer(), nullable=False),
        sa.Column('plan_version', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=False),
        sa.Column('reference', sa.String(length=100), nullable=True),
        sa.Column('difference_reason', sa.Text(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['debt_cases.id'], name=op.f('fk_debt_payoffs_case_id_debt_cases'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['debt_id'], ['debts.id'], name=op.f('fk_debt_payoffs_debt_id_debts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['response_id'], ['creditor_responses.id'],
                                name=op.f('fk_debt_payoffs_response_id_creditor_responses')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_debt_payoffs_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_debt_payoffs')),
        sa.UniqueConstraint('debt_id', 'plan_version', name='uq_debt_payoffs_debt_version'),
    )
    op.create_index('ix_debt_payoffs_case', 'debt_payoffs', ['case_id', 'plan_version'])

    op.create_table(
        'deduction_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('plan_version', sa.Integer(), nullable=False),
        sa.Column('paying_unit_id', sa.Integer(), nullable=True),
        sa.Column('province_code', sa.String(length=2), nullable=True),
        sa.Column('part', sa.String(length=20), nullable=False),
        sa.Column('creditor', sa.String(length=200), nullable=False),
        sa.Column('legal_order', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('from_month', sa.Date(), nullable=False),
        sa.Column('to_month', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['debt_cases.id'], name=op.f('fk_deduction_lines_case_id_debt_cases'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['paying_unit_id'], ['org_units.id'],
                                name=op.f('fk_deduction_lines_paying_unit_id_org_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deduction_lines')),
    )
    op.create_index('ix_deduction_lines_case', 'deduction_lines', ['case_id'])
    op.create_index('ix_deduction_lines_unit_month', 'deduction_lines', ['paying_unit_id', 'to_month', 'from_month'])
    op.create_index('ix_deduction_lines_province_month', 'deduction_lines',
                    ['province_code', 'to_month', 'from_month'])


def downgrade():
    op.drop_table('deduction_lines')
    op.drop_table('debt_payoffs')
    op.drop_table('creditor_responses')
    with op.batch_alter_table('debts') as batch_op:
        batch_op.drop_column('closed_on')
    # Dropping columns makes SQLite rebuild debt_cases, which drops its triggers; the rollup is then out of date
    # until 0014's triggers are created again, so a downgrade below 0019 is for development databases only.
    for name in ('plan_version',) + CASE_DAYS:
        op.drop_column('debt_cases', name)
