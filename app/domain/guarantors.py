"""A debt's guarantors as typed (domain.md, "After approval" 6: each debt names its guarantors by citizen ID and
name). Pure Python: the rules that the web form, the spreadsheet import and the API share (services/debt_input.py
turns the codes below into messages).

One guarantor is written "เลขประจำตัวประชาชน คำนำหน้า ชื่อ นามสกุล": the 13-digit citizen ID (dashes allowed, as
printed on the card), then an optional title, then the first name and the last name, each one word. The title, when
given, is one of TITLES written as its own word: a title run into the name ("นายสมชาย") is refused rather than
guessed at, since "นางสาวิตรี" may be นาง สาวิตรี or นางสาว วิตรี.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.domain.thai_id import is_valid_citizen_id, normalise_citizen_id

MAX_GUARANTORS = 10  # per debt: more is a typing mistake, not a loan
MAX_NAME = 100       # the columns of debt_guarantors (app/models/guarantors.py)
MAX_TITLE = 50

# The titles written before a guarantor's name: the common ones, ranks of acting officers, and academic titles.
TITLES = ("นาย", "นาง", "นางสาว", "น.ส.", "ว่าที่ร้อยตรี", "ว่าที่ร้อยตรีหญิง", "ว่าที่ร.ต.", "ว่าที่ร.ต.หญิง",
          "ดร.", "ผศ.", "รศ.", "ศ.", "ผศ.ดร.", "รศ.ดร.", "ศ.ดร.")


@dataclass(frozen=True)
class Guarantor:
    citizen_id: str
    title: str | None
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.title or ''}{self.first_name} {self.last_name}".strip()

    def as_json(self) -> dict:
        return {"citizen_id": self.citizen_id, "title": self.title, "first_name": self.first_name,
                "last_name": self.last_name}


class LineError(ValueError):
    """Why a typed guarantor was refused: `code` is one of "no_id", "bad_id", "names", "title", "run_in" (a title
    run into the first name: `word` is the title), "too_long"."""

    def __init__(self, code: str, word: str = ""):
        super().__init__(code)
        self.code, self.word = code, word


def _looks_like_id(word: str) -> bool:
    digits = normalise_citizen_id(word)
    return bool(digits) and digits.isascii() and digits.isdigit()


def parse_line(text: str) -> Guarantor:
    """One guarantor from "ID [title] first last" (white space already single); LineError when it is not exactly
    that."""
    words = text.split()
    if not words or not _looks_like_id(words[0]):
        raise LineError("no_id", words[0] if words else "")
    citizen_id = normalise_citizen_id(words[0])
    if not is_valid_citizen_id(citizen_id):
        raise LineError("bad_id", words[0])
    names = words[1:]
    title = None
    if len(names) == 3:
        if names[0] not in TITLES:
            raise LineError("title", names[0])
        title, names = names[0], names[1:]
    if len(names) != 2:
        raise LineError("names")
    if title is None:
        run_in = next((t for t in TITLES if names[0].startswith(t) and names[0] != t), None)
        if run_in:
            raise LineError("run_in", run_in)
    if names[0] in TITLES:
        raise LineError("names")
    if any(len(name) > MAX_NAME for name in names):
        raise LineError("too_long")
    return Guarantor(citizen_id, title, names[0], names[1])


def format_line(guarantor) -> str:
    """The line that parse_line reads back (for the edit form): any object with the four fields."""
    return " ".join(part for part in (guarantor.citizen_id, guarantor.title, guarantor.first_name,
                                      guarantor.last_name) if part)


def entries(text: str, separator: str) -> list[tuple[int, str]]:
    """(number counting from 1, entry) for each non-blank entry of typed text: lines ("\\n") on the form, entries
    separated by ";" in a spreadsheet cell. Blank entries are skipped but counted, so a number names the line."""
    pieces = text.splitlines() if separator == "\n" else text.split(separator)
    return [(n, " ".join(piece.split())) for n, piece in enumerate(pieces, start=1) if piece.strip()]
