"""People, services, bookings, audit history, notes, outbox events, idempotency keys.

Revision ID: 0001
"""

from __future__ import annotations

from alembic import op

from salonbook.db import guards

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ROLES = "'customer', 'stylist', 'admin', 'system'"

TABLES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""CREATE TABLE people (
        id uuid PRIMARY KEY,
        role text NOT NULL CHECK (role IN ({ROLES})),
        display_name text NOT NULL DEFAULT '',
        email text,
        phone text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        erased_at timestamptz
    )""",
    """CREATE TABLE services (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 720),
        price_cents integer NOT NULL CHECK (price_cents >= 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
    )""",
    f"""CREATE TABLE bookings (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES people (id),
        stylist_id uuid NOT NULL REFERENCES people (id),
        service_id uuid NOT NULL REFERENCES services (id),
        start_time timestamptz NOT NULL,
        end_time timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ({guards.statuses_sql()})),
        price_cents integer NOT NULL CHECK (price_cents >= 0),
        currency text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        status_changed_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        deleted_at timestamptz,
        cancel_reason text,
        cancel_actor_role text,
        refund_policy text,
        refund_cents integer,
        CHECK (end_time > start_time),
        CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
            stylist_id WITH =, tstzrange(start_time, end_time) WITH &&
        ) WHERE (status NOT IN ('CANCELLED', 'NO_SHOW') AND deleted_at IS NULL)
    )""",
    "CREATE INDEX bookings_by_start ON bookings (start_time, id) WHERE deleted_at IS NULL",
    """CREATE INDEX bookings_by_stylist ON bookings (stylist_id, start_time, id)
        WHERE deleted_at IS NULL""",
    """CREATE INDEX bookings_by_customer ON bookings (customer_id, start_time, id)
        WHERE deleted_at IS NULL""",
    "CREATE INDEX bookings_pending ON bookings (created_at) WHERE status = 'PENDING'",
    f"""CREATE TABLE booking_status_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        booking_id uuid NOT NULL REFERENCES bookings (id),
        action text NOT NULL,
        from_status text NOT NULL,
        to_status text NOT NULL,
        actor_id uuid NOT NULL REFERENCES people (id),
        actor_role text NOT NULL CHECK (actor_role IN ({ROLES})),
        reason text,
        ip_address inet,
        user_agent text,
        created_at timestamptz NOT NULL
    )""",
    "CREATE INDEX booking_status_history_by_booking ON booking_status_history (booking_id, id)",
    """CREATE TABLE stylist_notes (
        id uuid PRIMARY KEY,
        booking_id uuid NOT NULL REFERENCES bookings (id),
        author_id uuid NOT NULL REFERENCES people (id),
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
        created_at timestamptz NOT NULL
    )""",
    "CREATE INDEX stylist_notes_by_booking ON stylist_notes (booking_id, created_at, id)",
    """CREATE TABLE booking_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        booking_id uuid NOT NULL REFERENCES bookings (id),
        stylist_id uuid NOT NULL,
        customer_id uuid NOT NULL,
        kind text NOT NULL,
        status_change_id bigint REFERENCES booking_status_history (id),
        note_id uuid REFERENCES stylist_notes (id),
        occurred_at timestamptz NOT NULL
    )""",
    "CREATE INDEX booking_events_by_xid ON booking_events (xid)",
    """CREATE TABLE idempotency_keys (
        actor_id uuid NOT NULL,
        key text NOT NULL,
        operation text NOT NULL,
        request_hash text NOT NULL,
        result jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (actor_id, key)
    )""",
]

GUARDS = [
    guards.booking_guard_function_sql(),
    """CREATE TRIGGER bookings_guard BEFORE INSERT OR UPDATE ON bookings
        FOR EACH ROW EXECUTE FUNCTION bookings_guard()""",
    guards.APPEND_ONLY_FUNCTION_SQL,
    *guards.append_only_triggers_sql("booking_status_history"),
    guards.NOTIFY_EVENT_FUNCTION_SQL,
    """CREATE TRIGGER booking_events_notify AFTER INSERT ON booking_events
        FOR EACH ROW EXECUTE FUNCTION notify_booking_event()""",
    guards.change_status_function_sql(),
]


def upgrade() -> None:
    for statement in [*TABLES, *GUARDS]:
        op.execute(statement)


def downgrade() -> None:
    op.execute(
        "DROP TABLE idempotency_keys, booking_events, stylist_notes, booking_status_history,"
        " bookings, services, people CASCADE"
    )
    for function in (
        "change_booking_status(uuid, text, text, text, uuid, text, text, inet, text,"
        " timestamptz, text, integer)",
        "notify_booking_event()",
        "refuse_change()",
        "bookings_guard()",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
