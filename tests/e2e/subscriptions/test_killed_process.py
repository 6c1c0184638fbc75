"""A server process killed outright (SIGKILL: no 1001, no goodbye) while changes go on through
another one: a client that reconnects to the survivor with its last cursor gets exactly what
it missed, then the live events; over PostgreSQL LISTEN/NOTIFY and over Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.factory import Factory
from tests.support.live import Closed, ws_client
from tests.support.processes import booking_maker, server_environment, servers, until_seen

BACKENDS = {"postgres": None, "redis": "redis://127.0.0.1:6379/0"}
EVENTS = """
subscription($filter: BookingEventFilter, $after: String) {
  bookingEvents(filter: $filter, after: $after) { cursor kind bookingId booking { version } }
}
"""
CONFIRM = """
mutation($id: ID!) { transitionBooking(input: {bookingId: $id, action: CONFIRM}) {
  __typename } }
"""


@pytest.mark.parametrize("backend", sorted(BACKENDS))
async def test_clients_of_a_killed_process_resume_on_another_missing_nothing(
    backend: str, database_url: str, factory: Factory, tmp_path: Path
) -> None:
    party = await factory.party()
    service = await factory.service()
    environment = server_environment(database_url=database_url, broadcast_url=BACKENDS[backend])
    first_start = (datetime.now(UTC) + timedelta(days=30)).replace(
        minute=0, second=0, microsecond=0
    )
    started = servers(("a", "b"), environment=environment, logs=tmp_path, stopped_in_use=True)
    async with started as (a, b):
        create = booking_maker(
            b.gql, stylist_id=party.stylist.id, service_id=service.id,
            token=factory.token(party.customer), first_start=first_start,
        )  # fmt: skip
        mine = {"stylistId": str(party.stylist.id)}
        async with ws_client(a.base, token=factory.token(party.admin)) as on_a:
            follows = await on_a.subscribe(EVENTS, {"filter": mine})
            last = await until_seen(on_a, follows, create=create)  # live on A, made through B
            a.process.kill()
            made = [await create(20 + n) for n in range(3)]  # while A dies, and after
            await a.process.wait()
            with pytest.raises(Closed) as gone:
                while True:  # what A still sent before it died, then the close
                    message = await on_a.next(follows, within=10)
                    last = message["payload"]["data"]["bookingEvents"]
        assert gone.value.code in (1006, None)  # abnormal closure: nothing was said
        confirm = await b.gql(CONFIRM, {"id": made[0]}, token=factory.token(party.system))
        assert confirm["data"]["transitionBooking"]["__typename"] == "TransitionBookingSuccess"
        missed = made[made.index(last["bookingId"]) + 1 :] if last["bookingId"] in made else made
        async with ws_client(b.base, token=factory.token(party.admin)) as on_b:
            resumed = await on_b.subscribe(EVENTS, {"filter": mine, "after": last["cursor"]})
            events = await on_b.events(resumed, len(missed) + 1)
            assert [(e["kind"], e["bookingId"]) for e in events] == [
                *(("CREATED", booking_id) for booking_id in missed),
                ("STATUS_CHANGED", made[0]),
            ]
            await on_b.silence(resumed)  # nothing twice
            (live,) = [await create(30)]
            (event,) = await on_b.events(resumed, 1)
            assert (event["kind"], event["bookingId"]) == ("CREATED", live)
