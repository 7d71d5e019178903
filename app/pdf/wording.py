"""Wording the letter kinds share (app/services/letter_kinds/): money in digits and words, Buddhist-Era dates,
terms in months, and the frame fields every letter takes from its stored payload."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.money import format_money
from app.domain.thai_text import amount_with_words, format_be_date, format_be_month
from app.pdf.content import LAYOUT_1, LetterContent, Letterhead


def money(value) -> str:
    return format_money(Decimal(str(value)))


def baht(value) -> str:
    """1,234.50 บาท (หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์)."""
    return amount_with_words(Decimal(str(value)))


def rate(value) -> str:
    return f"{Decimal(str(value)):.2f}"


def percent_of_ratio(ratio) -> str:
    return f"{Decimal(str(ratio)) * 100:.2f}"


def be_date(iso: str | None) -> str:
    return format_be_date(date.fromisoformat(iso[:10])) if iso else "-"


def be_month(day: date) -> str:
    return format_be_month(day, "short")


def resolution_phrase(data: dict) -> str:
    """" ตามมติ <the committee's resolution number>" after an approval date, or nothing when none was recorded."""
    return f" ตามมติ {data['resolution_no']}" if data.get("resolution_no") else ""


def months_text(months: int) -> str:
    years, rest = divmod(int(months), 12)
    parts = ([f"{years} ปี"] if years else []) + ([f"{rest} เดือน"] if rest else [])
    return f"{months} งวด ({' '.join(parts)})"


def names(*people) -> tuple[str, ...]:
    """The people's names a letter prints, for LetterContent.names: strings, or lists of them; empty ones and the
    placeholder "-" dropped, each once, in order. Printed anywhere in the letter (subject, addressee, body, table
    cells), a name is never broken inside "title + first name" nor inside the last name."""
    out: list[str] = []
    for person in people:
        for name in ([person] if isinstance(person, str) else person):
            name = " ".join(str(name or "").split())
            if name and name != "-" and name not in out:
                out.append(name)
    return tuple(out)


def frame(payload: dict, form: str = "external", **parts) -> LetterContent:
    """The frame fields every kind shares, from the stored payload. `names=names(...)`: the people it names.
    The layout is the letter's own: a letter issued before layouts were numbered has none and is layout 1."""
    head = payload["letter"]
    return LetterContent(form=form, number_text=head["number_text"], issued_on=be_date(head["issued_on"]),
                         subject=head["subject"], addressee=head["addressee"],
                         letterhead=Letterhead.from_json(head["letterhead"]), verify_url=head["verify_url"],
                         thai_digits=bool(head.get("thai_digits")), layout=layout_of(payload), **parts)


def layout_of(payload: dict) -> int:
    """The page layout a stored letter was issued with (app/pdf/content.py, LAYOUT_1 / LAYOUT_2)."""
    return int(payload["letter"].get("layout") or LAYOUT_1)
