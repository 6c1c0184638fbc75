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

from uuid import UUID

from salonbook.domain.model import Actor, BookingFacts
from salonbook.domain.roles import Role


def can_see_contact(viewer: Actor, person_id: UUID, *, booking: BookingFacts | None) -> bool:
    """`booking` is the booking through which the person is seen, if any."""
    if viewer.person_id == person_id or viewer.role.sees_everything:
        return True
    return (
        booking is not None
        and viewer.role is Role.STYLIST
        and booking.stylist_id == viewer.person_id
        and booking.customer_id == person_id
    )
