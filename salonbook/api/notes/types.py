"""The StylistNote type: the Markdown source and its sanitised HTML."""

from __future__ import annotations

from datetime import datetime

import strawberry

from salonbook.api.notes.markdown import render_note
from salonbook.db.notes import Note


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
