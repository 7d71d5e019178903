"""Template filters and globals: Buddhist-Era dates, labels, role-driven menu checks."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from urllib.parse import urlencode

from flask import Flask, request
from flask_login import current_user

from app.audit.changes import entity_label
from app.domain.money import format_money, rate_str
from app.domain.thai_id import format_citizen_id, mask_bank_account, mask_citizen_id
from app.domain.thai_text import format_be_date, format_be_datetime, format_be_month, parse_typed_date, typed_date_text
from app.i18n import current_language
from app.labels import (
    ACTION_LABELS, ATTACHMENT_KIND_LABELS, AUDIT_ACTION_LABELS, BATCH_STATUS_LABELS, BUCKET_LABELS, CREDITOR_TYPE_LABELS,
                        DEDUCTION_LABELS, ENTITLEMENT_KIND_LABELS, INSTALMENT_STATUS_LABELS, JOB_STATUS_LABELS,
                        PROGRAMME_LABELS,
                        EMPLOYMENT_LABELS, EVIDENCE_LABELS, HARM_LABELS, IMPORT_STATUS_LABELS, INCIDENT_KIND_LABELS,
                        LEGAL_STATUS_LABELS, LEVEL_LABELS, METHOD_LABELS, RELATIONSHIP_LABELS, RISK_LABELS,
                        RISK_SHORT_LABELS, ROLE_LABELS, SETTING_CHOICE_LABELS, SPLIT_LABELS, STATUS_LABELS,
                        UNIT_KIND_LABELS, WARNING_LABELS, legal_source)
from app.services import home_counts, notify
from app.services.permissions import can


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(lambda d, style="long": format_be_date(d, style, current_language()), "be_date")
    app.add_template_filter(lambda d: format_be_datetime(d, current_language()), "be_datetime")
    app.add_template_filter(lambda d, style="long": format_be_month(d, style, current_language()), "be_month")
    app.add_template_filter(_typed_date, "typed_date")
    app.add_template_filter(lambda text: format_be_date(date.fromisoformat(text), "long", current_language())
                            if text else "", "iso_be_date")
    app.add_template_filter(lambda code: ROLE_LABELS.get(code, code), "role_label")
    app.add_template_filter(_number, "number")
    app.add_template_filter(lambda code: IMPORT_STATUS_LABELS.get(code, code), "import_status")
    app.add_template_filter(lambda code: BATCH_STATUS_LABELS.get(code, code), "batch_status")
    app.add_template_filter(lambda code: UNIT_KIND_LABELS.get(code, code), "unit_kind_label")
    app.add_template_filter(lambda code: AUDIT_ACTION_LABELS.get(code, code), "audit_action_label")
    app.add_template_filter(lambda value: "" if value in (None, "") else format_money(Decimal(str(value))), "baht")
    app.add_template_filter(lambda value: "" if value in (None, "") else f"{Decimal(str(value)) * 100:.2f}%",
                            "percent")
    app.add_template_filter(mask_citizen_id, "masked_id")
    app.add_template_filter(rate_str, "rate")
    app.add_template_filter(mask_bank_account, "masked_account")
    app.add_template_filter(format_citizen_id, "full_id")
    for name, labels in (("status_label", STATUS_LABELS), ("risk_label", RISK_LABELS),
                         ("creditor_type_label", CREDITOR_TYPE_LABELS), ("deduction_label", DEDUCTION_LABELS),
                         ("legal_status_label", LEGAL_STATUS_LABELS), ("warning_label", WARNING_LABELS),
                         ("method_label", METHOD_LABELS), ("risk_short", RISK_SHORT_LABELS),
                         ("action_label", ACTION_LABELS), ("harm_label", HARM_LABELS),
                         ("employment_label", EMPLOYMENT_LABELS), ("relationship_label", RELATIONSHIP_LABELS),
                         ("level_label", LEVEL_LABELS), ("incident_kind_label", INCIDENT_KIND_LABELS),
                         ("evidence_label", EVIDENCE_LABELS), ("split_label", SPLIT_LABELS),
                         ("bucket_label", BUCKET_LABELS), ("instalment_status_label", INSTALMENT_STATUS_LABELS),
                         ("job_status_label", JOB_STATUS_LABELS),
                         ("entitlement_kind_label", ENTITLEMENT_KIND_LABELS), ("programme_label", PROGRAMME_LABELS),
                         ("attachment_kind_label", ATTACHMENT_KIND_LABELS)):
        app.add_template_filter(lambda code, labels=labels: labels.get(code, code), name)
    # Issue 21, 2: no internal code on a page — the kind of an audited record, a rule's legal source without the
    # project's file names, a stored notice in the reader's language with its status and action by their labels.
    app.add_template_filter(entity_label, "entity_kind_label")
    app.add_template_filter(legal_source, "legal_source")
    app.add_template_filter(notify.notice_text, "notice_text")

    app.add_template_global(lambda key, value: SETTING_CHOICE_LABELS.get(key, {}).get(value, value), "setting_choice")
    app.add_template_filter(_browser, "browser")
    app.add_template_global(_page_url, "page_url")
    app.add_template_global(ATTACHMENT_KIND_LABELS, "attachment_kind_labels")  # the upload form's choices

    @app.context_processor
    def inject_helpers():
        return {
            "menu_counts": _menu_counts,
            "can": partial(can, current_user._get_current_object()),  # the user itself: no proxy look-up a call
            "current_language": current_language(),
        }


def _menu_counts() -> dict:
    """Badges in the menu: cases waiting for me and unread notices, on every page. The inbox is counted as the
    home page counts it (services/home_counts.Counts.inbox): debt cases from the trigger-kept rollup, a few
    hundred rows, where counting the inbox's cases read every case of a cooperative (18 ms at a million cases,
    docs/benchmarks.md "The search box"); all of it in one statement (home_counts.menu_badges)."""
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return {}
    return home_counts.menu_badges(user)


def _page_url(page: int, after: str | None = None) -> str:
    """The current list URL with another page number (and the cursor to continue after, for "next"), keeping
    every filter (as a query string: never passed to url_for, whose own keywords such as _external must not
    come from the request)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "after")]
    return request.path + "?" + urlencode(args + [("page", page)] + ([("after", after)] if after else []))


def _number(value):
    """Figures in tables: 1,234 for counts, 1,234.50 for money, anything else as it is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return value


# Browser and system names looked for in a User-Agent header, most specific first (Edge and Opera say "Chrome" too,
# Chrome says "Safari", Android says "Linux").
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Linux", "Linux"))


def _browser(user_agent: str | None) -> str:
    """ "Chrome on Windows" from a User-Agent header, for people reading a list of their sessions."""
    text = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in text), None)
    system = next((name for key, name in _SYSTEMS if key in text), None)
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or (text[:60] or "-")


def _typed_date(value) -> str:
    """What a date field shows: a date as dd/mm/BBBB; text the user typed (kept after an error) as they typed it,
    except an ISO date, shown the Thai way."""
    if isinstance(value, str):
        try:
            return typed_date_text(parse_typed_date(value)) if "-" in value else value
        except ValueError:
            return value
    return typed_date_text(value)
