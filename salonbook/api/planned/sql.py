"""The one statement of a planned read: the bookings with every nested object the selection
asks for, each built by PostgreSQL as the JSON the response carries (keys as selected, values
as strawberry serializes them), so Python splices it in as it is.

The viewer's rules come from salonbook/domain: which bookings (db/bookings.py: visible_sql),
whose contact details (domain/contacts.py: contact_grants), who sees the client details of
the audit (domain/model.py: sees_client_details). Statement texts are cached per selection and
per what the rules answer for the viewer."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from salonbook.api.planned.selection import Selected
from salonbook.db.bookings import visible_sql
from salonbook.domain.contacts import ContactGrant
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus

VIEWER = "$viewer"
"""Where a statement takes the viewer's id: its last parameter, when it needs it at all (a
parameter the text does not use would leave PostgreSQL without its type)."""

CACHED_STATEMENTS = 256

BOOKING_COLUMNS = (
    "id, customer_id, stylist_id, service_id, start_time, end_time, status, price_cents,"
    " currency, version, status_changed_at, created_at, updated_at, cancel_reason,"
    " cancel_actor_role, refund_policy, refund_cents, created_outside_hours_reason"
)
"""What db/bookings.py's booking_from_row reads."""


@dataclass(frozen=True, slots=True)
class Rules:
    """What the domain answers for the viewer, as far as the statement's text depends on it."""

    role: Role
    contact_grants: frozenset[ContactGrant]
    client_details: bool


def time(expr: str) -> str:
    """A timestamptz as `datetime.isoformat()` writes what the driver reads (UTC, microseconds
    only when there are any): the DateTime scalar's serialization."""
    utc = f"({expr} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN"
        f" extract(microseconds FROM {utc})::bigint % 1000000 = 0 THEN ''"
        f" ELSE to_char({utc}, '.US') END || '+00:00')"
    )


def enum_name(expr: str, kind: type[enum.Enum]) -> str:
    """A stored enum value as GraphQL names it (the member's name)."""
    if all(member.name == member.value for member in kind):
        return expr
    cases = " ".join(f"WHEN '{member.value}' THEN '{member.name}'" for member in kind)
    return f"(CASE {expr} {cases} END)"


def _contact(grants: frozenset[ContactGrant]) -> str:
    """domain/contacts.py's grants, each as its condition on the person `p` seen through the
    booking `b`."""
    conditions = {
        ContactGrant.EVERYONE: "TRUE",
        ContactGrant.THEMSELVES: f"p.id = {VIEWER}",
        ContactGrant.CUSTOMERS_OF_OWN_BOOKINGS: (
            f"(b.stylist_id = {VIEWER} AND b.customer_id = p.id)"
        ),
    }
    held = [conditions[grant] for grant in ContactGrant if grant in grants]
    return " OR ".join(held) if held else "FALSE"


Column = Callable[[str, Rules], str]
"""A field's SQL expression, given its row's alias and the viewer's rules."""


def _plain(column: str) -> Column:
    return lambda a, _: f"{a}.{column}"


def _text(column: str) -> Column:
    return lambda a, _: f"{a}.{column}::text"


def _time(column: str) -> Column:
    return lambda a, _: time(f"{a}.{column}")


def _enum(column: str, kind: type[enum.Enum]) -> Column:
    return lambda a, _: enum_name(f"{a}.{column}", kind)


def _contact_column(column: str) -> Column:
    return lambda a, rules: f"CASE WHEN {_contact(rules.contact_grants)} THEN {a}.{column} END"


def _client_detail(column: str) -> Column:
    return lambda a, rules: f"{a}.{column}" if rules.client_details else "NULL"


_AUDITED = {
    "actorId": _text("actor_id"),
    "actorRole": _enum("actor_role", Role),
    "reason": _plain("reason"),
    "ipAddress": _client_detail("ip_address"),
    "userAgent": _client_detail("user_agent"),
    "createdAt": _time("created_at"),
}

COLUMNS: Mapping[str, Mapping[str, Column]] = {
    "Person": {
        "id": _text("id"),
        "role": _enum("role", Role),
        "displayName": _plain("display_name"),
        "email": _contact_column("email"),
        "phone": _contact_column("phone"),
    },
    "Service": {
        "id": _text("id"),
        "name": _plain("name"),
        "durationMinutes": _plain("duration_minutes"),
        "priceCents": _plain("price_cents"),
        "currency": _plain("currency"),
        "active": _plain("active"),
        "bufferMinutes": _plain("buffer_minutes"),
    },
    "BookingStatusChange": {
        "id": _text("id"),
        "fromStatus": _enum("from_status", BookingStatus),
        "toStatus": _enum("to_status", BookingStatus),
        "action": _enum("action", BookingAction),
        **_AUDITED,
    },
    "BookingReschedule": {
        "id": _text("id"),
        "oldStartTime": _time("old_start"),
        "oldEndTime": _time("old_end"),
        "newStartTime": _time("new_start"),
        "newEndTime": _time("new_end"),
        **_AUDITED,
    },
    "StylistNote": {  # raw: the body's HTML is rendered in Python
        "id": _text("id"),
        "authorId": _text("author_id"),
        "body": _plain("body"),
        "redacted": lambda a, _: f"({a}.redacted_at IS NOT NULL)",
        "createdAt": _time("created_at"),
    },
}
"""The types built in SQL, their fields' expressions. (StylistNote: all of them, always.)"""


def _object(type_name: str, alias: str, fields: tuple[Selected, ...], rules: Rules) -> str:
    columns = COLUMNS[type_name]
    pairs = []
    for field in fields:
        if field.name == "__typename":
            value = f"'{type_name}'"
        else:
            value = columns[field.name](alias, rules)
        pairs.append(f"'{field.key}', {value}")
    return f"json_build_object({', '.join(pairs)})"


def _notes_object(alias: str, rules: Rules) -> str:
    columns = COLUMNS["StylistNote"]
    pairs = [f"'{name}', {column(alias, rules)}" for name, column in columns.items()]
    return f"json_build_object({', '.join(pairs)})"


def _nested(field: Selected, rules: Rules) -> str:
    """The subquery of one nested field of the booking `b`, as JSON."""
    name, children = field.name, field.children
    if name in ("customer", "stylist"):
        person = _object("Person", "p", children, rules)
        return f"(SELECT {person} FROM people p WHERE p.id = b.{name}_id)"
    if name == "service":
        service = _object("Service", "s", children, rules)
        return f"(SELECT {service} FROM services s WHERE s.id = b.service_id)"
    if name == "statusHistory":
        change = _object("BookingStatusChange", "h", children, rules)
        return (
            f"(SELECT coalesce(json_agg({change} ORDER BY h.id), '[]') FROM"
            " booking_status_history h WHERE h.booking_id = b.id)"
        )
    if name == "reschedules":
        move = _object("BookingReschedule", "r", children, rules)
        return (
            f"(SELECT coalesce(json_agg({move} ORDER BY r.id), '[]') FROM"
            " booking_reschedules r WHERE r.booking_id = b.id)"
        )
    assert name == "notes", name
    note = _notes_object("n", rules)
    return (
        f"(SELECT coalesce(json_agg({note} ORDER BY n.created_at, n.id), '[]') FROM"
        " stylist_notes n WHERE n.booking_id = b.id)"
    )


IN_SQL = frozenset({"customer", "stylist", "service", "statusHistory", "reschedules", "notes"})
"""The booking's fields whose JSON the statement builds (see column_of)."""


def column_of(field: Selected) -> str:
    """The result column that carries a nested field's JSON."""
    return f"j_{field.key}"


@dataclass(frozen=True, slots=True)
class Statement:
    text: str
    parameters: tuple[str, ...]
    """The names of its parameters, in order (`viewer`: the viewer's id)."""


CONDITIONS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "id": ("b.id = ${}::uuid", ("id",)),
    "statuses": ("b.status = ANY(${}::text[])", ("statuses",)),
    "stylist_id": ("b.stylist_id = ${}::uuid", ("stylist_id",)),
    "customer_id": ("b.customer_id = ${}::uuid", ("customer_id",)),
    "starts_after": ("b.start_time >= ${}::timestamptz", ("starts_after",)),
    "starts_before": ("b.start_time < ${}::timestamptz", ("starts_before",)),
    "after": ("(b.start_time, b.id) > (${}::timestamptz, ${}::uuid)", ("after_start", "after_id")),
}
"""db/pages.py's conditions: each one's SQL, and the names of the parameters it takes."""


@lru_cache(maxsize=CACHED_STATEMENTS)
def statement(
    node: tuple[Selected, ...], rules: Rules, conditions: tuple[str, ...], *, page: bool
) -> Statement:
    """The statement of a page (ordered, its size the last parameter) or of one booking, with
    these CONDITIONS beside the viewer's visibility."""
    # as text: the pool's connections decode json columns (SQLAlchemy's codec), not wanted here
    nested = [f'{_nested(s, rules)}::text AS "{column_of(s)}"' for s in node if s.name in IN_SQL]
    columns = ", ".join("b." + column for column in BOOKING_COLUMNS.split(", "))
    where = [visible_sql(rules.role, alias="b", person=VIEWER)]
    parameters: list[str] = []
    for name in conditions:
        condition, takes = CONDITIONS[name]
        first = len(parameters) + 1
        where.append(condition.format(*range(first, first + len(takes))))
        parameters.extend(takes)
    text = f"SELECT {', '.join([columns, *nested])} FROM bookings b WHERE {' AND '.join(where)}"
    if page:
        parameters.append("limit")
        text += f" ORDER BY b.start_time, b.id LIMIT ${len(parameters)}::int"
    if VIEWER in text:
        parameters.append("viewer")
        text = text.replace(VIEWER, f"${len(parameters)}::uuid")
    return Statement(text, tuple(parameters))
