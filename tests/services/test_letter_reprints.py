"""A stored letter reprints byte for byte: letters issued before the letter kinds moved into one module each
(issue 15) print exactly the PDF they printed then, alone and merged in a batch.

letters_issued_before.json holds fifteen letters of every kind, as the services issued them for the demo's
decided cases and for a plan that consolidates, reschedules and pays pro rata (with markup in a name, Thai digits
on the last three), and the SHA-256 of each one's PDF at the time."""
import hashlib
import json
from pathlib import Path

import pytest

from app.domain.thai_text import thai_digits
from app.models import Letter
from app.pdf.frame import PAGE_WIDTH
from app.services import letter_kinds, letters
from tests.pdf.helpers import at_layout, find

STORED = json.loads((Path(__file__).parent / "letters_issued_before.json").read_text())
KINDS_THEN = {"case_summary", "creditor_request", "approval_notice", "deduction_notice", "schedule",
              "decision_notice", "payment_memo", "scholarship_continuation"}


def stored_letter(row: dict) -> Letter:
    return Letter(kind=row["kind"], case_type=row["case_type"], payload=row["payload"])


def test_every_kind_of_then_is_among_the_stored_letters():
    assert {row["kind"] for row in STORED["letters"]} == KINDS_THEN
    treatments = {row["payload"]["data"]["request"]["treatment"] for row in STORED["letters"]
                  if row["kind"] == "creditor_request"}
    assert treatments == {"consolidate", "reschedule", "pro_rata"}


@pytest.mark.parametrize("row", STORED["letters"], ids=lambda row: row["kind"])
def test_a_stored_letter_prints_the_same_bytes(row):
    assert hashlib.sha256(letters.render([stored_letter(row)])).hexdigest() == row["pdf_sha256"]


def test_stored_letters_merged_print_the_same_bytes():
    merged = letters.render([stored_letter(row) for row in STORED["letters"]])
    assert hashlib.sha256(merged).hexdigest() == STORED["merged_pdf_sha256"]


def sha256(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


@pytest.mark.parametrize("row", [r for r in STORED["letters"] if r["kind"] not in ("payment_memo", "schedule")],
                         ids=lambda row: row["kind"])
def test_a_letter_prints_with_the_layout_it_was_issued_with(row):
    """A stored letter that names no page layout is layout 1 and prints its stored bytes, as does the same payload
    naming layout 1; named layout 2 (what the services issue since issue 18), the same payload prints otherwise:
    its date starts at the page's centre line, where layout 1's starts left of it."""
    kind = row["kind"]
    one = letters.render([Letter(kind=kind, case_type=row["case_type"], payload=at_layout(row["payload"], 1))])
    two = letters.render([Letter(kind=kind, case_type=row["case_type"], payload=at_layout(row["payload"], 2))])
    assert sha256(letters.render([stored_letter(row)])) == sha256(one) == row["pdf_sha256"]
    assert sha256(two) != row["pdf_sha256"]
    content = letter_kinds.get(kind).compose(row["payload"])
    date = thai_digits(content.issued_on) if content.thai_digits else content.issued_on
    assert content.layout == 1 and letter_kinds.get(kind).compose(at_layout(row["payload"], 2)).layout == 2
    assert find(one, date)[0] < PAGE_WIDTH / 2 - 20 and find(two, date)[0] >= PAGE_WIDTH / 2 - 0.5
