"""Which services a viewer is listed: inactive ones only to admins (and the system)."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.factory import Factory

SERVICES = "{ services { id active } }"


async def test_customers_see_only_active_services(api: Api, factory: Factory) -> None:
    party = await factory.party()
    active = await factory.service()
    inactive = await factory.service(active=False)

    body = await api.gql(SERVICES, token=factory.token(party.customer))

    listed = body["data"]["services"]
    assert {"id": str(active.id), "active": True} in listed
    assert str(inactive.id) not in [service["id"] for service in listed]
    assert all(service["active"] for service in listed)


async def test_admins_see_every_service(api: Api, factory: Factory) -> None:
    party = await factory.party()
    active = await factory.service()
    inactive = await factory.service(active=False)

    body = await api.gql(SERVICES, token=factory.token(party.admin))

    listed = body["data"]["services"]
    assert {"id": str(active.id), "active": True} in listed
    assert {"id": str(inactive.id), "active": False} in listed
