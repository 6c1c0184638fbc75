"""The JWT attacks, in one table, against a real server that trusts an HS256 secret and a JWKS
file and checks audience and issuer: over HTTP each refused token is a 401 UNAUTHENTICATED with
its reason and no data; over websockets it closes the socket with 4403. The honest rows show
the same server accepting what it should, so every refusal is the token's doing."""

from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest
from jwt.algorithms import RSAAlgorithm

from salonbook.auth.tokens import MAX_TOKEN_CHARS
from tests.e2e.attacks.forged_tokens import (
    AUDIENCE,
    DROP,
    Build,
    Keys,
    b64url,
    by_attacker,
    es256,
    hand_made,
    hs256,
    nested_json,
    resigned_signature,
    rs256,
    tampered,
    with_secret,
)
from tests.e2e.attacks.jwt_servers import KEYS
from tests.support.live import Closed, ws_client

NOW = int(time.time())
HOUR = 3600
HUGE = 100_000
ME = "{ me { id role } }"

ACCEPTED = "accepted"
# name -> (token, the role it signs in with, or the reason it is refused)
TABLE: dict[str, tuple[Build, str]] = {
    # honest tokens: the server is configured as intended
    "hs256": (hs256(), ACCEPTED),
    "rs256 by kid": (rs256(), ACCEPTED),
    "es256 by kid": (es256(role="admin"), ACCEPTED),
    "system role": (hs256(role="system"), ACCEPTED),
    "aud list holding ours": (hs256(aud=["other", AUDIENCE]), ACCEPTED),
    # `iat` is informational: an issuer's clock running ahead must not lock people out
    "iat in the future": (hs256(iat=NOW + HOUR), ACCEPTED),
    "jku and x5u headers are ignored": (
        hand_made({"alg": "HS256", "jku": "https://evil.test/jwks", "x5u": "https://evil.test/c"},
                  hmac_key=with_secret), ACCEPTED),
    # no signature, or the algorithm chosen by the attacker
    "alg none": (hand_made({"alg": "none", "typ": "JWT"}), "algorithm not accepted"),
    "alg None": (hand_made({"alg": "None"}), "algorithm not accepted"),
    "alg nOnE with a signature": (hand_made({"alg": "nOnE"}, hmac_key=with_secret),
                                  "algorithm not accepted"),
    "alg missing": (hand_made({"typ": "JWT"}, hmac_key=with_secret), "algorithm not accepted"),
    "alg as a list": (hand_made({"alg": ["HS256"]}, hmac_key=with_secret),
                      "algorithm not accepted"),
    "hs512 with the secret": (hand_made({"alg": "HS512"}, hmac_key=with_secret),
                              "algorithm not accepted"),
    "rs256 header, hmac-signed with the secret": (
        hand_made({"alg": "RS256", "kid": "rsa-1"}, hmac_key=with_secret), "bad signature"),
    "ps256 header": (hand_made({"alg": "PS256", "kid": "rsa-1"}), "algorithm not accepted"),
    "es256 header naming the rsa kid": (es256(kid="rsa-1"), "algorithm not accepted"),
    # key confusion: HMAC keyed with the public key the server trusts for RS256
    "hs256 keyed with the rsa public pem": (
        hand_made({"alg": "HS256", "kid": "rsa-1"}, hmac_key=Keys.rsa_public_pem),
        "bad signature"),
    "hs256 keyed with the rsa public jwk": (
        hand_made({"alg": "HS256", "kid": "rsa-1"}, hmac_key=lambda k: k.rsa_public_jwk().encode()),
        "bad signature"),
    # signatures and keys
    "wrong secret": (hand_made({"alg": "HS256"}, hmac_key=lambda k: (k.secret + "!").encode()),
                     "bad signature"),
    "signature changed": (resigned_signature, "bad signature"),
    "signature dropped": (lambda k: hs256()(k).rsplit(".", 1)[0] + ".", "bad signature"),
    "payload swapped for an admin one": (tampered("admin"), "bad signature"),
    "kid pointing nowhere": (rs256(kid="rsa-9"), "unknown key id"),
    "kid as a path": (rs256(kid="../../../../etc/passwd"), "unknown key id"),
    "kid as sql": (rs256(kid="' OR '1'='1"), "unknown key id"),
    "kid as a number": (hand_made({"alg": "RS256", "kid": 1}), "invalid token"),
    "no kid among several keys": (rs256(kid=None), "token names no key id"),
    "attacker key behind a jku": (
        by_attacker({"kid": "rsa-1", "jku": "https://evil.test/jwks.json"}), "bad signature"),
    "attacker key behind an x5u": (
        by_attacker({"kid": "rsa-1", "x5u": "https://evil.test/cert.pem"}), "bad signature"),
    "attacker key embedded as jwk": (
        lambda k: by_attacker({"kid": "rsa-1", "jwk": json.loads(
            RSAAlgorithm.to_jwk(k.attacker_key.public_key()))})(k), "bad signature"),
    "crit header naming an unknown extension": (
        hand_made({"alg": "HS256", "crit": ["urn:salonbook:never"], "urn:salonbook:never": 1},
                  hmac_key=with_secret), "invalid token"),
    "crit header naming exp": (hand_made({"alg": "HS256", "crit": ["exp"], "exp": NOW + HOUR},
                                         hmac_key=with_secret), "invalid token"),
    "unencoded payload (b64 false)": (
        hand_made({"alg": "HS256", "b64": False, "crit": ["b64"]}, hmac_key=with_secret),
        "malformed token"),
    # time
    "expired a second ago": (hs256(exp=NOW - 1), "token expired"),
    "expired long ago": (hs256(exp=1_000_000_000), "token expired"),
    "exp missing": (hs256(exp=DROP), "missing claim exp"),
    "exp null": (hs256(exp=None), "missing claim exp"),
    "exp as text": (hs256(exp=str(NOW + HOUR)), "expiry is not a number"),
    "exp as true": (hs256(exp=True), "token expired"),
    "exp beyond any calendar": (hs256(exp=10**20), "expiry out of range"),
    "nbf in the future": (hs256(nbf=NOW + HOUR), "token not yet valid"),
    "nbf as text": (hs256(nbf="later"), "malformed token"),
    # subject
    "sub missing": (hs256(sub=DROP), "missing claim sub"),
    "sub not a uuid": (hs256(sub="alice"), "subject is not a UUID"),
    "sub empty": (hs256(sub=""), "subject is not a UUID"),
    "sub a number": (hs256(sub=7), "subject is not a UUID"),
    "sub a list": (hs256(sub=[str(uuid.uuid4())]), "subject is not a UUID"),
    "sub sql": (hs256(sub="1' OR '1'='1"), "subject is not a UUID"),
    # role
    "role unknown": (hs256(role="superuser"), "unknown role"),
    "role empty": (hs256(role=""), "unknown role"),
    "role in capitals": (hs256(role="ADMIN"), "unknown role"),
    "role padded": (hs256(role=" admin"), "unknown role"),
    "role a list": (hs256(role=["admin"]), "unknown role"),
    "role an object": (hs256(role={"name": "admin"}), "unknown role"),
    "role null": (hs256(role=None), "unknown role"),
    "role missing": (hs256(role=DROP), "missing role"),
    "role under another path": (hs256(role=DROP, app_metadata={"role": "admin"}), "missing role"),
    # audience and issuer
    "aud wrong": (hs256(aud="someone-else"), "wrong audience"),
    "aud missing": (hs256(aud=DROP), "missing claim aud"),
    "aud list without ours": (hs256(aud=["a", "b"]), "wrong audience"),
    "iss wrong": (hs256(iss="https://evil.test"), "wrong issuer"),
    "iss missing": (hs256(iss=DROP), "missing claim iss"),
    # shape
    "garbage": (lambda _: "garbage", "malformed token"),
    "three garbage parts": (lambda _: "!!!.###.$$$", "malformed token"),
    "two parts": (lambda k: hs256()(k).rsplit(".", 1)[0], "malformed token"),
    "four parts": (lambda k: hs256()(k) + ".e30", "malformed token"),
    "empty parts": (lambda _: "..", "malformed token"),
    "header not json": (lambda _: f"{b64url(b'not json')}.e30.sig", "malformed token"),
    "header a json list": (hand_made("[]", hmac_key=with_secret), "malformed token"),
    "payload a json list": (hand_made({"alg": "HS256"}, body=lambda _: "[1]",
                                      hmac_key=with_secret), "malformed token"),
    "nested-array header bomb": (nested_json(2_500), "malformed token"),
    "huge garbage": (lambda _: "a" * HUGE, "token too long"),
    "one character over the bound": (lambda _: "a" * (MAX_TOKEN_CHARS + 1), "token too long"),
    "huge signed claim": (hs256(padding="x" * HUGE), "token too long"),
}  # fmt: skip

# A second server reads the role at SALONBOOK_JWT_ROLE_CLAIM=app_metadata.role.
NESTED_TABLE: dict[str, tuple[Build, str]] = {
    "nested role": (hs256(role=DROP, app_metadata={"role": "admin"}), ACCEPTED),
    "only a top-level role": (hs256(), "missing role"),
    "path through a text": (hs256(app_metadata="admin"), "missing role"),
    "path through a list": (hs256(app_metadata=[{"role": "admin"}]), "missing role"),
    "nested role unknown": (hs256(app_metadata={"role": "root"}), "unknown role"),
    "nested role an object": (hs256(app_metadata={"role": {"role": "admin"}}), "unknown role"),
}
CASES = [
    pytest.param(server, build, outcome, id=f"{server}: {name}")
    for server, table in (("flat", TABLE), ("nested", NESTED_TABLE))
    for name, (build, outcome) in table.items()
]


@pytest.fixture
def servers(guarded: str, nested: str) -> dict[str, str]:
    return {"flat": guarded, "nested": nested}


@pytest.mark.parametrize(("server", "build", "outcome"), CASES)
async def test_over_http(servers: dict[str, str], server: str, build: Build, outcome: str) -> None:
    token = build(KEYS)

    async with httpx.AsyncClient(base_url=f"http://{servers[server]}", timeout=10) as client:
        started = time.monotonic()
        response = await client.post(
            "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
        )
        took = time.monotonic() - started

    if outcome == ACCEPTED:
        assert response.status_code == 200, response.text
        me = response.json()["data"]["me"]
        assert me["id"] == str(KEYS.sub)
        return
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {
        "errors": [{"message": outcome, "extensions": {"code": "UNAUTHENTICATED"}}]
    }
    assert took < 1.0, "a refusal must not cost the server real work"


@pytest.mark.parametrize(("server", "build", "outcome"), CASES)
async def test_over_websockets(
    servers: dict[str, str], server: str, build: Build, outcome: str
) -> None:
    token, base = build(KEYS), servers[server]

    if outcome == ACCEPTED:
        async with ws_client(base, token=token) as connection:
            operation = await connection.subscribe(ME)
            message = await connection.next(operation)
        assert message["payload"]["data"]["me"]["id"] == str(KEYS.sub)
        return
    with pytest.raises(Closed) as closed:
        async with ws_client(base, token=token):
            pass
    assert closed.value.code == 4403
