"""A limit on request bodies: a body over the limit is refused (413) before the app reads it.

A pure ASGI middleware. A request that declares a larger Content-Length is answered at once,
unread; any other body is read up to the limit and handed on whole, so a body streamed in chunks
(no Content-Length, or one that understates it) is cut off as soon as it passes the limit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fleet_server.http_texts import BODY_TOO_LARGE


class BodyTooLarge(Exception):
    """The request's body is over the limit."""


class BodyLimit:
    """Refuses HTTP requests whose body is larger than `max_bytes` with 413."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        """`larger`: limits of their own for paths starting with a prefix (photo uploads)."""
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    def _limit(self, path: str) -> int:
        return next((n for p, n in self.larger.items() if path.startswith(p)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(send, limit)
            return
        try:
            body = await self._read(receive, limit)
        except BodyTooLarge:
            await self._refuse(send, limit)
            return
        if body is not None:
            await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive, limit: int) -> bytes | None:
        """The whole body; BodyTooLarge once it passes the limit, None if the client went away
        before sending all of it."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _refuse(self, send: Send, limit: int) -> None:
        # As a FleetError's body: the English, and the code and parameters the console words.
        refusal = BODY_TOO_LARGE.of(limit=limit)
        body = {"detail": refusal.message, "code": refusal.code, "params": refusal.wire_params()}
        content = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(content)).encode()),
                    # The rest of the body is never read, so the connection cannot be reused.
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})


def _content_length(scope: Scope) -> int | None:
    """The declared Content-Length, if there is a readable one (servers refuse bad ones)."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body in one message, then whatever comes next (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
