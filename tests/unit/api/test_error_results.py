"""A mutation's refusals are typed results, subclasses of a domain error included: a change
PostgreSQL aborted twice (TransactionAborted) answers ConcurrentUpdateError, not a top-level
error."""

from __future__ import annotations

from salonbook.api.errors import ConcurrentUpdateError
from salonbook.api.mutation_result import mutation_result
from salonbook.db.engine import TransactionAborted
from salonbook.domain.errors import ConcurrentUpdate, ErrorCode


@mutation_result
async def _aborted_twice() -> ConcurrentUpdateError:
    raise TransactionAborted("the booking is being changed by someone else; try again")


async def test_an_aborted_change_answers_the_typed_concurrent_update() -> None:
    answered = await _aborted_twice()

    assert isinstance(answered, ConcurrentUpdateError)
    assert (answered.code, answered.message) == (
        ErrorCode.CONCURRENT_UPDATE,
        "the booking is being changed by someone else; try again",
    )
    assert issubclass(TransactionAborted, ConcurrentUpdate)
