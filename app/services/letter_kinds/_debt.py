"""What the debt kinds share: the teacher, the debts and the plan, and the facts of the approved decision."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from app import labels
from app.domain.money import ratio_percent
from app.domain.instalments import month_after
from app.services import settings
from app.domain.thai_id import format_citizen_id, mask_citizen_id
from app.services.letter_kinds import Source
from app.services.letter_kinds._common import approval_of, person_name, thai


def teacher_of(body: dict, full_id: bool = False) -> dict:
    """The teacher as a letter names them; the citizen ID masked unless the recipient must act for them."""
    t = body["teacher"]
    citizen_id = format_citizen_id(t["citizen_id"]) if full_id else mask_citizen_id(t["citizen_id"])
    return {"name": person_name(t), "citizen_id": citizen_id,
            "position": t.get("position") or "", "workplace": t.get("workplace") or ""}


def debt_rows(body: dict) -> list[dict]:
    return [{"id": d["id"], "creditor": d["creditor_name"],
             "type": thai(labels.CREDITOR_TYPE_LABELS, d["creditor_type"]), "outstanding": d["outstanding"],
             "rate": d["annual_rate"], "monthly": d["monthly_payment"], "months": d["remaining_months"],
             "status": thai(labels.LEGAL_STATUS_LABELS, d["legal_status"])} for d in body["debts"]]


def plan_summary(plan: dict) -> dict:
    return {"label": plan["label"], "new_loan": plan.get("new_loan"), "rescheduled": plan.get("rescheduled", []),
            "pro_rata": plan.get("pro_rata", []), "before": plan["before"], "after": plan["after"],
            "interest_saved": plan["interest_saved"],
            "method": thai(labels.METHOD_LABELS, (plan.get("new_loan") or {}).get("method"))}


def first_due_month(approved_on: str) -> date:
    return month_after(date.fromisoformat(approved_on))


def floor_rule(body: dict, approved_on: str) -> dict:
    """The 30% rule as letters state it: the floor frozen at approval and the source it rests on, from the setting
    itself (issue 18, item 5: rule citations come from the rule's own source; domain.md: the MOE regulation)."""
    day = date.fromisoformat(approved_on)
    floor = (body.get("settings") or {}).get("floor") or settings.value("affordability.floor", day)
    return {"percent": f"{ratio_percent(Decimal(floor)).normalize():f}",
            "source": settings.source_of("affordability.floor", day)}


def kind_shows_full_id(source: Source) -> bool:
    return bool(source.kind is not None and source.kind.full_citizen_id)


def decision_facts(source: Source) -> dict:
    """The approved plan as every debt decision letter states it."""
    body, approval = source.body, approval_of(source.snapshot)
    return {"reference": body["reference"], "cooperative": source.case.cooperative.name,
            "floor_rule": floor_rule(body, approval["approved_on"]), "full_citizen_id": kind_shows_full_id(source),
            "teacher": teacher_of(body, full_id=kind_shows_full_id(source)), "salary": body["monthly_salary"],
            "debts": debt_rows(body),
            "plan": plan_summary(body["chosen_plan"]),
            "consolidated_ids": body["chosen_plan"]["spec"].get("consolidate", {}).get("debt_ids", []),
            "first_due": first_due_month(approval["approved_on"]).isoformat(), **approval,
            # issue 19: the version of the plan approved (snapshot schema 3); absent from earlier snapshots, so
            # that letters issued from them keep what they stored and reprint byte for byte
            **({"plan_version": body["plan_version"]} if "plan_version" in body else {})}


def case_reference(d: dict) -> str:
    """"กรณีเลขที่ X", and the plan's version when the letter's facts carry one: "กรณีเลขที่ X แผนฉบับที่ 2"."""
    version = d.get("plan_version")
    return f"กรณีเลขที่ {d['reference']}" + (f" แผนฉบับที่ {version}" if version else "")
