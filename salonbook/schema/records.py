"""StylistNote and BookingReschedule: the entries that hang off a booking beside its status."""

from __future__ import annotations

from datetime import datetime

import strawberry

from salonbook.db.notes import Note
from salonbook.db.reschedules import Reschedule
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.schema.markdown import render_note


@strawberry.type
class StylistNote:
    record: strawberry.Private[Note]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def author_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.author_id))

    @strawberry.field(description="The Markdown source (bold, italic, bullet lists).")
    def body(self) -> str:
        return self.record.body

    @strawberry.field(description="The body rendered to sanitised HTML.")
    def body_html(self) -> str:
        return render_note(self.record.body)

    @strawberry.field
    def redacted(self) -> bool:
        return self.record.redacted

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at


@strawberry.type
class BookingReschedule:
    record: strawberry.Private[Reschedule]
    viewer: strawberry.Private[Actor]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def old_start_time(self) -> datetime:
        return self.record.old_start

    @strawberry.field
    def old_end_time(self) -> datetime:
        return self.record.old_end

    @strawberry.field
    def new_start_time(self) -> datetime:
        return self.record.new_start

    @strawberry.field
    def new_end_time(self) -> datetime:
        return self.record.new_end

    @strawberry.field
    def actor_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.actor_id))

    @strawberry.field
    def actor_role(self) -> Role:
        return self.record.actor_role

    @strawberry.field
    def reason(self) -> str | None:
        return self.record.reason

    @strawberry.field(description="Only for admin and system viewers.")
    def ip_address(self) -> str | None:
        return self.record.ip_address if self.viewer.role.sees_everything else None

    @strawberry.field(description="Only for admin and system viewers.")
    def user_agent(self) -> str | None:
        return self.record.user_agent if self.viewer.role.sees_everything else None

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at
