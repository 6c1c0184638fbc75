"""/metrics over real HTTP: the request and mutation counters move by exactly what a known
sequence of requests adds, and the pool gauges follow the connections in use."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx

from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.domain.clock import SettableClock
from salonbook.domain.statuses import BookingStatus
from tests.e2e.observability.scrape import labels, scrape
from tests.e2e.payments.payment_calls import SUCCEEDED, Processor, encode, payment
from tests.support.api import Api
from tests.support.factory import Factory

ME = "query Me { me { role } }"
TRANSITION = """
mutation Transition($input: TransitionBookingInput!) { transitionBooking(input: $input) {
  __typename ... on Error { code } } }
"""
TWO_TRANSITIONS = """
mutation Both($refused: TransitionBookingInput!, $done: TransitionBookingInput!) {
  refused: transitionBooking(input: $refused) { __typename ... on Error { code } }
  done: transitionBooking(input: $done) { __typename ... on Error { code } } }
"""
REQUESTS = "salonbook_requests_total"
MUTATIONS = "salonbook_mutation_results_total"
DURATIONS = "salonbook_request_duration_seconds_count"


def transition(booking_id: object, action: str) -> dict[str, object]:
    return {"input": {"bookingId": str(booking_id), "action": action}}


async def test_metrics_are_served_in_the_prometheus_text_format(http: httpx.AsyncClient) -> None:
    reading = await scrape(http)

    assert {
        "salonbook_requests",
        "salonbook_request_duration_seconds",
        "salonbook_mutation_results",
        "salonbook_websocket_connections",
        "salonbook_subscriptions_active",
        "salonbook_event_delivery_lag_seconds",
        "salonbook_listener_reconnects",
        "salonbook_db_pool_size",
        "salonbook_db_pool_checked_out",
        "salonbook_db_pool_overflow",
        "salonbook_db_pool_max_overflow",
    } <= reading.families


async def test_counters_move_by_exactly_what_the_requests_add(
    api: Api, factory: Factory, http: httpx.AsyncClient
) -> None:
    party = await factory.party()
    cancelled = await factory.booking(party, status=BookingStatus.CANCELLED)
    pending = await factory.booking(party, starts_in=timedelta(days=3))
    unpaid = await factory.booking(party, starts_in=timedelta(days=4))
    admin, system = factory.token(party.admin), factory.token(party.system)
    processor = Processor(api, factory.clock)
    before = await scrape(http)

    me = await api.gql(ME, token=admin)
    refused = await api.gql(TRANSITION, transition(cancelled.id, "COMPLETE"), token=admin)
    confirmed = await api.gql(TRANSITION, transition(pending.id, "CONFIRM"), token=system)
    anonymous = await api.gql(TRANSITION, transition(pending.id, "CANCEL"))
    forged = await api.post(ME, token="not.a.token")
    paid = await processor.deliver(payment(unpaid, SUCCEEDED))
    unsigned = await processor.post(encode(payment(unpaid, SUCCEEDED)), signature=None)

    assert me == {"data": {"me": {"role": "ADMIN"}}}
    assert refused["data"]["transitionBooking"] == {
        "__typename": "InvalidTransitionError",
        "code": "INVALID_TRANSITION",
    }
    assert confirmed["data"]["transitionBooking"] == {"__typename": "TransitionBookingSuccess"}
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert (forged.status_code, paid.status_code, unsigned.status_code) == (401, 200, 401)
    after = await scrape(http)
    assert after.moved(before, REQUESTS) == {
        labels(operation_type="query", outcome="ok"): 1,
        labels(operation_type="mutation", outcome="INVALID_TRANSITION"): 1,
        labels(operation_type="mutation", outcome="ok"): 1,
        labels(operation_type="mutation", outcome="UNAUTHENTICATED"): 1,
        labels(operation_type="unknown", outcome="UNAUTHENTICATED"): 1,
        labels(operation_type="webhook", outcome="ok"): 1,
        labels(operation_type="webhook", outcome="UNAUTHENTICATED"): 1,
    }
    assert after.moved(before, MUTATIONS) == {
        labels(mutation="transitionBooking", result="INVALID_TRANSITION"): 1,
        labels(mutation="transitionBooking", result="TransitionBookingSuccess"): 1,
    }
    assert after.moved(before, DURATIONS) == {
        labels(operation_type="query"): 1,
        labels(operation_type="mutation"): 3,
        labels(operation_type="unknown"): 1,
        labels(operation_type="webhook"): 2,
    }


async def test_each_mutation_field_of_a_document_counts_under_its_own_result(
    api: Api, factory: Factory, http: httpx.AsyncClient
) -> None:
    party = await factory.party()
    cancelled = await factory.booking(party, status=BookingStatus.CANCELLED)
    pending = await factory.booking(party, starts_in=timedelta(days=3))
    before = await scrape(http)

    answer = await api.gql(
        TWO_TRANSITIONS,
        {
            "refused": transition(cancelled.id, "CONFIRM")["input"],
            "done": transition(pending.id, "CONFIRM")["input"],
        },
        token=factory.token(party.system),
    )

    assert answer["data"] == {
        "refused": {"__typename": "InvalidTransitionError", "code": "INVALID_TRANSITION"},
        "done": {"__typename": "TransitionBookingSuccess"},
    }
    after = await scrape(http)
    assert after.moved(before, MUTATIONS) == {
        labels(mutation="transitionBooking", result="INVALID_TRANSITION"): 1,
        labels(mutation="transitionBooking", result="TransitionBookingSuccess"): 1,
    }
    assert after.moved(before, REQUESTS) == {
        labels(operation_type="mutation", outcome="INVALID_TRANSITION"): 1
    }


async def test_a_document_that_does_not_parse_counts_as_a_validation_failure(
    api: Api, http: httpx.AsyncClient
) -> None:
    before = await scrape(http)

    answer = await api.post("query { me { role }")

    assert answer.status_code == 200, answer.text
    after = await scrape(http)
    assert after.moved(before, REQUESTS) == {
        labels(operation_type="unknown", outcome="GRAPHQL_VALIDATION_FAILED"): 1
    }


async def test_pool_gauges_follow_the_connections_in_use(
    settings: Settings, clock: SettableClock
) -> None:
    """On a server of its own: the session's server may be delivering earlier tests' events,
    with a connection of its pool, at any moment of the test."""
    quiet = create_app(settings, clock=clock)
    transport = httpx.ASGITransport(app=quiet)
    async with (
        quiet.router.lifespan_context(quiet),
        httpx.AsyncClient(transport=transport, base_url="http://salonbook.test") as http,
    ):
        engine = quiet.state.runtime.deps.engine
        for _ in range(
            500
        ):  # background work (the outbox purge at start) gives its connection back
            if engine.pool.checkedout() == 0:
                break
            await asyncio.sleep(0.01)
        before = await scrape(http)
        async with engine.connect(), engine.connect():
            during = await scrape(http)
        after = await scrape(http)

    assert before.value("salonbook_db_pool_size") == settings.db_pool_size
    assert before.value("salonbook_db_pool_max_overflow") == 0  # the pool size is the most
    assert before.value("salonbook_db_pool_checked_out") == 0
    assert during.value("salonbook_db_pool_checked_out") == 2
    assert after.value("salonbook_db_pool_checked_out") == 0
    assert after.value("salonbook_db_pool_overflow") == 0
