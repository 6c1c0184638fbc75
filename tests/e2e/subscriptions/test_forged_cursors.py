"""Subscription cursors come back from clients, so the server signs them: over a real websocket,
a cursor it did not sign, or one whose contents are out of range even if signed (a leaked key),
ends the subscription with VALIDATION_FAILED and nothing in the logs; a genuine one resumes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.config import Settings
from salonbook.db import outbox
from salonbook.realtime.cursor import MAX_CURSOR_CHARS, CursorCodec, EventCursor
from tests.conftest import BASE_TIME
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.streams import (
    EVENTS,
    cancel_committed,
    confirmed_bookings,
    cursor_of_a_cancel,
)

REFUSED = {
    "message": "after is not a cursor from this API",
    "extensions": {"code": "VALIDATION_FAILED"},
}
OTHER_KEY = b"another deployment's cursor key, 32+ bytes"
ISSUED = int(BASE_TIME.timestamp())
GOOD = ["1000:1005:1001,1003", "1004:1010:", 7, ISSUED]
"""A well-formed cursor body (before, window, last id, issued at)."""


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def body(*fields: object) -> bytes:
    return json.dumps(list(fields), separators=(",", ":")).encode()  # ints of any size


def signed(key: bytes, raw: bytes) -> str:
    """A cursor of this body with a correct tag under `key`: base64url body, a dot, and the
    first 16 bytes of HMAC-SHA256(key, body), base64url."""
    return f"{b64(raw)}.{b64(hmac.new(key, raw, hashlib.sha256).digest()[:16])}"


def good_with(index: int, value: object) -> bytes:
    fields: list[object] = list(GOOD)
    fields[index] = value
    return body(*fields)


# Out of range although signed: what a holder of the key could still send.
OUT_OF_RANGE: dict[str, bytes] = {
    "issued 1e20": good_with(3, 1e20),
    "issued -1e20": good_with(3, -1e20),
    "issued 10**20": good_with(3, 10**20),
    "issued -1": good_with(3, -1),
    "issued as text": good_with(3, str(ISSUED)),
    "last id 1e30": good_with(2, 1e30),
    "last id 10**30": good_with(2, 10**30),
    "last id -1": good_with(2, -1),
    "last id true": good_with(2, True),
    "xmax 2**63": good_with(1, f"1004:{2**63}:"),
    "xmin 0": good_with(0, "0:0:"),
    "in progress outside the snapshot": good_with(0, "1000:1005:1007"),
    "xmin above xmax": good_with(0, "1006:1005:"),
    "not digits": good_with(0, "1000:1005:1001;1003"),
    "window before the snapshot": good_with(1, "900:990:"),
    "three fields": body(*GOOD[:3]),
    "an object": json.dumps({"before": GOOD[0]}).encode(),
    "a number too large for a double": good_with(3, 10**400),
    "not JSON": b"\xff\xfe not json",
}


def forged_by_a_client(key: bytes) -> dict[str, str]:
    """What a client without the key can make, knowing the format."""
    good = body(*GOOD)
    genuine = signed(key, good)
    flipped = genuine[:5] + ("B" if genuine[5] != "B" else "C") + genuine[6:]
    return {
        "unsigned, as cursors were": b64(good),
        "issued in the future, unsigned": b64(good_with(3, ISSUED + 10**9)),
        "issued in the future, signed with another key": signed(OTHER_KEY, good_with(3, 2**40)),
        "zero tag": f"{b64(good)}.{b64(bytes(16))}",
        "signed with another key": signed(OTHER_KEY, good),
        "tag cut short": genuine[:-1],
        "tag missing": genuine.split(".")[0] + ".",
        "body altered": flipped,
        "random bytes": b64(os.urandom(48)),
        "random bytes with a dot": f"{b64(os.urandom(40))}.{b64(os.urandom(16))}",
        "bad base64": "!!not*base64!!.??",
        "base64 with foreign characters": genuine.replace(".", ".\u00e9"),
        "empty": "",
        "a dot": ".",
        "huge": "A" * (MAX_CURSOR_CHARS + 1),
    }


@pytest.fixture
def no_traceback(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything logged meanwhile, uvicorn's own logger (which does not propagate) too."""
    uvicorn = logging.getLogger("uvicorn")
    uvicorn.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    try:
        yield caplog
    finally:
        uvicorn.removeHandler(caplog.handler)
    assert "Traceback" not in caplog.text
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def refused_over_the_socket(live: str, factory: Factory, after: str) -> None:
    """The subscription ends at once with the refusal; the connection stays usable."""
    party = await factory.party()
    async with ws_client(live, token=factory.token(party.admin)) as client:
        operation = await client.subscribe(EVENTS, {"after": after})
        assert await client.next(operation) == {
            "id": operation,
            "type": "next",
            "payload": {"data": None, "errors": [REFUSED]},
        }
        assert await client.next(operation) == {"id": operation, "type": "complete"}
        again = await client.subscribe(EVENTS, {})
        await client.silence(again, seconds=0.1)


@pytest.mark.parametrize("case", sorted(OUT_OF_RANGE))
async def test_a_signed_cursor_out_of_range_is_refused(
    live: str, factory: Factory, settings: Settings, no_traceback: Any, case: str
) -> None:
    await refused_over_the_socket(live, factory, signed(settings.cursor_key, OUT_OF_RANGE[case]))


@pytest.mark.parametrize("case", sorted(forged_by_a_client(b"")))
async def test_a_cursor_the_server_did_not_sign_is_refused(
    live: str, factory: Factory, settings: Settings, no_traceback: Any, case: str
) -> None:
    forged = forged_by_a_client(settings.cursor_key)[case]
    await refused_over_the_socket(live, factory, forged)


def ids(events: list[dict[str, Any]]) -> list[str | None]:
    return [event["bookingId"] for event in events]


async def test_a_genuine_cursor_resumes_with_no_gap_and_no_duplicate(
    app: Starlette, engine: AsyncEngine, factory: Factory, live: str
) -> None:
    party = await factory.party()
    a, b, c = await confirmed_bookings(factory, party, 3)
    token = factory.token(party.admin)
    mine = {"filter": {"stylistId": str(party.stylist.id)}}
    cursor = await cursor_of_a_cancel(app, engine, factory, party, a, live)
    await cancel_committed(engine, party, b, factory)
    async with ws_client(live, token=token) as resumed:
        operation = await resumed.subscribe(EVENTS, {**mine, "after": cursor})
        assert ids(await resumed.events(operation, 1)) == [str(b.id)]
        await resumed.silence(operation, seconds=0.2)
        await cancel_committed(engine, party, c, factory)
        assert ids(await resumed.events(operation, 1)) == [str(c.id)]
        await resumed.silence(operation, seconds=0.2)


async def resumed_from(
    app: Starlette,
    engine: AsyncEngine,
    factory: Factory,
    live: str,
    *,
    codec: CursorCodec,
    issued: datetime,
) -> list[dict[str, Any]]:
    """The first event of a subscription resumed from a cursor of the current position (made
    by `codec`, issued at `issued`), after one booking of a new party was cancelled."""
    party = await factory.party()
    (booking,) = await confirmed_bookings(factory, party, 1)
    here = await outbox.current_snapshot(engine)
    cursor = codec.encode(EventCursor(here, here, 0, issued))
    await cancel_committed(engine, party, booking, factory)
    async with ws_client(live, token=factory.token(party.admin)) as client:
        mine = {"filter": {"stylistId": str(party.stylist.id)}, "after": cursor}
        operation = await client.subscribe(EVENTS, mine)
        events = await client.events(operation, 1)
        await client.silence(operation, seconds=0.2)
    assert ids(events) in ([str(booking.id)], [None])
    return events


async def test_a_cursor_signed_by_another_process_with_the_same_secret_resumes(
    app: Starlette, engine: AsyncEngine, factory: Factory, live: str, settings: Settings
) -> None:
    # another process, or this one after a restart: its settings are read afresh
    restarted = Settings(DATABASE_URL=settings.database_url)  # type: ignore[call-arg]
    codec = CursorCodec(restarted.cursor_key)

    (event,) = await resumed_from(
        app, engine, factory, live, codec=codec, issued=factory.clock.now()
    )

    assert event["kind"] == "STATUS_CHANGED"


@pytest.mark.parametrize(
    ("ahead", "kind"),
    [(timedelta(seconds=50), "STATUS_CHANGED"), (timedelta(hours=1), "RESYNC_REQUIRED")],
)
async def test_a_signed_cursor_issued_ahead_resumes_within_the_clock_skew_else_resyncs(
    app: Starlette,
    engine: AsyncEngine,
    factory: Factory,
    live: str,
    settings: Settings,
    ahead: timedelta,
    kind: str,
) -> None:
    codec = CursorCodec(settings.cursor_key)
    issued = factory.clock.now() + ahead

    (event,) = await resumed_from(app, engine, factory, live, codec=codec, issued=issued)

    assert event["kind"] == kind
