"""The claims side of tokens: what `mint_token` writes and the verifier reads back, a role claim
at a dotted path, expiry (tests/unit/auth/test_tokens.py: what is accepted and refused)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from salonbook.auth.tokens import Claims, InvalidToken, TokenVerifier, mint_token
from salonbook.domain.roles import Role
from tests.unit.auth.claims import AUD_ISS, PERSON, SECRET, expected, payload

ROUND_TRIPS = [
    ("role", Role.ADMIN, {"role": "admin"}),
    ("app_metadata.role", Role.STYLIST, {"app_metadata": {"role": "stylist"}}),
    ("a.b.role", Role.CUSTOMER, {"a": {"b": {"role": "customer"}}}),
]


@pytest.mark.parametrize(("role_claim", "role", "nested"), ROUND_TRIPS)
def test_minted_token_round_trips(role_claim: str, role: Role, nested: dict[str, Any]) -> None:
    now = datetime(2030, 5, 17, 9, 30, 15, tzinfo=UTC)
    token = mint_token(secret=SECRET, sub=PERSON, role=role, role_claim=role_claim, name="Ana",
                       email="ana@x.test", ttl=timedelta(hours=2), now=now, audience="salonbook",
                       issuer="https://idp")  # fmt: skip
    assert jwt.decode(token, options={"verify_signature": False}) == {
        "sub": str(PERSON), "iat": 1_905_240_615, "exp": 1_905_247_815, "name": "Ana",
        "email": "ana@x.test", **AUD_ISS, **nested,
    }  # fmt: skip
    verifier = TokenVerifier(hs256_secret=SECRET, jwks_file=None, role_claim=role_claim,
                             audience="salonbook", issuer="https://idp")  # fmt: skip
    claims = Claims(PERSON, role, "Ana", "ana@x.test", now + timedelta(hours=2))
    assert verifier.verify(token) == claims


SUPABASE_SHAPED: dict[str, str | Role] = {
    "app_metadata.role": Role.ADMIN,
    "role": "unknown role",  # "authenticated" is Supabase's database role, not ours
    "app_metadata.role.name": "missing role",
    "user_metadata.role": "missing role",
}


@pytest.mark.parametrize(("role_claim", "outcome"), SUPABASE_SHAPED.items())
def test_dotted_role_claim_on_a_supabase_shaped_token(role_claim: str, outcome: Role | str) -> None:
    claims = payload(role="authenticated", app_metadata={"role": "admin"}, aud="authenticated")
    token = jwt.encode(claims, SECRET, "HS256")
    verifier = TokenVerifier(hs256_secret=SECRET, jwks_file=None, role_claim=role_claim)
    if isinstance(outcome, Role):
        assert verifier.verify(token) == expected(role=outcome)
    else:
        with pytest.raises(InvalidToken, match=f"^{re.escape(outcome)}$"):
            verifier.verify(token)


def test_minted_token_expires_after_its_ttl() -> None:
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1, seconds=1)
    token = mint_token(secret=SECRET, sub=PERSON, role=Role.CUSTOMER, ttl=timedelta(hours=1),
                       now=an_hour_ago)  # fmt: skip
    with pytest.raises(InvalidToken, match=r"^token expired$"):
        TokenVerifier(hs256_secret=SECRET, jwks_file=None).verify(token)


def test_short_development_secret_is_logged_once_not_warned_per_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="salonbook.auth.tokens"):
        verifier = TokenVerifier(hs256_secret="dev-secret", jwks_file=None)
    assert [r.getMessage() for r in caplog.records] == ["the HS256 secret is shorter than 32 bytes"]
    token = mint_token(secret="dev-secret", sub=PERSON, role=Role.STYLIST)
    assert verifier.verify(token).role is Role.STYLIST  # a warning would fail: filterwarnings=error


def test_a_token_verified_before_is_refused_from_its_expiry_on() -> None:
    now = [datetime.now(UTC).timestamp()]
    verifier = TokenVerifier(hs256_secret=SECRET, jwks_file=None, clock=lambda: now[0])
    token = mint_token(secret=SECRET, sub=PERSON, role=Role.STYLIST, ttl=timedelta(minutes=5))
    first = verifier.verify(token)
    now[0] = first.expires_at.timestamp() - 1

    assert verifier.verify(token) == first
    now[0] = first.expires_at.timestamp()  # `exp` itself is past, as PyJWT judges it
    with pytest.raises(InvalidToken, match=r"^token expired$"):
        verifier.verify(token)
