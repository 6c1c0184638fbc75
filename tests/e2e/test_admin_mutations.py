"""upsertService and upsertPerson: who may, what is valid, and that a refusal writes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain.roles import Role
from tests.support.api import Api
from tests.support.factory import Factory

ERRORS = "... on Error { code message } ... on ValidationFailedError { field }"
UPSERT_SERVICE = f"""
mutation($input: UpsertServiceInput!) {{ upsertService(input: $input) {{ __typename
  ... on UpsertServiceSuccess {{ service {{ id name durationMinutes priceCents currency active }} }}
  {ERRORS} }} }}
"""
UPSERT_PERSON = f"""
mutation($input: UpsertPersonInput!) {{ upsertPerson(input: $input) {{ __typename
  ... on UpsertPersonSuccess {{ person {{ id role displayName email phone }} }}
  {ERRORS} }} }}
"""
ME = "{ me { id role displayName email phone } }"


def _service_input(**changes: Any) -> dict[str, Any]:
    return {"name": "Balayage", "durationMinutes": 90, "priceCents": 12000, "currency": "EUR"} | (
        changes
    )


async def _row(engine: AsyncEngine, query: str, row_id: object) -> tuple[Any, ...] | None:
    async with engine.connect() as connection:
        row = (await connection.execute(text(query), {"id": row_id})).one_or_none()
    return tuple(row) if row else None


async def _service_row(engine: AsyncEngine, service_id: object) -> tuple[Any, ...] | None:
    query = "SELECT name, duration_minutes, price_cents, currency, active FROM services"
    return await _row(engine, f"{query} WHERE id = :id", service_id)


async def _person_row(engine: AsyncEngine, person_id: object) -> tuple[Any, ...] | None:
    query = "SELECT role, display_name, email, phone FROM people WHERE id = :id"
    return await _row(engine, query, person_id)


async def test_an_admin_creates_and_updates_a_service(api: Api, factory: Factory) -> None:
    party = await factory.party()
    token = factory.token(party.admin)

    created = await api.gql(UPSERT_SERVICE, {"input": _service_input()}, token=token)
    service = created["data"]["upsertService"]["service"]
    changes = {
        "name": "Balayage deluxe",
        "durationMinutes": 120,
        "priceCents": 15000,
        "currency": "USD",
        "active": False,
    }
    updated = await api.gql(
        UPSERT_SERVICE, {"input": _service_input(id=service["id"], **changes)}, token=token
    )

    assert service == {"id": service["id"], **_service_input(), "active": True}
    assert updated["data"]["upsertService"] == {
        "__typename": "UpsertServiceSuccess",
        "service": {"id": service["id"], **changes},
    }
    listed = (await api.gql("{ services { id name } }", token=token))["data"]["services"]
    assert [s for s in listed if s["id"] == service["id"]] == [
        {"id": service["id"], "name": "Balayage deluxe"}
    ]


@pytest.mark.parametrize("who", ["customer", "stylist"])
async def test_only_an_admin_manages_services(
    api: Api, factory: Factory, engine: AsyncEngine, who: str
) -> None:
    party = await factory.party()
    existing = await factory.service()
    fresh_id = uuid.uuid4()
    before = await _service_row(engine, existing.id)
    token = factory.token(getattr(party, who))

    update = await api.gql(
        UPSERT_SERVICE, {"input": _service_input(id=str(existing.id))}, token=token
    )
    create = await api.gql(UPSERT_SERVICE, {"input": _service_input(id=str(fresh_id))}, token=token)

    for body in (update, create):
        assert body["data"]["upsertService"]["__typename"] == "ForbiddenError"
        assert body["data"]["upsertService"]["code"] == "FORBIDDEN"
    assert await _service_row(engine, existing.id) == before
    assert await _service_row(engine, fresh_id) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"durationMinutes": 4}, "durationMinutes"),
        ({"durationMinutes": 721}, "durationMinutes"),
        ({"priceCents": -1}, "priceCents"),
        ({"currency": "eur"}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "E1R"}, "currency"),
    ],
)
async def test_an_invalid_service_is_refused_and_not_written(
    api: Api, factory: Factory, engine: AsyncEngine, changes: dict[str, Any], field: str
) -> None:
    party = await factory.party()
    fresh_id = uuid.uuid4()

    body = await api.gql(
        UPSERT_SERVICE,
        {"input": _service_input(id=str(fresh_id), **changes)},
        token=factory.token(party.admin),
    )

    result = body["data"]["upsertService"]
    assert (result["code"], result["field"]) == ("VALIDATION_FAILED", field)
    assert await _service_row(engine, fresh_id) is None


@pytest.mark.parametrize(
    "changes",
    [{"name": "x" * 200}, {"durationMinutes": 5}, {"durationMinutes": 720}, {"priceCents": 0}],
)
async def test_a_service_at_the_edges_of_validity_is_accepted(
    api: Api, factory: Factory, changes: dict[str, Any]
) -> None:
    party = await factory.party()
    body = await api.gql(
        UPSERT_SERVICE, {"input": _service_input(**changes)}, token=factory.token(party.admin)
    )
    assert body["data"]["upsertService"]["__typename"] == "UpsertServiceSuccess"


@pytest.mark.parametrize("role", list(Role))
async def test_an_admin_creates_a_person_of_each_role(
    api: Api, factory: Factory, role: Role
) -> None:
    party = await factory.party()
    details = {"displayName": "Grace Hopper", "email": "grace@example.com", "phone": "+1 555 0100"}

    body = await api.gql(
        UPSERT_PERSON,
        {"input": {"role": role.name, **details}},
        token=factory.token(party.admin),
    )

    person = body["data"]["upsertPerson"]["person"]
    assert person == {"id": person["id"], "role": role.name, **details}
    me = await api.gql(ME, token=api.token(uuid.UUID(person["id"]), role))
    assert me == {"data": {"me": person}}


@pytest.mark.parametrize("who", ["customer", "stylist"])
async def test_a_person_edits_their_own_details(api: Api, factory: Factory, who: str) -> None:
    party = await factory.party()
    me = getattr(party, who)
    details = {"displayName": "New Name", "email": "new@example.com", "phone": "+44 20 7946 0000"}

    body = await api.gql(
        UPSERT_PERSON,
        {"input": {"id": str(me.id), "role": me.role.name, **details}},
        token=factory.token(me),
    )

    expected = {"id": str(me.id), "role": me.role.name, **details}
    assert body["data"]["upsertPerson"] == {"__typename": "UpsertPersonSuccess", "person": expected}
    assert await api.gql(ME, token=factory.token(me)) == {"data": {"me": expected}}


@pytest.mark.parametrize(
    ("who", "target", "role"),
    [
        ("customer", "customer", Role.ADMIN),
        ("customer", "customer", Role.STYLIST),
        ("stylist", "stylist", Role.ADMIN),
        ("customer", "other_customer", Role.CUSTOMER),
        ("stylist", "customer", Role.CUSTOMER),
        ("customer", "admin", Role.ADMIN),
    ],
)
async def test_a_person_may_not_change_roles_or_edit_others(
    api: Api, factory: Factory, engine: AsyncEngine, who: str, target: str, role: Role
) -> None:
    party = await factory.party()
    person_id = getattr(party, target).id
    before = await _person_row(engine, person_id)

    body = await api.gql(
        UPSERT_PERSON,
        {"input": {"id": str(person_id), "role": role.name, "displayName": "Hijacked"}},
        token=factory.token(getattr(party, who)),
    )

    assert body["data"]["upsertPerson"]["code"] == "FORBIDDEN"
    assert await _person_row(engine, person_id) == before


async def test_a_person_may_not_create_people(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    fresh_id = uuid.uuid4()
    body = await api.gql(
        UPSERT_PERSON,
        {"input": {"id": str(fresh_id), "role": "CUSTOMER", "displayName": "Someone"}},
        token=factory.token(party.customer),
    )
    assert body["data"]["upsertPerson"]["code"] == "FORBIDDEN"
    assert await _person_row(engine, fresh_id) is None


@pytest.mark.parametrize("who", ["admin", "customer"])
@pytest.mark.parametrize("email", ["not-an-email", "a@b", "a b@example.com", "@example.com"])
async def test_an_invalid_email_is_refused_and_not_written(
    api: Api, factory: Factory, engine: AsyncEngine, who: str, email: str
) -> None:
    party = await factory.party()
    before = await _person_row(engine, party.customer.id)
    change = {"id": str(party.customer.id), "role": "CUSTOMER", "displayName": "X", "email": email}

    body = await api.gql(UPSERT_PERSON, {"input": change}, token=factory.token(getattr(party, who)))

    result = body["data"]["upsertPerson"]
    assert (result["code"], result["field"]) == ("VALIDATION_FAILED", "email")
    assert await _person_row(engine, party.customer.id) == before
