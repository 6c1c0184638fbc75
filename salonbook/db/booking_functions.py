"""The functions through which the app role moves and soft-deletes a booking.

Like change_booking_status(), they run as the tables' owner: the app role may not update a
booking's times or deletion itself, so a move always comes with its append-only record and its
RESCHEDULED event, and a soft deletion with its DELETED event, in the same statement."""

from __future__ import annotations

from salonbook.db.guards import DEFINER
from salonbook.domain.changes import RESCHEDULABLE

RESCHEDULE_SIGNATURE = (
    "reschedule_booking(uuid, timestamptz, timestamptz, uuid, text, text, inet, text, timestamptz)"
)
SOFT_DELETE_SIGNATURE = "soft_delete_booking(uuid, uuid, text, timestamptz)"

_RESCHEDULABLE = ", ".join(f"'{status}'" for status in RESCHEDULABLE)

RESCHEDULE_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION reschedule_booking(
    p_booking_id uuid, p_start timestamptz, p_end timestamptz, p_actor_id uuid,
    p_actor_role text, p_reason text, p_ip inet, p_user_agent text, p_at timestamptz
) RETURNS bigint
LANGUAGE plpgsql {DEFINER} AS $$
DECLARE
    v_old bookings;
    v_record_id bigint;
BEGIN
    SELECT * INTO v_old FROM bookings b
    WHERE b.id = p_booking_id AND b.deleted_at IS NULL FOR UPDATE;
    IF NOT FOUND OR v_old.status NOT IN ({_RESCHEDULABLE}) THEN
        RAISE EXCEPTION 'booking % cannot be rescheduled', p_booking_id
            USING ERRCODE = 'check_violation';
    END IF;
    UPDATE bookings b SET
        start_time = p_start, end_time = p_end, version = b.version + 1, updated_at = p_at
    WHERE b.id = p_booking_id;
    INSERT INTO booking_reschedules AS r (
        booking_id, old_start, old_end, new_start, new_end, actor_id, actor_role, reason,
        ip_address, user_agent, created_at
    ) VALUES (
        p_booking_id, v_old.start_time, v_old.end_time, p_start, p_end, p_actor_id,
        p_actor_role, p_reason, p_ip, p_user_agent, p_at
    ) RETURNING r.id INTO v_record_id;
    INSERT INTO booking_events (
        booking_id, stylist_id, customer_id, kind, reschedule_id, occurred_at
    ) VALUES (
        p_booking_id, v_old.stylist_id, v_old.customer_id, 'RESCHEDULED', v_record_id, p_at
    );
    RETURN v_record_id;
END;
$$;
"""

SOFT_DELETE_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION soft_delete_booking(
    p_booking_id uuid, p_actor_id uuid, p_reason text, p_at timestamptz
) RETURNS void
LANGUAGE plpgsql {DEFINER} AS $$
DECLARE
    v_stylist uuid;
    v_customer uuid;
BEGIN
    UPDATE bookings b SET
        deleted_at = p_at, deleted_by = p_actor_id, delete_reason = p_reason,
        version = b.version + 1, updated_at = p_at
    WHERE b.id = p_booking_id AND b.deleted_at IS NULL
    RETURNING b.stylist_id, b.customer_id INTO v_stylist, v_customer;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'booking % is not there to delete', p_booking_id
            USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO booking_events (booking_id, stylist_id, customer_id, kind, occurred_at)
    VALUES (p_booking_id, v_stylist, v_customer, 'DELETED', p_at);
END;
$$;
"""


def repeatable_sql() -> list[str]:
    """Re-applied with the guards after every migration run that ends at head."""
    return [RESCHEDULE_FUNCTION_SQL, SOFT_DELETE_FUNCTION_SQL]
