"""What no answer over HTTP may show: a traceback, source paths, SQL, the database driver's
name, a secret."""

from __future__ import annotations

import httpx

LEAKS = ("Traceback", 'File "', ".py", "SELECT", "sqlalchemy", "asyncpg", "secret")


def assert_nothing_leaks(response: httpx.Response) -> None:
    for leak in LEAKS:
        assert leak not in response.text, response.text
