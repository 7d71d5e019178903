"""Issue 21, 2: no internal code on a page a person reads. Each role signs in and visits every main page it can see
(lists, debt cases in several statuses, relief cases, notices, the audit trail, the dashboard and reports, letters,
admin pages, people, deduction lists, the import page, org units); the text a person reads (text nodes only: not
tags, scripts or attribute values) holds no status, action, entitlement kind, creditor type or kind of record by its
code, no snake_case word, no JSON brace and no "domain.md". The code words come from the code itself (the models'
tuples and enums, the workflow tables, the rule table, the audit trail's kinds of record), so a new code is covered.

What a page may show on purpose, narrowly: what people typed or named (usernames, uploaded file names), literal
input syntax marked <code> (the import page's codes), and the findings that belong to other files (ELSEWHERE)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.audit.fields import FIELD_LABELS
from app.domain import workflow as workflow_table
from app.domain.relief_rules import EDUCATION_LEVELS, EMPLOYMENT_TYPES, HARMS, RELATIONSHIPS
from app.extensions import db
from app.labels import ENTITLEMENT_KIND_LABELS, ENTITY_KIND_LABELS
from app.models import (AuditEvent, DebtCaseStatus, EntitlementRule, Evidence, ImportJob, Notification, ReliefCase,
                        ReliefCaseStatus, Role, User)
from app.models.debt import CREDITOR_TYPES, DEDUCTION_KINDS, LEGAL_STATUSES
from app.services import letters, notify, relief_evidence, relief_rules, settings, workflow
from app.services.relief import missing_evidence
from app.services.workflow import TransitionRequest
from tests.factories import ReliefCaseFactory, act, activate, new_case, run_import, user
from tests.helpers import citizen_id, death_case, login, member_rows, three_debts, xlsx


# ---- what a person reads --------------------------------------------------------------------------------------

class _VisibleText(HTMLParser):
    """The text nodes of a page, without scripts and styles (never read) and without <code>/<kbd>/<samp> (input
    syntax a page shows on purpose, as the import page shows the codes a spreadsheet takes)."""

    HIDDEN = {"script", "style", "template", "code", "kbd", "samp"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden, self.texts = 0, []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag):
        self.hidden -= tag in self.HIDDEN and self.hidden > 0

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.texts


# ---- the code words, from the code ----------------------------------------------------------------------------

def code_words() -> set[str]:
    statuses = {s.value for s in DebtCaseStatus} | {s.value for s in ReliefCaseStatus}
    actions = {a for name in workflow_table.TABLES for a in workflow_table.all_actions(name)}
    entitlement_kinds = {rule["kind"] for rule in relief_rules.SEED_RULES}
    record_kinds = {f"{name}_case" for name in workflow_table.TABLES} | set(
        db.session.scalars(select(AuditEvent.object_type).distinct()))
    others = {r.value for r in Role} | set(HARMS) | set(EMPLOYMENT_TYPES) | set(RELATIONSHIPS) | set(EDUCATION_LEVELS)
    return statuses | actions | entitlement_kinds | set(CREDITOR_TYPES) | record_kinds | set(LEGAL_STATUSES) | set(
        DEDUCTION_KINDS) | others


def _word(words) -> re.Pattern:
    """Any of `words`, whole (not inside a longer word or name)."""
    # codes are lower case: "Active" in the English UI is a label, "active" anywhere is the code
    return re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True))
                      + r")(?![A-Za-z0-9_])")


URL = re.compile(r"https?://\S+")  # an address to open (a letter's verification link), not a word
SNAKE_CASE = re.compile(r"(?<![A-Za-z0-9_])[a-z]+_[a-z_]+")
JSON_BRACE = re.compile(r"[{}]")
FILE_NAME = re.compile(r"domain\.md|thai-documents\.md|api-v1\.md")

# Findings in files this change does not own, each with its place (issue 21, 2: reported to their owners).
# A text node matching one of these on that page is let through; nothing else is.
ELSEWHERE = {
}


def findings(html: str, path: str, words: re.Pattern, typed: re.Pattern) -> list[str]:
    """The text nodes of a page that show a code, each with what was found."""
    allowed = ELSEWHERE.get(path, [])
    found = []
    for text in visible_texts(html):
        if any(pattern.search(text) for pattern in allowed):
            continue
        readable = typed.sub(" ", URL.sub(" ", text))  # what people typed or named: usernames, uploaded files
        hits = words.findall(readable) + SNAKE_CASE.findall(readable) + JSON_BRACE.findall(readable) + \
            FILE_NAME.findall(readable)
        if hits:
            found.append(f"{path}: {sorted(set(hits))} in “{text[:160]}”")
    return found


def typed_names() -> re.Pattern:
    """Names people chose, as whole words: usernames, and the names of the files they uploaded."""
    names = set(db.session.scalars(select(User.username)))
    names |= set(db.session.scalars(select(Evidence.filename))) | set(db.session.scalars(select(ImportJob.filename)))
    return _word(n for n in names if n)


# ---- the world the roles look at ------------------------------------------------------------------------------

def _relief_case(n: int, *, verified: bool = False):
    case = ReliefCaseFactory(body=death_case(victim__citizen_id=citizen_id(7000 + n)))
    if verified:
        officer = user("south_officer")
        for kind in missing_evidence(case):
            relief_evidence.add_evidence(officer, case.id, kind, "scan.pdf", b"%PDF-1.4\n% evidence\n")
        workflow.transition("relief", officer, case.id, TransitionRequest("verify"))
    return db.session.get(ReliefCase, case.id)


def _debt_case(status: str, big: bool = False) -> tuple[int, int]:
    body = three_debts()
    if big:  # above the regional threshold (approval.regional_threshold, 3,000,000 baht)
        body["debts"][0]["outstanding"] = "3200000.00"
    case_id, plan_id = new_case(body, consolidate_all=big)
    if status == "draft":
        return case_id, plan_id
    act("coop_officer", case_id, "submit", plan_id=plan_id)
    if status in ("returned", "rejected"):
        act("province_approver", case_id, "return" if status == "returned" else "reject", comment="กรุณาแก้ไข")
    elif status in ("approved", "active", "awaiting_regional"):
        act("province_approver", case_id, "approve")
        if status == "active":
            activate(case_id)
    return case_id, plan_id


@pytest.fixture
def world(decided):
    """Debt cases in every status the workflow reaches by hand, relief cases reported, verified, returned and
    paying, a letter, an import, a rule and a setting changed, notices: through the services, as users make them."""
    debt, relief = decided
    ids = {"approved": debt.id, "paying": relief.id, "person": debt.person_id}
    for status in ("draft", "submitted", "returned", "rejected", "active"):
        ids[status], ids[f"{status}_plan"] = _debt_case(status)
    ids["awaiting_regional"], _plan = _debt_case("awaiting_regional", big=True)
    ids["reported"] = _relief_case(1).id
    ids["verified"] = _relief_case(2, verified=True).id
    returned = _relief_case(3, verified=True)
    workflow.transition("relief", user("south_approver"), returned.id,
                        TransitionRequest("return", comment="หลักฐานไม่ชัด", version=returned.version))
    ids["relief_returned"] = returned.id
    ids["letter"] = letters.issue(user("province_officer"), "debt", debt.id, "approval_notice").id
    ids["import"] = run_import("coop_officer", xlsx(member_rows(2))).id
    rule = db.session.scalar(select(EntitlementRule).where(EntitlementRule.code == "chpk.funeral"))
    relief_rules.new_version(user("admin"), rule.id, amount="20000", rates=None, effective_from=rule.effective_from,
                             source="ประกาศ สกสค. ว่าด้วยเงินสงเคราะห์ครอบครัว")
    settings.set_value(user("admin"), "repayment.rounding_step", "1", debt.created_at.date(), "มติคณะกรรมการ")
    db.session.commit()
    return ids


def pages(ids: dict) -> dict[str, list[str]]:
    """Every main page each role can see (each must answer 200)."""
    debt = [f"/debt-cases/{ids[s]}" for s in ("draft", "submitted", "returned", "rejected", "approved", "active",
                                             "awaiting_regional")]
    relief = [f"/relief-cases/{ids[s]}" for s in ("reported", "verified", "relief_returned", "paying")]
    common = ["/", "/notices", "/org-units", "/account/sessions", "/exports/"]
    letters_pages = ["/letters", f"/letters/{ids['letter']}", "/letters/batches"]
    return {
        "coop_officer": common + debt + letters_pages + [
            "/debt-cases/", "/debt-cases/new", f"/debt-cases/{ids['draft']}/edit",
            f"/debt-cases/{ids['draft']}/plans/{ids['draft_plan']}/schedule", "/debt-cases/creditors",
            "/debt-cases/deductions", "/debt-cases/import", f"/debt-cases/import/{ids['import']}",
            "/debt-cases/repayments", "/inbox", "/people/", f"/people/{ids['person']}", "/dashboard",
            "/reports/repayment"],
        "province_officer": common + debt + letters_pages + ["/debt-cases/", "/debt-cases/deductions", "/inbox",
                                                             "/dashboard", "/reports/repayment", "/people/"],
        "province_approver": common + debt + ["/debt-cases/", "/inbox", "/dashboard"],
        "region_approver": common + [f"/debt-cases/{ids['awaiting_regional']}", "/inbox", "/debt-cases/"],
        "south_officer": common + relief + ["/relief-cases/", "/relief-cases/new",
                                            f"/relief-cases/{ids['reported']}/edit", "/relief-cases/checks-due",
                                            "/inbox", "/dashboard"],
        "south_approver": common + relief + ["/relief-cases/", "/inbox"],
        "ministry_viewer": common + ["/dashboard", "/debt-cases/", "/relief-cases/", "/reports/repayment"],
        "auditor": common + ["/audit/", "/audit/?page=2", "/audit/?page=3", "/audit/?object_type=debt_case",
                             "/audit/?object_type=relief_case", "/debt-cases/", "/relief-cases/"],
        "admin": common + ["/admin/users", f"/admin/users/{user('coop_officer').id}/edit", "/admin/rules",
                           "/admin/settings", "/admin/jobs", "/admin/signing-keys", "/admin/org-units/new",
                           f"/org-units/{user('coop_officer').org_unit_id}", "/audit/", "/people/",
                           f"/people/{ids['person']}"],
    }


def test_no_page_shows_a_code_to_any_role(world, client):
    words, typed = _word(code_words()), typed_names()
    found, visited = [], 0
    for username, urls in pages(world).items():
        login(client, username)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            found += [f"{username} {f}" for f in findings(response.get_data(as_text=True), url.split("?")[0], words,
                                                          typed)]
            visited += 1
        client.post("/logout")
    assert visited > 80
    assert found == []


def test_the_english_pages_show_labels_not_codes(world, client):
    """In English the words are English labels ("Approved"), never snake_case codes, braces or file names."""
    client.post("/language", data={"lang": "en"})
    typed = typed_names()
    nothing = re.compile(r"(?!x)x")
    found = []
    for username, urls in (("coop_officer", ["/notices", f"/debt-cases/{world['returned']}"]),
                           ("south_officer", [f"/relief-cases/{world['paying']}", "/notices"]),
                           ("auditor", ["/audit/", "/audit/?page=2"]), ("admin", ["/admin/rules"])):
        login(client, username)
        for url in urls:
            html = client.get(url).get_data(as_text=True)
            assert 'lang="en"' in html
            found += findings(html, url.split("?")[0], nothing, typed)
        client.post("/logout")
    assert found == []


# ---- notices ----------------------------------------------------------------------------------------------------

def test_notices_name_the_status_and_the_action_by_their_labels(as_user):
    case_id, plan_id = _debt_case("submitted")
    act("province_approver", case_id, "return", comment="กรุณาแก้ไข")
    stored = db.session.scalar(select(Notification.message).where(Notification.user_id == user("coop_officer").id)
                               .order_by(Notification.id.desc()))
    assert "“ส่งกลับแก้ไข”" in stored and "ส่งกลับให้แก้ไข โดย" in stored  # written with labels
    assert "returned" not in stored and "(return " not in stored
    # notices written before: the codes, in the language of whoever acted
    notify.notify([user("coop_officer")], "กรณี DC2569-000777 มีสถานะ “returned” แล้ว (return โดย ประเสริฐ วงศ์ใหญ่)",
                  None)
    db.session.add(Notification(user_id=user("coop_officer").id, link=None,
                                message="Case DC2569-000778 is now “approved” (approve by ประเสริฐ วงศ์ใหญ่)."))
    db.session.commit()
    client = as_user("coop_officer")
    page = client.get("/notices").get_data(as_text=True)
    assert "กรณี DC2569-000777 มีสถานะ “ส่งกลับแก้ไข” แล้ว (ส่งกลับให้แก้ไข โดย ประเสริฐ วงศ์ใหญ่)" in page
    assert "กรณี DC2569-000778 มีสถานะ “อนุมัติ” แล้ว (อนุมัติ โดย ประเสริฐ วงศ์ใหญ่)" in page
    client.post("/language", data={"lang": "en"})
    page = client.get("/notices").get_data(as_text=True)
    assert "Case DC2569-000777 is now “Returned” (returned for correction by ประเสริฐ วงศ์ใหญ่)." in page
    assert "Case DC2569-000778 is now “Approved” (approved by ประเสริฐ วงศ์ใหญ่)." in page


def test_other_notices_are_shown_as_written(as_user):
    notify.notify([user("coop_officer")], "กรณี DC2569-000001 ค้างชำระ 45 วัน (12,000.00 บาท)", None)
    db.session.commit()
    assert "กรณี DC2569-000001 ค้างชำระ 45 วัน (12,000.00 บาท)" in as_user("coop_officer").get("/notices").get_data(
        as_text=True)


# ---- the audit trail --------------------------------------------------------------------------------------------

def _audit_row(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[html.rindex("<tr>", 0, start):html.index("</table>", start)]


def test_the_audit_trail_labels_the_record_and_shows_the_change_as_a_table(world, as_user):
    page = as_user("auditor").get("/audit/?object_type=relief_case&action=relief_case.create").get_data(as_text=True)
    row = _audit_row(page, 'data-testid="audit-changes"')
    assert "คำขอช่วยเหลือเยียวยา RC2569-" in row                      # the kind of record by its label
    assert ">ความเสียหาย</th>" in row   # the field by its label
    assert "เสียชีวิต" in row and "death" not in row                  # the value by its label
    assert "เงินเยียวยา" in row and "500,000.00" in row              # an entitlement's kind, the amount separated
    assert re.search(r"\d-\d{4}-xxxxx-\d{2}-\d", row)                # the victim's citizen ID masked
    assert "{" not in row and "remedy" not in row
    page = as_user("auditor").get(f"/audit/?action=debt_case.return&object_id={world['returned']}").get_data(
        as_text=True)
    row = _audit_row(page, 'data-testid="audit-changes"')
    assert "คำขอปรับโครงสร้างหนี้ DC2569-" in row
    assert "สถานะ" in row and "ส่งแล้ว รออนุมัติระดับจังหวัด" in row and "ส่งกลับแก้ไข" in row and "กรุณาแก้ไข" in row


def test_the_audit_trail_formats_amounts_dates_and_months(world, as_user):
    client = as_user("auditor")
    page = client.get(f"/audit/?action=debt_case.activate&object_id={world['active']}").get_data(as_text=True)
    row = _audit_row(page, 'data-testid="audit-changes"')
    assert "วันที่ลงนามสัญญา" in row and "25 พ.ย. 2569" in row       # agreement_signed_on 2026-11-25
    assert "เดือนแรกที่หักเงิน" in row and "มกราคม 2570" in row  # first_due_month 2027-01
    page = client.get(f"/audit/?action=debt_case.create&object_id={world['draft']}").get_data(as_text=True)
    row = _audit_row(page, 'data-testid="audit-changes"')
    assert "1,850,000.00" in row and "สหกรณ์ออมทรัพย์ครู" in row and "1850000.00" not in row
    assert "cooperative" not in row and "1101700230708" not in row


def test_the_record_type_filter_offers_labels(as_user):
    page = as_user("auditor").get("/audit/").get_data(as_text=True)
    select_box = page[page.index('id="object_type"'):page.index("</select>", page.index('id="object_type"'))]
    assert re.search(r"<option value=\"debt_case\"\s*>คำขอปรับโครงสร้างหนี้</option>", select_box)
    assert re.search(r"<option value=\"relief_case\"\s*>คำขอช่วยเหลือเยียวยา</option>", select_box)


def test_every_key_the_services_audit_has_a_label(world):
    """A new key in a service's audit record needs its label in app/audit/fields.py, a new kind of record its label
    in app/labels.py ENTITY_KIND_LABELS (else they show humanised, in English)."""
    def keys(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield key
                yield from keys(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from keys(inner)

    seen = set()
    for before, after in db.session.execute(select(AuditEvent.before, AuditEvent.after)):
        seen |= set(keys(before)) | set(keys(after))
    assert len(seen) > 60
    assert sorted(k for k in seen if k not in FIELD_LABELS) == []
    kinds = set(db.session.scalars(select(AuditEvent.object_type).distinct()))
    assert len(kinds) > 8 and sorted(kinds - set(ENTITY_KIND_LABELS)) == []


@pytest.mark.nodb
def test_every_kind_of_entitlement_has_a_label():
    assert sorted({rule["kind"] for rule in relief_rules.SEED_RULES} - set(ENTITLEMENT_KIND_LABELS)) == []


# ---- entitlements and rules --------------------------------------------------------------------------------------

def test_rule_sources_never_name_a_file(world, as_user):
    page = as_user("south_officer").get(f"/relief-cases/{world['paying']}").get_data(as_text=True)
    assert "domain.md" not in page
    assert "มติคณะรัฐมนตรี 14 สิงหาคม 2555 (ย้อนหลังถึง พ.ศ. 2547)" in page  # the legal source is kept
    as_user("south_officer").post("/logout")
    rules = as_user("admin").get("/admin/rules").get_data(as_text=True)
    assert "domain.md" not in rules and "sbpac.remedy.death" not in rules
    assert "ศูนย์อำนวยการบริหารจังหวัดชายแดนภาคใต้ (ศอ.บต.) · เงินเยียวยา" in rules
