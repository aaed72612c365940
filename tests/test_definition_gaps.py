"""A scored quarter without a definition version in force is named, never silently null."""

from __future__ import annotations

import json

import pytest

from scorecard.build import build_warehouse
from scorecard.errors import UserError
from tests.conftest import copy_home

pytestmark = pytest.mark.slow


def test_a_quarter_without_definitions_in_force_names_the_definitions_and_quarters(
    demo_home, tmp_path
):
    """Definitions "as of" 1899-12-31, before version 1 of every seed (1900-01-01): the
    build fails naming each definition, its code and the quarters it misses, and the
    database's own error for the model that cannot be built, not "Runtime Error" alone."""
    home = copy_home(demo_home, tmp_path / "home")
    with pytest.raises(UserError) as info:
        gap = json.dumps({"definitions_as_of": "1899-12-31"})
        build_warehouse(home, extra_args=["--vars", gap])
    message = str(info.value)
    assert "assert_definitions_in_force_for_every_scored_quarter" in message
    assert ("(first rows: definition=role_settings, code=account_manager, quarters=8, "
            "first_quarter=2024-Q4, last_quarter=2026-Q3; ") in message  # fmt: skip
    assert "Constraint Error: NOT NULL constraint failed" in message
