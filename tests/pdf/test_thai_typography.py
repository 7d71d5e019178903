"""The pdf/ package on its own (no database): shaping, searchable text, embedded fonts, Thai line breaking."""
from decimal import Decimal

import pytest

from app.domain.thai_text import baht_text
from app.pdf.content import Fields, LetterContent, Letterhead, Para, Table
from app.pdf.fonts import REGULAR
from app.pdf.frame import LetterRenderer
from app.pdf.thai_wrap import text_width, wrap_lines
from tests.pdf.helpers import norm, page_count, page_texts, pdf_fonts, pdf_text, qr_codes

from pythainlp.tokenize import word_tokenize  # noqa: E402,I001  (after app.pdf, which sets PYTHAINLP_READ_ONLY)

pytestmark = pytest.mark.nodb

HARD_WORDS = "ที่ น้ำ ปู่ ญาติ ฐานะ ฎีกา ผู้ใหญ่บ้าน สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด ก๊วยเตี๋ยว ฤๅษี"


def letter(body, form="external", digits=False, subject="ทดสอบ") -> LetterContent:
    return LetterContent(form=form, number_text="ศธ 0206.3/1234", issued_on="25 พฤศจิกายน 2569", subject=subject,
                         addressee="ศึกษาธิการจังหวัดเชียงใหม่", verify_url="http://example.test/verify/abc",
                         letterhead=Letterhead(office_name="สำนักงานศึกษาธิการจังหวัดเชียงใหม่", phone="053 000 000",
                                               signer_name="นายทดสอบ ระบบ", signer_position="ศึกษาธิการจังหวัดเชียงใหม่"),
                         body=tuple(body), thai_digits=digits)


def test_shaped_thai_copies_out_as_typed():
    pdf = LetterRenderer().render([letter([Para(HARD_WORDS)])])
    text = pdf_text(pdf)
    for word in HARD_WORDS.split():
        assert norm(word) in text, word
    assert "\ue000" not in text and not any(0xE000 <= ord(ch) <= 0xF8FF for ch in text)  # no private-use leftovers


def test_only_sarabun_is_used_and_it_is_embedded():
    pdf = LetterRenderer().render([letter([Para(HARD_WORDS), Table(header=("ก", "ข"), rows=(("ค่า", "1.00"),),
                                                                   widths=(0.5, 0.5))])])
    fonts = pdf_fonts(pdf)
    assert {f["name"].split("+")[-1] for f in fonts} == {"Sarabun-Regular", "Sarabun-Bold"}
    assert all(f["embedded"] for f in fonts)


def test_lines_break_only_between_words_and_fit_the_frame():
    text = ("ตามที่ท่านได้ยื่นคำขอเข้าร่วมโครงการแก้ไขปัญหาหนี้สินครูและบุคลากรทางการศึกษาผ่านสหกรณ์ออมทรัพย์ครู"
            "เชียงใหม่จำกัดนั้นสำนักงานศึกษาธิการจังหวัดได้พิจารณาแล้วอนุมัติแผนการแก้ไขปัญหาหนี้สินของท่าน") * 3
    words = word_tokenize(text, engine="newmm")
    boundaries = {sum(len(w) for w in words[:i]) for i in range(len(words) + 1)}
    lines = wrap_lines(text, REGULAR, 11, 300, first_indent=70)
    assert len(lines) > 5 and "".join(lines) == text
    position = 0
    for i, line in enumerate(lines):
        assert text_width(line, REGULAR, 11) <= 300 - (70 if i == 0 else 0)
        position += len(line)
        assert position in boundaries, line  # never "ออมทรั|พย์"


def test_a_word_wider_than_the_line_is_cut_between_character_clusters():
    lines = wrap_lines("สหกรณ์ออมทรัพย์ครูเชียงใหม่", REGULAR, 11, 40)
    assert "".join(lines) == "สหกรณ์ออมทรัพย์ครูเชียงใหม่" and len(lines) > 1
    assert not any(line[0] in "ัิีึืุู่้๊๋์ำ" for line in lines)  # no line starts with a mark or vowel sign


def test_thai_digits_setting_changes_the_digits_not_the_words():
    pdf = LetterRenderer().render([letter([Para("จำนวน 1,234.50 บาท")], digits=True)])
    text = pdf_text(pdf)
    assert "๑,๒๓๔.๕๐" in text and "1,234.50" not in text and norm("๒๕ พฤศจิกายน ๒๕๖๙") in text


def test_a_long_table_repeats_its_header_on_every_page():
    rows = tuple((str(n), f"{n * 1000:,}.00") for n in range(1, 201))
    pdf = LetterRenderer().render([letter([Table(header=("งวดที่", "ยอดชำระ"), rows=rows, widths=(0.3, 0.7),
                                                 numeric=(0, 1))], form="annex")])
    pages = page_count(pdf)
    assert pages >= 4
    assert pdf_text(pdf).count(norm("งวดที่ ยอดชำระ")) == pages
    assert "200,000.00" in pdf_text(pdf)


def test_each_page_carries_a_qr_code_that_decodes_to_the_verification_address():
    pdf = LetterRenderer().render([letter([Para("ข้อความ " * 600)])])
    assert page_count(pdf) >= 2
    assert qr_codes(pdf, 1) == ["http://example.test/verify/abc"]
    assert qr_codes(pdf, 2) == ["http://example.test/verify/abc"]
    assert "-2-" in pdf_text(pdf)  # pages after the first are numbered at the top


def test_the_signature_never_stands_alone_on_a_page():
    """However long the body, the page with the signature also carries the closing sentence before it."""
    closing = "จึงเรียนมาเพื่อโปรดทราบ"
    pushed = 0
    for filler in range(8, 40):
        body = [Para("ข้อความ " * 60)] * (filler // 4) + [Para("สั้น " * (filler * 4)), Para(closing)]
        pages = page_texts(LetterRenderer().render([letter(body)]))
        signed = next(i for i, text in enumerate(pages) if norm("ขอแสดงความนับถือ") in text)
        assert norm(closing) in pages[signed], filler
        pushed += signed > 0
    assert pushed, "some body lengths push the signature to a second page"


def test_memo_frame_and_fields():
    pdf = LetterRenderer().render([letter([Fields(rows=(("เงินต้น", "100.00 บาท"),))], form="memo",
                                          subject="ขออนุมัติเบิกจ่าย")])
    text = pdf_text(pdf)
    for part in ("บันทึกข้อความ", "ส่วนราชการ", "ที่ ศธ 0206.3/1234", "วันที่ 25 พฤศจิกายน 2569", "เรื่อง ขออนุมัติเบิกจ่าย",
                 "เงินต้น 100.00 บาท", "(นายทดสอบ ระบบ)"):
        assert norm(part) in text, part


def test_rendering_is_deterministic():
    content = letter([Para(HARD_WORDS), Para(baht_text(Decimal("1234.50")))])
    assert LetterRenderer().render([content]) == LetterRenderer().render([content])


def test_hostile_text_prints_as_text():
    nasty = "<b>ตัวหนา</b> & <script>alert(1)</script> \u202eRTL 😀 " + "ก" * 500 + " '; DROP TABLE letters; --"
    pdf = LetterRenderer().render([letter([Para(nasty)], subject=nasty)])
    text = pdf_text(pdf)
    assert norm("<script>alert(1)</script>") in text and norm("DROP TABLE letters") in text


def test_numbers_ids_and_brackets_are_never_split_from_what_they_hold():
    text = "ด้วยนางพิมพ์ใจ ศรีวงศ์ เลขประจำตัวประชาชน 3-5099-xxxxx-11-7 ได้รับอนุมัติเงินกู้ 2,065,000.00 บาท (สองล้านหกหมื่นห้าพันบาทถ้วน)"
    for width in range(110, 420, 7):
        lines = wrap_lines(text, REGULAR, 11, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert any("3-5099-xxxxx-11-7" in line for line in lines), width
        assert any("2,065,000.00" in line for line in lines), width
        assert not any(line.endswith("(") or line.startswith(")") for line in lines), width


def test_abbreviations_and_grouped_numbers_stay_whole():
    from app.pdf.thai_wrap import split_words

    words = split_words("โทร. 0 5311 2333 ตาม พ.ศ. 2569 เงินเยียวยา (ศอ.บต.) และ ช.พ.ค.")
    for whole in ("โทร.", "0 5311 2333", "พ.ศ.", "(ศอ.บต.)", "ช.พ.ค."):
        assert whole in words, whole
