"""Cursors are snapshots, not ids: event ids do not commit in id order.

A cursor `(P, S, last_id)` says "everything visible in snapshot P, plus the rows of the window
(P, S] up to id last_id". Resuming from it fetches the rows whose transaction is not visible
in P, except those visible in S with id <= last_id (see shared/design/realtime-delivery.md)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from salonbook.db.outbox import Snapshot
from salonbook.domain.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class EventCursor:
    before: Snapshot
    window: Snapshot
    last_id: int
    issued_at: datetime

    def encode(self) -> str:
        raw = orjson.dumps(
            [str(self.before), str(self.window), self.last_id, int(self.issued_at.timestamp())]
        )
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> EventCursor:
        try:
            padded = text + "=" * (-len(text) % 4)
            before, window, last_id, issued = orjson.loads(base64.urlsafe_b64decode(padded))
            return cls(
                before=Snapshot.parse(before),
                window=Snapshot.parse(window),
                last_id=int(last_id),
                issued_at=datetime.fromtimestamp(int(issued), UTC),
            )
        except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
            raise ValidationFailed("after is not a cursor from this API", field="after") from None
