"""Creditor answers and payoffs as the API shows them (api-v1.md v1.1): dates ISO, money and rates as strings."""
from __future__ import annotations

from app.domain.money import money_str, rate_str
from app.models import CreditorResponse, DebtPayoff


def _stamp(moment) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def response_json(row: CreditorResponse, current: bool) -> dict:
    return {"id": row.id, "case_id": row.case_id, "debt_id": row.debt_id, "plan_version": row.plan_version,
            "response": row.response, "responded_on": row.responded_on.isoformat(), "reference": row.reference,
            "payoff_amount": money_str(row.payoff_amount) if row.payoff_amount is not None else None,
            "payoff_valid_until": row.payoff_valid_until.isoformat() if row.payoff_valid_until else None,
            "counter_annual_rate": rate_str(row.counter_annual_rate) if row.counter_annual_rate is not None else None,
            "counter_term_months": row.counter_term_months, "comment": row.comment, "current": current,
            "scan_filename": row.scan_filename, "recorded_at": _stamp(row.created_at)}


def payoff_json(row: DebtPayoff) -> dict:
    return {"id": row.id, "case_id": row.case_id, "debt_id": row.debt_id, "plan_version": row.plan_version,
            "amount": money_str(row.amount), "paid_on": row.paid_on.isoformat(), "reference": row.reference,
            "difference_reason": row.difference_reason, "recorded_at": _stamp(row.created_at)}
