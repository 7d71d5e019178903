"""The home page of each role (issue 21 point 9): every count is the number of cases made here in that state, and its
link opens the list of exactly those cases; another unit's cases are not counted; what came back is listed with its
comment; the page greets once; its statements do not grow with the cases."""
from __future__ import annotations

import html
import re
from datetime import date

from sqlalchemy import event, func, select

from app.extensions import db
from app.models import OrgUnit, User
from app.services import arrears, audit, funnel, relief, relief_evidence, workflow
from app.services.workflow import TransitionRequest
from tests.factories import (DebtCaseFactory, DebtPlanFactory, ReliefCaseFactory, UserFactory, act, approved_cases, new_case, settle,
                             unit_by_code, user)
from tests.helpers import active_since, at, citizen_id, death_case, login, three_debts

LONG_COMMENT = ("แนบสลิปเงินเดือนล่าสุดของเดือนตุลาคม และแก้ไขยอดหนี้ธนาคารกรุงไทยให้ตรงกับหนังสือรับรองยอดหนี้ "
                "ที่เจ้าหนี้ออกให้ภายในสามสิบวัน พร้อมทั้งแนบสำเนาบัตรประชาชนของผู้ค้ำประกันทุกคนด้วย")


# ---- reading the pages -----------------------------------------------------------------------------------------

def _tile(page: str, key: str) -> tuple[int, str]:
    """(the number shown, the link) of the tile `key` on the home page."""
    count = re.search(rf'data-testid="count-{re.escape(key)}">([\d,]+)<', page)
    link = re.search(rf'href="([^"]*)" data-testid="tile-{re.escape(key)}"', page)
    assert count and link, f"no tile {key}"
    return int(count.group(1).replace(",", "")), html.unescape(link.group(1))


def _table(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start:page.index("</table>", start)]


def _listed(client, url: str, testid: str, prefix: str) -> set[int]:
    """The case ids the list at `url` shows in its table `testid` (links /<prefix>/<id>)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return {int(n) for n in re.findall(rf'href="/{prefix}/(\d+)"', _table(response.get_data(as_text=True), testid))}


def _check_debt_tiles(client, page: str, expected: dict[str, set[int]]) -> None:
    """Each tile shows how many cases it expects, and its link lists exactly them."""
    for key, ids in expected.items():
        count, link = _tile(page, key)
        assert count == len(ids), (key, count, ids)
        assert link.startswith("/debt-cases/?"), (key, link)
        assert _listed(client, link, "debt-cases", "debt-cases") == ids, key


def _check_relief_tiles(client, page: str, expected: dict[str, set[int]]) -> None:
    for key, ids in expected.items():
        count, link = _tile(page, key)
        assert count == len(ids), (key, count, ids)
        assert link.startswith("/relief-cases/?"), (key, link)
        assert _listed(client, link, "relief-cases", "relief-cases") == ids, key


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _switch(client, username: str):
    client.post("/logout")
    assert login(client, username).status_code == 302
    return client


# ---- making cases -----------------------------------------------------------------------------------------------

def _submitted() -> int:
    case_id, plan_id = new_case()
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    return case_id


def _returned(comment: str = LONG_COMMENT) -> int:
    case_id = _submitted()
    act("province_approver", case_id, "return", comment=comment)
    return case_id


def _khon_kaen_case(submit: bool = False) -> int:
    """A case of another cooperative (Khon Kaen), which no Chiang Mai user may count."""
    case = DebtCaseFactory(officer="coop_officer2", body={**three_debts(), "cooperative_code": "COOP-KKN-01"})
    if submit:
        act("coop_officer2", case.id, "submit", plan_id=DebtPlanFactory(case=case, officer="coop_officer2").id)
    return case.id


def _relief_case(n: int, *, verify: bool = False) -> int:
    """A Pattani death case (victim citizen_id(n)), with its evidence and verified when asked."""
    case = ReliefCaseFactory(body=death_case(victim__citizen_id=citizen_id(n)))
    if verify:
        for kind in relief.missing_evidence(case):
            relief_evidence.add_evidence(user("south_officer"), case.id, kind, "scan.pdf", b"%PDF-1.4\n")
        workflow.transition("relief", user("south_officer"), case.id, TransitionRequest("verify"))
    return case.id


# ---- the cooperative officer ----------------------------------------------------------------------------------------

def test_the_cooperative_officer_sees_its_work_and_each_count_lists_those_cases(api, as_user):
    drafts = {new_case()[0], new_case()[0]}
    returned = _returned()
    submitted = _submitted()
    waiting_answers, settled = approved_cases(2)
    settle(settled)                                   # answered and paid off: only activation is left
    _officer, url, _ids, _plan = active_since(api)    # active since 02/2569 and nothing repaid: over 90 days
    active = int(url.rsplit("/", 1)[1])
    _officer, url, _ids, _plan = active_since(api)    # the same, then revised: a draft whose arrears row stays
    revised = int(url.rsplit("/", 1)[1])
    act("coop_officer", revised, "revise")
    drafts.add(revised)
    other = _khon_kaen_case()
    arrears.assess(report_month=date.today().replace(day=1))   # the month's repayment figures, as the nightly run

    client = as_user("coop_officer")
    page = _home(client)
    _check_debt_tiles(client, page, {
        "debt-draft": drafts, "debt-returned": {returned}, "debt-submitted": {submitted},
        "debt-awaiting_regional": set(), "debt-approved": {waiting_answers, settled}, "debt-active": {active},
        "overdue-31-60": set(), "overdue-61-90": set(), "overdue-90+": {active}})
    assert other not in _listed(client, "/debt-cases/?status=draft", "debt-cases", "debt-cases")
    # the approved cases by what they wait for, the same numbers as the dashboard's funnel ("waiting now")
    note = page[page.index('data-testid="note-debt-approved"'):][:400]
    assert "รอคำตอบเจ้าหนี้ 1" in note and "รอปิดหนี้เดิม 0" in note and "รอเริ่มผ่อนชำระ 1" in note
    steps = {s.step: s.waiting for s in funnel.funnel(user("coop_officer")).steps}
    assert (steps["approved"], steps["answered"], steps["paid_off"]) == (1, 0, 1)
    assert 'href="/dashboard?funnel=1#funnel"' in note
    # this month's repayments: the report's own figure, and the upload a click away
    due, link = _tile(page, "repayments-due")
    report = client.get(link).get_data(as_text=True)
    assert link == "/reports/repayment" and f'data-testid="figure-due-cases">{due}<' in report and due == 1
    assert 'href="/debt-cases/repayments"' in page[page.index('data-testid="note-repayments-due"'):][:300]
    # what came back: the case, its comment's first words (cut), who returned it and when, in the Buddhist Era
    came_back = page[page.index('data-testid="came-back"'):]
    items = re.findall(r'data-testid="came-back-item"\s+href="/debt-cases/(\d+)"', came_back)
    assert items == [str(returned)]
    comment = re.search(r'data-testid="came-back-comment">([^<]+)<', came_back).group(1)
    assert comment.startswith("แนบสลิปเงินเดือนล่าสุด") and comment.endswith("…") and len(comment) <= 141
    assert "ส่งกลับโดย ประเสริฐ วงศ์ใหญ่" in came_back and re.search(r"25[6-9]\d</small>", came_back)
    # quick actions of the cooperative
    for testid, href in (("new-case", "/debt-cases/new"), ("import", "/debt-cases/import"),
                         ("repayments", "/debt-cases/repayments"), ("deductions", "/debt-cases/deductions"),
                         ("exports", "/exports/")):
        assert re.search(rf'href="{re.escape(href)}"\s+data-testid="{testid}-link"', page), testid
    assert 'data-testid="new-relief-link"' not in page and 'data-testid="jobs-link"' not in page

    # the other cooperative's officer counts only its own draft, and sees none of Chiang Mai's
    other_page = _home(_switch(client, "coop_officer2"))
    _check_debt_tiles(client, other_page, {"debt-draft": {other}, "debt-returned": set(), "debt-active": set(),
                                           "overdue-90+": set()})
    assert 'data-testid="came-back-item"' not in other_page


def test_the_page_reads_as_many_statements_for_many_cases_as_for_one(as_user):
    """Counts are aggregates and the lists are bounded: more cases, not more statements (docs/benchmarks.md)."""
    client = as_user("coop_officer")
    _returned()
    _home(client)
    seen: list[str] = []

    def watch(_conn, _cursor, statement, *_args):
        seen.append(statement)

    def statements() -> int:
        seen.clear()
        event.listen(db.engine, "before_cursor_execute", watch)
        try:
            _home(client)
        finally:
            event.remove(db.engine, "before_cursor_execute", watch)
        return sum(1 for s in seen if re.search(r"debt_cases|case_transitions|debt_case_rollups|case_delinquency", s))

    one = statements()
    for _ in range(4):
        _returned()
        new_case()
    assert statements() == one and one <= 12


# ---- the provincial approver and the regional approver -------------------------------------------------------------

def test_the_provincial_approver_sees_what_waits_for_a_decision_and_what_it_returned(as_user):
    submitted = {_submitted(), _submitted()}
    returned = _returned("ขาดหนังสือรับรองเงินเดือน")
    big = {**three_debts()}
    big["debts"] = [{**big["debts"][0], "outstanding": "3100000.00"}] + big["debts"][1:]
    regional, plan = new_case(big, term=240, consolidate_all=True)   # above the regional threshold
    act("coop_officer", regional, "submit", plan_id=plan)
    act("province_approver", regional, "approve")
    [approved] = approved_cases(1)
    other = _khon_kaen_case(submit=True)

    client = as_user("province_approver")
    page = _home(client)
    _check_debt_tiles(client, page, {
        "debt-submitted": submitted, "debt-returned": {returned}, "debt-awaiting_regional": {regional},
        "debt-approved": {approved}})
    assert other not in _listed(client, "/debt-cases/?status=submitted", "debt-cases", "debt-cases")
    # "waiting for me" is the menu's badge and the inbox's rows
    count, link = _tile(page, "inbox")
    assert link == "/inbox" and count == 2
    assert re.search(r'data-testid="inbox-count">2<', page)
    assert _listed(client, link, "inbox", "debt-cases") == submitted
    came_back = page[page.index('data-testid="came-back"'):]
    assert re.findall(r'href="/debt-cases/(\d+)"', came_back.split("</section>")[0]) == [str(returned)]
    assert "ขาดหนังสือรับรองเงินเดือน" in came_back

    region = _home(_switch(client, "region_approver"))
    _check_debt_tiles(client, region, {"debt-awaiting_regional": {regional}, "debt-returned": {returned}})
    count, link = _tile(region, "inbox")
    assert count == 1 and _listed(client, link, "inbox", "debt-cases") == {regional}


# ---- relief: the provincial officer and approver ----------------------------------------------------------------------

def test_the_relief_desk_sees_cases_by_step_missing_evidence_and_checks_due(as_user, decided):
    _debt, paying = decided                            # the demo's approved, once-paid relief case in Pattani
    reported = _relief_case(7101)                      # no evidence yet
    verified = _relief_case(7102, verify=True)
    returned = _relief_case(7103, verify=True)
    workflow.transition("relief", user("south_approver"), returned,
                        TransitionRequest("return", comment="ใบมรณบัตรไม่ชัด กรุณาสแกนใหม่"))

    client = as_user("south_officer")
    page = _home(client)
    _check_relief_tiles(client, page, {
        "relief-reported": {reported}, "relief-returned": {returned}, "relief-approved": set(),
        "relief-paying": {paying.id}})
    # the checks-due count is the number of rows on the checks-due page
    count, link = _tile(page, "checks-due")
    rows = _table(client.get(link).get_data(as_text=True), "checks-due").count('href="/relief-cases/')
    assert link == "/relief-cases/checks-due" and count == rows and count > 0
    # "waiting for me": the officer's inbox (reported, returned, approved, paying), as the menu counts it
    count, link = _tile(page, "inbox")
    assert count == 3 and _listed(client, link, "relief-inbox", "relief-cases") == {reported, returned, paying.id}
    # what came back from the approver, and the evidence still missing, named in Thai
    came_back = page[page.index('data-testid="came-back"'):].split("</section>")[0]
    assert re.findall(r'href="/relief-cases/(\d+)"', came_back) == [str(returned)]
    assert "ใบมรณบัตรไม่ชัด กรุณาสแกนใหม่" in came_back and "ส่งกลับโดย นูรีซัน สาและ" in came_back
    missing = page[page.index('data-testid="missing-evidence"'):].split("</section>")[0]
    assert re.findall(r'href="/relief-cases/(\d+)#evidence"', missing) == [str(reported)]
    assert "มรณบัตร" in missing and "death_certificate" not in missing
    assert re.search(r'href="/relief-cases/new"\s+data-testid="new-relief-link"', page)

    approver = _home(_switch(client, "south_approver"))
    _check_relief_tiles(client, approver, {"relief-verified": {verified}, "relief-returned": {returned},
                                           "relief-reported": {reported}})
    count, link = _tile(approver, "inbox")
    assert count == 1 and _listed(client, link, "relief-inbox", "relief-cases") == {verified}

    # Chiang Mai's provincial officer counts none of Pattani's relief cases
    chiang_mai = _home(_switch(client, "province_officer"))
    _check_relief_tiles(client, chiang_mai, {"relief-reported": set(), "relief-returned": set(),
                                             "relief-paying": set()})
    assert _tile(chiang_mai, "checks-due")[0] == 0


# ---- the auditor and the administrator ------------------------------------------------------------------------------

def test_the_auditor_counts_today_s_events_of_its_scope(client):
    province_auditor = UserFactory(username="auditor50", role="auditor", org_unit=unit_by_code("50"))
    chiang_mai, pattani = unit_by_code("COOP-CMI-01"), unit_by_code("COOP-PTN-01")
    with at(date(2027, 3, 10)):
        for unit in (chiang_mai, chiang_mai, pattani):
            audit.record("user.soft_lock", actor=None, object_type="user", object_id="1", org_path=unit.path)
        db.session.commit()
        login(client, province_auditor.username)
        page = _home(client)
        count, link = _tile(page, "held-today")
        assert count == 2 and "date_from=10/03/2570" in link and "action=user.soft_lock" in link
        assert client.get(link).get_data(as_text=True).count('data-testid="audit-record"') == 2
        count, link = _tile(page, "audit-today")
        assert client.get(link).get_data(as_text=True).count('data-testid="audit-record"') == count >= 2
        assert re.search(r'href="/audit/"\s+data-testid="audit-link"', page)
        national = _home(_switch(client, "auditor"))
        assert _tile(national, "held-today")[0] == 3
        # a day of national imports writes an event per case: the tile stops counting at 10,000
        audit.record_many("person.view", actor=None, object_type="person",
                          events=[{"object_id": str(n), "org_path": chiang_mai.path} for n in range(10_001)])
        db.session.commit()
        busy = _home(client)
        assert re.search(r'data-testid="count-audit-today">มากกว่า 10,000<', busy)
        assert re.search(r'data-testid="count-held-today">3<', busy)


def test_the_administrator_counts_accounts_and_units_with_their_lists(as_user):
    retired = UserFactory(username="retired_officer", active=False, org_unit=unit_by_code("COOP-KKN-01"))
    client = as_user("admin")
    page = _home(client)
    active = db.session.scalar(select(func.count(User.id)).where(User.active.is_(True)))
    count, link = _tile(page, "users-active")
    listed = client.get(link).get_data(as_text=True)
    assert count == active and len(re.findall(r'href="/admin/users/\d+/edit"', listed)) == active
    count, link = _tile(page, "users-inactive")
    listed = client.get(link).get_data(as_text=True)
    assert count == 1 and re.findall(r'href="/admin/users/(\d+)/edit"', listed) == [str(retired.id)]
    # the org units by kind (the cards tests of the old page relied on: count-<kind>)
    cooperatives = db.session.scalar(select(func.count(OrgUnit.id)).where(OrgUnit.kind == "cooperative"))
    count, link = _tile(page, "cooperative")
    assert count == cooperatives and link == "/org-units?kind=cooperative"
    assert _table(client.get(link).get_data(as_text=True), "org-units").count("<tr>") - 1 == cooperatives
    # backups and the links of the top of the tree
    assert _tile(page, "backups") == (0, "/admin/jobs")
    for testid in ("users", "settings", "rules", "jobs", "audit", "exports"):
        assert f'data-testid="{testid}-link"' in page, testid


# ---- the greeting -----------------------------------------------------------------------------------------------

def test_the_greeting_appears_once(client):
    login(client, "coop_officer")
    page = _home(client)
    assert page.count("ยินดีต้อนรับ") == 1                 # the sign-in's message, not the heading again
    assert "<h1 class=\"h3 mb-0\">งานของท่าน</h1>" in page
    again = _home(client)
    assert "ยินดีต้อนรับ" not in again and again.count("สมชาย ใจงาม") == 1   # the name is in the menu bar only
    assert re.search(r'data-testid="today">วันนี้ \d{1,2} \S+ 25\d\d<', again)   # today in the Buddhist Era
