"""structured guarantors (issue 20): the free text on debts becomes guarantor rows where it is unambiguous

Each debt names its guarantors by citizen ID and name (domain.md, "After approval" 6; api-v1.md v1.1
debts[].guarantors). Until now debts.guarantors held free text. This revision reads that text into debt_guarantors
rows (the table of 0021) where it is unambiguous, and leaves the rest in debts.guarantors, which the application now
calls guarantors_note. No column changes.

How a note is read (written out here, not imported from the app, so that this revision does the same whatever the
app becomes later):
- the note is split into entries at new lines, ";" and ","; each entry must hold exactly one 13-digit citizen ID
  with a valid check digit (written with dashes or spaces or neither) and, once the ID and brackets or dashes around
  it are taken out, a name of exactly two words, first and last, with an optional title before them: a title of its
  own (นาย สมชาย ใจดี), or run into the first name when only one reading exists (นายสมชาย, นางสมศรี, ดร.สมชาย;
  not นางสาว…, which may be นาง สาวิตรี or นางสาว วิตรี);
- when not every entry reads so, the whole note is tried as one guarantor ("นายสมชาย ใจดี, 3-1001-00123-45-1");
- an entry naming the teacher (no one guarantees their own debt), an entry that does not read, or a note of more than
  ten guarantors stays text; the same ID twice on one debt gives one guarantor;
- when every entry reads, the note is cleared; when some do, the rest stays as the note (entries joined by "; ");
  when none does, the note stays exactly as it was.
The counts are logged; `flask guarantors-report` lists the debts whose notes stayed text (app/services/guarantors.py).

Downgrade writes each debt's guarantors back into the text, before any note left, and deletes the rows.

Revision ID: 0022_structured_guarantors
Revises: 0021_repayments
Create Date: 2026-12-02 10:00:00

"""
import logging
import re

from alembic import op
import sqlalchemy as sa


revision = '0022_structured_guarantors'
down_revision = '0021_repayments'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

BATCH = 1000
MAX_GUARANTORS = 10
TITLES = ("นาย", "นาง", "นางสาว", "น.ส.", "ว่าที่ร้อยตรี", "ว่าที่ร้อยตรีหญิง", "ว่าที่ร.ต.", "ว่าที่ร.ต.หญิง",
          "ดร.", "ผศ.", "รศ.", "ศ.", "ผศ.ดร.", "รศ.ดร.", "ศ.ดร.")
# Run into a first name, a title is read only when no other reading exists: นาง could begin นางสาว, ศ. ends ผศ. and
# รศ., and the acting ranks end in หญิง or not.
GLUED_TITLES = ("นาย", "ดร.", "ผศ.ดร.", "รศ.ดร.", "ศ.ดร.", "ผศ.", "รศ.", "น.ส.")
_ID = re.compile(r"(?<!\d)\d(?:[ -]?\d){12}(?!\d)")
_SPLIT = re.compile(r"[\n;,]")
_AROUND = re.compile(r"[()\[\]:\-–]")  # what may surround an ID: brackets, a colon, dashes

debts = sa.table('debts', sa.column('id'), sa.column('case_id'), sa.column('guarantors'))
guarantors = sa.table('debt_guarantors', *(sa.column(c) for c in (
    'id', 'debt_id', 'position', 'citizen_id', 'title', 'first_name', 'last_name')))


def _valid_id(digits):
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def _name(words):
    """(title, first, last) from the words of a name, or None."""
    title = None
    if len(words) == 3 and words[0] in TITLES:
        title, words = words[0], words[1:]
    elif len(words) == 2 and words[0] not in TITLES:
        glued = next((t for t in GLUED_TITLES if words[0].startswith(t) and len(words[0]) > len(t)), None)
        if glued is None and words[0].startswith("นาง") and not words[0].startswith("นางสาว") and len(words[0]) > 3:
            glued = "นาง"
        if glued:
            title, words = glued, [words[0][len(glued):], words[1]]
        elif any(words[0].startswith(t) for t in TITLES):
            return None  # a title run in with more than one reading (นางสาว…)
    if len(words) != 2 or any(len(w) > 100 or w in TITLES for w in words):
        return None
    if not all(any(ch.isalpha() for ch in w) for w in words):
        return None
    return (title, *words)


def read_entry(text):
    """(citizen_id, title, first, last) when `text` names exactly one guarantor unambiguously, else None."""
    found = _ID.findall(text)
    if len(found) != 1:
        return None
    digits = re.sub(r"\D", "", found[0])
    if not _valid_id(digits):
        return None
    rest = _AROUND.sub(" ", _ID.sub(" ", text, count=1)).split()
    if rest:
        rest[-1] = rest[-1].rstrip(".")  # a sentence's full stop after the last name
    named = _name([w for w in rest if w])
    return (digits, *named) if named else None


def read_note(note, teacher_id):
    """(guarantors, the note left): see the module's docstring."""
    entries = [" ".join(part.split()) for part in _SPLIT.split(note)]
    entries = [e for e in entries if e]
    read = [(e, read_entry(e)) for e in entries]
    if len(entries) > 1 and not all(g for _e, g in read):
        whole = read_entry(" ".join(entries))
        if whole:
            read = [(note, whole)]
    found, left, seen = [], [], set()
    for entry, guarantor in read:
        if guarantor is None or guarantor[0] == teacher_id:
            left.append(entry)
        elif guarantor[0] not in seen:
            seen.add(guarantor[0])
            found.append(guarantor)
    if len(found) > MAX_GUARANTORS or not found:
        return [], note
    return found, ("; ".join(left) or None)


def upgrade():
    conn = op.get_bind()
    stmt = sa.text(
        "SELECT d.id, d.guarantors, p.citizen_id FROM debts d JOIN debt_cases c ON c.id = d.case_id "
        "JOIN people p ON p.id = c.person_id WHERE d.guarantors IS NOT NULL AND d.guarantors <> '' "
        "AND NOT EXISTS (SELECT 1 FROM debt_guarantors g WHERE g.debt_id = d.id) AND d.id > :after "
        "ORDER BY d.id LIMIT :n")
    notes = whole = partly = rows = 0
    after = 0
    while True:
        batch = conn.execute(stmt, {"after": after, "n": BATCH}).all()
        if not batch:
            break
        after = batch[-1][0]
        inserts, updates = [], []
        for debt_id, note, teacher_id in batch:
            notes += 1
            found, left = read_note(note, teacher_id)
            if not found:
                continue
            whole, partly = whole + (left is None), partly + (left is not None)
            inserts += [{"debt_id": debt_id, "position": i, "citizen_id": g[0], "title": g[1], "first_name": g[2],
                         "last_name": g[3]} for i, g in enumerate(found)]
            updates.append({"debt_id": debt_id, "note": left})
        if inserts:
            conn.execute(guarantors.insert(), inserts)
            rows += len(inserts)
        if updates:
            conn.execute(debts.update().where(debts.c.id == sa.bindparam("debt_id"))
                         .values(guarantors=sa.bindparam("note")), updates)
    log.info("0022 guarantors: %d debts had a note; %d read whole, %d in part (%d guarantors written); %d still "
             "hold text (flask guarantors-report lists them)", notes, whole, partly, rows, notes - whole)


def downgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT g.debt_id, g.citizen_id, g.title, g.first_name, g.last_name, d.guarantors FROM debt_guarantors g "
        "JOIN debts d ON d.id = g.debt_id ORDER BY g.debt_id, g.position, g.id")).all()
    text = {}
    for debt_id, citizen_id, title, first, last, note in rows:
        lines, _note = text.setdefault(debt_id, ([], note))
        lines.append(" ".join(p for p in (citizen_id, title, first, last) if p))
    if text:
        conn.execute(debts.update().where(debts.c.id == sa.bindparam("debt_id"))
                     .values(guarantors=sa.bindparam("note")),
                     [{"debt_id": debt_id, "note": "; ".join(lines + ([note] if note else []))}
                      for debt_id, (lines, note) in text.items()])
    conn.execute(guarantors.delete())
