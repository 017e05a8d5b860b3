"""Alerts from what robots report over real Mosquitto: errors of an alerting level (one alert
counting repeats), a battery crossing the threshold (once per crossing, not per state), and an
order the server did not give."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from fleet_protocol.topics import Subtopic
from tests import vehicles
from tests.fleet_server.alerts.inbox import alerts, wait_for_alert
from tests.waiting import wait_until
from tests.wire import WireRecorder

FATAL = ("emergencyStop", "FATAL", "bumper pressed")
WARNING = ("navigationError", "WARNING", "path blocked")


class Vehicle:
    """A test vehicle that publishes states and waits until the server has read each one."""

    def __init__(self, client: TestClient, wire: WireRecorder, serial: str) -> None:
        self.client = client
        self.wire = wire
        self.serial = serial
        self.header_id = 0
        vehicles.announce(wire, serial)
        wait_until(lambda: self._view().get("online"), what=f"{serial} online")

    def _view(self) -> dict[str, Any]:
        return dict(self.client.get(f"/api/v1/robots/{self.serial}").json())

    def report(
        self,
        *,
        battery: float = 80.0,
        errors: tuple[tuple[str, str, str], ...] = (),
        **more: Any,
    ) -> None:
        self.header_id += 1
        state = json.loads(vehicles.state(self.serial, battery=battery, header_id=self.header_id))
        state["errors"] = [
            {"errorType": kind, "errorLevel": level, "errorDescription": text}
            for kind, level, text in errors
        ]
        state |= more
        self.wire.publish(vehicles.topic_of(self.serial, Subtopic.STATE), json.dumps(state))
        wait_until(
            lambda: (v := self._view())["battery"] == battery and len(v["errors"]) == len(errors),
            what=f"{self.serial}'s state read",
        )


def test_a_fatal_error_alerts_once_while_it_lasts_and_counts_when_it_comes_back(
    client: TestClient, wire: WireRecorder
) -> None:
    robot = Vehicle(client, wire, "dog-err")
    robot.report(errors=(WARNING,))
    robot.report(errors=(FATAL, WARNING))
    robot.report(errors=(FATAL,))
    alert = wait_for_alert(client, "robot_error", robot="dog-err")
    assert alert["severity"] == "high" and alert["count"] == 1
    assert alert["params"] == {
        "robot": "dog-err",
        "error_type": "emergencyStop",
        "level": "FATAL",
        "description": "bumper pressed",
    }
    assert alert["site"] == "square"
    # Warnings alone are left to the robot's page by default.
    assert len(alerts(client, kind="robot_error")) == 1
    robot.report()
    robot.report(errors=(FATAL,))
    again = wait_until(
        lambda: (a := alerts(client, kind="robot_error")[0])["count"] == 2 and a,
        what="the repeat counted",
    )
    assert again["id"] == alert["id"] and len(alerts(client, kind="robot_error")) == 1
    client.post(f"/api/v1/alerts/{alert['id']}/acknowledge")
    robot.report()
    robot.report(errors=(FATAL,))
    found = wait_until(
        lambda: len(now := alerts(client, kind="robot_error")) == 2 and now,
        what="a new alert after the acknowledgement",
    )
    assert found and found[0]["count"] == 1 and not found[0]["acknowledged"]


def test_a_low_battery_alerts_once_per_crossing_of_the_threshold(
    client: TestClient, wire: WireRecorder
) -> None:
    robot = Vehicle(client, wire, "sweeper-low")
    for charge in (40.0, 16.0, 14.0, 12.0, 9.0):
        robot.report(battery=charge)
    alert = wait_for_alert(client, "low_battery", robot="sweeper-low")
    assert alert["count"] == 1 and alert["severity"] == "medium"
    assert alert["params"] == {"robot": "sweeper-low", "battery": 14, "threshold": 15.0}
    assert alert["message"] == "robot sweeper-low's battery is at 14 %, below 15 %"
    # A reading that wavers just above the line and back is the same crossing.
    for charge in (17.0, 13.0):
        robot.report(battery=charge)
    # Charged well above it, then low again: a second crossing.
    for charge in (60.0, 11.0, 10.0):
        robot.report(battery=charge)
    again = wait_until(
        lambda: (a := alerts(client, kind="low_battery")[0])["count"] == 2 and a,
        what="the second crossing counted",
    )
    assert again["id"] == alert["id"] and again["params"]["battery"] == 11
    assert len(alerts(client, kind="low_battery")) == 1


def test_an_order_the_server_did_not_give_alerts_once(
    client: TestClient, wire: WireRecorder
) -> None:
    robot = Vehicle(client, wire, "rogue-2")
    for _ in range(3):
        # It drives an order of its own, whatever the server tells it.
        robot.report(
            orderId="rogue-order",
            driving=True,
            nodeStates=[{"nodeId": "far", "sequenceId": 2, "released": True}],
        )
    alert = wait_for_alert(client, "foreign_order", robot="rogue-2")
    assert alert["params"] == {"robot": "rogue-2", "order": "rogue-order", "mission": None}
    assert alert["severity"] == "high" and alert["count"] == 1
    assert "cancelOrder sent" in alert["message"]
