"""SQL of the database guards that are derived from the domain (never typed twice)."""

from __future__ import annotations

from salonbook.domain.statuses import BookingStatus, ReasonRule
from salonbook.domain.transitions import TRANSITIONS, allowed_status_pairs

STATUS_CHANGE_SETTING = "salonbook.status_change"

DEFINER = "SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp"
"""How the functions the app role calls run: as their owner (the app role has no other way to
write what they write), on a search path no caller can put objects in front of (pg_temp last,
or it would be searched first)."""


def _pairs_sql() -> str:
    pairs = sorted(allowed_status_pairs())
    return ", ".join(f"('{source}', '{target}')" for source, target in pairs)


def _permits_sql() -> str:
    """Every (action, from, to, role, own, reason required) of the transition table."""
    rows = sorted(
        (t.action, t.source, t.target, p.role, p.own, p.reason is ReasonRule.REQUIRED)
        for t in TRANSITIONS
        for p in t.permits
    )
    return ", ".join(
        f"('{action}', '{source}', '{target}', '{role}', {_sql_bool(own)}, {_sql_bool(required)})"
        for action, source, target, role, own, required in rows
    )


def _sql_bool(value: bool) -> str:
    return "true" if value else "false"


def statuses_sql() -> str:
    return ", ".join(f"'{status}'" for status in BookingStatus)


def booking_guard_function_sql() -> str:
    """The trigger function that keeps `bookings.status` on the transition table, makes a
    status change impossible without its audit row, and every change a new version."""
    return f"""
CREATE OR REPLACE FUNCTION bookings_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    change_id bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'PENDING' OR NEW.version <> 1 THEN
            RAISE EXCEPTION 'a booking starts PENDING at version 1'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF (OLD.status, NEW.status) NOT IN ({_pairs_sql()}) THEN
            RAISE EXCEPTION 'illegal booking status transition % -> %', OLD.status, NEW.status
                USING ERRCODE = 'check_violation';
        END IF;
        change_id := nullif(current_setting('{STATUS_CHANGE_SETTING}', true), '')::bigint;
        IF change_id IS NULL OR NOT EXISTS (
            SELECT 1 FROM booking_status_history h
            WHERE h.id = change_id AND h.booking_id = NEW.id
              AND h.from_status = OLD.status AND h.to_status = NEW.status
        ) THEN
            RAISE EXCEPTION 'bookings.status changes only through change_booking_status()'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF NEW.version <> OLD.version + 1 THEN
        -- a reader that decided on a version must see any change as a newer one
        -- (change_booking_status_at_version() relies on it)
        RAISE EXCEPTION 'every change adds exactly 1 to a booking version'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
"""


CHANGE_STATUS_SIGNATURE = (
    "change_booking_status(uuid, text, text, text, uuid, text, text, inet, text, timestamptz,"
    " text, integer)"
)


def change_status_function_sql() -> str:
    """The one status-change path. It runs as the tables' owner: the app role may neither
    update `bookings.status` nor insert audit rows, so whoever holds it can change a status
    only here, and only as a row of the transition table permits (action, statuses, the
    actor's role, the booking's own customer or stylist, a reason where one is required)."""
    return f"""
CREATE OR REPLACE FUNCTION change_booking_status(
    p_booking_id uuid, p_action text, p_from text, p_to text,
    p_actor_id uuid, p_actor_role text, p_reason text, p_ip inet, p_user_agent text,
    p_at timestamptz, p_refund_policy text, p_refund_cents integer
) RETURNS TABLE (history_id bigint, event_id bigint, new_version integer)
LANGUAGE plpgsql {DEFINER} AS $$
DECLARE
    v_customer uuid;
    v_stylist uuid;
    v_own boolean;
    v_owner uuid;
    v_reason_required boolean;
BEGIN
    SELECT p.own, p.reason_required INTO v_own, v_reason_required
    FROM (VALUES {_permits_sql()}) AS p (action, source, target, role, own, reason_required)
    WHERE p.action = p_action AND p.source = p_from AND p.target = p_to
      AND p.role = p_actor_role;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no transition % % -> % for a %', p_action, p_from, p_to, p_actor_role
            USING ERRCODE = 'check_violation';
    END IF;
    IF v_reason_required AND (p_reason IS NULL OR p_reason !~ '\\S') THEN
        RAISE EXCEPTION '% by a % needs a reason', p_action, p_actor_role
            USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO booking_status_history AS h (
        booking_id, action, from_status, to_status, actor_id, actor_role, reason,
        ip_address, user_agent, created_at
    ) VALUES (
        p_booking_id, p_action, p_from, p_to, p_actor_id, p_actor_role, p_reason,
        p_ip, p_user_agent, p_at
    ) RETURNING h.id INTO history_id;
    PERFORM set_config('{STATUS_CHANGE_SETTING}', history_id::text, true);
    UPDATE bookings b SET
        status = p_to,
        version = b.version + 1,
        status_changed_at = p_at,
        updated_at = p_at,
        cancel_reason = CASE WHEN p_to IN ('CANCELLED', 'NO_SHOW') THEN p_reason END,
        cancel_actor_role = CASE WHEN p_to IN ('CANCELLED', 'NO_SHOW') THEN p_actor_role END,
        refund_policy = p_refund_policy,
        refund_cents = p_refund_cents
    WHERE b.id = p_booking_id AND b.status = p_from AND b.deleted_at IS NULL
    RETURNING b.version, b.customer_id, b.stylist_id INTO new_version, v_customer, v_stylist;
    PERFORM set_config('{STATUS_CHANGE_SETTING}', '', true);
    IF new_version IS NULL THEN
        RAISE EXCEPTION 'booking % is not %', p_booking_id, p_from
            USING ERRCODE = 'serialization_failure';
    END IF;
    v_owner := CASE p_actor_role WHEN 'customer' THEN v_customer ELSE v_stylist END;
    IF v_own AND p_actor_id IS DISTINCT FROM v_owner THEN
        RAISE EXCEPTION '% is not the booking''s own %', p_actor_id, p_actor_role
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO booking_events AS e (
        booking_id, stylist_id, customer_id, kind, status_change_id, occurred_at
    ) VALUES (
        p_booking_id, v_stylist, v_customer, 'STATUS_CHANGED', history_id, p_at
    ) RETURNING e.id INTO event_id;
    RETURN NEXT;
END;
$$;
"""


CHANGE_AT_VERSION_SIGNATURE = (
    "change_booking_status_at_version(uuid, integer, text, text, text, uuid, text, text, inet,"
    " text, timestamptz, text, integer)"
)
CHANGE_AT_VERSION_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION change_booking_status_at_version(
    p_booking_id uuid, p_version integer, p_action text, p_from text, p_to text,
    p_actor_id uuid, p_actor_role text, p_reason text, p_ip inet, p_user_agent text,
    p_at timestamptz, p_refund_policy text, p_refund_cents integer
) RETURNS TABLE (booking bookings, change booking_status_history)
LANGUAGE plpgsql {DEFINER} AS $$
DECLARE
    v_history_id bigint;
BEGIN
    -- the caller decided on the booking as it was at p_version: lock it without waiting
    -- (55P03 if held), and only if it is still at that version (every change adds 1)
    PERFORM 1 FROM bookings b
    WHERE b.id = p_booking_id AND b.version = p_version AND b.deleted_at IS NULL
    FOR UPDATE NOWAIT;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'booking % is no longer at version %', p_booking_id, p_version
            USING ERRCODE = 'serialization_failure';
    END IF;
    SELECT c.history_id INTO v_history_id FROM change_booking_status(
        p_booking_id, p_action, p_from, p_to, p_actor_id, p_actor_role, p_reason, p_ip,
        p_user_agent, p_at, p_refund_policy, p_refund_cents
    ) c;
    RETURN QUERY
        SELECT b, h FROM bookings b, booking_status_history h
        WHERE b.id = p_booking_id AND h.id = v_history_id;
END;
$$;
"""

EVENTS_CHANNEL = "salonbook_events"

NOTIFY_EVENT_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION notify_booking_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- only ids travel: listeners read the outbox row, so the payload stays tiny (a schedule
    -- change belongs to no booking)
    PERFORM pg_notify(
        '{EVENTS_CHANNEL}', NEW.id::text || ':' || coalesce(NEW.booking_id::text, '')
    );
    RETURN NULL;
END;
$$;
"""

APPEND_ONLY_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


ERASURE_SETTING = "salonbook.erasing"
REDACTED_NOTE = "[redacted]"

NOTES_GUARD_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION stylist_notes_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- notes are append-only; the one exception is erasing a person, which blanks the bodies
    -- of the notes about them and nothing else
    IF TG_OP = 'UPDATE'
       AND current_setting('{ERASURE_SETTING}', true) = 'on'
       AND NEW.body = '{REDACTED_NOTE}' AND NEW.redacted_at IS NOT NULL
       AND NEW.id = OLD.id AND NEW.booking_id = OLD.booking_id
       AND NEW.author_id = OLD.author_id AND NEW.created_at = OLD.created_at
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'stylist_notes is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def append_only_triggers_sql(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION refuse_change()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()""",
    ]


def repeatable_sql() -> list[str]:
    """Re-applied after every migration run (CREATE OR REPLACE), so the database's guard always
    matches the domain's transition table: the table is never typed into a migration."""
    return [
        booking_guard_function_sql(),
        APPEND_ONLY_FUNCTION_SQL,
        NOTES_GUARD_FUNCTION_SQL,
        NOTIFY_EVENT_FUNCTION_SQL,
        change_status_function_sql(),
        CHANGE_AT_VERSION_FUNCTION_SQL,
    ]
