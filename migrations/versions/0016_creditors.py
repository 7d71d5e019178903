"""creditors on file (issue 18): debts point at creditors; free-text debts migrated with a report

Creditors are organisations on file (type, name, branch, address, who letters are addressed to), not free text;
the issuing cooperative is itself a creditor on file (domain.md, "After approval" 1; api-v1.md v1.1 "Creditors").

Data: every cooperative of the org tree becomes a creditor (org_unit_id set, addressee "ผู้จัดการ", the unit's
address); then each distinct typed creditor name of the existing debts is matched to a creditor on file by its
normalised name (white space collapsed, case folded; a trailing "(...)" such as "(เงินกู้สามัญ)" or "(ช.พ.ค.)" is
tried without it), or becomes a new creditor with source 'free_text'. Every debt then points at its creditor; the
debts keep their typed names. `flask creditors-report` lists the debts whose creditor was created from typed text
or matched with another spelling, for an officer to check (app/services/creditors.py, report()).

The matching is written out here, not imported from the app, so that this revision does the same whatever the app
becomes later.

Revision ID: 0016_creditors
Revises: 0015_relief_funeral_property
Create Date: 2026-12-01 15:20:00

"""
import re
import unicodedata
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0016_creditors'
down_revision = '0015_relief_funeral_property'
branch_labels = None
depends_on = None

ADDRESSEE = "ผู้จัดการ"  # a cooperative's letters go to its manager (ผู้จัดการสหกรณ์…)
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


def _clean(text):
    text = "".join(ch for ch in (text or "") if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf"))
    return " ".join(unicodedata.normalize("NFC", text).split())


def _key(name, branch=None):
    return f"{_clean(name).casefold()}|{_clean(branch).casefold()}"


def upgrade():
    op.create_table('creditors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('creditor_type', sa.String(length=32), nullable=False),
    sa.Column('branch', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('addressee', sa.String(length=200), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('match_key', sa.String(length=420), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_creditors_org_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creditors')),
    sa.UniqueConstraint('match_key', name=op.f('uq_creditors_match_key')),
    sa.UniqueConstraint('org_unit_id', name=op.f('uq_creditors_org_unit_id'))
    )
    with op.batch_alter_table('creditors', schema=None) as batch_op:
        batch_op.create_index('ix_creditors_creditor_type', ['creditor_type'], unique=False)
    with op.batch_alter_table('debts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('creditor_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_debts_creditor_id'), ['creditor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_debts_creditor_id_creditors'), 'creditors', ['creditor_id'],
                                    ['id'])
    _migrate_debts(op.get_bind())


def _migrate_debts(conn):
    creditors = sa.table('creditors', *(sa.column(c) for c in (
        'id', 'name', 'creditor_type', 'branch', 'address', 'addressee', 'org_unit_id', 'match_key', 'source',
        'active', 'created_at')))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    on_file = {}  # match key -> (id, creditor_type)

    def add(name, creditor_type, address, org_unit_id, source):
        key = _key(name)
        conn.execute(creditors.insert().values(
            name=_clean(name)[:200], creditor_type=creditor_type, branch=None, address=address, addressee=ADDRESSEE,
            org_unit_id=org_unit_id, match_key=key, source=source, active=True, created_at=now))
        on_file[key] = (conn.execute(sa.select(creditors.c.id).where(creditors.c.match_key == key)).scalar_one(),
                        creditor_type)
        return on_file[key][0]

    units = conn.execute(sa.text(
        "SELECT id, name, address FROM org_units WHERE kind = 'cooperative' ORDER BY id")).all()
    for unit_id, name, address in units:
        if _key(name) not in on_file:  # two units of one name: the first keeps it (admins rename the other)
            add(name, 'cooperative', address, unit_id, 'org_tree')
    typed = conn.execute(sa.text(
        "SELECT DISTINCT creditor_name, creditor_type FROM debts ORDER BY creditor_name, creditor_type")).all()
    for name, creditor_type in typed:
        creditor_id = _match(on_file, name, creditor_type)
        if creditor_id is None:
            creditor_id = add(name, creditor_type, None, None, 'free_text')
        conn.execute(sa.text("UPDATE debts SET creditor_id = :c WHERE creditor_name = :n AND creditor_type = :t"),
                     {"c": creditor_id, "n": name, "t": creditor_type})


def _match(on_file, name, creditor_type):
    """The same name (normalised) is the same lender whatever type was typed (one record per lender); the name
    without a trailing note matches only a creditor of the typed type."""
    found = on_file.get(_key(name))
    if found:
        return found[0]
    bare = _TRAILING_NOTE.sub("", _clean(name))
    found = on_file.get(_key(bare)) if bare and bare != _clean(name) else None
    return found[0] if found and found[1] == creditor_type else None


def downgrade():
    with op.batch_alter_table('debts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_debts_creditor_id_creditors'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_debts_creditor_id'))
        batch_op.drop_column('creditor_id')
    with op.batch_alter_table('creditors', schema=None) as batch_op:
        batch_op.drop_index('ix_creditors_creditor_type')
    op.drop_table('creditors')
