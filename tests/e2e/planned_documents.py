"""The documents the planned-read tests send: the bench's week query, the dashboard's, and some
that exercise aliases, fragments, __typename and every nested object."""

from __future__ import annotations

from bench.dashboard import WEEK

# as in web/dashboard/src/documents.ts
ROW = """fragment Row on Booking {
  id status startTime endTime version priceCents currency
  service { name } customer { id displayName } stylist { id displayName }
  availableActions { action requiresReason requiresConfirmation warning availableUntil }
  suggestedAction
}"""
CHANGE = """fragment Change on BookingStatusChange {
  id fromStatus toStatus action actorId actorRole reason ipAddress userAgent createdAt
}"""
NOTE = "fragment NoteFields on StylistNote { id authorId bodyHtml createdAt }"
PAGE = f"""query Page($after: String, $filter: BookingFilter) {{
  bookings(first: 50, after: $after, filter: $filter) {{
    eventsCursor
    edges {{ node {{ ...Row }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
{ROW}"""
DETAIL = f"""query Detail($id: ID!) {{
  booking(id: $id) {{ ...Row statusHistory {{ ...Change }} notes {{ ...NoteFields }} }}
}}
{ROW}
{CHANGE}
{NOTE}"""

EVERYTHING = """fragment Everything on Booking {
  __typename id status startTime endTime version priceCents currency createdAt updatedAt
  outsideHoursReason
  cancellation { __typename reason actorRole refundPolicy refundCents }
  customer { __typename id role displayName email phone }
  who: stylist { id role displayName email phone }
  service { __typename id name durationMinutes priceCents currency active }
  statusHistory { __typename id fromStatus toStatus action actorId actorRole reason ipAddress
    userAgent createdAt }
  reschedules { __typename id oldStartTime oldEndTime newStartTime newEndTime actorId actorRole
    reason ipAddress userAgent createdAt }
  notes { __typename id authorId body bodyHtml redacted createdAt }
  availableActions { __typename action requiresReason requiresConfirmation warning
    availableUntil }
  suggestedAction
}"""
MIXED_PAGES = f"""query Mixed($f: BookingFilter, $size: Int, $after: String) {{
  __typename
  small: bookings(first: $size, after: $after, filter: $f) {{
    __typename
    pageInfo {{ __typename hasNextPage hasPreviousPage startCursor endCursor }}
    edges {{ __typename cursor n: node {{ ...Everything ... on Booking {{ s: status }} }} }}
  }}
  bookings {{ edges {{ node {{ id when: startTime ... {{ customer {{ email }} }} }} }} }}
}}
{EVERYTHING}"""
ONE = f"""query One($id: ID!) {{
  it: booking(id: $id) {{ ...Everything again: id }}
  same: booking(id: $id) {{ status customer {{ displayName }} }}
}}
{EVERYTHING}"""

PLANNED = {
    "week": WEEK,
    "dashboard page": PAGE,
    "dashboard detail": DETAIL,
    "aliases, fragments, every field": MIXED_PAGES,
    "one booking, every field": ONE,
}

NOT_PLANNED = {
    "another root field": "query { me { id } bookings { edges { node { id } } } }",
    "a directive": """query($x: Boolean!) {
      bookings { edges { node { id customer @include(if: $x) { id } } } } }""",
    "introspection": """query { __type(name: "Booking") { name }
      booking(id: "00000000-0000-0000-0000-000000000000") { id } }""",
}
