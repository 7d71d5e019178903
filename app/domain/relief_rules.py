"""Relief entitlements from versioned rule tables (domain.md, "Relief cases").

Pure functions: which rules apply to a victim on the incident date, how much each gives, how a sum is
split among heirs exactly to the satang, and the yearly schedule of stipends and scholarships.
The rules themselves are data (models/relief.py, seeded from public figures, edited by administrators).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

from app.domain.money import SATANG

ZERO = Decimal("0.00")
HARMS = ("death", "permanent_disability", "serious_injury", "minor_injury", "property_damage")
EMPLOYMENT_TYPES = ("civil_servant_teacher", "education_personnel", "government_employee", "temporary_staff", "student")
RELATIONSHIPS = ("spouse", "child", "father", "mother", "dependant")
EDUCATION_LEVELS = ("kindergarten", "primary", "lower_secondary", "upper_secondary", "vocational", "higher")
SPLIT_METHODS = ("equal", "pension_heirs")

# Thai school ages (approximate, for levels in future years): kindergarten 3–5, primary 6–11,
# lower secondary 12–14, upper secondary 15–17, higher education 18–21 (a bachelor's degree by 22).
LEVEL_BY_AGE = ((3, "kindergarten"), (6, "primary"), (12, "lower_secondary"), (15, "upper_secondary"), (18, "higher"))
BACHELOR_DONE_AGE = 22
ACADEMIC_YEAR_START = (5, 16)  # Thai schools open in mid-May


@dataclass(frozen=True)
class Rule:
    """One version of an entitlement rule. `recipient`: "heirs" (split among beneficiaries), "victim",
    or "each_child" (per child beneficiary, by education level)."""

    code: str
    programme: str
    kind: str
    harms: tuple[str, ...]
    employment_types: tuple[str, ...] | None  # None: everyone
    recipient: str
    effective_from: date
    effective_to: date | None = None
    amount: Decimal | None = None               # a lump sum
    period: str = "once"                        # once, monthly, annual
    rates: dict[str, Decimal] = field(default_factory=dict)  # per education level, per period
    end_age: int | None = None                  # stipends stop at this age …
    until_bachelor: bool = False                # … or when a bachelor's degree is done
    offset_codes: tuple[str, ...] = ()          # earlier state payments deducted (rule codes)
    source: str = ""
    rule_id: int | None = None

    def applies(self, harm: str, employment_type: str, incident_date: date) -> bool:
        if harm not in self.harms:
            return False
        if self.employment_types is not None and employment_type not in self.employment_types:
            return False
        return self.effective_from <= incident_date and (self.effective_to is None or incident_date <= self.effective_to)


@dataclass(frozen=True)
class Heir:
    key: object
    relationship: str
    birth_date: date | None = None
    education_level: str | None = None


@dataclass(frozen=True)
class Share:
    key: object
    amount: Decimal
    remainder: bool = False  # this heir took the satang left over by rounding


@dataclass(frozen=True)
class Instalment:
    key: object           # the child
    period: str           # the Buddhist-Era academic year, "2569"
    due: date
    amount: Decimal
    education_level: str
    needs_continuation: bool


@dataclass(frozen=True)
class Entitlement:
    rule: Rule
    amount: Decimal
    shares: tuple[Share, ...]
    schedule: tuple[Instalment, ...] = ()
    offset: Decimal = ZERO
    note: str = ""


def rules_in_force(rules, harm: str, employment_type: str, incident_date: date) -> list[Rule]:
    """The rules for this harm and employment on the incident date; of several versions of one code,
    the one whose dates contain the incident date (the latest start if they overlap)."""
    chosen: dict[str, Rule] = {}
    for rule in rules:
        if rule.applies(harm, employment_type, incident_date):
            best = chosen.get(rule.code)
            if best is None or rule.effective_from > best.effective_from:
                chosen[rule.code] = rule
    return sorted(chosen.values(), key=lambda r: (r.programme, r.code))


def _group_weights(heirs: list[Heir]) -> dict[object, Decimal]:
    """The civil-service death-gratuity pattern: children 2 shares (3 if three or more), spouse 1,
    parents 1, shared equally inside each group. Other dependants share only when no one else is an heir."""
    groups: dict[str, list[Heir]] = {"child": [], "spouse": [], "parent": [], "dependant": []}
    for heir in heirs:
        group = "parent" if heir.relationship in ("father", "mother") else heir.relationship
        groups[group].append(heir)
    children = groups["child"]
    group_shares = {"child": Decimal(3 if len(children) >= 3 else 2) if children else ZERO,
                    "spouse": Decimal(1) if groups["spouse"] else ZERO,
                    "parent": Decimal(1) if groups["parent"] else ZERO}
    if not any(group_shares.values()):
        group_shares["dependant"] = Decimal(1) if groups["dependant"] else ZERO
    weights = {}
    for group, members in groups.items():
        for heir in members:
            weights[heir.key] = group_shares.get(group, ZERO) / len(members)
    return weights


def split(total: Decimal, heirs: list[Heir], method: str) -> tuple[Share, ...]:
    """Split `total` among heirs to the satang; the rounding remainder goes to one named heir (the spouse,
    else the first child, else the first heir) so that the shares sum exactly to the total."""
    if not heirs or total <= 0:
        return ()
    weights = {h.key: Decimal(1) for h in heirs} if method == "equal" else _group_weights(heirs)
    weight_sum = sum(weights.values(), ZERO)
    amounts = {key: (total * w / weight_sum).quantize(SATANG, rounding=ROUND_DOWN) for key, w in weights.items()}
    remainder = total - sum(amounts.values(), ZERO)
    takers = [h for h in heirs if weights[h.key] > 0]
    taker = next((h for h in takers if h.relationship == "spouse"), None) or \
        next((h for h in takers if h.relationship == "child"), None) or takers[0]
    amounts[taker.key] += remainder
    return tuple(Share(h.key, amounts[h.key], remainder=(h.key == taker.key and remainder != 0)) for h in heirs)


def academic_year_start(be_year: int) -> date:
    return date(be_year - 543, *ACADEMIC_YEAR_START)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _level_at(age: int) -> str | None:
    level = None
    for start, name in LEVEL_BY_AGE:
        if age >= start:
            level = name
    return level


def child_schedule(rule: Rule, child: Heir, first_year_be: int) -> tuple[Instalment, ...]:
    """One instalment per academic year from `first_year_be` while the child is within the rule: until a
    bachelor's degree (age 22 by the school ages above) and, where set, before `end_age`. The level each
    year follows the child's age; the first year uses the recorded level when there is one."""
    if child.birth_date is None:
        return ()
    items = []
    multiplier = 12 if rule.period == "monthly" else 1
    for year in range(first_year_be, first_year_be + 30):
        start = academic_year_start(year)
        age = _age_on(child.birth_date, start)
        if rule.end_age is not None and age >= rule.end_age:
            break
        if rule.until_bachelor and age >= BACHELOR_DONE_AGE:
            break
        level = child.education_level if (year == first_year_be and child.education_level) else _level_at(age)
        rate = rule.rates.get(level) if level else None
        if rate:
            items.append(Instalment(child.key, str(year), start, rate * multiplier, level, needs_continuation=True))
    return tuple(items)


def compute(rules, harm: str, employment_type: str, incident_date: date, heirs: list[Heir], method: str,
            victim_key: object, first_year_be: int) -> list[Entitlement]:
    """Every entitlement of a case: amounts, shares and schedules, offsets applied in rule order."""
    result: list[Entitlement] = []
    granted: dict[str, Decimal] = {}
    # Rules that deduct earlier state payments come after the payments they deduct.
    ordered = sorted(rules_in_force(rules, harm, employment_type, incident_date), key=lambda r: bool(r.offset_codes))
    for rule in ordered:
        if rule.recipient == "each_child":
            children = [h for h in heirs if h.relationship == "child"]
            schedule = tuple(item for child in children for item in child_schedule(rule, child, first_year_be))
            if not schedule:
                continue
            shares: dict[object, Decimal] = {}
            for item in schedule:
                shares[item.key] = shares.get(item.key, ZERO) + item.amount
            total = sum(shares.values(), ZERO)
            result.append(Entitlement(rule, total, tuple(Share(k, v) for k, v in shares.items()), schedule))
            granted[rule.code] = total
            continue
        amount = rule.amount or ZERO
        offset = min(amount, sum((granted.get(code, ZERO) for code in rule.offset_codes), ZERO))
        amount -= offset
        if amount <= 0:
            continue
        if rule.recipient == "heirs":
            shares_ = split(amount, heirs, method)
            if not shares_:
                continue
        else:
            shares_ = (Share(victim_key, amount),)
        result.append(Entitlement(rule, amount, shares_, offset=offset))
        granted[rule.code] = amount + offset
    return result
