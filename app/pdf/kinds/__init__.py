"""One module per letter kind: `compose(payload) -> LetterContent`, from the stored payload only."""
from __future__ import annotations

from app.pdf.kinds import (
    approval_notice, case_summary, creditor_request, decision_notice, deduction_notice, payment_memo,
    scholarship_continuation, schedule,
)

COMPOSERS = {
    "case_summary": case_summary.compose,
    "creditor_request": creditor_request.compose,
    "approval_notice": approval_notice.compose,
    "deduction_notice": deduction_notice.compose,
    "schedule": schedule.compose,
    "decision_notice": decision_notice.compose,
    "payment_memo": payment_memo.compose,
    "scholarship_continuation": scholarship_continuation.compose,
}
