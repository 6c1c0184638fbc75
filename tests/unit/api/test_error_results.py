"""A mutation's refusals are typed results, subclasses of a domain error included: a change
PostgreSQL aborted twice (TransactionAborted) answers ConcurrentUpdateError, not a top-level
error."""

from __future__ import annotations

from typing import NoReturn

from salonbook.db.engine import TransactionAborted
from salonbook.domain.errors import ConcurrentUpdate, ErrorCode
from salonbook.schema.attempt import attempt
from salonbook.schema.errors import ConcurrentUpdateError


async def _aborted_twice() -> NoReturn:
    raise TransactionAborted("the booking is being changed by someone else; try again")


async def test_an_aborted_change_answers_the_typed_concurrent_update() -> None:
    answered = await attempt(_aborted_twice())

    assert isinstance(answered, ConcurrentUpdateError)
    assert (answered.code, answered.message) == (
        ErrorCode.CONCURRENT_UPDATE,
        "the booking is being changed by someone else; try again",
    )
    assert issubclass(TransactionAborted, ConcurrentUpdate)
