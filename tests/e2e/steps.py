"""Steps the browser journeys share."""
from __future__ import annotations


def confirm(page) -> None:
    """Issue 21 point 3: an irreversible action asks once (static/js/confirm.js); answer "Confirm"."""
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("confirm-go").click()


def choose_plan(page, button) -> None:
    """Click a plan's "choose" button and wait for the page it posts to: a click on "submit" straight after would
    otherwise land on the page being replaced, and its confirmation with it."""
    with page.expect_navigation():
        button.click()
