"""Idempotency keys: a replayed key with the same input returns the first result."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import orjson
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db.redaction import erased_form
from salonbook.db.tables import idempotency_keys as keys
from salonbook.domain.errors import IdempotencyConflict


@dataclass(frozen=True, slots=True)
class KeyUse:
    actor_id: UUID
    key: str
    operation: str
    request_hash: str


def key_use(
    *, actor_id: UUID, key: str | None, operation: str, request: dict[str, Any]
) -> KeyUse | None:
    """The request's use of its idempotency key (None: the client sent none); a replay must
    repeat the operation and the request, compared by digest."""
    if key is None:
        return None
    canonical = orjson.dumps(request, option=orjson.OPT_SORT_KEYS, default=str)
    digest = hashlib.sha256(operation.encode() + b"\0" + canonical).hexdigest()
    return KeyUse(actor_id=actor_id, key=key, operation=operation, request_hash=digest)


class KeyTakenMeanwhile(Exception):
    """Another request with the same key committed first; replay its result."""


async def stored_result(
    connection: AsyncConnection, *, use: KeyUse, now: datetime, ttl: timedelta
) -> dict[str, Any] | None:
    """The first result for this key, None if the key is new (or expired).

    Requests with one key take turns (a transaction-scoped advisory lock), so a replay that
    arrives while the first request is still running waits for it and returns its result
    instead of doing the work a second time."""
    await connection.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"{use.actor_id}:{use.key}"},
    )
    row = (
        await connection.execute(
            select(keys.c.operation, keys.c.request_hash, keys.c.result).where(
                keys.c.actor_id == use.actor_id,
                keys.c.key.in_((use.key, erased_form(use.key))),  # also after an erasure
                keys.c.created_at > now - ttl,
            )
        )
    ).first()
    if row is None:
        return None
    if row.operation != use.operation or row.request_hash != use.request_hash:
        raise IdempotencyConflict("this idempotency key was used with a different input")
    result: dict[str, Any] = row.result
    return result


async def remember(
    connection: AsyncConnection,
    *,
    use: KeyUse,
    result: dict[str, Any],
    now: datetime,
    ttl: timedelta,
) -> None:
    """Store the result in the change's own transaction; an expired key is taken over."""
    values = {"operation": use.operation, "request_hash": use.request_hash, "result": result}
    statement = (
        insert(keys)
        .values(actor_id=use.actor_id, key=use.key, created_at=now, **values)
        .on_conflict_do_update(
            index_elements=[keys.c.actor_id, keys.c.key],
            set_={**values, "created_at": now},
            where=keys.c.created_at <= now - ttl,
        )
        .returning(keys.c.key)
    )
    if (await connection.execute(statement)).one_or_none() is None:
        raise KeyTakenMeanwhile(use.key)
