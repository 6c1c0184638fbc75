"""Claims as the token tests write them: an honest stylist's, and what verifying them gives."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from typing import Any

from salonbook.auth.tokens import Claims
from salonbook.domain.roles import Role

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
PERSON = uuid.UUID("6f1c2b1e-9a57-4c43-8d2e-2b0c9f0f5a11")
EXP = int(datetime.now(UTC).timestamp()) + 3600
DROP = object()
AUD_ISS = {"aud": "salonbook", "iss": "https://idp"}


def payload(**changes: object) -> dict[str, Any]:
    """Valid claims for PERSON as a stylist, with `changes` applied (DROP removes a claim)."""
    claims: dict[str, Any] = {"sub": str(PERSON), "role": "stylist", "exp": EXP, **changes}
    return {name: value for name, value in claims.items() if value is not DROP}


def expected(**changes: Any) -> Claims:
    honest = Claims(PERSON, Role.STYLIST, None, None, datetime.fromtimestamp(EXP, UTC))
    return dataclasses.replace(honest, **changes)
