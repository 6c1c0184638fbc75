"""upsertPerson tells this process's role cache to forget the person once the change's transaction
is over (the other processes hear it from the database), so the next request here reads it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from salonbook.config import Settings
from salonbook.db.engine import create_engine
from salonbook.domain.clock import SettableClock
from salonbook.domain.errors import Forbidden
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.use_cases.deps import Caller, Deps
from salonbook.use_cases.directory import upsert_person
from tests.support.factory import Factory


@pytest.fixture
async def own_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=1)
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_the_person_is_forgotten_after_the_transaction_whether_changed_or_refused(
    own_engine: AsyncEngine, clock: SettableClock, settings: Settings, factory: Factory
) -> None:
    forgotten: list[tuple[UUID, int]] = []
    pool = own_engine.sync_engine.pool
    assert isinstance(pool, QueuePool)

    def forget(person: UUID) -> None:
        # with the connections held when told: none, so the transaction is over
        forgotten.append((person, pool.checkedout()))

    deps = Deps(engine=own_engine, clock=clock, windows=settings.windows, forget_role=forget)
    admin, person = await factory.person(Role.ADMIN), await factory.person(Role.ADMIN)
    as_admin = Caller(actor=Actor(admin.id, Role.ADMIN))
    as_person = Caller(actor=Actor(person.id, Role.CUSTOMER))

    demoted = await upsert_person(
        deps, as_admin, person_id=person.id, role=Role.CUSTOMER, display_name="Demoted",
        email=None, phone=None,
    )  # fmt: skip
    with pytest.raises(Forbidden):
        await upsert_person(
            deps, as_person, person_id=person.id, role=Role.ADMIN, display_name="Promoted",
            email=None, phone=None,
        )  # fmt: skip

    assert demoted.role is Role.CUSTOMER
    assert forgotten == [(person.id, 0), (person.id, 0)]
