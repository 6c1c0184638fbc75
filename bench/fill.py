"""Filling the bookings table fast (generate_series), through the database guards.

Every booking is inserted PENDING at version 1 (what the INSERT guard demands). Then, one
transition at a time (CONFIRM or CANCEL; START, MARK_NO_SHOW or CANCEL; COMPLETE), each step
first inserts its audit rows in booking_status_history and then moves the bookings in one
UPDATE whose SET clause points `salonbook.status_change` at the row's own audit row, so the
bookings_guard trigger checks every changed row against its audit row, as it does for
change_booking_status(). No trigger is disabled. The outbox (booking_events) is not filled:
nothing here reads it, and its NOTIFY per row would only flood the channel.

Each stylist works 8 one-hour slots a day (09:00-17:00 UTC), every day, so no two of their
bookings overlap; about three quarters of the days lie in the past."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salonbook.db.guards import STATUS_CHANGE_SETTING
from salonbook.domain.system_actors import PAYMENTS

SLOTS_PER_DAY = 8
BOOKINGS_PER_STYLIST = 2_000
CUSTOMERS_PER_STYLIST = 40


@dataclass(frozen=True)
class Size:
    stylists: int
    per_stylist: int
    customers: int

    @classmethod
    def of(cls, bookings: int, *, stylists: int | None = None) -> Size:
        """`bookings` over `stylists` (by default one per BOOKINGS_PER_STYLIST bookings)."""
        stylists = stylists or max(1, bookings // BOOKINGS_PER_STYLIST)
        return cls(stylists, bookings // stylists, stylists * CUSTOMERS_PER_STYLIST)

    @property
    def days(self) -> int:
        return -(-self.per_stylist // SLOTS_PER_DAY)


_PEOPLE = """
INSERT INTO people (id, role, display_name, email, created_at, updated_at)
SELECT gen_random_uuid(), $1::text, $2::text || n, 'fill' || n || '@example.invalid', now(), now()
FROM generate_series(1, $3::int) AS n
"""
_SERVICES = """
INSERT INTO services (id, name, duration_minutes, price_cents, currency, active,
                      created_at, updated_at)
SELECT gen_random_uuid(), 'Fill service ' || n, 30 + 10 * (n % 4), 2500 + 500 * n, 'EUR', true,
       now(), now()
FROM generate_series(1, 6) AS n
"""
# $1 bookings per stylist, $2 the first day (a date, UTC)
_BOOKINGS = """
WITH stylist AS (
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM people
    WHERE role = 'stylist' AND display_name LIKE 'Fill stylist %'
), customer AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM people
    WHERE role = 'customer' AND display_name LIKE 'Fill customer %'
), service AS (
    SELECT array_agg(id ORDER BY name) AS ids, array_agg(duration_minutes ORDER BY name) AS mins,
           array_agg(price_cents ORDER BY name) AS cents
    FROM services WHERE name LIKE 'Fill service %'
), slot AS (
    SELECT s.id AS stylist_id, s.n, k,
           ($2::date + (k / 8) * interval '1 day' + (9 + k % 8) * interval '1 hour')
               AT TIME ZONE 'UTC' AS start_time,
           1 + (s.n + k) % 6 AS service_no
    FROM stylist s CROSS JOIN generate_series(0, $1::int - 1) AS k
)
INSERT INTO bookings (id, customer_id, stylist_id, service_id, start_time, end_time, status,
                      price_cents, currency, version, status_changed_at, created_at, updated_at)
SELECT gen_random_uuid(),
       c.ids[1 + (slot.n * 7919 + slot.k * 104729) % cardinality(c.ids)],
       slot.stylist_id, sv.ids[slot.service_no], slot.start_time,
       slot.start_time + sv.mins[slot.service_no] * interval '1 minute', 'PENDING',
       sv.cents[slot.service_no], 'EUR', 1, slot.start_time - interval '14 days',
       slot.start_time - interval '14 days', slot.start_time - interval '14 days'
FROM slot, customer c, service sv
"""
# Each step: which PENDING/… bookings move, by action, with which actor. `h` is a hash in
# 0..99 of the booking id, so the statuses spread evenly over stylists and days.
_PAST = "b.end_time < now()"
_NOW = "b.start_time <= now() AND b.end_time >= now()"
_STEPS: list[tuple[str, str, str, str, str]] = [
    # (action, from, to, who (SQL for actor_id, actor_role), which bookings)
    ("CONFIRM", "PENDING", "CONFIRMED", f"'{PAYMENTS.person_id}'::uuid, 'system'",
     f"(({_PAST} OR {_NOW}) AND h >= 3) OR (NOT ({_PAST} OR {_NOW}) AND h >= 30)"),
    ("CANCEL", "PENDING", "CANCELLED", f"'{PAYMENTS.person_id}'::uuid, 'system'",
     f"({_PAST} AND h < 3) OR (NOT ({_PAST} OR {_NOW}) AND h < 5)"),
    ("START", "CONFIRMED", "IN_PROGRESS", "b.stylist_id, 'stylist'",
     f"({_PAST} AND h >= 15) OR {_NOW}"),
    ("MARK_NO_SHOW", "CONFIRMED", "NO_SHOW", "b.stylist_id, 'stylist'", f"{_PAST} AND h < 8"),
    ("CANCEL", "CONFIRMED", "CANCELLED", "b.customer_id, 'customer'",
     f"({_PAST} AND h >= 8 AND h < 15) OR (NOT ({_PAST} OR {_NOW}) AND h >= 90)"),
    ("COMPLETE", "IN_PROGRESS", "COMPLETED", "b.stylist_id, 'stylist'", _PAST),
]  # fmt: skip
_AUDIT = """
INSERT INTO booking_status_history (booking_id, action, from_status, to_status, actor_id,
                                    actor_role, reason, user_agent, created_at)
SELECT b.id, '{action}', '{source}', '{target}', {who}, {reason}, 'bench fill',
       least(now(), b.start_time - interval '14 days' + (b.version * interval '1 hour'))
FROM (SELECT *, abs(hashtext(id::text)) % 100 AS h FROM bookings) b
WHERE b.status = '{source}' AND ({which})
"""
_MOVE = """
UPDATE bookings b SET
    status = h.to_status || left(set_config('{setting}', h.id::text, true), 0),
    version = b.version + 1,
    status_changed_at = h.created_at,
    updated_at = h.created_at,
    cancel_reason = CASE WHEN h.to_status IN ('CANCELLED', 'NO_SHOW') THEN h.reason END,
    cancel_actor_role = CASE WHEN h.to_status IN ('CANCELLED', 'NO_SHOW') THEN h.actor_role END,
    refund_policy = {refund_policy},
    refund_cents = {refund_cents}
FROM booking_status_history h
WHERE h.id > $1::bigint AND h.booking_id = b.id AND b.status = h.from_status
"""
_REFUNDS = {
    ("PENDING", "CANCELLED"): ("'NOT_CHARGED'", "0"),
    ("CONFIRMED", "CANCELLED"): ("'FULL_REFUND'", "b.price_cents"),
    ("CONFIRMED", "NO_SHOW"): ("'NO_REFUND'", "0"),
}


async def fill(
    connection: Any, bookings: int, *, log: Any = print, stylists: int | None = None
) -> Size:
    """Add about `bookings` bookings (with their audit rows) in one transaction, then ANALYZE;
    over `stylists` stylists if given (else Size.of's). `connection` is an asyncpg
    connection."""
    size = Size.of(bookings, stylists=stylists)
    async with connection.transaction():
        await connection.execute(_PEOPLE, "stylist", "Fill stylist ", size.stylists)
        await connection.execute(_PEOPLE, "customer", "Fill customer ", size.customers)
        await connection.execute(_SERVICES)
        first_day = await connection.fetchval(
            "SELECT (now() AT TIME ZONE 'UTC')::date - $1::int", size.days * 3 // 4
        )
        await connection.execute(_BOOKINGS, size.per_stylist, first_day)
        log(f"  {size.stylists * size.per_stylist:,} bookings inserted PENDING")
        for action, source, target, who, which in _STEPS:
            reason = "'bench fill'" if action in ("CANCEL", "MARK_NO_SHOW") else "NULL"
            last = await connection.fetchval(
                "SELECT coalesce(max(id), 0) FROM booking_status_history"
            )
            await connection.execute(
                _AUDIT.format(action=action, source=source, target=target, who=who,
                              reason=reason, which=which)
            )  # fmt: skip
            policy, cents = _REFUNDS.get((source, target), ("NULL", "NULL"))
            moved = await connection.execute(
                _MOVE.format(setting=STATUS_CHANGE_SETTING, refund_policy=policy,
                             refund_cents=cents),
                last,
            )  # fmt: skip
            log(f"  {action} {source} → {target}: {moved}")
        await connection.execute(f"SELECT set_config('{STATUS_CHANGE_SETTING}', '', true)")
    await connection.execute("VACUUM (ANALYZE) bookings, booking_status_history, people")
    return size
