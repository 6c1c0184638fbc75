"""A status change in one statement: lock the booking at the version the caller decided on,
change it through change_booking_status(), and return the booking and its audit row.

Revision ID: 0004
"""

from __future__ import annotations

from alembic import op

from salonbook.db import guards

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(guards.CHANGE_AT_VERSION_FUNCTION_SQL)


def downgrade() -> None:
    op.execute(f"DROP FUNCTION {guards.CHANGE_AT_VERSION_SIGNATURE}")
