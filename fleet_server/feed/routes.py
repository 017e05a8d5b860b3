"""/live: the WebSocket feed of robots, missions and incidents that the operator console shows.

Connect to `GET /api/v1/live?token=<login token>` or `?key=<API key>` (browsers cannot set
headers on a WebSocket, so the credential travels in the query). Roles: admin, operator, viewer,
auditor. The credential is checked once, before anything is sent; to let a browser read why it
was refused, the server accepts the connection and at once closes it with code 4401 (no, bad,
expired or revoked credential) or 4403 (a role that may not watch) and the reason as the close
reason (a refusal before accepting reaches a browser only as code 1006).

Every message is one JSON text frame with a "type":
- `{"type": "snapshot", "robots": [Robot...], "missions": [Mission...], "incidents": [Incident...]}`
  first: every robot, every unfinished mission, every open, dispatched or on-scene incident.
  It comes again whenever the client has fallen too far behind (64 messages queued): the queue
  is dropped and the client starts over from the picture as it is now.
- `{"type": "robots", "robots": [Robot...]}`: every robot whose state, connection, pose or
  mission changed since the last batch, as it is now; at most one batch every
  FLEET_LIVE_INTERVAL_S (0.25 s), none while nothing changes.
- `{"type": "mission", "mission": Mission}`: a mission after it changed (created, assigned,
  progressed, paused, ended); several changes within one interval arrive as the latest.
- `{"type": "incident", "incident": Incident}`: an incident after it changed, likewise.
- `{"type": "fleet", "control": FleetControl}`: the whole fleet was paused, resumed or recalled
  (the body of GET /fleet/control).
- `{"type": "alerts", "changes": [{"event": "raised" | "repeated" | "acknowledged", "alert":
  Alert}...], "unacknowledged": n}`: the alerts that changed since the last batch, each as it is
  now, and how many alerts await acknowledging (the snapshot holds no alerts: read GET /alerts).
Robot, Mission, Incident and Alert are the bodies of GET /robots/{id}, /missions/{id},
/incidents/{id}, /alerts/{id};
a robot's `status` (offline, error, paused, charging, working, idle) is what the console colours.
What the client sends is ignored. The credential is not checked again while the feed is open.
uvicorn logs each WebSocket's path with its query; `credentials_hidden_from_logs` blanks the
credential in those lines while the app runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Iterator

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from fleet_server.accounts.accounts import Principal
from fleet_server.errors import FleetError, Forbidden, Unauthorized
from fleet_server.feed.hub import Subscription
from fleet_server.feed.texts import NOT_AUTHENTICATED, ROLE_REFUSED
from fleet_server.web.roles import FLEET_READERS
from fleet_server.wiring import Fleet

log = logging.getLogger(__name__)

router = APIRouter(tags=["live"])

# A WebSocket close reason holds at most 123 bytes of UTF-8.
MAX_REASON_BYTES = 123
SERVER_LOGGER = "uvicorn.error"
CREDENTIAL_IN_QUERY = re.compile(r"([?&](?:token|key)=)[^&\s\"]*")


class CredentialRedactor(logging.Filter):
    """Blanks the value of `token=` and `key=` in the paths a log record carries."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.args and isinstance(record.msg, str):
            record.msg = CREDENTIAL_IN_QUERY.sub(r"\1***", record.msg)
        elif isinstance(record.args, tuple):
            record.args = tuple(
                CREDENTIAL_IN_QUERY.sub(r"\1***", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


@contextlib.contextmanager
def credentials_hidden_from_logs() -> Iterator[None]:
    """While inside: the server's log lines show no live-feed credential."""
    logger = logging.getLogger(SERVER_LOGGER)
    redactor = CredentialRedactor()
    logger.addFilter(redactor)
    try:
        yield
    finally:
        logger.removeFilter(redactor)


def _principal(fleet: Fleet, token: str | None, key: str | None) -> Principal:
    """Who is connecting, allowed to watch; Unauthorized or Forbidden saying why not."""
    if token:
        principal = fleet.accounts.principal_from_token(token)
    elif key:
        principal = fleet.accounts.principal_from_api_key(key)
    else:
        raise Unauthorized(NOT_AUTHENTICATED.of())
    if principal.role not in FLEET_READERS:
        allowed = [role.value for role in FLEET_READERS]
        raise Forbidden(ROLE_REFUSED.of(role=principal.role.value, roles=allowed))
    return principal


def close_code(error: FleetError) -> int:
    """The WebSocket close code for a refusal: 4000 + its HTTP status (4401, 4403)."""
    return 4000 + error.status_code


@router.websocket("/live")
async def live(websocket: WebSocket, token: str | None = None, key: str | None = None) -> None:
    """The live feed (roles: admin, operator, viewer, auditor); see the module's docstring."""
    fleet: Fleet = websocket.app.state.fleet
    try:
        principal = await asyncio.to_thread(_principal, fleet, token, key)
    except (Unauthorized, Forbidden) as refused:
        await websocket.accept()
        reason = refused.message.encode()[:MAX_REASON_BYTES].decode(errors="ignore")
        await websocket.close(close_code(refused), reason)
        return
    await websocket.accept()
    log.info("live feed opened for %s %s", principal.kind, principal.name)
    subscription = fleet.feed.subscribe()
    try:
        await _serve(websocket, subscription)
    finally:
        fleet.feed.unsubscribe(subscription)
        log.info("live feed closed for %s %s", principal.kind, principal.name)


async def _serve(websocket: WebSocket, subscription: Subscription) -> None:
    """Send the subscription's messages until the client goes away."""
    sender = asyncio.create_task(_send(websocket, subscription))
    listener = asyncio.create_task(_until_closed(websocket))
    try:
        await asyncio.wait((sender, listener), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sender, listener):
            task.cancel()
        for task in (sender, listener):
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                await task


async def _send(websocket: WebSocket, subscription: Subscription) -> None:
    while True:
        await websocket.send_text(await subscription.next())


async def _until_closed(websocket: WebSocket) -> None:
    """Read (and ignore) what the client sends until it disconnects."""
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass
