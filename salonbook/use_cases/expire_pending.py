"""The payment-timeout sweeper: PENDING bookings never paid are cancelled by system.

The bookings are locked skipping those another sweeper holds, so sweepers in several processes
share the work and each booking is cancelled once."""

from __future__ import annotations

import logging
from datetime import timedelta

from salonbook.background_loops import repeat
from salonbook.db import bookings
from salonbook.db.engine import unit_of_work
from salonbook.domain.rules import decide
from salonbook.domain.statuses import BookingAction
from salonbook.domain.system_actors import SCHEDULER
from salonbook.use_cases.deps import Deps

PAYMENT_TIMEOUT = "payment_timeout"
log = logging.getLogger("salonbook.sweeper")


async def expire_pending(deps: Deps, *, payment_timeout: timedelta, batch: int = 100) -> int:
    """Cancel every PENDING booking created more than `payment_timeout` ago; returns how many."""
    now = deps.clock.now()
    expired = 0
    while True:
        async with unit_of_work(deps.engine) as connection:
            found = await bookings.lock_pending_created_before(
                connection, moment=now - payment_timeout, limit=batch
            )
            for booking in found:
                change = decide(
                    actor=SCHEDULER,
                    booking=booking.facts,
                    action=BookingAction.CANCEL,
                    reason=PAYMENT_TIMEOUT,
                    now=now,
                    windows=deps.windows,
                )
                await bookings.change_status(
                    connection,
                    booking=booking.facts,
                    change=change,
                    actor=SCHEDULER,
                    ip_address=None,
                    user_agent=None,
                    now=now,
                )
        expired += len(found)
        if found:
            await deps.announce()
        if len(found) < batch:
            return expired


async def sweep_forever(deps: Deps, *, payment_timeout: timedelta, every: float) -> None:
    """The server's periodic sweeper; failures are logged and retried at the next round."""

    async def sweep() -> None:
        expired = await expire_pending(deps, payment_timeout=payment_timeout)
        if expired:
            log.info("cancelled %d unpaid bookings (payment timeout)", expired)

    await repeat(sweep, every=every, log=log, failure="the payment-timeout sweep failed")
