"""Two database roles: the owner, which migrates and owns every table and function, and the app
role, which serves with only what serving needs.

The app role may read the tables, add rows, and update the few columns serving updates itself.
It may not change a booking's row, nor write an audit row: a status change goes through
change_booking_status(), which runs as the owner (see guards.DEFINER) and only as the transition
table permits; a move or a soft deletion goes through reschedule_booking() or
soft_delete_booking(), which write the move's record and the event with it. The audit history,
the reschedules and the notes take no UPDATE, DELETE or TRUNCATE from it; the one change to
them, erasing a person, goes through erase_person_data(). The schedule audit
(schedule_changes) it appends to itself, in the edit's transaction, and nothing more: no
UPDATE, DELETE or TRUNCATE. Time off and closures are only ever marked removed.
Owning nothing, it can neither disable a trigger nor replace a function, and not being a
superuser, it cannot set `session_replication_role` to skip the triggers."""

from __future__ import annotations

import contextlib

import asyncpg  # type: ignore[import-untyped]

from salonbook.db import booking_functions, guards, people, redaction, schedule_guards

OWNER_ROLE = "salonbook_owner"
APP_ROLE = "salonbook_app"
"""The roles the embedded PostgreSQL creates for itself; elsewhere the operator names them (the
owner in SALONBOOK_MIGRATION_DATABASE_URL, the app role in DATABASE_URL)."""

SERVING_FUNCTIONS = (
    guards.CHANGE_STATUS_SIGNATURE,
    guards.CHANGE_AT_VERSION_SIGNATURE,
    redaction.ERASE_SIGNATURE,
    booking_functions.RESCHEDULE_SIGNATURE,
    booking_functions.SOFT_DELETE_SIGNATURE,
)
OTHER_FUNCTIONS = (
    "bookings_guard()",
    "refuse_change()",
    "stylist_notes_guard()",
    "notify_booking_event()",
    "audit_redaction_guard()",
    people.NOTIFY_FUNCTION,
    schedule_guards.BUSY_UNTIL_FUNCTION,
    schedule_guards.ABSENCE_GUARD_FUNCTION,
)

_TABLES = (
    "people",
    "services",
    "bookings",
    "booking_status_history",
    "stylist_notes",
    "booking_events",
    "booking_reschedules",
    "payment_events",
    "idempotency_keys",
    "person_erasures",
    "salon_settings",
    "stylist_schedules",
    "time_off",
    "closures",
    "schedule_changes",
    "alembic_version",
)
_GRANTS = {
    "SELECT": (
        "people, services, bookings, booking_status_history, stylist_notes, booking_events,"
        " booking_reschedules, payment_events, idempotency_keys, alembic_version,"
        " salon_settings, stylist_schedules, time_off, closures, schedule_changes"
    ),
    "INSERT": (
        "people, services, bookings, stylist_notes, booking_events, payment_events,"
        " idempotency_keys, stylist_schedules, time_off, closures, schedule_changes"
    ),
    # upsertPerson; the erasure columns are erase_person_data()'s alone
    "UPDATE (role, display_name, email, phone, updated_at)": "people",
    "UPDATE (name, duration_minutes, price_cents, currency, active, buffer_minutes, updated_at)": (
        "services"
    ),
    # the schedule edits; their audit rows (schedule_changes) take INSERT only
    "UPDATE (time_zone, slot_minutes, opening_hours, version, updated_at)": "salon_settings",
    "UPDATE (working_hours, outside_opening_hours, version, updated_at)": "stylist_schedules",
    # removal marks a row (absence_guard() refuses any other change, and DELETE)
    "UPDATE (removed_at, removed_by)": "time_off, closures",
    # only so that a booking's row can be locked (SELECT ... FOR UPDATE needs an UPDATE
    # privilege): an update of updated_at alone is refused, as every change must add one to
    # the version; the booking's status, times and deletion change only through the functions
    "UPDATE (updated_at)": "bookings",
    "UPDATE (operation, request_hash, result, created_at)": "idempotency_keys",  # expired keys
    "DELETE": "booking_events",  # the outbox is purged after its retention
}


def quoted(role: str) -> str:
    return '"' + role.replace('"', '""') + '"'


def serving_privileges_sql(app_role: str) -> list[str]:
    """Exactly the privileges serving needs, for `app_role`: whatever it had before is revoked
    first. Run by the owner after every migration run that ends at head."""
    role = quoted(app_role)
    functions = (*SERVING_FUNCTIONS, *OTHER_FUNCTIONS)
    return [
        f"REVOKE ALL ON {', '.join(_TABLES)} FROM {role}",
        *(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC, {role}" for function in functions),
        f"GRANT USAGE ON SCHEMA public TO {role}",
        *(f"GRANT {privilege} ON {tables} TO {role}" for privilege, tables in _GRANTS.items()),
        *(f"GRANT EXECUTE ON FUNCTION {function} TO {role}" for function in SERVING_FUNCTIONS),
        # objects the app role could create in the schema would come before the tables on
        # someone's search path (PostgreSQL 15 already grants CREATE to no one by default)
        f"""DO $$ BEGIN
            IF pg_has_role((SELECT nspowner FROM pg_namespace WHERE nspname = 'public'),
                           'USAGE') THEN
                REVOKE CREATE ON SCHEMA public FROM PUBLIC, {role};
            END IF;
        END $$""",
    ]


async def ensure_roles(maintenance_dsn: str, *, database: str) -> None:
    """Create the owner and app roles if missing, and make the owner the database's owner (and
    of what an older version of the service made there as the superuser). For the embedded
    PostgreSQL, whose superuser is ours; idempotent, and safe when another process does it
    at the same time (roles are the whole server's)."""
    connection = await asyncpg.connect(maintenance_dsn)
    try:
        for role in (OWNER_ROLE, APP_ROLE):
            # a role another process creates between the check and ours is fine
            with contextlib.suppress(asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
                if not await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
                    await connection.execute(f"CREATE ROLE {quoted(role)} LOGIN")
        owner = await connection.fetchval(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", database
        )
        if owner != OWNER_ROLE:
            quoted_database = '"' + database.replace('"', '""') + '"'
            await connection.execute(
                f"ALTER DATABASE {quoted_database} OWNER TO {quoted(OWNER_ROLE)}"
            )
    finally:
        await connection.close()


async def adopt_objects(database_dsn: str) -> None:
    """Give the owner role the tables and functions a superuser made in the database (the
    embedded database of an older version of the service)."""
    connection = await asyncpg.connect(database_dsn)
    try:
        await connection.execute(_ADOPT)
    finally:
        await connection.close()


_ADOPT = f"""
DO $$
DECLARE
    found record;
BEGIN
    -- tables and functions an older version made as the superuser, outside extensions
    FOR found IN
        SELECT format('ALTER TABLE %s OWNER TO {quoted(OWNER_ROLE)}', c.oid::regclass) AS alter
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
          AND pg_get_userbyid(c.relowner) <> '{OWNER_ROLE}'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
        UNION ALL
        SELECT format('ALTER FUNCTION %s OWNER TO {quoted(OWNER_ROLE)}', p.oid::regprocedure)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '{OWNER_ROLE}'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE found.alter;
    END LOOP;
END $$
"""
