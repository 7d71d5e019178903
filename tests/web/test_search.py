"""The navigation's one search box (issue 21 point 6, "Search misses"): "DC2569-000005" and "นางรัตนา บุญมาก" found
nothing. A reference, a citizen ID (dashes or not) or a name (title or not) finds the case, in both programmes,
only inside the user's scope, masked as on the lists; any text gives a page, never a 500."""
from __future__ import annotations

import re

import pytest

from app.domain.thai_id import format_citizen_id
from app.services.search import LIMIT
from tests.factories import DebtCaseFactory, ReliefCaseFactory
from tests.helpers import citizen_id, death_case, login, three_debts

RATTANA_ID = citizen_id(4101)
RATTANA = {"citizen_id": RATTANA_ID, "title": "นาง", "first_name": "รัตนา", "last_name": "บุญมาก",
           "birth_date": "1975-04-01"}


def debt_case_of(teacher: dict, officer: str = "coop_officer"):
    body = three_debts()
    body["teacher"] = {**body["teacher"], **teacher}
    if officer == "coop_officer2":
        body["cooperative_code"] = "COOP-KKN-01"
    return DebtCaseFactory(officer=officer, body=body)


@pytest.fixture
def rattana(db):
    """นางรัตนา บุญมาก: a debt case at the Chiang Mai cooperative, and (the same person, as a victim) a relief case
    in Pattani."""
    debt = debt_case_of(RATTANA)
    victim = {**death_case()["victim"], **RATTANA}
    relief = ReliefCaseFactory(body=death_case(victim=victim))
    return debt, relief


@pytest.fixture
def signed_in(app):
    """A new client signed in as `username`, for tests that compare users (a client stays its first user)."""

    def sign_in(username: str):
        client = app.test_client()
        assert login(client, username).status_code == 302
        return client

    return sign_in


def found_nothing(response) -> bool:
    """The page says nothing was found, and lists no row."""
    return 'data-testid="search-nothing"' in page_of(response) and "<section" not in results_of(response)


def search(client, text: str):
    return client.get("/search", query_string={"q": text})


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def results_of(response) -> str:
    """The rows the search page found (the boxes and notes above them repeat the text typed)."""
    page = page_of(response)
    assert page.count('data-testid="search-found"') == 1
    return page.split('data-testid="search-found"')[1].split("</main>")[0]


# ---- the two misses of the issue ----------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["{ref}", "{ref_lower}", "{ref_spaced}", "{ref_bare}", "{ref_thai_digits}"])
def test_a_debt_case_reference_opens_the_case(as_user, rattana, typed):
    debt, _relief = rattana
    reference = debt.reference
    assert re.fullmatch(r"DC\d{4}-\d{6}", reference)
    thai_digits = reference.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    text = typed.format(ref=reference, ref_lower=reference.lower(), ref_spaced=reference.replace("-", " - "),
                        ref_bare=reference.replace("-", ""), ref_thai_digits=thai_digits)
    response = search(as_user("coop_officer"), text)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/debt-cases/{debt.id}")


def test_a_relief_case_reference_opens_the_case(as_user, rattana):
    _debt, relief = rattana
    assert relief.reference.startswith("RC")
    response = search(as_user("south_officer"), relief.reference)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/relief-cases/{relief.id}")


@pytest.mark.parametrize("typed", ["นางรัตนา บุญมาก", "นาง รัตนา บุญมาก", "รัตนา บุญมาก", "  นาง  รัตนา   บุญมาก ",
                                   "รัตนา", "บุญมาก", "นางรัตนา"])
def test_a_name_with_or_without_its_title_finds_the_case(as_user, rattana, typed):
    debt, _relief = rattana
    page = results_of(search(as_user("coop_officer"), typed))
    assert 'data-testid="search-debt"' in page
    assert debt.reference in page and "นางรัตนา บุญมาก" in page
    # masked as on the case list; the relief case in Pattani is not the cooperative's programme
    assert format_citizen_id(RATTANA_ID) not in page and RATTANA_ID not in page
    assert RATTANA_ID[:1] + "-" + RATTANA_ID[1:5] + "-xxxxx-" in page
    assert 'data-testid="search-relief"' not in page


def test_the_page_says_which_name_it_looked_for(as_user, rattana):
    page = page_of(search(as_user("coop_officer"), "นางรัตนา บุญมาก"))
    assert "ค้นหาชื่อโดยไม่รวมคำนำหน้า: รัตนา บุญมาก" in page


# ---- citizen IDs --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [RATTANA_ID, format_citizen_id(RATTANA_ID), " ".join(RATTANA_ID),
                                   RATTANA_ID.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))])
def test_a_citizen_id_with_or_without_dashes_opens_the_only_case(as_user, rattana, typed):
    debt, _relief = rattana
    response = search(as_user("province_officer"), typed)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/debt-cases/{debt.id}")


def test_a_citizen_id_across_both_programmes_lists_both(as_user, rattana):
    """The ministry's administrator sees Chiang Mai and Pattani: the person's two cases, one per programme, and
    the person."""
    debt, relief = rattana
    page = results_of(search(as_user("admin"), format_citizen_id(RATTANA_ID)))
    for section in ("search-debt", "search-relief", "search-people"):
        assert f'data-testid="{section}"' in page, section
    assert debt.reference in page and relief.reference in page
    assert f"/debt-cases/{debt.id}" in page and f"/relief-cases/{relief.id}" in page
    assert "วันที่ลงทะเบียน" in page and re.search(r"\d{1,2} [ก-๙.]+ 25\d\d", page)  # BE dates
    assert "ร่าง" in page and "draft" not in page  # the status label, not its code


def test_a_name_across_both_programmes(as_user, rattana):
    debt, relief = rattana
    page = page_of(search(as_user("admin"), "นางรัตนา บุญมาก"))
    assert debt.reference in page and relief.reference in page
    assert "กรณีหนี้ครู" in page and "กรณีเยียวยา" in page and "ทะเบียนบุคคล" in page


def test_the_start_of_a_citizen_id_lists_what_begins_with_it(as_user, rattana):
    debt, _relief = rattana
    page = page_of(search(as_user("coop_officer"), RATTANA_ID[:9]))
    assert debt.reference in page and "ขึ้นต้นด้วย" in page


# ---- scope: never a record outside it -----------------------------------------------------------------------

def test_another_cooperative_finds_nothing_of_the_chiang_mai_case(as_user, rattana):
    debt, _relief = rattana
    client = as_user("coop_officer2")
    for text in (debt.reference, RATTANA_ID, format_citizen_id(RATTANA_ID), "นางรัตนา บุญมาก", "บุญมาก"):
        response = search(client, text)
        assert found_nothing(response), text
        page = results_of(response)
        assert debt.reference not in page and f"/debt-cases/{debt.id}" not in page and "/people/" not in page


@pytest.mark.parametrize("username", ["south_officer", "south_approver"])
def test_pattani_finds_only_its_relief_case_of_the_same_person(as_user, rattana, username):
    debt, relief = rattana
    client = as_user(username)
    response = search(client, debt.reference)
    assert found_nothing(response) and f"/debt-cases/{debt.id}" not in results_of(response)
    # the whole citizen ID: of the person's two cases, only the relief case is theirs, so it opens
    response = search(client, format_citizen_id(RATTANA_ID))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/relief-cases/{relief.id}")
    page = results_of(search(client, "นางรัตนา บุญมาก"))
    assert relief.reference in page and debt.reference not in page and 'data-testid="search-debt"' not in page
    # people are on the registry page of a scope only through its debt cases (services/people.in_scope)
    assert 'data-testid="search-people"' not in page


def test_a_reference_outside_the_users_programme_or_scope_is_not_found(signed_in, rattana):
    _debt, relief = rattana
    # a cooperative does not open relief cases; Chiang Mai's provincial officer is not Pattani's
    for username in ("coop_officer", "province_officer"):
        response = search(signed_in(username), relief.reference)
        assert found_nothing(response) and f"/relief-cases/{relief.id}" not in results_of(response)


def test_the_cases_of_another_cooperative_stay_hidden(signed_in, rattana):
    debt, _relief = rattana
    other = debt_case_of({"citizen_id": citizen_id(4102), "title": "นาย", "first_name": "รัตนชัย",
                          "last_name": "บุญมาก"}, officer="coop_officer2")
    page = results_of(search(signed_in("coop_officer"), "บุญมาก"))
    assert debt.reference in page and other.reference not in page and "รัตนชัย" not in page
    page = results_of(search(signed_in("coop_officer2"), "บุญมาก"))
    assert other.reference in page and debt.reference not in page
    page = results_of(search(signed_in("province_officer"), "บุญมาก"))  # Chiang Mai's province: not Khon Kaen
    assert debt.reference in page and other.reference not in page
    page = results_of(search(signed_in("ministry_viewer"), "บุญมาก"))  # the whole country, both cases
    assert debt.reference in page and other.reference in page


# ---- many matches -------------------------------------------------------------------------------------------

def test_many_matches_show_the_first_and_link_to_the_case_list(as_user, db):
    for n in range(LIMIT + 1):
        debt_case_of({"citizen_id": citizen_id(4200 + n), "title": "นาง", "first_name": f"สมพร{n}",
                      "last_name": "ค้นหาง่าย"})
    client = as_user("coop_officer")
    page = page_of(search(client, "นางสมพร"))
    debt_section = page.split('data-testid="search-debt"')[1].split("</section>")[0]
    assert len(re.findall(r'href="/debt-cases/\d+"', debt_section)) == LIMIT
    assert 'data-testid="search-more-debt"' in page
    link = re.search(r'href="(/debt-cases/\?q=[^"]+)"', page).group(1)
    assert link == "/debt-cases/?q=%E0%B8%AA%E0%B8%A1%E0%B8%9E%E0%B8%A3"  # สมพร: the title-free name the list reads
    listed = page_of(client.get(link))
    assert listed.count("ค้นหาง่าย") == LIMIT + 1  # the list page shows them all


# ---- any text gives a page ----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["", "   ", "'; DROP TABLE people; --", "' OR 1=1 --", "%", "_", "\\", "%_%",
                                   "x" * 5000, "ก" * 300, "<script>alert(1)</script>", "\x07\x1b[31m",
                                   "12345678901234567890", "DC9999-999999999", "DC2569-", "RC", "-", "....",
                                   "\u200b", "นาง", "😀"])
def test_any_text_gives_a_friendly_page(as_user, rattana, typed):
    page = page_of(search(as_user("province_officer"), typed))
    assert 'role="search"' in page and "<script>alert(1)</script>" not in page
    assert "ไม่พบ" in page or "พิมพ์เลขที่กรณี" in page


def test_a_long_text_is_cut_and_says_so(as_user):
    page = page_of(search(as_user("coop_officer"), "ก" * 300))
    assert "ค้นหาเฉพาะ 100 ตัวอักษรแรก" in page


def test_a_citizen_id_too_long_says_how_many_digits(as_user):
    page = page_of(search(as_user("coop_officer"), "1-1017-00230-70-8-9"))
    assert "มี 13 หลัก แต่ที่พิมพ์มี 14 หลัก" in page


def test_signed_out_users_are_sent_to_sign_in(client):
    response = client.get("/search?q=DC2569-000005")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---- the box in the navigation, and English -----------------------------------------------------------------

def test_the_navigation_has_one_labelled_search_box(as_user):
    page = page_of(as_user("ministry_viewer").get("/"))
    form = re.search(r'<form[^>]*role="search".*?</form>', page, re.S).group(0)
    assert page.count('role="search"') == 1 and 'method="get"' in form and 'action="/search"' in form
    assert 'name="q"' in form and '<label class="visually-hidden" for="nav-search-q">' in form
    assert 'id="nav-search-q"' in form and 'type="submit"' in form


def test_the_search_page_in_english(as_user, rattana):
    client = as_user("admin")
    client.post("/language", data={"lang": "en"})
    page = page_of(search(client, "Mrs nobody-here"))
    assert 'lang="en"' in page and "Nothing found for" in page and "Reference, ID or name" in page
    page = page_of(search(client, "นาง รัตนา บุญมาก"))
    assert "Debt cases" in page and "Relief cases" in page and "Draft" in page and "BE" in page
