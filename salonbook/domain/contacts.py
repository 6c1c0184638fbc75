"""Who may read a person's contact details (email, phone); a display name is for everyone who
may see the person at all.

- everyone their own;
- admins and the system everyone's (they run the salon and its messages);
- a stylist the customer of a booking of theirs, read through that booking: they call about
  the appointment. Not a colleague's, not a customer's seen any other way;
- a customer no one else's: they book a stylist by name, and talk to the salon.

Results of a live event are shared between subscribers with the same `audience`, so this rule
depends only on what is the same for all of them (their role, and who they are unless their
role sees everything)."""

from __future__ import annotations

import enum
from uuid import UUID

from salonbook.domain.model import Actor, BookingFacts
from salonbook.domain.roles import Role


class ContactGrant(enum.Enum):
    """One way a viewer may come to read someone's contact details."""

    EVERYONE = "everyone"
    THEMSELVES = "the viewer themselves"
    CUSTOMERS_OF_OWN_BOOKINGS = "the customer of a booking of the viewer's, seen through it"


_EVERYONE = frozenset({ContactGrant.EVERYONE})
_THEMSELVES = frozenset({ContactGrant.THEMSELVES})
_STYLIST = frozenset({ContactGrant.THEMSELVES, ContactGrant.CUSTOMERS_OF_OWN_BOOKINGS})


def contact_grants(viewer: Actor) -> frozenset[ContactGrant]:
    """The grants a viewer holds: the rule above. A read planned in SQL asks this and states
    each grant as a condition (salonbook/api/planned/sql.py); `can_see_contact` applies them."""
    if viewer.role.sees_everything:
        return _EVERYONE
    return _STYLIST if viewer.role is Role.STYLIST else _THEMSELVES


def can_see_contact(viewer: Actor, person_id: UUID, *, booking: BookingFacts | None) -> bool:
    """`booking` is the booking through which the person is seen, if any."""
    grants = contact_grants(viewer)
    if ContactGrant.EVERYONE in grants:
        return True
    if ContactGrant.THEMSELVES in grants and viewer.person_id == person_id:
        return True
    return (
        ContactGrant.CUSTOMERS_OF_OWN_BOOKINGS in grants
        and booking is not None
        and booking.stylist_id == viewer.person_id
        and booking.customer_id == person_id
    )
