"""The payment-timeout sweeper: PENDING bookings never paid are cancelled by system.

The server's sweeper runs under a lease (salonbook/db/leases.py): of all the processes on one
database, the one holding it sweeps every interval and the others skip, so the work is done once
per interval however many processes serve. The bookings are also locked skipping those another
sweeper holds (`salonbook expire-pending` run by hand, say), so each is cancelled once."""

from __future__ import annotations

import logging
from datetime import timedelta

from salonbook.background_loops import repeat
from salonbook.db import bookings
from salonbook.db.engine import unit_of_work
from salonbook.db.leases import SWEEPER_LOCK, Lease
from salonbook.db.urls import plain_url
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


def sweeper_lease(deps: Deps) -> Lease:
    """The lease of the payment-timeout sweeper, on the database of `deps`."""
    url = deps.engine.url.render_as_string(hide_password=False)
    return Lease(plain_url(url), key=SWEEPER_LOCK, name="sweeper")


async def sweep_forever(
    deps: Deps, *, payment_timeout: timedelta, every: float, lease: Lease | None = None
) -> None:
    """The server's periodic sweeper; failures are logged and retried at the next round. Each
    round sweeps only while this process holds the lease (by default the sweeper's)."""
    lease = lease or sweeper_lease(deps)

    async def sweep() -> None:
        if not await lease.held():
            return
        expired = await expire_pending(deps, payment_timeout=payment_timeout)
        if expired:
            log.info("cancelled %d unpaid bookings (payment timeout)", expired)

    try:
        await repeat(sweep, every=every, log=log, failure="the payment-timeout sweep failed")
    finally:
        await lease.release()
