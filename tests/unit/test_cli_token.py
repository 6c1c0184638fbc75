"""`salonbook token` mints development tokens the service accepts."""

from __future__ import annotations

import uuid

import pytest

from salonbook.auth.tokens import TokenVerifier
from salonbook.cli import main
from salonbook.config import Settings
from salonbook.domain.roles import Role


def test_a_minted_token_verifies_with_the_given_subject_role_and_claims(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALONBOOK_JWT_ROLE_CLAIM", "app_metadata.role")
    person = uuid.uuid4()
    code = main(
        ["token", "--role", "stylist", "--sub", str(person), "--name", "Sam", "--hours", "1"]
    )
    assert code == 0
    token = capsys.readouterr().out.strip()
    claims = TokenVerifier.from_settings(Settings()).verify(token)
    assert (claims.sub, claims.role, claims.name) == (person, Role.STYLIST, "Sam")


def test_without_an_hs256_secret_it_refuses(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SALONBOOK_JWT_SECRET", raising=False)
    monkeypatch.setenv("SALONBOOK_JWKS_FILE", "/nonexistent/jwks.json")
    assert main(["token", "--role", "admin"]) == 2
    assert "no HS256 secret" in capsys.readouterr().err
