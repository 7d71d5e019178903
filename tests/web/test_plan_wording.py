"""Issue 21 point 4: a plan that costs more interest says so, with its cause, and a pro-rata share that does not
cover its debt's monthly interest says that plainly; debts are numbered 1..n on the page (point 8)."""
import re
from decimal import Decimal

from app.extensions import db
from app.models import DebtPlan
from app.services import debt_plans
from tests.factories import new_case, user
from tests.helpers import three_debts


def _annuity_interest(principal: float, annual_rate: float, months: int) -> float:
    r = annual_rate / 1200
    return principal * r / (1 - (1 + r) ** -months) * months - principal


def test_a_longer_plan_says_interest_rises_and_why(api, as_user):
    case = api("coop_officer").post("/api/v1/debt-cases", json=three_debts()).json
    gsb, ktb = case["debts"][1], case["debts"][2]
    plan = api("coop_officer").post(f"/api/v1/debt-cases/{case['id']}/plans", json={
        "label": "ยาว 240", "consolidate": {"debt_ids": [gsb["id"], ktb["id"]], "annual_rate": "4.5",
                                             "term_months": 240, "method": "annuity"}}).json
    # Independently: 750,000 over 240 months at 4.5% costs ~388,000 of interest; the two debts as they are,
    # 9,000 a month for 96 months and 4,500 for 40, cost at most 9,000·96 − 600,000 + 4,500·40 − 150,000 = 294,000.
    assert _annuity_interest(750_000, 4.5, 240) > 9_000 * 96 - 600_000 + 4_500 * 40 - 150_000
    saved = Decimal(plan["interest_saved"])
    assert saved < 0
    page = as_user("coop_officer").get(f"/debt-cases/{case['id']}").get_data(as_text=True)
    cell = page[page.index('data-testid="interest-change"'):]
    cell = cell[:cell.index("</td>")]
    assert f"ดอกเบี้ยเพิ่มขึ้น {abs(saved):,.2f} บาท" in cell
    assert "ผ่อนนานขึ้นเป็น 240 เดือน จากเดิม 96 เดือน" in cell
    assert f"-{abs(saved):,.2f}" not in page and "ประหยัดดอกเบี้ย -" not in page


def test_a_shorter_plan_says_what_it_saves(api, as_user):
    case = api("coop_officer").post("/api/v1/debt-cases", json=three_debts()).json
    ktb = case["debts"][2]
    plan = api("coop_officer").post(f"/api/v1/debt-cases/{case['id']}/plans", json={
        "label": "สั้น", "reschedule": [{"debt_id": ktb["id"], "annual_rate": "3.0", "term_months": 40,
                                         "method": "annuity"}]}).json
    saved = Decimal(plan["interest_saved"])
    assert saved > 0  # the same 40 months at 3% instead of 7.12%
    page = as_user("coop_officer").get(f"/debt-cases/{case['id']}").get_data(as_text=True)
    assert f"ประหยัดดอกเบี้ย {saved:,.2f} บาท" in page and "ดอกเบี้ยเพิ่มขึ้น" not in page


def test_a_share_below_the_interest_is_said_plainly(api, as_user):
    body = three_debts()
    body["deductions"].append({"kind": "insurance", "monthly_amount": "25000.00"})
    case = api("coop_officer").post("/api/v1/debt-cases", json=body).json
    ids = [d["id"] for d in case["debts"]]
    plan = api("coop_officer").post(f"/api/v1/debt-cases/{case['id']}/plans", json={
        "label": "เฉลี่ย", "pro_rata": {"debt_ids": ids}}).json
    shares = {p["debt_id"]: Decimal(p["monthly_payment"]) for p in plan["pro_rata"]}
    # Independently: 48,500 received, 30% of the 45,000 salary kept (13,500), 28,350 of other deductions: 6,650 to
    # share by what is owed.
    assert sum(shares.values()) == Decimal("6650.00")
    first = case["debts"][0]
    interest = (Decimal(first["outstanding"]) * Decimal(first["annual_rate"]) / 1200).quantize(Decimal("0.01"))
    assert shares[first["id"]] < interest == Decimal("8864.58")
    page = as_user("coop_officer").get(f"/debt-cases/{case['id']}").get_data(as_text=True)
    rows = re.findall(r'data-testid="pro-rata-share">(.*?)</div>', page, re.S)
    assert len(rows) == 3
    assert "หนี้รายการที่ 1" in rows[0] and f"{shares[first['id']]:,.2f}" in rows[0]
    assert f"ไม่พอจ่ายดอกเบี้ยเดือนละ {interest:,.2f} บาท" in rows[0]
    assert "× 0" not in page


def test_debts_are_numbered_one_to_n(api, as_user):
    case = api("coop_officer").post("/api/v1/debt-cases", json=three_debts()).json
    page = as_user("coop_officer").get(f"/debt-cases/{case['id']}").get_data(as_text=True)
    table = page[page.index('data-testid="debts"'):]
    table = table[:table.index("</table>")]
    numbers = re.findall(r"<tr><td>(\d+)</td>", table)
    assert numbers == ["1", "2", "3"]
    assert all(f"#{d['id']} " not in page for d in case["debts"])


def test_the_dashboard_says_when_plans_add_interest(as_user):
    case_id, plan_id = new_case(term=240, consolidate_all=True)
    debt_plans.choose_plan(user("coop_officer"), case_id, plan_id, None)
    plan = db.session.get(DebtPlan, plan_id)
    saved = Decimal(plan.result["interest_saved"])
    assert saved < 0  # 2,600,000 over 240 months costs more interest than the debts' own shorter terms
    page = as_user("coop_officer").get("/dashboard").get_data(as_text=True)
    figures = page[page.index('data-testid="key-figures"'):]
    figures = figures[:figures.index('<div class="row">')]
    assert "ดอกเบี้ยที่เพิ่มขึ้นจากแผน (บาท)" in figures and 'data-testid="interest-added-why"' in figures
    assert f"{abs(saved):,.0f}" in figures or f"{abs(saved):,.2f}" in figures
    assert "-" + f"{abs(saved):,.0f}"[:3] not in figures
