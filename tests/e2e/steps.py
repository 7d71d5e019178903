"""Steps the browser journeys share."""
from __future__ import annotations


def confirm(page) -> None:
    """Issue 21 point 3: an irreversible action asks once (static/js/confirm.js); answer "Confirm"."""
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("confirm-go").click()
