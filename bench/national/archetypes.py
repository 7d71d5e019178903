"""Teacher debt situations for the national dataset, worked out once each by the application's own domain code.

A million cases are drawn from a pool of archetypes (salary, deductions, debts, birth date, and for one in five a
consolidation plan). Every derived figure — net, ratio, floor, risk group, interest still to pay, the plan's
result — comes from app/domain, never from a formula copied here, so a generated case reads exactly as if an
officer had typed it in. Distributions follow domain.md, "Scale": creditors by share of debt (cooperatives ~64%
at 5.64%, GSB ~28% at 6.9%, Krungthai ~4% at 7.12%, GH Bank ~4% at 6.4%), and 60% of teachers below the floor.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# (creditor type, creditor name, share of debt, rates around the average in domain.md, longest remaining term)
CREDITORS = (
    ("cooperative", None, 0.64, (5.25, 5.5, 5.64, 5.75, 6.0), 360),
    ("gsb", "ธนาคารออมสิน (ช.พ.ค.)", 0.28, (6.5, 6.75, 6.9, 7.0, 7.25), 360),
    ("ktb", "ธนาคารกรุงไทย", 0.04, (6.75, 7.0, 7.12, 7.25, 7.5), 240),
    ("ghb", "ธนาคารอาคารสงเคราะห์", 0.04, (6.0, 6.25, 6.4, 6.5, 6.75), 360),
)
# Legal status of a debt: mostly current; a few overdue, non-performing, sued or under enforcement.
LEGAL = (("normal", 0.92), ("overdue", 0.04), ("npl", 0.025), ("sued", 0.01), ("enforced", 0.005))
BELOW_FLOOR_SHARE = 0.60  # domain.md: the picture of the country the dashboards must show
PLAN_SHARE = 0.20         # 200,000 plans for 1,000,000 cases
MODEL_COOP_RATES = (Decimal("4.50"), Decimal("4.75"), Decimal("5.00"))


@dataclass
class Archetype:
    salary: Decimal
    allowances: Decimal
    birth_date: date
    deductions: list[tuple[str, str | None, Decimal]]                 # kind, label, monthly amount
    debts: list[dict]                                                 # Debt columns, creditor name may be None
    figures: dict                                                     # DebtCase's derived columns, no plan chosen
    affordability: object                                             # domain.affordability.Affordability
    plan: dict | None = None                                          # spec/result with debt keys 0..n-1
    chosen_figures: dict | None = None                                # the derived columns with the plan chosen
    regional: bool = False                                            # above the regional approval threshold
    extra: dict = field(default_factory=dict)


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def _annuity_principal(payment: float, annual_rate: float, months: int) -> float:
    r = annual_rate / 1200
    return payment * (1 - (1 + r) ** -months) / r


def build(rng: random.Random, settings, today: date, regional_threshold: Decimal) -> Archetype:
    """One archetype; `settings` is the live PlanSettings, so floor and caps are the configured ones."""
    from app.domain.case_summary import PlanOutcome, summarise
    from app.domain.planner import CaseFigures, DebtFigures, LoanTerms, PlanRejected, PlanSpec, evaluate_plan
    from app.domain.repayment import first_payment
    from app.services.debt_plans import result_to_json, spec_to_json

    salary = _money(rng.choice(range(15_000, 70_001, 10)) + 0.0)
    allowances = _money(rng.choice((0, 0, 3_500, 5_600, 9_900)))
    age = rng.randint(26, 59)
    birth_date = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    deductions = [("tax", None, _money(float(salary) * rng.uniform(0.0, 0.06))),
                  ("gpf", None, _money(float(salary) * 0.03)),
                  ("funeral_welfare", "ช.พ.ค./ช.พ.ส.", _money(rng.choice((800, 950, 1_100)))),
                  ("cooperative_shares", None, _money(max(500.0, float(salary) * rng.uniform(0.01, 0.03))))]
    non_debt = sum((d[2] for d in deductions), Decimal("0"))
    base = float(salary if settings.affordability.base == "salary" else salary + allowances)
    floor = float(settings.affordability.floor)
    target = rng.uniform(0.02, floor - 0.005) if rng.random() < BELOW_FLOOR_SHARE else rng.uniform(floor + 0.01, 0.6)
    service = max(1_500.0, float(salary + allowances - non_debt) - target * base)
    count = rng.choices((1, 2, 3, 4, 5, 6), weights=(10, 22, 30, 22, 10, 6))[0]
    weights = [rng.random() + 0.2 for _ in range(count)]
    debts = []
    for i, weight in enumerate(weights):
        kind, name, _share, rates, longest = CREDITORS[0] if i == 0 else rng.choices(
            CREDITORS, weights=[c[2] for c in CREDITORS])[0]
        rate = Decimal(str(rng.choice(rates)))
        months = rng.randint(12, longest)
        payment = service * weight / sum(weights)
        outstanding = _money(round(_annuity_principal(payment, float(rate), months), -2))
        if outstanding <= 0:
            outstanding = Decimal("1000.00")
        monthly = first_payment(outstanding, rate, months)
        legal = rng.choices([s for s, _w in LEGAL], weights=[w for _s, w in LEGAL])[0]
        debts.append({"creditor_name": name, "creditor_type": kind, "outstanding": outstanding, "annual_rate": rate,
                      "monthly_payment": monthly, "remaining_months": months, "salary_deducted": kind != "ghb",
                      "legal_status": legal})
    case = CaseFigures(salary=salary, allowances=allowances, non_debt_deductions=non_debt, birth_date=birth_date,
                       debts=tuple(DebtFigures(key=i, creditor_name=d["creditor_name"] or "สหกรณ์",
                                               outstanding=d["outstanding"], annual_rate=d["annual_rate"],
                                               monthly_payment=d["monthly_payment"],
                                               remaining_months=d["remaining_months"],
                                               legal_status=d["legal_status"]) for i, d in enumerate(debts)))
    summary = summarise(case, settings)  # the same figures the application stores for a case typed in
    archetype = Archetype(salary, allowances, birth_date, deductions, debts, summary.columns(), summary.affordability)
    if rng.random() < PLAN_SHARE:
        rate = rng.choice(MODEL_COOP_RATES)
        for term in (360, 300, 240, 180, 120):
            spec = PlanSpec(consolidate_keys=tuple(range(len(debts))),
                            consolidate_terms=LoanTerms(annual_rate=rate, term_months=term))
            try:
                plan = evaluate_plan(case, spec, settings, today)
            except PlanRejected:
                continue
            archetype.plan = {"label": f"รวมหนี้เข้าสหกรณ์ {rate}% {term} งวด", "spec": spec_to_json(spec),
                              "result": result_to_json(plan), "interest_saved": plan.interest_saved,
                              "meets_floor": plan.after.affordability.meets_floor}
            archetype.chosen_figures = summarise(case, settings,
                                                 PlanOutcome.of_stored(archetype.plan["result"])).columns()
            archetype.regional = plan.new_loan.principal > regional_threshold
            break
    return archetype


def pool(size: int, seed: int, settings, today: date, regional_threshold: Decimal) -> list[Archetype]:
    rng = random.Random(seed)
    return [build(rng, settings, today, regional_threshold) for _ in range(size)]
