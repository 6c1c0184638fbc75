"""From a request's credentials to the Caller the use cases see (provisioning new people)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import HTTPConnection

from salonbook.auth.client_address import client_ip, connection_peer
from salonbook.auth.role_cache import RoleCache
from salonbook.auth.tokens import Claims, InvalidToken, TokenVerifier
from salonbook.db import people
from salonbook.db.engine import reading, unit_of_work
from salonbook.domain import bounds
from salonbook.domain.clock import Clock
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.use_cases.deps import Caller


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <jwt>` value; InvalidToken for another scheme."""
    if authorization is None or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("expected Authorization: Bearer <token>")
    return token.strip()


class Authenticator:
    def __init__(
        self,
        *,
        verifier: TokenVerifier,
        engine: AsyncEngine,
        clock: Clock,
        trusted_proxies: tuple[str, ...],
        roles: RoleCache | None = None,
    ) -> None:
        """Without `roles` wired to a listener (as app.py does), every role is read."""
        self._verifier = verifier
        self.roles = roles if roles is not None else RoleCache()
        self._engine = engine
        self._clock = clock
        self._trusted_proxies = trusted_proxies

    def claims(self, authorization: str | None) -> Claims | None:
        token = bearer_token(authorization)
        return None if token is None else self._verifier.verify(token)

    async def actor(self, claims: Claims | None) -> Actor | None:
        """The person the token names, with the role stored for them: the token proves who
        calls; what they may do is the salon's record (which an admin changes with
        upsertPerson, taking effect at the next request). The token's role claim only seeds
        the record of someone seen for the first time. From the role cache when it has them,
        which every process empties of a person as soon as it hears their role changed
        (auth/role_cache.py says how soon); read otherwise."""
        if claims is None:
            return None
        return self.cached(claims) or await self.stored(claims)

    def cached(self, claims: Claims) -> Actor | None:
        """The person with their role from the cache; None when it must be read (`stored`)."""
        role = self.roles.get(claims.sub)
        return None if role is None else Actor(person_id=claims.sub, role=role)

    async def stored(self, claims: Claims) -> Actor:
        """The person with the role read from the database (provisioned if new), cached."""
        ticket = self.roles.ticket()
        async with reading(self._engine) as connection:
            role = await people.role_of(connection, person_id=claims.sub)
        if role is None:
            role = await self._provision(claims)
        self.roles.put(claims.sub, role, ticket=ticket)
        return Actor(person_id=claims.sub, role=role)

    async def caller(
        self,
        *,
        authorization: str | None,
        ip_address: str | None,
        user_agent: str | None,
    ) -> Caller:
        """Raises InvalidToken for a bad, expired or malformed token."""
        actor = await self.actor(self.claims(authorization))
        return Caller(actor=actor, ip_address=ip_address, user_agent=user_agent)

    def address_of(self, connection: HTTPConnection) -> str | None:
        """The client address of a request or websocket, as SALONBOOK_TRUSTED_PROXIES decides."""
        forwarded_for = ",".join(connection.headers.getlist("x-forwarded-for")) or None
        client = connection.client
        peer = connection_peer(
            (client.host, client.port) if client else None, forwarded_for=forwarded_for
        )
        return self.client_address(peer=peer, forwarded_for=forwarded_for)

    def client_address(self, *, peer: str | None, forwarded_for: str | None) -> str | None:
        return client_ip(
            peer=peer, forwarded_for=forwarded_for, trusted_proxies=self._trusted_proxies
        )

    async def _provision(self, claims: Claims) -> Role:
        async with unit_of_work(self._engine) as connection:
            return await people.provision(
                connection,
                person_id=claims.sub,
                role=claims.role,
                display_name=bounds.name_from_claim(claims.name),
                email=bounds.email_from_claim(claims.email),
                now=self._clock.now(),
            )
