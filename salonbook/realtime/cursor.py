"""Cursors are snapshots, not ids: event ids do not commit in id order.

A cursor `(P, S, last_id)` says "everything visible in snapshot P, plus the rows of the window
(P, S] up to id last_id". Resuming from it fetches the rows whose transaction is not visible
in P, except those visible in S with id <= last_id (docs/realtime.md#the-cursor says why).

A client hands a cursor back, so it is signed: `<body>.<tag>`, both base64url, the tag a
truncated HMAC-SHA256 of the body under the server's cursor key. A cursor the server did not
make (forged, altered, cut short, signed with another key) is refused before any of it is
read; what a signed one says is checked against the ranges PostgreSQL accepts all the same, so
that a leaked key cannot turn into server errors either."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from salonbook.db.outbox import Snapshot
from salonbook.domain.errors import ValidationFailed

MAX_CURSOR_CHARS = 16_384
"""Two snapshots of a few hundred transactions in progress each fit many times over."""
TAG_BYTES = 16
MAX_BIGINT = 2**63 - 1
"""Event ids are bigints; transaction ids (xid8) are compared as bigints too."""
MAX_ISSUED = int(datetime(9999, 12, 31, tzinfo=UTC).timestamp())
_SNAPSHOT = re.compile(r"[0-9]{1,19}:[0-9]{1,19}:(?:[0-9]{1,19}(?:,[0-9]{1,19})*)?")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def refused() -> ValidationFailed:
    return ValidationFailed("after is not a cursor from this API", field="after")


@dataclass(frozen=True, slots=True)
class EventCursor:
    before: Snapshot
    window: Snapshot
    last_id: int
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class CursorCodec:
    """Signs cursors, and reads back only those it signed; one key per deployment."""

    key: bytes

    def encode(self, cursor: EventCursor) -> str:
        body = orjson.dumps(
            [
                str(cursor.before),
                str(cursor.window),
                cursor.last_id,
                int(cursor.issued_at.timestamp()),
            ]
        )
        return f"{_b64(body)}.{_b64(self._tag(body))}"

    def decode(self, text: str) -> EventCursor:
        """The cursor, or ValidationFailed for anything this server did not sign."""
        if len(text) > MAX_CURSOR_CHARS:
            raise refused()
        encoded_body, dot, encoded_tag = text.partition(".")
        if not dot:
            raise refused()
        body, tag = _unb64(encoded_body), _unb64(encoded_tag)
        if not hmac.compare_digest(tag, self._tag(body)):
            raise refused()
        return _checked(body)

    def _tag(self, body: bytes) -> bytes:
        return hmac.new(self.key, body, hashlib.sha256).digest()[:TAG_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    if not _BASE64URL.fullmatch(text):  # b64decode would skip foreign characters
        raise refused()
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, binascii.Error):
        raise refused() from None


def _checked(body: bytes) -> EventCursor:
    try:
        fields = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise refused() from None
    if not isinstance(fields, list) or len(fields) != 4:
        raise refused()
    before, window, last_id, issued = fields
    if not (_whole(last_id, 0, MAX_BIGINT) and _whole(issued, 0, MAX_ISSUED)):
        raise refused()
    before_snapshot, window_snapshot = _snapshot(before), _snapshot(window)
    # the window follows the snapshot before it
    if window_snapshot.xmin < before_snapshot.xmin or window_snapshot.xmax < before_snapshot.xmax:
        raise refused()
    return EventCursor(
        before=before_snapshot,
        window=window_snapshot,
        last_id=last_id,
        issued_at=datetime.fromtimestamp(issued, UTC),
    )


def _whole(value: object, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _snapshot(text: object) -> Snapshot:
    """A snapshot PostgreSQL would take: xmin is a valid transaction id (not 0), no id is
    past a bigint, and those in progress lie in [xmin, xmax)."""
    if not isinstance(text, str) or not _SNAPSHOT.fullmatch(text):
        raise refused()
    try:
        snapshot = Snapshot.parse(text)
    except ValueError:
        raise refused() from None
    if snapshot.xmin < 1 or snapshot.xmax > MAX_BIGINT:
        raise refused()
    return snapshot
