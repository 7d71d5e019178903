"""What a letter kind hands to the frame: the parts of an official letter and its body blocks.

Kinds build these from the stored payload only, so printing needs no database and a reprint is identical.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Para:
    """A body paragraph: first line indented 2.5 cm (thai-documents.md) unless `indent` is False."""
    text: str
    indent: bool = True
    bold: bool = False


@dataclass(frozen=True)
class Fields:
    """Label–value lines, e.g. the figures of an approved plan."""
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Pairs:
    """A table cell of label–amount lines (a teacher's creditors and what each receives, in the order of
    deduction): the labels wrap, the amounts stay right-aligned beside their own label."""
    rows: tuple[tuple[str, str], ...]
    label_share: float = 0.68  # of the cell's width


@dataclass(frozen=True)
class Table:
    """A ruled table; its header repeats on every page it runs onto. `numeric` columns are right-aligned.
    A cell is a string, or Pairs."""
    header: tuple[str, ...]
    rows: tuple[tuple[str | Pairs, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width, summing to 1
    numeric: tuple[int, ...] = ()
    title: str | None = None
    total: tuple[str, ...] | None = None
    # Rows may split across pages (layout 2); False keeps each row whole on one page (an annex row per person).
    split_rows: bool = True


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Para | Fields | Table | PageBreak


@dataclass(frozen=True)
class Letterhead:
    office_name: str
    address: str = ""
    section: str = ""
    phone: str = ""
    email: str = ""
    signer_name: str = ""
    signer_position: str = ""
    emblem: str = ""  # the storage key of the unit's uploaded emblem ("emblems/<sha256>.png"), or none
    # Who proposes an internal memo (the issuing officer's full name; "role label + office name"): layout 2 prints
    # them under the memo's signature, dots where they are unset. Letters issued before carry neither.
    proposer_name: str = ""
    proposer_position: str = ""

    @classmethod
    def from_json(cls, data: dict) -> Letterhead:
        return cls(**{key: data.get(key) or "" for key in cls.__dataclass_fields__})


# The page layouts (app/pdf/frame.py). A stored letter names its layout (payload["letter"]["layout"]); one issued
# before issue 18 names none and is layout 1, which reprints byte for byte as it printed then. Layout 2 (issue 18):
# names never cut, brackets kept with their words, the signature moving with only what does not fit, the emblem's
# 3 cm reserved, the date at the page's centre line, the contact lines at the bottom left, the memo's approver box.
LAYOUT_1, LAYOUT_2 = 1, 2
LATEST_LAYOUT = LAYOUT_2


@dataclass(frozen=True)
class LetterContent:
    """One letter. `form` is "external" (หนังสือภายนอก), "memo" (บันทึกข้อความ) or "annex" (เอกสารแนบ)."""
    form: str
    number_text: str
    issued_on: str          # already in Buddhist-Era words: "25 พฤศจิกายน 2569"
    subject: str
    addressee: str
    letterhead: Letterhead
    verify_url: str
    body: tuple = ()
    reference: str | None = None
    enclosures: tuple[str, ...] = ()
    closing: str = "ขอแสดงความนับถือ"
    thai_digits: bool = False  # the letters.thai_digits setting at issue time
    annex: tuple = field(default=())  # blocks printed after the signature, on a new page
    # The people the letter names, each as printed ("นางนูรฮายาตี สาและ"): wherever one occurs, the line never
    # breaks inside "title + first name" nor inside the last name (thai_wrap.name_units).
    names: tuple[str, ...] = ()
    # The page layout it is drawn with: content built in code draws the latest; wording.frame() reads a stored
    # letter's own (1 when its payload names none).
    layout: int = LATEST_LAYOUT
    # Who receives a copy (สำเนาเรียน, งานสารบรรณ: whom the sender also sends the letter to, and why), printed after
    # the signature: the closure notice to the teacher, copied to the paying unit that stops the deductions.
    copy_to: tuple[str, ...] = ()
    # One letter (one number) sent to several people, each addressed by name: its copies, each a whole letter of
    # its own drawn from a new page (its head, body and signature), the page numbers and the QR code those of this
    # letter. A guarantor notice holds one per guarantor. Empty: the letter is drawn as itself.
    copies: tuple[LetterContent, ...] = ()
