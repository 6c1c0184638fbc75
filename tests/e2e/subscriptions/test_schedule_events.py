"""A schedule change is a SCHEDULE_CHANGED event, in cursor order with every other: admins and
customers hear of every one, a stylist of the salon-wide ones and their own; a subscription
filtered by a booking hears of none, one filtered by a stylist of theirs and the salon-wide
ones. The notice says kind and stylist only, never the reason."""

from __future__ import annotations

from datetime import timedelta

from starlette.applications import Starlette

from salonbook.domain.statuses import BookingStatus
from tests.e2e.planned_documents import CHANGE, NOTE, ROW
from tests.e2e.schedules.calls import ADD_CLOSURE, ADD_TIME_OFF, REMOVE_CLOSURE, call
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.streams import caught_up, tailer, until_feeds

EVENTS = """
subscription($filter: BookingEventFilter) {
  bookingEvents(filter: $filter) {
    cursor kind bookingId booking { id } scheduleChange { kind stylistId } } }
"""


async def test_schedule_changes_reach_those_who_may_see_that_stylist_in_order(
    app: Starlette, api: Api, factory: Factory, live: str
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    stylist_id = str(party.stylist.id)
    start = factory.clock.now() + timedelta(days=700)
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with (
        ws_client(live, token=factory.token(party.admin)) as admin,
        ws_client(live, token=factory.token(party.stylist)) as stylist,
        ws_client(live, token=factory.token(party.other_stylist)) as other_stylist,
        ws_client(live, token=factory.token(party.customer)) as customer,
        ws_client(live, token=factory.token(party.admin)) as by_booking,
        ws_client(live, token=factory.token(party.admin)) as by_other_stylist,
    ):
        clients = {
            "admin": (admin, {}),
            "stylist": (stylist, {}),
            "other_stylist": (other_stylist, {}),
            "customer": (customer, {}),
            "by_booking": (by_booking, {"filter": {"bookingId": str(booking.id)}}),
            "by_other_stylist": (
                by_other_stylist,
                {"filter": {"stylistId": str(party.other_stylist.id)}},
            ),
        }
        operations = {
            name: await client.subscribe(EVENTS, variables)
            for name, (client, variables) in clients.items()
        }
        await until_feeds(app, feeds + len(operations))
        time_off = {
            "stylistId": stylist_id,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=2)).isoformat(),
            "reason": "secret",
        }
        assert (await call(api, factory, party.stylist, ADD_TIME_OFF, time_off))["__typename"] == (
            "AddTimeOffSuccess"
        )
        closure = {
            "start": (start + timedelta(days=1)).isoformat(),
            "end": (start + timedelta(days=2)).isoformat(),
            "reason": "secret",
        }
        added = await call(api, factory, party.admin, ADD_CLOSURE, closure)
        theirs: dict[str, str | None] = {"kind": "TIME_OFF_ADDED", "stylistId": stylist_id}
        salon_wide: dict[str, str | None] = {"kind": "CLOSURE_ADDED", "stylistId": None}
        expected: dict[str, list[dict[str, str | None]]] = {
            "admin": [theirs, salon_wide],
            "stylist": [theirs, salon_wide],
            "customer": [theirs, salon_wide],
            "other_stylist": [salon_wide],
            "by_other_stylist": [salon_wide],
        }
        for name, notices in expected.items():
            client = clients[name][0]
            got = await client.events(operations[name], len(notices))
            assert [event["scheduleChange"] for event in got] == notices
            assert {(e["kind"], e["bookingId"], e["booking"]) for e in got} == {
                ("SCHEDULE_CHANGED", None, None)
            }
            cursors = [event["cursor"] for event in got]
            assert len(set(cursors)) == len(cursors)
            await client.silence(operations[name])
        await by_booking.silence(operations["by_booking"])
        removal = {"closureId": added["closure"]["id"], "reason": "done"}
        assert (await call(api, factory, party.admin, REMOVE_CLOSURE, removal))["__typename"] == (
            "RemoveClosureSuccess"
        )


# the dashboard's subscription, as in web/dashboard/src/documents.ts
DASHBOARD_EVENTS = f"""subscription Events($after: String) {{
  bookingEvents(after: $after) {{
    cursor kind bookingId
    booking {{ ...Row }}
    statusChange {{ ...Change }}
    note {{ ...NoteFields }}
    scheduleChange {{ kind stylistId }}
  }}
}}
{ROW}
{CHANGE}
{NOTE}"""


async def test_the_dashboards_subscription_takes_a_schedule_change_without_a_booking(
    app: Starlette, api: Api, factory: Factory, live: str
) -> None:
    party = await factory.party()
    start = factory.clock.now() + timedelta(days=800)
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with ws_client(live, token=factory.token(party.stylist)) as stylist:
        operation = await stylist.subscribe(DASHBOARD_EVENTS, {})
        await until_feeds(app, feeds + 1)
        time_off = {
            "stylistId": str(party.stylist.id),
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
            "reason": "off",
        }
        assert (await call(api, factory, party.stylist, ADD_TIME_OFF, time_off))["__typename"] == (
            "AddTimeOffSuccess"
        )
        message = await stylist.next(operation)
        assert message["type"] == "next"
        assert "errors" not in message["payload"]
        event = message["payload"]["data"]["bookingEvents"]
        assert {k: v for k, v in event.items() if k != "cursor"} == {
            "kind": "SCHEDULE_CHANGED",
            "bookingId": None,
            "booking": None,
            "statusChange": None,
            "note": None,
            "scheduleChange": {"kind": "TIME_OFF_ADDED", "stylistId": str(party.stylist.id)},
        }
