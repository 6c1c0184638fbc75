"""The outbox: one event row per change, and a NOTIFY of ids only, sent at commit."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db import outbox
from salonbook.db.urls import plain_url
from tests.support.factory import Factory
from tests.support.sql import CHANNEL, S, change, state


async def test_a_committed_change_notifies_only_ids_and_a_rolled_back_one_nothing(
    db: Any, database_url: str, factory: Factory
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=S.PENDING)
    listener = await asyncpg.connect(plain_url(database_url))
    heard: asyncio.Queue[str] = asyncio.Queue()
    await listener.add_listener(CHANNEL, lambda *args: heard.put_nowait(args[3]))

    async def heard_until_sentinel(about: UUID) -> list[str]:
        """Everything heard before a fresh sentinel (NOTIFYs arrive in commit order)."""
        sentinel = f"sentinel:{uuid.uuid4()}"
        await listener.execute("SELECT pg_notify($1, $2)", CHANNEL, sentinel)
        payloads = []
        while (payload := await asyncio.wait_for(heard.get(), timeout=5)) != sentinel:
            payloads.append(payload)
        return [p for p in payloads if p.endswith(f":{about}")]

    try:
        async with db.transaction():
            recorded = await change(db, booking, party, S.CONFIRMED, action="CONFIRM")
            assert await heard_until_sentinel(booking.id) == [], "heard before the commit"
        payload = f"{recorded['event_id']}:{booking.id}"
        assert await heard_until_sentinel(booking.id) == [payload]
        assert len(payload.encode()) < 100

        confirmed = await factory.booking(party, status=S.CONFIRMED, starts_in=timedelta(days=9))
        assert len(await heard_until_sentinel(confirmed.id)) == 2  # its CREATED and CONFIRM
        transaction = db.transaction()
        await transaction.start()
        await change(db, confirmed, party, S.CANCELLED, action="CANCEL")
        await transaction.rollback()
        assert await heard_until_sentinel(confirmed.id) == []
        assert await state(db, confirmed.id) == ("CONFIRMED", 2, 1, 2)
    finally:
        await listener.close()


async def test_every_change_writes_one_outbox_event_of_its_kind(db: Any, factory: Factory) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=S.COMPLETED)
    changes = await db.fetch(
        "SELECT id FROM booking_status_history WHERE booking_id = $1 ORDER BY id", booking.id
    )
    events = await db.fetch(
        "SELECT kind, status_change_id, stylist_id, customer_id FROM booking_events"
        " WHERE booking_id = $1 ORDER BY id",
        booking.id,
    )
    assert [(e["kind"], e["status_change_id"]) for e in events] == [
        ("CREATED", None),
        *[("STATUS_CHANGED", c["id"]) for c in changes],
    ]
    assert len(changes) == 3
    assert {(e["stylist_id"], e["customer_id"]) for e in events} == {
        (party.stylist.id, party.customer.id)
    }


async def test_events_past_the_retention_are_purged(
    db: Any, engine: AsyncEngine, factory: Factory
) -> None:
    party = await factory.party()
    old = await factory.booking(party, status=S.CONFIRMED, changed_ago=timedelta(days=10))
    recent = await factory.booking(party, status=S.CONFIRMED, starts_in=timedelta(days=12))
    gone = await outbox.purge(engine, now=factory.clock.now(), retention=timedelta(days=3))
    assert gone >= 2
    kept = {
        row["booking_id"]
        for row in await db.fetch(
            "SELECT booking_id FROM booking_events WHERE booking_id = ANY($1::uuid[])",
            [old.id, recent.id],
        )
    }
    assert kept == {recent.id}
