"""GraphQL over HTTP: the media type of an answer is negotiated from `Accept`. Asked for by name,
`application/graphql-response+json` answers a request error (a document that does not parse or
validate, variables that do not coerce) with 400 and no `data`; `application/json`, what a
wildcard or a missing `Accept` gets, answers as it always has (200, `data: null`). A client that
accepts neither gets 406; a mutation over GET is 405. The whole reference audit runs against a
real server in test_graphql_over_http_audit.py."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from salonbook.domain.roles import Role
from tests.e2e.observability.scrape import labels, scrape
from tests.support.api import Api

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
CONTENT_TYPE = {GRAPHQL_RESPONSE: f"{GRAPHQL_RESPONSE}; charset=utf-8", JSON: JSON}
BOOKING = "query($id: ID!) { booking(id: $id) { id } }"
INVALID_ID = "Variable '$id' has invalid value:"
TYPENAME = {"query": "{ __typename }"}

# name: request body -> the one error's message
REQUEST_ERRORS: dict[str, tuple[dict[str, Any], str]] = {
    "the document does not parse": ({"query": "{"}, "Syntax Error: Expected Name, found <EOF>."),
    "the document does not validate": (
        {"query": "{ noSuchField }"}, "Cannot query field 'noSuchField' on type 'Query'."),
    "a variable is null where it may not be": ({"query": BOOKING, "variables": {"id": None}},
        f"{INVALID_ID} Expected value of non-null type 'ID!' not to be None."),
    "a required variable is missing": ({"query": BOOKING, "variables": {}},
        f"{INVALID_ID} Expected a value of non-null type 'ID!' to be provided."),
    "a variable of the wrong type": ({"query": BOOKING, "variables": {"id": [1]}},
        f"{INVALID_ID} ID cannot represent value: [1]"),
}  # fmt: skip


async def _post(
    http: httpx.AsyncClient, body: dict[str, Any], *, accept: str | None, token: str | None = None
) -> httpx.Response:
    request = http.build_request("POST", "/graphql", json=body)
    if accept is None:
        del request.headers["Accept"]  # httpx sends `Accept: */*` unless told otherwise
    else:
        request.headers["Accept"] = accept
    if token is not None:
        request.headers["Authorization"] = f"Bearer {token}"
    return await http.send(request)


def _answer(response: httpx.Response) -> tuple[int, str, Any]:
    return response.status_code, response.headers["content-type"], response.json()


@pytest.mark.parametrize(("body", "message"), REQUEST_ERRORS.values(), ids=REQUEST_ERRORS)
async def test_a_request_error_is_400_without_data_in_graphql_response_json(
    http: httpx.AsyncClient, body: dict[str, Any], message: str
) -> None:
    response = await _post(http, body, accept=GRAPHQL_RESPONSE)

    status, content_type, answer = _answer(response)
    assert (status, content_type, "data" in answer) == (400, CONTENT_TYPE[GRAPHQL_RESPONSE], False)
    assert [error["message"] for error in answer["errors"]] == [message]


@pytest.mark.parametrize(("body", "message"), REQUEST_ERRORS.values(), ids=REQUEST_ERRORS)
async def test_a_request_error_is_200_with_null_data_in_json_as_before(
    http: httpx.AsyncClient, body: dict[str, Any], message: str
) -> None:
    response = await _post(http, body, accept=JSON)

    status, content_type, answer = _answer(response)
    assert (status, content_type, answer["data"]) == (200, JSON, None)
    assert [error["message"] for error in answer["errors"]] == [message]


async def test_a_field_error_that_nulls_all_data_is_still_200_with_data(
    http: httpx.AsyncClient,
) -> None:
    """The operation ran: a partial (here: empty) response, not a request error."""
    response = await _post(http, {"query": "{ services { id } }"}, accept=GRAPHQL_RESPONSE)

    assert _answer(response) == (200, CONTENT_TYPE[GRAPHQL_RESPONSE], {
        "data": None,
        "errors": [{
            "message": "sign in: send Authorization: Bearer <token>",
            "locations": [{"line": 1, "column": 3}],
            "path": ["services"],
            "extensions": {"code": "UNAUTHENTICATED"},
        }],
    })  # fmt: skip


# Accept header (None: no header) -> the media type answered in
NEGOTIATED: dict[str, tuple[str | None, str]] = {
    "no Accept": (None, JSON),
    "*/*": ("*/*", JSON),
    "application/json": (JSON, JSON),
    "application/graphql-response+json": (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
    "both, as the spec recommends": (
        f"{GRAPHQL_RESPONSE}; charset=utf-8, {JSON}; charset=utf-8", GRAPHQL_RESPONSE),
    "json preferred by q": (f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON),
    "a browser's": ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),
}  # fmt: skip


@pytest.mark.parametrize(("accept", "media_type"), NEGOTIATED.values(), ids=NEGOTIATED)
async def test_the_answer_comes_in_the_media_type_the_client_prefers(
    http: httpx.AsyncClient, accept: str | None, media_type: str
) -> None:
    response = await _post(http, TYPENAME, accept=accept)

    assert _answer(response) == (200, CONTENT_TYPE[media_type], {"data": {"__typename": "Query"}})


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_client_that_accepts_neither_media_type_gets_406(
    http: httpx.AsyncClient, method: str
) -> None:
    before = await scrape(http)
    headers = {"Accept": "text/html, application/xml"}
    if method == "POST":
        response = await http.post("/graphql", json=TYPENAME, headers=headers)
    else:
        response = await http.get("/graphql", params=TYPENAME, headers=headers)

    assert _answer(response) == (406, JSON, {"errors": [{
        "message": f"Accept one of: {GRAPHQL_RESPONSE}, {JSON}.",
        "extensions": {"code": "NOT_ACCEPTABLE"},
    }]})  # fmt: skip
    moved = (await scrape(http)).moved(before, "salonbook_requests_total")
    assert moved == {labels(operation_type="unknown", outcome="NOT_ACCEPTABLE"): 1.0}


async def test_graphiql_is_still_served_to_a_browser_asking_for_html(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
async def test_a_mutation_over_get_is_405(http: httpx.AsyncClient, accept: str) -> None:
    query = 'mutation { deleteBooking(input: {bookingId: "x"}) { __typename } }'
    response = await http.get("/graphql", params={"query": query}, headers={"Accept": accept})

    assert _answer(response) == (405, CONTENT_TYPE[accept], {"errors": [{
        "message": "mutations are not allowed when using GET",
        "extensions": {"code": "METHOD_NOT_ALLOWED"},
    }]})  # fmt: skip
    assert response.headers["allow"] == "POST"


async def test_refusals_come_in_graphql_response_json_when_it_is_asked_for(
    http: httpx.AsyncClient, api: Api
) -> None:
    """Malformed (400), a bad token (401), too large (413): typed as before, in the media type
    the client accepts."""
    token = api.token(uuid.uuid4(), Role.ADMIN)
    headers = {"Accept": GRAPHQL_RESPONSE, "Content-Type": JSON, "Authorization": f"Bearer {token}"}
    malformed = await http.post("/graphql", content=b"{bad", headers=headers)
    bad_token = await _post(http, TYPENAME, accept=GRAPHQL_RESPONSE, token="not-a-jwt")
    too_large = await http.post("/graphql", content=b" " * (2**20 + 1), headers=headers)

    def typed(response: httpx.Response) -> tuple[int, str, str, bool]:
        status, content_type, answer = _answer(response)
        return status, content_type, answer["errors"][0]["extensions"]["code"], "data" in answer

    content_type = CONTENT_TYPE[GRAPHQL_RESPONSE]
    assert [typed(malformed), typed(bad_token), typed(too_large)] == [
        (400, content_type, "BAD_REQUEST", False),
        (401, content_type, "UNAUTHENTICATED", False),
        (413, content_type, "PAYLOAD_TOO_LARGE", False),
    ]


async def test_head_is_405_naming_the_methods_allowed(http: httpx.AsyncClient) -> None:
    response = await http.head("/graphql", params=TYPENAME)

    assert (response.status_code, response.headers["allow"]) == (405, "GET, POST")
