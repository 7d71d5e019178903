"""The layout memos of issue 22 point 4 — shaped words (app/pdf/shaping_memo.py) and parsed, wrapped paragraphs
(app/pdf/paragraph_memo.py) — change nothing a reader gets: every kind of letter, with awkward names, rendered
twice (the second time from what the first remembered) is byte for byte the PDF ReportLab writes without them; and
the memos are really used (they hold the words and paragraphs after a render)."""
import pytest

from app.pdf import paragraph_memo, shaping_memo
from app.pdf.frame import forget_layout
from app.services import letters
from tests.pdf.helpers import debt_case, every_kind, relief_case


def render_without_memos(issued) -> bytes:
    shaping_memo.uninstall()
    paragraph_memo.enabled = False
    forget_layout()
    try:
        return letters.render(issued)
    finally:
        shaping_memo.install()
        paragraph_memo.enabled = True


def test_letters_are_byte_identical_with_and_without_the_memos():
    debt = debt_case("ว่าที่ร้อยตรีหญิงกาญจนาภรณ์ ประเสริฐสุขสวัสดิ์", 2, debts=6)
    relief = relief_case("นายมูฮำหมัดฟัครุดดีน จันทร์เจริญรุ่งเรืองกิจ",
                         ["นางสาวนิอาซีซะห์ วงศ์สวัสดิ์สุนทรกุล", "เด็กชายตูแวดานียา บินหะยีอาแว"], 2)
    issued = list(every_kind(debt, relief).values())
    plain = render_without_memos(issued)

    first = letters.render(issued)  # fills the memos
    words, wrapped = len(shaping_memo._memo), len(paragraph_memo._wrapped)
    second = letters.render(issued)  # every word and paragraph from them

    assert words > 200 and wrapped > 100, (words, wrapped)
    assert first == plain
    assert second == plain


def test_a_paragraph_drawn_again_in_the_same_document_writes_what_reportlab_writes(monkeypatch):
    """A batch's document holds the same letterhead, labels and sentences in every letter: from the second time a
    paragraph is drawn at the same width its operators are replayed (paragraph_memo, RememberedParagraph.draw), and
    the document is byte for byte ReportLab's own."""
    from reportlab.platypus import Paragraph

    debt = debt_case("นางสาวปิยะนุชนาถ ศรีสุวรรณวงศ์", 2, debts=4)
    relief = relief_case("นายอับดุลเลาะ หะยีสาและ", ["นางซูไรดา หะยีสาและ", "เด็กชายอิรฟาน หะยีสาและ"], 2)
    issued = list(every_kind(debt, relief).values()) * 2  # every letter twice in one document
    plain = render_without_memos(issued)

    drawn = []
    draw_para = Paragraph.drawPara
    monkeypatch.setattr(Paragraph, "drawPara", lambda self, debug=0: drawn.append(1) or draw_para(self, debug))
    replayed = letters.render(issued)
    monkeypatch.setattr(Paragraph, "drawPara", lambda self, debug=0: drawn.append(0) or draw_para(self, debug))
    render_without_memos(issued)

    assert replayed == plain
    with_memo, without = drawn.count(1), drawn.count(0)
    assert with_memo < without * 0.6, (with_memo, without)  # the second copy of each letter drawn from the memo


@pytest.mark.nodb
def test_a_remembered_word_keeps_the_callers_fragment():
    """The same word in another colour: the shaped text is reused, the fragment (its colour) is the caller's."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from app.pdf.fonts import REGULAR, register_fonts

    register_fonts()
    shaping_memo.install()
    words = []
    for colour in (colors.black, colors.red):
        style = ParagraphStyle("t", fontName=REGULAR, fontSize=11, shaping=1, textColor=colour)
        paragraph = Paragraph("ผู้ให้กู้ที่สำคัญ", style)
        paragraph.wrap(400, 100)
        words.append(paragraph.blPara.lines[0])
    black, red = (line.words[0] if hasattr(line, "words") else line[1][0] for line in words)
    assert black.textColor == colors.black and red.textColor == colors.red
    assert black.text == red.text and black.text.__shapeData__ is red.text.__shapeData__
