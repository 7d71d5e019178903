"""Language choice: Thai unless the user switched to English (kept in the session); and translation lookups.

Flask-Babel finds the catalogue for each string anew: about eight look-ups of `g` through Werkzeug's proxies for
every `_()` — some 160 on a case page, 6% of its time (issue 22 point 3, the case page profiled). `translations()`
finds it with one: the locale Flask-Babel selected for this request (or set by `force_locale`, which letters use to
print in Thai for an English-speaking user) names the catalogue, and the catalogues are loaded once per process.
`gettext`, `lazy_gettext` and the templates' `_()` go through it.
"""
from __future__ import annotations

import flask_babel
from babel.support import Translations
from flask import current_app, g, has_request_context, session
from flask_babel import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup

_catalogues: dict[tuple, Translations] = {}  # (language, territory) → Flask-Babel's catalogue, never changed


def current_language() -> str:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():  # command line, services called from tests
        return default
    lang = session.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else default


def select_locale() -> str:
    return current_language()


def translations():
    """The catalogue of the locale in force (flask_babel.get_translations' answer, found faster)."""
    try:
        state = g.get("_flask_babel")
    except RuntimeError:  # no application context: Flask-Babel's own answer (no translation)
        return flask_babel.get_translations()
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # the request's first look-up: Flask-Babel selects the locale (and records it)
        return flask_babel.get_translations()
    key = (locale.language, locale.territory)
    catalogue = _catalogues.get(key)
    if catalogue is None:
        catalogue = _catalogues[key] = flask_babel.get_translations()
    return catalogue


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext: the translation, with `%(name)s` filled from `variables` when given."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    return LazyString(gettext, string, **variables)


@pass_eval_context
def template_gettext(eval_ctx, string: str, **variables):
    """The templates' `_()` and `{% trans %}`: what Jinja's "newstyle" gettext does — the text escaped where the
    template autoescapes, and always a format string (so "%%" is "%") — in one call instead of three (Jinja's `_`
    resolves `gettext`, which calls the translation through the context: ~170 calls a case page)."""
    text = translations().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def install_template_callables(app) -> None:
    """The templates' `_()`, `ngettext()`… through `translations()` (Flask-Babel installed its own at init_app)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(gettext=template_gettext, _=template_gettext)
