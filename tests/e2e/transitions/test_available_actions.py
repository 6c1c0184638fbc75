"""availableActions and suggestedAction agree with the transition table of docs/rules.md, as
written out by hand in tests/e2e/transitions/spec_transitions.py, at the moment the viewer asks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.transitions.spec_transitions import (
    ACTIONS,
    ADMIN,
    CUSTOMER,
    OWN_ACTORS,
    STATUSES,
    STYLIST,
    SYSTEM,
    Actor,
    Moment,
    expected_outcome,
    requires_reason,
)
from tests.e2e.transitions.transition_calls import arrange, person_of
from tests.support.factory import ApiFactory

MINUTE = timedelta(minutes=1)
AVAILABLE = """
query($id: ID!) {
  booking(id: $id) {
    availableActions { action requiresReason requiresConfirmation warning }
    suggestedAction
  }
}
"""
MOMENTS = {
    "day-ahead": Moment(after_start=-timedelta(days=1), since_change=MINUTE),
    "10min-before": Moment(after_start=-10 * MINUTE, since_change=10 * MINUTE),
    "2min-in-just-changed": Moment(after_start=2 * MINUTE, since_change=2 * MINUTE),
    "hour-in": Moment(after_start=60 * MINUTE, since_change=10 * MINUTE),
}


async def _ask(factory: ApiFactory, party: Any, booking_id: Any, viewer: Actor) -> dict[str, Any]:
    body = await factory.api.gql(
        AVAILABLE, {"id": str(booking_id)}, token=factory.token(person_of(party, viewer))
    )
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["booking"]
    return found


def _expected(status: str, viewer: Actor, moment: Moment) -> dict[str, tuple[bool, bool, bool]]:
    """action -> (requiresReason, requiresConfirmation, has a warning), from our own table."""
    return {
        action: (
            requires_reason(status=status, action=action, actor=viewer),
            action in ("CANCEL", "MARK_NO_SHOW"),
            action == "MARK_NO_SHOW",
        )
        for action in ACTIONS
        # the reason is the client's to give: availability is decided without it
        if expected_outcome(
            status=status, action=action, actor=viewer, moment=moment, reason="given"
        )
        is None
    }


@pytest.mark.parametrize("moment_name", list(MOMENTS))
@pytest.mark.parametrize("status", STATUSES)
async def test_available_actions_are_what_the_table_allows_now(
    factory: ApiFactory, status: str, moment_name: str
) -> None:
    moment = MOMENTS[moment_name]
    party, booking_id = await arrange(factory, status=status, moment=moment)

    for viewer in OWN_ACTORS:
        listed = (await _ask(factory, party, booking_id, viewer))["availableActions"]

        shown = {
            a["action"]: (a["requiresReason"], a["requiresConfirmation"], a["warning"] is not None)
            for a in listed
        }
        assert len(shown) == len(listed), listed
        assert shown == _expected(status, viewer, moment), viewer.label
        assert all(a["warning"].strip() for a in listed if a["warning"] is not None)


def test_the_cells_above_show_every_action_somewhere() -> None:
    offered = {
        action
        for status in STATUSES
        for moment in MOMENTS.values()
        for viewer in OWN_ACTORS
        for action in _expected(status, viewer, moment)
    }
    assert offered == set(ACTIONS)


# (status, now - start, viewer, suggestion); the service lasts 60 minutes.
SUGGESTIONS: list[tuple[str, timedelta, Actor, str | None]] = [
    ("CONFIRMED", -timedelta(days=1), STYLIST, None),
    ("CONFIRMED", -16 * MINUTE, STYLIST, None),
    ("CONFIRMED", -15 * MINUTE, STYLIST, "START"),
    ("CONFIRMED", -15 * MINUTE, ADMIN, "START"),
    ("CONFIRMED", 29 * MINUTE, STYLIST, "START"),
    ("CONFIRMED", 30 * MINUTE, STYLIST, "MARK_NO_SHOW"),
    ("CONFIRMED", 30 * MINUTE, ADMIN, "MARK_NO_SHOW"),
    ("CONFIRMED", 3 * 60 * MINUTE, STYLIST, "MARK_NO_SHOW"),
    ("IN_PROGRESS", 10 * MINUTE, STYLIST, None),
    ("IN_PROGRESS", 74 * MINUTE, STYLIST, None),
    ("IN_PROGRESS", 75 * MINUTE, STYLIST, "COMPLETE"),
    ("IN_PROGRESS", 75 * MINUTE, ADMIN, "COMPLETE"),
    ("PENDING", -15 * MINUTE, STYLIST, None),
    ("PENDING", 30 * MINUTE, STYLIST, None),
    ("COMPLETED", 75 * MINUTE, STYLIST, None),
    ("CANCELLED", 30 * MINUTE, STYLIST, None),
    ("NO_SHOW", 30 * MINUTE, STYLIST, None),
    # a suggestion is an action the viewer could take: never one it may not
    ("CONFIRMED", -15 * MINUTE, CUSTOMER, None),
    ("CONFIRMED", 30 * MINUTE, CUSTOMER, None),
    ("CONFIRMED", 30 * MINUTE, SYSTEM, None),
    ("IN_PROGRESS", 75 * MINUTE, CUSTOMER, None),
]


@pytest.mark.parametrize(
    ("status", "after_start", "viewer", "suggestion"),
    [
        pytest.param(*case, id=f"{case[0]}-{Moment(case[1]).label.split('/')[0]}-{case[2].label}")
        for case in SUGGESTIONS
    ],
)
async def test_the_suggested_action_is_one_the_viewer_may_take_now(
    factory: ApiFactory, status: str, after_start: timedelta, viewer: Actor, suggestion: str | None
) -> None:
    moment = Moment(after_start=after_start, since_change=max(after_start, MINUTE))
    party, booking_id = await arrange(factory, status=status, moment=moment)

    found = await _ask(factory, party, booking_id, viewer)

    assert found["suggestedAction"] == suggestion
    if suggestion is not None:
        assert suggestion in {a["action"] for a in found["availableActions"]}
