"""The benchmark's robots: complete VDA 5050 states and visualizations whose x carries a sequence
number, published by N robots over a few shared MQTT connections."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from fleet_protocol.broker_url import parse_broker_url
from fleet_protocol.topics import DEFAULT_INTERFACE, Subtopic, topic

MANUFACTURER = "BenchWorks"
ROBOTS_PER_CONNECTION = 100


def _timestamp() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def state_payload(
    serial: str,
    header_id: int,
    x: float,
    y: float,
    *,
    theta: float = 0.0,
    driving: bool = False,
    battery: float = 80.0,
    map_id: str = "bench",
    manufacturer: str = MANUFACTURER,
) -> bytes:
    """A complete, schema-valid VDA 5050 state with no order (idle unless `driving`); for the
    ingest bench x carries the sequence number."""
    stamp = _timestamp()
    return json.dumps(
        {
            "headerId": header_id,
            "timestamp": stamp,
            "version": "2.1.0",
            "manufacturer": manufacturer,
            "serialNumber": serial,
            "orderId": "",
            "orderUpdateId": 0,
            "lastNodeId": "",
            "lastNodeSequenceId": 0,
            "driving": driving,
            "paused": False,
            "operatingMode": "AUTOMATIC",
            "nodeStates": [],
            "edgeStates": [],
            "actionStates": [],
            "errors": [],
            "safetyState": {"eStop": "NONE", "fieldViolation": False},
            "batteryState": {"batteryCharge": battery, "charging": False},
            "agvPosition": {
                "x": x,
                "y": y,
                "theta": theta,
                "mapId": map_id,
                "positionInitialized": True,
            },
        }
    ).encode()


def visualization_payload(serial: str, header_id: int, x: float, y: float) -> bytes:
    """A VDA 5050 visualization with the robot's position; x carries the sequence number."""
    return json.dumps(
        {
            "headerId": header_id,
            "timestamp": _timestamp(),
            "version": "2.1.0",
            "manufacturer": MANUFACTURER,
            "serialNumber": serial,
            "agvPosition": {
                "x": x,
                "y": y,
                "theta": 0.0,
                "mapId": "bench",
                "positionInitialized": True,
            },
            "velocity": {"vx": 0.0, "vy": 0.0, "omega": 0.0},
        }
    ).encode()


def payload(subtopic: Subtopic, serial: str, header_id: int, x: float, y: float) -> bytes:
    """The message a robot sends on the topic."""
    make = visualization_payload if subtopic is Subtopic.VISUALIZATION else state_payload
    return make(serial, header_id, x, y)


class Publishers:
    """N robots over a few MQTT connections, sending their states and visualizations."""

    def __init__(self, mqtt_url: str, robots: int) -> None:
        address = parse_broker_url(mqtt_url)
        self.serials = [f"bench-{i:05d}" for i in range(robots)]
        self.topics = {
            subtopic: [topic(DEFAULT_INTERFACE, MANUFACTURER, s, subtopic) for s in self.serials]
            for subtopic in (Subtopic.STATE, Subtopic.VISUALIZATION)
        }
        self.clients: list[mqtt.Client] = []
        for start in range(0, robots, ROBOTS_PER_CONNECTION):
            client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{start}")
            client.max_queued_messages_set(0)
            client.connect(address.host, address.port)
            client.loop_start()
            self.clients.append(client)
        self.sent_at: dict[tuple[int, int], float] = {}
        self.sent = 0
        # The robot that sent last (robots send in turn, 0 first).
        self.last_sent = -1

    def publish(self, index: int, seq: int, subtopic: Subtopic = Subtopic.STATE) -> None:
        """Robot `index` sends its state or visualization number `seq` (its x is the number)."""
        client = self.clients[index // ROBOTS_PER_CONNECTION]
        message = payload(subtopic, self.serials[index], seq, float(seq), float(index))
        self.sent_at.setdefault((index, seq), time.monotonic())
        client.publish(self.topics[subtopic][index], message, qos=0)
        self.sent += 1
        self.last_sent = index

    def close(self) -> None:
        for client in self.clients:
            client.loop_stop()
            client.disconnect()
