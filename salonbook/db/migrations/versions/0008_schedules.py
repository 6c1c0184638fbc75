"""Working time: the salon's settings (zone, grid, opening hours), each stylist's weekly hours,
time off, closures, their audit (schedule_changes), a service's buffer and a booking's busy span.

A booking holds its stylist over [start_time, busy_until), its end plus its service's buffer;
the overlap constraint is rebuilt on that span. Existing bookings get busy_until = end_time
(their services had no buffer) in one rewrite of the table (ALTER COLUMN ... TYPE ... USING),
which does not fire the row triggers and builds each index once, instead of an UPDATE of every
row. Bookings are locked meanwhile; on a large table nearly all of the time is the overlap
constraint's index (docs/schedules.md, Storage). The outbox (booking_events) carries schedule
changes too, which belong to no booking and no customer (and, for salon-wide ones, no
stylist).

Revision ID: 0008
"""

from __future__ import annotations

from alembic import op

from salonbook.db import guards, length_checks, redaction, schedule_guards
from salonbook.domain import schedules
from salonbook.domain.roles import Role

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ROLES = ", ".join(f"'{role.value}'" for role in Role)
_KINDS = ", ".join(f"'{kind.value}'" for kind in schedules.ScheduleChangeKind)
_SLOTS = ", ".join(str(minutes) for minutes in schedules.SLOT_MINUTES_CHOICES)
_CHECKS = {(c.table, c.column): c for c in length_checks.SCHEDULE_LENGTH_CHECKS}
_HOLDING = "status NOT IN ('CANCELLED', 'NO_SHOW') AND deleted_at IS NULL"
"""The bookings that hold their slot (the overlap constraint's, unchanged)."""


def _bounded(table: str, column: str) -> str:
    check = _CHECKS[table, column]
    return f"CONSTRAINT {check.name} CHECK ({check.condition})"


def _absences(table: str, *, stylist: bool) -> list[str]:
    who = "stylist_id uuid NOT NULL REFERENCES people (id)," if stylist else ""
    same = "stylist_id WITH =, " if stylist else ""
    return [
        f"""CREATE TABLE {table} (
            id uuid PRIMARY KEY,
            {who}
            start_time timestamptz NOT NULL,
            end_time timestamptz NOT NULL,
            reason text NOT NULL,
            created_by uuid NOT NULL REFERENCES people (id),
            created_at timestamptz NOT NULL,
            removed_at timestamptz,
            removed_by uuid REFERENCES people (id),
            CHECK (end_time > start_time),
            CHECK ((removed_at IS NULL) = (removed_by IS NULL)),
            {_bounded(table, "reason")},
            CONSTRAINT {table}_no_overlap EXCLUDE USING gist (
                {same}tstzrange(start_time, end_time) WITH &&
            ) WHERE (removed_at IS NULL)
        )""",
        *schedule_guards.absence_triggers_sql(table),
    ]


STATEMENTS = [
    f"""CREATE TABLE salon_settings (
        id integer PRIMARY KEY CHECK (id = 1),
        time_zone text NOT NULL DEFAULT '{schedules.TIME_ZONE_DEFAULT}',
        slot_minutes integer NOT NULL DEFAULT {schedules.SLOT_MINUTES_DEFAULT}
            CHECK (slot_minutes IN ({_SLOTS})),
        opening_hours jsonb CHECK (jsonb_typeof(opening_hours) = 'object'),
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now(),
        {_bounded("salon_settings", "time_zone")}
    )""",
    "INSERT INTO salon_settings (id) VALUES (1)",
    """CREATE TABLE stylist_schedules (
        stylist_id uuid PRIMARY KEY REFERENCES people (id),
        working_hours jsonb CHECK (jsonb_typeof(working_hours) = 'object'),
        outside_opening_hours boolean NOT NULL DEFAULT false,
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL
    )""",
    schedule_guards.ABSENCE_GUARD_FUNCTION_SQL,
    *_absences("time_off", stylist=True),
    *_absences("closures", stylist=False),
    f"""CREATE TABLE schedule_changes (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ({_KINDS})),
        stylist_id uuid REFERENCES people (id),
        actor_id uuid NOT NULL REFERENCES people (id),
        actor_role text NOT NULL CHECK (actor_role IN ({_ROLES})),
        reason text NOT NULL CHECK (reason ~ '\\S'),
        before jsonb,
        after jsonb,
        ip_address inet,
        user_agent text,
        created_at timestamptz NOT NULL,
        {_bounded("schedule_changes", "reason")},
        {_bounded("schedule_changes", "user_agent")}
    )""",
    "CREATE INDEX schedule_changes_by_stylist ON schedule_changes (stylist_id, id)",
    # append-only but for erase_person_data()'s redaction, like the other audit tables
    *guards.append_only_triggers_sql("schedule_changes"),
    *redaction.audit_triggers_sql("schedule_changes"),
    f"""ALTER TABLE services ADD COLUMN buffer_minutes integer NOT NULL DEFAULT 0
        CHECK (buffer_minutes BETWEEN 0 AND {schedules.BUFFER_MINUTES_MAX})""",
    """ALTER TABLE bookings
        ADD COLUMN busy_until timestamptz,
        ADD COLUMN created_outside_hours_reason text""",
    # one rewrite: the old constraint's index is not rebuilt only to be dropped
    f"""ALTER TABLE bookings
        DROP CONSTRAINT bookings_no_overlap,
        ALTER COLUMN busy_until TYPE timestamptz USING end_time,
        ALTER COLUMN busy_until SET NOT NULL,
        ADD CONSTRAINT bookings_busy_after_end CHECK (busy_until >= end_time),
        ADD {_bounded("bookings", "created_outside_hours_reason")},
        ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
            stylist_id WITH =, tstzrange(start_time, busy_until) WITH &&
        ) WHERE ({_HOLDING})""",
    schedule_guards.BUSY_UNTIL_FUNCTION_SQL,
    schedule_guards.BUSY_UNTIL_TRIGGER_SQL,
    """ALTER TABLE booking_events
        ALTER COLUMN booking_id DROP NOT NULL,
        ALTER COLUMN customer_id DROP NOT NULL,
        ALTER COLUMN stylist_id DROP NOT NULL,
        ADD COLUMN schedule_change_id bigint REFERENCES schedule_changes (id),
        ADD CONSTRAINT booking_events_subject CHECK (CASE WHEN kind = 'SCHEDULE_CHANGED'
            THEN booking_id IS NULL AND customer_id IS NULL AND schedule_change_id IS NOT NULL
            ELSE booking_id IS NOT NULL AND customer_id IS NOT NULL AND stylist_id IS NOT NULL
                 AND schedule_change_id IS NULL END) NOT VALID""",
    # validated apart: a scan of the outbox that takes no lock against its writers
    "ALTER TABLE booking_events VALIDATE CONSTRAINT booking_events_subject",
    guards.NOTIFY_EVENT_FUNCTION_SQL,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DELETE FROM booking_events WHERE kind = 'SCHEDULE_CHANGED'")
    op.execute(
        """ALTER TABLE booking_events
            DROP CONSTRAINT booking_events_subject,
            DROP COLUMN schedule_change_id,
            ALTER COLUMN booking_id SET NOT NULL,
            ALTER COLUMN customer_id SET NOT NULL,
            ALTER COLUMN stylist_id SET NOT NULL"""
    )
    op.execute("DROP TRIGGER bookings_busy_until ON bookings")
    op.execute(f"DROP FUNCTION {schedule_guards.BUSY_UNTIL_FUNCTION}")
    op.execute(
        f"""ALTER TABLE bookings
            DROP CONSTRAINT bookings_no_overlap,
            DROP COLUMN busy_until,
            DROP COLUMN created_outside_hours_reason,
            ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
                stylist_id WITH =, tstzrange(start_time, end_time) WITH &&
            ) WHERE ({_HOLDING})"""
    )
    op.execute("ALTER TABLE services DROP COLUMN buffer_minutes")
    op.execute("DROP TABLE schedule_changes, closures, time_off, stylist_schedules, salon_settings")
    op.execute(f"DROP FUNCTION {schedule_guards.ABSENCE_GUARD_FUNCTION}")
