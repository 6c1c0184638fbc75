"""Index the outbox by time, for purging events older than the retention.

Revision ID: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX booking_events_by_time ON booking_events (occurred_at)")


def downgrade() -> None:
    op.execute("DROP INDEX booking_events_by_time")
