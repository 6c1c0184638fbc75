"""Bearer-token verification, from the honest client's side and the attacker's."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from salonbook.auth.tokens import Claims, InvalidToken, TokenVerifier
from salonbook.domain.roles import Role
from tests.unit.auth.claims import AUD_ISS, DROP, SECRET, expected, payload

OCT_SECRET = b"an-hmac-key-hidden-in-the-jwks-file-000000"
NOT_ACCEPTED = "algorithm not accepted"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclasses.dataclass(frozen=True)
class Keyring:
    rsa_key: rsa.RSAPrivateKey
    other_rsa_key: rsa.RSAPrivateKey
    ec_key: ec.EllipticCurvePrivateKey
    jwks_file: Path


Build = Callable[[Keyring], str]


def hs256(**changes: object) -> Build:
    return lambda _: jwt.encode(payload(**changes), SECRET, "HS256")


def signed(alg: str, kid: str | None, key: str = "rsa_key", **changes: object) -> Build:
    headers = {"kid": kid} if kid else None
    return lambda keys: jwt.encode(payload(**changes), getattr(keys, key), alg, headers)


def hand_made(header: dict[str, Any], secret: Callable[[Keyring], bytes] | None = None) -> Build:
    """A token assembled byte by byte, HMAC-SHA256-signed with `secret` or unsigned."""

    def build(keys: Keyring) -> str:
        head, body = (b64url(json.dumps(part).encode()) for part in (header, payload()))
        key = secret(keys) if secret else b""
        signature = (
            hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest() if key else b""
        )
        return f"{head}.{body}.{b64url(signature)}"

    return build


def rsa_public_pem(keys: Keyring) -> bytes:
    return keys.rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def tampered(keys: Keyring) -> str:
    header, _, signature = hs256()(keys).split(".")
    return f"{header}.{b64url(json.dumps(payload(role='admin')).encode())}.{signature}"


def write_jwks(path: Path, *keys: dict[str, Any]) -> Path:
    path.write_text(json.dumps({"keys": list(keys)}), encoding="utf-8")
    return path


def rsa_jwk(key: rsa.RSAPrivateKey, **members: str) -> dict[str, Any]:
    return {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), **members}


def ec_jwk(key: ec.EllipticCurvePrivateKey, **members: str) -> dict[str, Any]:
    return {**ECAlgorithm.to_jwk(key.public_key(), as_dict=True), **members}


@pytest.fixture(scope="module")
def keyring(tmp_path_factory: pytest.TempPathFactory) -> Keyring:
    first, other = (rsa.generate_private_key(65537, 2048) for _ in range(2))
    curve_key = ec.generate_private_key(ec.SECP256R1())
    jwks = write_jwks(
        tmp_path_factory.mktemp("keys") / "jwks.json",
        rsa_jwk(first, kid="rsa-1", alg="RS256", use="sig"),
        rsa_jwk(other, kid="rsa-2"),
        ec_jwk(curve_key, kid="ec-1"),
        {"kty": "oct", "kid": "oct-1", "k": b64url(OCT_SECRET)},
    )
    return Keyring(first, other, curve_key, jwks)


@pytest.fixture(scope="module")
def verifiers(keyring: Keyring) -> dict[str, TokenVerifier]:
    jwks = keyring.jwks_file
    return {
        "hs": TokenVerifier(hs256_secret=SECRET, jwks_file=None),
        "jwks": TokenVerifier(hs256_secret=None, jwks_file=jwks),
        "both": TokenVerifier(hs256_secret=SECRET, jwks_file=jwks),
        "aud+iss": TokenVerifier(hs256_secret=SECRET, jwks_file=None, audience="salonbook",
                                 issuer="https://idp"),
    }  # fmt: skip


ACCEPTED: dict[str, tuple[str, Build, Claims]] = {
    "hs256": ("both", hs256(), expected()),
    "hs256 with name and email": (
        "hs", hs256(name="Ana", email="ana@x.test"), expected(name="Ana", email="ana@x.test")),
    "non-text name is dropped": ("hs", hs256(name={"first": "Ana"}), expected()),
    "aud ignored when not configured": ("hs", hs256(aud="authenticated"), expected()),
    "aud and iss match": ("aud+iss", hs256(**AUD_ISS, role="admin"), expected(role=Role.ADMIN)),
    "aud list holds ours": ("aud+iss", hs256(aud=["x", "salonbook"], iss="https://idp"),
                            expected()),
    "rs256 by kid": ("jwks", signed("RS256", "rsa-1"), expected()),
    "rs256 second key by kid": ("both", signed("RS256", "rsa-2", "other_rsa_key"), expected()),
    "es256 by kid": ("jwks", signed("ES256", "ec-1", "ec_key", role="system"),
                     expected(role=Role.SYSTEM)),
}  # fmt: skip


@pytest.mark.parametrize(("verifier", "build", "claims"), ACCEPTED.values(), ids=ACCEPTED)
def test_accepts(
    keyring: Keyring, verifiers: dict[str, TokenVerifier], verifier: str, build: Build,
    claims: Claims,
) -> None:  # fmt: skip
    assert verifiers[verifier].verify(build(keyring)) == claims


REFUSED: dict[str, tuple[str, Build, str]] = {
    "alg none": ("both", hand_made({"alg": "none"}), NOT_ACCEPTED),
    "alg None": ("both", hand_made({"alg": "None", "typ": "JWT"}), NOT_ACCEPTED),
    "alg missing": ("both", hand_made({}, lambda _: SECRET.encode()), NOT_ACCEPTED),
    "alg as a list": ("both", hand_made({"alg": ["HS256"]}, lambda _: SECRET.encode()),
                      NOT_ACCEPTED),
    "hs512": ("both", lambda _: jwt.encode(payload(), SECRET * 2, "HS512"), NOT_ACCEPTED),
    "rs512": ("jwks", signed("RS512", "rsa-1"), NOT_ACCEPTED),
    "hs256 keyed with rsa public pem": (
        "jwks", hand_made({"alg": "HS256", "kid": "rsa-1"}, rsa_public_pem), NOT_ACCEPTED),
    "hs256 keyed with rsa public pem, secret set": (
        "both", hand_made({"alg": "HS256", "kid": "rsa-1"}, rsa_public_pem), "bad signature"),
    "hs256 keyed with the jwks oct key": (
        "jwks", hand_made({"alg": "HS256", "kid": "oct-1"}, lambda _: OCT_SECRET), NOT_ACCEPTED),
    "rs256 to an hs-only verifier": ("hs", signed("RS256", "rsa-1"), NOT_ACCEPTED),
    "es256 naming an rsa kid": ("jwks", signed("ES256", "rsa-1", "ec_key"), NOT_ACCEPTED),
    "rs256 signed by another key": ("jwks", signed("RS256", "rsa-1", "other_rsa_key"),
                                    "bad signature"),
    "unknown kid": ("jwks", signed("RS256", "rsa-9"), "unknown key id"),
    "no kid among several keys": ("jwks", signed("RS256", None), "token names no key id"),
    "tampered payload": ("both", tampered, "bad signature"),
    "wrong secret": ("hs", lambda _: jwt.encode(payload(), SECRET + "!", "HS256"), "bad signature"),
    "expired": ("hs", hs256(exp=1_700_000_000), "token expired"),
    "missing exp": ("hs", hs256(exp=DROP), "missing claim exp"),
    "exp as text": ("hs", hs256(exp="99999999999"), "expiry is not a number"),
    "exp out of range": ("hs", hs256(exp=10**20), "expiry out of range"),
    "not valid before": ("hs", hs256(nbf=10**10), "token not yet valid"),
    "wrong aud": ("aud+iss", hs256(aud="x", iss="https://idp"), "wrong audience"),
    "missing aud": ("aud+iss", hs256(iss="https://idp"), "missing claim aud"),
    "wrong iss": ("aud+iss", hs256(aud="salonbook", iss="https://evil"), "wrong issuer"),
    "missing iss": ("aud+iss", hs256(aud="salonbook"), "missing claim iss"),
    "unknown role": ("hs", hs256(role="superuser"), "unknown role"),
    "role in capitals": ("hs", hs256(role="ADMIN"), "unknown role"),
    "role as a list": ("hs", hs256(role=["admin"]), "unknown role"),
    "missing role": ("hs", hs256(role=DROP), "missing role"),
    "non-uuid sub": ("hs", hs256(sub="ana"), "subject is not a UUID"),
    "sub as a number": ("hs", hs256(sub=7), "subject is not a UUID"),
    "missing sub": ("hs", hs256(sub=DROP), "missing claim sub"),
    "not a jwt": ("both", lambda _: "not-a-jwt", "malformed token"),
    "empty": ("both", lambda _: "", "malformed token"),
    "payload not an object": ("hs", lambda _: jwt.PyJWS().encode(b"[1]", SECRET, "HS256"),
                              "malformed token"),
}  # fmt: skip


@pytest.mark.parametrize(("verifier", "build", "reason"), REFUSED.values(), ids=REFUSED)
def test_refuses(
    keyring: Keyring, verifiers: dict[str, TokenVerifier], verifier: str, build: Build,
    reason: str,
) -> None:  # fmt: skip
    token = build(keyring)
    with pytest.raises(InvalidToken, match=f"^{re.escape(reason)}$") as refusal:
        verifiers[verifier].verify(token)
    assert token == "" or token not in str(refusal.value)


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_sole_jwks_key_verifies_tokens_without_kid(
    keyring: Keyring, tmp_path: Path, alg: str
) -> None:
    jwk = rsa_jwk(keyring.rsa_key) if alg == "RS256" else ec_jwk(keyring.ec_key)
    verifier = TokenVerifier(hs256_secret=None, jwks_file=write_jwks(tmp_path / "one.json", jwk))
    private_key = keyring.rsa_key if alg == "RS256" else keyring.ec_key
    assert verifier.verify(jwt.encode(payload(), private_key, alg)) == expected()


SPARE_KEY = rsa.generate_private_key(65537, 2048)
NO_SIGNING_KEY = "holds no RS256 or ES256 signing key"
MISCONFIGURED: dict[str, tuple[str | None, list[dict[str, Any]] | str | None, str, str]] = {
    "no keys": (None, None, "role", "needs an HS256 secret or a JWKS file"),
    "empty secret": ("", None, "role", "needs an HS256 secret or a JWKS file"),
    "pem as secret": ("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----", None, "role",
                      "unusable HS256 secret"),
    "only an hmac jwk": (None, [{"kty": "oct", "k": b64url(OCT_SECRET)}], "role", NO_SIGNING_KEY),
    "encryption key": (None, [rsa_jwk(SPARE_KEY, use="enc")], "role", NO_SIGNING_KEY),
    "rs512 key": (None, [rsa_jwk(SPARE_KEY, alg="RS512")], "role", NO_SIGNING_KEY),
    "1024-bit rsa": (None, [rsa_jwk(rsa.generate_private_key(65537, 1024))], "role",
                     "1024 bits long"),
    "repeated kid": (None, [rsa_jwk(SPARE_KEY, kid="k"), ec_jwk(ec.generate_private_key(
        ec.SECP256R1()), kid="k")], "role", "repeats a kid"),
    "jwks not json": (None, "not json", "role", "cannot read JWKS file"),
    "jwks missing": (None, "", "role", "cannot read JWKS file"),
    "empty role path segment": (SECRET, None, "app_metadata..role", "has an empty segment"),
}  # fmt: skip


@pytest.mark.parametrize(("secret", "keys", "role_claim", "problem"), MISCONFIGURED.values(),
                         ids=MISCONFIGURED)  # fmt: skip
def test_misconfiguration_is_refused_at_construction(
    tmp_path: Path, secret: str | None, keys: list[dict[str, Any]] | str | None, role_claim: str,
    problem: str,
) -> None:  # fmt: skip
    jwks_file = None if keys is None else tmp_path / "jwks.json"
    if jwks_file is not None and keys:
        jwks_file.write_text(keys if isinstance(keys, str) else json.dumps({"keys": keys}))
    with pytest.raises(ValueError, match=re.escape(problem)):
        TokenVerifier(hs256_secret=secret, jwks_file=jwks_file, role_claim=role_claim)
