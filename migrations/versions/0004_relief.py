"""relief cases: incidents, beneficiaries, entitlement rules, entitlements, evidence, payments

Revision ID: c1b97cf38212
Revises: 0003_workflow
Create Date: 2026-11-25 10:48:38.090930

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_relief'
down_revision = '0003_workflow'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('entitlement_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('programme', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('harms', sa.JSON(), nullable=False),
    sa.Column('employment_types', sa.JSON(), nullable=True),
    sa.Column('recipient', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('rates', sa.JSON(), nullable=False),
    sa.Column('end_age', sa.Integer(), nullable=True),
    sa.Column('until_bachelor', sa.Boolean(), nullable=False),
    sa.Column('offset_codes', sa.JSON(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entitlement_rules'))
    )
    with op.batch_alter_table('entitlement_rules', schema=None) as batch_op:
        batch_op.create_index('ix_entitlement_rules_code_from', ['code', 'effective_from'], unique=False)

    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('police_report_no', sa.String(length=100), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents'))
    )
    op.create_table('relief_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('victim_id', sa.Integer(), nullable=False),
    sa.Column('employment_type', sa.String(length=32), nullable=False),
    sa.Column('workplace', sa.String(length=200), nullable=True),
    sa.Column('harm', sa.String(length=32), nullable=False),
    sa.Column('split_method', sa.String(length=16), nullable=False),
    sa.Column('org_path', sa.String(length=255), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('status_since', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_relief_cases_created_by_id_users')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_relief_cases_incident_id_incidents')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_relief_cases_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['victim_id'], ['people.id'], name=op.f('fk_relief_cases_victim_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relief_cases')),
    sa.UniqueConstraint('reference', name=op.f('uq_relief_cases_reference'))
    )
    with op.batch_alter_table('relief_cases', schema=None) as batch_op:
        batch_op.create_index('ix_relief_cases_org_path', ['org_path'], unique=False)
        batch_op.create_index('ix_relief_cases_status', ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_relief_cases_victim_id'), ['victim_id'], unique=False)

    op.create_table('relief_beneficiaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('relationship', sa.String(length=16), nullable=False),
    sa.Column('education_level', sa.String(length=20), nullable=True),
    sa.Column('bank_account', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['relief_cases.id'], name=op.f('fk_relief_beneficiaries_case_id_relief_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_relief_beneficiaries_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relief_beneficiaries'))
    )
    with op.batch_alter_table('relief_beneficiaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relief_beneficiaries_case_id'), ['case_id'], unique=False)

    op.create_table('relief_entitlements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('offset', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('rule_snapshot', sa.JSON(), nullable=False),
    sa.Column('shares', sa.JSON(), nullable=False),
    sa.Column('schedule', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['relief_cases.id'], name=op.f('fk_relief_entitlements_case_id_relief_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['entitlement_rules.id'], name=op.f('fk_relief_entitlements_rule_id_entitlement_rules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relief_entitlements'))
    )
    with op.batch_alter_table('relief_entitlements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relief_entitlements_case_id'), ['case_id'], unique=False)

    op.create_table('relief_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['relief_cases.id'], name=op.f('fk_relief_evidence_case_id_relief_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_relief_evidence_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relief_evidence')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_relief_evidence_stored_name'))
    )
    with op.batch_alter_table('relief_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relief_evidence_case_id'), ['case_id'], unique=False)

    op.create_table('continuation_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entitlement_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('enrolled', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_continuation_checks_checked_by_id_users')),
    sa.ForeignKeyConstraint(['entitlement_id'], ['relief_entitlements.id'], name=op.f('fk_continuation_checks_entitlement_id_relief_entitlements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_continuation_checks_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_continuation_checks'))
    )
    with op.batch_alter_table('continuation_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_continuation_checks_entitlement_id'), ['entitlement_id'], unique=False)

    op.create_table('relief_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('entitlement_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('period', sa.String(length=8), nullable=True),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['relief_cases.id'], name=op.f('fk_relief_payments_case_id_relief_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_relief_payments_created_by_id_users')),
    sa.ForeignKeyConstraint(['entitlement_id'], ['relief_entitlements.id'], name=op.f('fk_relief_payments_entitlement_id_relief_entitlements')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_relief_payments_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relief_payments'))
    )
    with op.batch_alter_table('relief_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relief_payments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relief_payments_entitlement_id'), ['entitlement_id'], unique=False)




def downgrade():

    with op.batch_alter_table('relief_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relief_payments_entitlement_id'))
        batch_op.drop_index(batch_op.f('ix_relief_payments_case_id'))

    op.drop_table('relief_payments')
    with op.batch_alter_table('continuation_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_continuation_checks_entitlement_id'))

    op.drop_table('continuation_checks')
    with op.batch_alter_table('relief_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relief_evidence_case_id'))

    op.drop_table('relief_evidence')
    with op.batch_alter_table('relief_entitlements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relief_entitlements_case_id'))

    op.drop_table('relief_entitlements')
    with op.batch_alter_table('relief_beneficiaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relief_beneficiaries_case_id'))

    op.drop_table('relief_beneficiaries')
    with op.batch_alter_table('relief_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relief_cases_victim_id'))
        batch_op.drop_index('ix_relief_cases_status')
        batch_op.drop_index('ix_relief_cases_org_path')

    op.drop_table('relief_cases')
    op.drop_table('incidents')
    with op.batch_alter_table('entitlement_rules', schema=None) as batch_op:
        batch_op.drop_index('ix_entitlement_rules_code_from')

    op.drop_table('entitlement_rules')

