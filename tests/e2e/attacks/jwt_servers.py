"""The servers the JWT attacks run against (conftest.py's `guarded` and `nested`): the keys
they trust, their JWKS file, and serving an app built from settings on a real port."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from starlette.applications import Starlette

from salonbook.app import create_app
from salonbook.config import Settings
from tests.e2e.attacks.forged_tokens import Keys
from tests.support.live import serve

SECRET = "the-table-servers-own-hs256-secret-0123456789"


def _keys() -> Keys:
    return Keys(
        secret=SECRET,
        rsa_key=rsa.generate_private_key(65537, 2048),
        ec_key=ec.generate_private_key(ec.SECP256R1()),
        attacker_key=rsa.generate_private_key(65537, 2048),
        sub=uuid.uuid4(),
    )


KEYS = _keys()


def jwks(path: Path) -> Path:
    rsa_jwk = json.loads(RSAAlgorithm.to_jwk(KEYS.rsa_key.public_key()))
    ec_jwk = json.loads(ECAlgorithm.to_jwk(KEYS.ec_key.public_key()))
    keys = [{**rsa_jwk, "kid": "rsa-1", "use": "sig"}, {**ec_jwk, "kid": "ec-1"}]
    path.write_text(json.dumps({"keys": keys}), encoding="utf-8")
    return path


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[str]:
    application: Starlette = create_app(settings)
    async with application.router.lifespan_context(application), serve(application) as base:
        yield base
