"""Relief entitlements from versioned rule tables (domain.md, "Relief cases").

Pure functions: which rules apply to a victim on the incident date, how much each gives, how a sum is
split among heirs exactly to the satang, and the yearly schedule of stipends and scholarships.
The rules themselves are data (models/relief.py, seeded from public figures, edited by administrators).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from app.domain.money import SATANG

ZERO = Decimal("0.00")
HARMS = ("death", "permanent_disability", "serious_injury", "minor_injury", "property_damage")
EMPLOYMENT_TYPES = ("civil_servant_teacher", "education_personnel", "government_employee", "temporary_staff", "student")
RELATIONSHIPS = ("spouse", "child", "father", "mother", "dependant")
EDUCATION_LEVELS = ("kindergarten", "primary", "lower_secondary", "upper_secondary", "vocational", "higher")
SPLIT_METHODS = ("equal", "pension_heirs")
# Funeral-welfare funds the victim may have been a member of (domain.md, "Relief cases": ช.พ.ค. and ช.พ.ส.;
# membership is a fact about the victim). A rule with `membership` set applies only to a member of that fund.
FUNERAL_FUNDS = ("chpk", "chps")

# Thai school ages, used only to PROJECT the level of future years (the recorded level is the fact):
# kindergarten 3–5, primary 6–11, lower secondary 12–14, upper secondary 15–17, higher education from 18.
LEVEL_BY_AGE = ((3, "kindergarten"), (6, "primary"), (12, "lower_secondary"), (15, "upper_secondary"), (18, "higher"))
HIGHER_EDUCATION_AGE = 18
# A Thai bachelor's degree takes four academic years. domain.md ("Relief cases"): the MOE scholarship runs "until a
# first bachelor's degree" and "has no age cap of its own: each year's proof of enrolment is the control (a
# 23-year-old undergraduate still receives it)". So no age ends it; a schedule PROJECTS the years of the degree:
# - a child recorded at education level "higher" is an undergraduate: every projected year is "higher"; the four
#   years of the degree are counted from the year they entered higher education, estimated as the year they were 18
#   (the school ages above), and at least the year of the incident is always projected — an undergraduate aged 23
#   or more gets that year even though, by age, a degree "should" be done;
# - the projection is extendable: computed again (a revision of the case, domain.md "Workflow"), the schedule of a
#   child still recorded at "higher" runs at least to the current academic year (`extend_through_be`);
# - a child at school is projected by age into higher education from 18 for the four years of the degree.
# Each projected year is paid only after its continuation check (proof of enrolment), so a year projected for a
# child who has finished, or left, is never paid.
BACHELOR_YEARS = 4
ACADEMIC_YEAR_START = (5, 16)  # Thai schools open in mid-May
# A monthly stipend's twelve months of academic year Y are the calendar months from May (the opening month) to April.
FIRST_STIPEND_MONTH = 5


@dataclass(frozen=True)
class Rule:
    """One version of an entitlement rule. `recipient`: "heirs" (split among beneficiaries), "victim",
    or "each_child" (per child beneficiary, by education level). A lump-sum rule whose `amount` is None has not
    been set by an administrator yet (domain.md: funeral welfare, property damage): it gives nothing, and the case
    says so (`unset_rules`)."""

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
    membership: str | None = None               # only for a victim who was a member of this fund (FUNERAL_FUNDS)
    title: str = ""

    def applies(self, harm: str, employment_type: str, incident_date: date,
                memberships: frozenset[str] | set[str] = frozenset()) -> bool:
        if harm not in self.harms:
            return False
        if self.employment_types is not None and employment_type not in self.employment_types:
            return False
        if self.membership is not None and self.membership not in memberships:
            return False
        return self.effective_from <= incident_date and (self.effective_to is None or incident_date <= self.effective_to)

    @property
    def unset(self) -> bool:
        """A lump sum with no amount yet, or a per-period rule with no rates: an administrator still has to set it."""
        return self.amount is None if self.period == "once" else not self.rates


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
    months: int | None = None  # a monthly stipend: how many months of the year this instalment pays


@dataclass(frozen=True)
class Entitlement:
    rule: Rule
    amount: Decimal
    shares: tuple[Share, ...]
    schedule: tuple[Instalment, ...] = ()
    offset: Decimal = ZERO
    note: str = ""


@dataclass(frozen=True)
class Note:
    """Why a case lacks an entitlement it may have: "amount_not_set" (a rule in force has no amount yet; `rule` is
    it) or "no_rule" (no rule covers the harm at all on the incident date; property damage, domain.md)."""

    reason: str
    harm: str
    rule: Rule | None = None


def rules_in_force(rules, harm: str, employment_type: str, incident_date: date,
                   memberships: frozenset[str] | set[str] = frozenset()) -> list[Rule]:
    """The rules for this harm, employment and fund memberships on the incident date; of several versions of one
    code, the one whose dates contain the incident date (the latest start if they overlap)."""
    chosen: dict[str, Rule] = {}
    for rule in rules:
        if rule.applies(harm, employment_type, incident_date, memberships):
            best = chosen.get(rule.code)
            if best is None or rule.effective_from > best.effective_from:
                chosen[rule.code] = rule
    return sorted(chosen.values(), key=lambda r: (r.programme, r.code))


def group_weights(heirs: list[Heir]) -> dict[object, Fraction]:
    """The civil-service death-gratuity pattern (domain.md, "Splitting among heirs"): children 2 shares (3 if three
    or more), spouse 1, parents 1, shared equally inside each group — as exact fractions (3 shares among 7 children
    is 3/7 each, never 0.4285714…). Other dependants share only when no one else is an heir."""
    groups: dict[str, list[Heir]] = {"child": [], "spouse": [], "parent": [], "dependant": []}
    for heir in heirs:
        group = "parent" if heir.relationship in ("father", "mother") else heir.relationship
        groups[group].append(heir)
    children = groups["child"]
    group_shares = {"child": Fraction(3 if len(children) >= 3 else 2) if children else Fraction(0),
                    "spouse": Fraction(1) if groups["spouse"] else Fraction(0),
                    "parent": Fraction(1) if groups["parent"] else Fraction(0)}
    if not any(group_shares.values()):
        group_shares["dependant"] = Fraction(1) if groups["dependant"] else Fraction(0)
    weights = {}
    for group, members in groups.items():
        for heir in members:
            weights[heir.key] = group_shares.get(group, Fraction(0)) / len(members)
    return weights


def weights_for(heirs: list[Heir], method: str) -> dict[object, Fraction]:
    return {h.key: Fraction(1) for h in heirs} if method == "equal" else group_weights(heirs)


def split(total: Decimal, heirs: list[Heir], method: str) -> tuple[Share, ...]:
    """Split `total` among heirs (domain.md, "Splitting among heirs"): each exact share is weight × total ÷ total
    weight, a Fraction of satang; it is cut to the satang only at the end. A share that is a whole number of satang
    is paid exactly. Cutting the others down leaves fewer satang than there are heirs; that true rounding remainder
    goes to one named heir whose exact share was not whole (the spouse, else the first child, else the first such
    heir), so the shares sum exactly to the total and no whole share is ever changed."""
    if not heirs or total <= 0:
        return ()
    weights = weights_for(heirs, method)
    weight_sum = sum(weights.values(), Fraction(0))
    satang_total = Fraction(total) / Fraction(SATANG)
    if satang_total.denominator != 1:
        raise ValueError("split: the total must be a whole number of satang")
    total_satang = satang_total.numerator
    exact = {key: Fraction(total_satang) * w / weight_sum for key, w in weights.items()}
    satang = {key: share.numerator // share.denominator for key, share in exact.items()}  # floor: never over
    remainder = total_satang - sum(satang.values())
    taker = None
    if remainder:
        # The remainder exists only because some exact share is not whole: one of those heirs takes it.
        fractional = [h for h in heirs if exact[h.key].denominator != 1]
        taker = next((h for h in fractional if h.relationship == "spouse"), None) or \
            next((h for h in fractional if h.relationship == "child"), None) or fractional[0]
        satang[taker.key] += remainder
    return tuple(Share(h.key, Decimal(satang[h.key]) * SATANG, remainder=(taker is not None and h.key == taker.key))
                 for h in heirs)


def academic_year_start(be_year: int) -> date:
    return date(be_year - 543, *ACADEMIC_YEAR_START)


def academic_year_of(day: date) -> int:
    """The Buddhist-Era academic year a day falls in (years open in mid-May)."""
    return day.year + 543 - (0 if (day.month, day.day) >= ACADEMIC_YEAR_START else 1)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _level_at(age: int) -> str | None:
    level = None
    for start, name in LEVEL_BY_AGE:
        if age >= start:
            level = name
    return level


def stipend_months(be_year: int, birth: date, end_age: int | None, incident_date: date | None) -> list[date]:
    """The months of academic year `be_year` a monthly stipend pays (the first day of each calendar month, May to
    April). The year of the incident pays from the month of the incident: the incident's month counts as a whole
    month (the family lost its support in that month; domain.md states the stipend by the month, not by the day),
    the months before it never. A stipend that ends at an age (SBPAC: "until a bachelor's degree or age 25") pays a
    month only when the child is under that age on its first day."""
    start_year = be_year - 543
    months = [date(start_year + (FIRST_STIPEND_MONTH + i - 1) // 12, (FIRST_STIPEND_MONTH + i - 1) % 12 + 1, 1)
              for i in range(12)]
    if incident_date is not None:
        months = [m for m in months if (m.year, m.month) >= (incident_date.year, incident_date.month)]
    if end_age is not None:
        months = [m for m in months if _age_on(birth, m) < end_age]
    return months


def child_schedule(rule: Rule, child: Heir, first_year_be: int, incident_date: date | None = None,
                   extend_through_be: int | None = None) -> tuple[Instalment, ...]:
    """One instalment per academic year from `first_year_be` (the incident's) while the child is within the rule:
    until the bachelor's degree as projected above (BACHELOR_YEARS) and, where set, before `end_age`. The first
    year uses the recorded level; a child recorded at "higher" stays in higher education; other years follow the
    child's age. A monthly rate pays the months of each year (`stipend_months`): the first year only from the month
    of the incident. An annual rate pays the whole year, the incident's included (domain.md: a scholarship "a year").
    """
    if child.birth_date is None:
        return ()
    undergraduate = child.education_level == "higher"
    higher_years = 0
    if undergraduate:
        # Years of the degree already behind them by the incident's year (entered at 18), leaving at least this one.
        age_then = _age_on(child.birth_date, academic_year_start(first_year_be))
        higher_years = min(max(age_then - HIGHER_EDUCATION_AGE, 0), BACHELOR_YEARS - 1)
    items = []
    for year in range(first_year_be, first_year_be + 40):
        start = academic_year_start(year)
        age = _age_on(child.birth_date, start)
        if rule.end_age is not None and age >= rule.end_age:
            break
        if undergraduate:
            level = "higher"
        elif year == first_year_be and child.education_level:
            level = child.education_level
        else:
            level = _level_at(age)
        if level == "higher":
            extended = undergraduate and extend_through_be is not None and year <= extend_through_be
            if higher_years >= BACHELOR_YEARS and not extended:
                break  # the bachelor's degree, as projected (domain.md: "until a first bachelor's degree")
            higher_years += 1
        rate = rule.rates.get(level) if level else None
        if not rate:
            continue
        first = year == first_year_be
        due = max(start, incident_date) if (first and incident_date is not None) else start
        if rule.period == "monthly":
            months = len(stipend_months(year, child.birth_date, rule.end_age, incident_date if first else None))
            if months:
                items.append(Instalment(child.key, str(year), due, rate * months, level, needs_continuation=True,
                                        months=months))
        else:
            items.append(Instalment(child.key, str(year), due, rate, level, needs_continuation=True))
    return tuple(items)


def compute(rules, harm: str, employment_type: str, incident_date: date, heirs: list[Heir], method: str,
            victim_key: object, first_year_be: int | None = None, memberships: frozenset[str] | set[str] = frozenset(),
            extend_through_be: int | None = None) -> list[Entitlement]:
    """Every entitlement of a case: amounts, shares and schedules, offsets applied in rule order."""
    if first_year_be is None:
        first_year_be = academic_year_of(incident_date)
    result: list[Entitlement] = []
    granted: dict[str, Decimal] = {}
    # Rules that deduct earlier state payments come after the payments they deduct.
    ordered = sorted(rules_in_force(rules, harm, employment_type, incident_date, memberships),
                     key=lambda r: bool(r.offset_codes))
    for rule in ordered:
        if rule.unset:
            continue  # not set by an administrator yet: `unset_rules` names it on the case
        if rule.recipient == "each_child":
            children = [h for h in heirs if h.relationship == "child"]
            schedule = tuple(item for child in children
                             for item in child_schedule(rule, child, first_year_be, incident_date, extend_through_be))
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


def notes(rules, harm: str, employment_type: str, incident_date: date,
          memberships: frozenset[str] | set[str] = frozenset()) -> list[Note]:
    """What the case must say plainly about entitlements it cannot compute yet (domain.md, "Relief cases"):
    each rule in force whose amount an administrator has not set (funeral welfare of a fund the victim belonged to,
    property damage); and, for property damage, that no rule with an amount covers it at all."""
    in_force = rules_in_force(rules, harm, employment_type, incident_date, memberships)
    if harm == "property_damage" and all(rule.unset for rule in in_force):
        # One plain sentence, whether no rule exists or only one an administrator has not given an amount yet.
        return [Note("no_rule", harm, next(iter(in_force), None))]
    return [Note("amount_not_set", harm, rule) for rule in in_force if rule.unset]
