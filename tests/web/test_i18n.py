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


# ---- the faster look-ups (app/i18n.py, issue 22 point 3) against Flask-Babel and Jinja's own ----------------------

TEMPLATE = ("{{ _('Sign out') }}|{{ _('Sign in to KruDesk') }}|{{ _('<b>%(who)s</b> 100%%', who='<i>') }}|"
            "{% trans %}Dashboard{% endtrans %}")


def _jinja_own(app, text: str, autoescape: bool) -> str:
    """The same template through Jinja's newstyle gettext over Flask-Babel's catalogue look-up."""
    import flask_babel
    from jinja2 import Environment

    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
    env.install_gettext_callables(gettext=lambda s: flask_babel.get_translations().ugettext(s),
                                  ngettext=lambda s, p, n: flask_babel.get_translations().ungettext(s, p, n),
                                  newstyle=True)
    return env.from_string(text).render()


def test_templates_and_code_translate_as_flask_babel_does_in_both_languages(app):
    import flask_babel

    from app import i18n

    for lang in ("th", "en"):
        with app.app_context(), app.test_request_context("/"):  # a fresh `g`: the locale is chosen per request
            from flask import session
            session["lang"] = lang
            ours = app.jinja_env.from_string(TEMPLATE).render()
            assert ours == _jinja_own(app, TEMPLATE, autoescape=True)
            plain = app.jinja_env.overlay(autoescape=False).from_string(TEMPLATE).render()
            assert plain == _jinja_own(app, TEMPLATE, autoescape=False)
            assert i18n.gettext("Sign out") == flask_babel.gettext("Sign out")
            assert str(i18n.lazy_gettext("Dashboard")) == flask_babel.gettext("Dashboard")
        assert ("ออกจากระบบ" in ours) == (lang == "th") and "&lt;i&gt;" in ours and "100%" in ours


def test_a_forced_locale_is_followed_inside_an_english_request(app):
    from flask import session
    from flask_babel import force_locale

    from app import i18n

    with app.app_context(), app.test_request_context("/"):
        session["lang"] = "en"
        assert i18n.gettext("Sign out") == "Sign out"
        with force_locale("th"):
            assert i18n.gettext("Sign out") == "ออกจากระบบ"
        assert i18n.gettext("Sign out") == "Sign out"
