"""A stored letter reprints byte for byte: letters issued before the letter kinds moved into one module each
(issue 15) print exactly the PDF they printed then, alone and merged in a batch.

letters_issued_before.json holds fifteen letters of every kind, as the services issued them for the demo's
decided cases and for a plan that consolidates, reschedules and pays pro rata (with markup in a name, Thai digits
on the last three), and the SHA-256 of each one's PDF at the time."""
import hashlib
import json
from pathlib import Path

import pytest

from app.models import Letter
from app.services import letters

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
