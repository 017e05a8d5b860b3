"""End to end over real ROS 2: Mosquitto, `fleet serve`, and `fleet-sim --backend ros` with a
patrol dog, a sweeper and a service robot, each a simulated ROS robot with its own agent on the
ROS driver. Missions are driven through the REST API, as an operator does; what reached the
simulated robots is read from their log (words said, goals cancelled, docking, the deck).

One server and one ROS fleet for the module (starting them is most of the time); the tests run
in file order on the same robots.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ros_environment import import_rclpy

rclpy = import_rclpy()

from rcl_interfaces.msg import Parameter as ParameterMessage  # noqa: E402
from rcl_interfaces.msg import ParameterType, ParameterValue  # noqa: E402
from rcl_interfaces.srv import SetParameters  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402

from tests.broker import MosquittoBroker  # noqa: E402
from tests.robot_agent.png_reader import read_png  # noqa: E402
from tests.system import DEMO_SITE_FILE, Process, System, script  # noqa: E402
from tests.waiting import wait_until  # noqa: E402

pytestmark = pytest.mark.rclpy

SITE = "longgang-demo"
DOG = "dog-01"
WORDS = "请勿占道经营"
STREET = ["street-s1", "street-s2"]  # the dog starts on street-dock, beside street-s1


class RosSystem:
    """The server, and the ROS fleet beside it with its log."""

    def __init__(self, system: System, fleet: Process, home: Path) -> None:
        self.system = system
        self.fleet = fleet
        self.photos = home / ".local" / "share" / "fleet_robot_driver" / "photos"

    def fleet_log(self) -> str:
        return self.fleet.output()

    def post_patrol(self, **more: Any) -> dict[str, Any]:
        body = {"kind": "patrol", "site": SITE, "route": STREET, "robot": DOG, **more}
        response = self.system.api.post("/missions", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())


@pytest.fixture(scope="module")
def ros_system(
    broker: MosquittoBroker,
    ros_child_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RosSystem]:
    folder = tmp_path_factory.mktemp("ros-end-to-end")
    system = System(broker.url, f"sqlite:///{folder / 'fleet.db'}", folder)
    home = folder / "home"  # where the driver writes its photos by default
    try:
        fleet = system.start(
            "fleet-sim-ros",
            [
                script("fleet-sim"),
                *("--backend", "ros", "--robots", "3", "--site", str(DEMO_SITE_FILE)),
                *("--mqtt", broker.url, "--speed-factor", "80", "--state-interval", "1"),
                *("--ros-domain-id", os.environ["ROS_DOMAIN_ID"]),
            ],
            {**ros_child_env, "HOME": str(home)},
        )
        # Online and placed: a robot is online on its connection message, before its first
        # state says where it is (a mission for it is refused until then).
        wait_until(
            lambda: all(_placed(system.robot(s)) for s in (DOG, "sweeper-01", "guide-01")),
            timeout=60,
            what="the three ROS robots to be online on the site",
        )
        yield RosSystem(system, fleet, home)
    finally:
        system.stop()


def _placed(robot: dict[str, object]) -> bool:
    position = robot.get("position")
    return bool(robot.get("online")) and isinstance(position, dict) and bool(position.get("map_id"))


def test_a_patrol_speaks_and_photographs_at_its_checkpoint_and_completes(
    ros_system: RosSystem,
) -> None:
    checkpoint = {
        "node": "street-s2",
        "actions": [
            {"type": "announce", "params": {"text": WORDS, "language": "zh"}},
            {"type": "capturePhoto", "params": {"direction": "front"}},
        ],
    }
    mission = ros_system.post_patrol(rounds=1, checkpoints=[checkpoint])
    done = ros_system.system.wait_mission(mission["id"], "completed", timeout=60)
    assert done["progress"]["nodes_passed"] == done["progress"]["nodes_total"]
    assert f"{DOG} says: {WORDS}" in ros_system.fleet_log()
    visit = done["results"]["checkpoints"][0]
    outcomes = {action["type"]: action for action in visit["actions"]}
    assert outcomes["announce"]["status"] == "FINISHED"
    photo = outcomes["capturePhoto"]
    assert photo["status"] == "FINISHED"
    # The evidence is the camera's 64x48 rgb8 frame, stored as a PNG under its evidence id.
    stored = (ros_system.photos / f"{photo['result']}.png").read_bytes()
    width, height, channels, _ = read_png(stored)
    assert (width, height, channels) == (64, 48, 3)


def _cancels(log: str) -> int:
    return len(re.findall(rf"{DOG}: goal cancelled", log))


def test_pause_and_cancel_from_the_api_cancel_the_nav2_goal(ros_system: RosSystem) -> None:
    system = ros_system.system
    before = _cancels(ros_system.fleet_log())
    mission = ros_system.post_patrol(rounds=20)
    wait_until(lambda: system.robot(DOG)["driving"], what="the dog to drive")
    assert system.api.post(f"/missions/{mission['id']}/pause").status_code == 200
    system.wait_mission(mission["id"], "paused")
    wait_until(
        lambda: _cancels(ros_system.fleet_log()) == before + 1,
        what="the pause to cancel the navigation goal",
    )
    wait_until(lambda: system.robot(DOG)["paused"], what="the dog to report paused")
    assert system.api.post(f"/missions/{mission['id']}/resume").status_code == 200
    wait_until(lambda: system.robot(DOG)["driving"], what="the dog to drive again")
    assert system.api.post(f"/missions/{mission['id']}/cancel").status_code == 200
    cancelled = system.wait_mission(mission["id"], "cancelled")
    assert cancelled["reason"] == "cancelled by operator"
    assert _cancels(ros_system.fleet_log()) == before + 2
    wait_until(lambda: not system.robot(DOG)["driving"], what="the dog to stop")


def _inject_navigation_failure(code: int, message: str) -> None:
    """Set the simulated robot's failure parameters, as `ros2 param set` would."""
    rclpy.init()
    node = rclpy.create_node("failure_injector")
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    try:
        client = node.create_client(SetParameters, "/dog_01/fleet_sim_robot/set_parameters")
        assert client.wait_for_service(timeout_sec=10.0)
        request = SetParameters.Request()
        request.parameters = [
            ParameterMessage(
                name="fail_navigation_message",
                value=ParameterValue(type=ParameterType.PARAMETER_STRING, string_value=message),
            ),
            ParameterMessage(
                name="fail_navigation_code",
                value=ParameterValue(type=ParameterType.PARAMETER_INTEGER, integer_value=code),
            ),
        ]
        future = client.call_async(request)
        executor.spin_until_future_complete(future, timeout_sec=10.0)
        assert future.done() and all(r.successful for r in future.result().results)
    finally:
        executor.shutdown()
        node.destroy_node()
        rclpy.try_shutdown()


def test_an_injected_nav2_failure_fails_the_mission_with_nav2_s_code(
    ros_system: RosSystem,
) -> None:
    system = ros_system.system
    wait_until(lambda: system.robot(DOG)["mission_id"] is None, what="the dog to be free")
    _inject_navigation_failure(207, "goal in a wall")
    mission = ros_system.post_patrol(rounds=1)
    failed = system.wait_mission(mission["id"], "failed", timeout=60)
    description = "planner TIMEOUT (Nav2 error code 207): goal in a wall"
    assert failed["reason"] == f"robot aborted the order (pathPlanningError: {description})"
    assert failed["errors"][0]["type"] == "pathPlanningError"
    assert failed["errors"][0]["description"] == description


def test_a_dock_mission_docks_through_dock_robot_and_charges(ros_system: RosSystem) -> None:
    system = ros_system.system
    wait_until(lambda: system.robot(DOG)["mission_id"] is None, what="the dog to be free")
    level = system.robot(DOG)["battery"]
    target = min(100.0, round(level) + 2.0)
    body = {"kind": "dock", "site": SITE, "robot": DOG, "dock": "dock-street"}
    body["target_level"] = target
    response = system.api.post("/missions", json=body)
    assert response.status_code == 201, response.text
    system.wait_mission(response.json()["id"], "completed", timeout=60)
    assert f"{DOG} docked on dock-street, charging" in ros_system.fleet_log()
    assert system.robot(DOG)["battery"] >= target


def test_a_clean_checkpoint_lowers_the_deck_and_the_next_leg_raises_it(
    ros_system: RosSystem,
) -> None:
    checkpoint = {"node": "hall-post", "actions": [{"type": "clean", "params": {"mode": "sweep"}}]}
    body = {
        "kind": "patrol",
        "site": SITE,
        "route": ["hall-dock", "hall-post"],
        "robot": "sweeper-01",
        "rounds": 1,
        "checkpoints": [checkpoint],
    }
    response = ros_system.system.api.post("/missions", json=body)
    assert response.status_code == 201, response.text
    ros_system.system.wait_mission(response.json()["id"], "completed", timeout=60)
    log = ros_system.fleet_log()
    down = log.index("sweeper-01: cleaning deck deck down")
    assert log.index("sweeper-01: cleaning deck deck up", down) > down
