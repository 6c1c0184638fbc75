"""Erasing a person: the one audited path that reaches every copy of their personal data.

erase_person_data() runs as the tables' owner (the app role may only call it) and, in one
transaction: replaces the person's name, email and phone with placeholders; on the person's
bookings (as customer or stylist) redacts the free text — status-change and reschedule reasons,
cancel and delete reasons, the bodies of the notes about a customer; redacts the IP addresses
and user agents of the person's own actions, and the reasons they wrote anywhere; replaces
idempotency keys of theirs (or of requests on their bookings) and the payment processor's event
ids of their bookings with digests (replays are still recognised); redacts the reasons of a
stylist's time off and of the schedule changes about them or by the person, the reasons of the
closures they added, and the IP addresses and user agents of their schedule changes; and
appends a row to
`person_erasures` (who, when, why, how much). Structure, times, statuses and actors' ids stay.
The append-only audit tables let this change through only while the erasure setting is on,
and only to the redacted values; the app role holds no UPDATE on them at all."""

from __future__ import annotations

import hashlib

from salonbook.db.guards import DEFINER, ERASURE_SETTING, REDACTED_NOTE

REDACTED = REDACTED_NOTE
ERASED_PREFIX = "erased:"
ERASED_NAME = "Erased person"
_REDACTABLE = "'{reason,ip_address,user_agent}'::text[]"


def erased_form(value: str) -> str:
    """What an idempotency key or a payment event id becomes when its person is erased: a
    digest, by which a replay is still recognised (the same expression as in SQL below)."""
    return ERASED_PREFIX + hashlib.sha256(value.encode()).hexdigest()


def _erased_sql(column: str) -> str:
    return f"'{ERASED_PREFIX}' || encode(sha256(convert_to({column}, 'UTF8')), 'hex')"


AUDIT_REDACTION_GUARD_SQL = f"""
CREATE OR REPLACE FUNCTION audit_redaction_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- append-only; the one exception is erasing a person, which blanks reasons, IPs and user
    -- agents and leaves everything else of the row as it was
    IF TG_OP = 'UPDATE'
       AND current_setting('{ERASURE_SETTING}', true) = 'on'
       AND to_jsonb(NEW) - {_REDACTABLE} = to_jsonb(OLD) - {_REDACTABLE}
       AND (NEW.reason IS NOT DISTINCT FROM OLD.reason OR NEW.reason = '{REDACTED}')
       AND (NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address OR NEW.ip_address IS NULL)
       AND (NEW.user_agent IS NOT DISTINCT FROM OLD.user_agent OR NEW.user_agent IS NULL)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

AUDITED_TABLES = ("booking_status_history", "booking_reschedules")


def audit_triggers_sql(table: str) -> list[str]:
    return [
        f"DROP TRIGGER {table}_append_only ON {table}",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION audit_redaction_guard()""",
    ]


def _redact_trail_sql(table: str, key: str) -> str:
    """Redact the audit rows of one table (status changes or reschedules): reasons on the
    person's bookings and wherever they wrote one; IPs and user agents of their own actions."""
    return f"""
    UPDATE {table} t SET
        reason = CASE WHEN t.reason IS NULL THEN NULL ELSE '{REDACTED}' END,
        ip_address = CASE WHEN t.actor_id = p_person THEN NULL ELSE t.ip_address END,
        user_agent = CASE WHEN t.actor_id = p_person THEN NULL ELSE t.user_agent END
    WHERE (t.booking_id = ANY (v_bookings) OR t.actor_id = p_person)
      AND (t.reason <> '{REDACTED}'
           OR (t.actor_id = p_person AND (t.ip_address IS NOT NULL OR t.user_agent IS NOT NULL)));
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_redacted := v_redacted || jsonb_build_object('{key}', v_count);"""


# Working time (migration 0008): the reasons of a stylist's time off and of the schedule
# changes about them, and whatever the person wrote there (time off, closures, schedule
# changes), and the IP addresses and user agents of their own schedule changes.
_REDACT_SCHEDULES_SQL = f"""
    UPDATE schedule_changes c SET
        reason = '{REDACTED}',
        ip_address = CASE WHEN c.actor_id = p_person THEN NULL ELSE c.ip_address END,
        user_agent = CASE WHEN c.actor_id = p_person THEN NULL ELSE c.user_agent END
    WHERE (c.stylist_id = p_person OR c.actor_id = p_person)
      AND (c.reason <> '{REDACTED}'
           OR (c.actor_id = p_person AND (c.ip_address IS NOT NULL OR c.user_agent IS NOT NULL)));
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_redacted := v_redacted || jsonb_build_object('schedule_changes', v_count);
    UPDATE time_off t SET reason = '{REDACTED}'
    WHERE (t.stylist_id = p_person OR t.created_by = p_person) AND t.reason <> '{REDACTED}';
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_redacted := v_redacted || jsonb_build_object('time_off', v_count);
    UPDATE closures c SET reason = '{REDACTED}'
    WHERE c.created_by = p_person AND c.reason <> '{REDACTED}';
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_redacted := v_redacted || jsonb_build_object('closures', v_count);"""

ERASE_SIGNATURE = "erase_person_data(uuid, uuid, text, timestamptz)"

ERASE_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION erase_person_data(
    p_person uuid, p_by uuid, p_reason text, p_at timestamptz
) RETURNS jsonb
LANGUAGE plpgsql {DEFINER} AS $$
DECLARE
    v_person people;
    v_reason text := p_reason;
    v_known text;
    v_bookings uuid[];
    v_count integer;
    v_redacted jsonb := '{{}}';
BEGIN
    SELECT * INTO v_person FROM people WHERE id = p_person FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF v_person.erased_at IS NULL THEN
        -- the erasure's own record must not keep what it erases
        FOREACH v_known IN ARRAY ARRAY[v_person.display_name, v_person.email, v_person.phone]
        LOOP
            IF coalesce(btrim(v_known), '') <> '' THEN
                v_reason := regexp_replace(
                    v_reason, regexp_replace(v_known, '(\\W)', '\\\\\\1', 'g'),
                    '{REDACTED}', 'gi');
            END IF;
        END LOOP;
    END IF;
    UPDATE people SET
        display_name = '{ERASED_NAME}', email = NULL, phone = NULL,
        erased_at = p_at, erased_by = p_by, erasure_reason = v_reason, updated_at = p_at
    WHERE id = p_person;
    SELECT coalesce(array_agg(b.id), '{{}}') INTO v_bookings
    FROM bookings b WHERE b.customer_id = p_person OR b.stylist_id = p_person;

    PERFORM set_config('{ERASURE_SETTING}', 'on', true);
    {_redact_trail_sql("booking_status_history", "status_changes")}
    {_redact_trail_sql("booking_reschedules", "reschedules")}
    UPDATE stylist_notes n SET body = '{REDACTED}', redacted_at = p_at
    WHERE n.redacted_at IS NULL
      AND n.booking_id IN (SELECT b.id FROM bookings b WHERE b.customer_id = p_person);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_redacted := v_redacted || jsonb_build_object('notes', v_count);
    {_REDACT_SCHEDULES_SQL}
    PERFORM set_config('{ERASURE_SETTING}', '', true);

    UPDATE bookings b SET
        cancel_reason = CASE WHEN b.id = ANY (v_bookings) AND b.cancel_reason IS NOT NULL
                             THEN '{REDACTED}' ELSE b.cancel_reason END,
        delete_reason = CASE WHEN b.delete_reason IS NOT NULL THEN '{REDACTED}' END,
        created_outside_hours_reason = CASE WHEN b.id = ANY (v_bookings)
                                             AND b.created_outside_hours_reason IS NOT NULL
                                            THEN '{REDACTED}'
                                            ELSE b.created_outside_hours_reason END,
        version = b.version + 1,
        updated_at = p_at
    WHERE (b.id = ANY (v_bookings) OR b.deleted_by = p_person)
      AND ((b.id = ANY (v_bookings) AND (b.cancel_reason <> '{REDACTED}'
                                         OR b.created_outside_hours_reason <> '{REDACTED}'))
           OR b.delete_reason <> '{REDACTED}');
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_redacted := v_redacted || jsonb_build_object('bookings', v_count);
    UPDATE idempotency_keys k SET key = {_erased_sql("k.key")}
    WHERE (k.actor_id = p_person OR (k.result ->> 'booking_id')::uuid = ANY (v_bookings))
      AND k.key NOT LIKE '{ERASED_PREFIX}%';
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_redacted := v_redacted || jsonb_build_object('idempotency_keys', v_count);
    UPDATE payment_events e SET id = {_erased_sql("e.id")}
    WHERE e.booking_id = ANY (v_bookings) AND e.id NOT LIKE '{ERASED_PREFIX}%';
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_redacted := v_redacted || jsonb_build_object('payment_events', v_count);

    INSERT INTO person_erasures (person_id, erased_by, reason, redacted, created_at)
    VALUES (p_person, p_by, v_reason, v_redacted, p_at);
    RETURN v_redacted;
END;
$$;
"""


def repeatable_sql() -> list[str]:
    """Re-applied with the guards after every migration run that ends at head."""
    return [AUDIT_REDACTION_GUARD_SQL, ERASE_FUNCTION_SQL]
