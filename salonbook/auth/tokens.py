"""Bearer JWTs: verify them into Claims, and mint HS256 ones for development."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt
from jwt.algorithms import HMACAlgorithm
from jwt.exceptions import InvalidSubjectError

from salonbook.domain.roles import Role

if TYPE_CHECKING:
    from salonbook.config import Settings

log = logging.getLogger(__name__)

HMAC_ALGORITHM = "HS256"
KEY_SET_ALGORITHMS = frozenset({"RS256", "ES256"})
MIN_HMAC_SECRET_BYTES = 32
VERIFIED_TOKENS_KEPT = 10_000
# Real tokens are under 2 KB; a longer one is refused before it is decoded, hashed or kept.
MAX_TOKEN_CHARS = 8192
_ROLE_NAMES = frozenset(role.value for role in Role)


@dataclass(frozen=True)
class Claims:
    """What a verified token says about the person calling."""

    sub: uuid.UUID
    role: Role
    name: str | None
    email: str | None
    expires_at: datetime


class InvalidToken(Exception):
    """The token is refused; the message is a short reason, never the token itself."""


class _HMACWithLengthCheckedOnce(HMACAlgorithm):
    """HS256 whose secret length is judged once, when the verifier is built, not per token."""

    def check_key_length(self, key: bytes) -> str | None:
        return None


def _build_codec() -> tuple[jwt.PyJWS, jwt.PyJWT]:
    signatures = jwt.PyJWS(algorithms=[HMAC_ALGORITHM, *KEY_SET_ALGORITHMS])
    signatures.unregister_algorithm(HMAC_ALGORITHM)
    signatures.register_algorithm(HMAC_ALGORITHM, _HMACWithLengthCheckedOnce(HMACAlgorithm.SHA256))
    codec = jwt.PyJWT()
    codec._jws = signatures  # PyJWT has no public way to swap its algorithm registry.
    return signatures, codec


_SIGNATURES, _CODEC = _build_codec()

_REFUSAL_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "token expired"),
    (jwt.InvalidSignatureError, "bad signature"),
    (jwt.InvalidAlgorithmError, "algorithm not accepted"),
    (jwt.InvalidAudienceError, "wrong audience"),
    (jwt.InvalidIssuerError, "wrong issuer"),
    (jwt.ImmatureSignatureError, "token not yet valid"),
    (InvalidSubjectError, "subject is not a UUID"),
    (jwt.DecodeError, "malformed token"),
)


def _role_path(role_claim: str) -> tuple[str, ...]:
    path = tuple(role_claim.split("."))
    if not all(path):
        raise ValueError(f"role claim path {role_claim!r} has an empty segment")
    return path


def _load_key_set(jwks_file: Path) -> tuple[jwt.PyJWK, ...]:
    """The RS256 / ES256 keys of a JWKS file; other keys (HMAC, encryption) are ignored."""
    try:
        key_set = jwt.PyJWKSet.from_json(jwks_file.read_text(encoding="utf-8"))
    except (OSError, ValueError, jwt.PyJWTError) as error:
        raise ValueError(f"cannot read JWKS file {jwks_file}: {error}") from error
    keys = tuple(
        key
        for key in key_set
        if key.algorithm_name in KEY_SET_ALGORITHMS and key.public_key_use in (None, "sig")
    )
    if not keys:
        raise ValueError(f"JWKS file {jwks_file} holds no RS256 or ES256 signing key")
    kids = [key.key_id for key in keys if key.key_id is not None]
    if len(kids) != len(set(kids)):
        raise ValueError(f"JWKS file {jwks_file} repeats a kid")
    for key in keys:
        if weakness := key.Algorithm.check_key_length(key.key):
            raise ValueError(f"JWKS file {jwks_file}: {weakness}")
    return keys


class TokenVerifier:
    """Checks bearer tokens against an HS256 secret and/or the public keys of a JWKS file."""

    def __init__(
        self,
        *,
        hs256_secret: str | None,
        jwks_file: Path | None,
        role_claim: str = "role",
        audience: str | None = None,
        issuer: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not hs256_secret and jwks_file is None:
            raise ValueError("token verification needs an HS256 secret or a JWKS file")
        if hs256_secret:
            hmac = _SIGNATURES.get_algorithm_by_name(HMAC_ALGORITHM)
            try:
                secret_bytes = hmac.prepare_key(hs256_secret)  # refuses a PEM / JWK as secret
            except jwt.InvalidKeyError as error:
                raise ValueError(f"unusable HS256 secret: {error}") from error
            if len(secret_bytes) < MIN_HMAC_SECRET_BYTES:
                log.warning("the HS256 secret is shorter than %d bytes", MIN_HMAC_SECRET_BYTES)
        self._secret = hs256_secret or None
        self._keys = _load_key_set(jwks_file) if jwks_file is not None else ()
        self._role_path = _role_path(role_claim)
        self._audience = audience
        self._issuer = issuer
        self._clock = clock
        self._verified: dict[str, tuple[Claims, float]] = {}
        """Tokens verified before, with their `exp`: a client sends the same token with every
        request, and nothing but the passing of `exp` can make a verified token invalid (the
        keys, audience and issuer are fixed; `nbf` only ever becomes true)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenVerifier:
        return cls(
            hs256_secret=settings.effective_jwt_secret,
            jwks_file=settings.jwks_file,
            role_claim=settings.jwt_role_claim,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )

    def verify(self, token: str) -> Claims:
        """The claims of a valid token; InvalidToken for anything else."""
        if len(token) > MAX_TOKEN_CHARS:
            raise InvalidToken("token too long")
        known = self._verified.get(token)
        if known is not None:
            claims, expires = known
            if self._clock() < expires:  # as PyJWT judges `exp`, with no leeway
                return claims
            del self._verified[token]
            raise InvalidToken("token expired")
        claims, expires = self._verify(token)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            del self._verified[next(iter(self._verified))]  # the oldest
        self._verified[token] = (claims, expires)
        return claims

    def _verify(self, token: str) -> tuple[Claims, float]:
        try:
            payload = self._decode(token)
        except jwt.MissingRequiredClaimError as error:
            raise InvalidToken(f"missing claim {error.claim}") from None
        except jwt.PyJWTError as error:
            reason = next((r for kind, r in _REFUSAL_REASONS if isinstance(error, kind)), None)
            raise InvalidToken(reason or "invalid token") from None
        claims = Claims(
            sub=_subject(payload),
            role=self._role(payload),
            name=payload["name"] if isinstance(payload.get("name"), str) else None,
            email=payload["email"] if isinstance(payload.get("email"), str) else None,
            expires_at=_expiry(payload),
        )
        return claims, float(payload["exp"])

    def _decode(self, token: str) -> dict[str, Any]:
        header = _SIGNATURES.get_unverified_header(token)
        algorithm = header.get("alg")
        key: jwt.PyJWK | str
        if algorithm == HMAC_ALGORITHM and self._secret is not None:
            key = self._secret
        elif isinstance(algorithm, str) and algorithm in KEY_SET_ALGORITHMS and self._keys:
            key = self._key_for(header.get("kid"))
            # The algorithm comes from the trusted key, never from the token's header.
            algorithm = key.algorithm_name
        else:
            raise jwt.InvalidAlgorithmError("algorithm not accepted")
        return _CODEC.decode(
            token,
            key=key,
            algorithms=[algorithm],
            audience=self._audience,
            issuer=self._issuer,
            leeway=0,
            # `iat` is informational (RFC 7519); checking it would refuse fresh tokens
            # from an issuer whose clock runs a second ahead.
            options={
                "require": ["exp", "sub"],
                "verify_iat": False,
                "verify_aud": self._audience is not None,  # checked only when configured
            },
        )

    def _key_for(self, kid: object) -> jwt.PyJWK:
        if kid is None:
            if len(self._keys) == 1:
                return self._keys[0]
            raise InvalidToken("token names no key id")
        for key in self._keys:
            if key.key_id == kid:
                return key
        raise InvalidToken("unknown key id")

    def _role(self, payload: dict[str, Any]) -> Role:
        value: object = payload
        for segment in self._role_path:
            if not isinstance(value, dict) or segment not in value:
                raise InvalidToken("missing role")
            value = value[segment]
        if not isinstance(value, str) or value not in _ROLE_NAMES:
            raise InvalidToken("unknown role")
        return Role(value)


def _subject(payload: dict[str, Any]) -> uuid.UUID:
    try:
        return uuid.UUID(payload["sub"])
    except ValueError:
        raise InvalidToken("subject is not a UUID") from None


def _expiry(payload: dict[str, Any]) -> datetime:
    exp = payload["exp"]
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise InvalidToken("expiry is not a number")
    try:
        return datetime.fromtimestamp(int(exp), tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise InvalidToken("expiry out of range") from None


def mint_token(
    *,
    secret: str,
    sub: uuid.UUID,
    role: Role,
    role_claim: str = "role",
    name: str | None = None,
    email: str | None = None,
    ttl: timedelta = timedelta(hours=12),
    now: datetime | None = None,
    audience: str | None = None,
    issuer: str | None = None,
) -> str:
    """An HS256 token that a TokenVerifier with the same secret and settings accepts."""
    issued_at = now if now is not None else datetime.now(UTC)
    if issued_at.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    payload: dict[str, Any] = {
        "sub": str(sub),
        "iat": int(issued_at.timestamp()),
        "exp": int((issued_at + ttl).timestamp()),
    }
    for claim, value in (("name", name), ("email", email), ("aud", audience), ("iss", issuer)):
        if value is not None:
            payload[claim] = value
    *parents, leaf = _role_path(role_claim)
    node = payload
    for segment in parents:
        node = node.setdefault(segment, {})
    node[leaf] = role.value
    return _CODEC.encode(payload, secret, algorithm=HMAC_ALGORITHM)
