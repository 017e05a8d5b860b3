"""Request ids: every HTTP request and WebSocket gets one, named in each log record written
while it is handled and returned in the X-Request-ID response header.

A pure ASGI middleware. An id the client (or a proxy in front) sends in X-Request-ID is kept
when it is short and plain; anything else is replaced by a new one, so a log line cannot be
forged or flooded through the header.
"""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fleet_protocol.logs import REQUEST

HEADER = "X-Request-ID"
# Enough for a UUID, a trace id or a load balancer's own (Root=1-...); no spaces, quotes or
# control characters.
SANE_ID = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}")


def request_id(sent: str | None) -> str:
    """The id a request goes by: the one sent if it is sane, else a new one."""
    if sent is not None and SANE_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


class RequestIds:
    """Sets the request id for the handling of each HTTP request and WebSocket."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        rid = request_id(Headers(scope=scope).get(HEADER))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = rid
            await send(message)

        token = REQUEST.set(rid)
        # Reset only after a normal end: a request that raised keeps its id in this task's
        # context (its own: the server starts a task per request) for the server's report of
        # the failure, written after the app has returned.
        await self.app(scope, receive, send_with_id)
        REQUEST.reset(token)
