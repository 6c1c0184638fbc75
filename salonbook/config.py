"""One typed, frozen settings object, read once from the environment."""

from __future__ import annotations

import enum
import hashlib
import hmac
import os
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from salonbook.domain.model import Windows

DEVELOPMENT_JWT_SECRET = "salonbook-development-only-jwt-secret"
DEVELOPMENT_WEBHOOK_SECRET = "salonbook-development-only-webhook-secret"
DEVELOPMENT_CURSOR_SECRET = "salonbook-development-only-cursor-secret"
CURSOR_KEY_LABEL = b"salonbook subscription cursor v1"
"""Keys a cursor's HMAC key to its purpose: derived from the JWT secret, it signs nothing a
token verifier would accept."""
PLACEHOLDER_SECRETS = frozenset(
    {
        "",
        "changeme",
        "change-me",
        "secret",
        "dev-secret",
        "placeholder",
        DEVELOPMENT_JWT_SECRET,
        DEVELOPMENT_WEBHOOK_SECRET,
        DEVELOPMENT_CURSOR_SECRET,
    }
)
MIN_SECRET_BYTES = 32


def _real_secret(secret: str | None) -> bool:
    if secret is None or secret in PLACEHOLDER_SECRETS:
        return False
    return len(secret.encode()) >= MIN_SECRET_BYTES


class Environment(enum.StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    migration_database_url: str | None = Field(
        default=None, validation_alias="SALONBOOK_MIGRATION_DATABASE_URL"
    )
    """The owner role's connection, for `salonbook migrate` (and, in development, `serve`);
    DATABASE_URL is the app role's, which serves."""
    broadcast_url: str | None = Field(default=None, validation_alias="BROADCAST_URL")
    env: Environment = Field(default=Environment.DEVELOPMENT, validation_alias="SALONBOOK_ENV")
    data_dir: Path = Field(default=Path(".salonbook"), validation_alias="SALONBOOK_DATA_DIR")

    jwt_secret: str | None = Field(default=None, validation_alias="SALONBOOK_JWT_SECRET")
    jwks_file: Path | None = Field(default=None, validation_alias="SALONBOOK_JWKS_FILE")
    jwt_role_claim: str = Field(default="role", validation_alias="SALONBOOK_JWT_ROLE_CLAIM")
    jwt_audience: str | None = Field(default=None, validation_alias="SALONBOOK_JWT_AUDIENCE")
    jwt_issuer: str | None = Field(default=None, validation_alias="SALONBOOK_JWT_ISSUER")
    payment_webhook_secret: str | None = Field(
        default=None, validation_alias="SALONBOOK_PAYMENT_WEBHOOK_SECRET"
    )
    cursor_secret: str | None = Field(default=None, validation_alias="SALONBOOK_CURSOR_SECRET")
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), validation_alias="SALONBOOK_TRUSTED_PROXIES"
    )

    start_early_minutes: int = Field(default=30, validation_alias="SALONBOOK_START_EARLY_MINUTES")
    undo_start_minutes: int = Field(default=5, validation_alias="SALONBOOK_UNDO_START_MINUTES")
    free_cancellation_hours: int = Field(
        default=24, validation_alias="SALONBOOK_FREE_CANCELLATION_HOURS"
    )
    late_cancellation_refund_percent: int = Field(
        default=50, ge=0, le=100, validation_alias="SALONBOOK_LATE_CANCELLATION_REFUND_PERCENT"
    )
    booking_horizon_days: int = Field(
        default=365, ge=1, le=3650, validation_alias="SALONBOOK_BOOKING_HORIZON_DAYS"
    )
    start_grid_minutes: int = Field(
        default=5, ge=0, le=60, validation_alias="SALONBOOK_START_GRID_MINUTES"
    )
    payment_timeout_minutes: int = Field(
        default=15, validation_alias="SALONBOOK_PAYMENT_TIMEOUT_MINUTES"
    )
    idempotency_key_hours: int = Field(default=24, validation_alias="SALONBOOK_IDEMPOTENCY_HOURS")
    sweep_seconds: float = Field(default=60.0, validation_alias="SALONBOOK_SWEEP_SECONDS")
    realtime_poll_seconds: float = Field(
        default=5.0, validation_alias="SALONBOOK_REALTIME_POLL_SECONDS"
    )
    outbox_retention_hours: int = Field(
        default=72, validation_alias="SALONBOOK_OUTBOX_RETENTION_HOURS"
    )
    subscriber_queue_size: int = Field(
        default=256, validation_alias="SALONBOOK_SUBSCRIBER_QUEUE_SIZE"
    )
    db_pool_size: int = Field(default=10, validation_alias="SALONBOOK_DB_POOL_SIZE")
    statement_timeout_ms: int = Field(
        default=5000, validation_alias="SALONBOOK_STATEMENT_TIMEOUT_MS"
    )
    db_connect_timeout_seconds: float = Field(
        default=3.0, gt=0, validation_alias="SALONBOOK_DB_CONNECT_TIMEOUT_SECONDS"
    )
    shutdown_grace_seconds: float = Field(
        default=20.0, ge=0, validation_alias="SALONBOOK_SHUTDOWN_GRACE_SECONDS"
    )
    metrics_token: str | None = Field(default=None, validation_alias="SALONBOOK_METRICS_TOKEN")
    metrics_address: str | None = Field(default=None, validation_alias="SALONBOOK_METRICS_ADDRESS")
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, validation_alias="SALONBOOK_MAX_BODY_BYTES"
    )
    graphiql: bool | None = Field(default=None, validation_alias="SALONBOOK_GRAPHIQL")
    """GraphiQL on GET /graphql; unset: on in development, off in production."""
    workers: int | None = Field(default=None, ge=1, validation_alias="SALONBOOK_WORKERS")
    """Server processes of `salonbook serve`; unset: one per CPU this process may run on, as
    many as the database's connections allow (see `salonbook/workers/`)."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", validation_alias="SALONBOOK_LOG_LEVEL"
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, raw: object) -> object:
        return raw.strip().upper() if isinstance(raw, str) else raw

    @field_validator("start_grid_minutes")
    @classmethod
    def _grid_divides_an_hour(cls, minutes: int) -> int:
        if minutes and 60 % minutes:
            raise ValueError("must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60) or be 0")
        return minutes

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, raw: object) -> object:
        if isinstance(raw, str):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        return raw

    @field_validator("broadcast_url")
    @classmethod
    def _redis_installed(cls, raw: str | None) -> str | None:
        if raw and raw.startswith(("redis://", "rediss://")) and find_spec("redis") is None:
            raise ValueError("a Redis broadcast needs the redis extra: salonbook[redis]")
        return raw

    @field_validator("metrics_address")
    @classmethod
    def _host_and_port(cls, raw: str | None) -> str | None:
        if raw is not None:
            split_address(raw)
        return raw

    @model_validator(mode="after")
    def _require_real_secrets(self) -> Settings:
        if self.env is Environment.DEVELOPMENT:
            return self
        problems = []
        secret = self.jwt_secret or ""
        if self.jwks_file is None and (secret in PLACEHOLDER_SECRETS or len(secret) < 32):
            problems.append("SALONBOOK_JWT_SECRET of 32+ bytes (or SALONBOOK_JWKS_FILE)")
        if (self.payment_webhook_secret or "") in PLACEHOLDER_SECRETS:
            problems.append("SALONBOOK_PAYMENT_WEBHOOK_SECRET")
        token = self.metrics_token or ""
        if self.metrics_address is None and (token in PLACEHOLDER_SECRETS or len(token) < 16):
            problems.append("SALONBOOK_METRICS_TOKEN of 16+ bytes (or SALONBOOK_METRICS_ADDRESS)")
        if self.cursor_secret is not None and not _real_secret(self.cursor_secret):
            problems.append("SALONBOOK_CURSOR_SECRET of 32+ bytes")
        elif self.jwks_file is not None and not _real_secret(self.jwt_secret):
            # cursors are signed with a key derived from the JWT secret when it has no own
            problems.append("SALONBOOK_CURSOR_SECRET of 32+ bytes (with SALONBOOK_JWKS_FILE)")
        if problems:
            raise ValueError(
                "SALONBOOK_ENV=production needs real secrets; missing or placeholder: "
                + ", ".join(problems)
            )
        return self

    @property
    def graphiql_served(self) -> bool:
        if self.graphiql is not None:
            return self.graphiql
        return self.env is Environment.DEVELOPMENT

    @property
    def effective_jwt_secret(self) -> str | None:
        """The HS256 secret in force: in development a known one is used when none is set."""
        if self.jwt_secret:
            return self.jwt_secret
        if self.env is Environment.DEVELOPMENT and self.jwks_file is None:
            return DEVELOPMENT_JWT_SECRET
        return None

    @property
    def cursor_key(self) -> bytes:
        """The HMAC key of subscription cursors: from SALONBOOK_CURSOR_SECRET, else from the
        JWT secret (production refuses to start with neither), else a development one. Every
        process sharing the secret signs and accepts the same cursors, across restarts."""
        secret = self.cursor_secret or self.jwt_secret or DEVELOPMENT_CURSOR_SECRET
        return hmac.new(secret.encode(), CURSOR_KEY_LABEL, hashlib.sha256).digest()

    @property
    def effective_webhook_secret(self) -> str:
        return self.payment_webhook_secret or DEVELOPMENT_WEBHOOK_SECRET

    @property
    def windows(self) -> Windows:
        return Windows(
            start_early=timedelta(minutes=self.start_early_minutes),
            undo_start=timedelta(minutes=self.undo_start_minutes),
            free_cancellation=timedelta(hours=self.free_cancellation_hours),
            late_cancellation_refund_percent=self.late_cancellation_refund_percent,
            booking_horizon=timedelta(days=self.booking_horizon_days),
            start_grid_minutes=self.start_grid_minutes,
        )

    @property
    def payment_timeout(self) -> timedelta:
        return timedelta(minutes=self.payment_timeout_minutes)

    @property
    def idempotency_ttl(self) -> timedelta:
        return timedelta(hours=self.idempotency_key_hours)


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def split_address(address: str) -> tuple[str, int]:
    """`host:port` or `[ipv6]:port` as (host, port); ValueError otherwise."""
    host, colon, port = address.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not colon or not host or not port.isascii() or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"expected host:port, got {address!r}")
    return host, int(port)
