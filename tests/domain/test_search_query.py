"""How the navigation's search box reads what was typed (issue 21 point 6; app/domain/search_query.py)."""
from datetime import date

import pytest

from app.domain.references import debt_case_reference, relief_case_reference
from app.domain.search_query import MAX_LENGTH, parse
from app.domain.thai_id import format_citizen_id


@pytest.mark.parametrize("typed", ["DC2569-000005", "dc2569-000005", "DC2569000005", "DC 2569 - 000005",
                                   "DC2569-5", "DC2569\u2013000005", "DC๒๕๖๙-๐๐๐๐๐๕", " DC2569-000005 "])
def test_a_debt_reference_however_typed(typed):
    query = parse(typed)
    assert (query.kind, query.programme, query.reference) == ("reference", "debt", "DC2569-000005")
    assert query.exact


def test_references_are_read_as_the_application_writes_them():
    for made, programme in ((debt_case_reference(42, date(2026, 11, 25)), "debt"),
                            (relief_case_reference(1_234_567, date(2026, 11, 25)), "relief")):
        query = parse(made.lower())
        assert (query.reference, query.programme) == (made, programme)


@pytest.mark.parametrize("typed", ["1101700230708", "1-1017-00230-70-8", "1 1017 00230 70 8",
                                   "๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘", "1\u20111017\u201100230\u201170\u20118"])
def test_a_citizen_id_with_or_without_dashes(typed):
    query = parse(typed)
    assert (query.kind, query.citizen_id, query.lookups) == ("citizen_id", "1101700230708", ("1101700230708",))
    assert query.whole_citizen_id and query.exact


def test_the_start_of_a_citizen_id_is_no_exact_match():
    query = parse("1-1017")
    assert query.kind == "citizen_id" and query.citizen_id == "11017" and not query.exact


@pytest.mark.parametrize("typed, names", [
    ("นางรัตนา บุญมาก", ("รัตนา บุญมาก", "นางรัตนา บุญมาก")),
    ("นาง รัตนา บุญมาก", ("รัตนา บุญมาก",)),
    ("รัตนา บุญมาก", ("รัตนา บุญมาก",)),
    ("นายสมชาย", ("สมชาย", "นายสมชาย")),
    ("นางสาวกัลยา มั่นคง", ("กัลยา มั่นคง", "นางสาวกัลยา มั่นคง")),
    # no Thai word begins with "ิ", so this is นาง + สาวิตรี, not นางสาว + ิตรี
    ("นางสาวิตรี", ("สาวิตรี", "นางสาวิตรี")),
    ("ว่าที่ร้อยตรีหญิงกาญจนา ใจดี", ("กาญจนา ใจดี", "ว่าที่ร้อยตรีหญิงกาญจนา ใจดี")),
    ("ว่าที่ ร.ต. สมชาย ใจดี", ("สมชาย ใจดี",)),
    ("ผศ.ดร.สมชาย", ("สมชาย", "ผศ.ดร.สมชาย")),
    ("คุณากร", ("คุณากร",)),          # คุณ + "ากร" cannot be: no word begins with "า"
    ("นาง", ("นาง",)),                # a title alone is searched as typed
])
def test_a_name_without_its_title(typed, names):
    query = parse(typed)
    assert query.kind == "name" and query.names == names and not query.exact


def test_invisible_characters_and_white_space_are_dropped():
    assert parse("รัตนา\u200b  \u00a0บุญมาก\x07").names == ("รัตนา บุญมาก",)


@pytest.mark.parametrize("typed", ["", "   ", "\u200b", "\x00\x07"])
def test_nothing_to_search(typed):
    assert parse(typed).kind == "empty"


def test_long_text_is_cut_and_marked():
    query = parse("ก" * (MAX_LENGTH + 50))
    assert query.shortened and len(query.text) == MAX_LENGTH


def test_sql_is_just_a_name():
    query = parse("'; DROP TABLE people; --")
    assert query.kind == "name" and query.names == ("'; DROP TABLE people; --",)


def test_an_id_printed_on_the_card_reads_back():
    assert parse(format_citizen_id("3100100123451")).citizen_id == "3100100123451"
