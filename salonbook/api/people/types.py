"""The Person type: contact details only for the viewers who may read them."""

from __future__ import annotations

import strawberry

from salonbook.api.plain_fields import UNSET_ID
from salonbook.db.people import Person as PersonRecord
from salonbook.domain.contacts import can_see_contact
from salonbook.domain.model import Actor, BookingFacts
from salonbook.domain.roles import Role

_CONTACT = "Null unless the viewer may read this person's contact details."


@strawberry.type(name="Person")
class PersonType:
    record: strawberry.Private[PersonRecord]
    viewer: strawberry.Private[Actor]
    through: strawberry.Private[BookingFacts | None] = None
    """The booking the person is seen through, if any (salonbook/domain/contacts.py)."""
    id: strawberry.ID = UNSET_ID
    role: Role = Role.CUSTOMER
    display_name: str = ""
    email: str | None = strawberry.field(default=None, description=_CONTACT)
    phone: str | None = strawberry.field(default=None, description=_CONTACT)

    def __post_init__(self) -> None:
        record = self.record
        self.id = strawberry.ID(str(record.id))
        self.role = record.role
        self.display_name = record.display_name
        if can_see_contact(self.viewer, record.id, booking=self.through):
            self.email = record.email
            self.phone = record.phone
