"""docs/rules.md shows the transition table the code runs: its generated block is exactly what
rules_table.py (beside this file) renders from salonbook/domain/transitions.py and the default
windows."""

from __future__ import annotations

from tests.unit.docs.rules_table import RULES_DOC, block_of, render


def test_the_rules_doc_shows_the_codes_transition_table() -> None:
    assert block_of(RULES_DOC.read_text()) == render(), (
        "docs/rules.md's transition table is stale: `uv run python -m tests.unit.docs.rules_table`"
    )
