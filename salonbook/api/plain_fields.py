"""Placeholders of the plain fields that object types fill from their record when made.

Strawberry resolves a field without a resolver by a bare attribute read, and one with a
resolver method through its full resolver machinery (Info object, argument conversion), which
costs far more, and a page of bookings with their people, service and history resolves
thousands of fields (docs/benchmarks.md). These defaults only let an object be made from its
record alone; `__post_init__` fills the fields."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

UNSET_ID = strawberry.ID("")
UNSET_TIME = datetime.min.replace(tzinfo=UTC)
