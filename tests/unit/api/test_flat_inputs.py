"""Flat inputs are built straight from the input value, exactly as strawberry's field-by-field
conversion would build them; an input that is not flat is refused when it is declared."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import strawberry
from strawberry.types.arguments import InputContext, convert_argument

from salonbook.api.bookings.filter import BookingFilter
from salonbook.api.bookings.mutations.create_booking import CreateBookingInput
from salonbook.api.bookings.mutations.transition_booking import TransitionBookingInput
from salonbook.api.execution.input_conversion import built_directly
from salonbook.api.schema import schema
from salonbook.domain.statuses import BookingAction, BookingStatus

CONFIG = schema.config
SCALARS = schema.schema_converter.scalar_registry
CASES: list[tuple[type, dict[str, Any]]] = [
    (TransitionBookingInput, {"bookingId": "b-1", "action": BookingAction.START}),
    (
        TransitionBookingInput,
        {
            "bookingId": "b-2",
            "action": BookingAction.CANCEL,
            "reason": "ill",
            "expectedVersion": 3,
            "idempotencyKey": "k",
        },
    ),
    (
        CreateBookingInput,
        {"stylistId": "s", "serviceId": "v", "startTime": datetime(2026, 12, 3, 9, tzinfo=UTC)},
    ),
    (
        BookingFilter,
        {"statuses": [BookingStatus.CONFIRMED, BookingStatus.PENDING], "stylistId": "s"},
    ),
    (BookingFilter, {}),
]


def _strawberrys_own(cls: type, value: dict[str, Any]) -> Any:
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    built, definition.from_input = definition.from_input, None
    try:
        return convert_argument(value, cls, SCALARS, CONFIG)
    finally:
        definition.from_input = built


@pytest.mark.parametrize(("cls", "value"), CASES)
def test_a_flat_input_is_what_strawberry_would_build(cls: type, value: dict[str, Any]) -> None:
    direct = convert_argument(value, cls, SCALARS, CONFIG)

    assert direct == _strawberrys_own(cls, value)
    assert type(direct) is cls


def test_a_list_in_an_input_is_a_copy() -> None:
    statuses = [BookingStatus.CONFIRMED]

    built = convert_argument({"statuses": statuses}, BookingFilter, SCALARS, CONFIG)
    assert isinstance(built, BookingFilter)

    assert built.statuses == statuses
    assert built.statuses is not statuses  # graphql-core may hand the same default to others


def test_an_input_that_is_not_flat_is_refused() -> None:
    @strawberry.input
    class Inner:
        name: str

    @strawberry.input
    class Outer:
        inner: Inner

    with pytest.raises(TypeError, match=r"Outer\.inner is not a scalar, enum or list"):
        built_directly(Outer)


def test_the_hook_receives_strawberrys_context() -> None:
    seen: list[InputContext] = []
    definition = TransitionBookingInput.__strawberry_definition__  # type: ignore[attr-defined]
    built = definition.from_input

    def spy(cls: type, value: Any, context: InputContext) -> Any:
        seen.append(context)
        return built(cls, value, context)

    definition.from_input = spy
    try:
        value = {"bookingId": str(uuid.uuid4()), "action": BookingAction.START}
        convert_argument(value, TransitionBookingInput, SCALARS, CONFIG, path=("input",))
    finally:
        definition.from_input = built
    assert [context.path for context in seen] == [("input",)]
