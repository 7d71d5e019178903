"""An audit event as a person reads it (issue 21, 2): the kind of record by its label, and the change as rows of
field, before and after — labelled fields, amounts with separators, Buddhist-Era dates, codes by their labels,
citizen IDs and bank accounts masked as on every list. The stored JSON (and the CSV/XLSX export) stays as written.

A cell is text, or a list of Items (a nested record: a debt of a case, the terms of a plan) that the template
shows as "label: value" lines."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from app import labels
from app.audit.fields import (CITIZEN_ID_KEYS, FIELD_LABELS, FIELD_LABELS_BY_KIND, HIDDEN, MONEY_KEYS, MONTH_KEYS,
                              PLAIN_NUMBER_KEYS, POSITIONAL, RATE_KEYS, STORED_FILE_KEYS)
from app.domain.money import format_money
from app.domain.thai_id import mask_bank_account, mask_citizen_id
from app.domain.thai_text import format_be_date, format_be_datetime, format_be_month
from app.extensions import db
from app.i18n import current_language
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import Creditor, DebtCase, EntitlementRule, OrgUnit, ReliefCase, User
from app.services import letter_kinds, list_exports
from app.services.plan_json import SETTING_KEYS as SETTING_KEYS_OF_PLANS
from app.services.settings import DEFINITIONS as SETTINGS

EMPTY = "—"
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_CITIZEN_ID = re.compile(r"^\d{13}$")

# Codes the services store as values, by the key they are stored under.
_NOTE_LABELS = {"no_rule": _l("No rule covers this harm yet"), "amount_not_set": _l("A rule's amount is not set yet")}
_PLAN_REMOVAL_LABELS = {"debt_removed": _l("A debt it used was removed from the case"),
                        "rule_broken": _l("It no longer keeps to the settings in force")}
_SOURCE_LABELS = {**labels.CREDITOR_SOURCE_LABELS, "upload": _l("Uploaded by an administrator"),
                  "generated": _l("Made by KruDesk"), "demo": _l("Demonstration certificate"),
                  "file": _l("Repayment file"), "form": _l("Case page"), "api": _l("API")}
_FORMAT_LABELS = {"html": _l("Web page"), "csv": "CSV", "xlsx": "XLSX", "pdf": "PDF", "txt": _l("Text file")}
_PURPOSE_LABELS = {"full citizen ID for the paying unit to deduct": _l("Full citizen ID for the paying unit to deduct"),
                   "full citizen ID for the recipient to act on": _l("Full citizen ID for its recipient to act on")}


def _kind_labels() -> dict:
    """Every "kind" a service records: of evidence, deduction, incident, unit, entitlement, letter."""
    kinds = {**labels.DEDUCTION_LABELS, **labels.INCIDENT_KIND_LABELS, **labels.UNIT_KIND_LABELS,
             **labels.ENTITLEMENT_KIND_LABELS, **labels.EVIDENCE_LABELS, **labels.ATTACHMENT_KIND_LABELS}
    kinds.update((name, kind.title) for name, kind in letter_kinds.registry().items())
    return kinds


_VALUE_LABELS = {
    "status": labels.STATUS_LABELS, "role": labels.ROLE_LABELS, "harm": labels.HARM_LABELS,
    "employment_type": labels.EMPLOYMENT_LABELS, "relationship": labels.RELATIONSHIP_LABELS,
    "education_level": labels.LEVEL_LABELS, "creditor_type": labels.CREDITOR_TYPE_LABELS,
    "legal_status": labels.LEGAL_STATUS_LABELS, "method": labels.METHOD_LABELS, "response": labels.RESPONSE_LABELS,
    "split_method": labels.SPLIT_LABELS, "programme": labels.PROGRAMME_LABELS, "membership": labels.FUNERAL_FUND_LABELS,
    "notes": _NOTE_LABELS, "reason": _PLAN_REMOVAL_LABELS, "source": _SOURCE_LABELS, "format": _FORMAT_LABELS,
    "purpose": _PURPOSE_LABELS, "rounding_mode": labels.SETTING_CHOICE_LABELS["repayment.rounding_mode"],
    "base": labels.SETTING_CHOICE_LABELS["affordability.base"],
    "rounding_step": labels.SETTING_CHOICE_LABELS["repayment.rounding_step"],
}
_VALUE_LABELS_BY_KIND = {"entitlement_rule": {"period": labels.RULE_PERIOD_LABELS}}


@dataclass
class Item:
    label: str | None
    value: object  # str or list[Item]


@dataclass
class Change:
    label: str
    before: object
    after: object


def entity_label(object_type: str | None) -> str:
    return str(labels.ENTITY_KIND_LABELS.get(object_type) or humanise(object_type or ""))


def humanise(key: str) -> str:
    """The last resort for a key no label names: words, never the key itself ("debt_ids" → "Debt ids")."""
    words = key.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def field_label(key: str, object_type: str | None = None) -> str:
    label = FIELD_LABELS_BY_KIND.get(object_type, {}).get(key) or FIELD_LABELS.get(key)
    if label is None and key in SETTING_KEYS_OF_PLANS:  # the settings a plan was worked out under, by their labels
        label = SETTINGS[SETTING_KEYS_OF_PLANS[key]].label
    return str(label) if label is not None else humanise(key)


def changes(event, rule_titles: dict | None = None) -> list[Change]:
    """The rows of field, before and after of one event, in the order the service wrote the keys."""
    before = event.before if isinstance(event.before, dict) else ({} if event.before is None else {"value": event.before})
    after = event.after if isinstance(event.after, dict) else ({} if event.after is None else {"value": event.after})
    reader = _Reader(event.object_type, event.object_id, rule_titles or {})
    hidden = HIDDEN.get(event.object_type, set())
    rows = []
    for key in dict.fromkeys([*before, *after]):
        if key in hidden:
            continue
        rows.append(Change(field_label(key, event.object_type),
                           reader.show(key, before[key]) if key in before else "",
                           reader.show(key, after[key]) if key in after else ""))
    return rows


class _Reader:
    """Formats the values of one event (its kind of record decides a few keys: a rule's period, a setting)."""

    def __init__(self, object_type: str | None, object_id: str | None, rule_titles: dict):
        self.object_type, self.object_id, self.rule_titles = object_type, object_id, rule_titles
        self.lang = current_language()
        self.kinds = None

    def show(self, key: str, value):
        if value is None or value == "" or value == []:
            return EMPTY
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, dict):
            return [Item(self.label(k), self.show(k, v)) for k, v in value.items()
                    if k not in HIDDEN.get(self.object_type, set())]
        if isinstance(value, list):
            return self._list(key, value)
        if isinstance(value, int):
            return str(value) if key in PLAIN_NUMBER_KEYS or key.endswith("_id") else f"{value:,}"
        if isinstance(value, (float, Decimal)):
            return format_money(Decimal(str(value)))
        return self._text(key, str(value))

    def label(self, key: str) -> str:
        return field_label(key, self.object_type)

    def _list(self, key: str, values: list):
        names = POSITIONAL.get(key)
        if names and all(isinstance(v, (list, tuple)) for v in values):  # one line for each debt, deduction, …
            return [Item(None, self._flat([Item(self.label(name), self.show(name, v)) for name, v in zip(names, row)
                                           if v not in (None, "", [])])) for row in values]
        if all(isinstance(v, dict) for v in values):
            return [Item(None, self._flat(self.show(key, v))) for v in values]
        if key == "offset_codes":
            return ", ".join(str(self.rule_titles.get(v, EMPTY)) for v in values)
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):  # record or row numbers
            return ", ".join(str(v) for v in values)
        item_key = key[:-4] + "_id" if key.endswith("_ids") else key
        return ", ".join(self._flat(self.show(item_key, v)) for v in values)

    def _flat(self, cell) -> str:
        if isinstance(cell, list):
            return " · ".join(f"{i.label}: {self._flat(i.value)}" if i.label else self._flat(i.value) for i in cell)
        return str(cell)

    def _text(self, key: str, value: str) -> str:
        by_kind = _VALUE_LABELS_BY_KIND.get(self.object_type, {})
        choices = by_kind.get(key) or _VALUE_LABELS.get(key)
        if key == "kind":
            self.kinds = self.kinds or _kind_labels()
            choices = self.kinds
        if choices and value in choices:
            return str(choices[value])
        if self.object_type == "setting" and key == "value":
            return self._setting(value)
        if self.object_type in ("entitlement_rule", "setting") and key == "source":
            return labels.legal_source(value) or EMPTY
        if key == "list" and value in list_exports.LISTS:
            return str(list_exports.LISTS[value].title)
        if key in CITIZEN_ID_KEYS or _CITIZEN_ID.match(value):
            return mask_citizen_id(value)
        if key == "bank_account":
            return mask_bank_account(value)
        if key in STORED_FILE_KEYS:  # a file in storage by its name, not its storage path
            return value.rsplit("/", 1)[-1]
        if key in MONEY_KEYS:
            return _money(value)
        if key in RATE_KEYS:
            return f"{value}%"
        if key == "floor":
            return _percent(value)
        return self._moment(key, value)

    def _setting(self, value: str) -> str:
        """A setting's value as the settings page means it: a choice by its label, the floor as a percentage."""
        choices = labels.SETTING_CHOICE_LABELS.get(self.object_id)
        if choices:
            return str(choices.get(value, value))
        if self.object_id == SETTING_KEYS_OF_PLANS["floor"]:
            return _percent(value)
        definition = SETTINGS.get(self.object_id)
        return _money(value) if definition is not None and definition.kind.endswith("decimal") else value

    def _moment(self, key: str, value: str) -> str:
        try:
            if _ISO_DAY.match(value):
                return format_be_date(date.fromisoformat(value), "short", self.lang)
            if _ISO_MONTH.match(value) and key in MONTH_KEYS:
                return format_be_month(date.fromisoformat(value + "-01"), "long", self.lang)
            if _ISO_MOMENT.match(value):
                return format_be_datetime(datetime.fromisoformat(value.rstrip("Z")), self.lang)
        except ValueError:
            pass
        return value


def _percent(value: str) -> str:
    try:
        return f"{(Decimal(value) * 100).normalize():f}%"
    except (InvalidOperation, ValueError):
        return value


def _money(value: str) -> str:
    try:
        return format_money(Decimal(value))
    except (InvalidOperation, ValueError):
        return value


# ---- naming the records of one page --------------------------------------------------------------------------

_NAMED = {"debt_case": (DebtCase, DebtCase.reference), "relief_case": (ReliefCase, ReliefCase.reference),
          "user": (User, User.username), "org_unit": (OrgUnit, OrgUnit.name), "creditor": (Creditor, Creditor.name),
          "entitlement_rule": (EntitlementRule, EntitlementRule.title)}


def record_names(events) -> dict[tuple[str, str], str]:
    """What the page calls each record of these events (a case's reference, a user's username, a unit's name, a
    setting's label): one query per kind of record on the page. The events are in the reader's scope already."""
    wanted: dict[str, set[int]] = {}
    names: dict[tuple[str, str], str] = {}
    for event in events:
        if event.object_type == "setting" and event.object_id in SETTINGS:
            names[("setting", event.object_id)] = str(SETTINGS[event.object_id].label)
        elif event.object_type in ("deduction_list", "repayment_batch"):  # by its month
            month = (event.after or {}).get("month") if isinstance(event.after, dict) else None
            if isinstance(month, str) and _ISO_MONTH.match(month):
                names[(event.object_type, event.object_id)] = format_be_month(
                    date.fromisoformat(month + "-01"), "long", current_language())
        elif event.object_type in _NAMED and (event.object_id or "").isdigit():
            wanted.setdefault(event.object_type, set()).add(int(event.object_id))
    for object_type, ids in wanted.items():
        model, column = _NAMED[object_type]
        for row_id, name in db.session.execute(select(model.id, column).where(model.id.in_(ids))):
            if name:
                names[(object_type, str(row_id))] = name
    return names


def rule_titles() -> dict[str, str]:
    """Each rule code's title, for a rule's "less what these rules paid" (offset_codes)."""
    return dict(db.session.execute(select(EntitlementRule.code, EntitlementRule.title)).all())
