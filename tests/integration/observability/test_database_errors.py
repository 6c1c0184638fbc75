"""Database errors that reach a log carry no statement parameters (a note, a name): the app's
engine hides them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette


async def test_database_errors_do_not_carry_their_parameters(app: Starlette) -> None:
    note = "door code 4711, allergic to ammonia"
    engine = app.state.runtime.deps.engine

    with pytest.raises(DBAPIError) as failed:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT CAST(:note AS text), 1 / 0"), {"note": note})

    assert "division by zero" in str(failed.value)
    assert note not in str(failed.value)
