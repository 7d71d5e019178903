"""The case list as issue 9 reshaped it, on a small national dataset from the benchmark's own generator:
keyset pages ("next" continues after the last row) give exactly the scoped, filtered, sorted list; the count
comes from the rollup and equals the list; searches use prefixes; the scope-as-equality survives a unit move;
and the generated data reads as the application would have computed it."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DebtCase, OrgUnit, User
from app.services import reports

# The benchmark's generator writes through its own engine connections (bench/national/generate.py).
pytestmark = pytest.mark.commits

CASES = 420


@pytest.fixture
def national(db, app, monkeypatch):
    from bench.national.generate import debt_dataset

    debt_dataset(CASES, seed=7, archetypes=60, log=lambda *_: None)
    db.session.expire_all()
    monkeypatch.setitem(app.config, "LIST_PER_PAGE", 9)
    return db.session.scalars(select(DebtCase).order_by(DebtCase.id)).all()


def visible(username: str, cases):
    user = db.session.scalar(select(User).where(User.username == username))
    return [c for c in cases if c.org_path.startswith(user.scope_path)]


# Independent of the application's ORDER BY: Python's own sort of the same keys (code-point order for text,
# as SQLite's BINARY and this PostgreSQL's C.UTF-8 collation compare).
EXPECTED_ORDER = {
    "newest": lambda c: -c.id,
    "oldest": lambda c: c.id,
    "ratio": lambda c: (c.ratio, c.id),
    "debt": lambda c: (-c.total_outstanding, -c.id),
    "name": lambda c: (c.person.first_name, c.person.last_name, c.id),
}


def follow_next(client, url: str) -> tuple[list[int], int, int]:
    """Every case id on every page, following the "next" links; also the count shown and the pages seen."""
    ids, pages, total = [], 0, None
    while url:
        html = client.get(url).get_data(as_text=True)
        pages += 1
        ids += [int(x) for x in re.findall(r'href="/debt-cases/(\d+)"', html)]
        shown = re.search(r"([\d,]+) (?:records|รายการ)", html)
        total = int(shown.group(1).replace(",", "")) if shown else 0
        found = re.search(r'rel="next" href="([^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
        assert pages < 100
    return ids, total, pages


@pytest.mark.parametrize("sort", list(EXPECTED_ORDER))
@pytest.mark.parametrize("username", ["ministry_viewer", "province_officer", "coop_officer"])
def test_next_links_walk_the_whole_sorted_scoped_list(national, as_user, username, sort):
    expected = [c.id for c in sorted(visible(username, national), key=EXPECTED_ORDER[sort])]
    assert expected, "the generated data gives every scope some cases"
    ids, total, pages = follow_next(as_user(username), f"/debt-cases/?sort={sort}")
    assert ids == expected
    assert total == len(expected) and pages == -(-len(expected) // 9)


FILTERS = [
    ("status=draft", lambda c: c.status == "draft"),
    ("status=approved&risk_group=orange", lambda c: c.status == "approved" and c.risk_group == "orange"),
    ("risk_group=red", lambda c: c.risk_group == "red"),
    ("below_floor=before", lambda c: not c.meets_floor),
    ("below_floor=after", lambda c: not (c.meets_floor if c.plan_meets_floor is None else c.plan_meets_floor)),
    ("province_code=10", lambda c: c.province_code == "10"),
    ("cooperative_code=COOP-CMI-01", lambda c: c.cooperative.code == "COOP-CMI-01"),
    ("unit=50", lambda c: c.province_code == "50"),
    ("unit=no-such-unit", lambda c: False),
]


@pytest.mark.parametrize("query,keep", FILTERS, ids=[f[0] for f in FILTERS])
@pytest.mark.parametrize("username", ["ministry_viewer", "province_officer"])
def test_filtered_lists_and_their_counts_from_the_rollup(national, as_user, username, query, keep):
    expected = [c.id for c in sorted(visible(username, national), key=lambda c: -c.id) if keep(c)]
    ids, total, _pages = follow_next(as_user(username), f"/debt-cases/?{query}")
    assert ids == expected
    assert total == len(expected)


def test_api_total_is_the_rollup_count_and_equals_the_list(national, api):
    body = api("province_officer").get("/api/v1/debt-cases?status=draft&per_page=200").json
    expected = [c for c in visible("province_officer", national) if c.status == "draft"]
    assert body["total"] == len(expected) == len(body["items"])


def test_a_page_number_alone_is_an_offset_and_a_bad_cursor_falls_back_to_it(national, as_user):
    client = as_user("ministry_viewer")
    expected = [c.id for c in sorted(national, key=lambda c: -c.id)]
    for url in ("/debt-cases/?page=3", "/debt-cases/?page=3&after=not-a-cursor",
                "/debt-cases/?page=3&after=WyJ4Il0", "/debt-cases/?page=3&after=W251bGxd",
                "/debt-cases/?page=3&after=" + "A" * 700):
        response = client.get(url)
        assert response.status_code == 200, url
        ids = [int(x) for x in re.findall(r'href="/debt-cases/(\d+)"', response.get_data(as_text=True))]
        assert ids == expected[18:27], url


@pytest.mark.parametrize("kept", [2000, 3], ids=["ids held in memory", "match kept in the query"])
def test_searches_match_the_start_of_an_id_or_a_name(national, as_user, monkeypatch, kept):
    from app.services import debt_cases

    monkeypatch.setattr(debt_cases, "MATCHES_KEPT", kept)
    client = as_user("ministry_viewer")
    case = national[len(national) // 2]
    person = case.person

    def found(q):
        html = client.get("/debt-cases/", query_string={"q": q, "sort": "oldest"}).get_data(as_text=True)
        shown = re.search(r"([\d,]+) (?:records|รายการ)", html)
        ids = [int(x) for x in re.findall(r'href="/debt-cases/(\d+)"', html)]
        return ids if ids == [] else (ids, int(shown.group(1).replace(",", "")))

    def expect(keep):
        matching = [c.id for c in national if keep(c.person)]
        return matching[:9], len(matching)

    assert found(person.citizen_id) == ([case.id], 1)
    assert found(f"{person.citizen_id[:1]}-{person.citizen_id[1:5]}") == expect(
        lambda p: p.citizen_id.startswith(person.citizen_id[:5]))
    assert found(person.first_name[:3]) == expect(
        lambda p: p.first_name.startswith(person.first_name[:3]) or p.last_name.startswith(person.first_name[:3]))
    assert found(f"{person.first_name} {person.last_name[:2]}") == expect(
        lambda p: p.first_name.startswith(person.first_name) and p.last_name.startswith(person.last_name[:2]))
    for hostile in ("%", "_", "ส%", "\U0010ffff", "\ud7ff", "9" * 14):
        assert client.get("/debt-cases/", query_string={"q": hostile}).status_code == 200


def test_the_scope_equality_follows_a_cooperative_moved_to_another_province(national, as_user):
    from app.services.org import UnitInput, update_unit

    admin = db.session.scalar(select(User).where(User.username == "admin"))
    coop = db.session.scalar(select(OrgUnit).where(OrgUnit.code == "COOP-10-01"))
    chiang_mai = db.session.scalar(select(OrgUnit).where(OrgUnit.code == "50"))
    moved = [c.id for c in national if c.cooperative_id == coop.id]
    assert moved
    update_unit(admin, coop.id, UnitInput(code=coop.code, name=coop.name, name_en=None, kind=coop.kind, parent_id=chiang_mai.id,
                                          active=True))
    ids, total, _pages = follow_next(as_user("province_officer"), f"/debt-cases/?cooperative_code={coop.code}")
    assert sorted(ids) == sorted(moved) and total == len(moved)


def test_generated_cases_read_as_the_application_computes_them(national):
    from app.services.case_figures import affordability_of
    from app.services.workflow import latest_snapshot

    for case in national[:: len(national) // 25]:
        result = affordability_of(case)
        assert (case.ratio, case.meets_floor, case.debt_service) == (result.ratio, result.meets_floor,
                                                                      result.debt_service)
        assert case.total_outstanding == sum((d.outstanding for d in case.debts), Decimal("0"))
        if case.status in ("approved", "active", "closed"):
            snapshot = latest_snapshot("debt", case.id)
            assert snapshot.data["chosen_plan"]["id"] == case.chosen_plan.id
            assert snapshot.data["teacher"]["citizen_id"] == case.person.citizen_id
    direct = sorted(map(tuple, reports.direct_debt_rows("/", None)))
    kept = sorted((r[0], *r[1:]) for r in (tuple(x) for x in reports._debt_rows("/", None)))
    assert [r[:7] for r in direct] == [r[:7] for r in kept]


def test_a_generated_approved_case_prints_its_approval_notice(national):
    from app.services import letters

    from app.models import Role
    from tests.factories import UserFactory, unit_by_code

    case = next(c for c in national if c.status == "approved")
    officer = UserFactory(role=Role.PROVINCIAL_OFFICER.value, org_unit=unit_by_code(case.province_code))
    letter = letters.issue(officer, "debt", case.id, "approval_notice")
    assert letters.render([letter]).startswith(b"%PDF-")


def test_the_generator_is_reproducible_from_its_seed(app):
    from datetime import date

    from app.services.plan_settings import plan_settings
    from bench.national.archetypes import pool

    with app.app_context():
        settings = plan_settings()
    first = pool(40, 11, settings, date(2026, 11, 20), Decimal("1000000"))
    again = pool(40, 11, settings, date(2026, 11, 20), Decimal("1000000"))
    assert first == again and any(a.plan for a in first)
    assert sum(not a.figures["meets_floor"] for a in first) > 12  # about 60% below the floor
