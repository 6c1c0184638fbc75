"""Settings: read from the environment; production refuses to start without real secrets."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from salonbook.config import DEVELOPMENT_JWT_SECRET, Environment, Settings

REAL = "x" * 40


def test_development_has_working_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SALONBOOK_JWT_SECRET", raising=False)
    settings = Settings()
    assert settings.env is Environment.DEVELOPMENT
    assert settings.effective_jwt_secret == DEVELOPMENT_JWT_SECRET


@pytest.mark.parametrize(
    ("jwt_secret", "webhook_secret", "refused"),
    [
        (None, REAL, "SALONBOOK_JWT_SECRET"),
        ("changeme", REAL, "SALONBOOK_JWT_SECRET"),
        (DEVELOPMENT_JWT_SECRET, REAL, "SALONBOOK_JWT_SECRET"),
        ("short-but-not-placeholder", REAL, "SALONBOOK_JWT_SECRET"),
        (REAL, None, "SALONBOOK_PAYMENT_WEBHOOK_SECRET"),
        (REAL, "secret", "SALONBOOK_PAYMENT_WEBHOOK_SECRET"),
    ],
)
def test_production_refuses_missing_or_placeholder_secrets(
    monkeypatch: pytest.MonkeyPatch,
    jwt_secret: str | None,
    webhook_secret: str | None,
    refused: str,
) -> None:
    monkeypatch.setenv("SALONBOOK_ENV", "production")
    for name, value in (
        ("SALONBOOK_JWT_SECRET", jwt_secret),
        ("SALONBOOK_PAYMENT_WEBHOOK_SECRET", webhook_secret),
    ):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=refused):
        Settings()


def test_production_starts_with_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALONBOOK_ENV", "production")
    monkeypatch.setenv("SALONBOOK_JWT_SECRET", REAL)
    monkeypatch.setenv("SALONBOOK_PAYMENT_WEBHOOK_SECRET", REAL)
    monkeypatch.setenv("SALONBOOK_METRICS_TOKEN", REAL)
    assert Settings().effective_jwt_secret == REAL


@pytest.mark.parametrize(
    ("token", "address", "refused"),
    [
        (None, None, True),
        ("changeme", None, True),
        ("short-token", None, True),
        (REAL, None, False),
        (None, "10.0.0.5:9100", False),
    ],
    ids=["neither", "placeholder token", "short token", "a token", "an address"],
)
def test_production_keeps_metrics_from_the_public(
    monkeypatch: pytest.MonkeyPatch, token: str | None, address: str | None, refused: bool
) -> None:
    monkeypatch.setenv("SALONBOOK_ENV", "production")
    monkeypatch.setenv("SALONBOOK_JWT_SECRET", REAL)
    monkeypatch.setenv("SALONBOOK_PAYMENT_WEBHOOK_SECRET", REAL)
    for name, value in (("SALONBOOK_METRICS_TOKEN", token), ("SALONBOOK_METRICS_ADDRESS", address)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    if refused:
        with pytest.raises(ValidationError, match="SALONBOOK_METRICS_TOKEN of 16"):
            Settings()
    else:
        assert Settings().metrics_address == address


@pytest.mark.parametrize("address", ["9100", "host:", ":9100", "host:port", "host:70000"])
def test_a_metrics_address_is_host_and_port(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    monkeypatch.setenv("SALONBOOK_METRICS_ADDRESS", address)
    with pytest.raises(ValidationError, match="expected host:port"):
        Settings()


def test_the_body_bound_defaults_to_one_mebibyte(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SALONBOOK_MAX_BODY_BYTES", raising=False)
    assert Settings().max_body_bytes == 1024 * 1024
    monkeypatch.setenv("SALONBOOK_MAX_BODY_BYTES", "100")
    with pytest.raises(ValidationError, match="SALONBOOK_MAX_BODY_BYTES"):
        Settings()


def test_trusted_proxies_are_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALONBOOK_TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16,")
    assert Settings().trusted_proxies == ("10.0.0.1", "192.168.0.0/16")


@pytest.mark.parametrize(("given", "level"), [(None, "INFO"), (" warning ", "WARNING")])
def test_the_log_level_is_a_level_name_in_any_case(
    monkeypatch: pytest.MonkeyPatch, given: str | None, level: str
) -> None:
    if given is None:
        monkeypatch.delenv("SALONBOOK_LOG_LEVEL", raising=False)
    else:
        monkeypatch.setenv("SALONBOOK_LOG_LEVEL", given)
    assert Settings().log_level == level


def test_an_unknown_log_level_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALONBOOK_LOG_LEVEL", "verbose")
    with pytest.raises(ValidationError, match="SALONBOOK_LOG_LEVEL"):
        Settings()


def _production(monkeypatch: pytest.MonkeyPatch, **secrets: str | None) -> None:
    monkeypatch.setenv("SALONBOOK_ENV", "production")
    monkeypatch.setenv("SALONBOOK_PAYMENT_WEBHOOK_SECRET", REAL)
    monkeypatch.setenv("SALONBOOK_METRICS_TOKEN", REAL)
    for name, value in secrets.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    "secrets",
    [
        {"SALONBOOK_JWT_SECRET": REAL, "SALONBOOK_CURSOR_SECRET": "changeme"},
        {"SALONBOOK_JWT_SECRET": REAL, "SALONBOOK_CURSOR_SECRET": "short-but-not-placeholder"},
        {"SALONBOOK_JWT_SECRET": None, "SALONBOOK_JWKS_FILE": "keys.json"},
    ],
    ids=["placeholder", "short", "JWKS and no secret to derive from"],
)
def test_production_refuses_cursors_without_a_real_secret(
    monkeypatch: pytest.MonkeyPatch, secrets: dict[str, str | None]
) -> None:
    _production(monkeypatch, **({"SALONBOOK_CURSOR_SECRET": None} | secrets))
    with pytest.raises(ValidationError, match="SALONBOOK_CURSOR_SECRET"):
        Settings()


def test_the_cursor_key_is_its_own_secret_or_derived_from_the_jwt_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _production(monkeypatch, SALONBOOK_JWT_SECRET=REAL, SALONBOOK_CURSOR_SECRET=None)
    derived = Settings().cursor_key
    assert derived == Settings().cursor_key  # the same in every process, across restarts
    assert REAL.encode() not in derived
    monkeypatch.setenv("SALONBOOK_CURSOR_SECRET", "y" * 40)
    own = Settings().cursor_key
    assert own != derived
    monkeypatch.setenv("SALONBOOK_JWT_SECRET", "z" * 40)
    assert Settings().cursor_key == own  # rotating the JWT secret keeps cursors valid
