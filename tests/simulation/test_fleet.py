"""The in-process fleet: planning robots; real agents on a real broker going online and driving."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiomqtt
import pytest

from fleet_protocol.actions import Action, BlockingType
from fleet_protocol.base import utc_now
from fleet_protocol.kinds import KIND_ACTIONS, RobotKind
from fleet_protocol.order import Edge, Node, NodePosition, Order
from fleet_protocol.site import Site
from fleet_protocol.topics import Subtopic, topic
from robot_agent.driver import DriverError
from simulation.fleet import (
    DEFAULT_ENERGY_VARIATION,
    INITIAL_BATTERY,
    Fleet,
    FleetConfig,
    plan_robots,
    read_credentials,
)
from simulation.profiles import profile_for
from simulation.site_file import load_site
from tests.broker import MosquittoBroker
from tests.wire import WireRecorder, match

DEMO = Path(__file__).resolve().parents[2] / "missions" / "sites" / "longgang-demo.yaml"


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site(DEMO)


def config(site: Site, robots: int, **overrides: object) -> FleetConfig:
    values: dict[str, Any] = {"mqtt_url": "mqtt://127.0.0.1:1883", "site": site, "robots": robots}
    values.update(overrides)
    return FleetConfig(**values)


def at_node(site: Site, node_id: str) -> Callable[[Any], bool]:
    """A condition on a state: the robot is at this node."""
    node = site.node(node_id)

    def condition(body: Any) -> bool:
        position = body.get("agvPosition") or {}
        return bool(
            math.isclose(position.get("x", math.nan), node.x)
            and math.isclose(position.get("y", math.nan), node.y)
        )

    return condition


def test_kinds_round_robin_with_serials_per_kind(site: Site) -> None:
    robots = plan_robots(config(site, 7))
    assert [r.serial_number for r in robots] == [
        "dog-01", "sweeper-01", "guide-01", "dog-02", "sweeper-02", "guide-02", "dog-03",
    ]  # fmt: skip
    assert [r.kind for r in robots[:3]] == [
        RobotKind.PATROL_DOG,
        RobotKind.SANITATION,
        RobotKind.SERVICE,
    ]
    only_dogs = plan_robots(config(site, 2, kinds=[RobotKind.PATROL_DOG]))
    assert [r.serial_number for r in only_dogs] == ["dog-01", "dog-02"]


def test_robots_start_on_distinct_nodes_docks_first(site: Site) -> None:
    robots = plan_robots(config(site, len(site.nodes)))
    starts = [r.start_node for r in robots]
    assert len(set(starts)) == len(site.nodes)
    assert set(starts[: len(site.docks)]) == set(site.dock_nodes())
    for robot in robots:
        node = site.node(robot.start_node)
        pose = robot.driver.current_pose()
        assert (pose.x, pose.y, pose.map_id) == (node.x, node.y, site.id)
        assert INITIAL_BATTERY[0] <= robot.driver.battery().charge <= INITIAL_BATTERY[1]


def test_placement_is_reproducible_and_nodes_are_reused_past_the_site_size(site: Site) -> None:
    first = [r.start_node for r in plan_robots(config(site, 20, seed=7))]
    again = [r.start_node for r in plan_robots(config(site, 20, seed=7))]
    assert first == again
    many = plan_robots(config(site, len(site.nodes) + 2))
    assert [r.start_node for r in many[-2:]] == [r.start_node for r in many[:2]]


def test_config_errors_are_named(site: Site) -> None:
    with pytest.raises(ValueError, match="scheme"):
        config(site, 1, mqtt_url="http://x")
    with pytest.raises(ValueError, match="speed_factor"):
        config(site, 1, speed_factor=0)
    with pytest.raises(ValueError, match="energy_variation"):
        config(site, 1, energy_variation=1.0)
    with pytest.raises(ValueError, match="charge_rate"):
        config(site, 1, charge_rate=0.0)
    dog = profile_for(RobotKind.PATROL_DOG).energy
    with pytest.raises(ValueError, match="energy figures for dog-02, not a robot of this fleet"):
        plan_robots(config(site, 1, energy={"dog-02": dog}))
    with pytest.raises(ValueError, match="manufacturer"):
        Fleet(config(site, 1, manufacturer="bad/name"))


def test_each_robot_varies_around_its_kind_reproducibly(site: Site) -> None:
    robots = plan_robots(config(site, 30, kinds=[RobotKind.PATROL_DOG]))
    kind = profile_for(RobotKind.PATROL_DOG).energy
    spread = DEFAULT_ENERGY_VARIATION
    drives = [r.driver.energy.drive_per_km / kind.drive_per_km for r in robots]
    charges = [r.driver.energy.charge_per_min / kind.charge_per_min for r in robots]
    assert all(1 - spread <= f <= 1 + spread for f in drives + charges)
    assert max(drives) - min(drives) > spread  # spread out, not all alike
    # The same seed gives every robot the same figures, however many robots there are.
    fewer = plan_robots(config(site, 3, kinds=[RobotKind.PATROL_DOG]))
    assert [r.driver.energy for r in fewer] == [r.driver.energy for r in robots[:3]]
    other_seed = plan_robots(config(site, 3, kinds=[RobotKind.PATROL_DOG], seed=2))
    assert other_seed[0].driver.energy != robots[0].driver.energy
    # Variation leaves the placement and the initial batteries as they were.
    plain = plan_robots(config(site, 30, kinds=[RobotKind.PATROL_DOG], energy_variation=0))
    assert [r.start_node for r in plain] == [r.start_node for r in robots]
    assert [r.driver.battery().charge for r in plain] == pytest.approx(
        [r.driver.battery().charge for r in robots], abs=0.01
    )
    assert all(r.driver.energy == kind for r in plain)


def test_charge_rate_and_figures_given_per_robot(site: Site) -> None:
    thirsty = profile_for(RobotKind.PATROL_DOG).energy.scaled(1.5)
    robots = plan_robots(
        config(
            site,
            4,
            kinds=[RobotKind.PATROL_DOG],
            energy_variation=0,
            charge_rate=90.0,
            energy={"dog-02": thirsty},
        )
    )
    by_serial = {r.serial_number: r.driver.energy for r in robots}
    assert by_serial["dog-02"] == thirsty  # as given: no charge rate, no variation
    for serial in ("dog-01", "dog-03", "dog-04"):
        assert by_serial[serial].charge_per_hour == pytest.approx(90.0)
        assert by_serial[serial].drive_per_km == thirsty.drive_per_km / 1.5


async def test_robots_charge_on_the_site_docks_only(site: Site) -> None:
    robots = plan_robots(config(site, len(site.docks) + 1, speed_factor=1000))
    for robot, dock in zip(robots, site.docks, strict=False):
        assert robot.start_node == dock.node
        robot.driver.set_battery(50)
        assert await robot.driver.run_action("dock", {"dockId": dock.id}) is None
        assert await robot.driver.run_action("charge", {"targetLevel": 51}) == "charged to 51%"
    elsewhere = robots[-1]
    assert elsewhere.start_node not in site.dock_nodes()
    elsewhere.driver.set_battery(50)
    with pytest.raises(DriverError, match="is not on a dock"):
        await elsewhere.driver.run_action("charge", {})
    assert elsewhere.driver.battery().charge <= 50


async def test_robots_come_online_with_factsheet_and_state_then_go_offline(
    site: Site, broker: MosquittoBroker, wire: WireRecorder
) -> None:
    fleet = Fleet(
        config(site, 3, mqtt_url=broker.url, state_interval=1.0, visualization_interval=0.5)
    )
    await fleet.start()
    try:
        for robot in fleet.robots:
            serial = robot.serial_number
            online = await wire.async_wait_for(
                match(
                    Subtopic.CONNECTION,
                    serial_number=serial,
                    manufacturer="FleetSim",
                    where=lambda body: body["connectionState"] == "ONLINE",
                ),
                what=f"{serial} ONLINE",
            )
            assert online.retain
            factsheet = await wire.async_wait_for(
                match(Subtopic.FACTSHEET, serial_number=serial), what=f"{serial} factsheet"
            )
            body = factsheet.json()
            assert factsheet.retain
            assert body["typeSpecification"]["seriesName"] == robot.kind.value
            declared = {a["actionType"] for a in body["protocolFeatures"]["agvActions"]}
            assert {a.action_type for a in KIND_ACTIONS[robot.kind]} <= declared
            state = await wire.async_wait_for(
                match(Subtopic.STATE, serial_number=serial, where=at_node(site, robot.start_node)),
                what=f"{serial} state at its start node",
            )
            assert state.json()["agvPosition"]["mapId"] == site.id
            await wire.async_wait_for(
                match(Subtopic.VISUALIZATION, serial_number=serial), what=f"{serial} visualization"
            )
        assert fleet.running
    finally:
        mark = wire.mark()
        await fleet.stop()
    assert not fleet.running
    for robot in fleet.robots:
        offline = wire.wait_for(
            match(
                Subtopic.CONNECTION,
                serial_number=robot.serial_number,
                where=lambda body: body["connectionState"] == "OFFLINE",
            ),
            since=mark,
            what=f"{robot.serial_number} OFFLINE",
        )
        assert offline.retain


async def test_a_simulated_robot_drives_an_order_and_photographs(
    site: Site, broker: MosquittoBroker, wire: WireRecorder
) -> None:
    fleet = Fleet(config(site, 1, mqtt_url=broker.url, speed_factor=50, seed=3))
    dog = fleet.robot("dog-01")
    with pytest.raises(KeyError, match="dog-02"):
        fleet.robot("dog-02")
    start = site.node(dog.start_node)
    goal = site.node("street-s1" if start.id != "street-s1" else "street-s2")
    await fleet.start()
    try:
        await wire.async_wait_for(
            match(Subtopic.CONNECTION, serial_number=dog.serial_number), what="dog online"
        )

        def position(node_id: str) -> NodePosition:
            node = site.node(node_id)
            return NodePosition(x=node.x, y=node.y, map_id=site.id, allowed_deviation_x_y=0.5)

        photo = Action(
            action_type="capturePhoto", action_id="photo-1", blocking_type=BlockingType.HARD
        )
        order = Order(
            header_id=0,
            timestamp=utc_now(),
            manufacturer="FleetSim",
            serial_number=dog.serial_number,
            order_id="sim-order-1",
            order_update_id=0,
            nodes=[
                Node(
                    node_id=start.id, sequence_id=0, released=True, node_position=position(start.id)
                ),
                Node(
                    node_id=goal.id,
                    sequence_id=2,
                    released=True,
                    node_position=position(goal.id),
                    actions=[photo],
                ),
            ],
            edges=[
                Edge(
                    edge_id=f"{start.id}--{goal.id}",
                    sequence_id=1,
                    released=True,
                    start_node_id=start.id,
                    end_node_id=goal.id,
                )
            ],
        )
        async with aiomqtt.Client(broker.host, broker.port) as client:
            order_topic = topic("uagv", "FleetSim", dog.serial_number, Subtopic.ORDER)
            await client.publish(order_topic, order.to_json())

        def done(body: dict[str, Any]) -> bool:
            return body.get("lastNodeId") == goal.id and any(
                a["actionId"] == "photo-1" and a["actionStatus"] == "FINISHED"
                for a in body.get("actionStates", [])
            )

        state = await wire.async_wait_for(
            match(Subtopic.STATE, serial_number=dog.serial_number, where=done),
            timeout=30,
            what="the order finished with its photo",
        )
        body = state.json()
        assert math.isclose(body["agvPosition"]["x"], goal.x)
        assert math.isclose(body["agvPosition"]["y"], goal.y)
        finished = next(a for a in body["actionStates"] if a["actionId"] == "photo-1")
        assert finished["resultDescription"].startswith(f"photo-{dog.serial_number}-")
        assert dog.driver.current_pose().x == goal.x
    finally:
        await fleet.stop()


def test_with_credentials_each_robot_logs_in_as_itself(site: Site, tmp_path: Path) -> None:
    creds = tmp_path / "robots.txt"
    creds.write_text("dog-01 old\n\n# renewed:\ndog-01 pw-dog\nsweeper-01 pw-sweeper\n")
    creds.chmod(0o600)
    fleet = Fleet(config(site, 2, credentials=read_credentials(creds), mqtt_url="mqtts://b"))
    logins = {
        serial: (settings.broker.username, settings.broker.password, settings.broker.tls)
        for serial, settings in fleet._agent_settings.items()
    }
    assert logins == {
        "dog-01": ("dog-01", "pw-dog", True),
        "sweeper-01": ("sweeper-01", "pw-sweeper", True),
    }
    assert "pw-dog" not in repr(fleet.config)


@pytest.mark.parametrize(("speed_factor", "interval"), [(1.0, 30.0), (10.0, 3.0), (100.0, 1.0)])
async def test_a_faster_fleet_reports_standing_robots_as_often_in_simulated_time(
    site: Site, broker: MosquittoBroker, wire: WireRecorder, speed_factor: float, interval: float
) -> None:
    # A standing robot sends state only every defaultStateInterval: at 100x, the agent's 30 s
    # would be 50 simulated minutes in which a sweeper's lowered deck drains a quarter of its
    # battery unseen by the server.
    maker = f"Speed{speed_factor:g}"  # its own topics: no retained factsheet of another run
    fleet = Fleet(
        config(site, 1, mqtt_url=broker.url, speed_factor=speed_factor, manufacturer=maker)
    )
    await fleet.start()
    try:
        serial = fleet.robots[0].serial_number
        factsheet = await wire.async_wait_for(
            match(Subtopic.FACTSHEET, serial_number=serial, manufacturer=maker),
            what=f"{serial} factsheet",
        )
        timing = factsheet.json()["protocolLimits"]["timing"]
        assert timing["defaultStateInterval"] == interval
    finally:
        await fleet.stop()
