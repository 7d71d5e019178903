"""Letter pages: issue from a case page, the register of issued letters (ทะเบียนหนังสือส่ง) with reprint,
batch printing with progress, and the public verification page behind each letter's QR code."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import programmes
from app.auth.session import permission_required
from app.domain import clock
from app.domain.thai_text import be_year, format_be_date, parse_typed_month, typed_month_text
from app.extensions import db
from app.i18n import gettext as _
from app.models import OrgUnit
from app.rate_limits import verify_limit
from app.services import guarantor_notices, letter_batches, letter_kinds, letters, unit_notices
from app.services.errors import Conflict, Forbidden, ValidationFailed
from app.services.scope import units_in_scope
from app.export_jobs import list_download
from app.exports import requested_format
from app.storage import storage
from app.web import file_response, paginate, pdf_response, safe_next, typed_day

bp = Blueprint("letters", __name__)


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isascii() and value.isdecimal() and len(value) < 10 else None


@bp.route("/letters/issue", methods=["POST"])
@permission_required("issue_letters")
def issue():
    case_type = request.form.get("case_type", "")
    case_id = _int(request.form.get("case_id"))
    if case_type not in programmes.names() or case_id is None:
        abort(404)
    case_page = programmes.programme(case_type).page_endpoint
    kind = request.form.get("kind", "")
    try:
        reason = request.form.get("reissue_reason")
        if kind == "creditor_pack":
            issued = letters.creditor_pack(current_user, case_id, reason)
        else:
            issued = [letters.issue(current_user, case_type, case_id, kind, _int(request.form.get("debt_id")), reason)]
    except (ValidationFailed, Conflict, Forbidden) as error:
        db.session.rollback()
        detail = error.message if "reissue_reason" in error.fields else ("; ".join(error.fields.values()) or error.message)
        flash(_("The letter was not issued: %(reason)s", reason=detail), "danger")
        return redirect(url_for(case_page, case_id=case_id, _anchor="letters"))
    numbers = ", ".join(letter.number_text for letter in issued)
    flash(_("Issued letter no. %(numbers)s.", numbers=numbers), "success")
    if any(letter.pdf_key and letter.signing_key_id is None for letter in issued):
        flash(_("The letter was issued without a digital signature: your office has no signing certificate. "
                "Ask an administrator to upload one."), "warning")
    if len(issued) == 1:
        return redirect(url_for("letters.letter", letter_id=issued[0].id))
    return redirect(url_for(case_page, case_id=case_id, _anchor="letters"))


@bp.route("/letters/deduction-notices", methods=["POST"])
@permission_required("issue_letters")
def issue_deduction_notice():
    """One paying unit's deduction notice for one month (issue 19): `paying_unit_code`, `month` (02/2570 or 2027-02),
    `reissue_reason`; back to `next` (the deduction list page) when it is refused."""
    back = safe_next(request.form.get("next"), url_for("letters.register"))
    try:
        letter = unit_notices.issue_unit_notice(current_user, request.form.get("paying_unit_code", ""),
                                                request.form.get("month", ""), request.form.get("reissue_reason"))
    except (ValidationFailed, Conflict, Forbidden) as error:
        db.session.rollback()
        detail = error.message if "reissue_reason" in error.fields else ("; ".join(error.fields.values()) or error.message)
        flash(_("The letter was not issued: %(reason)s", reason=detail), "danger")
        return redirect(back)
    flash(_("Issued letter no. %(numbers)s.", numbers=letter.number_text), "success")
    if letter.pdf_key and letter.signing_key_id is None:
        flash(_("The letter was issued without a digital signature: your office has no signing certificate. "
                "Ask an administrator to upload one."), "warning")
    return redirect(url_for("letters.letter", letter_id=letter.id))


@bp.route("/letters")
@permission_required("view_org_units")
def register():
    args = {k: request.args.get(k, "").strip()[:100] for k in ("office", "kind", "year", "q", "from", "to")}
    offices = list(db.session.scalars(units_in_scope(current_user, ("cooperative", "province", "area_office"))
                                      .order_by(OrgUnit.code)))
    office_id = _int(args["office"])
    if office_id is None and not args["office"] and current_user.org_unit.kind in ("cooperative", "province"):
        office_id = current_user.org_unit_id  # an office's register opens on its own letters
        args["office"] = str(office_id)
    date_from, date_to = typed_day(args["from"]), typed_day(args["to"])
    if requested_format():
        return list_download("letters-register", {
            "office_id": office_id, "kind": args["kind"], "year": _int(args["year"]), "text": args["q"],
            "date_from": date_from.isoformat() if date_from else "", "date_to": date_to.isoformat() if date_to else ""})
    query = letters.register_query(current_user, office_id=office_id, kind=args["kind"], year=_int(args["year"]),
                                   text=args["q"], date_from=date_from, date_to=date_to)
    return render_template("letters/register.html", page=paginate(query), args=args, offices=offices,
                           kinds=letter_kinds.registry(), this_year=be_year(clock.today()))


@bp.route("/letters/<int:letter_id>")
@permission_required("view_org_units")
def letter(letter_id: int):
    row = letters.get_letter(current_user, letter_id)
    # a letter about no single case (a paying unit's monthly notice) links to no case page
    case_page = programmes.programme(row.case_type).page_endpoint if row.case_type in programmes.names() else None
    return render_template("letters/letter.html", letter=row, kind=letter_kinds.get(row.kind), case_page=case_page)


@bp.route("/letters/<int:letter_id>.pdf")
@permission_required("view_org_units")
def letter_pdf(letter_id: int):
    row = letters.get_letter(current_user, letter_id)
    return pdf_response(letters.pdf_of(row), f"letter-{row.id}.pdf")  # the file as issued, byte for byte


# ---- batches -------------------------------------------------------------------------------------

@bp.route("/letters/batches")
@permission_required("issue_letters")
def batches():
    return render_template("letters/batches.html", page=paginate(letter_batches.batches_query(current_user)),
                           kinds=letter_kinds.registry())


@bp.route("/letters/batches/new", methods=["GET", "POST"])
@permission_required("issue_letters")
def new_batch():
    kinds = {name: k for name, k in letter_kinds.registry().items()
             if letters.may_issue(current_user, k) and k.decision}
    today = clock.today()
    kind = request.values.get("kind", "") if request.values.get("kind", "") in kinds else next(iter(kinds), "")
    month = request.values.get("month", "")[:10] or typed_month_text(today.year, today.month)  # 12/2569
    by_overdue = kind == guarantor_notices.KIND
    overdue: dict = {}
    if by_overdue:
        # Guarantor notices go out for what is overdue now, not for the cases approved in a month: every case in
        # scope with a guaranteed debt 60 or more days overdue (domain.md, "After approval" 6).
        overdue = {c.case.id: c for c in guarantor_notices.candidates(current_user, today)}
        candidates, month_error, month = [c.case for c in overdue.values()], None, ""
    else:
        try:
            year, month_no = parse_typed_month(month)
            if not 2000 <= year <= 2200:
                raise ValueError(month)
            candidates = letter_batches.approved_in_month(current_user, kind, year, month_no) if kind else []
            month_error = None
        except ValueError:
            candidates, month_error = [], _("Choose a month.")
    errors = {"month": month_error} if month_error else {}
    if request.method == "POST" and not errors:
        chosen = [int(x) for x in request.form.getlist("case_ids") if x.isdecimal() and len(x) < 10]
        try:
            batch = letter_batches.create(current_user, kind, chosen, label=month or format_be_date(today),
                                          include_existing=request.form.get("include_existing") == "yes",
                                          reissue_reason=request.form.get("reissue_reason", ""))
        except ValidationFailed as error:
            db.session.rollback()
            errors = error.fields
        else:
            return redirect(url_for("letters.batch", batch_id=batch.id))
    status = 422 if request.method == "POST" else 200
    if by_overdue:  # a case counts as having its notices when every debt due one has it
        existing = {case_id: next(iter(c.notified.values())) for case_id, c in overdue.items() if not c.due}
    else:
        existing = letters.existing_letters_for(kinds[kind].programme, kind, [c.id for c in candidates]) if kind else {}
    return render_template("letters/batch_new.html", kinds=kinds, kind=kind, month=month, candidates=candidates,
                           overdue=overdue, by_overdue=by_overdue,
                           existing=existing, names={c.id: letter_batches.person_name_of(c) for c in candidates},
                           form=request.form if request.method == "POST" else {},
                           errors=errors, chosen=set(request.form.getlist("case_ids")) if request.method == "POST"
                           else None), status


@bp.route("/letters/batches/<int:batch_id>")
@permission_required("issue_letters")
def batch(batch_id: int):
    row = letter_batches.get(current_user, batch_id)
    return render_template("letters/batch.html", batch=row, kind=letter_kinds.get(row.kind),
                           rendered=letter_batches.progress(row),
                           waiting=letter_batches.waiting_for_a_worker(row),
                           issued=letter_batches.letters_of(row) if row.status == "done" else [])


@bp.route("/letters/batches/<int:batch_id>/retry", methods=["POST"])
@permission_required("issue_letters")
def retry_batch(batch_id: int):
    row = letter_batches.retry(current_user, batch_id)  # only a failed batch: a double click does nothing more
    return redirect(url_for("letters.batch", batch_id=row.id))


@bp.route("/letters/batches/<int:batch_id>.pdf")
@permission_required("issue_letters")
def batch_pdf(batch_id: int):
    row = letter_batches.batch_pdf(current_user, batch_id)
    response = file_response(storage().chunks(letter_batches.pdf_key(row)), "application/pdf",
                             f"letters-batch-{row.id}.pdf", disposition="inline")
    response.headers["Cache-Control"] = "no-cache"
    return response


# ---- public verification -------------------------------------------------------------------------

@bp.route("/verify/<token>", methods=["GET", "POST"])
@verify_limit
def verify(token: str):
    """No sign-in: the number, kind, date, issuing office and content hash, and no personal data; whether the kept
    file's signature is valid and the file unchanged; and a form where anyone checks a PDF they were sent."""
    row = letters.verify(token)
    checked, error = _checked_upload() if request.method == "POST" else (None, None)
    return render_template("letters/verify.html", letter=row, kind=letter_kinds.get(row.kind),
                           seal=letters.seal_of(row), checked=checked, upload_error=error,
                           max_mb=_max_bytes() // (1024 * 1024)), 422 if error else 200


@bp.route("/verify", methods=["GET", "POST"])
@verify_limit
def verify_file():
    """No sign-in: check any PDF against our units' certificates, without the letter's address."""
    checked, error = _checked_upload() if request.method == "POST" else (None, None)
    return render_template("letters/verify.html", letter=None, kind=None, seal=None, checked=checked,
                           upload_error=error, max_mb=_max_bytes() // (1024 * 1024)), 422 if error else 200


def _max_bytes() -> int:
    return current_app.config["SIGNING_VERIFY_MAX_BYTES"]


def _checked_upload():
    """(the examined upload, None) or (None, the field's message): never an exception on what anyone sends."""
    upload = request.files.get("pdf")
    if upload is None or not upload.filename:
        return None, _("Choose the PDF file to check.")
    data = upload.stream.read(_max_bytes() + 1)
    if len(data) > _max_bytes():
        return None, _("The file is larger than %(mb)d MB.", mb=_max_bytes() // (1024 * 1024))
    if not data:
        return None, _("The file is empty.")
    return letters.examine(data), None
