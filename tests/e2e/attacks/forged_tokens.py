"""Tokens an attacker (or a broken issuer) would send, built byte by byte where a JWT library
would refuse to make them. Every builder takes the Keys the server under attack trusts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm

AUDIENCE = "salonbook-api"
ISSUER = "https://idp.salonbook.test"
DROP = object()


@dataclass(frozen=True)
class Keys:
    """What the server trusts (its HS256 secret, the public halves of its JWKS keys) and a
    key of the attacker's own."""

    secret: str
    rsa_key: rsa.RSAPrivateKey
    ec_key: ec.EllipticCurvePrivateKey
    attacker_key: rsa.RSAPrivateKey
    sub: uuid.UUID

    def rsa_public_pem(self) -> bytes:
        return self.rsa_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def rsa_public_jwk(self) -> str:
        return RSAAlgorithm.to_jwk(self.rsa_key.public_key())


Build = Callable[[Keys], str]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(keys: Keys, **changes: object) -> dict[str, Any]:
    """Honest claims for keys.sub as a stylist, with `changes` (DROP removes a claim)."""
    honest: dict[str, Any] = {
        "sub": str(keys.sub),
        "role": "stylist",
        "exp": int(time.time()) + 3600,
        "aud": AUDIENCE,
        "iss": ISSUER,
    }
    merged = {**honest, **changes}
    return {name: value for name, value in merged.items() if value is not DROP}


def hs256(**changes: object) -> Build:
    return lambda keys: jwt.encode(claims(keys, **changes), keys.secret, "HS256")


def rs256(kid: str | None = "rsa-1", **changes: object) -> Build:
    headers = {"kid": kid} if kid else None
    return lambda keys: jwt.encode(claims(keys, **changes), keys.rsa_key, "RS256", headers)


def es256(kid: str = "ec-1", **changes: object) -> Build:
    return lambda keys: jwt.encode(claims(keys, **changes), keys.ec_key, "ES256", {"kid": kid})


def by_attacker(headers: dict[str, Any]) -> Build:
    """RS256-signed with the attacker's own key, whatever the header says about keys."""
    return lambda keys: jwt.encode(claims(keys), keys.attacker_key, "RS256", headers)


def hand_made(
    header: dict[str, Any] | str,
    *,
    hmac_key: Callable[[Keys], bytes] | None = None,
    body: Callable[[Keys], dict[str, Any] | str] | None = None,
) -> Build:
    """A token assembled by hand: `header` and `body` (JSON objects, or raw text), signed
    with HMAC-SHA256 under `hmac_key`, or with an empty signature."""

    def build(keys: Keys) -> str:
        return assembled(
            header, body(keys) if body else claims(keys), hmac_key(keys) if hmac_key else None
        )

    return build


def assembled(
    header: dict[str, Any] | str, body: dict[str, Any] | str, hmac_key: bytes | None
) -> str:
    """A token of `header` and `body` (JSON objects, or raw text), signed with HMAC-SHA256
    under `hmac_key`, or with an empty signature."""
    head, payload = (
        b64url((part if isinstance(part, str) else json.dumps(part)).encode())
        for part in (header, body)
    )
    signing_input = f"{head}.{payload}"
    if hmac_key is None:
        return f"{signing_input}."
    digest = hmac.new(hmac_key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(digest)}"


def with_secret(keys: Keys) -> bytes:
    return keys.secret.encode()


def tampered(role: str) -> Build:
    """An honest customer token whose payload was swapped for one claiming `role`."""

    def build(keys: Keys) -> str:
        head, _, signature = hs256(role="customer")(keys).split(".")
        return f"{head}.{b64url(json.dumps(claims(keys, role=role)).encode())}.{signature}"

    return build


def resigned_signature(keys: Keys) -> str:
    """An honest token with the first character of its signature changed: every bit of that
    character is signature (the last one's low bits are padding, which a decoder may ignore
    or refuse, so changing it says nothing certain)."""
    head, payload, signature = hs256()(keys).split(".")
    changed = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{head}.{payload}.{changed}"


def nested_json(depth: int) -> Build:
    """A header that is `depth` nested arrays: a parser bomb, not a JSON object."""
    return lambda keys: f"{b64url(('[' * depth + ']' * depth).encode())}.e30.sig"
