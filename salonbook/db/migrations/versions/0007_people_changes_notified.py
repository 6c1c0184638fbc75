"""A change to what a person's stored role answers is NOTIFYed on `salonbook_people`, with their
id, inside the writing transaction: each serving process drops its cached role for them
(salonbook/auth/role_cache.py). The function runs as whoever writes; the app role is granted
nothing for it (a trigger's function needs no EXECUTE privilege to fire).

Revision ID: 0007
"""

from __future__ import annotations

from alembic import op

from salonbook.db import people

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(people.NOTIFY_FUNCTION_SQL)
    for statement in people.NOTIFY_TRIGGERS_SQL:
        op.execute(statement)


def downgrade() -> None:
    for trigger in people.NOTIFY_TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger} ON people")
    op.execute(f"DROP FUNCTION {people.NOTIFY_FUNCTION}")
