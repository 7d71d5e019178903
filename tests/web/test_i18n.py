from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.helpers import login

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "app/translations/th/LC_MESSAGES/messages.po"
MO = ROOT / "app/translations/th/LC_MESSAGES/messages.mo"


def test_thai_is_the_default_and_english_is_kept_in_the_session(client):
    page = client.get("/login").get_data(as_text=True)
    assert "เข้าสู่ระบบ KruDesk" in page and 'lang="th"' in page
    client.post("/language", data={"lang": "en", "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in to KruDesk" in page and 'lang="en"' in page
    login(client, "coop_officer")  # the choice survives signing in
    assert "Sign out" in client.get("/").get_data(as_text=True)


def test_english_validation_messages_when_switched(client):
    client.post("/language", data={"lang": "en"})
    page = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "Enter your username." in page


def test_every_message_in_the_code_has_a_thai_translation():
    catalog = {m.id: m.string for m in read_po(PO.open("rb")) if m.id}
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(ROOT), method_map=method_map, keywords={"_": None, "_l": None, "gettext": None,
                                                        "lazy_gettext": None}):
        if isinstance(message, tuple):
            message = message[0]
        if message:
            found.add(message)
    untranslated = sorted(m for m in found if not catalog.get(m))
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_po_file():
    po = {m.id: m.string for m in read_po(PO.open("rb")) if m.id and m.string}
    mo = {m.id: m.string for m in read_mo(MO.open("rb")) if m.id}
    assert mo == po, "run `make translations` to recompile messages.mo"


def test_dates_on_pages_are_in_the_buddhist_era(as_user):
    client = as_user("admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "2569" in page or "2570" in page  # last sign-in shown as a BE date
