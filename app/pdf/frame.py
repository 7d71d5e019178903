"""The official-letter frame (thai-documents.md; ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ พ.ศ. 2526):
the external letter (หนังสือภายนอก), the internal memo (บันทึกข้อความ) and annexes, on A4 with 3 cm left and
2 cm right margins, Sarabun, body paragraphs indented 2.5 cm on the first line.

Many letters can go into one document (batch printing): each starts on a new page, and the page furniture —
page number from the second page of a letter ("- ๒ -"), the QR code to its verification page — follows the
letter being drawn.

Issue 18, by the regulation's format (thai-documents.md, "Format"):
- an external letter reserves the emblem's 3 cm at the top, centred; the emblem is the unit's uploaded image
  (Letterhead.emblem, a storage key), and without one the space stays empty — the national emblem is not bundled;
- the date starts at the page's centre line;
- the signer's name and position come from the unit's settings; a dotted line is printed only where none is set;
- the closing and the signature move to the next page only as far as they do not fit: the signature block takes
  the last line(s) of the body with it, never the paragraphs before (_SignatureEnd); the owning section, telephone
  and e-mail sit at the bottom left of the signature page, in the margin, so they never push the block over;
- a memo (บันทึกข้อความ) ends with the approver's comment-and-sign box (เห็นควร/อนุมัติ/ไม่อนุมัติ).
That is layout 2 (LetterContent.layout, app/pdf/content.py), with people's names never cut (thai_wrap). A letter
issued before it is layout 1 and reprints byte for byte as it printed then: the site-wide emblem file or 1.2 cm at
the top, the date at 40% of the line, the signer in every form, the contact lines under the signature, the whole
closing paragraph kept with the signature, table rows never split. Each `c.layout` test below is one of these.
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
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import shapeStr
from reportlab.platypus import (
    BaseDocTemplate, CondPageBreak, Flowable, Frame, Image, KeepTogether, PageTemplate, Paragraph, Spacer,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

from app.domain.thai_text import thai_digits as to_thai_digits
from app.pdf import paragraph_memo, qr, shaping_memo, thai_wrap
from app.pdf.content import LATEST_LAYOUT, LAYOUT_2, Fields, LetterContent, PageBreak, Pairs, Para, Table
from app.pdf.fonts import BOLD, REGULAR, register_fonts
from app.pdf.paragraph_memo import RememberedParagraph
from app.pdf.thai_wrap import WIDTH_SLACK, paragraph_markup, text_width

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT, RIGHT, TOP, BOTTOM = 3 * cm, 2 * cm, 1.5 * cm, 2.6 * cm
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
FRAME_PADDING = 6  # ReportLab frames pad 6 pt a side: lines must fit the width the frame really gives
LINE_WIDTH = TEXT_WIDTH - 2 * FRAME_PADDING
# Google's Sarabun draws larger than TH Sarabun New: 16 pt TH Sarabun looks like ~11 pt Sarabun.
BODY_SIZE, LEADING = 11, 17
CELL_SIZE = 9.5
FIRST_LINE_INDENT = 2.5 * cm
EMBLEM_HEIGHT = 3 * cm  # the regulation's emblem, about 3 cm high, centred at the top of an external letter
MEMO_EMBLEM_HEIGHT = 1.5 * cm
DATE_X = PAGE_WIDTH / 2  # the date starts at the page's centre line (งานสารบรรณ)
DOTS = "." * 50
QR_SIZE = 1.7 * cm
CELL_PADDING = 3
BOX_PADDING = 6
CONTACT_WIDTH = 9 * cm  # the bottom-left contact lines stay clear of the QR code at the bottom right


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


def forget_layout() -> None:
    """Every remembered layout forgotten: the next paragraph is segmented, wrapped and shaped as if first seen (the
    letter benchmark's cold case, and the layout memos' byte-identity test)."""
    thai_wrap.split_words.cache_clear()
    thai_wrap._tokens.cache_clear()
    thai_wrap._markup.cache_clear()
    paragraph_memo.forget()
    shaping_memo.forget()


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
    """Builds the flowables of letters and writes them as one PDF.

    `emblem_path` is a site-wide emblem file (LETTER_EMBLEM_PATH) for letters whose unit uploaded none;
    `emblem_loader(key)` returns a unit's uploaded emblem by its storage key, or None when there is no such file
    (the caller passes the app's storage: this layer knows no Flask). Without a loader no upload is drawn."""

    def __init__(self, emblem_path: str | None = None, emblem_loader=None):
        register_fonts()
        shaping_memo.install()
        self.emblem = emblem_path if emblem_path and Path(emblem_path).is_file() else None
        self.emblem_loader = emblem_loader
        self._emblems: dict[str, ImageReader | None] = {}  # keys name their content (emblems/<sha256>…)
        self.names: tuple[str, ...] = ()
        self.layout = LATEST_LAYOUT
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
        markup = paragraph_markup(self.t(text), style.fontName, style.fontSize, width - left_indent, first_indent,
                                  self.names, self.layout)
        if first_indent or left_indent:
            style = ParagraphStyle(f"{style.name}-i", parent=style, firstLineIndent=first_indent,
                                   leftIndent=left_indent)
        return RememberedParagraph(markup, style)

    def labelled(self, label: str, text: str, bold_label: bool = True) -> RLTable:
        """"เรื่อง  ..." with the continuation lines aligned under the text, not the label."""
        style = self.bold if bold_label else self.body
        label_width = stringWidth(label, style.fontName, style.fontSize) + 10
        value_width = LINE_WIDTH - label_width
        return _layout_table([[RememberedParagraph(label, style), self.para(text, width=value_width)]],
                             [label_width, value_width])

    # ---- the frame ------------------------------------------------------------------------------

    def emblem_of(self, c: LetterContent) -> ImageReader | None:
        """The unit's uploaded emblem (its key is in the letterhead the letter was issued with), else the site-wide
        file, else None (the space stays reserved and empty)."""
        key = c.letterhead.emblem
        if key and self.emblem_loader is not None:
            if key not in self._emblems:
                data = self.emblem_loader(key)
                self._emblems[key] = ImageReader(io.BytesIO(data)) if data else None
            if self._emblems[key] is not None:
                return self._emblems[key]
        if self.emblem:
            if self.emblem not in self._emblems:
                self._emblems[self.emblem] = ImageReader(self.emblem)
            return self._emblems[self.emblem]
        return None

    def _file_emblem(self, height: float, width: float, align: str) -> Image:
        """Layout 1's emblem: the site-wide file, as an image flowable."""
        emblem = Image(self.emblem, height=height, width=width, kind="proportional")
        emblem.hAlign = align
        return emblem

    def _external_head(self, c: LetterContent) -> list:
        half = LINE_WIDTH / 2
        if c.layout >= LAYOUT_2:
            # The emblem's 3 cm are reserved whether or not there is an image to draw in them.
            head: list = [_EmblemSpace(self.emblem_of(c), EMBLEM_HEIGHT, centre=DATE_X - LEFT - FRAME_PADDING)]
            date_indent = DATE_X - LEFT - FRAME_PADDING
        else:
            head = [self._file_emblem(EMBLEM_HEIGHT, EMBLEM_HEIGHT * 0.9, "CENTER") if self.emblem
                    else Spacer(1, 1.2 * cm)]
            date_indent = half * 0.8
        office = [self.para(c.letterhead.office_name, width=half)]
        if c.letterhead.address:
            office.append(self.para(c.letterhead.address, width=half))
        row = _layout_table([[self.para(f"ที่ {c.number_text}", width=half), office]], [half, half], padding=True)
        head += [row, Spacer(1, 6), self.para(c.issued_on, left_indent=date_indent), Spacer(1, 6),
                 self.labelled("เรื่อง", c.subject), Spacer(1, 4), self.labelled("เรียน", c.addressee)]
        if c.reference:
            head += [Spacer(1, 2), self.labelled("อ้างถึง", c.reference)]
        for i, enclosure in enumerate(c.enclosures):
            text = f"{i + 1}. {enclosure}" if len(c.enclosures) > 1 else enclosure
            head += [Spacer(1, 2), self._enclosure_line("สิ่งที่ส่งมาด้วย", text, first=(i == 0))]
        return head + [Spacer(1, 8)]

    def _enclosure_line(self, label: str, text: str, first: bool) -> RLTable:
        label_width = stringWidth("สิ่งที่ส่งมาด้วย", BOLD, BODY_SIZE) + 10
        return _layout_table([[RememberedParagraph(label if first else "", self.bold),
                               self.para(text, width=LINE_WIDTH - label_width)]],
                             [label_width, LINE_WIDTH - label_width])

    def _copy_line(self, text: str, first: bool) -> RLTable:
        label_width = stringWidth("สำเนาเรียน", BOLD, BODY_SIZE) + 10
        return _layout_table([[RememberedParagraph("สำเนาเรียน" if first else "", self.bold),
                               self.para(text, width=LINE_WIDTH - label_width)]],
                             [label_width, LINE_WIDTH - label_width])

    def _memo_head(self, c: LetterContent) -> list:
        head: list = []
        emblem = self.emblem_of(c) if c.layout >= LAYOUT_2 else None
        if emblem is not None:
            head.append(_EmblemSpace(emblem, MEMO_EMBLEM_HEIGHT, centre=None))
        elif c.layout < LAYOUT_2 and self.emblem:
            head.append(self._file_emblem(MEMO_EMBLEM_HEIGHT, 1.4 * cm, "LEFT"))
        head.append(RememberedParagraph("บันทึกข้อความ", self.title))
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
        return RememberedParagraph(f"<b>{label}</b>&nbsp;&nbsp;{escape(self.t(text))}", self.body)

    def _dotted_para(self, text: str, style: ParagraphStyle, width: float) -> Paragraph:
        """A short line drawn as it is (dots and brackets need no Thai breaking)."""
        if text.strip(".()"):
            return self.para(text, style, width)
        return RememberedParagraph(escape(self.t(text)), style)

    def _annex_head(self, c: LetterContent) -> list:
        return [Spacer(1, 0.6 * cm), self.para(c.subject, self.title),
                self.para(f"แนบท้ายหนังสือ ที่ {c.number_text} ลงวันที่ {c.issued_on}", ParagraphStyle(
                    "annex-ref", parent=self.body, alignment=TA_CENTER)), Spacer(1, 10)]

    def _signature(self, c: LetterContent) -> list:
        """The closing (ขอแสดงความนับถือ), space to sign, (the signer's name) and position, on the right half.
        The name and position are the unit's settings; a dotted line stands only for what is not set. A memo goes
        from the officer's section to the approver: it is signed by the officer who proposes it (the letterhead's
        proposer, frozen at issue; dotted where a letter has none), and the approver signs in the box below
        (_approval_box). Layout 1: the signer in every form, the position only when set."""
        half = LINE_WIDTH / 2
        width = half * 1.1
        centred = ParagraphStyle("sign", parent=self.body, alignment=TA_CENTER)
        block = []
        if c.form == "external" and c.closing:
            block.append(self.para(c.closing, centred, width=width))
        if c.layout < LAYOUT_2:
            name = c.letterhead.signer_name
            block += [Spacer(1, 3 * LEADING), self.para(f"({name})" if name else f"({DOTS})", centred, width=width)]
            if c.letterhead.signer_position:
                block.append(self.para(c.letterhead.signer_position, centred, width=half))
        else:
            if c.form == "memo":
                name, position = c.letterhead.proposer_name, c.letterhead.proposer_position
            else:
                name, position = c.letterhead.signer_name, c.letterhead.signer_position
            block += [Spacer(1, 3 * LEADING), self._dotted_para(f"({name})" if name else f"({DOTS})", centred, width),
                      self._dotted_para(position or DOTS[:40], centred, width)]
        signature = _layout_table([["", block]], [half * 0.9, width], padding=True)
        parts: list = [Spacer(1, 10), signature]
        for i, recipient in enumerate(c.copy_to):  # สำเนาเรียน, at the left under the signature
            parts += [Spacer(1, 8 if i == 0 else 2), self._copy_line(recipient, first=(i == 0))]
        if c.form == "external":
            contact = [x for x in (c.letterhead.section, f"โทร. {c.letterhead.phone}" if c.letterhead.phone else "",
                                   f"ไปรษณีย์อิเล็กทรอนิกส์ {c.letterhead.email}" if c.letterhead.email else "") if x]
            if contact and c.layout < LAYOUT_2:
                parts += [Spacer(1, 18)] + [self.para(line, self.small) for line in contact]
            elif contact:
                parts.append(_BottomLeft([self.para(line, self.small, width=CONTACT_WIDTH) for line in contact]))
        return parts

    def _approval_box(self, c: LetterContent) -> list:
        """The approver's part of a บันทึกข้อความ, below the proposer's signature: on the left the approver's comment
        (the เห็นควรอนุมัติ / อนุมัติ / ไม่อนุมัติ boxes and dotted lines to write on), on the right the signature line,
        the approver's (name) and position from the unit's settings (dotted where not set) and the date."""
        left_width, right_width = LINE_WIDTH * 0.56, LINE_WIDTH * 0.44
        left_inner, right_inner = left_width - 2 * BOX_PADDING, right_width - 2 * BOX_PADDING
        centred = ParagraphStyle("box-sign", parent=self.body, alignment=TA_CENTER)
        approver = c.letterhead.signer_position or c.addressee or "ผู้บังคับบัญชา"
        name = c.letterhead.signer_name
        dots = "." * int(left_inner * WIDTH_SLACK / stringWidth(".", REGULAR, BODY_SIZE))
        comment = [self.para(f"ความเห็นและคำสั่งของ{approver}", self.bold, width=left_inner),
                   _Choices(["เห็นควรอนุมัติ", "อนุมัติ", "ไม่อนุมัติ"], self.body, self.t),
                   RememberedParagraph(dots, self.body), RememberedParagraph(dots, self.body)]
        sign = [Spacer(1, LEADING), self._dotted_para("ลงชื่อ " + DOTS[:36], centred, right_inner),
                self._dotted_para(f"({name})" if name else f"({DOTS[:40]})", centred, right_inner),
                self._dotted_para(c.letterhead.signer_position or DOTS[:40], centred, right_inner),
                self._dotted_para("วันที่ " + DOTS[:36], centred, right_inner)]
        box = RLTable([[comment, sign]], colWidths=[left_width, right_width])
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), BOX_PADDING),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), BOX_PADDING),
                                 ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
        box.hAlign = "LEFT"
        return [Spacer(1, 8), box]

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
        (a plain string in a cell is not shaped by ReportLab); longer Thai is a wrapped, shaped Paragraph. Pairs: a
        borderless table of label–amount lines."""
        if isinstance(text, Pairs):
            return self._pairs(text, width)
        text = self.t(text)
        if numeric:
            return text
        if text_width(text, REGULAR, CELL_SIZE) <= width - 2 * CELL_PADDING:
            return text if text.isascii() else _shaped(text, REGULAR, CELL_SIZE)
        return self.para(text, self.cell, width=width - 2 * CELL_PADDING)

    def _pairs(self, item: Pairs, width: float):
        """Label–amount lines in one cell, as a borderless table inside it: each amount beside its label."""
        if not item.rows:
            return "-"
        inner = width - 2 * CELL_PADDING
        widths = [inner * item.label_share, inner * (1 - item.label_share)]
        rows = [[self._cell(label, widths[0], False), self.t(amount)] for label, amount in item.rows]
        table = RLTable(rows, colWidths=widths)
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, CELL_SIZE), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
        return table

    def _table(self, item: Table) -> list:
        widths = [LINE_WIDTH * share for share in item.widths]
        header = [self.para(h, self.cell_bold, width=w - 2 * CELL_PADDING) for h, w in zip(item.header, widths)]
        rows = [header] + [[self._cell(v, w, i in item.numeric) for i, (v, w) in enumerate(zip(row, widths))]
                           for row in item.rows]
        if item.total:
            rows.append([self._cell(v, w, i in item.numeric) for i, (v, w) in enumerate(zip(item.total, widths))])
        # A row may split across pages (splitInRow): one tall row (every heir's share in one cell) would otherwise
        # move whole and leave the page before it half empty. Layout 1 never split a row.
        split = 2 if self.layout >= LAYOUT_2 and item.split_rows else 0
        table = RLTable(rows, colWidths=widths, repeatRows=1, splitInRow=split)
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
        """The letter's flowables; a letter with copies (LetterContent.copies) is each copy from a new page, every
        one marked as this letter's (its page numbers start again, its QR code is the letter's)."""
        if not c.copies:
            return self._story(c, c)
        flow: list = []
        for i, copy in enumerate(c.copies):
            if i:
                flow.append(RLPageBreak())
            flow += self._story(copy, c)
        return flow

    def _story(self, c: LetterContent, letter: LetterContent) -> list:
        self.digits, self.layout = c.thai_digits, c.layout
        people = (*c.names, c.letterhead.signer_name, c.letterhead.proposer_name) if c.layout >= LAYOUT_2 else ()
        self.names = tuple(self.t(" ".join(n.split())) for n in people if n and n.strip())
        heads = {"external": self._external_head, "memo": self._memo_head, "annex": self._annex_head}
        flow: list = [_LetterMark(letter)] + heads[c.form](c)
        blocks = [self.block(item) for item in c.body]
        if c.form != "annex":
            # The signature never stands alone on a page: it takes the last line(s) of the body — the closing
            # sentence จึงเรียนมาเพื่อ… — with it, and only what does not fit moves (_SignatureEnd).
            closing = blocks.pop() if blocks else []
            if c.layout < LAYOUT_2:  # layout 1: the whole closing paragraph goes over with the signature
                blocks.append([KeepTogether(closing + self._signature(c))])
            else:
                # In a memo the approver's box goes with the proposer's signature: neither stands alone on a page.
                end = self._signature(c) + (self._approval_box(c) if c.form == "memo" else [])
                blocks.append([_SignatureEnd(closing, end)])
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
        bottom_left = getattr(doc, "bottom_left", None)
        if bottom_left is not None and bottom_left[0] == canvas.getPageNumber():
            # the owning section, telephone and e-mail: bottom left of the signature page (งานสารบรรณ)
            y = BOTTOM - 4
            for para in bottom_left[1]:
                _w, h = para.wrapOn(canvas, CONTACT_WIDTH, PAGE_HEIGHT)
                y -= h
                para.drawOn(canvas, LEFT, y)
            doc.bottom_left = None
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


class _EmblemSpace(Flowable):
    """The emblem's reserved space: `height` tall, the image (if any) drawn in it, its centre at x = `centre`
    from the frame's text start (None: at the left)."""

    def __init__(self, image: ImageReader | None, height: float, centre: float | None):
        super().__init__()
        self.image, self.height, self.centre = image, height, centre

    def wrap(self, width, _height):
        self.width = width
        return width, self.height

    def draw(self):
        if self.image is None:
            return
        w, h = self.image.getSize()
        width = self.height * w / h
        x = 0 if self.centre is None else self.centre - width / 2
        self.canv.drawImage(self.image, x, 0, width, self.height, mask="auto")


class _SignatureEnd(KeepTogether):
    """The last body block (the closing sentence) and the signature block, kept together only as far as needed.

    When they do not fit on the page, the signature moves with the last line(s) of that paragraph and nothing
    more: the lines before it stay, so the page before the signature is filled down to what must move. At the top
    of a page it is an ordinary KeepTogether (which lets content taller than a page flow)."""

    def __init__(self, tail: list, end: list):
        super().__init__(list(tail) + list(end))
        self.tail, self.end = list(tail), list(end)

    def split(self, aW, aH):
        frame = getattr(self, "_frame", None)
        if frame is not None and getattr(frame, "_atTop", False):
            return super().split(aW, aH)
        paragraphs = [i for i, f in enumerate(self.tail) if isinstance(f, Paragraph)]
        if not paragraphs:
            return super().split(aW, aH)
        j = paragraphs[-1]
        before, para, after = self.tail[:j], self.tail[j], self.tail[j + 1:]
        room = aH - sum(f.wrap(aW, aH)[1] for f in before)
        para.wrap(aW, aH)
        lines = len(getattr(para.blPara, "lines", ()))
        leading = para.style.leading
        keep_here = min(lines - 1, int(room // leading))  # at least one line goes over with the signature
        if keep_here <= 0:
            return before + [KeepTogether([para] + after + self.end)] if before else super().split(aW, aH)
        parts = para.split(aW, keep_here * leading + 0.5)
        if len(parts) != 2:
            return super().split(aW, aH)
        return before + [parts[0], KeepTogether([parts[1]] + after + self.end)]


class _BottomLeft(Flowable):
    """Zero-size: puts its paragraphs at the bottom left of the page it lands on, in the margin."""

    def __init__(self, paragraphs: list):
        super().__init__()
        self.paragraphs = paragraphs
        self.width = self.height = 0

    def wrap(self, *_):
        return 0, 0

    def draw(self):
        self.canv._doctemplate.bottom_left = (self.canv.getPageNumber(), self.paragraphs)


class _Choices(Flowable):
    """A row of tick boxes with their labels ("☐ เห็นควรอนุมัติ  ☐ อนุมัติ  ☐ ไม่อนุมัติ"): Sarabun has no ballot-box
    glyph, so the boxes are drawn."""

    SIDE, GAP = 9, 14

    def __init__(self, labels: list[str], style: ParagraphStyle, digits=str):
        super().__init__()
        self.labels = [RememberedParagraph(escape(digits(label)), style) for label in labels]
        self.widths = [stringWidth(label, style.fontName, style.fontSize) + 4 for label in labels]
        self.leading = style.leading

    def wrap(self, width, _height):
        self.width = width
        return width, self.leading + 4

    def draw(self):
        x = 4
        for label, width in zip(self.labels, self.widths):
            self.canv.setLineWidth(0.6)
            self.canv.rect(x, 4, self.SIDE, self.SIDE)
            label.wrapOn(self.canv, width + 6, self.leading)
            label.drawOn(self.canv, x + self.SIDE + 5, 1)
            x += self.SIDE + 5 + width + self.GAP


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
