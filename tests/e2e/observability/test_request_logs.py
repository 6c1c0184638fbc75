"""One JSON line per request (and per websocket connection), with the request id echoed to the
client, who asked what as whom, and the outcome; never a token, a note or a variable."""

from __future__ import annotations

import logging
import re

import pytest
from starlette.applications import Starlette

from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingStatus
from tests.e2e.observability.logged import request_lines, until_logged, written
from tests.e2e.payments.payment_calls import SUCCEEDED, Processor, encode, payment
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.live import Closed, ws_client
from tests.support.streams import EVENTS, until_feeds

ME = "query Me { me { role } }"
TRANSITION = """
mutation Transition($input: TransitionBookingInput!) { transitionBooking(input: $input) {
  __typename ... on Error { code } } }
"""
ADD_NOTE = """
mutation AddNote($input: AddStylistNoteInput!) { addStylistNote(input: $input) {
  __typename ... on Error { code } } }
"""
GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def _capture(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="salonbook.requests")


def line(request_id: str, **fields: object) -> dict[str, object]:
    return {
        "level": "INFO",
        "logger": "salonbook.requests",
        "message": "request",
        "request_id": request_id,
        "path": "/graphql",
        "operation_type": "query",
        "operation_name": None,
        "actor_id": None,
        "actor_role": None,
        "outcome": "ok",
        "status": 200,
    } | fields


async def test_a_query_is_one_line_under_the_clients_request_id(
    api: Api, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    stylist = await factory.person(Role.STYLIST)

    response = await api.post(
        ME, token=factory.token(stylist), headers={"X-Request-Id": "checkout-7f3a.1"}
    )

    assert response.json() == {"data": {"me": {"role": "STYLIST"}}}
    assert response.headers["x-request-id"] == "checkout-7f3a.1"
    assert request_lines(caplog, "checkout-7f3a.1") == [
        line(
            "checkout-7f3a.1",
            operation_name="Me",
            actor_id=str(stylist.id),
            actor_role="stylist",
        )
    ]


@pytest.mark.parametrize(
    "given",
    [None, "", "has space", "x" * 65, "../../etc", "-leading-dash", "tab\there", '{"json": 1}'],
)
async def test_an_absent_or_odd_request_id_is_replaced_by_a_new_one(
    api: Api, caplog: pytest.LogCaptureFixture, given: str | None
) -> None:
    headers = {} if given is None else {"X-Request-Id": given}

    first = await api.post(ME, headers=headers)
    second = await api.post(ME, headers=headers)

    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert all(GENERATED.fullmatch(made) for made in ids)
    assert ids[0] != ids[1]
    assert [request_lines(caplog, made) for made in ids] == [
        [line(made, operation_name="Me")] for made in ids
    ]


async def test_a_refused_mutation_and_a_refused_token_say_their_code(
    api: Api, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    party = await factory.party()
    cancelled = await factory.booking(party, status=BookingStatus.CANCELLED)
    refusal = {"input": {"bookingId": str(cancelled.id), "action": "START"}}

    refused = await api.post(TRANSITION, refusal, token=factory.token(party.stylist))
    forged = await api.post(TRANSITION, refusal, token="not.a.token")

    assert (refused.status_code, forged.status_code) == (200, 401)
    assert request_lines(caplog, refused.headers["x-request-id"]) == [
        line(
            refused.headers["x-request-id"],
            operation_type="mutation",
            operation_name="Transition",
            actor_id=str(party.stylist.id),
            actor_role="stylist",
            outcome="INVALID_TRANSITION",
        )
    ]
    assert request_lines(caplog, forged.headers["x-request-id"]) == [
        line(
            forged.headers["x-request-id"],
            operation_type="unknown",
            outcome="UNAUTHENTICATED",
            status=401,
        )
    ]


async def test_a_webhook_is_one_line_without_its_body_or_signature(
    api: Api, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    party = await factory.party()
    booking = await factory.booking(party)
    event = payment(booking, SUCCEEDED)
    processor = Processor(api, factory.clock)
    signature = processor.signature(encode(event))

    response = await processor.post(
        encode(event), signature=signature, extra={"X-Request-Id": "evt-delivery-1"}
    )

    assert response.status_code == 200, response.text
    assert request_lines(caplog, "evt-delivery-1") == [
        line(
            "evt-delivery-1",
            path="/webhooks/payments",
            operation_type="webhook",
        )
    ]
    logged = caplog.text + str(written(caplog))
    assert event["id"] not in logged
    assert signature.split("v1=")[1] not in logged


async def test_tokens_notes_and_variables_are_never_logged(
    api: Api, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    token = factory.token(party.stylist)
    note = "Allergic to ammonia; door code 4711-SECRET"
    password = "hunter2-correct-horse"

    added = await api.post(
        ADD_NOTE,
        {"input": {"bookingId": str(booking.id), "body": note}, "password": password},
        token=token,
        headers={"X-Request-Id": "note-1"},
    )
    refused = await api.post(ME, {"password": password}, token=f"{token}x")

    assert added.json() == {"data": {"addStylistNote": {"__typename": "AddStylistNoteSuccess"}}}
    assert refused.status_code == 401
    assert request_lines(caplog, "note-1") == [
        line(
            "note-1",
            operation_type="mutation",
            operation_name="AddNote",
            actor_id=str(party.stylist.id),
            actor_role="stylist",
        )
    ]
    logged = caplog.text + str(written(caplog))
    for secret in (token, token.split(".")[2], "Bearer", note, "4711", password):
        assert secret not in logged


async def test_a_websocket_is_one_line_when_it_closes(
    app: Starlette, factory: Factory, live: str, caplog: pytest.LogCaptureFixture
) -> None:
    admin = await factory.person(Role.ADMIN)
    feeds = app.state.runtime.stream.tailer.feed_count

    async with ws_client(
        live, token=factory.token(admin), headers={"X-Request-Id": "dashboard-1"}
    ) as client:
        await client.subscribe(EVENTS, {})
        await until_feeds(app, feeds + 1)
        assert request_lines(caplog, "dashboard-1") == []

    assert await until_logged(caplog, "dashboard-1") == [
        line(
            "dashboard-1",
            message="websocket closed",
            operation_type="websocket",
            actor_id=str(admin.id),
            actor_role="admin",
            status=1000,
            operations=1,
            subscriptions=1,
        )
    ]


async def test_a_websocket_with_a_bad_token_is_logged_unauthenticated(
    live: str, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(Closed) as refused:
        async with ws_client(live, token="not.a.token", headers={"X-Request-Id": "ws-bad"}):
            pass

    assert refused.value.code == 4403
    assert await until_logged(caplog, "ws-bad") == [
        line(
            "ws-bad",
            message="websocket closed",
            operation_type="websocket",
            outcome="UNAUTHENTICATED",
            status=4403,
            operations=0,
            subscriptions=0,
        )
    ]
