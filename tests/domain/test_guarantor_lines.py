"""Typed guarantors (issue 20; app/domain/guarantors.py): "ID [title] first last", read strictly; and how migration
0022 reads the free text of earlier debts, where only unambiguous notes become guarantors."""
import importlib.util
from pathlib import Path

import pytest

from app.domain.guarantors import Guarantor, LineError, entries, format_line, parse_line

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0022_structured_guarantors.py"
SPOUSE, SON, TEACHER = "3100100123451", "1409900123454", "1101700230708"  # valid check digits (thai_id)


def _migration():
    spec = importlib.util.spec_from_file_location("migration_0022", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_line_is_the_id_an_optional_title_and_two_names():
    assert parse_line(f"{SPOUSE} นาง ซูไรดา สาแม") == Guarantor(SPOUSE, "นาง", "ซูไรดา", "สาแม")
    assert parse_line("3-1001-00123-45-1 ซูไรดา สาแม") == Guarantor(SPOUSE, None, "ซูไรดา", "สาแม")  # dashes, no title
    assert parse_line(f"{SON} ผศ.ดร. อิมรอน สาแม").title == "ผศ.ดร."
    assert format_line(parse_line(f"{SPOUSE} นาง ซูไรดา สาแม")) == f"{SPOUSE} นาง ซูไรดา สาแม"


@pytest.mark.parametrize("line, code", [
    ("นาง ซูไรดา สาแม", "no_id"),                       # no ID first
    ("3100100123452 นาง ซูไรดา สาแม", "bad_id"),        # the check digit is 1
    ("310010012345 นาง ซูไรดา สาแม", "bad_id"),         # 12 digits
    (f"{SPOUSE} นางซูไรดา สาแม", "run_in"),             # a title run into the name is not guessed at
    (f"{SPOUSE} นาง นาย", "names"),                     # titles are not names
    (f"{SPOUSE} คุณ ซูไรดา สาแม", "title"),             # not a title
    (f"{SPOUSE} ซูไรดา", "names"),                      # no last name
    (f"{SPOUSE} นาง ซูไรดา สาแม โทร 081", "names"),     # more than a name
    (f"{SPOUSE} {'ก' * 101} สาแม", "too_long"),
])
def test_anything_else_is_refused_with_its_reason(line, code):
    with pytest.raises(LineError) as refused:
        parse_line(line)
    assert refused.value.code == code


def test_entries_are_numbered_as_typed_blank_ones_counted():
    assert entries("a\n\n  b  c \n", "\n") == [(1, "a"), (3, "b c")]
    assert entries("a; ;b", ";") == [(1, "a"), (3, "b")]


@pytest.mark.parametrize("note, guarantors, left", [
    (f"{SPOUSE} นาง ซูไรดา สาแม", [(SPOUSE, "นาง", "ซูไรดา", "สาแม")], None),
    # run-in titles with one reading, IDs with dashes or spaces, several per note
    (f"นายอิมรอน สาแม 1-4099-00123-45-4, นางซูไรดา สาแม ({SPOUSE})",
     [(SON, "นาย", "อิมรอน", "สาแม"), (SPOUSE, "นาง", "ซูไรดา", "สาแม")], None),
    (f"ผู้ค้ำ: {SPOUSE}\n1 4099 00123 45 4 ดร.อิมรอน สาแม.", [(SON, "ดร.", "อิมรอน", "สาแม")], f"ผู้ค้ำ: {SPOUSE}"),
    # one guarantor written across a comma
    (f"นาง ซูไรดา สาแม, {SPOUSE}", [(SPOUSE, "นาง", "ซูไรดา", "สาแม")], None),
    # นางสาว… may be นาง สาว… : left as text, exactly as written
    (f"นางสาวิตรี ใจดี {SPOUSE}", [], f"นางสาวิตรี ใจดี {SPOUSE}"),
    ("นายสมชาย ใจดี เพื่อนครู", [], "นายสมชาย ใจดี เพื่อนครู"),        # no ID
    ("3100100123452 นาง ซูไรดา สาแม", [], "3100100123452 นาง ซูไรดา สาแม"),  # a bad check digit
    (f"{TEACHER} นาง สมศรี ใจดี; {SPOUSE} นาง ซูไรดา สาแม",             # the teacher is no guarantor of her own
     [(SPOUSE, "นาง", "ซูไรดา", "สาแม")], f"{TEACHER} นาง สมศรี ใจดี"),
    (f"{SPOUSE} นาง ซูไรดา สาแม; {SPOUSE} นาง ซูไรดา สาแม", [(SPOUSE, "นาง", "ซูไรดา", "สาแม")], None),
])
def test_the_migration_reads_only_unambiguous_notes(note, guarantors, left):
    assert _migration().read_note(note, TEACHER) == (guarantors, left)
