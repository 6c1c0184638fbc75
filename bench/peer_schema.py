"""The PostGraphile peer's SQL: a schema `peer` beside salonbook's, installed by the bench.

The write: copies of salonbook's three tables a status change touches (`peer.bookings`,
`peer.booking_status_history`, `peer.booking_events`: same columns, defaults, checks, indexes,
exclusion constraint and foreign keys), with the same triggers (the bookings guard, derived
from salonbook's own SQL; append-only history; the NOTIFY on each event, on a channel of its
own so that salonbook's server does not hear the peer's changes), and one function,
`peer.transition_booking(booking_id, action)`, that does in one statement what salonbook's
status change does: the caller's stored role (from the claims' `sub`), lock the row NOWAIT, the
transition table's permit (action, status, role, own booking, reason), the audit row, the
update checked by the guard, the outbox event and its NOTIFY, and a NOTIFY on the stylist's
topic for the peer's bookingEvents subscription (bench/live_peer.py).

The read: `peer.stylist_week(stylist_id, starts_after, starts_before)`, a STABLE SQL function
over salonbook's own `public.bookings` (inlined by PostgreSQL, so the same index scan on
`bookings_by_stylist` as salonbook's page), visible as salonbook's page is to the caller's
stored role; PostGraphile serves customer, stylist, service and history through relations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from bench.workload import Chair
from salonbook.db import guards

TABLES = ("bookings", "booking_status_history", "booking_events")
EVENTS_CHANNEL = "peer_booking_events"
TOPIC_PREFIX = "peer_stylist:"
"""The status change's NOTIFY topic, the stylist's id after it: what the peer's bookingEvents
subscription listens to (a channel per stylist, PostGraphile's pattern for filtered topics)."""


def _replaced(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced once: salonbook's SQL must still read as it did."""
    if text.count(old) != 1:
        raise RuntimeError(f"salonbook's guard SQL changed: {old!r} not found once")
    return text.replace(old, new)


def _guard_sql() -> str:
    sql = guards.booking_guard_function_sql()
    sql = _replaced(sql, "FUNCTION bookings_guard()", "FUNCTION peer.bookings_guard()")
    return _replaced(sql, "FROM booking_status_history h", "FROM peer.booking_status_history h")


def _notify_sql() -> str:
    sql = guards.NOTIFY_EVENT_FUNCTION_SQL
    sql = _replaced(sql, "FUNCTION notify_booking_event()", "FUNCTION peer.notify_booking_event()")
    return _replaced(sql, f"'{guards.EVENTS_CHANNEL}'", f"'{EVENTS_CHANNEL}'")


_TRANSITION_SQL = f"""
CREATE FUNCTION peer.transition_booking(booking_id uuid, action text, reason text DEFAULT NULL)
RETURNS peer.booking_status_history
LANGUAGE plpgsql VOLATILE {guards.DEFINER} AS $$
DECLARE
    v_actor uuid := nullif(current_setting('jwt.claims.sub', true), '')::uuid;
    v_role text;
    v_booking peer.bookings;
    v_to text;
    v_own boolean;
    v_owner uuid;
    v_reason_required boolean;
    v_change peer.booking_status_history;
    v_at timestamptz := now();
    v_event_id bigint;
BEGIN
    IF v_actor IS NULL THEN
        RAISE EXCEPTION 'sign in first' USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- what the caller may do is their stored role, as in salonbook (not the token's claim)
    SELECT p.role INTO v_role FROM people p WHERE p.id = v_actor AND p.erased_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown person %', v_actor USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v_booking FROM peer.bookings b
    WHERE b.id = transition_booking.booking_id AND b.deleted_at IS NULL
    FOR UPDATE NOWAIT;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no booking %', transition_booking.booking_id
            USING ERRCODE = 'no_data_found';
    END IF;
    SELECT p.target, p.own, p.reason_required INTO v_to, v_own, v_reason_required
    FROM (VALUES {guards._permits_sql()}) AS p (action, source, target, role, own, reason_required)
    WHERE p.action = transition_booking.action AND p.source = v_booking.status
      AND p.role = v_role;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no transition % from % for a %', transition_booking.action,
            v_booking.status, v_role USING ERRCODE = 'check_violation';
    END IF;
    IF v_reason_required AND (reason IS NULL OR reason !~ '\\S') THEN
        RAISE EXCEPTION '% by a % needs a reason', transition_booking.action, v_role
            USING ERRCODE = 'check_violation';
    END IF;
    v_owner := CASE v_role WHEN 'customer' THEN v_booking.customer_id
        ELSE v_booking.stylist_id END;
    IF v_own AND v_actor IS DISTINCT FROM v_owner THEN
        RAISE EXCEPTION '% is not the booking''s own %', v_actor, v_role
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO peer.booking_status_history AS h (
        booking_id, action, from_status, to_status, actor_id, actor_role, reason,
        ip_address, user_agent, created_at
    ) VALUES (
        v_booking.id, transition_booking.action, v_booking.status, v_to, v_actor, v_role,
        reason, nullif(current_setting('request.ip', true), '')::inet,
        nullif(current_setting('request.user_agent', true), ''), v_at
    ) RETURNING h.* INTO v_change;
    PERFORM set_config('{guards.STATUS_CHANGE_SETTING}', v_change.id::text, true);
    UPDATE peer.bookings b SET
        status = v_to,
        version = b.version + 1,
        status_changed_at = v_at,
        updated_at = v_at,
        cancel_reason = CASE WHEN v_to IN ('CANCELLED', 'NO_SHOW') THEN reason END,
        cancel_actor_role = CASE WHEN v_to IN ('CANCELLED', 'NO_SHOW') THEN v_role END,
        refund_policy = NULL,
        refund_cents = NULL
    WHERE b.id = v_booking.id;
    PERFORM set_config('{guards.STATUS_CHANGE_SETTING}', '', true);
    INSERT INTO peer.booking_events (
        booking_id, stylist_id, customer_id, kind, status_change_id, occurred_at
    ) VALUES (
        v_booking.id, v_booking.stylist_id, v_booking.customer_id, 'STATUS_CHANGED',
        v_change.id, v_at
    ) RETURNING id INTO v_event_id;
    -- PostGraphile's subscription (bench/peers/postgraphile/server.mjs) listens on the
    -- stylist's topic; delivered at commit, in commit order
    PERFORM pg_notify(
        '{TOPIC_PREFIX}' || v_booking.stylist_id::text,
        json_build_object('id', v_event_id, 'kind', 'STATUS_CHANGED',
                          'bookingId', v_booking.id, 'status', v_to,
                          'version', v_booking.version + 1)::text
    );
    RETURN v_change;
END;
$$
"""

_WEEK_SQL = """
CREATE FUNCTION peer.stylist_week(
    stylist_id uuid, starts_after timestamptz, starts_before timestamptz
) RETURNS SETOF public.bookings
LANGUAGE sql STABLE AS $$
    SELECT b.* FROM public.bookings b
    WHERE b.deleted_at IS NULL
      AND b.stylist_id = stylist_week.stylist_id
      AND b.start_time >= stylist_week.starts_after
      AND b.start_time < stylist_week.starts_before
      -- visible as salonbook's page is (db/bookings.py: visible_to), to the stored role
      AND CASE (SELECT p.role FROM public.people p
                WHERE p.id = nullif(current_setting('jwt.claims.sub', true), '')::uuid
                  AND p.erased_at IS NULL)
            WHEN 'stylist' THEN b.stylist_id
                = nullif(current_setting('jwt.claims.sub', true), '')::uuid
            WHEN 'customer' THEN b.customer_id
                = nullif(current_setting('jwt.claims.sub', true), '')::uuid
            WHEN 'admin' THEN true
            WHEN 'system' THEN true
            ELSE false
          END
    ORDER BY b.start_time, b.id
$$
"""

_TRIGGERS = [
    """CREATE TRIGGER bookings_guard BEFORE INSERT OR UPDATE ON peer.bookings
        FOR EACH ROW EXECUTE FUNCTION peer.bookings_guard()""",
    """CREATE TRIGGER booking_status_history_append_only
        BEFORE UPDATE OR DELETE ON peer.booking_status_history
        FOR EACH ROW EXECUTE FUNCTION public.refuse_change()""",
    """CREATE TRIGGER booking_status_history_no_truncate
        BEFORE TRUNCATE ON peer.booking_status_history
        FOR EACH STATEMENT EXECUTE FUNCTION public.refuse_change()""",
    """CREATE TRIGGER booking_events_notify AFTER INSERT ON peer.booking_events
        FOR EACH ROW EXECUTE FUNCTION peer.notify_booking_event()""",
]
# PostGraphile prefixes clashing type names with their schema's (PublicBooking, and Booking for
# the copy): the copies are named for what they are.
_SMART_TAGS = [
    "COMMENT ON TABLE peer.bookings IS E'@name peer_bookings'",
    "COMMENT ON TABLE peer.booking_status_history IS E'@name peer_booking_status_history'",
]

_FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text AS table_name, c.conname, pg_get_constraintdef(c.oid) AS def
FROM pg_constraint c
WHERE c.contype = 'f' AND c.conrelid = ANY($1::regclass[])
ORDER BY c.conrelid::regclass::text, c.conname
"""


async def _copy_foreign_keys(connection: Any) -> None:
    """salonbook's foreign keys on the copied tables, pointing at the copies where they point
    at a copied table, else at salonbook's tables (people, services, notes, reschedules)."""
    for row in await connection.fetch(_FOREIGN_KEYS, list(TABLES)):
        definition = re.sub(
            r"REFERENCES (\w+)\(",
            lambda m: f"REFERENCES {'peer' if m[1] in TABLES else 'public'}.{m[1]}(",
            row["def"],
        )
        await connection.execute(
            f'ALTER TABLE peer.{row["table_name"]} ADD CONSTRAINT "{row["conname"]}" {definition}'
        )


async def install(dsn: str) -> None:
    """The peer schema, its tables, triggers and functions (after salonbook's migrations)."""
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction():
            await connection.execute("SET LOCAL search_path = public")
            await connection.execute("CREATE SCHEMA peer")
            for table in TABLES:
                await connection.execute(
                    f"CREATE TABLE peer.{table} (LIKE public.{table} INCLUDING ALL)"
                )
            await _copy_foreign_keys(connection)
            for statement in [_guard_sql(), _notify_sql(), *_TRIGGERS, _TRANSITION_SQL,
                              _WEEK_SQL, *_SMART_TAGS]:  # fmt: skip
                await connection.execute(statement)
    finally:
        await connection.close()


_COPY_BOOKINGS = """
INSERT INTO peer.bookings (
    id, customer_id, stylist_id, service_id, start_time, end_time, busy_until, price_cents,
    currency, status_changed_at, created_at, updated_at
)
SELECT id, customer_id, stylist_id, service_id, start_time, end_time, busy_until, price_cents,
    currency, status_changed_at, created_at, updated_at
FROM public.bookings WHERE id = ANY($1::uuid[])
"""


async def copy_chairs(dsn: str, chairs: Sequence[Chair], *, system_id: Any) -> None:
    """The chairs' bookings copied into the peer's table, same ids, and confirmed there by the
    system actor through peer.transition_booking() itself (a booking starts PENDING)."""
    connection = await asyncpg.connect(dsn)
    try:
        ids = [chair.booking_id for chair in chairs]
        async with connection.transaction():
            await connection.execute(_COPY_BOOKINGS, ids)
            await connection.execute("SELECT set_config('jwt.claims.sub', $1, true)",
                                     str(system_id))  # fmt: skip
            for booking_id in ids:
                await connection.execute(
                    "SELECT peer.transition_booking($1, 'CONFIRM')", booking_id
                )
    finally:
        await connection.close()


async def copy_pending(dsn: str, booking_ids: Sequence[Any]) -> None:
    """salonbook's PENDING bookings copied into the peer's table, same ids, still PENDING (the
    realtime side by side confirms each copy through the peer's own mutation)."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(_COPY_BOOKINGS, list(booking_ids))
    finally:
        await connection.close()
