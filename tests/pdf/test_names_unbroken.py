"""Issue 18, item 3: a person's name is never cut across lines — "title + first name" and the last name are each
unbreakable (a line breaks only between them), even for names no dictionary knows; brackets stay with their
words. Letters of every kind are issued through the services for people with such names, then re-composed from
their stored payloads for 200 names, and read back from the PDF line by line (PDFium)."""
import pytest

from app.pdf.fonts import BOLD, REGULAR
from app.pdf.frame import LetterRenderer
from app.pdf.thai_wrap import name_units, text_width, wrap_lines
from app.services import letter_kinds, letters
from tests.pdf.helpers import debt_case, every_kind, names, norm, page_lines, relief_case, renamed, units

NAMES = names(200)
HEIRS = 5  # a victim and five heirs per relief letter


def assert_names_whole(pdf: bytes, people: list[str], where: str) -> None:
    """Every unit of every name occurs within single lines as often as in the text as a whole (a unit cut by a
    line break is found in the whole text but not within any line), and no line starts with ")" or ends with "("."""
    pages = page_lines(pdf)
    whole = "".join("".join(lines) for lines in pages)
    lines = [line for page in pages for line in page]
    for person in people:
        for unit in units(person):
            unit = norm(unit)
            total = whole.count(unit)
            assert total, (where, person, "not printed")
            inside = sum(line.count(unit) for line in lines)
            assert inside == total, (where, person, unit, [x for x in lines if unit[:3] in x or unit[-3:] in x])
    for line in lines:
        assert not line.startswith(")") and not line.endswith("("), (where, line)


@pytest.fixture
def issued():
    """Every kind issued through the services: a debt case of นางนูรฮายาตี สาและ and the relief case of
    นายอับดุลเลาะ ณ อยุธยา with five heirs."""
    debt = debt_case("นางนูรฮายาตี สาและ", 0)
    relief = relief_case("นายอับดุลเลาะ ณ อยุธยา", ["นางรัตนา ศรีสุวรรณวงศ์ไพศาล", "เด็กชายมูฮัมหมัดซากี แวดือราแม",
                                                        "เด็กหญิงนูรีซัน บินหะยีอาแว", "นางสาวฟาตีมะห์ หะยีสาแม",
                                                        "เด็กชายธนพัฒน์ ณ ป้อมเพชร"], 0)
    return every_kind(debt, relief), debt, relief


def test_names_issued_through_the_services_are_never_cut(issued):
    kinds = issued[0]
    for kind, letter in kinds.items():
        people = ["นางนูรฮายาตี สาและ"] if letter.case_type == "debt" else ["นายอับดุลเลาะ ณ อยุธยา"]
        assert_names_whole(letters.render([letter]), people, kind)
    decision = letters.render([kinds["decision_notice"]])
    assert_names_whole(decision, ["นางรัตนา ศรีสุวรรณวงศ์ไพศาล", "เด็กหญิงนูรีซัน บินหะยีอาแว"], "heirs")


@pytest.mark.parametrize("kind", ["case_summary", "approval_notice", "deduction_notice", "schedule",
                                  "creditor_request", "decision_notice", "payment_memo", "scholarship_continuation"])
def test_two_hundred_names_in_every_kind(issued, kind):
    """The letter issued above, its people renamed in the stored payload (what every print draws), for each of
    200 names: a debt letter's teacher; a relief letter's victim and heirs, six names a letter."""
    kinds = issued[0]
    letter = kinds[kind]
    payload = letter.payload
    if kind == "schedule":  # the names are in the head: 12 instalments are enough, and keep the test quick
        payload = {**payload, "data": {**payload["data"], "schedules": [
            {**part, "rows": part["rows"][:12]} for part in payload["data"]["schedules"]]}}
    renderer = LetterRenderer()
    compose = letter_kinds.get(kind).compose
    if letter.case_type == "debt":
        groups = [[name] for name in NAMES]
        old = ["นางนูรฮายาตี สาและ"]
    else:
        people = NAMES + NAMES[:HEIRS]
        groups = [people[i:i + HEIRS + 1] for i in range(0, len(NAMES), HEIRS + 1)]
        old = ["นายอับดุลเลาะ ณ อยุธยา"] + [b["name"] for b in kinds["decision_notice"].payload["data"]["beneficiaries"]]
        assert len(old) == HEIRS + 1
    assert sum(len(g) for g in groups) >= 200
    batch = 10
    for start in range(0, len(groups), batch):
        chunk = groups[start:start + batch]
        contents = [compose(renamed(payload, dict(zip(old, group)))) for group in chunk]
        for group, content in zip(chunk, contents):
            pdf = renderer.render([content])
            # the heirs' names show in the decision notice; each letter names at least its first person
            shown = group if kind == "decision_notice" else group[:1]
            assert_names_whole(pdf, shown, f"{kind} {group[0]}")


def test_a_line_breaks_between_first_and_last_name_and_nowhere_inside():
    text = "ตามที่ นางนูรฮายาตี สาและ ได้ยื่นคำขอ (นายอับดุลเลาะ ณ อยุธยา เป็นผู้ค้ำประกัน) และนางรัตนา ศรีวงศ์ ทราบแล้ว"
    people = ("นางนูรฮายาตี สาและ", "นายอับดุลเลาะ ณ อยุธยา", "นางรัตนา ศรีวงศ์")
    unit_set = {u for p in people for u in name_units(p)}
    for width in range(60, 420, 3):
        lines = wrap_lines(text, REGULAR, 11, width, names=people)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        joined = "\n".join(lines)
        for unit in unit_set:
            if text_width(f"({unit}", REGULAR, 11) < width * 0.99:  # wider than the line: cut as the last resort
                assert unit in joined, (width, unit, lines)  # whole, on one line
        assert not any(line.startswith(")") or line.endswith("(") for line in lines), (width, lines)


def test_without_the_names_the_dictionary_cuts_them():
    """The reason for all this: newmm knows none of these names and cuts them (this test fails the day it does)."""
    cut = 0
    for name in NAMES[:40]:
        for width in range(40, 90, 4):
            lines = wrap_lines(f"กรณี{name} ได้รับ", REGULAR, 11, width)
            cut += any(unit not in "\n".join(lines) for unit in units(name))
    assert cut


def test_a_unit_wider_than_the_line_is_cut_at_clusters_as_the_last_resort():
    lines = wrap_lines("นายมูฮำหมัดฟัครุดดีน จันทร์เจริญรุ่งเรืองกิจ", REGULAR, 11, 45,
                       names=("นายมูฮำหมัดฟัครุดดีน จันทร์เจริญรุ่งเรืองกิจ",))
    assert len(lines) > 2 and "".join(lines).replace(" ", "") == "นายมูฮำหมัดฟัครุดดีนจันทร์เจริญรุ่งเรืองกิจ"
    assert not any(line[0] in "ัิีึืุู่้๊๋์ำ" for line in lines)


def test_a_table_header_keeps_its_bracket():
    """"ดอกเบี้ย (ร้อยละ)" in a narrow header cell: the ")" was left alone on a line."""
    for width in range(20, 80):
        lines = wrap_lines("ดอกเบี้ย (ร้อยละ)", BOLD, 9.5, width)
        assert ")" not in lines and "(" not in lines, (width, lines)
        assert not any(line.startswith(")") or line.endswith("(") for line in lines), (width, lines)
