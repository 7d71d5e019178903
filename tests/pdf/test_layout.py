"""Issue 18, item 4 and the memo's approval box, read back from the PDF (PDFium character and image boxes):
- the emblem's 3 cm at the top of an external letter are reserved: nothing but the emblem is drawn there;
- the date starts at the page's centre line (งานสารบรรณ);
- keeping lines together moves only what does not fit: the signature block never stands alone on a page (it takes
  the last line(s) of the body with it) and no page before it is left less than 75% full;
- the signer's name and position come from the unit's settings; a dotted line only where none is set;
- a memo (บันทึกข้อความ) carries the approver's comment-and-sign box, on the page of the proposer's signature.
All of it is page layout 2 (app/pdf/content.py): what the services issue now, and what content built in code draws.
The letters issued before (letters_issued_before.json, layout 1) are read here as if issued with layout 2; as
they are, they reprint byte for byte (tests/services/test_letter_reprints.py).
"""
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from app.domain.thai_text import thai_digits
from app.pdf.content import LetterContent, Letterhead, Para
from app.pdf.frame import BOTTOM, EMBLEM_HEIGHT, FRAME_PADDING, PAGE_HEIGHT, PAGE_WIDTH, TOP, LetterRenderer
from app.services import letter_kinds, letters
from tests.pdf.helpers import (at_layout, chars, debt_case, every_kind, find, images, lowest_text, norm, page_texts,
                               relief_case)

FRAME_TOP, FRAME_BOTTOM = PAGE_HEIGHT - TOP, BOTTOM
STORED = json.loads((Path(__file__).parents[1] / "services" / "letters_issued_before.json").read_text())
CLOSING = "จึงเรียนมาเพื่อโปรดทราบ"


def letter(body, form="external", **head) -> LetterContent:
    letterhead = dict(office_name="สำนักงานศึกษาธิการจังหวัดเชียงใหม่", section="กลุ่มส่งเสริมการศึกษาเอกชน",
                      phone="053 000 000", email="saraban@cmi.example", signer_name="นายทดสอบ ระบบ",
                      signer_position="ศึกษาธิการจังหวัดเชียงใหม่")
    letterhead.update(head)
    return LetterContent(form=form, number_text="ศธ 0206.3/1234", issued_on="25 พฤศจิกายน 2569", subject="ทดสอบ",
                         addressee="นางนูรฮายาตี สาและ", verify_url="http://example.test/verify/abc",
                         letterhead=Letterhead(**letterhead), body=tuple(body))


def fill(pdf: bytes, page: int) -> float:
    """How far down the text area a page is used: 1.0 is down to the bottom margin."""
    lowest = lowest_text(pdf, page, FRAME_BOTTOM)
    return (FRAME_TOP - lowest) / (FRAME_TOP - FRAME_BOTTOM)


def signature_page(pdf: bytes, marker: str) -> int:
    return next(i for i, text in enumerate(page_texts(pdf)) if norm(marker) in text)


def assert_signed_end(pdf: bytes, marker: str, closing: str, full: float = 0.75) -> None:
    """The page with the signature (`marker`) also has the last line of the body (the end of the closing sentence)
    before it; every page before it is at least `full` full."""
    signed = signature_page(pdf, marker)
    text = page_texts(pdf)[signed]
    body_end = text[:text.index(norm(marker))]
    assert body_end.endswith(norm(closing)[-8:]) and len(body_end) >= len(norm(closing)[-8:]), \
        "the signature stands alone"
    for page in range(signed):
        assert fill(pdf, page) >= full, (page, round(fill(pdf, page), 3))


# ---- keep-together ---------------------------------------------------------------------------------------------

# A memo's end is taller: the proposer's signature and the approver's box go over together (neither may stand
# alone), so the page before a memo's signature is only guaranteed about two thirds full.
MEMO_FULL = 0.65


@pytest.mark.nodb
@pytest.mark.parametrize("form, marker, full", [("external", "ขอแสดงความนับถือ", 0.75),
                                                ("memo", "(" + "." * 50 + ")", MEMO_FULL)])
def test_only_what_does_not_fit_moves_with_the_signature(form, marker, full):
    """Bodies of every length around a page break: the signature page always has the closing sentence, and the
    page before is never left less than 75% full (the old KeepTogether moved the whole closing paragraph and
    signature, leaving ~40% of page 1 empty)."""
    pushed = 0
    for filler in range(0, 44):
        body = [Para("ข้อความ " * 58)] * (filler // 4) + [Para("สั้นยาว " * (filler * 3 + 1)),
                                                          Para(f"ข้อความท้าย {'ยาว ' * filler} {CLOSING}")]
        pdf = LetterRenderer().render([letter(body, form=form)])
        assert_signed_end(pdf, marker, CLOSING, full)
        pushed += signature_page(pdf, marker) > 0
    assert pushed >= 10, "some body lengths push the signature to a later page"


@pytest.mark.nodb
def test_a_long_closing_paragraph_leaves_its_first_lines_behind():
    """When the last paragraph is long, its first lines stay on the page and only its last line(s) go over."""
    closing = "ทั้งนี้ " + "ขอให้ท่านดำเนินการ " * 40 + CLOSING
    for filler in range(10, 30):
        body = [Para("ข้อความ " * 58)] * (filler // 5) + [Para("สั้น " * (filler * 6)), Para(closing)]
        pdf = LetterRenderer().render([letter(body)])
        signed = signature_page(pdf, "ขอแสดงความนับถือ")
        if signed:
            before, after = page_texts(pdf)[signed - 1], page_texts(pdf)[signed]
            assert norm("ทั้งนี้") in before and norm(CLOSING) in after  # split inside the closing paragraph
            assert fill(pdf, signed - 1) >= 0.75
            return
    pytest.fail("no body length pushed the signature over")


def test_every_kind_with_awkward_data_keeps_its_pages_full():
    """20 debts, six heirs with long names, through the services: the signature is never alone and no page before
    it is under 75% full (a long table row splits rather than moving whole)."""
    debt = debt_case("ว่าที่ร้อยตรีหญิงกาญจนาภรณ์ ประเสริฐสุขสวัสดิ์", 1, debts=20)
    relief = relief_case("นายมูฮำหมัดฟัครุดดีน จันทร์เจริญรุ่งเรืองกิจ",
                         ["นางสาวนิอาซีซะห์ วงศ์สวัสดิ์สุนทรกุล", "เด็กชายตูแวดานียา บินหะยีอาแว",
                          "เด็กหญิงซารีฟะห์ ธนาธิปไตยวัฒนาพงศ์", "เด็กชายฮัสบุลลอฮ์ กาเต็มมะดี",
                          "เด็กหญิงจิราพัชร เลิศวิริยะประเสริฐ", "เด็กชายภูมิรพี อัครเศรษฐ์เสถียร"], 1)
    for kind, issued in every_kind(debt, relief).items():
        if kind == "schedule":
            continue  # an annex: no signature
        pdf = letters.render([issued])
        content = letter_kinds.get(kind).compose(issued.payload)
        closing = content.body[-1].text
        memo = content.form == "memo"
        proposer = content.letterhead.proposer_name  # the issuing officer signs a memo; dotted if the user has no name
        marker = (f"({proposer})" if proposer else "(" + "." * 50 + ")") if memo else "ขอแสดงความนับถือ"
        assert_signed_end(pdf, marker, closing[-12:], MEMO_FULL if memo else 0.75)


# ---- emblem, date, signer ------------------------------------------------------------------------------------

@pytest.mark.nodb
def test_the_emblem_space_is_reserved_and_empty_without_an_upload():
    pdf = LetterRenderer().render([letter([Para("ข้อความ")])])
    band = FRAME_TOP - FRAME_PADDING - EMBLEM_HEIGHT  # the frame pads 6 pt above the reserved space
    assert not [c for c in chars(pdf) if c[4] > band], "nothing is drawn in the emblem's 3 cm"
    assert images(pdf) == [] or all(b[3] < band for b in images(pdf))  # the QR code is at the bottom
    first = find(pdf, "ที่ ศธ 0206.3/1234")
    assert band - 20 < first[3] <= band  # the head starts right below the reserved space


def emblem_png(width=300, height=330) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    for x in range(width // 4, 3 * width // 4):
        for y in range(height // 4, 3 * height // 4):
            image.putpixel((x, y), (160, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.nodb
def test_an_uploaded_emblem_is_drawn_centred_in_its_space():
    png = emblem_png()
    renderer = LetterRenderer(emblem_loader={"emblems/abc.png": png}.get)
    pdf = renderer.render([letter([Para("ข้อความ")], emblem="emblems/abc.png")])
    band = FRAME_TOP - FRAME_PADDING - EMBLEM_HEIGHT  # the frame pads 6 pt above the reserved space
    top_images = [b for b in images(pdf) if b[1] >= band - 1]
    assert len(top_images) == 1
    left, bottom, right, top = top_images[0]
    assert abs((left + right) / 2 - PAGE_WIDTH / 2) < 1  # centred on the page
    assert abs((top - bottom) - EMBLEM_HEIGHT) < 1 and top <= FRAME_TOP - FRAME_PADDING + 0.5  # 3 cm high, inside the space
    assert not [c for c in chars(pdf) if c[4] > band]
    # an emblem the storage no longer has: the space stays reserved and empty, the letter still prints
    missing = LetterRenderer(emblem_loader=lambda key: None).render([letter([Para("ข้อความ")], emblem="emblems/x.png")])
    assert [b for b in images(missing) if b[1] >= band - 1] == []


@pytest.mark.nodb
@pytest.mark.parametrize("row", [r for r in STORED["letters"] if r["kind"] not in ("payment_memo", "schedule")],
                         ids=lambda row: row["kind"])
def test_the_date_starts_at_the_page_centre_line(row):
    content = letter_kinds.get(row["kind"]).compose(at_layout(row["payload"], 2))
    pdf = LetterRenderer().render([content])
    date = find(pdf, thai_digits(content.issued_on) if content.thai_digits else content.issued_on)
    assert date is not None
    assert PAGE_WIDTH / 2 - 0.5 <= date[0] <= PAGE_WIDTH / 2 + 3, date  # starts at x = page width / 2


@pytest.mark.nodb
def test_the_signer_comes_from_the_unit_settings_and_dots_stand_only_for_what_is_unset():
    both = page_texts(LetterRenderer().render([letter([Para(CLOSING)])]))[0]
    assert norm("(นายทดสอบ ระบบ)") in both and norm("ศึกษาธิการจังหวัดเชียงใหม่") in both
    assert "....." not in both
    unset = page_texts(LetterRenderer().render([letter([Para(CLOSING)], signer_name="", signer_position="")]))[0]
    dotted = re.compile(r"\.{20,}")
    assert "(" + "." * 20 in unset and len(dotted.findall(unset)) == 2  # the name and the position lines
    named = page_texts(LetterRenderer().render([letter([Para(CLOSING)], signer_position="")]))[0]
    assert norm("(นายทดสอบ ระบบ)") in named and len(dotted.findall(named)) == 1


@pytest.mark.nodb
def test_the_owning_section_sits_at_the_bottom_left_of_the_signature_page():
    pdf = LetterRenderer().render([letter([Para("ข้อความ " * 58)] * 3 + [Para(CLOSING)])])
    signed = signature_page(pdf, "ขอแสดงความนับถือ")
    box = find(pdf, "กลุ่มส่งเสริมการศึกษาเอกชน", signed)
    assert box is not None and box[3] < FRAME_BOTTOM and box[0] < PAGE_WIDTH / 2
    assert find(pdf, "saraban@cmi.example", signed)[3] < FRAME_BOTTOM


# ---- the memo ------------------------------------------------------------------------------------------------

@pytest.mark.nodb
def test_the_memo_has_the_approvers_comment_and_sign_box():
    row = next(r for r in STORED["letters"] if r["kind"] == "payment_memo")
    content = letter_kinds.get("payment_memo").compose(at_layout(row["payload"], 2))
    pdf = LetterRenderer().render([content])
    pages = page_texts(pdf)
    boxed = signature_page(pdf, "ความเห็นและคำสั่ง")
    text = pages[boxed]
    position = content.letterhead.signer_position
    for part in ("ความเห็นและคำสั่งของ" + position, "เห็นควรอนุมัติ", "อนุมัติ", "ไม่อนุมัติ", "ลงชื่อ", "วันที่"):
        assert norm(part) in text, part
    # the approver's position printed under the signature line, the name dotted (none set for this unit)
    assert text.rindex(norm(position)) > text.index(norm("ลงชื่อ"))
    # the memo is signed by the proposing officer, not by the approver it is addressed to
    assert text.index(norm("ความเห็นและคำสั่ง")) > text.index(norm("จึงเรียนมาเพื่อโปรดพิจารณาอนุมัติ"))
    # three tick boxes are drawn beside the choices (Sarabun has no ballot-box glyph)
    document = __import__("pypdfium2").PdfDocument(pdf)
    import pypdfium2.raw as raw
    rects = [o for o in document[boxed].get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,))
             if 8 < o.get_bounds()[2] - o.get_bounds()[0] < 11 and 8 < o.get_bounds()[3] - o.get_bounds()[1] < 11]
    assert len(rects) >= 3
    document.close()


@pytest.mark.nodb
def test_the_memo_is_signed_by_its_proposer_when_the_letter_names_one():
    """The issuing officer's name and "role + office" (frozen in the letterhead at issue) under the memo's signature;
    dots only for what a letter does not name. The approver's box keeps the unit's signer."""
    memo = letter([Para(CLOSING)], form="memo", proposer_name="นางสาวฟาตีมะห์ หะยีสาแม",
                  proposer_position="เจ้าหน้าที่ สำนักงานศึกษาธิการจังหวัดเชียงใหม่")
    named = page_texts(LetterRenderer().render([memo]))[0]
    proposer = named.index(norm("(นางสาวฟาตีมะห์ หะยีสาแม)"))
    assert named.index(norm("เจ้าหน้าที่ สำนักงานศึกษาธิการจังหวัดเชียงใหม่")) > proposer
    assert named.index(norm("ความเห็นและคำสั่ง")) > proposer and norm("(นายทดสอบ ระบบ)") in named
    unnamed = page_texts(LetterRenderer().render([letter([Para(CLOSING)], form="memo")]))[0]
    assert norm("(" + "." * 50 + ")") in unnamed


# ---- reprints --------------------------------------------------------------------------------------------------

TEXT_BEFORE = json.loads((Path(__file__).parent / "letters_text_before.json").read_text())


def _without_furniture(text: str, row: dict) -> str:
    text = text.replace(norm(row["payload"]["letter"]["verify_url"]), "")
    for n in range(2, 10):
        text = text.replace(f"-{n}-", "")
    return text


@pytest.mark.nodb
@pytest.mark.parametrize("layout", [1, 2])
@pytest.mark.parametrize("index", range(len(STORED["letters"])), ids=lambda i: STORED["letters"][i]["kind"])
def test_a_stored_letter_reprints_the_same_text(index, layout):
    """Letters issued before issue 18 reprint the same words in the same order: as they are (layout 1) exactly, and
    drawn with layout 2 too (the layout moved: date, emblem space, where the signature breaks), where a memo gains
    the approver's box and nothing else."""
    row = STORED["letters"][index]
    payload = row["payload"] if layout == 1 else at_layout(row["payload"], layout)
    now = page_texts(LetterRenderer().render([letter_kinds.get(row["kind"]).compose(payload)]))
    before, after = _without_furniture(TEXT_BEFORE[index], row), _without_furniture("".join(now), row)
    if row["kind"] != "payment_memo" or layout == 1:
        assert after == before
    else:
        import difflib

        ops = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
        assert all(op in ("equal", "insert") for op, *_ in ops)
        inserted = "".join(after[c:d] for op, _a, _b, c, d in ops if op == "insert")
        assert norm("ความเห็นและคำสั่งของ") in inserted and set(inserted) - set(".") <= set(
            norm("ความเห็นและคำสั่งของศึกษาธิการจังหวัดปัตตานีเห็นควรอนุมัติไม่อนุมัติลงชื่อวันที่()"))
