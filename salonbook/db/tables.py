"""SQLAlchemy Core descriptions of the tables the migrations create (for building queries)."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import INET, JSONB, UUID

metadata = MetaData()


class Columns(Protocol):
    """A row read by column name: an asyncpg record, or a SQLAlchemy row's mapping."""

    def __getitem__(self, name: str, /) -> Any: ...


def _at(name: str, *, nullable: bool = False) -> Column[object]:
    return Column(name, DateTime(timezone=True), nullable=nullable)


people = Table(
    "people",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("role", Text, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("email", Text),
    Column("phone", Text),
    _at("created_at"),
    _at("updated_at"),
    _at("erased_at", nullable=True),
    Column("erased_by", UUID(as_uuid=True)),
    Column("erasure_reason", Text),
)

services = Table(
    "services",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", Text, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("price_cents", Integer, nullable=False),
    Column("currency", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("buffer_minutes", Integer, nullable=False),
    _at("created_at"),
    _at("updated_at"),
)

bookings = Table(
    "bookings",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", UUID(as_uuid=True), nullable=False),
    Column("stylist_id", UUID(as_uuid=True), nullable=False),
    Column("service_id", UUID(as_uuid=True), nullable=False),
    _at("start_time"),
    _at("end_time"),
    Column("status", Text, nullable=False),
    Column("price_cents", Integer, nullable=False),
    Column("currency", Text, nullable=False),
    Column("version", Integer, nullable=False),
    _at("status_changed_at"),
    _at("created_at"),
    _at("updated_at"),
    _at("deleted_at", nullable=True),
    Column("cancel_reason", Text),
    Column("cancel_actor_role", Text),
    Column("refund_policy", Text),
    Column("refund_cents", Integer),
    Column("deleted_by", UUID(as_uuid=True)),
    Column("delete_reason", Text),
    _at("busy_until"),
    Column("created_outside_hours_reason", Text),
)

booking_status_history = Table(
    "booking_status_history",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("booking_id", UUID(as_uuid=True), nullable=False),
    Column("action", Text, nullable=False),
    Column("from_status", Text, nullable=False),
    Column("to_status", Text, nullable=False),
    Column("actor_id", UUID(as_uuid=True), nullable=False),
    Column("actor_role", Text, nullable=False),
    Column("reason", Text),
    Column("ip_address", INET),
    Column("user_agent", Text),
    _at("created_at"),
)

stylist_notes = Table(
    "stylist_notes",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("booking_id", UUID(as_uuid=True), nullable=False),
    Column("author_id", UUID(as_uuid=True), nullable=False),
    Column("body", Text, nullable=False),
    _at("created_at"),
    _at("redacted_at", nullable=True),
)

booking_events = Table(
    "booking_events",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("booking_id", UUID(as_uuid=True)),
    Column("stylist_id", UUID(as_uuid=True)),
    Column("customer_id", UUID(as_uuid=True)),
    Column("kind", Text, nullable=False),
    Column("status_change_id", BigInteger),
    Column("note_id", UUID(as_uuid=True)),
    Column("reschedule_id", BigInteger),
    Column("schedule_change_id", BigInteger),
    _at("occurred_at"),
)

booking_reschedules = Table(
    "booking_reschedules",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("booking_id", UUID(as_uuid=True), nullable=False),
    _at("old_start"),
    _at("old_end"),
    _at("new_start"),
    _at("new_end"),
    Column("actor_id", UUID(as_uuid=True), nullable=False),
    Column("actor_role", Text, nullable=False),
    Column("reason", Text),
    Column("ip_address", INET),
    Column("user_agent", Text),
    _at("created_at"),
)

payment_events = Table(
    "payment_events",
    metadata,
    Column("id", Text, primary_key=True),
    Column("type", Text, nullable=False),
    Column("booking_id", UUID(as_uuid=True)),
    Column("amount_cents", Integer, nullable=False),
    Column("outcome", JSONB, nullable=False),
    _at("received_at"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("actor_id", UUID(as_uuid=True), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("operation", Text, nullable=False),
    Column("request_hash", Text, nullable=False),
    Column("result", JSONB, nullable=False),
    _at("created_at"),
)

person_erasures = Table(
    "person_erasures",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("person_id", UUID(as_uuid=True), nullable=False),
    Column("erased_by", UUID(as_uuid=True), nullable=False),
    Column("reason", Text, nullable=False),
    Column("redacted", JSONB, nullable=False),
    _at("created_at"),
)

salon_settings = Table(
    "salon_settings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("time_zone", Text, nullable=False),
    Column("slot_minutes", Integer, nullable=False),
    Column("opening_hours", JSONB(none_as_null=True)),
    Column("version", Integer, nullable=False),
    _at("updated_at"),
)

stylist_schedules = Table(
    "stylist_schedules",
    metadata,
    Column("stylist_id", UUID(as_uuid=True), primary_key=True),
    Column("working_hours", JSONB(none_as_null=True)),
    Column("outside_opening_hours", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    _at("updated_at"),
)


def _absence(name: str, *, stylist: bool) -> Table:
    return Table(
        name,
        metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        *([Column("stylist_id", UUID(as_uuid=True), nullable=False)] if stylist else []),
        _at("start_time"),
        _at("end_time"),
        Column("reason", Text, nullable=False),
        Column("created_by", UUID(as_uuid=True), nullable=False),
        _at("created_at"),
        _at("removed_at", nullable=True),
        Column("removed_by", UUID(as_uuid=True)),
    )


time_off = _absence("time_off", stylist=True)
closures = _absence("closures", stylist=False)

schedule_changes = Table(
    "schedule_changes",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("stylist_id", UUID(as_uuid=True)),
    Column("actor_id", UUID(as_uuid=True), nullable=False),
    Column("actor_role", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("before", JSONB(none_as_null=True)),
    Column("after", JSONB(none_as_null=True)),
    Column("ip_address", INET),
    Column("user_agent", Text),
    _at("created_at"),
)
