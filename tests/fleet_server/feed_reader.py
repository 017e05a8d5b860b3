"""A reader of the live feed (GET /api/v1/live) for tests: messages collected in a thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from starlette.testclient import WebSocketTestSession

from tests.waiting import wait_until

Message = dict[str, Any]


class FeedReader:
    """Reads a live feed in a thread, so tests wait on what arrived instead of blocking."""

    def __init__(self, session: WebSocketTestSession) -> None:
        self.messages: list[Message] = []
        self._session = session
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            while True:
                self.messages.append(self._session.receive_json())
        except Exception:
            # The session closing ends the reading, however it surfaces (a disconnect, or the
            # test client's stream closed under the read).
            return

    def of_type(self, kind: str) -> list[Message]:
        return [m for m in list(self.messages) if m["type"] == kind]

    def wait_for(self, check: Callable[[Message], bool], what: str) -> Message:
        return wait_until(
            lambda: next((m for m in list(self.messages) if check(m)), None), what=what
        )

    def robot_updates(self, serial: str) -> list[Message]:
        """Every state of one robot the robots batches carried, in order."""
        return [r for m in self.of_type("robots") for r in m["robots"] if r["id"] == serial]
