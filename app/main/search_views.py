"""GET /search: the navigation's one search box (issue 21 point 6). Registered on the main blueprint by
app/main/__init__.py. Parses nothing itself: services/search.py reads the text and runs the scoped lookups."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.main.views import bp
from app.services import search as search_service

CASE_PAGES = {"debt": "debt.case", "relief": "relief.case"}


@bp.route("/search")
@login_required
def search():
    results = search_service.search(current_user, request.args.get("q"))
    # A reference or a whole citizen ID that finds one case opens it (issue 21 point 6).
    only = results.only_case()
    if only is not None:
        programme, case_id = only
        return redirect(url_for(CASE_PAGES[programme], case_id=case_id))
    return render_template("main/search.html", results=results, q=results.query.text,
                           limit=search_service.LIMIT, max_length=search_service.MAX_LENGTH)
