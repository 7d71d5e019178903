"""After approval in the national dataset (issue 19): paying units, creditor answers, payoffs, the funnel days and
the deduction runs of the generated cases — as the application would have written them.

- Paying units: a few area offices per province (the demo's AREA-CMI-01 included); each case is paid by one in its
  province. The generator has no retired teachers, so no pension payer is made.
- A case past approval (approved, active, closed) has approved_on (its approval's Bangkok day). Every debt its plan
  touches (the archetypes' plans consolidate every debt) gets an answer, accepted, with its payoff amount; every
  consolidated debt a payoff, and the debt is closed that day. Active and closed cases have all of them, between
  approval and activation, and agreement_signed_on (the activation's day) and first_due_month (the month after);
  approved cases stand somewhere in the funnel: no answer yet, some answers, all answered, some paid off, or all
  paid off and waiting for the agreement.
- Deduction runs of active cases (not closed ones, which have paid their last instalment) come from the application's own deduction_lines.plan_runs over the
  approved snapshot: worked out once per archetype, then reused for every case of that archetype with the debts'
  ids, the cooperative's name and the months shifted to the case's first due month.

Its own random stream (seed + 19), so the rest of the dataset is drawn as before.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

AREA_OFFICES_PER_PROVINCE = 3
# Where an approved (not yet active) case stands: (how far, weight).
APPROVED_STAGES = (("none", 30), ("some_answers", 15), ("answered", 20), ("some_paid", 10), ("paid_off", 25))

RESPONSE_COLUMNS = ("id", "case_id", "debt_id", "plan_version", "response", "responded_on", "reference",
                    "payoff_amount", "payoff_valid_until", "recorded_by_id", "created_at")
PAYOFF_COLUMNS = ("id", "case_id", "debt_id", "plan_version", "response_id", "amount", "paid_on", "reference",
                  "recorded_by_id", "created_at")
LINE_COLUMNS = ("id", "case_id", "plan_version", "paying_unit_id", "province_code", "part", "creditor", "legal_order",
                "amount", "from_month", "to_month", "instalment")
COLUMNS = {"creditor_responses": RESPONSE_COLUMNS, "debt_payoffs": PAYOFF_COLUMNS, "deduction_lines": LINE_COLUMNS}
# Case columns this module fills (after generate.CASE_COLUMNS' own).
CASE_DAY_COLUMNS = ("paying_unit_id", "plan_version", "approved_on", "answered_on", "paid_off_on",
                    "agreement_signed_on", "first_due_month")
PLACEHOLDER_COOPERATIVE = "\x00cooperative\x00"


def paying_units(log=print) -> dict[str, list[int]]:
    """Area offices by province code (ids), made where a province has fewer than AREA_OFFICES_PER_PROVINCE."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import OrgUnit
    from app.services.org import _add_unit

    provinces = db.session.scalars(select(OrgUnit).where(OrgUnit.kind == "province").order_by(OrgUnit.code)).all()
    offices: dict[str, list[OrgUnit]] = {}
    for unit in db.session.scalars(select(OrgUnit).where(OrgUnit.kind == "area_office").order_by(OrgUnit.code)):
        offices.setdefault(unit.province_code, []).append(unit)
    made = 0
    for province in provinces:
        have = offices.setdefault(province.province_code, [])
        place = province.name.removeprefix("สำนักงานศึกษาธิการจังหวัด")
        for number in range(len(have) + 1, AREA_OFFICES_PER_PROVINCE + 1):
            have.append(_add_unit(province, code=f"AREA-{province.code}-{number:02d}",
                                  name=f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษา{place} เขต {number}",
                                  kind="area_office", province_code=province.province_code,
                                  region_no=province.region_no))
            made += 1
    db.session.commit()
    log(f"  {made} area offices made ({sum(len(v) for v in offices.values())} paying units)")
    return {code: [u.id for u in units] for code, units in offices.items()}


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _day_between(rng: random.Random, low: date, high: date) -> date:
    return low + timedelta(days=rng.randint(0, max(0, (high - low).days)))


class AfterApproval:
    """Fills the after-approval rows of one case at a time; `next_id(table)` hands out ids."""

    def __init__(self, seed: int, units: dict[str, list[int]], recorder_id: int, next_id, end: date):
        self.rng = random.Random(seed + 19)
        self.units, self.recorder_id, self.next_id, self.end = units, recorder_id, next_id, end
        self.runs: dict[int, tuple[date, list]] = {}   # id(archetype) -> (first due month, runs by debt position)

    def paying_unit(self, province_code: str) -> int | None:
        choices = self.units.get(province_code)
        return self.rng.choice(choices) if choices else None

    def days(self, status: str, approved_at: datetime | None, activated_at: datetime | None, debts: list[tuple],
             case_id: int, rows: dict) -> tuple[dict, dict[int, date]]:
        """The funnel days of the case (CASE_DAY_COLUMNS but the paying unit) and, by debt id, the day each paid-off
        debt closed; answers and payoffs are appended to `rows`."""
        from app.domain.thai_text import to_bangkok

        days = dict.fromkeys(CASE_DAY_COLUMNS[2:])
        days["plan_version"] = 1
        if approved_at is None:
            return days, {}
        rng = self.rng
        approved = to_bangkok(approved_at).date()
        days["approved_on"] = approved
        if activated_at is not None:
            signed = max(approved, to_bangkok(activated_at).date())
            stage, last = "signed", signed
        else:
            stage = rng.choices([s for s, _w in APPROVED_STAGES], weights=[w for _s, w in APPROVED_STAGES])[0]
            signed, last = None, self.end
        if stage == "none":
            return days, {}
        ids = [d[0] for d in debts]
        answered_ids = ids if stage != "some_answers" else ids[:len(ids) - 1]
        answer_days = {}
        for debt_id in answered_ids:
            answer_days[debt_id] = _day_between(rng, approved, approved + (last - approved) // 2)
        responses = {}
        at = datetime.combine(approved, datetime.min.time())
        by_id = {d[0]: d for d in debts}
        for debt_id, day in answer_days.items():
            response_id = self.next_id("creditor_responses")
            responses[debt_id] = response_id
            rows["creditor_responses"].append((response_id, case_id, debt_id, 1, "accepted", day, f"CR-{debt_id}",
                                               by_id[debt_id][5], day + timedelta(days=60), self.recorder_id,
                                               at + timedelta(days=(day - approved).days, hours=3)))
        if stage == "some_answers" or not answered_ids:
            return days, {}
        answered = max(answer_days.values())
        days["answered_on"] = answered
        if stage == "answered":
            return days, {}
        paid_ids = ids if stage != "some_paid" else ids[:len(ids) - 1]
        closed = {}
        for debt_id in paid_ids:
            day = _day_between(rng, answered, answered + (last - answered) // 2)
            closed[debt_id] = day
            rows["debt_payoffs"].append((self.next_id("debt_payoffs"), case_id, debt_id, 1, responses[debt_id],
                                         by_id[debt_id][5], day, f"TR-{debt_id}", self.recorder_id,
                                         at + timedelta(days=(day - approved).days, hours=5)))
        if stage == "some_paid" or not paid_ids:
            return days, closed
        days["paid_off_on"] = max(closed.values())
        if signed is not None:
            days["agreement_signed_on"] = signed
            days["first_due_month"] = add_months(signed.replace(day=1), 1)
        return days, closed

    def lines(self, archetype, snapshot_data: dict, snapshot_at: datetime, debts: list[tuple], case_id: int,
              coop, paying_unit_id: int | None, first_due: date, rows: dict) -> int:
        """The case's deduction runs: the archetype's, from deduction_lines.plan_runs, shifted to `first_due`."""
        key = id(archetype)
        if key not in self.runs:
            self.runs[key] = (first_due, self._archetype_runs(snapshot_data, snapshot_at, debts, first_due))
        base, runs = self.runs[key]
        shift = _months_between(base, first_due)
        ids = [d[0] for d in debts]
        for part, creditor, order, amount, start, end, instalment in runs:
            rows["deduction_lines"].append((
                self.next_id("deduction_lines"), case_id, 1, paying_unit_id, coop.province_code,
                part if part == "new_loan" else str(ids[part]),
                coop.name[:200] if creditor == PLACEHOLDER_COOPERATIVE else creditor, order, amount,
                add_months(start, shift), add_months(end, shift), instalment))
        return len(runs)

    @staticmethod
    def _archetype_runs(snapshot_data: dict, snapshot_at: datetime, debts: list[tuple], first_due: date) -> list:
        from app.models import CaseSnapshot
        from app.services import snapshots
        from app.services.approved_plan import ApprovedPlan, touched_debts
        from app.services.deduction_lines import plan_runs

        body = snapshots.read(snapshot_data)
        plan = ApprovedPlan(CaseSnapshot(data=snapshot_data, created_at=snapshot_at), body,
                            touched_debts(body["chosen_plan"]), {int(d["id"]): d for d in body.get("debts", [])})
        position = {d[0]: i for i, d in enumerate(debts)}
        return [(r.part if r.part == "new_loan" else position[int(r.part)], PLACEHOLDER_COOPERATIVE
                 if r.part == "new_loan" else r.creditor, r.legal_order, Decimal(r.amount), r.from_month, r.to_month,
                 r.instalment)
                for r in plan_runs(plan, PLACEHOLDER_COOPERATIVE, first_due)]
