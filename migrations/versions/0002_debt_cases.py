"""person registry, debt cases, debts, deductions, plans, settings

Revision ID: 97e67f02df95
Revises: 0001_foundation
Create Date: 2026-11-25 09:52:48.095068

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_debt_cases'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.String(length=13), nullable=False),
    sa.Column('title', sa.String(length=40), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('workplace', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('citizen_id', name=op.f('uq_people_citizen_id'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_first_name'), ['first_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_last_name'), ['last_name'], unique=False)

    op.create_table('debt_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('org_path', sa.String(length=255), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=True),
    sa.Column('monthly_salary', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('monthly_allowances', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('non_debt_deductions', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('debt_service', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('total_outstanding', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('net_income', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('ratio', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('meets_floor', sa.Boolean(), nullable=False),
    sa.Column('risk_group', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['org_units.id'], name=op.f('fk_debt_cases_cooperative_id_org_units')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_debt_cases_created_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_debt_cases_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debt_cases')),
    sa.UniqueConstraint('reference', name=op.f('uq_debt_cases_reference'))
    )
    with op.batch_alter_table('debt_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debt_cases_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index('ix_debt_cases_org_path', ['org_path'], unique=False)
        batch_op.create_index(batch_op.f('ix_debt_cases_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_debt_cases_risk_group', ['risk_group'], unique=False)
        batch_op.create_index('ix_debt_cases_status', ['status'], unique=False)

    op.create_table('setting_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_setting_values_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_setting_values'))
    )
    with op.batch_alter_table('setting_values', schema=None) as batch_op:
        batch_op.create_index('ix_setting_values_key_from', ['key', 'effective_from'], unique=False)

    op.create_table('debt_case_deductions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=True),
    sa.Column('monthly_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['debt_cases.id'], name=op.f('fk_debt_case_deductions_case_id_debt_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debt_case_deductions'))
    )
    with op.batch_alter_table('debt_case_deductions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debt_case_deductions_case_id'), ['case_id'], unique=False)

    op.create_table('debt_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('interest_saved', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('meets_floor', sa.Boolean(), nullable=False),
    sa.Column('chosen', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['debt_cases.id'], name=op.f('fk_debt_plans_case_id_debt_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_debt_plans_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debt_plans'))
    )
    with op.batch_alter_table('debt_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debt_plans_case_id'), ['case_id'], unique=False)

    op.create_table('debts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('creditor_name', sa.String(length=200), nullable=False),
    sa.Column('creditor_type', sa.String(length=32), nullable=False),
    sa.Column('outstanding', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('annual_rate', sa.Numeric(precision=7, scale=4), nullable=False),
    sa.Column('monthly_payment', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('remaining_months', sa.Integer(), nullable=False),
    sa.Column('salary_deducted', sa.Boolean(), nullable=False),
    sa.Column('legal_status', sa.String(length=16), nullable=False),
    sa.Column('guarantors', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['debt_cases.id'], name=op.f('fk_debts_case_id_debt_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debts'))
    )
    with op.batch_alter_table('debts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debts_case_id'), ['case_id'], unique=False)




def downgrade():

    with op.batch_alter_table('debts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_debts_case_id'))

    op.drop_table('debts')
    with op.batch_alter_table('debt_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_debt_plans_case_id'))

    op.drop_table('debt_plans')
    with op.batch_alter_table('debt_case_deductions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_debt_case_deductions_case_id'))

    op.drop_table('debt_case_deductions')
    with op.batch_alter_table('setting_values', schema=None) as batch_op:
        batch_op.drop_index('ix_setting_values_key_from')

    op.drop_table('setting_values')
    with op.batch_alter_table('debt_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_debt_cases_status')
        batch_op.drop_index('ix_debt_cases_risk_group')
        batch_op.drop_index(batch_op.f('ix_debt_cases_person_id'))
        batch_op.drop_index('ix_debt_cases_org_path')
        batch_op.drop_index(batch_op.f('ix_debt_cases_cooperative_id'))

    op.drop_table('debt_cases')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_last_name'))
        batch_op.drop_index(batch_op.f('ix_people_first_name'))

    op.drop_table('people')

