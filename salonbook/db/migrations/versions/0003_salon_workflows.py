"""Salon workflows: payment events, reschedules, note redaction, soft-delete details and the
service's own system people.

Revision ID: 0003
"""

from __future__ import annotations

from alembic import op

from salonbook.db import guards
from salonbook.domain import system_actors

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STATEMENTS = [
    *[
        f"""INSERT INTO people (id, role, display_name, created_at, updated_at)
            VALUES ('{actor.person_id}', 'system', '{name}', now(), now())
            ON CONFLICT (id) DO NOTHING"""
        for actor, name in system_actors.NAMES.items()
    ],
    """ALTER TABLE bookings
        ADD COLUMN deleted_by uuid REFERENCES people (id),
        ADD COLUMN delete_reason text""",
    """ALTER TABLE people
        ADD COLUMN erased_by uuid REFERENCES people (id),
        ADD COLUMN erasure_reason text""",
    """CREATE TABLE booking_reschedules (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        booking_id uuid NOT NULL REFERENCES bookings (id),
        old_start timestamptz NOT NULL,
        old_end timestamptz NOT NULL,
        new_start timestamptz NOT NULL,
        new_end timestamptz NOT NULL,
        actor_id uuid NOT NULL REFERENCES people (id),
        actor_role text NOT NULL,
        reason text,
        ip_address inet,
        user_agent text,
        created_at timestamptz NOT NULL
    )""",
    "CREATE INDEX booking_reschedules_by_booking ON booking_reschedules (booking_id, id)",
    *guards.append_only_triggers_sql("booking_reschedules"),
    """ALTER TABLE booking_events
        ADD COLUMN reschedule_id bigint REFERENCES booking_reschedules (id)""",
    "ALTER TABLE stylist_notes ADD COLUMN redacted_at timestamptz",
    """CREATE TRIGGER stylist_notes_append_only BEFORE UPDATE OR DELETE ON stylist_notes
        FOR EACH ROW EXECUTE FUNCTION stylist_notes_guard()""",
    """CREATE TRIGGER stylist_notes_no_truncate BEFORE TRUNCATE ON stylist_notes
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()""",
    """CREATE TABLE payment_events (
        id text PRIMARY KEY,
        type text NOT NULL,
        booking_id uuid REFERENCES bookings (id),
        amount_cents integer NOT NULL,
        outcome jsonb NOT NULL,
        received_at timestamptz NOT NULL
    )""",
]


def upgrade() -> None:
    op.execute(guards.NOTES_GUARD_FUNCTION_SQL)
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE payment_events")
    op.execute("DROP TRIGGER stylist_notes_no_truncate ON stylist_notes")
    op.execute("DROP TRIGGER stylist_notes_append_only ON stylist_notes")
    op.execute("ALTER TABLE stylist_notes DROP COLUMN redacted_at")
    op.execute("ALTER TABLE booking_events DROP COLUMN reschedule_id")
    op.execute("DROP TABLE booking_reschedules")
    op.execute("ALTER TABLE bookings DROP COLUMN deleted_by, DROP COLUMN delete_reason")
    op.execute("ALTER TABLE people DROP COLUMN erased_by, DROP COLUMN erasure_reason")
    op.execute("DROP FUNCTION stylist_notes_guard()")
