"""Bound every client-supplied text column with a CHECK, from the domain's bounds.

Rows written before the bounds are brought within them or kept, column by column; why each is
which is written beside the list, in salonbook/db/length_checks.py.

Revision ID: 0006
"""

from __future__ import annotations

from alembic import op

from salonbook.db import length_checks

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for check in length_checks.LENGTH_CHECKS:
        fix = length_checks.fix_overlong_sql(check)
        if fix is not None:
            op.execute(fix)
        op.execute(length_checks.add_check_sql(check))
    op.execute(length_checks.currency_check_sql())


def downgrade() -> None:
    op.execute(f"ALTER TABLE bookings DROP CONSTRAINT {length_checks.CURRENCY_CHECK}")
    for check in reversed(length_checks.LENGTH_CHECKS):
        op.execute(length_checks.drop_check_sql(check))
