"""Restructuring plans and the term suggestion (domain.md, "Restructuring plan").

A plan consolidates chosen debts into one new loan at a model cooperative, reschedules debts with
their own creditors, or shares what the teacher can repay among creditors pro rata. Debts not touched
keep their payments. Caps: the maximum term and the borrower's age at the last instalment.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_FLOOR, Decimal

from app.domain.affordability import Affordability, AffordabilitySettings, assess, risk_group
from app.domain.money import RoundingRule, SATANG, money_str, to_money
from app.domain.repayment import (
    MAX_TERM, METHODS, Schedule, build_schedule, first_payment, months_to_clear, remaining_interest,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DebtFigures:
    key: object
    creditor_name: str
    outstanding: Decimal
    annual_rate: Decimal
    monthly_payment: Decimal
    remaining_months: int
    legal_status: str = "normal"


@dataclass(frozen=True)
class CaseFigures:
    salary: Decimal
    allowances: Decimal
    non_debt_deductions: Decimal
    debts: tuple[DebtFigures, ...]
    birth_date: date | None = None
    # A retired teacher: the monthly pension is receipts and base instead of salary and allowances (domain.md,
    # "The 30% rule": it covers pensions too). The age cap of plans applies all the same.
    retired: bool = False
    pension: Decimal = ZERO

    @property
    def pension_received(self) -> Decimal | None:
        """What affordability.assess takes as `pension`: the pension of a retired teacher, None for a serving one."""
        return self.pension if self.retired else None


@dataclass(frozen=True)
class LoanTerms:
    annual_rate: Decimal
    term_months: int
    method: str = "annuity"


@dataclass(frozen=True)
class PlanSpec:
    consolidate_keys: tuple = ()
    consolidate_terms: LoanTerms | None = None
    reschedule: tuple = ()  # ((key, LoanTerms), ...)
    pro_rata_keys: tuple = ()


@dataclass(frozen=True)
class PlanSettings:
    max_term_months: int = 360
    max_age_at_end: int = 75
    rounding: RoundingRule = field(default_factory=RoundingRule)
    affordability: AffordabilitySettings = field(default_factory=AffordabilitySettings)


class PlanRejected(ValueError):
    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class Situation:
    affordability: Affordability
    risk_group: str
    debt_service: Decimal
    total_interest_remaining: Decimal

    def as_dict(self) -> dict:
        return {**self.affordability.as_dict(), "risk_group": self.risk_group,
                "total_interest_remaining": money_str(self.total_interest_remaining)}


@dataclass(frozen=True)
class PlanResult:
    new_loan: Schedule | None
    rescheduled: tuple  # ((key, Schedule), ...)
    pro_rata: tuple  # ((key, payment, months), ...)
    before: Situation
    after: Situation
    interest_saved: Decimal
    warnings: tuple[str, ...]
    settings: PlanSettings | None = None  # the settings it was worked out under: its schedules use the same (issue 17)


@dataclass(frozen=True)
class Suggestion:
    feasible: bool
    term_months: int | None = None
    monthly_payment: Decimal | None = None
    after: Situation | None = None
    best_term_months: int | None = None
    best_ratio: Decimal | None = None
    monthly_gap: Decimal | None = None


def _situation(case: CaseFigures, payments: list[Decimal], statuses: list[str], interest: Decimal,
               settings: PlanSettings) -> Situation:
    debt_service = sum(payments, ZERO)
    result = assess(case.salary, case.allowances, case.non_debt_deductions, debt_service, settings.affordability,
                    pension=case.pension_received)
    return Situation(result, risk_group(statuses, bool(payments), result.meets_floor), to_money(debt_service),
                     to_money(interest))


def _debt_interest(debt: DebtFigures) -> Decimal:
    return remaining_interest(debt.outstanding, debt.annual_rate, debt.monthly_payment, debt.remaining_months)


def describe_situation(case: CaseFigures, settings: PlanSettings) -> Situation:
    return _situation(case, [d.monthly_payment for d in case.debts], [d.legal_status for d in case.debts],
                      sum((_debt_interest(d) for d in case.debts), ZERO), settings)


def _add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def months_until_age_cap(birth_date: date | None, today: date, max_age: int) -> int | None:
    """How many monthly instalments (instalment k falls on today + k months) fit on or before the day the
    borrower turns max_age: the age cap at the last instalment (domain.md, "Restructuring plan"; default 75).
    None when the birth date is unknown."""
    if birth_date is None:
        return None
    cap_day = _add_months(birth_date, 12 * max_age)  # born 29 Feb: the cap falls on 28 Feb in common years
    months = (cap_day.year - today.year) * 12 + (cap_day.month - today.month)
    if _add_months(today, months) > cap_day:
        months -= 1
    return max(0, months)


def _check_term(terms: LoanTerms, path: str, case: CaseFigures, settings: PlanSettings, today: date,
                errors: dict) -> None:
    if terms.method not in METHODS:  # the two methods of domain.md, "Repayment maths"
        errors[f"{path}.method"] = f"unknown method {terms.method!r}: one of {', '.join(METHODS)}"
    if terms.term_months < 1:
        errors[f"{path}.term_months"] = "term_min: at least 1 month"
        return
    if terms.term_months > settings.max_term_months:
        errors[f"{path}.term_months"] = f"term_cap: at most {settings.max_term_months} months"
        return
    allowed = months_until_age_cap(case.birth_date, today, settings.max_age_at_end)
    if allowed is not None and terms.term_months > allowed:
        errors[f"{path}.term_months"] = f"age_cap: at most {allowed} months before age {settings.max_age_at_end}"


def _weighted_rate(debts: list[DebtFigures]) -> Decimal:
    total = sum((d.outstanding for d in debts), ZERO)
    return sum((d.outstanding * d.annual_rate for d in debts), ZERO) / total if total else ZERO


def _pro_rata_shares(amount: Decimal, debts: list[DebtFigures]) -> dict:
    """Share `amount` in proportion to what each is owed, to the satang; the remainder goes to the
    largest debt so that the shares sum exactly to the amount."""
    total = sum((d.outstanding for d in debts), ZERO)
    if total <= 0:
        return {d.key: ZERO for d in debts}
    shares = {d.key: (amount * d.outstanding / total).quantize(SATANG, rounding=ROUND_DOWN) for d in debts}
    largest = max(debts, key=lambda d: d.outstanding).key
    shares[largest] += amount - sum(shares.values(), ZERO)
    return shares


def _check_key_list(keys, path: str, debts: dict, errors: dict) -> None:
    """Every key names a debt of the case, once."""
    for key in keys:
        if key not in debts:
            errors[path] = f"unknown debt {key}"
    if len(set(keys)) != len(keys):
        errors.setdefault(path, "a debt is listed twice")


def _check_consolidation(keys, debts: dict, errors: dict) -> None:
    """A consolidation needs debts, each known, listed once, and something outstanding to refinance."""
    if not keys:
        errors["consolidate.debt_ids"] = "no debts to consolidate"
        return
    _check_key_list(keys, "consolidate.debt_ids", debts, errors)
    if "consolidate.debt_ids" not in errors and sum((debts[k].outstanding for k in keys), ZERO) <= 0:
        errors["consolidate.debt_ids"] = "nothing outstanding to consolidate"


def _check_spec(case: CaseFigures, spec: PlanSpec, settings: PlanSettings, today: date) -> None:
    """Raise PlanRejected naming every field that breaks a rule (caps: domain.md, "Restructuring plan")."""
    debts = {d.key: d for d in case.debts}
    errors: dict[str, str] = {}
    if spec.consolidate_terms is not None or spec.consolidate_keys:
        _check_consolidation(tuple(spec.consolidate_keys), debts, errors)
        if spec.consolidate_terms is None:
            errors["consolidate.term_months"] = "the new loan needs a rate and a term"
        else:
            _check_term(spec.consolidate_terms, "consolidate", case, settings, today, errors)
    touched = set(spec.consolidate_keys)
    for i, (key, terms) in enumerate(spec.reschedule):
        if key not in debts:
            errors[f"reschedule[{i}].debt_id"] = f"unknown debt {key}"
        elif key in touched:
            errors[f"reschedule[{i}].debt_id"] = "debt already in another part of the plan"
        elif debts[key].outstanding <= 0:
            errors[f"reschedule[{i}].debt_id"] = "nothing outstanding to reschedule"
        touched.add(key)
        _check_term(terms, f"reschedule[{i}]", case, settings, today, errors)
    _check_key_list(tuple(spec.pro_rata_keys), "pro_rata.debt_ids", debts, errors)
    if touched & set(spec.pro_rata_keys):
        errors.setdefault("pro_rata.debt_ids", "debt already in another part of the plan")
    if errors:
        raise PlanRejected(errors)


def _repayable_above_floor(case: CaseFigures, settings: PlanSettings) -> Decimal:
    """Income the 30% rule leaves for debts: (receipts − non-debt deductions) − floor·base, and no more than
    leaves the absolute minimum where one is set (domain.md, "The 30% rule"); rounded DOWN to the satang
    so that paying it all still meets the floor."""
    rule = settings.affordability
    view = assess(case.salary, case.allowances, case.non_debt_deductions, ZERO, rule, pension=case.pension_received)
    available = view.receipts - case.non_debt_deductions
    room = available - rule.floor * view.base
    if rule.absolute_minimum is not None:
        room = min(room, available - rule.absolute_minimum)
    return max(ZERO, room.quantize(SATANG, rounding=ROUND_FLOOR))


def evaluate_plan(case: CaseFigures, spec: PlanSpec, settings: PlanSettings, today: date) -> PlanResult:
    _check_spec(case, spec, settings, today)
    debts = {d.key: d for d in case.debts}
    touched = set(spec.consolidate_keys) | {key for key, _terms in spec.reschedule}

    warnings: list[str] = []
    payments, statuses, interest = [], [], ZERO
    new_loan = None
    if spec.consolidate_keys:
        merged = [debts[k] for k in spec.consolidate_keys]
        terms = spec.consolidate_terms
        new_loan = build_schedule(sum((d.outstanding for d in merged), ZERO), terms.annual_rate,
                                  terms.term_months, terms.method, settings.rounding)
        payments.append(new_loan.first_payment)
        interest += new_loan.total_interest
        statuses.append("normal")  # the model cooperative's new loan starts in good standing
        if terms.annual_rate > _weighted_rate(merged):
            warnings.append("rate_above_old")
    rescheduled = []
    for key, terms in spec.reschedule:
        debt = debts[key]
        schedule = build_schedule(debt.outstanding, terms.annual_rate, terms.term_months, terms.method,
                                  settings.rounding)
        rescheduled.append((key, schedule))
        payments.append(schedule.first_payment)
        interest += schedule.total_interest
        statuses.append(debt.legal_status)
        if terms.annual_rate > debt.annual_rate and "rate_above_old" not in warnings:
            warnings.append("rate_above_old")
    untouched = [d for d in case.debts if d.key not in touched and d.key not in spec.pro_rata_keys]
    for debt in untouched:
        payments.append(debt.monthly_payment)
        interest += _debt_interest(debt)
        statuses.append(debt.legal_status)
    pro_rata = []
    if spec.pro_rata_keys:
        shared = [debts[k] for k in spec.pro_rata_keys]
        # Income above the floor, less what the debts outside the pro-rata share already take.
        repayable = max(ZERO, _repayable_above_floor(case, settings) - sum(payments, ZERO))
        for key, share in _pro_rata_shares(repayable, shared).items():
            debt = debts[key]
            cleared = months_to_clear(debt.outstanding, debt.annual_rate, share) if share > 0 else None
            if cleared is None:  # the share does not exceed the monthly interest: the debt never clears
                if "pro_rata_not_repayable" not in warnings:
                    warnings.append("pro_rata_not_repayable")
                months, debt_interest = 0, _debt_interest(debt)
            else:
                months, debt_interest = cleared
            pro_rata.append((key, share, months))
            payments.append(share)
            interest += debt_interest
            statuses.append(debt.legal_status)
    before = describe_situation(case, settings)
    after = _situation(case, payments, statuses, interest, settings)
    if not after.affordability.meets_floor:
        warnings.append("still_below_floor")
    return PlanResult(new_loan=new_loan, rescheduled=tuple(rescheduled), pro_rata=tuple(pro_rata), before=before,
                      after=after, interest_saved=to_money(before.total_interest_remaining - after.total_interest_remaining),
                      warnings=tuple(warnings), settings=settings)


def suggest_term(case: CaseFigures, consolidate_keys, annual_rate: Decimal, method: str, settings: PlanSettings,
                 today: date) -> Suggestion:
    """The shortest consolidation term that meets the floor, by binary search: instalments fall as the
    term grows. If none does within the caps, the best reachable ratio and the monthly amount missing."""
    debts = {d.key: d for d in case.debts}
    errors: dict[str, str] = {}
    _check_consolidation(tuple(consolidate_keys), debts, errors)
    if errors:
        raise PlanRejected(errors)
    merged = [debts[k] for k in consolidate_keys]
    principal = sum((d.outstanding for d in merged), ZERO)
    others = sum((d.monthly_payment for d in case.debts if d.key not in set(consolidate_keys)), ZERO)
    longest = min(settings.max_term_months, MAX_TERM)  # the maximum term cap (default 360)
    by_age = months_until_age_cap(case.birth_date, today, settings.max_age_at_end)
    if by_age is not None:
        longest = min(longest, by_age)

    def verdict(months: int) -> Affordability:
        payment = first_payment(principal, annual_rate, months, method, settings.rounding)
        return assess(case.salary, case.allowances, case.non_debt_deductions, others + payment, settings.affordability,
                      pension=case.pension_received)

    if longest < 1 or principal <= 0:
        current = describe_situation(case, settings).affordability
        return Suggestion(feasible=False, best_term_months=0, best_ratio=current.ratio, monthly_gap=current.shortfall)
    best = verdict(longest)
    if not best.meets_floor:
        return Suggestion(feasible=False, best_term_months=longest, best_ratio=best.ratio, monthly_gap=best.shortfall)
    low, high = 1, longest  # verdict(high) meets the floor
    while low < high:
        middle = (low + high) // 2
        if verdict(middle).meets_floor:
            high = middle
        else:
            low = middle + 1
    spec = PlanSpec(consolidate_keys=tuple(consolidate_keys),
                    consolidate_terms=LoanTerms(annual_rate=annual_rate, term_months=low, method=method))
    result = evaluate_plan(case, spec, settings, today)
    return Suggestion(feasible=True, term_months=low, monthly_payment=result.new_loan.first_payment, after=result.after)
