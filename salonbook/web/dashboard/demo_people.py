"""/dashboard/demo-people.json (with --demo only): the demo salon's people and a development
token each, minted as the demo banner mints them, for the sign-in screen's one-click buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from salonbook.config import Settings
from salonbook.demo import PEOPLE, demo_token
from salonbook.domain.roles import Role


def demo_people(settings: Settings) -> list[dict[str, str]]:
    """Admin, stylists and customers (not the system person), each with a token."""
    listed = []
    for person in PEOPLE:
        token = demo_token(settings, person)
        if person.role is Role.SYSTEM or token is None:
            continue
        listed.append(
            {
                "id": str(person.id),
                "role": person.role.value.upper(),
                "displayName": person.display_name,
                "token": token,
            }
        )
    return listed


def demo_people_endpoint(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return JSONResponse(demo_people(settings), headers={"Cache-Control": "no-store"})

    return endpoint
