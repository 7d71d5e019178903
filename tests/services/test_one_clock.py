"""One clock (issue 15, item 4): Bangkok dates and UTC timestamps, whatever the server's own time zone.

At 02:30 on 1 January 2027 in Bangkok it is still 31 December 2026 on a UTC server: a case registered then gets
the new Buddhist year in its reference (DC2570-…), and a setting that takes effect on 1 January applies."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import time_machine
from sqlalchemy import select

from app.domain import clock
from app.models import User
from app.services import settings
from tests.helpers import SPEC_CASE

NEW_YEAR_IN_BANGKOK = datetime(2026, 12, 31, 19, 30, tzinfo=UTC)  # 02:30 on 1 Jan 2027 (BE 2570) in Bangkok




def test_the_clock_gives_bangkok_dates_and_utc_timestamps(utc_host):
    with time_machine.travel(NEW_YEAR_IN_BANGKOK, tick=False):
        assert date.today() == date(2026, 12, 31)  # what the server itself says
        assert clock.today() == date(2027, 1, 1)
        assert clock.utcnow() == datetime(2026, 12, 31, 19, 30)


def test_a_case_registered_at_0230_bangkok_on_new_years_day_takes_the_new_year(utc_host, api):
    with time_machine.travel(NEW_YEAR_IN_BANGKOK, tick=True):
        created = api("coop_officer").post("/api/v1/debt-cases", json=SPEC_CASE)
    assert created.status_code == 201, created.json
    assert created.json["reference"].startswith("DC2570-")
    assert created.json["created_at"].startswith("2026-12-31T19:3")  # the timestamp stays UTC


def test_a_setting_effective_on_new_years_day_applies_at_0230_bangkok(utc_host, db):
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    before = settings.value("approval.regional_threshold", date(2026, 12, 31))
    settings.set_value(admin, "approval.regional_threshold", "4000000.00", date(2027, 1, 1), "test")
    with time_machine.travel(NEW_YEAR_IN_BANGKOK, tick=False):
        assert settings.value("approval.regional_threshold") == "4000000.00"
    with time_machine.travel(datetime(2026, 12, 31, 16, 59, tzinfo=UTC), tick=False):  # 23:59 in Bangkok
        assert settings.value("approval.regional_threshold") == before


def test_no_code_in_app_reads_the_servers_own_date():
    offenders = [f"{path}:{number}" for path in sorted(Path("app").rglob("*.py"))
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if ("date.today(" in line or "datetime.now()" in line or "datetime.today(" in line)
                 and path.name != "clock.py"]
    assert offenders == []
