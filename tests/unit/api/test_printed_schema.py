"""schema.graphql at the repository root is the printed schema; regenerate it with
`uv run python -m salonbook.api > schema.graphql`."""

from __future__ import annotations

from pathlib import Path

from salonbook.api.schema import schema

PRINTED = Path(__file__).parents[3] / "schema.graphql"


def test_schema_graphql_is_the_printed_schema() -> None:
    assert PRINTED.read_text() == schema.as_str() + "\n"


def test_every_error_type_implements_error_and_names_its_code() -> None:
    printed = schema.as_str()
    for code in (
        "NOT_FOUND",
        "FORBIDDEN",
        "INVALID_TRANSITION",
        "UNDO_WINDOW_EXPIRED",
        "OUTSIDE_WORKING_HOURS",
    ):
        assert f"  {code}\n" in printed
    error_types = [line for line in printed.splitlines() if line.endswith("implements Error {")]
    assert len(error_types) == 12  # OutsideWorkingHoursError the twelfth
