"""A robot dog the test drives by hand over MQTT: it takes the orders it is given and stays on
them (a mission that keeps running), and reports a FATAL error when told (a mission that fails
with the robot's own words). Its state goes out every second, so it stays online."""

from __future__ import annotations

import json
import threading
from typing import Any

from fleet_protocol.connection import ConnectionState
from fleet_protocol.kinds import RobotKind
from fleet_protocol.topics import Subtopic
from tests import vehicles
from tests.mqtt_clients import Session, connect

STATE_INTERVAL_S = 1.0


def _part(part: dict[str, Any], key: str) -> dict[str, Any]:
    """A node or edge of the order as the state lists it (still to pass)."""
    return {key: part[key], "sequenceId": part["sequenceId"], "released": part["released"]}


class ScriptedDog:
    """A patrol dog standing on (x, y) of the demo site, whose state the test writes."""

    def __init__(self, host: str, port: int, serial: str, x: float, y: float) -> None:
        self.serial = serial
        self._x, self._y = x, y
        self._lock = threading.Lock()
        self._header = 0
        self._order: dict[str, Any] | None = None
        self._errors: list[dict[str, str]] = []
        self._stop = threading.Event()
        self._session: Session = connect(host, port, None)
        self._session.client.message_callback_add(
            vehicles.topic_of(serial, Subtopic.ORDER), lambda _c, _u, m: self._take(m.payload)
        )
        self._session.subscribe(vehicles.topic_of(serial, Subtopic.ORDER))
        self._session.publish(
            vehicles.topic_of(serial, Subtopic.CONNECTION),
            vehicles.connection(serial, ConnectionState.ONLINE),
            retain=True,
        )
        self._session.publish(
            vehicles.topic_of(serial, Subtopic.FACTSHEET),
            vehicles.factsheet(serial, RobotKind.PATROL_DOG),
            retain=True,
        )
        self._ticker = threading.Thread(target=self._tick, name=f"dog {serial}", daemon=True)
        self._ticker.start()

    def _take(self, payload: bytes) -> None:
        with self._lock:
            self._order = json.loads(payload)
        self._publish()

    def fail(self, error_type: str, description: str) -> None:
        """Report a FATAL error from now on (the robot's own words)."""
        with self._lock:
            self._errors = [
                {"errorType": error_type, "errorLevel": "FATAL", "errorDescription": description}
            ]
        self._publish()

    def _state(self) -> bytes:
        self._header += 1
        message = json.loads(
            vehicles.state(
                self.serial, x=self._x, y=self._y, map_id="longgang-demo", header_id=self._header
            )
        )
        order = self._order
        if order is not None:
            # On the order's first node, the rest still to go: a mission that runs and runs.
            first, *rest = order["nodes"]
            message |= {
                "orderId": order["orderId"],
                "orderUpdateId": order["orderUpdateId"],
                "lastNodeId": first["nodeId"],
                "lastNodeSequenceId": first["sequenceId"],
                "driving": True,
                "nodeStates": [_part(n, "nodeId") for n in rest],
                "edgeStates": [_part(e, "edgeId") for e in order["edges"]],
            }
        message["errors"] = list(self._errors)
        return json.dumps(message).encode()

    def _publish(self) -> None:
        with self._lock:
            payload = self._state()
        self._session.client.publish(vehicles.topic_of(self.serial, Subtopic.STATE), payload)

    def _tick(self) -> None:
        while not self._stop.wait(STATE_INTERVAL_S):
            self._publish()

    def close(self) -> None:
        """Stop reporting and leave (the retained messages stay, as a robot's would)."""
        self._stop.set()
        self._ticker.join(timeout=5)
        self._session.close()
