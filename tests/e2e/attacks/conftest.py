"""Fixtures of the attack tests: the servers the JWT attacks run against, each started once
per module that asks for it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from salonbook.config import Settings
from tests.e2e.attacks.forged_tokens import AUDIENCE, ISSUER
from tests.e2e.attacks.jwt_servers import SECRET, jwks, serving

# the lifecycle machine's invariants are asserts: reported as in a test module
pytest.register_assert_rewrite("tests.e2e.attacks.lifecycle_machine")


@pytest.fixture(scope="module")
async def guarded(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A server trusting SECRET and a JWKS file, with audience and issuer: host:port."""
    settings = Settings(  # type: ignore[call-arg]
        DATABASE_URL=database_url,
        SALONBOOK_JWT_SECRET=SECRET,
        SALONBOOK_JWKS_FILE=jwks(tmp_path_factory.mktemp("jwks") / "jwks.json"),
        SALONBOOK_JWT_AUDIENCE=AUDIENCE,
        SALONBOOK_JWT_ISSUER=ISSUER,
        SALONBOOK_SWEEP_SECONDS=0,
    )
    async with serving(settings) as base:
        yield base


@pytest.fixture(scope="module")
async def nested(database_url: str) -> AsyncIterator[str]:
    """A server trusting SECRET that reads the role at app_metadata.role: host:port."""
    settings = Settings(  # type: ignore[call-arg]
        DATABASE_URL=database_url,
        SALONBOOK_JWT_SECRET=SECRET,
        SALONBOOK_JWT_ROLE_CLAIM="app_metadata.role",
        SALONBOOK_SWEEP_SECONDS=0,
    )
    async with serving(settings) as base:
        yield base
