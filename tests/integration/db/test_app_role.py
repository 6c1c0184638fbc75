"""The app serves as a role that cannot undo the database's guards: every way around them that
the owner (or a superuser) would have is refused to it, and a status change can be forged only
as far as change_booking_status() lets anyone change a status."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from salonbook.db.guards import CHANGE_STATUS_SIGNATURE, STATUS_CHANGE_SETTING
from salonbook.db.privileges import APP_ROLE, OWNER_ROLE
from tests.support.factory import Factory
from tests.support.sql import CHECK_VIOLATION, INSUFFICIENT_PRIVILEGE, S, refused, state

UNDEFINED_OBJECT = "42704"


async def test_the_app_serves_as_the_app_role_which_owns_nothing(app: Starlette, db: Any) -> None:
    async with app.state.runtime.deps.engine.connect() as connection:
        serving = (await connection.exec_driver_sql("SELECT current_user")).scalar_one()
    assert serving == APP_ROLE
    role = await db.fetchrow(
        "SELECT current_user AS name, rolsuper, rolcreaterole, rolbypassrls FROM pg_roles"
        " WHERE rolname = current_user"
    )
    assert tuple(role) == (APP_ROLE, False, False, False)
    owners = await db.fetch(
        "SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
        " UNION SELECT DISTINCT pg_get_userbyid(p.proowner) FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
        " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
    )
    assert [row["owner"] for row in owners] == [OWNER_ROLE]
    assert not await db.fetchval("SELECT pg_has_role($1, 'MEMBER')", OWNER_ROLE)


APPENDED = ("booking_events", "bookings", "idempotency_keys", "payment_events", "people",
            "services", "stylist_notes", "stylist_schedules", "time_off", "closures",
            "schedule_changes")  # fmt: skip
TABLE_PRIVILEGES = {
    ("alembic_version", "SELECT"),
    # their rows are change_booking_status()'s and reschedule_booking()'s to write
    ("booking_status_history", "SELECT"),
    ("booking_reschedules", "SELECT"),
    ("salon_settings", "SELECT"),  # its one row is updated, never added
    *((table, privilege) for table in APPENDED for privilege in ("SELECT", "INSERT")),
    ("booking_events", "DELETE"),  # the outbox's purge
}
COLUMN_UPDATES = {
    "bookings": {"updated_at"},  # for SELECT ... FOR UPDATE; alone, it changes nothing
    "people": {"role", "display_name", "email", "phone", "updated_at"},
    "services": {"name", "duration_minutes", "price_cents", "currency", "active",
                 "buffer_minutes", "updated_at"},
    "salon_settings": {"time_zone", "slot_minutes", "opening_hours", "version", "updated_at"},
    "stylist_schedules": {"working_hours", "outside_opening_hours", "version", "updated_at"},
    "time_off": {"removed_at", "removed_by"},  # removal marks; absence_guard() refuses more
    "closures": {"removed_at", "removed_by"},
    "idempotency_keys": {"operation", "request_hash", "result", "created_at"},
}  # fmt: skip


async def test_the_app_role_holds_exactly_what_serving_needs(db: Any) -> None:
    tables = await db.fetch(
        "SELECT table_name, privilege_type FROM information_schema.role_table_grants"
        " WHERE grantee = current_user"
    )
    assert {(row["table_name"], row["privilege_type"]) for row in tables} == TABLE_PRIVILEGES
    columns = await db.fetch(
        "SELECT table_name, column_name FROM information_schema.column_privileges"
        " WHERE grantee = current_user AND privilege_type = 'UPDATE'"
    )
    found: dict[str, set[str]] = {}
    for row in columns:
        found.setdefault(row["table_name"], set()).add(row["column_name"])
    assert found == COLUMN_UPDATES
    functions = await db.fetch(
        "SELECT p.proname, p.prosecdef, p.proconfig FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
        " AND has_function_privilege(p.oid, 'EXECUTE')"
        " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
        " ORDER BY p.proname"
    )
    path = ["search_path=pg_catalog, public, pg_temp"]
    assert [tuple(row) for row in functions] == [
        ("change_booking_status", True, path),
        ("change_booking_status_at_version", True, path),
        ("erase_person_data", True, path),
        ("reschedule_booking", True, path),
        ("soft_delete_booking", True, path),
    ]


FORGED_CHANGE = (
    f"SELECT set_config('{STATUS_CHANGE_SETTING}', (SELECT max(id) FROM booking_status_history"
    " WHERE booking_id = $1)::text, true)"
)
HISTORY_ROW = """INSERT INTO booking_status_history (booking_id, action, from_status, to_status,
    actor_id, actor_role, created_at) SELECT id, 'START', 'CONFIRMED', 'IN_PROGRESS', stylist_id,
    'stylist', now() FROM bookings WHERE id = $1"""
BYPASSES = {
    "disable the status trigger": ["ALTER TABLE bookings DISABLE TRIGGER bookings_guard"],
    "disable every trigger": ["ALTER TABLE booking_status_history DISABLE TRIGGER ALL"],
    "drop the trigger": ["DROP TRIGGER bookings_guard ON bookings"],
    "drop the overlap constraint": ["ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap"],
    "skip triggers as a replica": ["SET session_replication_role = replica"],
    "skip triggers for the transaction": ["SET LOCAL session_replication_role = replica"],
    "update the status": ["UPDATE bookings SET status = 'IN_PROGRESS' WHERE id = $1"],
    "move without a record": ["UPDATE bookings SET start_time = start_time + interval '1 hour',"
                              " end_time = end_time + interval '1 hour', version = version + 1"
                              " WHERE id = $1"],
    "delete without an event": ["UPDATE bookings SET deleted_at = now(), version = version + 1"
                                " WHERE id = $1"],
    "record a move that never was": ["INSERT INTO booking_reschedules (booking_id, old_start,"
                                     " old_end, new_start, new_end, actor_id, actor_role,"
                                     " created_at) SELECT id, start_time, end_time, start_time,"
                                     " end_time, stylist_id, 'admin', now() FROM bookings"
                                     " WHERE id = $1"],
    "forge the guard's setting": [
        FORGED_CHANGE,
        "UPDATE bookings SET status = 'CANCELLED', version = version + 1 WHERE id = $1",
    ],
    "insert an audit row of its own": [HISTORY_ROW],
    "rewrite the refund": ["UPDATE bookings SET refund_cents = 0, version = version + 1"
                           " WHERE id = $1"],
    "rewrite the cancel reason": ["UPDATE bookings SET cancel_reason = 'x',"
                                  " version = version + 1 WHERE id = $1"],
    "rewrite a reschedule": ["UPDATE booking_reschedules SET reason = 'x' WHERE booking_id = $1"],
    "delete a reschedule": ["DELETE FROM booking_reschedules WHERE booking_id = $1"],
    "truncate the reschedules": ["TRUNCATE booking_reschedules CASCADE"],
    "mark a person erased": ["UPDATE people SET erased_at = now() WHERE id = (SELECT customer_id"
                             " FROM bookings WHERE id = $1)"],
    "read the erasure log": ["SELECT * FROM person_erasures"],
    "shorten the busy span": ["UPDATE bookings SET busy_until = end_time, version = version + 1"
                              " WHERE id = $1"],
    "record an override never given": ["UPDATE bookings SET created_outside_hours_reason = 'x',"
                                       " version = version + 1 WHERE id = $1"],
    "rewrite a schedule change": ["UPDATE schedule_changes SET reason = 'x'"],
    "delete a schedule change": ["DELETE FROM schedule_changes"],
    "truncate the schedule changes": ["TRUNCATE schedule_changes CASCADE"],
    "delete time off": ["DELETE FROM time_off"],
    "delete a closure": ["DELETE FROM closures"],
    "add a second salon settings row": ["INSERT INTO salon_settings (id) VALUES (2)"],
    "replace the guard": ["CREATE OR REPLACE FUNCTION bookings_guard() RETURNS trigger"
                          " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"],
    "drop the status function": [f"DROP FUNCTION {CHANGE_STATUS_SIGNATURE}"],
    "run the status function as itself": [
        f"ALTER FUNCTION {CHANGE_STATUS_SIGNATURE} SECURITY INVOKER"
    ],
    "create a table in the schema": ["CREATE TABLE public.shadow (id int)"],
    "create a function in the schema": ["CREATE FUNCTION public.now() RETURNS int"
                                        " LANGUAGE sql AS 'SELECT 1'"],
    "become the owner": [f"SET ROLE {OWNER_ROLE}"],
    "join the owner": [f"GRANT {OWNER_ROLE} TO {APP_ROLE}"],
    "become a superuser": [f"ALTER ROLE {APP_ROLE} SUPERUSER"],
}  # fmt: skip


@pytest.mark.parametrize("steps", BYPASSES.values(), ids=BYPASSES.keys())
async def test_a_way_around_the_guards_is_refused_to_the_app_role(
    db: Any, factory: Factory, steps: list[str]
) -> None:
    booking = await factory.booking(await factory.party(), status=S.CONFIRMED)
    before = await state(db, booking.id)
    row_before = await db.fetchrow("SELECT * FROM bookings WHERE id = $1", booking.id)
    transaction = db.transaction()
    await transaction.start()  # rolled back whatever happens
    try:
        *leading, last = steps
        for step in leading:
            await db.execute(step, *([booking.id] if "$1" in step else []))
        arguments = [booking.id] if "$1" in last else []
        await refused(INSUFFICIENT_PRIVILEGE, db.execute(last, *arguments))
    finally:
        await transaction.rollback()
    assert await state(db, booking.id) == before == ("CONFIRMED", 2, 1, 2)
    assert await db.fetchrow("SELECT * FROM bookings WHERE id = $1", booking.id) == row_before
    triggers = await db.fetchval(
        "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'bookings'::regclass"
        " AND NOT tgisinternal AND tgenabled = 'O'"
    )
    assert triggers == 2  # bookings_guard, bookings_busy_until


CALL = """SELECT new_version FROM change_booking_status(
    $1, $2, 'CONFIRMED', $3, $4, $5, $6, '198.51.100.9', 'forger/1', now(), NULL, NULL)"""


@pytest.mark.parametrize(
    ("action", "target", "who", "role", "reason", "sqlstate"),
    [
        # a status the action does not lead to
        ("START", "COMPLETED", "stylist", "stylist", None, CHECK_VIOLATION),
        # a role that never takes the action
        ("START", "IN_PROGRESS", "customer", "customer", None, CHECK_VIOLATION),
        ("MARK_NO_SHOW", "NO_SHOW", "system", "system", None, CHECK_VIOLATION),
        # a role written that is not in the table at all
        ("START", "IN_PROGRESS", "admin", "superuser", None, CHECK_VIOLATION),
        # someone else's booking, for a role that may only act on its own
        ("START", "IN_PROGRESS", "other_stylist", "stylist", None, INSUFFICIENT_PRIVILEGE),
        ("CANCEL", "CANCELLED", "other_customer", "customer", "no", INSUFFICIENT_PRIVILEGE),
        # a required reason left out, or blank
        ("CANCEL", "CANCELLED", "customer", "customer", None, CHECK_VIOLATION),
        ("CANCEL", "CANCELLED", "admin", "admin", " \t", CHECK_VIOLATION),
    ],
)
async def test_the_status_function_refuses_a_change_the_table_does_not_permit(
    db: Any,
    factory: Factory,
    action: str,
    target: str,
    who: str,
    role: str,
    reason: str | None,
    sqlstate: str,
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=S.CONFIRMED)
    before = await state(db, booking.id)
    actor = getattr(party, who).id
    statement = db.fetchval(CALL, booking.id, action, target, actor, role, reason)
    await refused(sqlstate, statement)
    assert await state(db, booking.id) == before == ("CONFIRMED", 2, 1, 2)


async def test_a_temporary_table_does_not_divert_the_status_function(
    db: Any, factory: Factory
) -> None:
    """pg_temp comes last on the functions' search path, so a caller's temporary table of the
    same name is not where the audit row goes."""
    party = await factory.party()
    booking = await factory.booking(party, status=S.CONFIRMED)
    await db.execute("CREATE TEMP TABLE booking_status_history (LIKE pg_class)")
    try:
        version = await db.fetchval(
            CALL, booking.id, "START", "IN_PROGRESS", party.stylist.id, "stylist", None
        )
    finally:
        await db.execute("DROP TABLE pg_temp.booking_status_history")
    assert version == 3
    assert await state(db, booking.id) == ("IN_PROGRESS", 3, 2, 3)
