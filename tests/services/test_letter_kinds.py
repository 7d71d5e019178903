"""A letter kind lives in one place (issue 15): one module of app/services/letter_kinds/ holds its metadata, its
facts and its composition, and the registry finds it. Adding a kind means adding one module."""
import importlib
import json
from pathlib import Path

import pytest

from app import programmes
from app.extensions import db
from app.models import Role
from app.pdf.content import LetterContent
from app.programmes import Programme
from app.services import letter_kinds
from app.services.letter_kinds import LetterKind

STORED = json.loads((Path(__file__).parent / "letters_issued_before.json").read_text())


def test_every_module_of_the_package_is_a_registered_kind_named_after_it():
    modules = letter_kinds.kind_modules()
    assert modules and sorted(modules) == sorted(letter_kinds.registry())
    for name in modules:
        kind = importlib.import_module(f"app.services.letter_kinds.{name}").KIND
        assert isinstance(kind, LetterKind) and kind.name == name
        assert letter_kinds.get(name) is kind


def test_every_kind_has_its_metadata_facts_and_composition():
    roles = {r.value for r in Role}
    for kind in letter_kinds.registry().values():
        assert str(kind.title) and kind.issuers and kind.issuers <= roles, kind.name
        assert callable(kind.facts) and callable(kind.compose), kind.name
        assert kind.debts is None or callable(kind.debts), kind.name
        assert not (kind.needs_debt and not kind.decision), kind.name  # a per-debt letter states the decision


def test_every_kind_belongs_to_exactly_one_programme_that_exists():
    names = programmes.names()
    # Issue 19: a kind about no single case (the paying unit's monthly notice) names what it is about instead
    # ("deduction_list"): no case page or batch offers it, it states no decision, and its letters open with the
    # permission it names.
    about_no_case = [k for k in letter_kinds.registry().values() if k.programme not in names]
    assert [k.name for k in about_no_case] == ["deduction_list_notice"]
    for kind in about_no_case:
        assert not kind.decision and not kind.needs_debt and kind.view_permission == "view_debt_cases", kind.name
    assert sum(len(letter_kinds.of_programme(p)) for p in names) + len(about_no_case) == len(letter_kinds.registry())
    for name in names:  # each programme's kinds in a stated order, and every programme has letters
        orders = [k.order for k in letter_kinds.of_programme(name)]
        assert orders and orders == sorted(set(orders)), name
    # the kind says which programme it belongs to, and only the kind: programmes do not list letter kinds
    assert "letter_kinds" not in Programme.__dataclass_fields__


def test_unknown_kinds_are_none():
    for name in ("no_such_kind", "", None, 3, "_common", "_debt"):
        assert letter_kinds.get(name) is None


@pytest.mark.parametrize("row", STORED["letters"], ids=lambda row: row["kind"])
def test_composition_reads_the_stored_payload_alone(row, monkeypatch):
    """compose() draws from the payload only: with the database out of reach it still composes the letter."""
    class Unreachable:
        def __getattr__(self, name):
            raise AssertionError(f"compose() touched the database: db.session.{name}")

    with monkeypatch.context() as patch:
        patch.setattr(db, "session", Unreachable())
        content = letter_kinds.get(row["kind"]).compose(row["payload"])
    assert isinstance(content, LetterContent) and content.subject == row["payload"]["letter"]["subject"]
