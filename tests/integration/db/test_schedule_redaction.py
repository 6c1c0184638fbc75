"""Erasing a person reaches working time too: the reasons of a stylist's time off and of the
schedule changes about them, what the person wrote there (time off, closures, schedule
changes), and the IP addresses and user agents of their own schedule changes; nothing else of
those rows, and nothing of anyone else's."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from salonbook.db.redaction import REDACTED
from tests.support.factory import Factory

ERASE = "SELECT erase_person_data($1, $2, $3, $4)"
CHANGE = """INSERT INTO schedule_changes (kind, stylist_id, actor_id, actor_role, reason,
    ip_address, user_agent, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())"""
CHANGES = """SELECT stylist_id, actor_id, reason, host(ip_address) AS ip, user_agent
    FROM schedule_changes WHERE actor_id = ANY($1::uuid[]) ORDER BY id"""
ABSENCE = """INSERT INTO {table} (id, {stylist}start_time, end_time, reason, created_by,
    created_at) VALUES ($1, {place}$2, $3, $4, $5, now())"""


async def test_working_time_loses_the_persons_words_addresses_and_agents(
    db: Any, factory: Factory
) -> None:
    party = await factory.party()
    stylist, admin, other = party.stylist, party.admin, party.other_stylist
    start = factory.clock.now() + timedelta(days=1000 + uuid.uuid4().int % 10_000)
    time_off = ABSENCE.format(table="time_off", stylist="stylist_id, ", place="$6, ")
    closure = ABSENCE.format(table="closures", stylist="", place="")
    theirs, others = uuid.uuid4(), uuid.uuid4()
    await db.execute(time_off, theirs, start, start + timedelta(hours=1), "dentist", admin.id,
                     stylist.id)  # fmt: skip
    await db.execute(time_off, others, start, start + timedelta(hours=1), "wedding", admin.id,
                     other.id)  # fmt: skip
    await db.execute(closure, uuid.uuid4(), start, start + timedelta(hours=1), "flood", admin.id)
    await db.execute(CHANGE, "TIME_OFF_ADDED", stylist.id, stylist.id, "stylist", "dentist",
                     "192.0.2.40", "stylist/1")  # fmt: skip
    await db.execute(CHANGE, "WORKING_HOURS_SET", stylist.id, admin.id, "admin", "new rota",
                     "192.0.2.41", "admin/1")  # fmt: skip
    await db.execute(CHANGE, "TIME_OFF_ADDED", other.id, admin.id, "admin", "wedding",
                     "192.0.2.41", "admin/1")  # fmt: skip

    redacted = await db.fetchval(ERASE, stylist.id, admin.id, "leaver", factory.clock.now())

    counts = json.loads(redacted)
    assert (counts["schedule_changes"], counts["time_off"], counts["closures"]) == (2, 1, 0)
    reasons = await db.fetch("SELECT id, reason FROM time_off WHERE id = ANY($1::uuid[])",
                             [theirs, others])  # fmt: skip
    assert {row["id"]: row["reason"] for row in reasons} == {theirs: REDACTED, others: "wedding"}
    assert [dict(row) for row in await db.fetch(CHANGES, [stylist.id, admin.id])] == [
        # their own change: words, address and agent gone
        {"stylist_id": stylist.id, "actor_id": stylist.id, "reason": REDACTED, "ip": None,
         "user_agent": None},
        # the admin's change about them: the words gone, the admin's address and agent kept
        {"stylist_id": stylist.id, "actor_id": admin.id, "reason": REDACTED,
         "ip": "192.0.2.41", "user_agent": "admin/1"},
        # the admin's change about someone else: untouched
        {"stylist_id": other.id, "actor_id": admin.id, "reason": "wedding", "ip": "192.0.2.41",
         "user_agent": "admin/1"},
    ]  # fmt: skip

    again = json.loads(await db.fetchval(ERASE, admin.id, admin.id, "leaver", factory.clock.now()))
    assert (again["schedule_changes"], again["time_off"], again["closures"]) == (2, 1, 1)
    assert await db.fetchval("SELECT reason FROM time_off WHERE id = $1", others) == REDACTED
    rows = await db.fetch(CHANGES, [admin.id])
    assert {(row["reason"], row["ip"], row["user_agent"]) for row in rows} == {
        (REDACTED, None, None)
    }
