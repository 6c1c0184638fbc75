"""The `system` people the service itself acts as (they exist in the database from the start,
so their changes are audited like anyone's)."""

from __future__ import annotations

import uuid

from salonbook.domain.model import Actor
from salonbook.domain.roles import Role

PAYMENTS = Actor(uuid.UUID("5a10b00c-5e75-4000-8000-00000000fa11"), Role.SYSTEM)
"""The payment processor's webhook."""

SCHEDULER = Actor(uuid.UUID("5a10b00c-5e75-4000-8000-0000000005ee"), Role.SYSTEM)
"""Scheduled jobs: the payment-timeout sweeper."""

NAMES = {PAYMENTS: "Payment processor", SCHEDULER: "Scheduler"}
