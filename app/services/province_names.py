"""Province names beside province codes in exports (issue 21, point 10): "50" alone means nothing to a reader.

The names are the provincial offices' as the org tree holds them, so that an administrator's correction stands
(shared/data/README.md: seeded, not hard-coded); the office's own words are taken off ("สำนักงานศึกษาธิการจังหวัด
เชียงใหม่" → "เชียงใหม่"), and English readers get the unit's English name. A code without a provincial office falls
back to the reference list the tree was seeded from (app/reference_data/provinces.csv). One query per export.
"""
from __future__ import annotations

import csv
from functools import lru_cache

from flask_babel import get_locale
from sqlalchemy import select

from app.extensions import db
from app.models import OrgUnit, UnitKind
from app.services.org import REFERENCE_DIR

# app/services/org.py province_office_name: Bangkok's office has no จังหวัด
OFFICE_PREFIXES = ("สำนักงานศึกษาธิการจังหวัด", "สำนักงานศึกษาธิการ")


@lru_cache(maxsize=1)
def _reference() -> dict[str, tuple[str, str]]:
    with open(REFERENCE_DIR / "provinces.csv", encoding="utf-8", newline="") as handle:
        return {row["code"]: (row["name_th"], row["name_en"]) for row in csv.DictReader(handle)}


def _place(office_name: str) -> str:
    for prefix in OFFICE_PREFIXES:
        if office_name.startswith(prefix) and len(office_name) > len(prefix):
            return office_name[len(prefix):]
    return office_name


def province_names(lang: str | None = None) -> dict[str, str]:
    """{province code: the province's name} in `lang` (the current locale unless told: a job's is its requester's)."""
    english = (lang or str(get_locale() or "th")) == "en"
    names = {code: english_name if english else thai for code, (thai, english_name) in _reference().items()}
    for code, province_code, name, name_en in db.session.execute(
            select(OrgUnit.code, OrgUnit.province_code, OrgUnit.name, OrgUnit.name_en)
            .where(OrgUnit.kind == UnitKind.PROVINCE.value)):
        names[province_code or code] = (name_en or _place(name)) if english else _place(name)
    return names
