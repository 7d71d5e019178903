"""The official-letter frame (thai-documents.md; ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ พ.ศ. 2526):
the external letter (หนังสือภายนอก), the internal memo (บันทึกข้อความ) and annexes, on A4 with 3 cm left and
2 cm right margins, Sarabun, body paragraphs indented 2.5 cm on the first line.

Many letters can go into one document (batch printing): each starts on a new page, and the page furniture —
page number from the second page of a letter ("- ๒ -"), the QR code to its verification page — follows the
letter being drawn.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.ttfonts import shapeStr
from reportlab.platypus import (
    BaseDocTemplate, CondPageBreak, Flowable, Frame, Image, KeepTogether, PageTemplate, Paragraph, Spacer,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

from app.domain.thai_text import thai_digits as to_thai_digits
from app.pdf import qr
from app.pdf.content import Fields, LetterContent, PageBreak, Para, Table
from app.pdf.fonts import BOLD, REGULAR, register_fonts
from app.pdf.thai_wrap import paragraph_markup, text_width

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT, RIGHT, TOP, BOTTOM = 3 * cm, 2 * cm, 1.5 * cm, 2.6 * cm
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
FRAME_PADDING = 6  # ReportLab frames pad 6 pt a side: lines must fit the width the frame really gives
LINE_WIDTH = TEXT_WIDTH - 2 * FRAME_PADDING
# Google's Sarabun draws larger than TH Sarabun New: 16 pt TH Sarabun looks like ~11 pt Sarabun.
BODY_SIZE, LEADING = 11, 17
CELL_SIZE = 9.5
FIRST_LINE_INDENT = 2.5 * cm
EMBLEM_HEIGHT = 3 * cm
QR_SIZE = 1.7 * cm
CELL_PADDING = 3


def _layout_table(rows: list, widths: list[float], valign: str = "TOP", padding: bool = False) -> RLTable:
    """A borderless table used for layout (label and text, two columns of the head, the signature block)."""
    table = RLTable(rows, colWidths=widths)
    style = [("FONT", (0, 0), (-1, -1), REGULAR, BODY_SIZE), ("VALIGN", (0, 0), (-1, -1), valign),
             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]
    if not padding:
        style += [("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]
    table.setStyle(TableStyle(style))
    table.hAlign = "LEFT"
    return table


def _style(name: str, **overrides) -> ParagraphStyle:
    base = dict(fontName=REGULAR, fontSize=BODY_SIZE, leading=LEADING, shaping=1, alignment=TA_LEFT)
    base.update(overrides)
    return ParagraphStyle(name, **base)


class _LetterMark(Flowable):
    """Zero-size marker at the start of each letter: tells the page furniture which letter it is on."""

    def __init__(self, content: LetterContent):
        super().__init__()
        self.content = content
        self.width = self.height = 0

    def wrap(self, *_):
        return 0, 0

    def draw(self):
        doc = self.canv._doctemplate
        doc.current_letter = self.content
        doc.letter_first_page = self.canv.getPageNumber()


class LetterRenderer:
    """Builds the flowables of letters and writes them as one PDF."""

    def __init__(self, emblem_path: str | None = None):
        register_fonts()
        self.emblem = emblem_path if emblem_path and Path(emblem_path).is_file() else None
        self.body = _style("body")
        self.bold = _style("bold", fontName=BOLD)
        self.small = _style("small", fontSize=9, leading=13)
        self.cell = _style("cell", fontSize=CELL_SIZE, leading=13)
        self.cell_bold = _style("cell_bold", fontName=BOLD, fontSize=9.5, leading=13, alignment=TA_CENTER)
        self.title = _style("title", fontName=BOLD, fontSize=18, leading=24, alignment=TA_CENTER)
        self.digits = False

    # ---- text -----------------------------------------------------------------------------------

    def t(self, text: str) -> str:
        return to_thai_digits(text) if self.digits else text

    def para(self, text: str, style: ParagraphStyle | None = None, width: float = LINE_WIDTH,
             first_indent: float = 0.0, left_indent: float = 0.0) -> Paragraph:
        style = style or self.body
        markup = paragraph_markup(self.t(text), style.fontName, style.fontSize, width - left_indent, first_indent)
        if first_indent or left_indent:
            style = ParagraphStyle(f"{style.name}-i", parent=style, firstLineIndent=first_indent,
                                   leftIndent=left_indent)
        return Paragraph(markup, style)

    def labelled(self, label: str, text: str, bold_label: bool = True) -> RLTable:
        """"เรื่อง  ..." with the continuation lines aligned under the text, not the label."""
        style = self.bold if bold_label else self.body
        from reportlab.pdfbase.pdfmetrics import stringWidth

        label_width = stringWidth(label, style.fontName, style.fontSize) + 10
        value_width = LINE_WIDTH - label_width
        return _layout_table([[Paragraph(label, style), self.para(text, width=value_width)]],
                             [label_width, value_width])

    # ---- the frame ------------------------------------------------------------------------------

    def _external_head(self, c: LetterContent) -> list:
        head: list = []
        if self.emblem:
            head.append(Image(self.emblem, height=EMBLEM_HEIGHT, width=EMBLEM_HEIGHT * 0.9, kind="proportional"))
        else:
            head.append(Spacer(1, 1.2 * cm))
        half = LINE_WIDTH / 2
        office = [self.para(c.letterhead.office_name, width=half)]
        if c.letterhead.address:
            office.append(self.para(c.letterhead.address, width=half))
        row = _layout_table([[self.para(f"ที่ {c.number_text}", width=half), office]], [half, half], padding=True)
        head += [row, Spacer(1, 6), self.para(c.issued_on, left_indent=half * 0.8), Spacer(1, 6),
                 self.labelled("เรื่อง", c.subject), Spacer(1, 4), self.labelled("เรียน", c.addressee)]
        if c.reference:
            head += [Spacer(1, 2), self.labelled("อ้างถึง", c.reference)]
        for i, enclosure in enumerate(c.enclosures):
            text = f"{i + 1}. {enclosure}" if len(c.enclosures) > 1 else enclosure
            head += [Spacer(1, 2), self._enclosure_line("สิ่งที่ส่งมาด้วย", text, first=(i == 0))]
        return head + [Spacer(1, 8)]

    def _enclosure_line(self, label: str, text: str, first: bool) -> RLTable:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        label_width = stringWidth("สิ่งที่ส่งมาด้วย", BOLD, BODY_SIZE) + 10
        return _layout_table([[Paragraph(label if first else "", self.bold),
                               self.para(text, width=LINE_WIDTH - label_width)]],
                             [label_width, LINE_WIDTH - label_width])

    def _memo_head(self, c: LetterContent) -> list:
        head: list = []
        if self.emblem:
            emblem = Image(self.emblem, height=1.5 * cm, width=1.4 * cm, kind="proportional")
            emblem.hAlign = "LEFT"
            head.append(emblem)
        head.append(Paragraph("บันทึกข้อความ", self.title))
        head.append(Spacer(1, 6))
        agency = c.letterhead.office_name + (f" {c.letterhead.section}" if c.letterhead.section else "")
        if c.letterhead.phone:
            agency += f" โทร. {c.letterhead.phone}"
        head += [self.labelled("ส่วนราชการ", agency), Spacer(1, 2)]
        half = LINE_WIDTH / 2
        row = _layout_table([[self.labelled_cell("ที่", c.number_text), self.labelled_cell("วันที่", c.issued_on)]],
                            [half, half])
        head += [row, Spacer(1, 2), self.labelled("เรื่อง", c.subject), _Rule(), Spacer(1, 6),
                 self.labelled("เรียน", c.addressee, bold_label=False), Spacer(1, 6)]
        return head

    def labelled_cell(self, label: str, text: str) -> Paragraph:
        return Paragraph(f"<b>{label}</b>&nbsp;&nbsp;{escape(self.t(text))}", self.body)

    def _annex_head(self, c: LetterContent) -> list:
        return [Spacer(1, 0.6 * cm), self.para(c.subject, self.title),
                self.para(f"แนบท้ายหนังสือ ที่ {c.number_text} ลงวันที่ {c.issued_on}", ParagraphStyle(
                    "annex-ref", parent=self.body, alignment=TA_CENTER)), Spacer(1, 10)]

    def _signature(self, c: LetterContent) -> list:
        half = LINE_WIDTH / 2
        centred = ParagraphStyle("sign", parent=self.body, alignment=TA_CENTER)
        block = []
        if c.form == "external" and c.closing:
            block.append(self.para(c.closing, centred, width=half * 1.1))
        name = f"({c.letterhead.signer_name})" if c.letterhead.signer_name else "(" + "." * 50 + ")"
        lines = [Spacer(1, 3 * LEADING), self.para(name, centred, width=half * 1.1)]
        if c.letterhead.signer_position:
            lines.append(self.para(c.letterhead.signer_position, centred, width=half))
        block += lines
        signature = _layout_table([["", block]], [half * 0.9, half * 1.1], padding=True)
        parts: list = [Spacer(1, 10), signature]
        if c.form == "external":
            contact = [x for x in (c.letterhead.section, f"โทร. {c.letterhead.phone}" if c.letterhead.phone else "",
                                   f"ไปรษณีย์อิเล็กทรอนิกส์ {c.letterhead.email}" if c.letterhead.email else "") if x]
            if contact:
                parts += [Spacer(1, 18)] + [self.para(line, self.small) for line in contact]
        return parts

    # ---- body blocks ----------------------------------------------------------------------------

    def block(self, item) -> list:
        if isinstance(item, Para):
            style = self.bold if item.bold else self.body
            return [self.para(item.text, style, first_indent=FIRST_LINE_INDENT if item.indent else 0.0),
                    Spacer(1, 4)]
        if isinstance(item, Fields):
            return [self._fields(item), Spacer(1, 6)]
        if isinstance(item, Table):
            return self._table(item)
        if isinstance(item, PageBreak):
            return [RLPageBreak()]
        raise TypeError(item)

    def _fields(self, item: Fields) -> RLTable:
        label_width, value_width = LINE_WIDTH * 0.42, LINE_WIDTH * 0.58
        rows = [[self.para(label, width=label_width - 8), self.para(value, width=value_width - 8)]
                for label, value in item.rows]
        table = _layout_table(rows, [label_width, value_width])
        table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (0, -1), FIRST_LINE_INDENT / 2),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
        return table

    def _cell(self, text: str, width: float, numeric: bool):
        """Digits and Latin need no shaping: plain strings draw fastest. Short Thai is shaped once and cached
        (a plain string in a cell is not shaped by ReportLab); longer Thai is a wrapped, shaped Paragraph."""
        text = self.t(text)
        if numeric:
            return text
        if text_width(text, REGULAR, CELL_SIZE) <= width - 2 * CELL_PADDING:
            return text if text.isascii() else _shaped(text, REGULAR, CELL_SIZE)
        return self.para(text, self.cell, width=width - 2 * CELL_PADDING)

    def _table(self, item: Table) -> list:
        widths = [LINE_WIDTH * share for share in item.widths]
        header = [self.para(h, self.cell_bold, width=w - 2 * CELL_PADDING) for h, w in zip(item.header, widths)]
        rows = [header] + [[self._cell(v, w, i in item.numeric) for i, (v, w) in enumerate(zip(row, widths))]
                           for row in item.rows]
        if item.total:
            rows.append([self._cell(v, w, i in item.numeric) for i, (v, w) in enumerate(zip(item.total, widths))])
        table = RLTable(rows, colWidths=widths, repeatRows=1)
        style = [("FONT", (0, 0), (-1, -1), REGULAR, CELL_SIZE), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                 ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                 ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
        style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i in item.numeric]
        if item.total:
            style += [("FONT", (0, -1), (-1, -1), BOLD, CELL_SIZE)]
        table.setStyle(TableStyle(style))
        out: list = []
        if item.title:
            out += [CondPageBreak(4 * LEADING), self.para(item.title, self.bold)]
        return out + [table, Spacer(1, 8)]

    # ---- documents ------------------------------------------------------------------------------

    def story(self, c: LetterContent) -> list:
        self.digits = c.thai_digits
        heads = {"external": self._external_head, "memo": self._memo_head, "annex": self._annex_head}
        flow: list = [_LetterMark(c)] + heads[c.form](c)
        blocks = [self.block(item) for item in c.body]
        if c.form != "annex":
            # The signature never stands alone on a page: the closing sentence (จึงเรียนมาเพื่อ…) goes over with it.
            closing = blocks.pop() if blocks else []
            blocks.append([KeepTogether(closing + self._signature(c))])
        for block in blocks:
            flow += block
        if c.annex:
            flow.append(RLPageBreak())
            for item in c.annex:
                flow += self.block(item)
        return flow

    def render(self, letters: list[LetterContent], progress=None) -> bytes:
        """One PDF holding every letter, each from a new page. `progress(n)` is called as letters are laid out."""
        buffer = io.BytesIO()
        doc = BaseDocTemplate(buffer, pagesize=A4, leftMargin=LEFT, rightMargin=RIGHT, topMargin=TOP,
                              bottomMargin=BOTTOM, title=letters[0].subject if len(letters) == 1 else "KruDesk",
                              author="KruDesk", invariant=1, initialFontName=REGULAR, initialFontSize=BODY_SIZE)
        frame = Frame(LEFT, BOTTOM, TEXT_WIDTH, PAGE_HEIGHT - TOP - BOTTOM, id="body")
        doc.addPageTemplates([PageTemplate(id="letter", frames=[frame], onPageEnd=self._page_furniture)])
        story: list = []
        for i, content in enumerate(letters):
            if i:
                story.append(RLPageBreak())
            story += self.story(content)
            if progress:
                story.append(_Progress(progress, i + 1))
        doc.build(story)
        return buffer.getvalue()

    def _page_furniture(self, canvas, doc) -> None:
        letter: LetterContent | None = getattr(doc, "current_letter", None)
        if letter is None:
            return
        canvas.saveState()
        page_in_letter = canvas.getPageNumber() - doc.letter_first_page + 1
        digits = to_thai_digits if letter.thai_digits else str
        if page_in_letter > 1:  # งานสารบรรณ: pages after the first carry their number at the top centre
            canvas.setFont(REGULAR, BODY_SIZE)
            canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 1.0 * cm, f"- {digits(str(page_in_letter))} -")
        qr.draw(canvas, letter.verify_url, PAGE_WIDTH - RIGHT - QR_SIZE, 0.6 * cm, QR_SIZE)
        canvas.setFont(REGULAR, 7)
        canvas.drawRightString(PAGE_WIDTH - RIGHT - QR_SIZE - 4, 0.6 * cm + 8, letter.verify_url)
        canvas.restoreState()


@lru_cache(maxsize=8192)
def _shaped(text: str, font: str, size: float) -> str:
    return shapeStr(text, font, size)


class _Rule(Flowable):
    def wrap(self, width, _height):
        self.width = width
        return width, 6

    def draw(self):
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 3, self.width, 3)


class _Progress(Flowable):
    def __init__(self, callback, count: int):
        super().__init__()
        self.callback, self.count = callback, count

    def wrap(self, *_):
        return 0, 0

    def draw(self):
        self.callback(self.count)
