"""Owner and app roles: the status-change functions run as their owner, and so do the new ones
that move and soft-delete a booking; erasing a person goes through erase_person_data(), the one
change the audit tables allow, recorded in person_erasures.

The app role's privileges are granted after every migration run that ends at head (see
migrations/env.py and db/privileges.py): they name a role that only the running setup knows.

Revision ID: 0005
"""

from __future__ import annotations

from alembic import op

from salonbook.db import booking_functions, guards, redaction

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STATEMENTS = [
    redaction.AUDIT_REDACTION_GUARD_SQL,
    *[
        statement
        for table in redaction.AUDITED_TABLES
        for statement in redaction.audit_triggers_sql(table)
    ],
    """CREATE TABLE person_erasures (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES people (id),
        erased_by uuid NOT NULL REFERENCES people (id),
        reason text NOT NULL,
        redacted jsonb NOT NULL,
        created_at timestamptz NOT NULL
    )""",
    *guards.append_only_triggers_sql("person_erasures"),
    guards.change_status_function_sql(),
    guards.CHANGE_AT_VERSION_FUNCTION_SQL,
    redaction.ERASE_FUNCTION_SQL,
    booking_functions.RESCHEDULE_FUNCTION_SQL,
    booking_functions.SOFT_DELETE_FUNCTION_SQL,
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute(f"DROP FUNCTION {booking_functions.SOFT_DELETE_SIGNATURE}")
    op.execute(f"DROP FUNCTION {booking_functions.RESCHEDULE_SIGNATURE}")
    op.execute(f"DROP FUNCTION {redaction.ERASE_SIGNATURE}")
    op.execute("DROP TABLE person_erasures")
    for table in redaction.AUDITED_TABLES:
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute(
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION refuse_change()"""
        )
    op.execute("DROP FUNCTION audit_redaction_guard()")
    for function in (guards.CHANGE_STATUS_SIGNATURE, guards.CHANGE_AT_VERSION_SIGNATURE):
        op.execute(f"ALTER FUNCTION {function} SECURITY INVOKER RESET search_path")
