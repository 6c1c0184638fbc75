"""The strawberry Schema: every query, mutation and subscription, and the module it lives in.

The schema's extension is passed as a class: strawberry makes a fresh one per operation."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from salonbook.api import availability
from salonbook.api.bookings import queries as booking_queries
from salonbook.api.bookings.mutations import (
    create_booking,
    delete_booking,
    reschedule_booking,
    transition_booking,
)
from salonbook.api.execution.extension import OperationEnvelope
from salonbook.api.execution.stages import StagesRunner
from salonbook.api.notes.mutations import add_stylist_note
from salonbook.api.people import queries as people_queries
from salonbook.api.people.mutations import erase_person, upsert_person
from salonbook.api.planned.executor import PlannedReads
from salonbook.api.scalars import SCALAR_MAP
from salonbook.api.schedules import queries as schedule_queries
from salonbook.api.schedules.mutations import (
    add_closure,
    add_time_off,
    remove_closure,
    remove_time_off,
    set_salon_schedule,
    set_working_hours,
)
from salonbook.api.services import queries as service_queries
from salonbook.api.services.mutations import upsert_service
from salonbook.api.subscriptions import subscription


@strawberry.type
class Query:
    me = people_queries.me
    stylists = people_queries.stylists
    booking = booking_queries.booking
    bookings = booking_queries.bookings
    services = service_queries.services
    salon_schedule = schedule_queries.salon_schedule
    stylist_schedule = schedule_queries.stylist_schedule
    schedule_changes = schedule_queries.schedule_changes
    availability = availability.availability


@strawberry.type
class Mutation:
    reschedule_booking = reschedule_booking.reschedule_booking
    add_stylist_note = add_stylist_note.add_stylist_note
    delete_booking = delete_booking.delete_booking
    erase_person = erase_person.erase_person
    create_booking = create_booking.create_booking
    transition_booking = transition_booking.transition_booking
    upsert_service = upsert_service.upsert_service
    upsert_person = upsert_person.upsert_person
    set_salon_schedule = set_salon_schedule.set_salon_schedule
    set_working_hours = set_working_hours.set_working_hours
    add_time_off = add_time_off.add_time_off
    remove_time_off = remove_time_off.remove_time_off
    add_closure = add_closure.add_closure
    remove_closure = remove_closure.remove_closure


@strawberry.type
class Subscription:
    booking_events = subscription.booking_events


class SalonbookSchema(Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Error shaping (api/execution/top_level_errors.py) logs what needs logging;
        strawberry's default would log our typed top-level errors (NOT_FOUND and the like) as
        server errors."""

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        """Stages no extension hooks into cost nothing (api/execution/stages.py)."""
        return StagesRunner(execution_context=execution_context, extensions=extensions)


def build_schema() -> Schema:
    return SalonbookSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[OperationEnvelope],
        execution_context_class=PlannedReads,  # queries a plan covers; else as before
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
    )


schema = build_schema()
