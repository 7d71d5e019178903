"""API handlers for letters (api-v1.md, "Letters"): issue for a case, list a case's letters, fetch one or its PDF."""
from __future__ import annotations

from flask import jsonify, url_for

from app.api.blueprint import bp
from app.api.helpers import api_user, json_body, require_permission
from app.api.openapi import documented
from app.services import letters, unit_notices
from app.urls import absolute_url_for
from app.web import pdf_response


def letter_json(letter) -> dict:
    return {"id": letter.id, "kind": letter.kind, "number": letter.number_text,
            "issued_on": letter.issued_on.isoformat(), "case_type": letter.case_type, "case_id": letter.case_id,
            "subject": letter.subject, "content_sha256": letter.content_sha256,
            "pdf_url": absolute_url_for("api.get_letter_pdf", letter_id=letter.id),
            "verify_url": letter.payload["letter"]["verify_url"]}


def _issue(case_type: str, case_id: int):
    require_permission("issue_letters")
    letters.load_case(api_user(), case_type, case_id)  # scope before the body: 404 outside it
    body = json_body()
    letter = letters.issue(api_user(), case_type, case_id, body.get("kind"), body.get("debt_id"),
                           body.get("reissue_reason"))
    response = jsonify(letter_json(letter))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_letter", letter_id=letter.id)
    return response


@bp.route("/debt-cases/<int:case_id>/letters", methods=["POST"])
@documented("issue_letter")
def issue_debt_letter(case_id: int):
    return _issue("debt", case_id)


@bp.route("/relief-cases/<int:case_id>/letters", methods=["POST"])
@documented("issue_letter")
def issue_relief_letter(case_id: int):
    return _issue("relief", case_id)


@bp.route("/deduction-lists/notices", methods=["POST"])
@documented("issue_deduction_list_notice")
def issue_deduction_list_notice():
    """One paying unit's notice for one month (issue 19; services/unit_notices.py)."""
    require_permission("issue_letters")
    body = json_body()
    letter = unit_notices.issue_unit_notice(api_user(), body.get("paying_unit_code"), body.get("month"),
                                            body.get("reissue_reason"))
    response = jsonify(letter_json(letter))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_letter", letter_id=letter.id)
    return response


def _list(case_type: str, case_id: int):
    letters.load_case(api_user(), case_type, case_id)
    return jsonify({"items": [letter_json(x) for x in letters.letters_for_case(case_type, case_id)]})


@bp.route("/debt-cases/<int:case_id>/letters", methods=["GET"])
@documented("list_case_letters")
def list_debt_letters(case_id: int):
    return _list("debt", case_id)


@bp.route("/relief-cases/<int:case_id>/letters", methods=["GET"])
@documented("list_case_letters")
def list_relief_letters(case_id: int):
    return _list("relief", case_id)


@bp.route("/letters/<int:letter_id>", methods=["GET"])
@documented("get_letter")
def get_letter(letter_id: int):
    return jsonify(letter_json(letters.get_letter(api_user(), letter_id)))


@bp.route("/letters/<int:letter_id>.pdf", methods=["GET"])
@documented("get_letter_pdf")
def get_letter_pdf(letter_id: int):
    letter = letters.get_letter(api_user(), letter_id)
    return pdf_response(letters.pdf_of(letter), f"letter-{letter.id}.pdf")  # the file as issued, byte for byte
