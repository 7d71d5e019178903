"""Route × role × in-scope/out-of-scope matrix over every endpoint in app.url_map (web and API).

A new endpoint without an entry here fails test_every_endpoint_is_in_the_matrix.
Out-of-scope objects answer 404 (never revealing they exist); roles without the permission get 403.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DebtCase, Role, User
from tests.factories import unit_by_code
from tests.helpers import api_token, login

ROLE_USERS = {
    Role.COOPERATIVE_OFFICER: "coop_officer",
    Role.PROVINCIAL_OFFICER: "province_officer",
    Role.PROVINCIAL_APPROVER: "province_approver",
    Role.REGIONAL_APPROVER: "region_approver",
    Role.MINISTRY_VIEWER: "ministry_viewer",
    Role.AUDITOR: "auditor",
    Role.ADMINISTRATOR: "admin",
}
ALL = frozenset(Role)
ADMIN = frozenset({Role.ADMINISTRATOR})
COOP = frozenset({Role.COOPERATIVE_OFFICER})
PEOPLE = ALL - {Role.MINISTRY_VIEWER}
RELIEF = ALL - {Role.COOPERATIVE_OFFICER}
PROV_OFFICER = frozenset({Role.PROVINCIAL_OFFICER})
REPAYERS = frozenset({Role.COOPERATIVE_OFFICER, Role.PROVINCIAL_OFFICER})  # api-v1.md v1.1 "Who acts"
# Relief cases exist only in the southern border provinces: there the provincial roles are Pattani's.
RELIEF_USERS = {Role.PROVINCIAL_OFFICER: "south_officer", Role.PROVINCIAL_APPROVER: "south_approver"}
ISSUERS = frozenset({Role.COOPERATIVE_OFFICER, Role.PROVINCIAL_OFFICER, Role.PROVINCIAL_APPROVER})
RELIEF_ISSUERS = frozenset({Role.PROVINCIAL_OFFICER, Role.PROVINCIAL_APPROVER})
CREDITOR_EDITORS = frozenset({Role.COOPERATIVE_OFFICER, Role.PROVINCIAL_OFFICER, Role.ADMINISTRATOR})
PUBLIC = "public"
# The object that lies outside the Chiang Mai users' scope (a Khon Kaen cooperative and its officer).
OTHER_UNIT, OTHER_USER = "COOP-KKN-01", "coop_officer2"


@dataclass(frozen=True)
class Entry:
    roles: frozenset | str          # roles allowed, or PUBLIC
    ok: frozenset = field(default=frozenset({200}))
    obj: str | None = None          # what the URL names: unit, user, case, plan, person, setting
    signed_in_ok: frozenset | None = None  # for public pages that answer signed-in users differently


def ok(*codes):
    return frozenset(codes)


MATRIX: dict[tuple[str, str], Entry] = {
    ("static", "GET"): Entry(PUBLIC),
    ("auth.login", "GET"): Entry(PUBLIC, signed_in_ok=ok(302)),
    ("auth.login", "POST"): Entry(PUBLIC, ok=ok(422), signed_in_ok=ok(302)),
    ("auth.logout", "POST"): Entry(ALL, ok=ok(302)),
    ("auth.account_sessions", "GET"): Entry(ALL),
    ("auth.sign_out_everywhere", "POST"): Entry(ALL, ok=ok(302)),
    ("main.index", "GET"): Entry(ALL),
    ("main.org_units", "GET"): Entry(ALL),
    ("main.org_unit", "GET"): Entry(ALL, obj="unit"),
    ("main.search", "GET"): Entry(ALL),  # issue 21 point 6: one search box, each finding what its scope holds
    ("main.set_language", "POST"): Entry(PUBLIC, ok=ok(302)),
    ("audit.index", "GET"): Entry(frozenset({Role.AUDITOR, Role.ADMINISTRATOR})),
    ("admin.users", "GET"): Entry(ADMIN),
    ("admin.user_new", "GET"): Entry(ADMIN),
    ("admin.user_new", "POST"): Entry(ADMIN, ok=ok(422)),
    ("admin.user_edit", "GET"): Entry(ADMIN, obj="user"),
    # an empty edit form keeps the stored values, so it saves (302) or is refused field by field (422)
    ("admin.user_edit", "POST"): Entry(ADMIN, ok=ok(302, 422), obj="user"),
    ("admin.user_password", "GET"): Entry(ADMIN, obj="user"),
    ("admin.user_password", "POST"): Entry(ADMIN, ok=ok(422), obj="user"),
    ("admin.user_deactivate", "POST"): Entry(ADMIN, ok=ok(302), obj="user"),
    ("admin.user_activate", "POST"): Entry(ADMIN, ok=ok(302), obj="user"),
    ("admin.user_unlock", "POST"): Entry(ADMIN, ok=ok(302), obj="user"),
    ("admin.org_unit_new", "GET"): Entry(ADMIN),
    ("admin.org_unit_new", "POST"): Entry(ADMIN, ok=ok(422)),
    ("admin.org_unit_edit", "GET"): Entry(ADMIN, obj="unit"),
    ("admin.org_unit_edit", "POST"): Entry(ADMIN, ok=ok(302, 422), obj="unit"),
    ("admin.settings", "GET"): Entry(ADMIN),
    ("admin.rules", "GET"): Entry(ADMIN),
    ("admin.rule_version", "POST"): Entry(ADMIN, ok=ok(422), obj="rule"),
    ("admin.setting_change", "POST"): Entry(ADMIN, ok=ok(302, 422), obj="setting"),
    ("admin.jobs", "GET"): Entry(ADMIN),
    ("admin.signing_keys_page", "GET"): Entry(ADMIN),
    ("admin.signing_key_upload", "POST"): Entry(ADMIN, ok=ok(422), obj="unit"),  # no file chosen
    ("admin.backup_now", "POST"): Entry(ADMIN, ok=ok(302)),
    ("admin.job_file", "GET"): Entry(ADMIN, obj="backup"),
    ("debt.cases", "GET"): Entry(ALL),
    ("export_jobs.mine", "GET"): Entry(ALL),
    ("export_jobs.job", "GET"): Entry(ALL, obj="export"),
    ("export_jobs.download", "GET"): Entry(ALL, obj="export"),
    ("debt.new_case", "GET"): Entry(COOP),
    ("debt.new_case", "POST"): Entry(COOP, ok=ok(422)),
    ("debt.case", "GET"): Entry(ALL, obj="case"),
    ("debt.edit_case", "GET"): Entry(COOP, obj="case"),
    ("debt.edit_case", "POST"): Entry(COOP, ok=ok(422), obj="case"),
    ("debt.create_plan", "POST"): Entry(COOP, ok=ok(422), obj="case"),
    ("debt.suggest", "POST"): Entry(ALL, ok=ok(422), obj="case"),
    ("debt.choose_plan", "POST"): Entry(COOP, ok=ok(302), obj="plan"),
    ("debt.delete_plan", "POST"): Entry(COOP, ok=ok(302), obj="plan"),
    ("debt.recompute_plans", "POST"): Entry(COOP, ok=ok(302), obj="case"),
    ("debt.schedule", "GET"): Entry(ALL, obj="plan"),
    ("debt.schedule_csv", "GET"): Entry(ALL, obj="plan"),
    ("debt.schedule_xlsx", "GET"): Entry(ALL, obj="plan"),
    ("debt.transition", "POST"): Entry(ALL, ok=ok(422), obj="case"),  # no action given
    # issue 19: a draft case takes no answers or payoffs (409); the scan of an answer, for anyone in scope
    ("debt.record_answer", "POST"): Entry(COOP, ok=ok(409), obj="case"),
    ("debt.record_payoff", "POST"): Entry(COOP, ok=ok(409), obj="case"),
    ("debt.answer_scan", "GET"): Entry(ALL, obj="answer"),
    # Issue 21 point 8: a debt case's documents: read by whoever reads the case, changed by its cooperative
    ("debt.add_attachment", "POST"): Entry(COOP, ok=ok(422), obj="case"),
    ("debt.attachment", "GET"): Entry(ALL, obj="attachment"),
    ("debt.delete_attachment", "POST"): Entry(COOP, ok=ok(302), obj="attachment"),
    ("approvals.inbox", "GET"): Entry(ALL),
    ("approvals.notices", "GET"): Entry(ALL),
    ("approvals.mark_notices_read", "POST"): Entry(ALL, ok=ok(302)),
    ("people.people", "GET"): Entry(PEOPLE),
    ("people.person", "GET"): Entry(PEOPLE, obj="person"),
    ("people.person_export", "GET"): Entry(ADMIN, obj="person"),
    ("relief.cases", "GET"): Entry(RELIEF),
    ("relief.checks_due", "GET"): Entry(RELIEF),
    ("relief.new_case", "GET"): Entry(PROV_OFFICER),
    ("relief.new_case", "POST"): Entry(PROV_OFFICER, ok=ok(422)),
    ("relief.case", "GET"): Entry(RELIEF, obj="relief"),
    ("relief.edit_case", "GET"): Entry(PROV_OFFICER, obj="relief"),
    ("relief.edit_case", "POST"): Entry(PROV_OFFICER, ok=ok(422), obj="relief"),
    ("relief.add_evidence", "POST"): Entry(PROV_OFFICER, ok=ok(422), obj="relief"),
    ("relief.evidence", "GET"): Entry(RELIEF, obj="relief"),
    ("relief.transition", "POST"): Entry(RELIEF, ok=ok(422), obj="relief"),
    ("relief.pay", "POST"): Entry(PROV_OFFICER, ok=ok(409), obj="relief"),  # not approved yet
    ("relief.continuation", "POST"): Entry(PROV_OFFICER, ok=ok(422), obj="relief"),
    ("reports.dashboard", "GET"): Entry(ALL),
    ("debt.import_upload", "GET"): Entry(COOP),
    ("debt.import_upload", "POST"): Entry(COOP, ok=ok(422)),  # no file
    ("debt.import_template", "GET"): Entry(COOP),
    ("debt.import_job", "GET"): Entry(COOP, obj="import"),
    ("debt.import_commit", "POST"): Entry(COOP, ok=ok(302), obj="import"),
    ("api.reports_summary", "GET"): Entry(ALL),
    ("api.reports_funnel", "GET"): Entry(ALL),
    # Issue 20: the repayment report, read by anyone whose scope holds the cases (api-v1.md v1.1).
    ("reports.repayment", "GET"): Entry(ALL),
    ("api.reports_repayment", "GET"): Entry(ALL),
    # Issue 18: creditors on file are national reference data (every signed-in user reads them, not scoped);
    # cooperative officers, provincial officers and administrators add them.
    ("debt.creditors_list", "GET"): Entry(ALL),
    ("debt.creditor_search", "GET"): Entry(ALL),
    ("debt.creditor_new", "GET"): Entry(CREDITOR_EDITORS),
    ("debt.creditor_new", "POST"): Entry(CREDITOR_EDITORS, ok=ok(422)),  # nothing typed
    ("api.list_creditors", "GET"): Entry(ALL),
    ("api.create_creditor", "POST"): Entry(CREDITOR_EDITORS, ok=ok(400)),  # no body
    ("api.get_creditor", "GET"): Entry(ALL, obj="creditor"),
    ("api.person_exposure", "GET"): Entry(PEOPLE, obj="citizen"),  # issue 20: a person named by citizen ID
    ("letters.issue", "POST"): Entry(ISSUERS, ok=ok(404)),  # names no case
    ("letters.register", "GET"): Entry(ALL),
    ("letters.letter", "GET"): Entry(ALL, obj="letter"),
    ("letters.letter_pdf", "GET"): Entry(ALL, obj="letter"),
    ("letters.verify", "GET"): Entry(PUBLIC, obj="letter"),
    ("letters.verify", "POST"): Entry(PUBLIC, ok=ok(422), obj="letter"),  # no file chosen
    ("letters.verify_file", "GET"): Entry(PUBLIC),
    ("letters.verify_file", "POST"): Entry(PUBLIC, ok=ok(422)),  # no file chosen
    ("letters.batches", "GET"): Entry(ISSUERS),
    ("letters.new_batch", "GET"): Entry(ISSUERS),
    ("letters.new_batch", "POST"): Entry(ISSUERS, ok=ok(422)),  # no case chosen
    ("letters.batch", "GET"): Entry(ISSUERS, obj="batch"),
    ("letters.retry_batch", "POST"): Entry(ISSUERS, ok=ok(302), obj="batch"),
    ("letters.batch_pdf", "GET"): Entry(ISSUERS, obj="batch"),
    ("api.issue_debt_letter", "POST"): Entry(ISSUERS, ok=ok(400), obj="case"),  # no body
    ("api.issue_relief_letter", "POST"): Entry(RELIEF_ISSUERS, ok=ok(400), obj="relief"),
    ("api.list_debt_letters", "GET"): Entry(ALL, obj="case"),
    ("api.list_relief_letters", "GET"): Entry(RELIEF, obj="relief"),
    ("api.get_letter", "GET"): Entry(ALL, obj="letter"),
    ("api.get_letter_pdf", "GET"): Entry(ALL, obj="letter"),
    ("api.issue_token", "POST"): Entry(PUBLIC, ok=ok(400)),  # no body: malformed
    ("api.revoke_token", "DELETE"): Entry(ALL, ok=ok(204)),
    ("api.me", "GET"): Entry(ALL),
    ("api.org_units", "GET"): Entry(ALL),
    ("api.openapi_document", "GET"): Entry(PUBLIC),
    ("api.create_debt_case", "POST"): Entry(COOP, ok=ok(400)),
    ("api.list_debt_cases", "GET"): Entry(ALL),
    ("api.get_debt_case", "GET"): Entry(ALL, obj="case"),
    ("api.update_debt_case", "PATCH"): Entry(COOP, ok=ok(400), obj="case"),
    ("api.create_debt_plan", "POST"): Entry(COOP, ok=ok(400), obj="case"),
    ("api.suggest_debt_plan", "POST"): Entry(ALL, ok=ok(400), obj="case"),
    ("api.get_debt_plan", "GET"): Entry(ALL, obj="plan"),
    ("api.delete_debt_plan", "DELETE"): Entry(COOP, ok=ok(204), obj="plan"),
    ("api.debt_plan_schedule", "GET"): Entry(ALL, obj="plan"),
    ("api.debt_case_transition", "POST"): Entry(ALL, ok=ok(400), obj="case"),  # no body
    ("api.debt_case_history", "GET"): Entry(ALL, obj="case"),
    # After approval (issue 19): the cooperative records answers and payoffs; everyone in scope reads them.
    ("api.create_creditor_response", "POST"): Entry(COOP, ok=ok(400), obj="case"),  # no body
    ("api.list_creditor_responses", "GET"): Entry(ALL, obj="case"),
    ("api.create_payoff", "POST"): Entry(COOP, ok=ok(400), obj="case"),
    ("api.list_payoffs", "GET"): Entry(ALL, obj="case"),
    # The monthly deduction list (issue 19): anyone whose scope holds the cases; the API needs a month (422).
    ("api.deduction_list", "GET"): Entry(ALL, ok=ok(422)),
    ("debt.deductions", "GET"): Entry(ALL),
    # Repayments (issue 20): the cooperative and the province record them; everyone in scope reads instalments and
    # the bucket history. With no body the API answers 400; the case page's form with nothing typed, 422; a
    # repayment file's job page is its requester's alone.
    ("api.create_repayments", "POST"): Entry(REPAYERS, ok=ok(400)),
    ("api.list_instalments", "GET"): Entry(ALL, obj="case"),
    ("api.delinquency_history", "GET"): Entry(ALL, obj="case"),
    ("debt.record_one", "POST"): Entry(REPAYERS, ok=ok(422), obj="case"),
    ("debt.upload", "GET"): Entry(REPAYERS),
    ("debt.upload", "POST"): Entry(REPAYERS, ok=ok(422)),
    ("debt.repayment_template", "GET"): Entry(REPAYERS),
    ("debt.repayment_job", "GET"): Entry(REPAYERS, obj="repayment_job"),
    # One paying unit's deduction notice: the letter issuers (the service then asks for a provincial office); with no
    # body the API answers 400, and the page goes back to the list with the reason (302).
    ("api.issue_deduction_list_notice", "POST"): Entry(ISSUERS, ok=ok(400)),
    ("letters.issue_deduction_notice", "POST"): Entry(ISSUERS, ok=ok(302)),
    ("api.create_relief_case", "POST"): Entry(PROV_OFFICER, ok=ok(400)),
    ("api.list_relief_cases", "GET"): Entry(RELIEF),
    ("api.get_relief_case", "GET"): Entry(RELIEF, obj="relief"),
    ("api.update_relief_case", "PATCH"): Entry(PROV_OFFICER, ok=ok(400), obj="relief"),
    ("api.add_relief_evidence", "POST"): Entry(PROV_OFFICER, ok=ok(422), obj="relief"),
    ("api.get_relief_evidence", "GET"): Entry(RELIEF, obj="relief"),
    ("api.relief_case_transition", "POST"): Entry(RELIEF, ok=ok(400), obj="relief"),
    ("api.relief_case_history", "GET"): Entry(RELIEF, obj="relief"),
    ("api.relief_payment", "POST"): Entry(PROV_OFFICER, ok=ok(400), obj="relief"),
    ("api.relief_continuation", "POST"): Entry(PROV_OFFICER, ok=ok(400), obj="relief"),
}


def app_endpoints(app):
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            yield rule.endpoint, method


def test_every_endpoint_is_in_the_matrix(app):
    missing = sorted(set(app_endpoints(app)) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(app_endpoints(app)))
    assert missing == [], f"add these endpoints to MATRIX: {missing}"
    assert stale == [], f"these MATRIX entries have no endpoint: {stale}"


def _url(app, endpoint: str, values: dict) -> str:
    if endpoint == "static":
        return "/static/css/app.css"
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    url = rule.rule
    for name, value in values.items():
        url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    return url.replace("<fmt>", "csv")


def _attachment(username: str) -> dict:
    """A salary slip attached to a fresh case of the user's cooperative."""
    from app.services import debt_attachments

    case_id, _plan, _person = _debt_case(username)
    actor = db.session.scalar(select(User).where(User.username == username))
    row = debt_attachments.add_attachment(actor, case_id, "salary_slip", "", "slip.pdf", b"%PDF-1.4\n% slip\n")
    return {"case_id": case_id, "attachment_id": row.id, "_path": db.session.get(DebtCase, case_id).org_path}


def _debt_case(username: str):
    """A case with one plan in the user's cooperative, built through the services."""
    from app.services import debt_cases, debt_plans
    from app.services.debt_input import parse_case
    from tests.helpers import SPEC_CASE

    actor = db.session.scalar(select(User).where(User.username == username))
    body = {**SPEC_CASE, "cooperative_code": actor.org_unit.code}
    case = debt_cases.create_case(actor, parse_case(body))
    plan = debt_plans.create_plan(actor, case.id, {"consolidate": {
        "debt_ids": [case.debts[0].id], "annual_rate": "4.50", "term_months": 120}})
    return case.id, plan.id, case.person_id


def _relief_case(in_scope: bool) -> dict:
    """A relief case with one piece of evidence: in Pattani (the south users' scope), or in Yala (outside it)."""
    from app.services import relief, relief_evidence, relief_input
    from tests.helpers import PDF, death_case
    from tests.factories import UserFactory

    if in_scope:
        officer = db.session.scalar(select(User).where(User.username == "south_officer"))
        body = death_case()
    else:
        officer = UserFactory(username="yala_officer", role="provincial_officer", org_unit=unit_by_code("95"))
        body = death_case(incident__province_code="95", incident__district="เมืองยะลา")
    case = relief.create_case(officer, relief_input.parse_relief(body))
    evidence = relief_evidence.add_evidence(officer, case.id, "police_report", "report.pdf", PDF)
    return {"case_id": case.id, "evidence_id": evidence.id, "_path": case.org_path}


def _answer(username: str) -> dict:
    """A creditor's answer with its scan, on a case of the user's cooperative (stored as the service stores it)."""
    from datetime import date

    from app.models import CreditorResponse
    from app.storage import storage
    from tests.helpers import PDF

    actor = db.session.scalar(select(User).where(User.username == username))
    case_id, _plan, _person = _debt_case(username)
    case = db.session.get(DebtCase, case_id)
    storage().write("answers/matrix.pdf", PDF)
    row = CreditorResponse(case_id=case_id, debt_id=case.debts[0].id, plan_version=1, response="accepted",
                           responded_on=date(2026, 11, 20), scan_key="answers/matrix.pdf", scan_filename="a.pdf",
                           recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    return {"case_id": case_id, "response_id": row.id, "_path": case.org_path}


def _letter_objects(kind: str, username: str) -> dict:
    """A case summary issued by the cooperative officer, or a printed batch of them."""
    from app.services import letter_batches, letters

    actor = db.session.scalar(select(User).where(User.username == username))
    case_id, _plan, _person = _debt_case(username)
    if kind == "letter":
        letter = letters.issue(actor, "debt", case_id, "case_summary")
        return {"letter_id": letter.id, "token": letter.token, "_path": letter.org_path}
    batch = letter_batches.create(actor, "case_summary", [case_id])  # printed as it commits (JOBS_IMMEDIATE)
    return {"batch_id": batch.id, "_path": batch.org_path}


def _values(obj_kind: str | None, username: str | None, in_scope: bool) -> dict:
    if obj_kind is None:
        return {}
    if obj_kind == "setting":
        return {"key": "affordability.floor"}
    if obj_kind == "creditor":  # national reference data: the same creditor whoever asks
        from app.models import Creditor

        return {"creditor_id": db.session.scalar(select(Creditor.id).order_by(Creditor.id).limit(1))}
    if obj_kind == "rule":
        from app.models import EntitlementRule

        return {"rule_id": db.session.scalar(select(EntitlementRule.id).limit(1))}
    if obj_kind == "backup":  # a kept backup (the backup job's row and its stored file): not scoped
        from app.models import BackgroundJob
        from app.storage import storage

        key = "backups/krudesk-20261201-010000-0.db"
        storage().write(key, b"SQLite format 3\x00")
        job = BackgroundJob(kind="backup", status="done", file_key=key, result={"key": key, "size": 16})
        db.session.add(job)
        db.session.commit()
        return {"job_id": job.id}
    if obj_kind == "export":  # a finished list export: its requester's alone, whatever the scope
        from app.models import BackgroundJob
        from app.storage import storage

        owner = db.session.scalar(select(User).where(User.username == ((username or "admin") if in_scope else OTHER_USER)))
        key = f"exports/matrix-{owner.id}.csv"
        storage().write(key, "\ufeffa\r\n".encode())
        job = BackgroundJob(kind="export", status="done", file_key=key, requested_by_id=owner.id,
                            org_path=owner.org_unit.path, result={"rows": 0},
                            params={"list": "debt-cases", "format": "csv", "filters": {}, "lang": "th"})
        db.session.add(job)
        db.session.commit()
        return {"job_id": job.id}
    if obj_kind == "repayment_job":  # a repayment file recorded in the background: its requester's alone
        from app.models import BackgroundJob

        owner = db.session.scalar(select(User).where(User.username == ((username or "coop_officer") if in_scope
                                                                       else OTHER_USER)))
        job = BackgroundJob(kind="repayment_import", status="done", requested_by_id=owner.id,
                            org_path=owner.org_unit.path, result=None,
                            params={"filename": "feb.csv", "month": "2026-02-01", "key": "repayment-files/x.csv",
                                    "dry_run": True, "accept_partial": False})
        db.session.add(job)
        db.session.commit()
        return {"job_id": job.id}
    if obj_kind == "unit":
        if in_scope:
            user = db.session.scalar(select(User).where(User.username == (username or "admin")))
            return {"unit_id": user.org_unit_id}
        return {"unit_id": unit_by_code(OTHER_UNIT).id}
    if obj_kind == "user":
        name = (username or "admin") if in_scope else OTHER_USER
        return {"user_id": db.session.scalar(select(User.id).where(User.username == name))}
    if obj_kind == "relief":
        return _relief_case(in_scope)
    if obj_kind == "import":
        from app.services import debt_import

        actor = db.session.scalar(select(User).where(User.username == ("coop_officer" if in_scope else OTHER_USER)))
        job = debt_import.upload(actor, None, "x.csv", "เลขประจำตัวประชาชน\n".encode())
        return {"job_id": job.id, "_path": job.org_path}
    if obj_kind == "citizen":  # the teacher of a case in or out of scope, named by citizen ID (guarantor exposure)
        case_id, _plan, _person = _debt_case("coop_officer" if in_scope else OTHER_USER)
        case = db.session.get(DebtCase, case_id)
        return {"citizen_id": case.person.citizen_id, "_path": case.org_path}
    if obj_kind in ("letter", "batch"):
        return _letter_objects(obj_kind, "coop_officer" if in_scope else OTHER_USER)
    if obj_kind == "answer":
        return _answer("coop_officer" if in_scope else OTHER_USER)
    if obj_kind == "attachment":
        return _attachment("coop_officer" if in_scope else OTHER_USER)
    case_id, plan_id, person_id = _debt_case("coop_officer" if in_scope else OTHER_USER)
    return {"case_id": case_id, "plan_id": plan_id, "person_id": person_id,
            "_path": db.session.get(DebtCase, case_id).org_path}


def _covers(username: str, obj_kind: str, path: str | None) -> bool:
    """Whether the object named in the URL lies in the user's scope (worked out from the data, not assumed)."""
    user = db.session.scalar(select(User).where(User.username == username))
    if path is None:
        path = unit_by_code(OTHER_UNIT).path
    return path.startswith(user.org_unit.path)


def _expected(entry: Entry, role: Role | None, in_scope: bool, username: str | None, api: bool,
              path: str | None = None) -> frozenset:
    if entry.roles == PUBLIC:
        return entry.signed_in_ok if (role and entry.signed_in_ok) else entry.ok
    if role is None:
        return ok(401) if api else ok(302)
    if role not in entry.roles:
        return ok(403)
    if entry.obj in ("export", "repayment_job") and not in_scope:  # another user's job: missing, whoever asks
        return ok(404)
    if entry.obj and entry.obj not in ("setting", "rule", "backup", "creditor", "repayment_job") and (not in_scope or path) and not _covers(username, entry.obj, path):
        return ok(404)
    return entry.ok


CASES = [(key, role, in_scope) for key, entry in MATRIX.items()
         for role in [None, *ROLE_USERS] for in_scope in ([True, False] if entry.obj else [True])]


@pytest.mark.parametrize("key, role, in_scope", CASES,
                         ids=[f"{k[0]}-{k[1]}-{r.value if r else 'anonymous'}-{'in' if s else 'out'}"
                              for k, r, s in CASES])
def test_route_role_scope(app, client, key, role, in_scope):
    endpoint, method = key
    entry = MATRIX[key]
    username = ((RELIEF_USERS.get(role) if entry.obj == "relief" or endpoint.startswith(("relief.", "api.relief", "api.create_relief", "api.list_relief", "api.get_relief", "api.add_relief")) else None)
                or ROLE_USERS[role]) if role else None
    api = endpoint.startswith("api.")
    headers = {}
    if username:
        if api:
            headers["Authorization"] = f"Bearer {api_token(client, username)}"
        else:
            assert login(client, username).status_code == 302
    values = _values(entry.obj, username, in_scope)
    path = values.pop("_path", None)
    url = _url(app, endpoint, values)
    response = client.open(url, method=method, headers=headers, data={} if not api else None)
    expected = _expected(entry, role, in_scope, username, api, path)
    assert response.status_code in expected, (url, response.status_code, response.get_data(as_text=True)[:300])
