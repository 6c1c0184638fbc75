"""The GraphQL side of live delivery (salonbook/realtime/live.py) over graphql-transport-ws.

Each operation's task knows its socket and operation id (set by LiveTransportWS) and, once its
event stream starts, its executor (set by SharedEventResults). From those, `live_sink` builds
what the tailer needs to deliver the subscription's events without the subscriber's task: run
the selection set on an event as strawberry would for this subscriber (through the same shared
cache), shape the errors as the schema's extension does, encode the payload once, and write
`next` messages that differ only by their operation id."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import ExecutionResult, execute_subscription_event
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
)

from salonbook.api.context import RequestContext
from salonbook.api.execution.top_level_errors import shape_error
from salonbook.api.subscriptions.closing import TRY_AGAIN_LATER, close_code, describe
from salonbook.api.subscriptions.connection import CallerUnavailable
from salonbook.api.subscriptions.shared_results import subscription_executor
from salonbook.domain.model import Actor, audience
from salonbook.realtime.types import Delivery, LiveSink

Handler = BaseGraphQLTransportWSHandler[RequestContext, None]
log = logging.getLogger("salonbook.websockets")


@dataclass(frozen=True, slots=True)
class Outlet:
    handler: Handler
    operation: Operation[RequestContext, None]


_outlet: ContextVar[Outlet | None] = ContextVar("salonbook_ws_operation", default=None)


class LiveTransportWS(Handler):
    """strawberry's graphql-transport-ws handler, telling each operation where it runs.

    Whatever fails on a websocket ends in a close code and one log line, never in a stack
    trace from the ASGI server (and a 1006 for the client): 1013 (try again later) when the
    database is away or the server overloaded, which graphql-ws clients retry; 1011 for our
    own bug. Nothing is sent on a socket once it is being closed."""

    closing = False

    async def handle(self) -> None:
        try:
            await super().handle()
        except Exception as error:
            await self.close_for(error, "the websocket")

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except CallerUnavailable as unavailable:
            await self.close_for(unavailable, "connection_init")

    async def handle_task_exception(self, error: Exception) -> None:
        await self.close_for(error, "an operation")

    async def send_message(self, message: Message) -> None:
        if not self.closing:
            await super().send_message(message)

    async def close_for(self, error: BaseException, what: str) -> None:
        """Close the socket with the code the error deserves; one line in the log."""
        code = close_code(error)
        if code == TRY_AGAIN_LATER:
            log.warning("%s: %s; closed with 1013 (try again later)", what, describe(error))
        else:
            log.error("%s failed: %s; closed with 1011", what, describe(error))
        await self.close(code, "try again later" if code == TRY_AGAIN_LATER else "internal error")

    async def close(self, code: int, reason: str) -> None:
        if self.closing:
            return
        self.closing = True
        with contextlib.suppress(Exception):  # gone already: nothing left to tell
            await self.websocket.close(code=code, reason=reason)

    async def run_operation(self, operation: Operation[RequestContext, None]) -> None:
        _outlet.set(Outlet(self, operation))  # in the operation's own task (and context)
        # the context lives as long as the connection: a query sent after a change must not
        # be answered from the loaders (and their cache) of an earlier operation
        self.context.forget_loaders()
        await super().run_operation(operation)


async def try_again_later(error: Exception) -> bool:
    """Close the socket of the operation running in this task with 1013 (a subscription whose
    database work found no slot, realtime/admission.py, or no database); False when it runs
    over another transport than ours."""
    outlet = _outlet.get()
    if outlet is None or not isinstance(outlet.handler, LiveTransportWS):
        return False
    await outlet.handler.close_for(error, "a subscription")
    return True


def live_sink(viewer: Actor, root: Callable[[Delivery], object]) -> LiveSink | None:
    """For the subscription running in the current task: None unless it runs over our
    graphql-transport-ws handler (then its events take the subscriber's own path)."""
    outlet, executor = _outlet.get(), subscription_executor.get()
    if outlet is None or executor is None:
        return None
    handler, operation = outlet.handler, outlet.operation
    adapter = handler.websocket
    if not isinstance(adapter, ASGIWebSocketAdapter):
        return None
    websocket = adapter.ws

    async def render(delivery: Delivery) -> str:
        result = execute_subscription_event(executor.build_per_event_executor(root(delivery)))
        if executor.is_awaitable(result):
            result = await result
        assert isinstance(result, ExecutionResult)
        return encode_payload(result)

    def send(text: str) -> Any:
        return websocket.send({"type": "websocket.send", "text": text})

    def is_open() -> bool:
        return not operation.completed and handler.operations.get(operation.id) is operation

    prefix = '{"id":' + orjson.dumps(operation.id).decode() + ',"type":"next","payload":'
    return LiveSink(
        group=executor.share_key(audience(viewer)),
        render=render,
        prefix=prefix,
        send=send,
        is_open=is_open,
    )


def encode_payload(result: ExecutionResult) -> str:
    """The `payload` of a `next` message, as strawberry's handler builds it after the error
    shaping (our extension adds no `extensions` to results)."""
    payload: dict[str, object] = {"data": result.data}
    if result.errors:
        payload["errors"] = [shape_error(error).formatted for error in result.errors]
    return orjson.dumps(payload).decode()
