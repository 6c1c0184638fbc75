"""SQL of the database guards of working time: a booking's busy span, and time off and closures
that are removed by marking, never rewritten.

A booking holds its stylist from its start to `busy_until`, its end plus the buffer its service
had when it was made. The trigger below writes `busy_until` on every insert from the service's
buffer, and on every move keeps the booking's own buffer (busy_until - end_time), so no writer
(the API, a bench fill, an owner's script) can get it wrong or leave it out, and a later change
of the service's buffer never moves old bookings."""

from __future__ import annotations

from salonbook.db.guards import ERASURE_SETTING, REDACTED_NOTE

BUSY_UNTIL_FUNCTION = "bookings_busy_until()"

BUSY_UNTIL_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION bookings_busy_until() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.busy_until := NEW.end_time + make_interval(mins => coalesce(
            (SELECT s.buffer_minutes FROM services s WHERE s.id = NEW.service_id), 0));
    ELSE
        NEW.busy_until := NEW.end_time + (OLD.busy_until - OLD.end_time);
    END IF;
    RETURN NEW;
END;
$$;
"""

BUSY_UNTIL_TRIGGER_SQL = """
CREATE TRIGGER bookings_busy_until BEFORE INSERT OR UPDATE OF end_time, busy_until ON bookings
    FOR EACH ROW EXECUTE FUNCTION bookings_busy_until()"""

ABSENCE_GUARD_FUNCTION = "absence_guard()"

ABSENCE_GUARD_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION absence_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- time off and closures are audited (schedule_changes): the one change to a row is its
    -- removal, once, and the row stays
    IF TG_OP = 'UPDATE' AND OLD.removed_at IS NULL
       AND NEW.removed_at IS NOT NULL AND NEW.removed_by IS NOT NULL
       AND to_jsonb(NEW) - 'removed_at' - 'removed_by'
           = to_jsonb(OLD) - 'removed_at' - 'removed_by'
    THEN
        RETURN NEW;
    END IF;
    -- and erasing a person (erase_person_data()), which blanks a reason and nothing else
    IF TG_OP = 'UPDATE' AND current_setting('{ERASURE_SETTING}', true) = 'on'
       AND NEW.reason = '{REDACTED_NOTE}'
       AND to_jsonb(NEW) - 'reason' = to_jsonb(OLD) - 'reason'
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% rows are only ever marked removed: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def absence_triggers_sql(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_guard BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION absence_guard()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()""",
    ]


def repeatable_sql() -> list[str]:
    """Re-applied with the other guards after every migration run that ends at head."""
    return [BUSY_UNTIL_FUNCTION_SQL, ABSENCE_GUARD_FUNCTION_SQL]
