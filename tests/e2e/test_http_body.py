"""A malformed request is refused before anything runs, with a typed error: a GraphQL error with
`extensions.code` (the payment webhook: its own `{"error": ...}`), the same code it is counted
with in /metrics. One table, through the app; duplicate credentials again through a real
server, where what uvicorn does with repeated headers matters."""

from __future__ import annotations

import uuid

import httpx
import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from salonbook.domain.roles import Role
from tests.e2e.observability.scrape import labels, scrape
from tests.support.api import Api
from tests.support.live import PROTOCOL, ws_client

ME = "{ me { id } }"
NOT_JSON = "The request's JSON does not parse, or is not UTF-8."
NOT_OBJECT = "The request's JSON must be an object."
JSON = "application/json"

# name: (body, content type, extra headers) -> (status, code, message)
CASES: dict[str, tuple[bytes, str, list[tuple[str, str]], tuple[int, str, str]]] = {
    "syntax": (b"{bad", JSON, [], (400, "BAD_REQUEST", NOT_JSON)),
    "not-a-value": (b"NaN", JSON, [], (400, "BAD_REQUEST", NOT_JSON)),
    "not-utf8": (b"\xff\xfe", JSON, [], (400, "BAD_REQUEST", NOT_JSON)),
    "not-utf8-in-a-string": (b'{"query": "\xff"}', JSON, [], (400, "BAD_REQUEST", NOT_JSON)),
    "cut-short": (b'{"query": "{ me { id } }"', JSON, [], (400, "BAD_REQUEST", NOT_JSON)),
    "a number": (b"42", JSON, [], (400, "BAD_REQUEST", NOT_OBJECT)),
    "a string": (b'"str"', JSON, [], (400, "BAD_REQUEST", NOT_OBJECT)),
    "null": (b"null", JSON, [], (400, "BAD_REQUEST", NOT_OBJECT)),
    "an array": (b"[]", JSON, [], (400, "BAD_REQUEST", NOT_OBJECT)),
    "no query": (b"{}", JSON, [], (400, "BAD_REQUEST", "No GraphQL query found in the request")),
    "query not a string": (b'{"query": 5}', JSON, [], (400, "BAD_REQUEST",
        "The GraphQL operation's `query` must be a string or null, if provided.")),
    "variables not an object": (orjson.dumps({"query": ME, "variables": [1]}), JSON, [], (
        400, "BAD_REQUEST",
        "The GraphQL operation's `variables` must be an object or null, if provided.")),
    "extensions not an object": (orjson.dumps({"query": ME, "extensions": "x"}), JSON, [], (
        400, "BAD_REQUEST",
        "The GraphQL operation's `extensions` must be an object or null, if provided.")),
    "operationName not a string": (orjson.dumps({"query": ME, "operationName": 5}), JSON, [], (
        400, "BAD_REQUEST", "The GraphQL operation's `operationName` must be a string or null.")),
    "wrong content type": (orjson.dumps({"query": ME}), "text/plain", [], (
        400, "BAD_REQUEST", "Unsupported content type")),
    "two authorization headers": (orjson.dumps({"query": ME}), JSON, [
        ("Authorization", "Bearer {other}")],
        (400, "BAD_REQUEST", "Send one Authorization header.")),
    "a body over the bound": (orjson.dumps({"query": ME, "variables": {"x": "y" * 2**20}}), JSON,
        [], (413, "PAYLOAD_TOO_LARGE", "The request body is larger than 1048576 bytes.")),
}  # fmt: skip


@pytest.mark.parametrize(("body", "content_type", "extra", "expected"), CASES.values(), ids=CASES)
async def test_a_malformed_graphql_request_is_a_typed_refusal_counted_by_its_code(
    http: httpx.AsyncClient,
    api: Api,
    body: bytes,
    content_type: str,
    extra: list[tuple[str, str]],
    expected: tuple[int, str, str],
) -> None:
    token = api.token(uuid.uuid4(), Role.ADMIN)
    other = api.token(uuid.uuid4(), Role.CUSTOMER)
    headers = [("Content-Type", content_type), ("Authorization", f"Bearer {token}")]
    headers += [(name, value.format(other=other)) for name, value in extra]
    before = await scrape(http)

    response = await http.post("/graphql", content=body, headers=headers)

    status, code, message = expected
    assert (response.status_code, response.json()) == (
        status,
        {"errors": [{"message": message, "extensions": {"code": code}}]},
    )
    moved = (await scrape(http)).moved(before, "salonbook_requests_total")
    assert moved == {labels(operation_type="unknown", outcome=code): 1.0}


@pytest.mark.parametrize("header", ["Authorization", "Salonbook-Signature"])
async def test_the_webhook_refuses_a_credential_header_sent_twice(
    http: httpx.AsyncClient, header: str
) -> None:
    response = await http.post(
        "/webhooks/payments",
        content=b"{}",
        headers=[(header, "t=1,v1=aa"), (header, "t=1,v1=bb")],
    )

    assert (response.status_code, response.json()) == (
        400,
        {"error": f"Send one {header} header."},
    )


async def test_two_authorization_headers_are_refused_by_a_real_server(live: str, api: Api) -> None:
    admin, customer = api.token(uuid.uuid4(), Role.ADMIN), api.token(uuid.uuid4(), Role.CUSTOMER)
    async with httpx.AsyncClient(base_url=f"http://{live}") as client:
        response = await client.post(
            "/graphql",
            json={"query": ME},
            headers=[("Authorization", f"Bearer {customer}"), ("Authorization", f"Bearer {admin}")],
        )

    assert (response.status_code, response.json()) == (
        400,
        {"errors": [{"message": "Send one Authorization header.",
                     "extensions": {"code": "BAD_REQUEST"}}]},
    )  # fmt: skip


async def test_a_websocket_upgrade_with_two_authorization_headers_is_refused(
    live: str, api: Api
) -> None:
    token = f"Bearer {api.token(uuid.uuid4(), Role.ADMIN)}"
    with pytest.raises(InvalidStatus) as refused:
        async with connect(
            f"ws://{live}/graphql",
            subprotocols=[PROTOCOL],  # type: ignore[list-item]
            additional_headers=[("Authorization", token), ("Authorization", token)],
        ):
            pass

    assert refused.value.response.status_code == 403


@pytest.mark.parametrize(
    "payload",
    [{"Authorization": 42}, {"Authorization": "Bearer {token}", "authorization": "Bearer x"}],
    ids=["not a string", "both spellings"],
)
async def test_an_ambiguous_connection_init_credential_closes_with_4403(
    live: str, api: Api, payload: dict[str, object]
) -> None:
    token = api.token(uuid.uuid4(), Role.ADMIN)
    sent = {k: v.format(token=token) if isinstance(v, str) else v for k, v in payload.items()}

    assert (
        await _init_closes_with(live, orjson.dumps({"type": "connection_init", "payload": sent}))
        == 4403
    )


async def test_a_connection_init_naming_a_key_twice_closes_with_4400(live: str, api: Api) -> None:
    token = api.token(uuid.uuid4(), Role.ADMIN)
    raw = (
        '{"type": "connection_init", "payload": '
        f'{{"Authorization": "Bearer {token}", "Authorization": "Bearer other"}}}}'
    ).encode()

    assert await _init_closes_with(live, raw) == 4400


async def _init_closes_with(live: str, message: bytes) -> int | None:
    async with connect(f"ws://{live}/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        await ws.send(message.decode())
        with pytest.raises(ConnectionClosed):
            await ws.recv()
        return ws.close_code


async def test_a_well_formed_connection_init_still_connects(live: str, api: Api) -> None:
    async with ws_client(live, token=api.token(uuid.uuid4(), Role.ADMIN)) as client:
        assert client.reader is not None


@pytest.mark.parametrize(
    ("variables", "message"), [("42", NOT_OBJECT), ("{bad", NOT_JSON)], ids=["number", "syntax"]
)
async def test_get_variables_that_are_not_a_json_object_are_a_typed_400(
    http: httpx.AsyncClient, variables: str, message: str
) -> None:
    response = await http.get("/graphql", params={"query": ME, "variables": variables})

    assert (response.status_code, response.json()) == (
        400,
        {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]},
    )
