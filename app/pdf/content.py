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
class Table:
    """A ruled table; its header repeats on every page it runs onto. `numeric` columns are right-aligned."""
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width, summing to 1
    numeric: tuple[int, ...] = ()
    title: str | None = None
    total: tuple[str, ...] | None = None


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

    @classmethod
    def from_json(cls, data: dict) -> Letterhead:
        return cls(**{key: data.get(key) or "" for key in cls.__dataclass_fields__})


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
