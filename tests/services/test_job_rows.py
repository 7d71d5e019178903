"""The job rows' helpers (app/jobs/rows.py, app/jobs/limits.py): what a failed job's page says, and time limits."""
import time

import pytest
from flask_babel import gettext as _

from app.jobs import limits, rows
from app.services.errors import ValidationFailed


def test_a_failure_names_the_error_but_no_server_path_or_address():
    error = OSError("cannot identify image file '/srv/krudesk/instance/letter-emblem.png' at <Image at 0x7f3a2c>")
    assert rows.failure_message(error) == _("The job stopped with an error: %(error)s", error=(
        "OSError: cannot identify image file 'letter-emblem.png' at <Image>"))


def test_a_service_error_says_what_the_service_said():
    assert rows.failure_message(ValidationFailed("None of the chosen cases can have this letter.")) == (
        "None of the chosen cases can have this letter.")


def test_an_error_without_a_message_names_its_kind():
    assert rows.failure_message(KeyError()) == _("The job stopped with an error: %(error)s", error="KeyError")


def test_a_nested_deadline_never_extends_the_one_around_it():
    with limits.deadline(0.05):
        with limits.deadline(60):
            time.sleep(0.06)
            with pytest.raises(limits.TimeLimitExceeded) as stopped:
                limits.checkpoint()
    assert stopped.value.seconds == 0.05
    limits.checkpoint()  # no limit outside
